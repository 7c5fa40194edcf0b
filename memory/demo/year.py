"""Generating the year: a daily rhythm of exchanges, outings with photos and responses,
milestones, memories and journal entries, written in one transaction per kind."""

from __future__ import annotations

import dataclasses
import functools
import json
import random
import string
import time
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    import pyarrow as pa

from memory import messages, personas, photos
from memory import settings as settings_store
from memory.demo.folder import (
    DAYS,
    DEFAULT_SEED,
    DEMO_DONE_SETTING,
    DEMO_SETTING,
    DemoRefused,
    DemoSummary,
    Progress,
    clear,
    holds_own_data,
)
from memory.demo.painting import draw_avatar, draw_photo
from memory.demo.scripts import for_language
from memory.i18n import _, current_language, format_number, ngettext

# Hour weights of the user's local day (0 = midnight): quiet nights, a morning bump,
# lunch, and the busy evening. The same in every language.
HOUR_WEIGHTS = (
    2.0, 0.8, 0.2, 0.0, 0.0, 0.1, 0.6, 2.5, 3.0, 1.2, 1.0, 1.2,
    3.0, 2.0, 0.8, 0.8, 1.2, 1.8, 3.0, 5.5, 7.0, 7.5, 6.5, 4.0,
)  # fmt: skip
WEEKEND_HOUR_WEIGHTS = (
    2.5, 1.5, 0.5, 0.0, 0.0, 0.0, 0.1, 0.4, 1.2, 2.5, 3.0, 3.5,
    3.5, 3.0, 3.0, 3.0, 3.0, 3.0, 3.5, 5.0, 6.5, 7.0, 6.5, 4.5,
)  # fmt: skip


def topics_for(hour: int) -> list[str]:
    """What a session at `hour` talks about (every script has these topics)."""
    if 5 <= hour < 10:
        return ["morning", "commute", "commute", "work"]
    if 10 <= hour < 15:
        return ["lunch", "work", "work", "evening"]
    if 15 <= hour < 18:
        return ["work", "work", "evening", "feelings"]
    if 18 <= hour < 23:
        return ["home", "dinner", "evening", "evening", "evening", "feelings"]
    return ["evening", "evening", "feelings"]


# -- generation ------------------------------------------------------------------------------
class _Writer:
    """Collects message rows column by column for one bulk insert."""

    def __init__(self):
        self.columns: dict[str, list] = {
            name: []
            for name in (
                "role",
                "content",
                "created_at",
                "source",
                "outing_id",
                "photo_id",
                "journal_entry_id",
            )
        }

    def add(self, role, content, created_at, source="chat", outing_id=None, photo_id=None,
            journal_entry_id=None) -> None:  # fmt: skip
        c = self.columns
        c["role"].append(role)
        c["content"].append(content)
        c["created_at"].append(created_at)
        c["source"].append(source)
        c["outing_id"].append(outing_id)
        c["photo_id"].append(photo_id)
        c["journal_entry_id"].append(journal_entry_id)

    def __len__(self) -> int:
        return len(self.columns["role"])

    def table(self) -> pa.Table:
        # imported here: `python -m memory` loads this module for its help text, and its
        # other commands (an import) have no use for Arrow
        import pyarrow as pa

        c = self.columns
        return pa.table(
            {
                "role": pa.array(c["role"], pa.string()),
                "content": pa.array(c["content"], pa.string()),
                "created_at": pa.array(c["created_at"], pa.timestamp("us", tz="UTC")),
                "source": pa.array(c["source"], pa.string()),
                "outing_id": pa.array(c["outing_id"], pa.int32()),
                "photo_id": pa.array(c["photo_id"], pa.int32()),
                "journal_entry_id": pa.array(c["journal_entry_id"], pa.int32()),
            }
        )


_INTERCHANGEABLE = ("morning", "home", "night")


@functools.cache
def _slots(template: str) -> tuple[str, ...]:
    # sorted, never a set: set order changes between processes and would change the year
    return tuple(sorted({name for _, name, _, _ in string.Formatter().parse(template) if name}))


