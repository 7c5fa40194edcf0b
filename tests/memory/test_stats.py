from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from memory import messages, personas, stats

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")


def at(text: str, tz=UTC) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=tz)


@pytest.fixture
def pid(store):
    return personas.ensure_starter(store, today=date(2024, 1, 1)).id


def add(store, pid, when: datetime, role="user", content="hi", source="chat"):
    return messages.add(store, pid, role, content, created_at=when, source=source)


def as_rows(daily):
    return [
        (d.date().isoformat(), u, c, e)
        for d, u, c, e in zip(
            daily["day"],
            daily["from_user"],
            daily["from_companion"],
            daily["exchanges"],
            strict=True,
        )
    ]


def test_messages_count_on_the_local_day_across_midnight(store, pid):
    # 23:30 and 23:59 New York time are still the 5th there, though the 6th in UTC.
    add(store, pid, at("2024-06-05 23:30", NEW_YORK), "user")
    add(store, pid, at("2024-06-05 23:59", NEW_YORK), "companion")
    add(store, pid, at("2024-06-06 00:00", NEW_YORK), "user")
    add(store, pid, at("2024-06-06 00:01", NEW_YORK), "companion")
    add(store, pid, at("2024-06-06 00:02", NEW_YORK), "companion")

    assert as_rows(stats.daily_counts(store, NEW_YORK)) == [
        ("2024-06-05", 1, 1, 1),
        ("2024-06-06", 1, 2, 1),
    ]
    # The same instants in UTC fall on the 6th: 03:30, 03:59, 04:00, 04:01, 04:02.
    assert as_rows(stats.daily_counts(store, "UTC")) == [("2024-06-06", 2, 3, 2)]


def test_spring_forward_day_has_23_hours_and_counts_exactly(store, pid):
    # New York, 10 March 2024: 02:00 EST jumps to 03:00 EDT.
    add(store, pid, at("2024-03-10 05:30"), "user")  # 00:30 EST, the 10th
    add(store, pid, at("2024-03-10 06:59"), "companion")  # 01:59 EST, the 10th
    add(store, pid, at("2024-03-10 07:00"), "user")  # 03:00 EDT, the 10th
    add(store, pid, at("2024-03-11 03:59"), "companion")  # 23:59 EDT, still the 10th
    add(store, pid, at("2024-03-11 04:00"), "user")  # 00:00 EDT, the 11th

    assert as_rows(stats.daily_counts(store, NEW_YORK)) == [
        ("2024-03-10", 2, 2, 2),
        ("2024-03-11", 1, 0, 0),
    ]
    hours = stats.hour_weekday(store, NEW_YORK)
    assert sorted(zip(hours["weekday"], hours["hour"], hours["messages"], strict=True)) == [
        (0, 0, 1),  # Monday 11th, 00:00
        (6, 0, 1),  # Sunday 10th, 00:30
        (6, 1, 1),
        (6, 3, 1),  # no 02:00 on that day
        (6, 23, 1),
    ]


def test_autumn_back_day_has_25_hours_in_london(store, pid):
    # London, 27 October 2024: 02:00 BST falls back to 01:00 GMT; 01:30 happens twice.
    add(store, pid, at("2024-10-26 23:30"), "user")  # 00:30 BST on the 27th
    add(store, pid, at("2024-10-27 00:30"), "companion")  # 01:30 BST
    add(store, pid, at("2024-10-27 01:30"), "user")  # 01:30 GMT, the second one
    add(store, pid, at("2024-10-27 23:59"), "companion")  # 23:59 GMT, the 27th
    add(store, pid, at("2024-10-26 22:59"), "companion")  # 23:59 BST on the 26th

    assert as_rows(stats.daily_counts(store, LONDON)) == [
        ("2024-10-26", 0, 1, 0),
        ("2024-10-27", 2, 2, 2),
    ]
    hours = stats.hour_weekday(store, LONDON)
    cells = dict(
        zip(zip(hours["weekday"], hours["hour"], strict=True), hours["messages"], strict=True)
    )
    assert cells[(6, 1)] == 2  # both 01:30s on Sunday


