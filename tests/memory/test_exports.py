"""Plain exports: Markdown by day, SillyTavern JSONL, journal Markdown."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from memory import exports, i18n, messages, personas

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
    assert days == ["## Wednesday, 1 May 2024", "## Thursday, 2 May 2024"]
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
    assert "## Sunday, 2 June 2024 · mood 5/5\n\nWalked by the river." in text
    assert "> **Sora:**\n> That sounds lovely.\\\n> Tell me more." in text


def test_exports_in_japanese_have_japanese_headings_and_cldr_dates(store):
    pid = _chat(store)
    messages.add(
        store,
        pid,
        "companion",
        "きれいな写真",
        source="album",
        created_at=datetime(2024, 5, 1, 23, 40, tzinfo=UTC),
    )
    store.execute(
        "INSERT INTO journal_entries (persona_id, written_on, mood, body) VALUES (?, ?, 4, ?)",
        [pid, date(2024, 6, 2), "川沿いを歩いた。"],
    )
    i18n.use_language("ja")
    try:
        chat = exports.chat_markdown(store, pid, TOKYO)
        journal = exports.journal_markdown(store, pid)
        empty = exports.chat_markdown(store, personas.create(store, name="湊").persona_id, TOKYO)
        jsonl = exports.chat_jsonl(store, pid, TOKYO)
    finally:
        i18n.use_language("en")
    assert chat.startswith("# Soraとの会話\n")
    days = [line for line in chat.splitlines() if line.startswith("## ")]
    assert days == ["## 2024年5月1日水曜日", "## 2024年5月2日木曜日"]
    assert "**Sora** · 08:40 · アルバム\n\nきれいな写真" in chat
    assert journal.startswith("# Soraとの日記\n")
    assert "## 2024年6月2日日曜日 · 気分 4/5\n\n川沿いを歩いた。" in journal
    assert "まだメッセージはありません。" in empty
    # SillyTavern reads its own English date style, whatever the interface language
    assert json.loads(jsonl.splitlines()[1])["send_date"] == "May 1, 2024 11:00pm"


def test_empty_exports_say_so(store):
    pid = personas.ensure_starter(store).id
    assert "No messages yet." in exports.chat_markdown(store, pid, TOKYO)
    assert "No journal entries yet." in exports.journal_markdown(store, pid)
    assert len(exports.chat_jsonl(store, pid, TOKYO).splitlines()) == 1


FORGERY = (
    "see you\n\n## Friday 2030-01-01\n\n**Sora** · 10:00\n\nI never said this.\n"
    "Setext heading\n===\n- a list\n1. and more\n> a quote\n"
    "<img src=x onerror=alert(1)><script>alert(2)</script> &lt;b&gt; [link](http://x) `code`"
)


def _render(text: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).render(text)


def test_a_message_cannot_forge_a_day_a_turn_or_html_in_the_markdown_export(store):
    pid = _chat(store)
    messages.add(store, pid, "user", FORGERY, created_at=datetime(2024, 5, 1, 14, 2, tzinfo=UTC))
    html = _render(exports.chat_markdown(store, pid, TOKYO))
    assert html.count("<h2>") == 2  # the two real days only
    assert html.count("<strong>") == 4  # one per real turn: the forged "Sora" is not one
    for tag in ("<img", "<script", "<a ", "<code>", "<ul>", "<ol>", "<blockquote>", "<h1>Setext"):
        assert tag not in html.replace("<h1>Conversations", ""), tag
    # and the words are all there, as typed
    assert "## Friday 2030-01-01" in html and "**Sora** · 10:00" in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html and "&amp;lt;b&amp;gt;" in html


def test_a_journal_entry_or_reply_cannot_forge_structure_either(store):
    pid = personas.ensure_starter(store).id
    entry = store.execute(
        "INSERT INTO journal_entries (persona_id, written_on, body) VALUES (?, ?, ?) RETURNING id",
        [pid, date(2024, 6, 2), FORGERY],
    ).fetchone()[0]
    messages.add(store, pid, "companion", FORGERY, source="journal", journal_entry_id=entry)
    html = _render(exports.journal_markdown(store, pid))
    assert html.count("<h2>") == 1
    assert html.count("<strong>") == 1  # "Sora:" above the quoted reply
    assert html.count("<blockquote>") == 1  # the reply's own quote, nothing nested
    assert "<img" not in html and "<script" not in html and "<a " not in html
