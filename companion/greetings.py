"""He speaks first: one greeting waiting when she comes back after a gap or on a day that matters.

A greeting is due when her companion last heard from her (or spoke to her) more than the gap
setting ago (default 8 hours), or when today is an anniversary of their "together since"
day, of one of her own milestones, or of their first outing. It is stored as a message of its
own source (`greeting`), never as a reply to anything, so it is never counted as one.

At most one per gap, whatever the number of reruns or tabs: each reason has a *slot* — the
gap after message N (`gap:N`), the day (`day:2026-12-01`) — and slots are primary keys in
`greeting_slots`. A greeting claims its slots in one transaction before anything is composed;
the second claimant (another tab, a rerun) meets the key and stays silent. The check that
runs on every chat page (`check`) remembers until when nothing can be due and answers from
memory until then; the full check reads only the newest row groups of `messages`. The cost
at a million messages is measured by `benchmarks/bench_greetings.py`.

Greetings go through the one reply pipeline (`companion.pipeline`): with a model he writes
it himself from what the gap and the day are; with the offline voice, or when the model
fails, a greeting composed here from the same facts is what the pipeline stores.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import duckdb

from companion import pipeline
from memory import messages, personas, wellbeing
from memory import settings as settings_store

SOURCE = "greeting"
ENABLED_SETTING = "greetings_enabled"
GAP_SETTING = "greeting_gap_hours"
DEFAULT_GAP_HOURS = 8.0


@dataclass(frozen=True)
class Occasion:
    """One reason to greet her: the gap since they last talked, or a day that matters."""

    kind: str  # 'gap', 'together', 'milestone', 'first_outing'
    years: int = 0
    title: str = ""
    gap: timedelta | None = None


@dataclass(frozen=True)
class Due:
    """A greeting waiting to be written: why, and the slots it claims."""

    persona_id: int
    occasions: tuple[Occasion, ...]
    slots: tuple[str, ...]
    at: datetime  # when it was found due (the claim's time)


def _settings(store) -> dict:
    """The settings the check needs, in one query (the settings table is small)."""
    return settings_store.all_settings(store)


def enabled(store, stored: dict | None = None) -> bool:
    """Whether he may speak first (Settings; on unless she turned it off)."""
    value = (_settings(store) if stored is None else stored).get(ENABLED_SETTING)
    return True if value is None else bool(value)


def gap_hours(store, stored: dict | None = None) -> float:
    """Hours of quiet after which he greets her (Settings; default 8)."""
    value = (_settings(store) if stored is None else stored).get(GAP_SETTING)
    try:
        hours = float(value or DEFAULT_GAP_HOURS)
    except (TypeError, ValueError):
        return DEFAULT_GAP_HOURS
    return hours if hours > 0 else DEFAULT_GAP_HOURS


def _same_day_of_year(day: date, today: date) -> bool:
    if (day.month, day.day) == (today.month, today.day):
        return True
    # 29 February is remembered on 28 February in the years without one.
    return (day.month, day.day) == (2, 29) and (today.month, today.day) == (2, 28)


def days_that_matter(store, persona_id: int, today: date, pv=None) -> list[Occasion]:
    """Today's anniversaries: together since, her own milestones, the first outing."""
    found: list[Occasion] = []
    pv = pv or personas.current(store, persona_id)
    began = pv.began_on
    if began and began.year < today.year and _same_day_of_year(began, today):
        found.append(Occasion("together", years=today.year - began.year))
    leap_eve = (today.month, today.day) == (2, 28)
    rows = store.execute(
        """
        SELECT kind, title, happened_on FROM (
            SELECT 'milestone' AS kind, title, happened_on, id FROM milestones
            WHERE persona_id = ?
            UNION ALL
            SELECT * FROM (
                SELECT 'first_outing', coalesce(nullif(place, ''), title), happened_on, id
                FROM outings WHERE persona_id = ? ORDER BY happened_on, id LIMIT 1
            )
        )
        WHERE year(happened_on) < ? AND (
            (month(happened_on) = ? AND day(happened_on) = ?)
            OR (? AND month(happened_on) = 2 AND day(happened_on) = 29)
        )
        ORDER BY kind DESC, happened_on, id
        """,
        [persona_id, persona_id, today.year, today.month, today.day, leap_eve],
    ).fetchall()
    for kind, title, happened_on in rows:
        found.append(Occasion(kind, today.year - happened_on.year, title))
    return found


def _last_exchange(
    store, persona_id: int, now: datetime, since: datetime | None
) -> tuple[int, datetime] | None:
    """The newest message that is not a greeting (id and time), looked for after `since`.

    DuckDB skips row groups outside a `created_at` range, so each window reads only the
    newest rows: after the last greeting when there was one (nothing newer means she has
    not written since he greeted her), else a day back, a month back, then everything.
    """
    sql = (
        "SELECT arg_max(id, created_at), max(created_at) FROM messages "
        "WHERE persona_id = ? AND source <> ? AND created_at >= ?"
    )
    windows = [since] if since is not None else [now - timedelta(days=1), now - timedelta(days=31)]
    for start in windows:
        row = store.execute(sql, [persona_id, SOURCE, start]).fetchone()
        if row[0] is not None:
            return row[0], row[1]
    if since is not None:
        return None
    row = store.execute(
        "SELECT arg_max(id, created_at), max(created_at) FROM messages "
        "WHERE persona_id = ? AND source <> ?",
        [persona_id, SOURCE],
    ).fetchone()
    return (row[0], row[1]) if row[0] is not None else None


