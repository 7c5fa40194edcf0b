"""Moving in, moving out, moving in again: the same companion, memories, messages and photos."""

from __future__ import annotations

import io
import json
import zipfile

from memory import Store, cards, exports, memories, messages, personas, photos
from memory.importers import chatgpt, sillytavern
from tests.memory import chatgpt_samples as samples
from tests.memory.test_cards import V2_CARD


def _messages(store, pid):
    shown = []
    for m in messages.recent(store, pid, 1000):
        meta = {k: v for k, v in (m.meta or {}).items() if k != "from_card"}
        shas = [photos.get(store, i).sha256 for i in m.photo_ids]
        when = None if m.source == "greeting" else m.created_at  # made when the card came in
        shown.append((m.role, m.content, when, m.source, meta, shas))
    return shown


def _memories(store, pid):
    return sorted((m.body, m.kind, m.happened_on) for m in memories.list_memories(store, pid))


def _persona(store, pid):
    pv = personas.current(store, pid)
    fields = {k: v for k, v in pv.shaped().items() if k not in ("avatar_path", "extra")}
    extra = {k: v for k, v in pv.extra.items() if k != "card"}
    # the card as it goes out again: its fields, and its lorebook with his memories in it
    exported = json.loads(cards.export_json(store, pid))["data"]
    book = [(e["keys"], e["content"]) for e in exported.pop("character_book")["entries"]]
    for added_by_v3 in ("assets", "group_only_greetings"):  # the CharX is V3
        exported.pop(added_by_v3, None)
    return fields, extra, exported, book


def test_import_export_import_gives_the_same_companion_memories_and_messages(tmp_path):
    card = json.loads(json.dumps(V2_CARD))
    card["data"]["character_book"] = {
        "entries": [{"keys": ["lighthouse"], "content": "Built in 1890.", "enabled": True}]
    }
    export = tmp_path / "chatgpt.zip"
    export.write_bytes(samples.whole_export_zip())
    with Store.open(tmp_path / "first") as first:
        pid = cards.import_card(first, json.dumps(card).encode()).persona_id
        found = chatgpt.import_file(first, export, pid)
        chatgpt.keep_memories(first, pid, found.memories)
        charx = cards.export_charx(first, pid)
        archive = exports.chat_archive(first, pid)
        before = (_persona(first, pid), _memories(first, pid), _messages(first, pid))
    assert len(before[2]) == 8 and len(before[1]) == 2  # greeting + 7; lorebook + ChatGPT memory

    with zipfile.ZipFile(io.BytesIO(archive)) as zf:  # moving out keeps the photos
        names = zf.namelist()
        markdown = zf.read("chat.md").decode()
    assert sum(n.startswith("photos/") for n in names) == 3
    assert markdown.count("![photo](photos/") == 4

    with Store.open(tmp_path / "second") as second:
        again = cards.import_card(second, charx).persona_id
        result = sillytavern.import_chat(second, archive, again)
        assert result.messages_imported == 7 and result.photos_imported == 3
        after = (_persona(second, again), _memories(second, again), _messages(second, again))
        assert after[:2] == before[:2]
        for got, want in zip(after[2], before[2], strict=True):
            assert got == want
        # and once more: nothing new
        assert sillytavern.import_chat(second, archive, again).messages_imported == 0
        assert chatgpt.import_file(second, export, again).messages_imported == 0


def test_a_plain_sillytavern_chat_imports_with_its_own_dates(store):
    pid = personas.ensure_starter(store).id
    chat = "\n".join(
        json.dumps(line)
        for line in [
            {"user_name": "Hana", "character_name": "Aoi", "chat_metadata": {}},
            {"name": "Hana", "is_user": True, "send_date": "May 1, 2024 2:03pm", "mes": "hi"},
            {"name": "Aoi", "is_user": False, "send_date": "May 1, 2024 2:04pm", "mes": "hello"},
        ]
    ).encode()
    result = sillytavern.import_chat(store, chat, pid)
    stored = messages.recent(store, pid)
    assert result.messages_imported == 2
    assert [(m.role, m.content, m.created_at.isoformat()) for m in stored] == [
        ("user", "hi", "2024-05-01T14:03:00+00:00"),
        ("companion", "hello", "2024-05-01T14:04:00+00:00"),
    ]
    assert sillytavern.import_chat(store, chat, pid).messages_imported == 0
