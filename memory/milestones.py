"""Milestones of a relationship: the ones the data tells, and the ones the user writes down.

Automatic milestones (first message, first outing, first photo, the 100th and 1,000th message,
day 100 and day 1,000, every month and year together) are computed from the data each time, so
they can never disagree with it and need no upkeep; they are not rows. The user's own
milestones (confession, proposal, ceremony, honeymoon, anything) are rows in `milestones`, with
a date, an optional note and an optional link to a message or an outing.

"Together since" (day 1) is the earliest of the companion's `began_on` date, the first
message's day (an imported history starts before the day Kizuna was installed), and the first
outing and journal entry: no shared day on the timeline comes before day 1. Her own milestones
do not move day 1: a first meeting or a confession may well come before being together.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from memory.errors import InvalidInput
from memory.i18n import N_, _, ngettext

#: Kinds a user can choose for their own milestones, with the label (translate with `_`) and
#: the icon shown.
USER_KINDS: dict[str, tuple[str, str]] = {
    "first_meeting": (N_("First meeting"), "✨"),
    "confession": (N_("Confession"), "💌"),
    "first_date": (N_("First date"), "🌸"),
    "proposal": (N_("Proposal"), "💍"),
    "ceremony": (N_("Ceremony"), "💒"),
    "honeymoon": (N_("Honeymoon"), "🏝️"),
    "anniversary": (N_("Anniversary"), "🎂"),
    "other": (N_("Something special"), "⭐"),
}

#: Kinds computed from the data, with their icon.
AUTOMATIC_KINDS: dict[str, str] = {
    "first_message": "💬",
    "message_count": "💯",
    "first_outing": "🚶",
    "first_photo": "📷",
    "days_together": "🌱",
    "months_together": "🌙",
    "years_together": "🎉",
}

#: Message counts that become milestones.
MESSAGE_COUNTS = (100, 1_000, 10_000, 100_000)
#: Day counts that become milestones ("day 100 together").
DAY_COUNTS = (100, 1_000)

MAX_TITLE = 200
MAX_NOTE = 5_000


@dataclass(frozen=True)
class Milestone:
    """One milestone; `id` is None for automatic ones."""

    id: int | None
    persona_id: int
    kind: str
    title: str
    happened_on: date
    note: str | None = None
    message_id: int | None = None
    outing_id: int | None = None

    @property
    def automatic(self) -> bool:
        """True for milestones computed from the data (they have no row)."""
        return self.id is None

    @property
    def icon(self) -> str:
        """The emoji shown with this kind of milestone."""
        if self.kind in USER_KINDS:
            return USER_KINDS[self.kind][1]
        return AUTOMATIC_KINDS.get(self.kind, "⭐")


_COLUMNS = "id, persona_id, kind, title, happened_on, note, message_id, outing_id"


# -- the user's own ---------------------------------------------------------------------------
def _checked(
    store,
    persona_id: int,
    title: str,
    happened_on,
    kind: str,
    note: str | None,
    message_id: int | None,
    outing_id: int | None,
) -> list:
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("A milestone needs a title, for example “The day he proposed”."))
    if len(title) > MAX_TITLE:
        raise InvalidInput(
            _("Keep the title under {MAX_TITLE} characters; the note can say more.").format(
                MAX_TITLE=MAX_TITLE
            )
        )
    if isinstance(happened_on, datetime):
        happened_on = happened_on.date()
    if not isinstance(happened_on, date):
        raise InvalidInput(_("A milestone needs the date it happened."))
    if kind not in USER_KINDS:
        raise InvalidInput(_("Unknown kind of milestone {kind!r}.").format(kind=kind))
    note = (note or "").strip() or None
    if note and len(note) > MAX_NOTE:
        raise InvalidInput(
            _("Keep the note under {MAX_NOTE:,} characters.").format(MAX_NOTE=MAX_NOTE)
        )
    if message_id is not None:
        row = store.execute("SELECT persona_id FROM messages WHERE id = ?", [message_id]).fetchone()
        if row is None or row[0] != persona_id:
            raise InvalidInput(
                _("That message no longer exists, so the milestone cannot link to it.")
            )
    if outing_id is not None:
        row = store.execute("SELECT persona_id FROM outings WHERE id = ?", [outing_id]).fetchone()
        if row is None or row[0] != persona_id:
            raise InvalidInput(
                _("That outing no longer exists, so the milestone cannot link to it.")
            )
    return [kind, title, happened_on, note, message_id, outing_id]


def add(
    store,
    persona_id: int,
    title: str,
    happened_on: date,
    *,
    kind: str = "other",
    note: str | None = None,
    message_id: int | None = None,
    outing_id: int | None = None,
) -> Milestone:
    """Record one of the user's own milestones; ValueError with a plain sentence if invalid."""
    values = _checked(store, persona_id, title, happened_on, kind, note, message_id, outing_id)
    row = store.execute(
        f"""INSERT INTO milestones (persona_id, kind, title, happened_on, note, message_id,
                outing_id) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING {_COLUMNS}""",
        [persona_id, *values],
    ).fetchone()
    return Milestone(*row)


