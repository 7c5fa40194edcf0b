"""Outings shared with a companion: a title, a place, a day, notes, and their photos.

The album grid asks for one *page* of outing cards at a time (`page`): filtering, ordering,
counting photos and finding each cover happen in one DuckDB query limited to that page, so
the grid costs the same with ten outings or ten thousand. Deleting an outing removes its
photos' rows and the companion's album responses in one transaction, then the files no other
row names.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from memory import messages, settings
from memory import photos as photo_store
from memory import places as place_names
from memory.errors import InvalidInput
from memory.i18n import _

PAGE_SIZE = 12
MAX_TITLE = 200


class OutingError(InvalidInput):
    """An outing that cannot be saved as given; the message says why, plainly."""


@dataclass(frozen=True)
class Outing:
    id: int
    persona_id: int
    title: str
    place: str | None
    happened_on: date
    notes: str | None
    cover_photo_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class OutingCard:
    """One tile of the album grid."""

    id: int
    title: str
    place: str | None
    happened_on: date
    photo_count: int
    cover_thumb: str | None  # relative path of the cover's thumbnail
    cover_photo_id: int | None


@dataclass(frozen=True)
class AlbumPage:
    cards: list[OutingCard]
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class FileResult:
    """What happened to one uploaded file."""

    name: str
    status: str  # "stored", "duplicate" or "rejected"
    photo: photo_store.Photo | None = None
    reason: str | None = None
    #: A sentence naming the file when it was stored but some details could not be read.
    note: str | None = None

    def line(self) -> str:
        """One plain line for a terminal or a message list."""
        if self.status == "rejected":
            return f"{self.name}: rejected — {self.reason}"
        if self.status == "duplicate":
            return f"{self.name}: duplicate — already in this outing (photo {self.photo.id})"
        stored = f"{self.name}: stored (photo {self.photo.id})"
        return f"{stored} — {self.note}" if self.note else stored


_COLUMNS = "id, persona_id, title, place, happened_on, notes, cover_photo_id, created_at"


def _clean(title: str | None, place: str | None, notes: str | None):
    title = (title or "").strip()
    if not title:
        raise OutingError("Give the outing a title.")
    if len(title) > MAX_TITLE:
        raise OutingError(f"The title is too long; keep it under {MAX_TITLE} characters.")
    return title, (place or "").strip() or None, (notes or "").strip() or None


def create(
    store,
    persona_id: int,
    title: str,
    *,
    place: str | None = None,
    happened_on: date | None = None,
    notes: str | None = None,
) -> Outing:
    """Record a new outing (today when no date is given)."""
    title, place, notes = _clean(title, place, notes)
    if happened_on is None:
        happened_on = datetime.now(settings.timezone(store)).date()
    row = store.execute(
        f"""INSERT INTO outings (persona_id, title, place, happened_on, notes)
            VALUES (?, ?, ?, ?, ?) RETURNING {_COLUMNS}""",
        [persona_id, title, place, happened_on, notes],
    ).fetchone()
    return Outing(*row)


def get(store, outing_id: int) -> Outing | None:
    """One outing by id."""
    row = store.execute(f"SELECT {_COLUMNS} FROM outings WHERE id = ?", [outing_id]).fetchone()
    return Outing(*row) if row else None


def update(
    store,
    outing_id: int,
    *,
    title: str,
    place: str | None,
    happened_on: date,
    notes: str | None,
) -> Outing:
    """Change an outing's title, place, date and notes."""
    title, place, notes = _clean(title, place, notes)
    row = store.execute(
        f"""UPDATE outings SET title = ?, place = ?, happened_on = ?, notes = ?
            WHERE id = ? RETURNING {_COLUMNS}""",
        [title, place, happened_on, notes, outing_id],
    ).fetchone()
    if row is None:
        raise OutingError("That outing no longer exists.")
    return Outing(*row)


def set_cover(store, outing_id: int, photo_id: int) -> None:
    """Make one of the outing's photos its cover."""
    store.execute(
        "UPDATE outings SET cover_photo_id = ? WHERE id = ? "
        "AND ? IN (SELECT id FROM photos WHERE outing_id = ?)",
        [photo_id, outing_id, photo_id, outing_id],
    )


