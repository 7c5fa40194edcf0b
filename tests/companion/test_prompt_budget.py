"""The prompt a model receives: his voice (pinned examples, past replies) within a budget."""

from __future__ import annotations

from companion import Reply, send
from companion.openai_provider import OpenAIProvider
from companion.prompt import BUDGET_SETTING, DEFAULT_BUDGET, estimate_tokens
from memory import messages, personas, voice
from memory import settings as settings_store
from tests.companion.voice_history import long_history
from tests.openai_server import Answer


def provider_for(server):
    return OpenAIProvider(api_key="sk-test", base_url=server.base_url, model="fake-model")


def sent_tokens(sent: list[dict]) -> int:
    return sum(estimate_tokens(m["content"] if isinstance(m["content"], str) else "") for m in sent)


def test_prompt_carries_pinned_examples_and_relevant_past_replies_within_budget(store, fake_openai):
    pv = personas.create(store, name="Lune Klaus", user_name="Mika", first_person="僕")
    pid = pv.persona_id
    long_history(store, pid, 2000)
    voice.add(store, pid, "Okaeri, my moon. Did you eat something warm?", origin="written")
    voice.add_examples(store, pid, ["Hmm… let me think it over, my moon."], source="card")
    # her earlier message, answered by him, then a long day of chat after it
    earlier = messages.add(store, pid, "user", "We saw the manta ray at the aquarium")
    messages.add(
        store,
        pid,
        "companion",
        "A manta ray! I'd have watched it glide with you.",
        reply_to=earlier.id,
    )
    for i in range(60):
        messages.add(store, pid, "user", f"little thing number {i} " + "word " * 60)
        messages.add(store, pid, "companion", f"mm, tell me more {i} " + "word " * 60)
    settings_store.set(store, BUDGET_SETTING, 3000)
    fake_openai.script(Answer(chunks=["Of course."]))
    user, _ = send(store, pid, "Remember the manta ray at the aquarium?")
    assert Reply(store, provider_for(fake_openai), user).text() == "Of course."
    sent = fake_openai.last_messages()
    system = sent[0]["content"]
    assert "Okaeri, my moon. Did you eat something warm?" in system  # pinned
    assert "let me think it over" in system  # from the card
    assert "When she said something like this before, you replied:" in system
    assert "manta ray" in system.split("you replied:")[1]
    assert sent[-1]["content"] == "Remember the manta ray at the aquarium?"
    # within the budget: the history was cut, newest kept
    assert sent_tokens(sent) <= 3000
    assert 2 < len(sent) < 60
    assert "59" in sent[-2]["content"]


def test_default_budget_and_a_tiny_history_are_fine(store, fake_openai):
    pid = personas.create(store, name="X").persona_id
    fake_openai.script(Answer(chunks=["hi"]))
    user, _ = send(store, pid, "hello")
    assert Reply(store, provider_for(fake_openai), user).text() == "hi"
    sent = fake_openai.last_messages()
    assert len(sent) == 2 and sent_tokens(sent) <= DEFAULT_BUDGET
    assert "How you talk" not in sent[0]["content"]


def test_the_token_estimate_counts_latin_by_fours_and_everything_else_by_one():
    assert estimate_tokens("") == 4
    assert estimate_tokens("abcdefgh") == 4 + 2
    assert estimate_tokens("後楽園") == 4 + 3
    assert estimate_tokens("café 😀 ok") == 4 + len("caf  ok") // 4 + 2
    assert estimate_tokens("\x7f\x80") == 4 + 0 + 1
