"""The relationship timeline: milestones, outings and journal entries in one chronological view.

Items are gathered from their own tables each time (nothing is copied), then grouped by month,
newest first. Outings carry a cover image: the cover photo's (or else the first photo's)
thumbnail when one has been made, else the photo file itself, which the page shows small.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from memory import milestones as milestones_store
from memory import places

MOODS = {1: "😞", 2: "😕", 3: "😐", 4: "🙂", 5: "😄"}

#: Kinds of item, in the order the overview strip lists them.
KINDS = ("milestone", "outing", "journal")


@dataclass(frozen=True)
class Item:
    """One entry of the timeline."""

    kind: str  # "milestone", "outing" or "journal"
    day: date
    title: str
    icon: str
    detail: str | None = None
    image: Path | None = None
    milestone: milestones_store.Milestone | None = None
    outing_id: int | None = None
    journal_entry_id: int | None = None
    photo_count: int = 0


def _existing(store, *relative_paths: str | None) -> Path | None:
    for rel in relative_paths:
        if rel:
            path = store.path_of(rel)
            if path.is_file():
                return path
    return None


def outings(store, persona_id: int) -> list[Item]:
    """The companion's outings as timeline items, each with its cover image if any."""
    rows = store.execute(
        """
        WITH firsts AS (
            SELECT outing_id,
                   first(thumb_path ORDER BY position, id) AS thumb,
                   first(path ORDER BY position, id) AS path,
                   count(*) AS photos
            FROM photos WHERE outing_id IS NOT NULL GROUP BY outing_id
        )
        SELECT o.id, o.title, o.place, o.happened_on, c.thumb_path, c.path, f.thumb, f.path,
               coalesce(f.photos, 0)
        FROM outings o
        LEFT JOIN photos c ON c.id = o.cover_photo_id
        LEFT JOIN firsts f ON f.outing_id = o.id
        WHERE o.persona_id = ?
        """,
        [persona_id],
    ).fetchall()
    items = []
    # An outing without a typed place but with GPS photos: the town they were taken in.
    gps = places.first_points(store, [r[0] for r in rows if not r[2]])
    for oid, title, place, day, cover_thumb, cover, first_thumb, first, count in rows:
        if not place and oid in gps:
            place = places.name_for(gps[oid].lat, gps[oid].lon)
        image = _existing(store, cover_thumb, cover) or _existing(store, first_thumb, first)
        items.append(
            Item(
                "outing",
                day,
                title,
                "🚶",
                detail=place or None,
                image=image,
                outing_id=oid,
                photo_count=count,
            )
        )
    return items


def outing_choices(store, persona_id: int, limit: int = 500) -> dict[int, str]:
    """{outing id: "2024-05-03 · Korakuen Garden"} for the latest outings, newest first."""
    rows = store.execute(
        "SELECT id, happened_on, title FROM outings WHERE persona_id = ? "
        "ORDER BY happened_on DESC, id DESC LIMIT ?",
        [persona_id, limit],
    ).fetchall()
    return {oid: f"{day:%Y-%m-%d} · {title}" for oid, day, title in rows}


def journal(store, persona_id: int, excerpt_chars: int = 160) -> list[Item]:
    """The companion's journal entries as timeline items (title = first line of the body)."""
    rows = store.execute(
        """
        SELECT j.id, j.written_on, j.mood, left(j.body, ?), p.thumb_path, p.path
        FROM journal_entries j LEFT JOIN photos p ON p.id = j.photo_id
        WHERE j.persona_id = ?
        """,
        [excerpt_chars + 1, persona_id],
    ).fetchall()
    items = []
    for jid, day, mood, body, thumb, path in rows:
        text = (body or "").strip()
        first_line, _, rest = text.partition("\n")
        if len(first_line) > 80:
            first_line = first_line[:79].rstrip() + "…"
        rest = rest.strip()
        if len(body or "") > excerpt_chars and rest:
            rest = rest[: excerpt_chars - len(first_line)].rstrip() + "…"
        items.append(
            Item(
                "journal",
                day,
                first_line or "Journal entry",
                MOODS.get(mood, "📔"),
                detail=rest or None,
                image=_existing(store, thumb, path),
                journal_entry_id=jid,
            )
        )
    return items


def items(store, persona_id: int, tz: ZoneInfo, today: date) -> list[Item]:
    """Every timeline item with a companion, newest first."""
    found = [
        Item("milestone", m.happened_on, m.title, m.icon, detail=m.note, milestone=m)
        for m in milestones_store.everything(store, persona_id, tz, today)
    ]
    found += outings(store, persona_id)
    found += journal(store, persona_id)
    order = {kind: i for i, kind in enumerate(KINDS)}
    # Newest first; on one day a milestone comes before the outing and the journal entry.
    found.sort(key=lambda i: (-i.day.toordinal(), order[i.kind], i.title))
    return found


def by_month(entries: list[Item]) -> list[tuple[date, list[Item]]]:
    """`entries` (already newest first) grouped by month: [(first day of month, items)]."""
    groups: list[tuple[date, list[Item]]] = []
    for item in entries:
        month = item.day.replace(day=1)
        if not groups or groups[-1][0] != month:
            groups.append((month, []))
        groups[-1][1].append(item)
    return groups


def overview(entries: list[Item]) -> pd.DataFrame:
    """One row per item for the overview strip: day, kind, title, icon."""
    return pd.DataFrame(
        {
            "day": pd.to_datetime([i.day for i in entries]),
            "kind": [i.kind for i in entries],
            "title": [i.title for i in entries],
            "icon": [i.icon for i in entries],
        },
        columns=["day", "kind", "title", "icon"],
    )
