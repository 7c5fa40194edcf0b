"""How often the user and a companion talk: daily counts, streaks, hours, sources.

Definitions (also in the README, "Dashboard and timeline"):

- A message counts on the user's **local day** in the Settings time zone: DuckDB converts each
  instant with `timezone(zone, created_at)`, so 23:30 local stays on its day, and the 23- and
  25-hour days of a DST change are counted exactly.
- An **exchange** is a user message answered by the companion, counted per local day as
  `min(from_user, from_companion)`: a day with 10 messages from the user and 12 from the
  companion has 10 exchanges. Every "exchanges" figure (7-day average, streaks, CSV, CLI) uses it.
- A **day with conversation** is a local day with at least one exchange. The current streak
  ends today, or yesterday while today has none yet (a streak is not broken before the day is).

Scale: the dashboard never aggregates all of `messages`. Two small roll-up tables (per
companion × local day × role × source, and per companion × local day × hour) hold the counts
up to a message id; the messages after it (the *tail*: what she and he said since the last
fold) are counted by each reader as it reads, in the same query. `refresh` checks in one query
that the tail explains every change (same zone, no message deleted), folds the tail into the
tables once it holds `FOLD_AT` messages, and rebuilds them when the zone changes or the count no
longer adds up. So a new message costs a reader a few hundred rows more, not a write: folding
after every batch of new messages (a transaction, two inserts and the state row) was 5× a
scan of `created_at` at a million messages.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

_refresh_lock = threading.Lock()

#: The tail is folded into the roll-ups once it holds this many messages (a few days of a busy
#: chat); until then readers count it themselves, which costs them well under a millisecond.
FOLD_AT = 1_000

# How sources are grouped for "share by source": chat, album, journal, imported, other.
_SOURCE_GROUP_SQL = """
    CASE WHEN source IN ('chat', 'album', 'journal') THEN source
         WHEN source LIKE 'import%' THEN 'imported'
         ELSE 'other' END
"""

# Rows after an id are read as `id > ? AND id <= MAX_ID`: with the upper bound DuckDB reads only
# the last rows' columns (the tail of 900 among 1M with `length(content)`: 0.7 ms), with
# `id > ?` alone it read far more (35 ms, load ≈ 9).
MAX_ID = 2**63 - 1

# The roll-ups are append-only between compactions: a fold appends partial counts (several
# rows may share a key) and every reader sums them. That keeps a fold to one cheap INSERT —
# no index to probe — and `_compact` folds the partial rows together once they pile up.
_FOLD_DAILY = """
    INSERT INTO stats_daily (persona_id, day, role, source, messages, chars)
    SELECT persona_id, timezone(?, created_at)::DATE, role, source, count(*),
           coalesce(sum(length(content)), 0)
    FROM messages WHERE id > ? AND id <= ?
    GROUP BY ALL
"""

# The tail, counted as the folds count it: the same rows a fold would append. Counted only
# while the roll-ups still end where `refresh` saw them end (read in the same statement, so in
# the same snapshot): if another session folded the tail meanwhile, the tables hold it.
_TAIL_UNFOLDED = "(SELECT last_message_id FROM stats_rollup_state WHERE id = 1) = ?"

_TAIL_DAILY = f"""
    SELECT persona_id, timezone(?, created_at)::DATE AS day, role, source, count(*) AS messages,
           coalesce(sum(length(content)), 0) AS chars
    FROM messages WHERE id > ? AND id <= ? AND {_TAIL_UNFOLDED}
    GROUP BY ALL
"""

_TAIL_HOURLY = f"""
    SELECT persona_id, local::DATE AS day, hour(local) AS hour, count(*) AS messages
    FROM (SELECT persona_id, timezone(?, created_at) AS local FROM messages
          WHERE id > ? AND id <= ? AND {_TAIL_UNFOLDED})
    GROUP BY ALL
"""

_FOLD_HOURLY = """
    INSERT INTO stats_hourly (persona_id, day, hour, messages)
    SELECT persona_id, local::DATE, hour(local), count(*)
    FROM (SELECT persona_id, timezone(?, created_at) AS local FROM messages
          WHERE id > ? AND id <= ?)
    GROUP BY ALL
