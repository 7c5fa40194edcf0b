"""Long-term memories: remember this, view, edit, pin, forget, proposals."""

from __future__ import annotations

import pytest

from memory import memories, messages, personas, recall


@pytest.fixture
def pid(store):
    return personas.ensure_starter(store).id


def test_remember_this_round_trip(store, pid):
    said = messages.add(store, pid, "user", "My sister Aiko lives in Osaka")
    kept = memories.remember_message(store, said)
    assert (kept.body, kept.origin, kept.message_id, kept.kind) == (
        "My sister Aiko lives in Osaka",
        "message",
        said.id,
        "fact",
    )
    assert memories.is_remembered(store, said.id)
    assert memories.remember_message(store, said).id == kept.id  # once per message
    assert [m.id for m in memories.list_memories(store, pid)] == [kept.id]
    found = recall.for_prompt(store, pid, "should I visit Aiko in Osaka?")
    assert ("memory", kept.id) in {(r.kind, r.id) for r in found}


def test_a_screenful_knows_which_messages_are_kept_and_forgotten_ones_are_not(store, pid):
    said = [messages.add(store, pid, "user", f"Note {i} about the lanterns") for i in range(5)]
    memories.remember_message(store, said[1])
    gone = memories.remember_message(store, said[3])
    memories.forget(store, gone.id)
    assert memories.kept_message_ids(store, [m.id for m in said]) == {said[1].id}
    assert memories.kept_message_ids(store, []) == set()


def test_edit_pin_and_forget(store, pid):
    mem = memories.add(store, pid, "Likes green tea")
    memories.edit(store, mem.id, "Loves matcha lattes", kind="fact")
    memories.set_pinned(store, mem.id, True)
    got = memories.get(store, mem.id)
    assert (got.body, got.pinned) == ("Loves matcha lattes", True)
    assert [m.id for m in memories.pinned(store, pid)] == [mem.id]
    memories.forget(store, mem.id)
    assert memories.get(store, mem.id) is None


def test_empty_memory_is_refused_and_nothing_changes(store, pid):
    mem = memories.add(store, pid, "Likes green tea")
    with pytest.raises(ValueError, match="needs some words"):
        memories.add(store, pid, "   ")
    with pytest.raises(ValueError, match="needs some words"):
        memories.edit(store, mem.id, "")
    assert memories.get(store, mem.id).body == "Likes green tea"
    assert memories.count(store, pid) == 1


def test_facts_from_the_conversation_are_proposed_then_confirmed_or_dismissed(store, pid):
    messages.add(store, pid, "user", "My favourite flower is the hydrangea. What's yours?")
    messages.add(store, pid, "user", "私は猫が好きです。")
    messages.add(store, pid, "user", "what time is it?")
    messages.add(store, pid, "companion", "I love you")  # only the user's words
    assert memories.propose_from_conversation(store, pid) == 2
    assert memories.propose_from_conversation(store, pid) == 0  # not proposed twice
    proposed = memories.list_memories(store, pid, status="proposed")
    bodies = sorted(m.body for m in proposed)
    assert bodies == ["My favourite flower is the hydrangea.", "私は猫が好きです。"]
    assert memories.count(store, pid) == 0  # nothing kept until confirmed
    first, second = proposed
    memories.confirm(store, first.id)
    memories.dismiss(store, second.id)
    assert [m.id for m in memories.list_memories(store, pid)] == [first.id]
    assert memories.propose_from_conversation(store, pid) == 0
