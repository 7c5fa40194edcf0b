"""Bringing a companion's history in from elsewhere (see `chatgpt`).

An import lands whole or not at all: input is read and checked completely before anything is
written, and the writing happens in one transaction.
"""


class ImportProblem(ValueError):
    """Input that cannot be imported, phrased for the person using the app."""


__all__ = ["ImportProblem"]
