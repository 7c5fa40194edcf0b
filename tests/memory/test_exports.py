"""Plain exports: Markdown by day, SillyTavern JSONL, journal Markdown."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from memory import exports, messages, personas

TOKYO = ZoneInfo("Asia/Tokyo")


def _chat(store) -> int:
    pid = personas.ensure_starter(store).id
    personas.save_version(store, pid, user_name="Hana")
    messages.add(store, pid, "user", "おはよう", created_at=datetime(2024, 5, 1, 14, 0, tzinfo=UTC))
    messages.add(
        store, pid, "companion", "Good morning!", created_at=datetime(2024, 5, 1, 14, 1, tzinfo=UTC)
    )
    # 23:30 UTC on May 1 is already May 2 in Tokyo
    messages.add(store, pid, "user", "late", created_at=datetime(2024, 5, 1, 23, 30, tzinfo=UTC))
    messages.add(
        store,
        pid,
        "companion",
        "cut off",
        status="partial",
        created_at=datetime(2024, 5, 1, 23, 31, tzinfo=UTC),
    )
    return pid


def test_chat_markdown_has_a_section_per_local_day(store):
    pid = _chat(store)
    text = exports.chat_markdown(store, pid, TOKYO)
    assert text.startswith("# Conversations with Sora")
    days = [line for line in text.splitlines() if line.startswith("## ")]
    assert days == ["## Wednesday 2024-05-01", "## Thursday 2024-05-02"]
    assert "**Hana** · 23:00\n\nおはよう" in text
    assert "**Sora** · 23:01\n\nGood morning!" in text
    assert "cut off" not in text


def test_sillytavern_jsonl_has_header_and_one_line_per_message(store):
    pid = _chat(store)
    lines = [json.loads(line) for line in exports.chat_jsonl(store, pid, TOKYO).splitlines()]
    assert lines[0]["character_name"] == "Sora" and lines[0]["user_name"] == "Hana"
    assert [(m["name"], m["is_user"], m["mes"]) for m in lines[1:]] == [
        ("Hana", True, "おはよう"),
        ("Sora", False, "Good morning!"),
        ("Hana", True, "late"),
    ]
    assert lines[1]["send_date"] == "May 1, 2024 11:00pm"


def test_journal_markdown_quotes_the_companion_reply(store):
    pid = personas.ensure_starter(store).id
    entry = store.execute(
        "INSERT INTO journal_entries (persona_id, written_on, mood, body) "
        "VALUES (?, ?, 5, 'Walked by the river.') RETURNING id",
        [pid, date(2024, 6, 2)],
    ).fetchone()[0]
    messages.add(
        store,
        pid,
        "companion",
        "That sounds lovely.\nTell me more.",
        source="journal",
        journal_entry_id=entry,
    )
    text = exports.journal_markdown(store, pid)
    assert "## Sunday 2024-06-02 · mood 5/5\n\nWalked by the river." in text
    assert "> **Sora:**\n> That sounds lovely.\n> Tell me more." in text


def test_empty_exports_say_so(store):
    pid = personas.ensure_starter(store).id
    assert "No messages yet." in exports.chat_markdown(store, pid, TOKYO)
    assert "No journal entries yet." in exports.journal_markdown(store, pid)
    assert len(exports.chat_jsonl(store, pid, TOKYO).splitlines()) == 1
