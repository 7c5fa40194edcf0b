"""Bringing a companion's history in from elsewhere (see `chatgpt`, and `memory.cards`).

An import lands whole or not at all: input is checked before anything is written, and the
messages are written in one transaction (photos read along the way are removed again if that
transaction does not commit).
"""

from memory.errors import InvalidInput


class ImportProblem(InvalidInput):
    """Input that cannot be imported; `sentence` (also `str(exc)`) says why, plainly."""


__all__ = ["ImportProblem"]