def test_new_messages_and_deletions_are_picked_up(store, pid):
    first = add(store, pid, at("2024-01-01 12:00"), "user")
    assert as_rows(stats.daily_counts(store, "UTC")) == [("2024-01-01", 1, 0, 0)]
    add(store, pid, at("2024-01-01 12:01"), "companion", content="hello there")
    add(store, pid, at("2024-01-02 12:00"), "user")
    daily = stats.daily_counts(store, "UTC")
    assert as_rows(daily) == [("2024-01-01", 1, 1, 1), ("2024-01-02", 1, 0, 0)]
    assert list(daily["companion_chars"]) == [len("hello there"), 0]

    messages.delete(store, first.id)
    assert as_rows(stats.daily_counts(store, "UTC")) == [
        ("2024-01-01", 0, 1, 0),
        ("2024-01-02", 1, 0, 0),
    ]


def test_rows_inserted_with_plain_sql_are_counted(store, pid):
    store.execute(
        "INSERT INTO messages (persona_id, role, content, created_at, source) "
        "SELECT ?, 'user', 'x', TIMESTAMPTZ '2024-05-01 10:00:00+00' + to_hours(i), 'chat' "
        "FROM range(30) t(i)",
        [pid],
    )
    assert as_rows(stats.daily_counts(store, "UTC")) == [
        ("2024-05-01", 14, 0, 0),
        ("2024-05-02", 16, 0, 0),
    ]


def test_date_range_and_companion_filters(store, pid):
    other = personas.create(store, name="Ren").persona_id
    for day in range(1, 6):
        add(store, pid, at(f"2024-02-0{day} 12:00"), "user")
        add(store, other, at(f"2024-02-0{day} 12:00"), "companion")

    mine = stats.daily_counts(
        store, "UTC", persona_id=pid, start=date(2024, 2, 2), end=date(2024, 2, 3)
    )
    assert as_rows(mine) == [("2024-02-02", 1, 0, 0), ("2024-02-03", 1, 0, 0)]
    both = stats.daily_counts(store, "UTC", start=date(2024, 2, 5))
    assert as_rows(both) == [("2024-02-05", 1, 1, 1)]


def test_share_by_source_groups_imports(store, pid):
    add(store, pid, at("2024-02-01 12:00"), source="chat")
    add(store, pid, at("2024-02-01 12:00"), source="chat")
    add(store, pid, at("2024-02-01 12:00"), source="album")
    add(store, pid, at("2024-02-01 12:00"), source="journal")
    add(store, pid, at("2024-02-01 12:00"), source="import:chatgpt")
    add(store, pid, at("2024-02-01 12:00"), source="import:sillytavern")
    shares = stats.by_source(store, "UTC", persona_id=pid)
    assert dict(zip(shares["source"], shares["messages"], strict=True)) == {
        "chat": 2,
        "imported": 2,
        "album": 1,
        "journal": 1,
    }


def test_streaks_across_gaps():
    days = [date(2024, 1, d) for d in (1, 2, 3, 5, 6, 7, 8, 10, 11)]
    current, longest = stats.streaks(days, today=date(2024, 1, 11))
    assert (current.length, current.start, current.end) == (2, date(2024, 1, 10), date(2024, 1, 11))
    assert (longest.length, longest.start, longest.end) == (4, date(2024, 1, 5), date(2024, 1, 8))


def test_current_streak_survives_until_today_ends_and_breaks_after():
    days = [date(2024, 1, 8), date(2024, 1, 9), date(2024, 1, 10)]
    assert stats.streaks(days, today=date(2024, 1, 11))[0].length == 3  # today not over yet
    assert stats.streaks(days, today=date(2024, 1, 12))[0].length == 0
    assert stats.streaks([], today=date(2024, 1, 12)) == (stats.Streak(0), stats.Streak(0))


