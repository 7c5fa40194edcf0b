"""What the companion recalls for a prompt."""

from __future__ import annotations

from datetime import date

import pytest

from memory import memories, messages, personas, recall, search
from tests import recall_corpus


@pytest.fixture
def corpus(store):
    return recall_corpus.load(store)


def test_do_you_remember_the_garden_brings_back_korakuen_first(store, corpus):
    found = recall.for_prompt(store, corpus["pid"], "do you remember the garden?")
    assert (found[0].kind, found[0].id) == ("outing", corpus["korakuen"])
    assert found[0].title == "Korakuen Garden (Bunkyo, Tokyo)"
    assert "Plum blossoms" in found[0].text


def test_japanese_prompt_recalls_the_japanese_outing_first(store, corpus):
    found = recall.for_prompt(store, corpus["pid"], "上野で見た睡蓮、覚えてる？")
    assert (found[0].kind, found[0].id) == ("outing", corpus["ueno"])


def test_what_the_companion_said_about_an_outing_is_recalled(store, corpus):
    found = recall.for_prompt(store, corpus["pid"], "those seagulls were funny")
    assert (found[0].kind, found[0].id) == ("outing", corpus["kamakura"])


def test_pinned_memories_are_always_recalled(store, corpus):
    found = recall.for_prompt(store, corpus["pid"], "hello")
    assert ("memory", corpus["memory_birthday"]) in {(r.kind, r.id) for r in found}
    assert ("memory", corpus["memory_shrimp"]) not in {(r.kind, r.id) for r in found}


def test_relevant_unpinned_memory_is_recalled(store, corpus):
    found = recall.for_prompt(store, corpus["pid"], "can I eat shrimp tempura?")
    assert (found[0].kind, found[0].id) == ("memory", corpus["memory_shrimp"])


def test_messages_still_in_the_recent_history_are_not_recalled_again(store, corpus):
    pid = corpus["pid"]
    just_said = messages.add(store, pid, "user", "the violin concerto again!")
    found = recall.for_prompt(store, pid, just_said.content)
    assert all(not (r.kind == "message" and r.id == just_said.id) for r in found)


def test_old_message_is_recalled_once_outside_the_history_window(store, corpus):
    pid = corpus["pid"]
    for i in range(recall.HISTORY_WINDOW):
        messages.add(store, pid, "user", f"filler {i}")
    found = recall.for_prompt(store, pid, "how did the violin concerto go?")
    assert ("message", corpus["violin"]) in {(r.kind, r.id) for r in found}


def test_the_history_window_is_hers_even_when_another_companion_wrote_much_since(store, corpus):
    # A thousand and more messages with another companion came after hers: her last
    # messages are still the history, so what she said among them is not recalled again.
    pid = corpus["pid"]
    said = messages.add(store, pid, "user", "the violin concerto at the hall, again")
    for i in range(recall.HISTORY_WINDOW - 2):
        messages.add(store, pid, "user", f"filler {i}")
    other = personas.create(store, name="Kai").persona_id
    store.execute(
        "INSERT INTO messages (persona_id, role, content, source) "
        "SELECT ?, 'user', 'other chat ' || i, 'chat' FROM range(?) t(i)",
        [other, 60 * recall.HISTORY_WINDOW],
    )
    found = {(r.kind, r.id) for r in recall.for_prompt(store, pid, "violin concerto")}
    assert ("message", said.id) not in found
    for i in range(3):
        messages.add(store, pid, "user", f"more filler {i}")
    found = {(r.kind, r.id) for r in recall.for_prompt(store, pid, "violin concerto")}
    assert ("message", said.id) in found


def test_on_this_day_offers_last_years_outing(store, corpus):
    found = recall.for_prompt(store, corpus["pid"], "good morning", today=date(2026, 4, 6))
    item = next(r for r in found if r.kind == "outing")
    assert item.id == corpus["korakuen"]
    assert "1 year ago" in item.title


def test_recalled_round_trips_through_a_reply_meta(store, corpus):
    found = recall.for_prompt(store, corpus["pid"], "do you remember the garden?")
    assert [recall.Recalled.from_dict(r.as_dict()) for r in found] == found


def test_forgotten_memory_is_no_longer_recalled(store, corpus):
    memories.forget(store, corpus["memory_shrimp"])
    found = recall.for_prompt(store, corpus["pid"], "can I eat shrimp tempura?")
    assert ("memory", corpus["memory_shrimp"]) not in {(r.kind, r.id) for r in found}


def _page(store, pid, message):
    """The history a chat reply reads (companion.conversation.Reply.request)."""
    return messages.recent(
        store, pid, 120, sources=("chat", "album", "journal"), before_id=message.id
    )


def test_the_history_window_read_from_the_replys_history_is_the_queried_one(store):
    # The reply reads its history first and recall takes the window's start from it; in
    # every case the start is the one the query finds, but after a regenerated reply, where
    # it may start lower, leaving out only messages the history carries anyway.
    pid = personas.ensure_starter(store).id
    other = personas.create(store, name="Kai").persona_id

    def check(message, *, regenerating=False):
        page = _page(store, pid, message)
        queried = recall._history_start(store, pid)
        found = recall.history_start(store, pid, message_id=message.id, history=page)
        if not regenerating:
            assert found == queried
        else:
            assert found <= queried
            left_out = {m.id for m in page if found <= m.id < queried}
            assert left_out <= {m.id for m in page[-recall.HISTORY_WINDOW :]}

    first = messages.add(store, pid, "user", "hello")
    check(first)  # alone
    for i in range(10):
        messages.add(store, pid, "user" if i % 2 else "companion", f"chat {i}")
    check(messages.add(store, pid, "user", "fewer than the window"))
    for i in range(40):
        messages.add(store, pid, "user" if i % 2 else "companion", f"chat {i}")
    check(messages.add(store, pid, "user", "a long chat"))
    messages.add(store, pid, "companion", "good morning!", source="greeting")
    messages.add(store, other, "user", "someone else's chat")
    check(messages.add(store, pid, "user", "after a greeting and another companion"))
    for i in range(5):
        messages.add(store, pid, "user", f"imported {i}", source="import:chatgpt")
    check(messages.add(store, pid, "user", "after an import"))
    for i in range(40):
        messages.add(store, pid, "user" if i % 2 else "companion", f"chat again {i}")
    asked = messages.add(store, pid, "user", "say that again")
    check(asked)
    messages.add(store, pid, "companion", "the reply she regenerates")
    check(asked, regenerating=True)


def test_a_reply_s_recall_brings_the_index_up_to_date_once_the_tail_is_long(
    store, corpus, monkeypatch
):
    # Recall reads the index state once and starts the background rebuild from it: what
    # she said since the last build is then in the index, and found there.
    pid = corpus["pid"]
    monkeypatch.setattr(search, "TAIL_LIMIT", 3)
    recall.for_prompt(store, pid, "the lighthouse")  # no index yet: the first one is built
    store.wait_for_background()
    assert search.index_status(store).tail == 0
    said = [messages.add(store, pid, "user", f"the lighthouse keeper {i}") for i in range(3)]
    recall.for_prompt(store, pid, "the lighthouse")
    store.wait_for_background()
    assert search.index_status(store).tail == 3  # not past the limit yet
    said.append(messages.add(store, pid, "user", "the lighthouse keeper 3"))
    recall.for_prompt(store, pid, "the lighthouse")
    store.wait_for_background()
    status = search.index_status(store)
    assert status.tail == 0 and status.docs == messages.count(store)
    found = search.search(store, pid, "lighthouse keeper").by_kind["message"]
    assert {h.id for h in found} >= {m.id for m in said}
