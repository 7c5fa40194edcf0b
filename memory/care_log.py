"""The care log: the date and tier of each time care was shown — never the words.

Written by the reply pipeline when her words (or the model's second opinion) called for care,
read by Settings → Care. It stays in the local DuckDB file like everything else; nothing is
sent anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo

TIERS = ("check_in", "crisis", "emergency")


@dataclass(frozen=True)
class CareShown:
    shown_at: datetime
    tier: str


def record(store, tier: str, now: datetime | None = None) -> None:
    """Note that care of `tier` was shown (now, unless `now` says when)."""
    if tier not in TIERS:
        raise ValueError(f"Unknown care tier: {tier!r}")
    store.execute(
        "INSERT INTO care_log (shown_at, tier) VALUES (?, ?)", [now or datetime.now(UTC), tier]
    )


def entries(store, limit: int = 200) -> list[CareShown]:
    """The latest times care was shown, newest first."""
    rows = store.execute(
        "SELECT shown_at, tier FROM care_log ORDER BY shown_at DESC, id DESC LIMIT ?", [limit]
    ).fetchall()
    return [CareShown(_aware(shown_at), tier) for shown_at, tier in rows]


def by_day(store, tz: tzinfo, limit: int = 200) -> list[tuple[date, str, int]]:
    """(day, tier, times) for the latest entries, newest day first, in her time zone."""
    counted: dict[tuple[date, str], int] = {}
    for entry in entries(store, limit):
        key = (entry.shown_at.astimezone(tz).date(), entry.tier)
        counted[key] = counted.get(key, 0) + 1
    return [(day, tier, n) for (day, tier), n in counted.items()]


def clear(store) -> int:
    """Forget the whole care log; returns how many entries were removed."""
    (count,) = store.execute("SELECT count(*) FROM care_log").fetchone()
    store.execute("DELETE FROM care_log")
    return count


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
