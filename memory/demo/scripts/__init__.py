"""The demo year's words, one module per language; the machinery (`memory.demo.year`) is shared.

Every language's module holds the same names: `USER_NAME`, `PERSONA` (the fields of
`personas.create`), `PERSONA_NOTE`, `MILESTONES`, `MEMORIES`, `OUTINGS` (the picture kinds of
`memory.demo.painting`), `short_place`, `OUTING_NOTE`, `SOME_PLACE`, `SENTENCE_GAP`, `FILL`,
`TOPICS` (the topics `memory.demo.year.topics_for` names), `COMPANION_OPENERS`, `SCRIPTS`,
`PHOTO_LINES`, `OUTING_DAY_LINES`, `JOURNAL_LINES` and `JOURNAL_REPLIES`. A third language's
year is one more module here, listed in `LANGUAGES`.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from memory import i18n

#: The interface languages that have a demo year of their own.
LANGUAGES = ("en", "ja")


def for_language(language: str | None) -> ModuleType:
    """The demo script for an interface language ('ja', 'ja-JP'…); English when there is none."""
    code = i18n.normalize(language)
    return importlib.import_module(f"{__name__}.{code if code in LANGUAGES else 'en'}")
