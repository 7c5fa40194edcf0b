"""Wellbeing, opt-in: time spent together today and a soft daily message budget.

Time together is read from the messages themselves, not from a clock running in the page:
messages less than `SITTING_GAP` apart belong to one sitting, which lasts from its first to
its last message plus `PER_SITTING` (for reading and typing). The budget is a number of
messages the user means to send in a day; passing it only brings a gentle note, never a block.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from memory import settings
from memory.i18n import _

BUDGET_SETTING = "wellbeing_daily_budget"
SITTING_GAP = timedelta(minutes=10)
PER_SITTING = timedelta(minutes=1)


@dataclass(frozen=True)
class Today:
    """How today is going with one companion."""

    time_together: timedelta
    sent: int  # messages the user sent today, wherever (chat, album, journal)
    budget: int | None  # None: no budget chosen

    @property
    def over_budget(self) -> bool:
        return self.budget is not None and self.sent > self.budget


def _day_bounds(tz: ZoneInfo, now: datetime | None) -> tuple[datetime, datetime]:
    now = (now or datetime.now(tz)).astimezone(tz)
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)


def time_together(store, persona_id: int, tz: ZoneInfo, now: datetime | None = None) -> timedelta:
    """Time spent with a companion since the start of the user's local day."""
    start, end = _day_bounds(tz, now)
    seconds = store.execute(
        """
        WITH today AS (
            SELECT created_at - lag(created_at) OVER (ORDER BY created_at, id) AS gap
            FROM messages
            WHERE persona_id = ? AND created_at >= ? AND created_at < ?
        )
        SELECT coalesce(sum(CASE WHEN gap IS NOT NULL AND gap <= to_seconds(?)
                                 THEN epoch(gap) ELSE ? END), 0)
        FROM today
        """,
        [
            persona_id,
            start,
            end,
            SITTING_GAP.total_seconds(),
            PER_SITTING.total_seconds(),
        ],
    ).fetchone()[0]
    return timedelta(seconds=float(seconds))


def sent_today(store, persona_id: int, tz: ZoneInfo, now: datetime | None = None) -> int:
    """Messages the user sent to a companion since the start of their local day."""
    start, end = _day_bounds(tz, now)
    return store.execute(
        "SELECT count(*) FROM messages WHERE persona_id = ? AND role = 'user' "
        "AND created_at >= ? AND created_at < ?",
        [persona_id, start, end],
    ).fetchone()[0]


def budget(store) -> int | None:
    """The soft daily message budget, or None when the user has not asked for one."""
    value = settings.get(store, BUDGET_SETTING)
    try:
        return int(value) if value is not None and int(value) > 0 else None
    except (TypeError, ValueError):
        return None


def set_budget(store, messages_per_day: int | None) -> None:
    """Choose a soft daily budget (None or 0 turns it off)."""
    settings.set(store, BUDGET_SETTING, int(messages_per_day) if messages_per_day else None)


def today(store, persona_id: int, tz: ZoneInfo, now: datetime | None = None) -> Today:
    """Time together, messages sent and the budget, for today."""
    return Today(
        time_together=time_together(store, persona_id, tz, now),
        sent=sent_today(store, persona_id, tz, now),
        budget=budget(store),
    )


def describe(duration: timedelta) -> str:
    """'1 h 05 min', '12 min', 'under a minute'."""
    minutes = int(duration.total_seconds() // 60)
    if minutes < 1:
        return _("under a minute")
    hours, minutes = divmod(minutes, 60)
    if hours:
        return _("{hours} h {minutes:02d} min").format(hours=hours, minutes=minutes)
    return _("{minutes} min").format(minutes=minutes)
