"""Time together today and the soft daily budget, computed from the messages."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from memory import messages, personas, wellbeing

TOKYO = ZoneInfo("Asia/Tokyo")


def test_time_together_counts_sittings_not_gaps(store):
    pid = personas.ensure_starter(store).id
    noon = datetime(2026, 3, 3, 12, 0, tzinfo=TOKYO)
    for minute, role in [(0, "user"), (2, "companion"), (5, "user"), (40, "user"), (41, "user")]:
        messages.add(store, pid, role, "hi", created_at=noon + timedelta(minutes=minute))
    # yesterday (Tokyo time) does not count, even though it is the same UTC date
    messages.add(store, pid, "user", "late", created_at=datetime(2026, 3, 2, 23, 50, tzinfo=TOKYO))
    now = noon + timedelta(hours=2)
    # one sitting of 5 min + 1, another of 1 min + 1
    assert wellbeing.time_together(store, pid, TOKYO, now) == timedelta(minutes=8)
    assert wellbeing.sent_today(store, pid, TOKYO, now) == 4
    assert wellbeing.time_together(store, pid, TOKYO, now + timedelta(days=1)) == timedelta(0)


def test_budget_is_opt_in_and_only_notes_when_passed(store):
    pid = personas.ensure_starter(store).id
    now = datetime.now(UTC)
    assert wellbeing.today(store, pid, TOKYO, now).budget is None
    wellbeing.set_budget(store, 2)
    for _ in range(2):
        messages.add(store, pid, "user", "x", created_at=now)
    assert not wellbeing.today(store, pid, TOKYO, now).over_budget
    messages.add(store, pid, "user", "x", created_at=now)
    assert wellbeing.today(store, pid, TOKYO, now).over_budget
    wellbeing.set_budget(store, None)
    assert not wellbeing.today(store, pid, TOKYO, now).over_budget


def test_durations_read_plainly():
    assert wellbeing.describe(timedelta(seconds=20)) == "under a minute"
    assert wellbeing.describe(timedelta(minutes=12)) == "12 min"
    assert wellbeing.describe(timedelta(minutes=65)) == "1 h 05 min"
