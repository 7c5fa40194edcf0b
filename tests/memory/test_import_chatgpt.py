"""ChatGPT export import: active branches, timestamps, skipping, idempotency, bad input."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from memory import messages, personas
from memory.importers import ImportProblem, chatgpt
from tests.memory import chatgpt_samples as samples


def _all(store, pid):
    return messages.recent(store, pid, 1000)


def test_only_the_active_branch_is_imported_without_hidden_or_tool_messages(store):
    pid = personas.ensure_starter(store).id
    data = chatgpt.read(samples.export(samples.regenerated_conversation()))
    result = chatgpt.import_conversations(store, data.conversations, pid)
    stored = _all(store, pid)
    assert [(m.role, m.content) for m in stored] == [
        ("user", "Shall we go to the sea?"),
        ("companion", "Yes! Let's go 🌊"),
        ("user", "海が見たい"),
        ("companion", "見に行こう"),
    ]
    assert result.messages_imported == 4 and result.conversations_imported == 1
    assert {m.source for m in stored} == {"import:chatgpt"}
    assert stored[0].created_at == datetime.fromtimestamp(1700000000, UTC)
    assert stored[1].model == "gpt-4o"
    title = store.execute("SELECT title FROM imported_conversations").fetchall()
    assert title == [("Trip to the sea",)]


def test_multimodal_parts_keep_text_and_note_images_and_null_times_fall_back(store):
    pid = personas.ensure_starter(store).id
    conv = chatgpt.read(samples.export(samples.multimodal_conversation())).conversations[0]
    assert [(m.role, m.content, m.images) for m in conv.messages] == [
        ("user", "What flower is this?\n\n[image]", 1),
        ("companion", "A hydrangea.", 0),
        ("user", "[image]", 1),
    ]
    start = datetime.fromtimestamp(1710000000, UTC)
    # no create_time: the conversation's start, then the time of the message before
    assert [m.created_at for m in conv.messages] == [start, start, start]
    chatgpt.import_conversations(store, [conv], pid)
    assert _all(store, pid)[0].meta == {"images": 1}


def test_null_conversation_time_uses_the_first_known_message_time():
    conv = chatgpt.read(samples.export(samples.instructions_conversation())).conversations[0]
    assert conv.messages[0].created_at == datetime.fromtimestamp(1720000001, UTC)


def test_custom_instructions_are_found():
    data = chatgpt.read(samples.export(samples.instructions_conversation()))
    assert data.custom_instructions == "Be warm and playful; call me Hana."
    assert data.about_user == "I live in Tokyo and love gardens."
    assert [m.content for m in data.conversations[0].messages] == ["Hello again"]


def test_missing_optional_fields_are_tolerated():
    conv = samples.regenerated_conversation()
    for key in ("title", "current_node", "conversation_id", "id", "create_time"):
        conv.pop(key)
    del conv["mapping"]["a2"]["message"]["metadata"]
    del conv["mapping"]["u1"]["message"]["author"]["name"]
    found = chatgpt.read(samples.export(conv)).conversations[0]
    assert found.title == "Untitled conversation"
    # without current_node the most recent leaf (a3) is the active branch
    assert [m.content for m in found.messages][-1] == "見に行こう"
    again = chatgpt.read(samples.export(conv)).conversations[0]
    assert again.id == found.id  # a derived id is stable, so re-import stays idempotent


def test_importing_the_same_export_twice_adds_nothing(store):
    pid = personas.ensure_starter(store).id
    payload = samples.export(samples.regenerated_conversation(), samples.multimodal_conversation())
    first = chatgpt.import_conversations(store, chatgpt.read(payload).conversations, pid)
    count = messages.count(store)
    second = chatgpt.import_conversations(store, chatgpt.read(payload).conversations, pid)
    assert messages.count(store) == count == first.messages_imported == 7
    assert second.messages_imported == 0 and second.messages_skipped == 7
    assert second.conversations_skipped == 2
    conversations = store.execute("SELECT count(*) FROM imported_conversations").fetchone()[0]
    assert conversations == 2


def test_zip_export_is_read(tmp_path):
    path = tmp_path / "export.zip"
    path.write_bytes(samples.export_zip(samples.export(samples.regenerated_conversation())))
    assert len(chatgpt.read(path).conversations) == 1


@pytest.mark.parametrize(
    ("payload", "says"),
    [
        (b"this is not json", "not JSON"),
        (b'{"hello": 1}', "not a list of conversations"),
        (b'[{"title": "no mapping"}]', "no message tree"),
        (b'[{"mapping": {"a": 3}}]', "damaged"),
        (samples.export_zip(b"[]", name="other.json"), "no conversations.json"),
        (b"PK\x03\x04 truncated zip", "damaged or incomplete"),
    ],
)
def test_malformed_input_is_a_plain_error_and_writes_nothing(store, payload, says):
    personas.ensure_starter(store)
    with pytest.raises(ImportProblem, match=says):
        chatgpt.read(payload)
    assert messages.count(store) == 0


def test_select_by_title_and_date_range():
    data = chatgpt.read(
        samples.export(samples.regenerated_conversation(), samples.multimodal_conversation())
    )
    assert [c.title for c in chatgpt.select(data.conversations, title_contains="SEA")] == [
        "Trip to the sea"
    ]
    march = chatgpt.select(data.conversations, since=date(2024, 3, 1), until=date(2024, 3, 31))
    assert [c.title for c in march] == ["Flowers"]


def test_progress_is_reported_to_the_end(store):
    pid = personas.ensure_starter(store).id
    seen = []
    data = chatgpt.read(samples.export(samples.regenerated_conversation()))
    chatgpt.import_conversations(store, data.conversations, pid, lambda f, t: seen.append(f))
    assert seen[0] == 0.0 and seen[-1] == 1.0