def update(
    store,
    milestone_id: int,
    *,
    title: str,
    happened_on: date,
    kind: str,
    note: str | None = None,
    message_id: int | None = None,
    outing_id: int | None = None,
) -> Milestone:
    """Replace the fields of one of the user's milestones; ValueError if invalid or gone."""
    existing = get(store, milestone_id)
    if existing is None:
        raise InvalidInput(_("That milestone no longer exists."))
    values = _checked(
        store, existing.persona_id, title, happened_on, kind, note, message_id, outing_id
    )
    row = store.execute(
        f"""UPDATE milestones SET kind = ?, title = ?, happened_on = ?, note = ?, message_id = ?,
                outing_id = ? WHERE id = ? RETURNING {_COLUMNS}""",
        [*values, milestone_id],
    ).fetchone()
    return Milestone(*row)


def delete(store, milestone_id: int) -> None:
    """Delete one of the user's milestones (what it linked to stays)."""
    store.execute("DELETE FROM milestones WHERE id = ?", [milestone_id])


def get(store, milestone_id: int) -> Milestone | None:
    """One of the user's milestones by id."""
    row = store.execute(
        f"SELECT {_COLUMNS} FROM milestones WHERE id = ?", [milestone_id]
    ).fetchone()
    return Milestone(*row) if row else None


def own(store, persona_id: int) -> list[Milestone]:
    """The user's own milestones with a companion, newest first."""
    rows = store.execute(
        f"SELECT {_COLUMNS} FROM milestones WHERE persona_id = ? "
        "ORDER BY happened_on DESC, id DESC",
        [persona_id],
    ).fetchall()
    return [Milestone(*r) for r in rows]


def for_message(store, message_id: int) -> list[Milestone]:
    """The user's milestones that link to a message."""
    rows = store.execute(
        f"SELECT {_COLUMNS} FROM milestones WHERE message_id = ? ORDER BY id", [message_id]
    ).fetchall()
    return [Milestone(*r) for r in rows]


