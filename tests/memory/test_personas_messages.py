from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from memory import messages, personas

WEIRD = [
    "こんにちは、今日は後楽園に行ったね🌸",
    "مرحبا بك يا حبيبي",
    "<script>alert('x')</script> <b>bold</b>",
    "[click me](http://example.com) **not bold** $x$",
    "x" * 20_000,
    "  leading spaces\nand\ttabs\n\n",
]


def test_starter_companion_is_created_once(store):
    first = personas.ensure_starter(store)
    again = personas.ensure_starter(store)
    assert first.id == again.id
    assert len(personas.list_personas(store)) == 1
    assert personas.current(store, first.id).name == "Sora"


def test_every_save_is_a_version_and_restore_brings_one_back(store):
    pid = personas.create(
        store, name="Klaus", signature_phrases=["AI or not, I could never not love you."]
    ).persona_id
    personas.save_version(store, pid, personality="gentle")
    personas.save_version(store, pid, personality="sarcastic", note="after model change")
    assert [v.version for v in personas.versions(store, pid)] == [3, 2, 1]
    v2 = next(v for v in personas.versions(store, pid) if v.version == 2)
    restored = personas.restore(store, pid, v2.id)
    assert restored.version == 4
    assert personas.current(store, pid).personality == "gentle"
    assert personas.current(store, pid).signature_phrases == (
        "AI or not, I could never not love you.",
    )
    assert personas.differences(v2, personas.version(store, v2.id + 1)) == ["personality"]


def test_a_companion_needs_a_name(store):
    with pytest.raises(ValueError):
        personas.create(store, name="   ")


def test_days_together_counts_the_first_day_as_day_one(store):
    pv = personas.create(store, name="A", began_on=date(2025, 1, 1))
    assert personas.days_together(pv, date(2025, 1, 1)) == 1
    assert personas.days_together(pv, date(2026, 2, 15)) == 411


@pytest.mark.parametrize("text", WEIRD)
def test_any_text_round_trips_exactly(store, text):
    pid = personas.ensure_starter(store).id
    stored = messages.add(store, pid, "user", text)
    assert messages.get(store, stored.id).content == text


def test_whitespace_only_is_not_a_message():
    assert messages.clean_user_text("   \n\t ") is None
    assert messages.clean_user_text("") is None
    assert messages.clean_user_text(" hi ") == " hi "


def test_recent_returns_the_latest_page_oldest_first(store):
    pid = personas.ensure_starter(store).id
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for i in range(100):
        messages.add(store, pid, "user", f"m{i}", created_at=start + timedelta(minutes=i))
    page = messages.recent(store, pid, 10)
    assert [m.content for m in page] == [f"m{i}" for i in range(90, 100)]


def test_count_today_uses_the_local_day(store):
    pid = personas.ensure_starter(store).id
    tokyo = ZoneInfo("Asia/Tokyo")
    now = datetime(2025, 6, 2, 12, 0, tzinfo=tokyo)
    messages.add(store, pid, "user", "late", created_at=datetime(2025, 6, 1, 23, 30, tzinfo=tokyo))
    messages.add(store, pid, "user", "early", created_at=datetime(2025, 6, 2, 0, 30, tzinfo=tokyo))
    assert messages.count_today(store, pid, tokyo, now=now) == 1


def test_delete_removes_the_message(store):
    pid = personas.ensure_starter(store).id
    m = messages.add(store, pid, "user", "oops")
    messages.delete(store, m.id)
    assert messages.get(store, m.id) is None


def test_recent_is_right_whether_or_not_the_last_two_days_fill_the_page(store):
    pid = personas.ensure_starter(store).id
    old = datetime(2020, 1, 1, tzinfo=UTC)
    now = datetime.now(UTC)
    for i in range(50):
        messages.add(store, pid, "user", f"old {i}", created_at=old + timedelta(days=i))
        messages.add(store, pid, "user", f"new {i}", created_at=now - timedelta(minutes=50 - i))
    assert [m.content for m in messages.recent(store, pid, 40)] == [
        f"new {i}" for i in range(10, 50)
    ]
    assert [m.content for m in messages.recent(store, pid, 60)] == [
        *(f"old {i}" for i in range(40, 50)),
        *(f"new {i}" for i in range(50)),
    ]
    latest = messages.recent(store, pid, 5, before_id=messages.recent(store, pid, 1)[0].id)
    assert [m.content for m in latest] == [f"new {i}" for i in range(44, 49)]


def test_recent_matches_the_whole_history_sorted_for_any_page_source_and_start(store):
    # The last two days hold a few messages of each source, the rest is spread over years:
    # every page must be what sorting the whole history would give.
    pid = personas.ensure_starter(store).id
    now = datetime.now(UTC)
    sources = ("chat", "album", "greeting")
    written = []
    for i in range(90):
        when = now - timedelta(days=3 + 20 * i) if i % 3 else now - timedelta(hours=i)
        source = sources[i % 3] if i % 2 else "chat"
        written.append(messages.add(store, pid, "user", f"m{i}", created_at=when, source=source))
    for limit in (1, 5, 20, 45, 200):
        for chosen in (None, ("chat",), ("chat", "album")):
            for before in (None, written[60].id):
                expected = sorted(
                    (
                        m
                        for m in written
                        if (chosen is None or m.source in chosen)
                        and (before is None or m.id < before)
                    ),
                    key=lambda m: (m.created_at, m.id),
                )[-limit:]
                page = messages.recent(store, pid, limit, sources=chosen, before_id=before)
                assert [m.content for m in page] == [m.content for m in expected]


def test_recent_finds_a_busy_day_long_ago(store):
    pid = personas.ensure_starter(store).id
    long_ago = datetime(2020, 5, 1, tzinfo=UTC)
    for i in range(30):
        messages.add(store, pid, "user", f"older {i}", created_at=long_ago - timedelta(days=30 - i))
    for i in range(50):
        messages.add(store, pid, "user", f"busy {i}", created_at=long_ago + timedelta(minutes=i))
    assert [m.content for m in messages.recent(store, pid, 40)] == [
        f"busy {i}" for i in range(10, 50)
    ]
    assert [m.content for m in messages.recent(store, pid, 55)][:5] == [
        f"older {i}" for i in range(25, 30)
    ]
