"""House rules checked on the source itself: one module writes `messages`."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Production code: what the app and the CLI run (tests, benchmarks and shipped migrations,
#: which create the table, are not).
PRODUCTION = ["app.py", "pages", "ui", "memory", "companion"]
WRITES_MESSAGES = re.compile(
    r"\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM|COPY|TRUNCATE(\s+TABLE)?)\s+messages\b", re.IGNORECASE
)


def _production_files():
    for name in PRODUCTION:
        path = ROOT / name
        files = [path] if path.is_file() else sorted(path.rglob("*.py"))
        for file in files:
            if "migrations" not in file.parts:
                yield file


def test_only_memory_messages_writes_the_messages_table():
    writers = {
        str(file.relative_to(ROOT))
        for file in _production_files()
        if WRITES_MESSAGES.search(file.read_text(encoding="utf-8"))
    }
    assert writers == {"memory/messages.py"}


def test_the_scan_would_see_a_writer():
    # The pattern catches the shapes the codebase used before (multi-line SQL included).
    for sql in (
        'cur.execute("DELETE FROM messages WHERE id = ?")',
        '"""\n        INSERT INTO messages (persona_id, role)',
        "UPDATE  messages SET meta = ?",
    ):
        assert WRITES_MESSAGES.search(sql)
    assert not WRITES_MESSAGES.search("DELETE FROM message_photos WHERE message_id = ?")