"""

_COMPACT = """
    CREATE OR REPLACE TEMP TABLE stats_daily_compacted AS
        SELECT persona_id, day, role, source, sum(messages)::BIGINT AS messages,
               sum(chars)::BIGINT AS chars
        FROM stats_daily GROUP BY ALL;
    DELETE FROM stats_daily;
    INSERT INTO stats_daily SELECT * FROM stats_daily_compacted;
    DROP TABLE stats_daily_compacted;
    CREATE OR REPLACE TEMP TABLE stats_hourly_compacted AS
        SELECT persona_id, day, hour, sum(messages)::BIGINT AS messages
        FROM stats_hourly GROUP BY ALL;
    DELETE FROM stats_hourly;
    INSERT INTO stats_hourly SELECT * FROM stats_hourly_compacted;
    DROP TABLE stats_hourly_compacted;
"""


def _zone_name(tz: ZoneInfo | str) -> str:
    return tz if isinstance(tz, str) else tz.key


# The state of the roll-ups and of `messages` in one query: the row count and the id
# sequence's position.
_CHECK = """
    SELECT s.timezone, s.last_message_id, s.messages, s.sequence_value, s.compacted_rows,
           (SELECT count(*) FROM messages),
           coalesce((SELECT last_value FROM duckdb_sequences()
                     WHERE sequence_name = 'messages_id_seq'), 0)
    FROM stats_rollup_state s WHERE s.id = 1
"""

_COUNT_AFTER = "SELECT count(*), max(id) FROM messages WHERE id > ? AND id <= ?"


@dataclass(frozen=True)
class Rollup:
    """What a reader of the roll-ups needs: the zone they count in, where the tail starts
    (messages with a greater id are not in the tables yet; None when there are none) and
    the last id the tables hold."""

    zone: str
    tail_after: int | None = None
    folded_id: int | None = None


def refresh(store, tz: ZoneInfo | str) -> Rollup:
    """Make the roll-up tables, with the tail counted by readers, agree with `messages` in
    zone `tz`, and say where the tail starts.

    One query checks the state. New messages only (same zone, none deleted): nothing is
    written until they reach `FOLD_AT`, then they are folded in. A change of zone, or a count
    that no longer adds up (a message was deleted), rebuilds the tables from scratch. Writes
    happen in one transaction.
    """
    zone = _zone_name(tz)
    state = store.execute(_CHECK).fetchone()
    if state is not None and state[0] == zone:
        _zone, folded_id, folded, sequence_then, _rows, total, sequence = state
        if (folded, sequence_then) == (total, sequence):
            return Rollup(zone)
        # New rows are those above both the last folded id and the sequence's old position
        # (a row restored with its own id may sit above the sequence). Ids grow with
        # insertion, so this reads only the last rows.
        after = min(folded_id, sequence_then)
        new = store.execute(_COUNT_AFTER, [after, MAX_ID]).fetchone()[0]
        if folded + new == total and new < FOLD_AT:
            return Rollup(zone, after, folded_id)
    with _refresh_lock:
        _fold(store, zone)
    return Rollup(zone)


def _fold(store, zone: str) -> None:
    """Fold the tail into the roll-ups, or rebuild them when the tail does not explain the
    change in count (or the zone changed)."""
    with store.transaction() as cur:
        state = cur.execute(_CHECK).fetchone()
        if state is None:
            total, sequence = cur.execute(
                "SELECT (SELECT count(*) FROM messages), coalesce((SELECT last_value FROM "
                "duckdb_sequences() WHERE sequence_name = 'messages_id_seq'), 0)"
            ).fetchone()
        else:
            total, sequence = state[5], state[6]
        if state is not None and state[0] == zone and (state[2], state[3]) == (total, sequence):
            return  # another thread folded it meanwhile
        # If the rows above `last` do not account for the whole change in count, rebuild.
        last = min(state[1], state[3]) if state is not None else -1
        new, newest = cur.execute(_COUNT_AFTER, [last, MAX_ID]).fetchone()
        compacted_rows = state[4] if state is not None else 0
        if state is not None and state[0] == zone and state[2] + new == total:
            max_id = newest if newest is not None else last
            cur.execute(_FOLD_DAILY, [zone, last, MAX_ID])
            cur.execute(_FOLD_HOURLY, [zone, last, MAX_ID])
            rows = cur.execute("SELECT count(*) FROM stats_hourly").fetchone()[0]
            if rows > 2 * compacted_rows + 1_000:
                cur.execute(_COMPACT)
                compacted_rows = cur.execute("SELECT count(*) FROM stats_hourly").fetchone()[0]
        else:
            max_id = cur.execute("SELECT coalesce(max(id), 0) FROM messages").fetchone()[0]
            cur.execute("DELETE FROM stats_daily")
            cur.execute("DELETE FROM stats_hourly")
            cur.execute(_FOLD_DAILY, [zone, -1, MAX_ID])
            cur.execute(_FOLD_HOURLY, [zone, -1, MAX_ID])
            compacted_rows = cur.execute("SELECT count(*) FROM stats_hourly").fetchone()[0]
        cur.execute(
            "INSERT OR REPLACE INTO stats_rollup_state (id, timezone, last_message_id, "
            "messages, sequence_value, compacted_rows) VALUES (1, ?, ?, ?, ?, ?)",
            [zone, max_id, total, sequence, compacted_rows],
        )


def _filters(persona_id: int | None, start: date | None, end: date | None) -> tuple[str, list]:
    where = ["true"]
    params: list = []
    if persona_id is not None:
        where.append("persona_id = ?")
        params.append(persona_id)
    if start is not None:
        where.append("day >= ?")
        params.append(start)
    if end is not None:
        where.append("day <= ?")
        params.append(end)
    return " AND ".join(where), params


DAILY_COLUMNS = ["day", "from_user", "from_companion", "exchanges", "user_chars", "companion_chars"]

# The roll-ups are small (a few rows per day), so rows are fetched as NumPy arrays and summed
# there: far cheaper than a parallel GROUP BY in DuckDB for a few thousand rows.


def _with_tail(table: str, tail: str, rollup: Rollup) -> tuple[str, list]:
    """The roll-up `table`, with the tail's counts appended when there is a tail."""
    if rollup.tail_after is None:
        return table, []
    return (
        f"(SELECT * FROM {table} UNION ALL ({tail}))",
        [rollup.zone, rollup.tail_after, MAX_ID, rollup.folded_id],
    )


