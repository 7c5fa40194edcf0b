"""Choosing the companion a command works on (shared by the import/export commands)."""

from __future__ import annotations

from memory import personas
from memory.i18n import _


class NoSuchCompanion(LookupError):
    """The name given matches no companion."""


def choose(store, name: str | None) -> personas.Persona:
    """The companion called `name`, else the one chosen in the app, else the first one."""
    if name:
        found = personas.by_name(store, name)
        if found is None:
            known = _(", ").join(p.name for p in personas.list_personas(store)) or _("none yet")
            raise NoSuchCompanion(
                _("There is no companion called “{name}” (companions: {known}).").format(
                    name=name, known=known
                )
            )
        return found
    return personas.chosen(store)
