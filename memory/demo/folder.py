"""The demo folder: what marks it, what `fill` reports, and how a half-made year is cleared."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from memory import messages, personas
from memory import settings as settings_store
from memory.store import StoreError

#: Days the demo year spans (a little over a year, so "one year together" has happened).
DAYS = 430
DEFAULT_SEED = 412
DEMO_SETTING = "demo"
DEMO_DONE_SETTING = "demo_generated"

#: Called with (fraction done 0…1, what is happening) while the year is generated.
Progress = Callable[[float, str], None]


class DemoRefused(StoreError):
    """The folder holds data that is not demo data; the demo will not write there."""


@dataclass(frozen=True)
class DemoSummary:
    """What `fill` wrote."""

    persona_id: int
    messages: int
    outings: int
    photos: int
    milestones: int
    journal_entries: int
    first_day: date
    last_day: date
    seconds: float


# -- the folder ------------------------------------------------------------------------------
_CONTENT_TABLES = ("personas", "messages", "outings", "photos", "milestones", "journal_entries")


def is_demo(store) -> bool:
    """Whether this data folder is a demo folder (setting `demo = true`)."""
    return settings_store.get(store, DEMO_SETTING) is True


def is_filled(store) -> bool:
    """Whether a demo year has been generated completely in this folder."""
    return is_demo(store) and settings_store.get(store, DEMO_DONE_SETTING) is not None


def language_of(store) -> str | None:
    """The language the folder's demo year was written in ('en', 'ja'), None when none was."""
    if not is_filled(store):
        return None
    done = settings_store.get(store, DEMO_DONE_SETTING)
    # a year made before the demo had languages was English
    return done.get("language", "en") if isinstance(done, dict) else "en"


def holds_own_data(store) -> bool:
    """Whether the folder holds anything that was not made by the demo."""
    if is_demo(store):
        return False
    return any(
        store.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in _CONTENT_TABLES
    )


def clear(store) -> None:
    """Remove a previous (possibly half-made) demo year from a demo folder."""
    try:
        with store.transaction() as cur:
            messages.delete_all(cur)  # the messages table has one owner
            others = [t for t in _CONTENT_TABLES if t != "messages"]
            for table in (*others, "persona_versions", "memories"):
                cur.execute(f"DELETE FROM {table}")
            cur.execute("DELETE FROM settings WHERE key = ?", [DEMO_DONE_SETTING])
    finally:
        store.changed(personas.CHANGES)  # the companions are gone (what personas.current kept)
        store.changed(settings_store.CHANGES)