def due(
    store, persona_id: int, tz: ZoneInfo, now: datetime | None = None, *, pv=None
) -> Due | None:
    """The greeting waiting now, or None (turned off, nothing to greet for, already greeted,
    or her message budget for the day spent). `pv` is the persona version, if at hand."""
    return _due(store, persona_id, tz, now or datetime.now(tz), pv)[0]


def _next_midnight(now: datetime, tz: ZoneInfo) -> datetime:
    local = now.astimezone(tz)
    return datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=tz)


def _due(store, persona_id: int, tz: ZoneInfo, now: datetime, pv) -> tuple[Due | None, datetime]:
    """`due`, and the earliest time a greeting could become due if none is now."""
    stored = _settings(store)
    midnight = _next_midnight(now, tz)
    if not enabled(store, stored):
        return None, midnight
    gap_after = timedelta(hours=gap_hours(store, stored))
    today = now.astimezone(tz).date()
    day_slot = f"day:{today.isoformat()}"
    last_claim, day_claimed = store.execute(
        "SELECT max(claimed_at), bool_or(slot = ?) FROM greeting_slots WHERE persona_id = ?",
        [day_slot, persona_id],
    ).fetchone()
    occasions: list[Occasion] = []
    slots: list[str] = []
    last = _last_exchange(store, persona_id, now, last_claim)
    # Her next message can only come after now, so nothing can be due before this:
    quiet_until = min(midnight, (last[1] if last else now) + gap_after)
    if last is not None:
        last_id, last_at = last
        gap = now - last_at
        if gap >= gap_after:
            occasions.append(Occasion("gap", gap=gap))
            slots.append(f"gap:{last_id}")
    elif last_claim is None:
        return None, quiet_until  # nobody to miss yet: the empty chat welcomes her instead
    if day_claimed:
        return None, quiet_until  # one greeting a day at most, whatever happened since
    special = days_that_matter(store, persona_id, today, pv)
    if special:
        occasions.extend(special)
        slots.append(day_slot)
    if not slots:
        return None, quiet_until
    budget = stored.get(wellbeing.BUDGET_SETTING)
    try:
        budget = int(budget) if budget is not None and int(budget) > 0 else None
    except (TypeError, ValueError):
        budget = None
    if budget is not None and wellbeing.sent_today(store, persona_id, tz, now) >= budget:
        return None, quiet_until
    return Due(persona_id, tuple(occasions), tuple(slots), now), now


#: (data folder, persona) → the time before which no greeting can be due (see `check`).
_quiet: dict[tuple[str, int], datetime] = {}
_quiet_lock = threading.Lock()


def check(
    store, persona_id: int, tz: ZoneInfo, now: datetime | None = None, *, pv=None
) -> Due | None:
    """`due`, for every page run: answered from memory until a greeting could be due.

    When nothing is due, the earliest moment one could be is known (the gap after the last
    message she or he wrote, or the next midnight); her writing more only moves it later.
    Until then the answer is None without a query. Settings saved in the app call `forget`;
    a milestone added for today's date of an earlier year is noticed at that moment.
    """
    now = now or datetime.now(tz)
    key = (str(store.data_dir), int(persona_id))
    with _quiet_lock:
        until = _quiet.get(key)
    if until is not None and now < until:
        return None
    found, until = _due(store, persona_id, tz, now, pv)
    with _quiet_lock:
        if found is None:
            _quiet[key] = until
        else:
            _quiet.pop(key, None)
    return found


def forget(store=None) -> None:
    """Drop what `check` remembers (after the greeting settings or the time zone change)."""
    with _quiet_lock:
        if store is None:
            _quiet.clear()
        else:
            for key in [k for k in _quiet if k[0] == str(store.data_dir)]:
                del _quiet[key]


def claim(store, found: Due) -> bool:
    """Claim the greeting's slots; False when another tab or run claimed any of them first."""
    try:
        with store.transaction() as cur:
            for slot in found.slots:
                cur.execute(
                    "INSERT INTO greeting_slots (persona_id, slot, claimed_at) VALUES (?, ?, ?)",
                    [found.persona_id, slot, found.at],
                )
    except (duckdb.ConstraintException, duckdb.TransactionException):
        return False
    return True


# -- what he says -----------------------------------------------------------------------------
def _japanese(pv) -> bool:
    # The offline voice's rule: the persona's reply language, else its language when it is
    # Japanese alone ("English with some Japanese" greets in English).
    from companion.offline import reply_language

    return reply_language(pv, "") == "ja"