def test_streak_days_need_an_exchange_not_just_a_message(store, pid):
    for day in (1, 2, 3):
        add(store, pid, at(f"2024-03-0{day} 10:00"), "user")
        add(store, pid, at(f"2024-03-0{day} 10:01"), "companion")
    add(store, pid, at("2024-03-04 10:00"), "user")  # unanswered: no exchange that day
    daily = stats.daily_counts(store, "UTC")
    h = stats.headline(daily, today=date(2024, 3, 4))
    assert h.current_streak.length == 3
    assert h.longest_streak.length == 3
    assert (h.today_from_user, h.today_from_companion) == (1, 0)
    assert h.avg_exchanges_7d == pytest.approx(3 / 7)
    assert (h.busiest_day, h.busiest_day_messages) == (date(2024, 3, 1), 2)
    assert h.total_messages == 7
    assert h.days_together == 4


def test_dashboard_on_an_empty_database(store, pid):
    data = stats.load(store, "UTC", date(2024, 3, 4), persona_id=pid)
    assert data.is_empty and data.range_is_empty
    assert data.headline.total_messages == 0
    assert data.headline.current_streak.length == 0
    assert data.hours.empty and data.sources.empty
    assert len(data.days) == 1 and data.days["messages"].sum() == 0


def test_dashboard_range_fills_missing_days_and_averages_seven(store, pid):
    for day, count in ((1, 7), (4, 14)):
        for i in range(count):
            add(store, pid, at(f"2024-03-0{day} 10:00") + timedelta(minutes=i), "user")
    data = stats.load(
        store,
        "UTC",
        date(2024, 3, 10),
        persona_id=pid,
        start=date(2024, 3, 1),
        end=date(2024, 3, 7),
    )
    assert list(data.days["messages"]) == [7, 0, 0, 14, 0, 0, 0]
    assert list(data.days["messages_7d"].round(4)) == [7.0, 3.5, 2.3333, 5.25, 4.2, 3.5, 3.0]
    assert int(data.hours["messages"].sum()) == 21


def test_average_length_per_week(store, pid):
    add(store, pid, at("2024-03-04 10:00"), "user", content="abcd")  # a Monday
    add(store, pid, at("2024-03-05 10:00"), "user", content="ab")
    add(store, pid, at("2024-03-05 10:01"), "companion", content="abcdefgh")
    add(store, pid, at("2024-03-12 10:00"), "companion", content="abcdef")
    lengths = stats.average_length(stats.daily_counts(store, "UTC"), "W-MON")
    assert [p.date().isoformat() for p in lengths["period"]] == ["2024-03-04", "2024-03-11"]
    assert lengths["user"].iloc[0] == 3 and lengths["companion"].iloc[0] == 8
    assert lengths["user"].isna().iloc[1] and lengths["companion"].iloc[1] == 6


def test_changing_the_zone_recounts_every_day(store, pid):
    add(store, pid, at("2024-06-05 23:30", NEW_YORK), "user")
    assert as_rows(stats.daily_counts(store, NEW_YORK)) == [("2024-06-05", 1, 0, 0)]
    assert as_rows(stats.daily_counts(store, "Asia/Tokyo")) == [("2024-06-06", 1, 0, 0)]
    assert as_rows(stats.daily_counts(store, NEW_YORK)) == [("2024-06-05", 1, 0, 0)]