def _daily_rows(store, rollup: Rollup, persona_id, start=None, end=None) -> dict[str, np.ndarray]:
    where, params = _filters(persona_id, start, end)
    source, tail_params = _with_tail("stats_daily", _TAIL_DAILY, rollup)
    arrays = store.execute(
        f"""
        SELECT day, role = 'user' AS from_user, {_SOURCE_GROUP_SQL} AS source, messages, chars
        FROM {source} WHERE {where}
        """,
        tail_params + params,
    ).fetchnumpy()
    arrays["day"] = np.asarray(arrays["day"], dtype="datetime64[D]")
    arrays["from_user"] = np.asarray(arrays["from_user"], dtype=bool)
    return arrays


def _daily_table(rows: dict[str, np.ndarray]) -> pd.DataFrame:
    days, index = np.unique(rows["day"], return_inverse=True)
    size = days.size
    user = rows["from_user"]

    def total(values, mask):
        return np.bincount(index[mask], weights=values[mask], minlength=size).astype("int64")

    from_user = total(rows["messages"], user)
    from_companion = total(rows["messages"], ~user)
    return pd.DataFrame(
        {
            "day": days.astype("datetime64[ns]"),
            "from_user": from_user,
            "from_companion": from_companion,
            "exchanges": np.minimum(from_user, from_companion),
            "user_chars": total(rows["chars"], user),
            "companion_chars": total(rows["chars"], ~user),
        },
        columns=DAILY_COLUMNS,
    )


def _source_table(rows: dict[str, np.ndarray], start=None, end=None) -> pd.DataFrame:
    keep = np.ones(rows["day"].size, dtype=bool)
    if start is not None:
        keep &= rows["day"] >= np.datetime64(start, "D")
    if end is not None:
        keep &= rows["day"] <= np.datetime64(end, "D")
    names, index = np.unique(rows["source"][keep].astype(str), return_inverse=True)
    counts = np.bincount(index, weights=rows["messages"][keep], minlength=names.size)
    table = pd.DataFrame({"source": names, "messages": counts.astype("int64")})
    return table.sort_values(["messages", "source"], ascending=[False, True], ignore_index=True)


