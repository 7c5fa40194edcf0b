"""Memory suggestions from the model: structured output, stored as proposals she confirms."""

from __future__ import annotations

import json

from companion import memory_suggestions
from companion.openai_provider import OpenAIProvider
from memory import memories, messages, personas
from tests.openai_server import Answer


def provider_for(server):
    return OpenAIProvider(api_key="sk-test", base_url=server.base_url, model="fake-model")


def test_model_suggestions_are_proposed_tied_to_their_message_and_never_twice(store, fake_openai):
    pid = personas.create(store, name="Lune").persona_id
    messages.add(store, pid, "user", "hi")
    shrimp = messages.add(store, pid, "user", "I'm allergic to shrimp, remember that")
    messages.add(store, pid, "companion", "Noted!")
    messages.add(store, pid, "user", "My sister Aya lives in Kobe")
    answer = {
        "memories": [
            {"message": 2, "fact": "You are allergic to shrimp."},
            {"message": 3, "fact": "Your sister Aya lives in Kobe."},
            {"message": 99, "fact": "made up"},
            {"fact": "no number"},
        ]
    }
    fake_openai.script(Answer(chunks=["```json\n", json.dumps(answer), "\n```"]))
    assert memory_suggestions.suggest(store, provider_for(fake_openai), pid) == 2
    proposed = memories.list_memories(store, pid, status="proposed")
    assert {m.body for m in proposed} == {
        "You are allergic to shrimp.",
        "Your sister Aya lives in Kobe.",
    }
    assert any(m.message_id == shrimp.id for m in proposed)
    assert memories.count(store, pid) == 0  # nothing kept until she confirms
    sent = fake_openai.last_messages()
    assert "JSON" in sent[0]["content"] and "2. I'm allergic to shrimp" in sent[1]["content"]
    # asked again: the messages already proposed are not sent, nothing new is stored
    fake_openai.script(Answer(chunks=['{"memories": [{"message": 1, "fact": "Says hi."}]}']))
    assert memory_suggestions.suggest(store, provider_for(fake_openai), pid) == 1
    assert "allergic" not in fake_openai.last_messages()[1]["content"]


def test_an_answer_that_is_not_the_json_stores_nothing(store, fake_openai):
    pid = personas.create(store, name="Lune").persona_id
    messages.add(store, pid, "user", "I love plums")
    fake_openai.script(Answer(chunks=["Sure! She loves plums."]))
    assert memory_suggestions.suggest(store, provider_for(fake_openai), pid) == 0
    assert memories.list_memories(store, pid, status="proposed") == []
