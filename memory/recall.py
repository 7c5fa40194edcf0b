"""What the companion remembers when it answers.

`for_prompt` returns the few shared memories worth bringing into one reply. This first
version offers the most recent outings; relevance ranking over memories, outings, journal
and messages grows here (the prompt builder and the offline voice only see `Recalled`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Recalled:
    """One remembered thing, as offered to the companion and shown under a reply."""

    kind: str  # "outing", "memory", "journal", "message", "milestone"
    id: int
    title: str
    text: str = ""
    when: date | None = None

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "id": self.id,
            "title": self.title,
            "text": self.text,
            "when": self.when.isoformat() if self.when else None,
        }


def for_prompt(store, persona_id: int, text: str, *, limit: int = 3) -> list[Recalled]:
    """The shared memories to offer the companion for a reply to `text`."""
    rows = store.execute(
        "SELECT id, title, place, happened_on, notes FROM outings WHERE persona_id = ? "
        "ORDER BY happened_on DESC, id DESC LIMIT ?",
        [persona_id, limit],
    ).fetchall()
    found = []
    for outing_id, title, place, happened_on, notes in rows:
        label = f"{title} ({place})" if place else title
        found.append(Recalled("outing", outing_id, label, notes or "", happened_on))
    return found