class _Voice:
    """Fills templates with the seeded random generator."""

    def __init__(self, rng: random.Random, script):
        self.rng = rng
        self.script = script

    def say(self, template: str, **extra) -> str:
        values = self.fill(_slots(template), extra)
        text = " ".join(template.format(**values).split())
        return text[:1].upper() + text[1:]

    def fill(self, slots, given: dict | None = None) -> dict:
        """A value for every slot: given ones kept, {name} the user's, others drawn."""
        given = given or {}
        rng = self.rng
        values = {}
        for slot in slots:
            if slot in given:
                values[slot] = given[slot]
            elif slot == "name":
                values[slot] = self.script.USER_NAME
            else:
                values[slot] = rng.choice(self.script.FILL[slot])
        return values

    def exchange(self, topic: str) -> tuple[str, str]:
        users, replies = self.script.TOPICS[topic]
        rng = self.rng
        i = rng.randrange(len(users))
        # A reply answers the line it follows; greetings and good-nights may be swapped.
        j = rng.randrange(len(replies)) if topic in _INTERCHANGEABLE else i
        # the reply speaks of the same food, show or coworker as the line it answers
        shared = self.fill(sorted({*_slots(users[i]), *_slots(replies[j])}))
        user = self.say(users[i], **shared)
        reply = self.say(replies[j], **shared)
        if rng.random() < 0.05:
            gap, phrases = self.script.SENTENCE_GAP, self.script.PERSONA["signature_phrases"]
            reply += gap + rng.choice(phrases)
        return user, reply


def _day_exchanges(rng: random.Random, day: date, day_index: int) -> int:
    """How many exchanges happen on a day: none, quiet, ordinary or busy."""
    weekend = day.weekday() >= 5
    roll = rng.random()
    if day_index < 14:  # the first two weeks: getting to know each other
        return rng.randint(6, 30)
    if roll < 0.06:
        return 0
    if roll < 0.24:
        return rng.randint(1, 6)
    if roll < (0.80 if weekend else 0.86):
        return rng.randint(19, 52)
    return rng.randint(70, 100)


