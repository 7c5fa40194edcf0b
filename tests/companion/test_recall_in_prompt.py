"""Recall reaches the model's prompt; journal reflections go through the provider."""

from __future__ import annotations

from datetime import date

from companion import Reply, send
from companion.journal import reflect
from companion.offline import OfflineVoice
from companion.openai_provider import OpenAIProvider
from memory import journal, messages, personas
from tests import recall_corpus
from tests.openai_server import Answer


def provider_for(server):
    return OpenAIProvider(api_key="sk-test", base_url=server.base_url, model="fake-model")


def test_recalled_outing_reaches_the_system_prompt_and_the_reply_meta(store, fake_openai):
    ids = recall_corpus.load(store)
    fake_openai.script(Answer(chunks=["Of course ", "I do."]))
    user_message, _ = send(store, ids["pid"], "do you remember the garden?")
    reply = Reply(store, provider_for(fake_openai), user_message)
    assert reply.text() == "Of course I do."
    system = fake_openai.last_messages()[0]
    assert system["role"] == "system"
    assert "Korakuen Garden (Bunkyo, Tokyo)" in system["content"]
    assert "Plum blossoms by the pond" in system["content"]
    assert "誕生日は十一月三日" in system["content"]  # pinned
    stored = messages.get(store, reply.message.id)
    first = stored.meta["recalled"][0]
    assert (first["kind"], first["id"]) == ("outing", ids["korakuen"])


def test_offline_voice_brings_up_the_recalled_outing(store):
    ids = recall_corpus.load(store)
    user_message, _ = send(store, ids["pid"], "do you remember the garden?")
    voice = OfflineVoice(seed=3)
    mentioned = 0
    for _ in range(10):
        text = Reply(store, voice, user_message).text()
        mentioned += "Korakuen Garden" in text
    assert mentioned > 0


def test_journal_reflection_is_stored_as_a_journal_message(store, fake_openai):
    pid = personas.ensure_starter(store).id
    entry = journal.add(store, pid, "I passed the exam!", written_on=date(2026, 3, 1), mood=5)
    fake_openai.script(Answer(chunks=["So proud ", "of you."]))
    done = reflect(store, provider_for(fake_openai), entry.id)
    assert done.error is None
    sent = fake_openai.last_messages()
    assert "I passed the exam!" in sent[-1]["content"]
    assert "mood 5/5" in sent[-1]["content"]
    got = journal.reflection(store, entry.id)
    assert (got.content, got.source, got.journal_entry_id, got.role) == (
        "So proud of you.",
        "journal",
        entry.id,
        "companion",
    )


def test_regenerate_replaces_the_reflection_only_when_the_new_one_arrives(store, fake_openai):
    pid = personas.ensure_starter(store).id
    entry = journal.add(store, pid, "Long day.", written_on=date(2026, 3, 1))
    provider = provider_for(fake_openai)
    fake_openai.script(Answer(chunks=["First."]), Answer(status=400), Answer(chunks=["Second."]))
    reflect(store, provider, entry.id)
    failed = reflect(store, provider, entry.id, replace=True)
    assert failed.error is not None
    assert journal.reflection(store, entry.id).content == "First."
    reflect(store, provider, entry.id, replace=True)
    assert journal.reflection(store, entry.id).content == "Second."
    assert messages.count(store, pid) == 1
