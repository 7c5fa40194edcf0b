"""Journal entries, the calendar, mood over time and "On this day"."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from memory import journal, messages, personas


@pytest.fixture
def pid(store):
    return personas.ensure_starter(store).id


def test_entry_needs_words_or_a_photo_and_a_mood_from_1_to_5(store, pid):
    with pytest.raises(ValueError, match="few words or a photo"):
        journal.add(store, pid, "  ", written_on=date(2026, 1, 1))
    with pytest.raises(ValueError, match="1 \\(low\\) to 5"):
        journal.add(store, pid, "hi", written_on=date(2026, 1, 1), mood=7)
    assert journal.count(store, pid) == 0


def test_calendar_and_mood_series(store, pid):
    journal.add(store, pid, "a", written_on=date(2026, 1, 1), mood=2)
    journal.add(store, pid, "b", written_on=date(2026, 1, 1), mood=4)
    journal.add(store, pid, "c", written_on=date(2026, 1, 3))
    days = journal.written_days(store, pid, date(2026, 1, 1), date(2026, 1, 31))
    assert [(d.day.day, d.entries, d.mood) for d in days] == [(1, 2, 3.0), (3, 1, None)]
    assert [(d.day.day, d.mood) for d in journal.mood_series(store, pid)] == [(1, 3.0)]


def test_delete_removes_the_entry_and_its_reflection(store, pid):
    entry = journal.add(store, pid, "a", written_on=date(2026, 1, 1))
    messages.add(store, pid, "companion", "nice", source="journal", journal_entry_id=entry.id)
    journal.delete(store, entry.id)
    assert journal.get(store, entry.id) is None
    assert messages.count(store, pid) == 0


def test_on_this_day_gathers_earlier_years_and_months(store, pid):
    tz = ZoneInfo("Asia/Tokyo")
    store.execute(
        "INSERT INTO outings (persona_id, title, place, happened_on) "
        "VALUES (?, 'Korakuen Garden', 'Tokyo', DATE '2025-04-06')",
        [pid],
    )
    journal.add(store, pid, "rainy day", written_on=date(2026, 2, 6), mood=2)
    journal.add(store, pid, "not the same day", written_on=date(2026, 2, 7))
    # 23:30 UTC on 5 March is already 6 March in Tokyo
    messages.add(
        store, pid, "user", "late hello", created_at=datetime(2026, 3, 5, 23, 30, tzinfo=UTC)
    )
    past = journal.on_this_day(store, pid, date(2026, 4, 6), tz)
    assert [(p.label, p.day) for p in past] == [
        ("1 year ago", date(2025, 4, 6)),
        ("1 month ago", date(2026, 3, 6)),
        ("2 months ago", date(2026, 2, 6)),
    ]
    assert past[0].outings[0][1] == "Korakuen Garden"
    assert (past[1].message_count, past[1].first_words) == (1, "late hello")
    assert past[2].entries[0].body == "rainy day"