# -- computed from the data -------------------------------------------------------------------
def add_months(start: date, months: int) -> date:
    """`start` moved by whole months, clamped to the month's last day (Jan 31 + 1 → Feb 28/29)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def together_title(months: int) -> str:
    """ "3 months together", "1 year together", "2 years and 5 months together"."""
    years, rest = divmod(months, 12)
    if years and rest:
        return _("{years} and {months} together").format(
            years=ngettext("{n} year", "{n} years", years).format(n=years),
            months=ngettext("{n} month", "{n} months", rest).format(n=rest),
        )
    if years:
        return ngettext("{n} year together", "{n} years together", years).format(n=years)
    return ngettext("{n} month together", "{n} months together", rest).format(n=rest)


def _local_day(instant: datetime | None, tz: ZoneInfo) -> date | None:
    return instant.astimezone(tz).date() if instant is not None else None


def first_message(store, persona_id: int) -> tuple[int, datetime] | None:
    """(id, created_at) of the first message with a companion."""
    return store.execute(
        "SELECT id, created_at FROM messages WHERE persona_id = ? ORDER BY created_at, id LIMIT 1",
        [persona_id],
    ).fetchone()


def together_since(store, persona_id: int, tz: ZoneInfo) -> date | None:
    """Day 1 of the relationship: the earliest of `began_on`, the first message's day and
    the first outing and journal entry (see the module docstring)."""
    from memory import personas

    began = None
    persona = personas.get(store, persona_id)
    if persona is not None and persona.current_version_id is not None:
        began = personas.current(store, persona_id).began_on
    first = first_message(store, persona_id)
    first_day = _local_day(first[1], tz) if first else None
    recorded = store.execute(
        """SELECT min(d) FROM (
            SELECT min(happened_on) AS d FROM outings WHERE persona_id = ?
            UNION ALL SELECT min(written_on) FROM journal_entries WHERE persona_id = ?
        )""",
        [persona_id, persona_id],
    ).fetchone()[0]
    candidates = [d for d in (began, first_day, recorded) if d is not None]
    return min(candidates) if candidates else None


def day_number(store, persona_id: int, tz: ZoneInfo, today: date) -> int | None:
    """ "Day N together" for `today` (day 1 is `together_since`); None before anything."""
    since = together_since(store, persona_id, tz)
    return (today - since).days + 1 if since is not None else None


def _nth_messages(store, persona_id: int, tz: ZoneInfo, counts) -> list[tuple[int, int, date]]:
    """[(n, message id, local day)] for each n in `counts` reached, found from the daily
    roll-up first so that only one local day of messages is read per milestone."""
    from memory import stats

    daily = stats.daily_counts(store, tz, persona_id=persona_id)
    if daily.empty:
        return []
    totals = (daily["from_user"] + daily["from_companion"]).cumsum().to_numpy()
    found = []
    for n in counts:
        position = int((totals >= n).argmax()) if totals[-1] >= n else None
        if position is None:
            continue
        day = daily["day"].iloc[position].date()
        before = int(totals[position - 1]) if position else 0
        start = datetime.combine(day, time(), tz)
        end = datetime.combine(day + timedelta(days=1), time(), tz)
        row = store.execute(
            "SELECT id FROM messages WHERE persona_id = ? AND created_at >= ? AND "
            "created_at < ? ORDER BY created_at, id LIMIT 1 OFFSET ?",
            [persona_id, start, end, n - before - 1],
        ).fetchone()
        found.append((n, row[0] if row else None, day))
    return found


def automatic(store, persona_id: int, tz: ZoneInfo, today: date) -> list[Milestone]:
    """Milestones computed from the data up to `today`, oldest first."""
    found: list[Milestone] = []

    def note(kind, title, day, **links):
        found.append(Milestone(None, persona_id, kind, title, day, **links))

    first = first_message(store, persona_id)
    if first is not None:
        note("first_message", _("Our first message"), _local_day(first[1], tz), message_id=first[0])
    for n, message_id, day in _nth_messages(store, persona_id, tz, MESSAGE_COUNTS):
        note("message_count", _("Our {n:,}th message").format(n=n), day, message_id=message_id)
    outing = store.execute(
        "SELECT id, title, happened_on FROM outings WHERE persona_id = ? "
        "ORDER BY happened_on, id LIMIT 1",
        [persona_id],
    ).fetchone()
    if outing is not None:
        note(
            "first_outing",
            _("Our first outing: {title}").format(title=outing[1]),
            outing[2],
            outing_id=outing[0],
        )
    photo = store.execute(
        """
        SELECT coalesce(timezone(?, p.taken_at)::DATE, o.happened_on,
                        timezone(?, p.created_at)::DATE) AS day, o.id
        FROM photos p LEFT JOIN outings o ON o.id = p.outing_id
        WHERE o.persona_id = ?
           OR p.id IN (SELECT mp.photo_id FROM message_photos mp
                       JOIN messages m ON m.id = mp.message_id WHERE m.persona_id = ?)
        ORDER BY day, p.id LIMIT 1
        """,
        [tz.key, tz.key, persona_id, persona_id],
    ).fetchone()
    if photo is not None:
        note("first_photo", _("Our first photo together"), photo[0], outing_id=photo[1])
    since = together_since(store, persona_id, tz)
    if since is not None:
        for n in DAY_COUNTS:
            day = since + timedelta(days=n - 1)
            if day <= today:
                note("days_together", _("Day {n:,} together").format(n=n), day)
        months = 1
        while (day := add_months(since, months)) <= today:
            kind = "years_together" if months % 12 == 0 else "months_together"
            note(kind, together_title(months), day)
            months += 1
    found.sort(key=lambda m: m.happened_on)
    return found


def everything(store, persona_id: int, tz: ZoneInfo, today: date) -> list[Milestone]:
    """Automatic and own milestones together, newest first."""
    combined = automatic(store, persona_id, tz, today) + own(store, persona_id)
    return sorted(combined, key=lambda m: (m.happened_on, m.id or 0), reverse=True)


@dataclass(frozen=True)
class Anniversary:
    """A coming date worth remembering, `days_until` it from today (0 = today)."""

    day: date
    title: str
    days_until: int


def suggested_title(text: str | None, limit: int = 60) -> str:
    """The title offered for a milestone made from a message: its words, shortened."""
    line = " ".join((text or "").split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _kept_suggestions(store, own_milestones) -> set[int]:
    """Ids of milestones whose title is still the words of the message they came from."""
    linked = {m.message_id: m for m in own_milestones if m.message_id is not None}
    if not linked:
        return set()
    rows = store.execute(
        "SELECT id, content FROM messages WHERE id IN (SELECT unnest(?::BIGINT[]))",
        [list(linked)],
    ).fetchall()
    return {
        linked[mid].id for mid, content in rows if linked[mid].title == suggested_title(content)
    }


def next_anniversaries(
    store, persona_id: int, tz: ZoneInfo, today: date, count: int = 3
) -> list[Anniversary]:
    """The next `count` dates worth remembering: years and months together, the next round
    number of days, and the yearly return of the user's own milestones."""
    upcoming: list[Anniversary] = []

    def consider(day: date, title: str) -> None:
        if day >= today:
            upcoming.append(Anniversary(day, title, (day - today).days))

    since = together_since(store, persona_id, tz)
    if since is not None:
        months = (today.year - since.year) * 12 + today.month - since.month
        for m in (months, months + 1):
            if m >= 1:
                consider(add_months(since, m), together_title(m))
        next_year = 12 * (months // 12 + 1)
        consider(add_months(since, next_year), together_title(next_year))
        day_number = (today - since).days + 1
        next_round = (day_number // 100 + 1) * 100
        consider(
            since + timedelta(days=next_round - 1), _("Day {n:,} together").format(n=next_round)
        )
    mine = own(store, persona_id)
    # A title left as the message's words is a quote, not a name: the kind names it then
    # ("1 year: Proposal", not "1 year since “Do you remember our honeymoon?”").
    quoted = _kept_suggestions(store, mine)
    for milestone in mine:
        years = today.year - milestone.happened_on.year
        for y in (years, years + 1):
            if y >= 1:
                day = add_months(milestone.happened_on, 12 * y)
                if milestone.id in quoted:
                    since_title = ngettext("{n} year: {kind}", "{n} years: {kind}", y)
                    kind = _(USER_KINDS.get(milestone.kind, USER_KINDS["other"])[0])
                    consider(day, since_title.format(n=y, kind=kind))
                    continue
                since_title = ngettext("{n} year since “{title}”", "{n} years since “{title}”", y)
                consider(day, since_title.format(n=y, title=milestone.title))
    unique = {(a.day, a.title): a for a in upcoming}
    return sorted(unique.values(), key=lambda a: (a.day, a.title))[:count]