def _sessions(rng: random.Random, day: date, exchanges: int) -> list[tuple[int, int]]:
    """Split a day's exchanges into sessions: [(start hour, exchanges)], in time order."""
    if exchanges == 0:
        return []
    weights = WEEKEND_HOUR_WEIGHTS if day.weekday() >= 5 else HOUR_WEIGHTS
    count = min(1 + exchanges // 14 + rng.randint(0, 1), 7, exchanges)
    hours = sorted(set(rng.choices(range(24), weights=weights, k=count)))
    # longer sessions in the evening
    shares = [weights[h] * rng.uniform(0.6, 1.4) for h in hours]
    total = sum(shares)
    sizes = [max(1, round(exchanges * s / total)) for s in shares]
    sizes[-1] = max(1, sizes[-1] + exchanges - sum(sizes))
    return list(zip(hours, sizes, strict=True))


def _local(day: date, hour: int, minute: int, tz: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=tz) + timedelta(hours=hour, minutes=minute)


def _when(first_day: date, last_day: date, when) -> date:
    if isinstance(when, int):
        return first_day + timedelta(days=when)
    month, day = when
    for year in (last_day.year, last_day.year - 1, last_day.year - 2):
        candidate = date(year, month, day)
        if candidate <= last_day - timedelta(days=2):
            return candidate
    raise AssertionError("unreachable: the demo year covers every date")


def fill(
    store,
    *,
    seed: int = DEFAULT_SEED,
    now: datetime | None = None,
    days: int = DAYS,
    progress: Progress | None = None,
    language: str | None = None,
) -> DemoSummary:
    """Generate the demo year into `store`, ending at `now` (default: this moment), in
    `language` (default: the interface language; English where no script exists).

    Raises `DemoRefused` when the folder holds data that is not demo data; a folder that
    already holds a demo year gets a fresh one. The folder is marked as demo first, so a
    generation that is interrupted leaves a demo folder, never something that looks real.
    """
    started = time.perf_counter()
    report = progress or (lambda fraction, text: None)
    if holds_own_data(store):
        raise DemoRefused(
            _(
                "{folder} already holds your own data, so the demo will not write there. "
                "Choose an empty folder for the demo."
            ).format(folder=store.data_dir)
        )
    tz = settings_store.timezone(store)
    now = (now or datetime.now(tz)).astimezone(tz)
    last_day = now.date()
    first_day = last_day - timedelta(days=days - 1)
    rng = random.Random(seed)
    language = scripts_language(language)
    script = for_language(language)
    voice = _Voice(rng, script)

    report(0.0, _("Meeting {name}…").format(name=script.PERSONA["name"]))
    settings_store.set(store, DEMO_SETTING, True)
    clear(store)
    avatar = personas.store_avatar(store, draw_avatar())
    pid, version_id = _create_persona(store, script, first_day, avatar)

    # Outings and their photos (each photo stored like an upload).
    outing_plans = []
    milestone_days = {m[0]: first_day + timedelta(days=m[2]) for m in script.MILESTONES}
    outing_days = []
    for title, place, kind, when in script.OUTINGS:
        day = _when(first_day, last_day, when)
        if day > last_day - timedelta(days=1) or day < first_day:
            continue  # a short demo (benchmarks, tests) may not reach every outing
        outing_days.append(day)
        outing_plans.append((title, place, kind, day))
    outing_rows = []
    total_photos = 0
    for number, (title, place, kind, day) in enumerate(outing_plans):
        report(
            0.05 + 0.45 * number / max(len(outing_plans), 1),
            _("Drawing photos of {title}…").format(title=title),
        )
        outing_id = store.execute(
            "INSERT INTO outings (persona_id, title, place, happened_on, notes) "
            "VALUES (?, ?, ?, ?, ?) RETURNING id",
            [pid, title, place, day, script.OUTING_NOTE.format(place=script.short_place(place))],
        ).fetchone()[0]
        photo_lines = script.PHOTO_LINES[kind]
        count = rng.randint(3, 6)
        start_hour = 18 if kind in ("city", "fireworks") else 10
        if kind == "sunrise":
            start_hour = 6
        taken = []
        for i in range(count):
            taken_at = _local(day, start_hour, 5 + i * rng.randint(12, 30), tz)
            caption, response = photo_lines[i % len(photo_lines)]
            data = draw_photo(kind, taken_at, seed * 1000 + number * 10 + i)
            photo = photos.add(
                store,
                data,
                original_name=f"IMG_{taken_at:%Y%m%d_%H%M%S}.jpg",
                outing_id=outing_id,
                caption=caption,
            )
            store.execute(
                "UPDATE photos SET taken_at = coalesce(taken_at, ?), position = ? WHERE id = ?",
                [taken_at, i, photo.id],
            )
            taken.append((photo.id, response))
        store.execute(
            "UPDATE outings SET cover_photo_id = ? WHERE id = ? AND cover_photo_id IS NULL",
            [taken[0][0], outing_id],
        )
        total_photos += len(taken)
        outing_rows.append((outing_id, title, place, day, taken))

    report(0.5, _("Writing a year of messages…"))
    rows = _Writer()
    special = {day: kind for kind, day in milestone_days.items()}
    special[first_day + timedelta(days=365)] = "anniversary"
    recent_places = [script.short_place(plan[1]) for plan in outing_plans] or [script.SOME_PLACE]
    for index in range(days):
        day = first_day + timedelta(days=index)
        exchanges = _day_exchanges(rng, day, index)
        scripted_day = script.SCRIPTS.get(special.get(day, ""), [])
        if scripted_day and exchanges == 0:
            exchanges = rng.randint(8, 20)
        sessions = _sessions(rng, day, exchanges)
        if special.get(day) == "first_talk":
            sessions = [(22, exchanges)]  # a sleepless night
        # The first talk opens the very first session; other special moments close the day.
        script_session = 0 if special.get(day) == "first_talk" else len(sessions) - 1
        previous_end = None
        for number, (hour, size) in enumerate(sessions):
            at = _local(day, hour, rng.randint(0, 40), tz)
            if previous_end is not None and at < previous_end + timedelta(minutes=10):
                at = previous_end + timedelta(minutes=rng.randint(10, 30))
            if rng.random() < 0.12 and special.get(day) != "first_talk":
                opener = rng.choice(script.COMPANION_OPENERS)
                rows.add("companion", voice.say(opener, place=rng.choice(recent_places)), at)
                at += timedelta(seconds=rng.randint(60, 900))
            lines = [voice.exchange(rng.choice(topics_for(at.hour))) for _ in range(size)]
            if number == script_session and scripted_day:
                scripted = [(u, voice.say(c)) for u, c in scripted_day]
                if script_session == 0:
                    lines[: len(scripted)] = scripted
                else:
                    lines[-len(scripted) :] = scripted
            elif at.hour >= 22 and size > 2 and rng.random() < 0.6:
                lines[-1] = voice.exchange("night")
            for user_line, companion_line in lines:
                reply_at = at + timedelta(seconds=rng.randint(4, 45))
                if reply_at > now:
                    break  # the year ends now, with no message left unanswered
                rows.add("user", user_line, at)
                rows.add("companion", companion_line, reply_at)
                at = reply_at + timedelta(seconds=rng.randint(25, 240))
            previous_end = at

    for outing_id, _title, place, day, taken in outing_rows:
        at = _local(day, 20, rng.randint(30, 50), tz)
        for photo_id, response in taken:
            rows.add("companion", voice.say(response), at, "album", outing_id, photo_id)
            at += timedelta(seconds=rng.randint(20, 90))
        line = voice.say(rng.choice(script.OUTING_DAY_LINES), place=script.short_place(place))
        rows.add("companion", line, at, "album", outing_id)

    report(0.7, _("Writing the journal…"))
    journal = []
    for index in range(days):
        day = first_day + timedelta(days=index)
        if day >= last_day:
            break
        if day in special or day in outing_days:
            mood = 5
        elif rng.random() < 0.3:
            mood = rng.choices([1, 2, 3, 4, 5], weights=[4, 11, 34, 36, 15])[0]
        else:
            continue
        body = voice.say(rng.choice(script.JOURNAL_LINES[mood]))
        journal.append((day, mood, body))
    with store.transaction() as cur:
        for day, mood, body in journal:
            entry_id = cur.execute(
                "INSERT INTO journal_entries (persona_id, written_on, mood, body) "
                "VALUES (?, ?, ?, ?) RETURNING id",
                [pid, day, mood, body],
            ).fetchone()[0]
            at = _local(day, 23, rng.randint(45, 59), tz)
            rows.add("companion", voice.say(script.JOURNAL_REPLIES[mood]), at, "journal",
                     journal_entry_id=entry_id)  # fmt: skip

        report(
            0.8,
            ngettext("Saving {n} message…", "Saving {n} messages…", len(rows)).format(
                n=format_number(len(rows))
            ),
        )
        _insert_messages(cur, rows, pid, version_id, now)
        for kind, title, offset, note in script.MILESTONES:
            day = first_day + timedelta(days=offset)
            if day > last_day:
                continue
            outing_id = next((o[0] for o in outing_rows if o[3] == day), None)
            message_id = cur.execute(
                "SELECT min(id) FROM messages WHERE persona_id = ? AND source = 'chat' "
                "AND content = ? AND created_at >= ? AND created_at < ?",
                [pid, script.SCRIPTS[kind][0][0], _local(day, 0, 0, tz), _local(day, 48, 0, tz)],
            ).fetchone()[0]
            cur.execute(
                "INSERT INTO milestones (persona_id, kind, title, happened_on, note, message_id, "
                "outing_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [pid, kind, title, day, note, message_id, outing_id],
            )
        for kind, body, pinned, offset in script.MEMORIES:
            day = first_day + timedelta(days=offset) if offset is not None else None
            if day is not None and day > last_day:
                continue
            cur.execute(
                "INSERT INTO memories (persona_id, kind, body, status, pinned, origin, "
                "happened_on) VALUES (?, ?, ?, 'kept', ?, 'typed', ?)",
                [pid, kind, body, pinned, day],
            )
        summary = DemoSummary(
            persona_id=pid,
            messages=cur.execute(
                "SELECT count(*) FROM messages WHERE persona_id = ?", [pid]
            ).fetchone()[0],
            outings=len(outing_rows),
            photos=total_photos,
            milestones=cur.execute("SELECT count(*) FROM milestones").fetchone()[0],
            journal_entries=len(journal),
            first_day=first_day,
            last_day=last_day,
            seconds=0.0,
        )
        cur.execute(
            "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
            [
                DEMO_DONE_SETTING,
                json.dumps(
                    {
                        "seed": seed,
                        "on": now.isoformat(),
                        "messages": summary.messages,
                        "language": language,
                    }
                ),
            ],
        )
        cur.execute(
            "INSERT OR REPLACE INTO settings (key, value) VALUES ('current_persona_id', ?)",
            [json.dumps(pid)],
        )
    store.changed(settings_store.CHANGES)  # written here beside the year, not by settings.set
    report(1.0, _("Done."))
    return dataclasses.replace(summary, seconds=time.perf_counter() - started)


def scripts_language(language: str | None) -> str:
    """The language a demo year will be written in: `language` (or the interface language)
    when a script exists for it, else English."""
    return for_language(language or current_language()).__name__.rsplit(".", 1)[-1]


def _create_persona(store, script, first_day: date, avatar_path: str) -> tuple[int, int]:
    """The demo companion, made like any other (`personas.create`), marked as a demo."""
    shaped = {k: v for k, v in script.PERSONA.items() if k in personas.SHAPED_FIELDS}
    pv = personas.create(
        store,
        is_demo=True,
        note=script.PERSONA_NOTE,
        began_on=first_day,
        avatar_path=avatar_path,
        **shaped,
    )
    return pv.persona_id, pv.id


def _insert_messages(cur, rows: _Writer, pid: int, version_id: int, now: datetime) -> None:
    """One INSERT … SELECT from an Arrow table, in time order, then link replies."""
    messages.add_many(
        cur, pid, rows.table(), persona_version_id=version_id, until=now, in_time_order=True
    )
    # A chat reply answers the user's message just before it.
    messages.link_chat_replies(cur, pid)
