"""Typed domain errors: raised by `memory/` and `companion/`, turned into a sentence at the edge.

Each carries `sentence`, the plain words a page or the CLI shows (already in the interface
language, since it is made through `memory.i18n`). Pages catch `KizunaError` (or a subclass)
and show `exc.sentence`; nothing matches on message text.
"""

from __future__ import annotations


class KizunaError(Exception):
    """Base of every error a user can cause or meet; `sentence` is what she is shown."""

    def __init__(self, sentence: str):
        super().__init__(sentence)
        self.sentence = sentence


class InvalidInput(KizunaError, ValueError):
    """What she typed or uploaded cannot be used as it is."""


class NotFound(KizunaError, LookupError):
    """The thing asked for does not exist (any more)."""


class FolderNotEmpty(KizunaError):
    """A restore or export target already holds data."""


class SearchUnavailable(KizunaError):
    """The search index cannot answer right now."""


class NotEnoughSpace(KizunaError, OSError):
    """The disk is too full for the operation; nothing was written."""


class PersonaRefused(InvalidInput):
    """Persona text asks the companion to encourage harm; it was not saved."""
