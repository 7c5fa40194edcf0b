"""Summaries of past days' conversations, kept so recall can reach days the prompt cannot hold.

The model writes them (`companion.day_summary`); this module stores, lists, edits and finds
them. A day is a local day in her time zone; today is never summarised (it is still going).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from memory import search

#: Characters of a day's conversation given to the model (the rest of a long day is cut).
TRANSCRIPT_CHARS = 6000


@dataclass(frozen=True)
class DaySummary:
    persona_id: int
    day: date
    body: str
    model: str | None
    edited: bool
    updated_at: datetime


_COLUMNS = "persona_id, day, body, model, edited, updated_at"


def pending_days(store, persona_id: int, tz: ZoneInfo, today: date, *, limit: int = 400):
    """Past days with chat messages and no summary yet, newest first."""
    start_of_today = datetime.combine(today, time(), tz)
    rows = store.execute(
        """
        SELECT d FROM (
            SELECT CAST(timezone(?, created_at) AS DATE) AS d, count(*) AS n
            FROM messages
            WHERE persona_id = ? AND created_at < ? AND status = 'ok'
              AND (source = 'chat' OR source LIKE 'import:%')
            GROUP BY 1
        ) days
        WHERE n >= 2 AND d NOT IN (SELECT day FROM day_summaries WHERE persona_id = ?)
        ORDER BY d DESC LIMIT ?
        """,
        [str(tz), persona_id, start_of_today, persona_id, limit],
    ).fetchall()
    return [r[0] for r in rows]


def transcript(store, persona_id: int, day: date, tz: ZoneInfo, *, names=("She", "He")) -> str:
    """One day's conversation as plain lines ("She: …", "He: …"), cut to TRANSCRIPT_CHARS."""
    start = datetime.combine(day, time(), tz)
    rows = store.execute(
        "SELECT role, content FROM messages WHERE persona_id = ? AND created_at >= ? "
        "AND created_at < ? AND status = 'ok' ORDER BY created_at, id LIMIT 400",
        [persona_id, start, start + timedelta(days=1)],
    ).fetchall()
    lines, used = [], 0
    for role, content in rows:
        line = f"{names[0] if role == 'user' else names[1]}: {' '.join((content or '').split())}"
        line = line[:600]
        if used + len(line) > TRANSCRIPT_CHARS:
            break
        lines.append(line)
        used += len(line)
    return "\n".join(lines)


def save(store, persona_id: int, day: date, body: str, *, model: str | None) -> bool:
    """Store the model's summary of a day; never over one she edited. True when stored."""
    body = (body or "").strip()
    if not body:
        return False
    existing = get(store, persona_id, day)
    if existing is not None and existing.edited:
        return False
    store.execute(
        "INSERT OR REPLACE INTO day_summaries (persona_id, day, body, model, edited, updated_at) "
        "VALUES (?, ?, ?, ?, false, current_timestamp)",
        [persona_id, day, body[:2000], model],
    )
    return True


def edit(store, persona_id: int, day: date, body: str) -> None:
    """Her own words for a day's summary (kept over any later run); empty removes it."""
    body = (body or "").strip()
    if not body:
        store.execute(
            "DELETE FROM day_summaries WHERE persona_id = ? AND day = ?", [persona_id, day]
        )
        return
    store.execute(
        "INSERT OR REPLACE INTO day_summaries (persona_id, day, body, model, edited, updated_at) "
        "VALUES (?, ?, ?, NULL, true, current_timestamp)",
        [persona_id, day, body[:2000]],
    )


def get(store, persona_id: int, day: date) -> DaySummary | None:
    row = store.execute(
        f"SELECT {_COLUMNS} FROM day_summaries WHERE persona_id = ? AND day = ?",
        [persona_id, day],
    ).fetchone()
    return DaySummary(*row) if row else None


def recent(store, persona_id: int, *, limit: int = 30) -> list[DaySummary]:
    rows = store.execute(
        f"SELECT {_COLUMNS} FROM day_summaries WHERE persona_id = ? ORDER BY day DESC LIMIT ?",
        [persona_id, limit],
    ).fetchall()
    return [DaySummary(*r) for r in rows]


def count(store, persona_id: int) -> int:
    return store.execute(
        "SELECT count(*) FROM day_summaries WHERE persona_id = ?", [persona_id]
    ).fetchone()[0]


def relevant(store, persona_id: int, text: str, *, limit: int = 2) -> list[DaySummary]:
    """The summaries that speak of what `text` asks about, best first (for recall)."""
    terms = search.query_terms(store, text or "", for_recall=True)
    if not terms:
        return []
    rows = store.execute(
        f"SELECT {_COLUMNS} FROM day_summaries WHERE persona_id = ?", [persona_id]
    ).fetchall()
    scored = []
    for row in rows:
        lowered = row[2].lower()
        hits = 0
        for term in terms:
            if search.is_latin(term):
                stem = term[:-1] if term.endswith("i") and len(term) > 3 else term
                hits += bool(re.search(r"(?<![^\W_])" + re.escape(stem), lowered))
            else:
                hits += term in lowered
        if hits:
            scored.append((hits, row[1], row))
    scored.sort(key=lambda t: (-t[0], t[1]), reverse=False)
    return [DaySummary(*r) for _, _, r in scored[:limit]]