def _gap_words(gap: timedelta, japanese: bool) -> str:
    hours = gap.total_seconds() / 3600
    days = math.floor(hours / 24)
    if japanese:
        if days >= 2:
            return f"{days}日ぶりだね…会いたかった。"
        if days == 1:
            return "一日ぶりだね。会いたかったよ。"
        return "おかえり。待ってたよ。"
    if days >= 2:
        numbers = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven"}
        return f"It's been {numbers.get(days, f'{days:,}')} days… I missed you."
    if days == 1:
        return "It's been a whole day… I missed you."
    return "You're back. I was hoping you'd come."


def _day_words(o: Occasion, japanese: bool) -> str:
    if japanese:
        when = "一年前" if o.years == 1 else f"{o.years}年前"
        if o.kind == "together":
            return f"今日で{o.years}年だね。ずっと一緒にいてくれて、ありがとう。"
        if o.kind == "first_outing":
            return f"{when}の今日、{o.title}に行ったね。"
        return f"{when}の今日は「{o.title}」の日だったね。"
    when = "A year ago today" if o.years == 1 else f"{o.years} years ago today"
    if o.kind == "together":
        years = "one year" if o.years == 1 else f"{o.years} years"
        return f"Happy anniversary — {years} together today."
    if o.kind == "first_outing":
        return f"{when} we went to {o.title}. I still think about it."
    return f"{when}: {o.title}. I remember."


def composed(found: Due, pv) -> str:
    """The greeting composed from the facts (the offline voice's, and the fallback)."""
    japanese = _japanese(pv)
    days = [o for o in found.occasions if o.kind != "gap"]
    gap = next((o for o in found.occasions if o.kind == "gap"), None)
    parts = [_day_words(o, japanese) for o in days]
    if gap is not None:
        parts.insert(0, _gap_words(gap.gap, japanese))
    if not gap and days:
        parts.insert(0, "おはよう。" if japanese else "Hey, you.")
    return ("" if japanese else " ").join(parts)


def facts(found: Due) -> str:
    """What the model is told about the moment (it writes the greeting itself)."""
    lines = []
    for o in found.occasions:
        if o.kind == "gap":
            hours = o.gap.total_seconds() / 3600
            lines.append(
                f"She is opening the app after {hours / 24:.1f} days away."
                if hours >= 24
                else f"She is opening the app after {hours:.0f} hours away."
            )
        elif o.kind == "together":
            lines.append(f"Today is your anniversary: {o.years} year(s) together.")
        elif o.kind == "first_outing":
            lines.append(f"{o.years} year(s) ago today you went on your first outing: {o.title}.")
        else:
            lines.append(f"{o.years} year(s) ago today: {o.title}.")
    return " ".join(lines)


class _Composed:
    """A provider that says the greeting composed here (offline, or when the model failed)."""

    name = "offline"
    model = "greeting"
    label = "offline voice"
    supports_images = False

    def __init__(self, text: str):
        self._text = text

    def stream(self, turns: Sequence, *, temperature=None, context=None) -> Iterator[str]:
        yield self._text


def _request(found: Due, pv, today: date, history) -> pipeline.Request:
    return pipeline.Request(
        persona=pv,
        placement=messages.Placement(found.persona_id, source=SOURCE),
        text=f"({facts(found)} She has not written anything yet.)",
        today=today,
        history=history,
        instructions=[
            "You speak first: she has just opened the app and has not written yet. Greet "
            "her in one or two short sentences, in your own voice, aware of how long she "
            "was away and of what today is. Do not ask several questions; do not mention "
            "apps, messages or being an AI."
        ],
        meta={"greeting": list(found.slots)},
    )


def greet(
    store,
    provider,
    persona_id: int,
    tz: ZoneInfo,
    now: datetime | None = None,
    *,
    temperature: float | None = None,
) -> messages.Message | None:
    """Write the greeting waiting now, if one is and nobody claimed it first; else None."""
    now = now or datetime.now(tz)
    found = due(store, persona_id, tz, now)
    if found is None or not claim(store, found):
        return None
    forget(store)
    pv = personas.current(store, persona_id)
    today = now.astimezone(tz).date()
    history = messages.recent(store, persona_id, 6)
    fallback = composed(found, pv)
    voice = provider if provider.name != "offline" else _Composed(fallback)
    reply = pipeline.Reply(
        store, voice, _request(found, pv, today, history), temperature=temperature
    )
    reply.text()
    if reply.message is None:
        # The model failed: he still speaks first, with the words composed from the facts.
        reply = pipeline.Reply(store, _Composed(fallback), _request(found, pv, today, history))
        reply.text()
    if reply.message is not None:
        store.execute(
            "UPDATE greeting_slots SET message_id = ? WHERE persona_id = ? "
            "AND slot IN (SELECT unnest(?::VARCHAR[]))",
            [reply.message.id, persona_id, list(found.slots)],
        )
    return reply.message