def test_rows_with_explicit_ids_and_a_delete_then_insert_are_counted(store, pid):
    add(store, pid, at("2024-01-01 12:00"), "user")
    assert as_rows(stats.daily_counts(store, "UTC")) == [("2024-01-01", 1, 0, 0)]
    # a restore may insert rows with their own ids, which does not move the id sequence
    store.execute(
        "INSERT INTO messages (id, persona_id, role, content, created_at) "
        "VALUES (500, ?, 'companion', 'restored', TIMESTAMPTZ '2024-01-02 12:00:00+00')",
        [pid],
    )
    assert as_rows(stats.daily_counts(store, "UTC")) == [
        ("2024-01-01", 1, 0, 0),
        ("2024-01-02", 0, 1, 0),
    ]
    store.execute("DELETE FROM messages WHERE id = 500")
    add(store, pid, at("2024-01-03 12:00"), "companion")
    assert as_rows(stats.daily_counts(store, "UTC")) == [
        ("2024-01-01", 1, 0, 0),
        ("2024-01-03", 0, 1, 0),
    ]


def test_folded_partial_counts_are_compacted_without_changing_any_count(store, pid):
    add(store, pid, at("2024-01-01 00:10"), "user")
    stats.daily_counts(store, "UTC")
    store.execute(
        "INSERT INTO messages (persona_id, role, content, created_at) "
        "SELECT ?, 'companion', 'x', TIMESTAMPTZ '2024-01-01 00:20:00+00' + to_hours(i) "
        "FROM range(1100) t(i)",
        [pid],
    )
    daily = stats.daily_counts(store, "UTC")
    assert int(daily["from_companion"].sum()) == 1100 and int(daily["from_user"].sum()) == 1
    assert as_rows(daily)[0] == ("2024-01-01", 1, 24, 1)
    # 1,100 distinct hours: the first hour's two partial rows were summed into one
    assert store.execute("SELECT count(*) FROM stats_hourly").fetchone()[0] == 1100
    hours = stats.hour_weekday(store, "UTC")
    assert int(hours["messages"].sum()) == 1101


def test_daily_csv_opens_in_a_spreadsheet_in_the_interface_language(store, pid):
    import csv
    import io

    from memory import i18n

    add(store, pid, at("2024-03-10T20:00:00", NEW_YORK))
    add(store, pid, at("2024-03-10T20:01:00", NEW_YORK), role="companion")
    daily = stats.daily_counts(store, NEW_YORK)
    english = stats.daily_csv(daily)
    i18n.use_language("ja")
    try:
        japanese = stats.daily_csv(daily)
    finally:
        i18n.use_language("en")
    # a byte-order mark first: Excel then reads UTF-8 instead of the system's code page
    assert japanese.startswith(b"\xef\xbb\xbf") and english.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(japanese.decode("utf-8-sig"))))
    assert rows == [
        ["日付", "あなたから", "パートナーから", "やりとり"],
        ["2024-03-10", "1", "1", "1"],
    ]
    assert next(csv.reader(io.StringIO(english.decode("utf-8-sig"))))[0] == "day"


def test_messages_since_the_last_fold_are_counted_once_whoever_folds_them(store, pid):
    """New messages are counted by the readers until enough of them are folded in; another
    session folding them between this one's check and its read counts nothing twice."""
    add(store, pid, at("2024-01-01 12:00"), "user")
    stats.daily_counts(store, "UTC")  # the roll-ups now end at the first message
    for minute in range(3):
        add(store, pid, at(f"2024-01-01 12:0{minute + 1}"), "companion")
    assert as_rows(stats.daily_counts(store, "UTC")) == [("2024-01-01", 1, 3, 1)]
    assert int(stats.hour_weekday(store, "UTC")["messages"].sum()) == 4
    # this session has checked the roll-ups; another folds the new messages in, then it reads
    checked = stats.refresh(store, "UTC")
    stats._fold(store, "UTC")
    again = stats._daily_table(stats._daily_rows(store, checked, pid))
    assert as_rows(again) == [("2024-01-01", 1, 3, 1)]
    assert int(stats._hour_table(store, checked, pid)["messages"].sum()) == 4
    # and once folded, the same counts
    assert as_rows(stats.daily_counts(store, "UTC")) == [("2024-01-01", 1, 3, 1)]