def _hour_table(store, rollup: Rollup, persona_id, start=None, end=None) -> pd.DataFrame:
    where, params = _filters(persona_id, start, end)
    source, tail_params = _with_tail("stats_hourly", _TAIL_HOURLY, rollup)
    rows = store.execute(
        f"SELECT day, hour, messages FROM {source} WHERE {where}", tail_params + params
    ).fetchnumpy()
    days = np.asarray(rows["day"], dtype="datetime64[D]").astype("int64")
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
    cell = weekday * 24 + np.asarray(rows["hour"], dtype="int64")
    counts = np.bincount(cell, weights=rows["messages"], minlength=7 * 24).astype("int64")
    filled = np.flatnonzero(counts)
    return pd.DataFrame({"weekday": filled // 24, "hour": filled % 24, "messages": counts[filled]})


def daily_counts(
    store,
    tz: ZoneInfo | str,
    *,
    persona_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """One row per local day that has messages, oldest first.

    Columns: `day` (pandas datetime at local midnight), `from_user`, `from_companion`,
    `exchanges` (min of the two), `user_chars`, `companion_chars` (characters written that
    day). `start`/`end` are inclusive local days; `persona_id=None` means every companion.
    """
    rollup = refresh(store, tz)
    return _daily_table(_daily_rows(store, rollup, persona_id, start, end))


def hour_weekday(
    store,
    tz: ZoneInfo | str,
    *,
    persona_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """Messages by local weekday (0 = Monday) and hour (0–23); only non-empty cells."""
    rollup = refresh(store, tz)
    return _hour_table(store, rollup, persona_id, start, end)


def by_source(
    store,
    tz: ZoneInfo | str,
    *,
    persona_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """Messages per source group (chat, album, journal, imported, other), largest first."""
    rollup = refresh(store, tz)
    return _source_table(_daily_rows(store, rollup, persona_id, start, end))


@dataclass(frozen=True)
class Streak:
    """A run of consecutive days with conversation (`start`/`end` None when length is 0)."""

    length: int
    start: date | None = None
    end: date | None = None


def _as_date(value) -> date:
    return pd.Timestamp(value).date()


def streaks(days_with_conversation, today: date) -> tuple[Streak, Streak]:
    """(current, longest) runs of consecutive days in `days_with_conversation`.

    The current streak ends today, or yesterday when today has no conversation yet.
    """
    days = np.unique(np.array(list(days_with_conversation), dtype="datetime64[D]"))
    if days.size == 0:
        return Streak(0), Streak(0)
    ordinals = days.astype("int64")
    breaks = np.flatnonzero(np.diff(ordinals) != 1)
    run_starts = np.concatenate(([0], breaks + 1))
    run_ends = np.concatenate((breaks, [ordinals.size - 1]))
    lengths = run_ends - run_starts + 1
    best = int(np.argmax(lengths))  # the earliest of the longest runs
    longest = Streak(
        int(lengths[best]), _as_date(days[run_starts[best]]), _as_date(days[run_ends[best]])
    )
    today_ordinal = np.datetime64(today, "D").astype("int64")
    last = int(ordinals[-1])
    if last not in (today_ordinal, today_ordinal - 1):
        return Streak(0), longest
    return (
        Streak(int(lengths[-1]), _as_date(days[run_starts[-1]]), _as_date(days[-1])),
        longest,
    )


@dataclass(frozen=True)
class Headline:
    """The figures at the top of the dashboard (all-time, not limited by the date filter)."""

    today_from_user: int = 0
    today_from_companion: int = 0
    avg_exchanges_7d: float = 0.0
    current_streak: Streak = field(default_factory=lambda: Streak(0))
    longest_streak: Streak = field(default_factory=lambda: Streak(0))
    days_together: int | None = None
    busiest_day: date | None = None
    busiest_day_messages: int = 0
    total_messages: int = 0
    first_day: date | None = None


def headline(daily: pd.DataFrame, today: date, *, began_on: date | None = None) -> Headline:
    """Headline figures from an all-time `daily_counts` table.

    `began_on` is the companion's "together since" date; without it the first day with a
    message counts as day 1.
    """
    if daily.empty:
        together = (today - began_on).days + 1 if began_on else None
        return Headline(days_together=together)
    days = daily["day"].to_numpy(dtype="datetime64[D]")
    from_user = daily["from_user"].to_numpy()
    from_companion = daily["from_companion"].to_numpy()
    exchanges = daily["exchanges"].to_numpy()
    today_d = np.datetime64(today, "D")
    is_today = days == today_d
    in_week = (days > today_d - 7) & (days <= today_d)
    totals = from_user + from_companion
    busiest = int(np.argmax(totals))
    current, longest = streaks(days[exchanges > 0], today)
    first_day = _as_date(days[0])
    start = min(began_on, first_day) if began_on else first_day
    return Headline(
        today_from_user=int(from_user[is_today].sum()),
        today_from_companion=int(from_companion[is_today].sum()),
        avg_exchanges_7d=float(exchanges[in_week].sum()) / 7,
        current_streak=current,
        longest_streak=longest,
        days_together=(today - start).days + 1,
        busiest_day=_as_date(days[busiest]),
        busiest_day_messages=int(totals[busiest]),
        total_messages=int(totals.sum()),
        first_day=first_day,
    )


def with_every_day(daily: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """`daily` reindexed to every day from `start` to `end` (missing days as zeros), with a
    `messages` total and its trailing 7-day rolling average `messages_7d`."""
    first = np.datetime64(start, "D")
    every_day = np.arange(first, np.datetime64(end, "D") + 1)
    full = pd.DataFrame({"day": every_day.astype("datetime64[ns]")})
    days = daily["day"].to_numpy(dtype="datetime64[D]")
    keep = (days >= first) & (days <= every_day[-1])
    positions = (days[keep] - first).astype("int64")
    for column in DAILY_COLUMNS[1:]:
        values = np.zeros(every_day.size, dtype="int64")
        values[positions] = daily[column].to_numpy()[keep]
        full[column] = values
    full["messages"] = full["from_user"] + full["from_companion"]
    full["messages_7d"] = full["messages"].rolling(7, min_periods=1).mean()
    return full


def daily_csv(daily: pd.DataFrame) -> bytes:
    """The daily table as CSV to download: ISO days, headers in the interface language, UTF-8
    with a byte-order mark, so a spreadsheet (Excel) reads Japanese headers and text right."""
    from memory.i18n import _

    table = daily[["day", "from_user", "from_companion", "exchanges"]].copy()
    table["day"] = pd.to_datetime(table["day"]).dt.strftime("%Y-%m-%d")
    table.columns = [_("day"), _("from you"), _("from your companion"), _("exchanges")]
    return table.to_csv(index=False).encode("utf-8-sig")


def average_length(daily: pd.DataFrame, freq: str = "W-MON") -> pd.DataFrame:
    """Average characters per message for each side, per period (`freq`: "W-MON", "MS").

    Periods without any message are left out.
    """
    if daily.empty:
        return pd.DataFrame(columns=["period", "user", "companion"])
    grouped = daily.groupby(pd.Grouper(key="day", freq=freq, label="left", closed="left"))
    sums = grouped[["from_user", "from_companion", "user_chars", "companion_chars"]].sum()
    sums = sums[(sums["from_user"] + sums["from_companion"]) > 0]
    return pd.DataFrame(
        {
            "period": sums.index,
            "user": sums["user_chars"] / sums["from_user"].where(sums["from_user"] > 0),
            "companion": sums["companion_chars"]
            / sums["from_companion"].where(sums["from_companion"] > 0),
        }
    ).reset_index(drop=True)


@dataclass
class Dashboard:
    """Everything the dashboard page draws, computed from the roll-ups in a few queries."""

    headline: Headline
    all_days: pd.DataFrame  # all-time daily counts (for headline and the year calendar)
    days: pd.DataFrame  # every day of the chosen range, zeros included, with 7-day average
    hours: pd.DataFrame
    sources: pd.DataFrame
    start: date
    end: date

    @property
    def is_empty(self) -> bool:
        """True when the companion (or everyone) has no messages at all."""
        return self.all_days.empty

    @property
    def range_is_empty(self) -> bool:
        """True when the chosen date range holds no messages."""
        return int(self.days["messages"].sum()) == 0 if not self.days.empty else True


def load(
    store,
    tz: ZoneInfo | str,
    today: date,
    *,
    persona_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
    began_on: date | None = None,
) -> Dashboard:
    """All the dashboard's figures for one companion (None: all) and an inclusive date range.

    Without `start`, the range starts a year before `end` (or at the first message, if later);
    without `end`, it ends today (or on the last message's day, if that is over a year ago).
    """
    rollup = refresh(store, tz)
    rows = _daily_rows(store, rollup, persona_id)
    all_days = _daily_table(rows)
    if end is None:
        # Up to today; but when the last year holds nothing, up to the last message instead,
        # so that an old history opens on its charts rather than on an empty year.
        last = _as_date(all_days["day"].iloc[-1]) if not all_days.empty else today
        end = today if start is not None or last > today - timedelta(days=365) else last
    if start is None:
        first = _as_date(all_days["day"].iloc[0]) if not all_days.empty else end
        start = max(first, end - timedelta(days=364))
    if start > end:
        start, end = end, start
    return Dashboard(
        headline=headline(all_days, today, began_on=began_on),
        all_days=all_days,
        days=with_every_day(all_days, start, end),
        hours=_hour_table(store, rollup, persona_id, start, end),
        sources=_source_table(rows, start, end),
        start=start,
        end=end,
    )
