"""The journal: daily entries with a mood and an optional photo, and "On this day".

The companion's reflection on an entry is a message (source 'journal', `journal_entry_id`
set), made by `companion.journal`, so the dashboard counts it like any other exchange.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from memory import messages
from memory.errors import InvalidInput, NotFound
from memory.i18n import N_

MAX_CHARS = 50_000
MOODS = {1: "😞", 2: "🙁", 3: "😐", 4: "🙂", 5: "😄"}
MOOD_WORDS = {1: N_("low"), 2: N_("meh"), 3: N_("okay"), 4: N_("good"), 5: N_("great")}


@dataclass(frozen=True)
class Entry:
    id: int
    persona_id: int
    written_on: date
    mood: int | None
    body: str
    photo_id: int | None
    created_at: datetime


_COLUMNS = "id, persona_id, written_on, mood, body, photo_id, created_at"


def _check(body: str | None, mood: int | None, photo_id: int | None) -> str:
    text = (body or "").strip()
    if not text and photo_id is None:
        raise InvalidInput("An entry needs a few words or a photo.")
    if len(text) > MAX_CHARS:
        raise InvalidInput(
            f"That entry is {len(text):,} characters long; an entry holds up to "
            f"{MAX_CHARS:,}. Split it over two days or two entries."
        )
    if mood is not None and mood not in MOODS:
        raise InvalidInput("Mood is a number from 1 (low) to 5 (great).")
    return text


def add(
    store,
    persona_id: int,
    body: str,
    *,
    written_on: date,
    mood: int | None = None,
    photo_id: int | None = None,
) -> Entry:
    """Write an entry and return it. Raises ValueError with a plain sentence on bad input."""
    text = _check(body, mood, photo_id)
    row = store.execute(
        f"INSERT INTO journal_entries (persona_id, written_on, mood, body, photo_id) "
        f"VALUES (?, ?, ?, ?, ?) RETURNING {_COLUMNS}",
        [persona_id, written_on, mood, text, photo_id],
    ).fetchone()
    return Entry(*row)


def get(store, entry_id: int) -> Entry | None:
    """One entry by id."""
    row = store.execute(
        f"SELECT {_COLUMNS} FROM journal_entries WHERE id = ?", [entry_id]
    ).fetchone()
    return Entry(*row) if row else None


def update(
    store,
    entry_id: int,
    body: str,
    *,
    mood: int | None,
    written_on: date | None = None,
    photo_id: int | None = None,
    keep_photo: bool = True,
) -> Entry:
    """Change an entry's text, mood, day or photo. Raises ValueError on bad input."""
    current = get(store, entry_id)
    if current is None:
        raise NotFound("That entry is no longer there.")
    new_photo = photo_id if photo_id is not None else (current.photo_id if keep_photo else None)
    text = _check(body, mood, new_photo)
    row = store.execute(
        f"UPDATE journal_entries SET body = ?, mood = ?, written_on = ?, photo_id = ? "
        f"WHERE id = ? RETURNING {_COLUMNS}",
        [text, mood, written_on or current.written_on, new_photo, entry_id],
    ).fetchone()
    return Entry(*row)


def delete(store, entry_id: int) -> None:
    """Delete an entry and the companion's reflections on it (its photo stays in the album)."""
    with store.transaction() as cur:
        messages.delete_where(cur, journal_entry_id=entry_id)
        cur.execute("DELETE FROM journal_entries WHERE id = ?", [entry_id])


def list_entries(store, persona_id: int, *, limit: int = 20, offset: int = 0) -> list[Entry]:
    """Entries with one companion, newest first."""
    rows = store.execute(
        f"SELECT {_COLUMNS} FROM journal_entries WHERE persona_id = ? "
        "ORDER BY written_on DESC, id DESC LIMIT ? OFFSET ?",
        [persona_id, limit, offset],
    ).fetchall()
    return [Entry(*r) for r in rows]


def count(store, persona_id: int) -> int:
    """How many entries there are with one companion."""
    return store.execute(
        "SELECT count(*) FROM journal_entries WHERE persona_id = ?", [persona_id]
    ).fetchone()[0]


def reflection(store, entry_id: int):
    """The companion's latest reflection on an entry (a `memory.messages.Message`), or None."""
    row = store.execute(
        "SELECT id FROM messages WHERE journal_entry_id = ? AND role = 'companion' "
        "ORDER BY id DESC LIMIT 1",
        [entry_id],
    ).fetchone()
    return messages.get(store, row[0]) if row else None


def reflections(store, entry_ids: list[int]) -> dict[int, object]:
    """The latest reflection of each of `entry_ids`, by entry id (one query for all)."""
    return messages.latest_reflections(store, entry_ids)


@dataclass(frozen=True)
class DayMood:
    day: date
    entries: int
    mood: float | None  # the day's average mood, None when no mood was given


