"""The ceremony's record: a milestone "Ceremony" with both vows, and its keepsake card.

The vows are kept in the milestone's note (hers, then his), so the timeline shows them and
backups carry them. The keepsake card (his avatar, his vows, the day) is a PNG in
`keepsakes/` in the data folder, written to a temporary name and renamed into place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PIL import Image

from memory import keepsake, milestones
from memory.errors import InvalidInput
from memory.files import write_file_atomically
from memory.i18n import _

KEEPSAKE_DIR = "keepsakes"
MAX_VOWS = 2_000


@dataclass(frozen=True)
class Ceremony:
    """A finished ceremony: its milestone and where its keepsake card is."""

    milestone: milestones.Milestone
    card_path: Path


def check_vows(her_vows: str, his_vows: str) -> tuple[str, str]:
    """Both vows, trimmed; `InvalidInput` when one is missing or too long."""
    her, his = (her_vows or "").strip(), (his_vows or "").strip()
    if not her or not his:
        raise InvalidInput(_("Both vows are needed before the ceremony: yours and his."))
    if len(her) > MAX_VOWS or len(his) > MAX_VOWS:
        raise InvalidInput(
            _("Keep each vow under {limit} characters.").format(limit=f"{MAX_VOWS:,}")
        )
    return her, his


def note_for(her: str, his: str, her_label: str, his_label: str) -> str:
    """The milestone's note: both vows, each under its heading."""
    return f"{her_label}\n{her}\n\n{his_label}\n{his}"


def card_path(store, milestone_id: int) -> Path:
    """Where a ceremony's keepsake card is kept."""
    return store.path_of(f"{KEEPSAKE_DIR}/ceremony-{int(milestone_id)}.png")


def finish(
    store,
    persona_id: int,
    *,
    her_vows: str,
    his_vows: str,
    day: date,
    persona_name: str,
    avatar: Path,
) -> Ceremony:
    """Record the ceremony: the milestone with both vows, then its keepsake card."""
    her, his = check_vows(her_vows, his_vows)
    note = note_for(her, his, _("Your vows"), _("{name}'s vows").format(name=persona_name))
    milestone = milestones.add(store, persona_id, _("Ceremony"), day, kind="ceremony", note=note)
    with Image.open(avatar) as img:
        img.load()
        png = keepsake.card(
            img, words=his, persona_name=persona_name, happened_on=day, title=_("Ceremony")
        )
    path = card_path(store, milestone.id)
    write_file_atomically(path, png)
    return Ceremony(milestone, path)