def delete(store, outing_id: int) -> bool:
    """Delete an outing, its photos, and the companion's responses to it, files included.

    A photo file also used elsewhere (the same picture in another outing, or in chat) stays.
    """
    if get(store, outing_id) is None:
        return False
    hashes = [
        r[0]
        for r in store.execute(
            "SELECT sha256 FROM photos WHERE outing_id = ?", [outing_id]
        ).fetchall()
    ]
    with store.transaction() as cur:
        ids = [
            r[0]
            for r in cur.execute(
                "SELECT id FROM photos WHERE outing_id = ?", [outing_id]
            ).fetchall()
        ]
        photo_store.remove_rows(cur, ids)
        messages.delete_where(cur, outing_id=outing_id)
        cur.execute("UPDATE milestones SET outing_id = NULL WHERE outing_id = ?", [outing_id])
        cur.execute("DELETE FROM outings WHERE id = ?", [outing_id])
    photo_store.remove_unreferenced_files(store, hashes)
    return True


def add_files(
    store,
    outing_id: int,
    files: Iterable[tuple[str, bytes]],
    *,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[FileResult]:
    """Add uploaded files to an outing, one at a time, each with its own outcome.

    A rejected file is reported and skipped; the others are stored. `progress(done, total,
    name)` is called after each file (for a progress bar).
    """
    outcomes = photo_store.ingest_many(store, files, outing_id=outing_id, progress=progress)
    if any(o.added is not None and not o.added.duplicate for o in outcomes):
        _in_taken_order(store, outing_id)
    return [_result(outcome) for outcome in outcomes]


def _result(outcome) -> FileResult:
    if outcome.rejected is not None:
        return FileResult(outcome.name, "rejected", reason=outcome.rejected)
    status = "duplicate" if outcome.added.duplicate else "stored"
    return FileResult(outcome.name, status, outcome.added.photo, note=outcome.note)


def date_from_photos(store, outing_id: int) -> date | None:
    """The local day of the earliest EXIF time among an outing's photos."""
    first = store.execute(
        "SELECT min(taken_at) FROM photos WHERE outing_id = ?", [outing_id]
    ).fetchone()[0]
    if first is None:
        return None
    return first.astimezone(settings.timezone(store)).date()


def log(
    store,
    persona_id: int,
    title: str,
    *,
    place: str | None = None,
    happened_on: date | None = None,
    notes: str | None = None,
    files: Iterable[tuple[str, bytes]] = (),
    progress: Callable[[int, int, str], None] | None = None,
) -> tuple[Outing, list[FileResult]]:
    """Log an outing with its photos; with no date given, the photos' EXIF date is used.

    The outing and its photos are committed in one transaction: when the photos cannot be
    written (a full disk: `NotEnoughSpace`) or the process is killed, no outing is left
    behind, empty or half-filled. Files that are merely rejected are reported, and the outing
    is kept with the others.
    """
    title, place, notes = _clean(title, place, notes)
    day = happened_on or datetime.now(settings.timezone(store)).date()
    made: list[int] = []

    def new_outing(cur) -> int:
        made.append(
            cur.execute(
                "INSERT INTO outings (persona_id, title, place, happened_on, notes) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id",
                [persona_id, title, place, day, notes],
            ).fetchone()[0]
        )
        return made[-1]

    outcomes = photo_store.ingest_many(store, files, progress=progress, new_outing=new_outing)
    _in_taken_order(store, made[-1])  # picked from the phone's library in any order
    outing = get(store, made[-1])
    results = [_result(outcome) for outcome in outcomes]
    if happened_on is None:
        found = date_from_photos(store, outing.id)
        if found is not None and found != outing.happened_on:
            store.execute("UPDATE outings SET happened_on = ? WHERE id = ?", [found, outing.id])
            outing = get(store, outing.id)
    return outing, results


# -- today's outing: where photos shared in the chat go ---------------------------------------
#: One share at a time decides whether today's outing exists (sessions share one process).
_TODAY = threading.Lock()


@dataclass(frozen=True)
class Shared:
    """What became of photos shared in the chat: the outing they joined, file by file."""

    outing: Outing | None  # None when no file could be kept (nothing was made)
    results: list[FileResult]
    made: bool  # True when today's outing was made for this share

    @property
    def photo_ids(self) -> list[int]:
        """The kept photos (new or already there), in taken-time order."""
        kept = [r.photo for r in self.results if r.photo is not None]
        kept.sort(key=lambda p: (p.position, p.id))  # positions follow the taken time
        return list(dict.fromkeys(p.id for p in kept))


def local_day(store, now: datetime | None = None) -> date:
    """The day it is for her now (or at `now`), in her time zone."""
    tz = settings.timezone(store)
    return (now.astimezone(tz) if now is not None else datetime.now(tz)).date()


def todays(store, persona_id: int, *, now: datetime | None = None) -> Outing | None:
    """The outing of her local today (the latest made, when she logged more than one)."""
    row = store.execute(
        f"SELECT {_COLUMNS} FROM outings WHERE persona_id = ? AND happened_on = ? "
        "ORDER BY created_at DESC, id DESC LIMIT 1",
        [persona_id, local_day(store, now)],
    ).fetchone()
    return Outing(*row) if row else None


def day_title(moment: datetime, place: str | None = None) -> str:
    """A title for an outing made from a share: the place and the time of day.

    ("Afternoon walk", or "Afternoon in Okayama" when the place is known.)
    """
    hour = moment.hour
    if 5 <= hour < 11:
        return _("Morning in {place}").format(place=place) if place else _("Morning walk")
    if 11 <= hour < 17:
        return _("Afternoon in {place}").format(place=place) if place else _("Afternoon walk")
    if 17 <= hour < 21:
        return _("Evening in {place}").format(place=place) if place else _("Evening walk")
    return _("Night in {place}").format(place=place) if place else _("Night out")


def _in_taken_order(store, outing_id: int) -> None:
    # A photo without EXIF time counts from when it was added: a shared snapshot stays in
    # the moment it was shared among the others.
    store.execute(
        """UPDATE photos SET position = ranked.n FROM (
               SELECT id, row_number() OVER (
                   ORDER BY coalesce(taken_at, created_at), position, id) - 1 AS n
               FROM photos WHERE outing_id = ?) ranked
           WHERE photos.id = ranked.id""",
        [outing_id],
    )


def share(
    store,
    persona_id: int,
    files: Iterable[tuple[str, bytes]],
    *,
    now: datetime | None = None,
) -> Shared:
    """Put photos shared in the chat into today's outing, making it when there is none.

    Each content is stored once (a photo already in today's outing is not added again);
    the outing's photos are kept in taken-time order. An outing made here is dated her local
    today and titled from the place (offline gazetteer, from the photos' GPS) or the time of
    day; she can rename it in the album. When no file can be kept (all damaged or not
    photos), nothing is made and every file's reason is reported.
    """
    files = list(files)
    tz = settings.timezone(store)
    moment = (now.astimezone(tz) if now is not None else datetime.now(tz)).replace(tzinfo=None)
    day = moment.date()
    made: list[int] = []
    joined: list[int] = []

    def new_outing(cur) -> int:
        # Checked again inside the transaction: today's outing is made once per day.
        again = cur.execute(
            "SELECT id FROM outings WHERE persona_id = ? AND happened_on = ? "
            "ORDER BY created_at DESC, id DESC LIMIT 1",
            [persona_id, day],
        ).fetchone()
        if again is not None:
            joined.append(again[0])
            return again[0]
        made.append(
            cur.execute(
                "INSERT INTO outings (persona_id, title, happened_on) VALUES (?, ?, ?) "
                "RETURNING id",
                [persona_id, day_title(moment), day],
            ).fetchone()[0]
        )
        return made[-1]

    with _TODAY:
        existing = todays(store, persona_id, now=now)
        if existing is not None:
            outcomes = photo_store.ingest_many(store, files, outing_id=existing.id)
        else:
            outcomes = photo_store.ingest_many(
                store, files, new_outing=new_outing, empty_outing=False
            )
    results = [_result(outcome) for outcome in outcomes]
    target = existing.id if existing is not None else next(iter(made or joined), None)
    if target is None:
        return Shared(None, results, False)
    _in_taken_order(store, target)
    if made:
        found = place_names.points_of(store, target)
        place = place_names.name_for(found[0].lat, found[0].lon) if found else None
        first = store.execute(
            "SELECT min(taken_at) FROM photos WHERE outing_id = ?", [target]
        ).fetchone()[0]
        when = first.astimezone(tz).replace(tzinfo=None) if first is not None else moment
        if when.date() != day:
            when = moment
        # Its cover is its first photo in taken order.
        store.execute(
            "UPDATE outings SET title = ?, place = ?, cover_photo_id = (SELECT id FROM photos "
            "WHERE outing_id = ? ORDER BY position, id LIMIT 1) WHERE id = ?",
            [day_title(when, place), place, target, target],
        )
    # Kept photos re-read: their positions changed with the taken-time order.
    results = [
        FileResult(r.name, r.status, photo_store.get(store, r.photo.id), r.reason, r.note)
        if r.photo is not None
        else r
        for r in results
    ]
    return Shared(get(store, target), results, bool(made))


def _filters(persona_id: int, year: int | None, place: str | None, search: str | None):
    where = ["o.persona_id = ?"]
    params: list = [persona_id]
    if year is not None:
        where.append("year(o.happened_on) = ?")
        params.append(int(year))
    if place:
        where.append("o.place = ?")
        params.append(place)
    if search and search.strip():
        needle = search.strip().lower()
        where.append(
            "(contains(lower(o.title), ?) OR contains(lower(coalesce(o.place, '')), ?) "
            "OR contains(lower(coalesce(o.notes, '')), ?))"
        )
        params += [needle, needle, needle]
    return " AND ".join(where), params


def page(
    store,
    persona_id: int,
    *,
    year: int | None = None,
    place: str | None = None,
    search: str | None = None,
    page_number: int = 1,
    page_size: int = PAGE_SIZE,
) -> AlbumPage:
    """One page of outing cards, newest first, filtered by year and place and searched."""
    where, params = _filters(persona_id, year, place, search)
    total = store.execute(f"SELECT count(*) FROM outings o WHERE {where}", params).fetchone()[0]
    pages = max(1, -(-total // page_size))
    page_number = min(max(1, page_number), pages)
    rows = store.execute(
        f"""
        WITH shown AS (
            SELECT o.id, o.title, o.place, o.happened_on, o.cover_photo_id, o.created_at
            FROM outings o WHERE {where}
            ORDER BY o.happened_on DESC, o.id DESC
            LIMIT ? OFFSET ?
        ),
        counted AS (
            SELECT p.outing_id, count(*) AS n,
                   arg_min(p.id, p.position::BIGINT * 4294967296 + p.id) AS first_id
            FROM photos p WHERE p.outing_id IN (SELECT id FROM shown)
            GROUP BY p.outing_id
        )
        SELECT s.id, s.title, s.place, s.happened_on, coalesce(c.n, 0),
               cover.thumb_path, cover.id
        FROM shown s
        LEFT JOIN counted c ON c.outing_id = s.id
        LEFT JOIN photos cover ON cover.id = coalesce(s.cover_photo_id, c.first_id)
        ORDER BY s.happened_on DESC, s.id DESC
        """,
        [*params, page_size, (page_number - 1) * page_size],
    ).fetchall()
    return AlbumPage([OutingCard(*r) for r in rows], total, page_number, pages)


def years(store, persona_id: int) -> list[int]:
    """The years that have outings, newest first."""
    return [
        r[0]
        for r in store.execute(
            "SELECT DISTINCT year(happened_on) AS y FROM outings WHERE persona_id = ? "
            "ORDER BY y DESC",
            [persona_id],
        ).fetchall()
    ]


def places(store, persona_id: int) -> list[str]:
    """Every place named in an outing, alphabetically."""
    return [
        r[0]
        for r in store.execute(
            "SELECT DISTINCT place FROM outings WHERE persona_id = ? AND place IS NOT NULL "
            "ORDER BY place",
            [persona_id],
        ).fetchall()
    ]


def count(store, persona_id: int | None = None) -> int:
    """How many outings there are (with one companion, or all)."""
    if persona_id is None:
        return store.execute("SELECT count(*) FROM outings").fetchone()[0]
    return store.execute(
        "SELECT count(*) FROM outings WHERE persona_id = ?", [persona_id]
    ).fetchone()[0]


def photo_count(store, outing_id: int) -> int:
    """How many photos an outing holds."""
    return store.execute("SELECT count(*) FROM photos WHERE outing_id = ?", [outing_id]).fetchone()[
        0
    ]


# -- the companion's responses (messages with source 'album') --------------------------------
def responses(store, outing_id: int) -> dict[int | None, messages.Message]:
    """The companion's latest album response per photo of an outing (key None: the outing)."""
    return {m.photo_id: m for m in messages.album_responses(store, outing_id)}


def replace_response(
    store,
    outing: Outing,
    *,
    photo_id: int | None,
    content: str,
    provider: str | None = None,
    model: str | None = None,
    persona_version_id: int | None = None,
    meta: dict | None = None,
) -> messages.Message:
    """Store a complete response, replacing the previous one for the same photo or outing."""
    return messages.save_reply(
        store,
        messages.Placement(
            outing.persona_id,
            source="album",
            outing_id=outing.id,
            photo_id=photo_id,
            replace_same_place=True,
        ),
        content,
        provider=provider,
        model=model,
        persona_version_id=persona_version_id,
        meta=meta,
    )