def written_days(store, persona_id: int, start: date, end: date) -> list[DayMood]:
    """Every day in [start, end] with at least one entry, with its average mood."""
    rows = store.execute(
        "SELECT written_on, count(*), avg(mood) FROM journal_entries "
        "WHERE persona_id = ? AND written_on BETWEEN ? AND ? GROUP BY written_on "
        "ORDER BY written_on",
        [persona_id, start, end],
    ).fetchall()
    return [DayMood(d, n, m) for d, n, m in rows]


def writing_streak(store, persona_id: int, today: date) -> int:
    """Consecutive days with an entry, ending today (or yesterday, while today is unwritten);
    the same rule as the conversation streak (`memory.stats.streaks`)."""
    from memory import stats

    written = [d.day for d in written_days(store, persona_id, today - timedelta(days=400), today)]
    return stats.streaks(written, today)[0].length


def mood_series(store, persona_id: int) -> list[DayMood]:
    """Average mood per written day, oldest first (days without a mood are left out)."""
    rows = store.execute(
        "SELECT written_on, count(*), avg(mood) FROM journal_entries "
        "WHERE persona_id = ? AND mood IS NOT NULL GROUP BY written_on ORDER BY written_on",
        [persona_id],
    ).fetchall()
    return [DayMood(d, n, m) for d, n, m in rows]


def first_day(store, persona_id: int) -> date | None:
    """The earliest day with an entry."""
    return store.execute(
        "SELECT min(written_on) FROM journal_entries WHERE persona_id = ?", [persona_id]
    ).fetchone()[0]


# -- On this day -----------------------------------------------------------------------------
@dataclass
class PastDay:
    """One earlier date that shares today's date: what happened then."""

    day: date
    label: str  # "1 year ago", "3 months ago"
    outings: list[tuple[int, str, str | None, str | None]] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    message_count: int = 0
    first_words: str | None = None  # the first thing the user said that day

    @property
    def empty(self) -> bool:
        return not self.outings and not self.entries and not self.message_count


def _months_back(today: date, months: int) -> date | None:
    year = today.year + (today.month - 1 - months) // 12
    month = (today.month - 1 - months) % 12 + 1
    try:
        return date(year, month, today.day)
    except ValueError:  # the 31st in a shorter month
        return None


def past_dates(today: date, *, years: int = 30) -> list[tuple[date, str]]:
    """Earlier dates sharing today's date: the same day in the last 11 months, then years."""
    found = []
    for months in range(1, 12):
        day = _months_back(today, months)
        if day is not None:
            found.append((day, "1 month ago" if months == 1 else f"{months} months ago"))
    for back in range(1, years + 1):
        day = _months_back(today, 12 * back)
        if day is not None:
            found.append((day, "1 year ago" if back == 1 else f"{back} years ago"))
    return found


_DAY_MESSAGES = """
    SELECT ?::DATE, count(*), arg_min(content, created_at) FILTER (role = 'user')
    FROM messages WHERE persona_id = ? AND created_at >= ? AND created_at < ?
"""


def on_this_day(
    store, persona_id: int, today: date, tz: ZoneInfo, *, with_messages: bool = True
) -> list[PastDay]:
    """Outings, journal entries and messages from today's date in earlier months and years.

    Only dates with something on them are returned, years before months.
    """
    dates = past_dates(today)
    by_day = {d: PastDay(d, label) for d, label in dates}
    days = list(by_day)
    for oid, title, place, notes, happened_on in store.execute(
        "SELECT id, title, place, notes, happened_on FROM outings WHERE persona_id = ? "
        "AND happened_on IN (SELECT unnest(?::DATE[])) ORDER BY happened_on, id",
        [persona_id, days],
    ).fetchall():
        by_day[happened_on].outings.append((oid, title, place, notes))
    for row in store.execute(
        f"SELECT {_COLUMNS} FROM journal_entries WHERE persona_id = ? "
        "AND written_on IN (SELECT unnest(?::DATE[])) ORDER BY written_on, id",
        [persona_id, days],
    ).fetchall():
        entry = Entry(*row)
        by_day[entry.written_on].entries.append(entry)
    if with_messages:
        # One range filter per day, not a range join: each reads only the few row groups whose
        # times cover that day (156 → 16 ms at 1M messages), where the join read them all.
        params: list = []
        for d in days:
            start = datetime.combine(d, time(), tz)
            params += [d, persona_id, start, datetime.combine(d + timedelta(days=1), time(), tz)]
        for day, n, first in store.execute(
            " UNION ALL ".join([_DAY_MESSAGES] * len(days)), params
        ).fetchall():
            if n:
                by_day[day].message_count = n
                by_day[day].first_words = first
    found = [p for p in by_day.values() if not p.empty]
    years = sorted((p for p in found if "year" in p.label), key=lambda p: p.day, reverse=True)
    months = sorted((p for p in found if "month" in p.label), key=lambda p: p.day, reverse=True)
    return years + months
