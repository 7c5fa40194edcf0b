"""Interface language: one gettext catalog per language, chosen per session.

Every string Kizuna shows (pages, CLI output, errors, chart labels, exports) is written in
English in the code and wrapped in `_()` (or `ngettext()` for counts); the catalogs in
`locales/<lang>/LC_MESSAGES/kizuna.po` translate them, compiled to `.mo` with Babel
(`pybabel compile -d locales -D kizuna`). A string missing from a catalog falls back to
English for that string only. Adding a language needs only a new catalog.

The language is held in a context variable, so each Streamlit session (its own thread) and
each CLI run has its own; `use_language()` sets it for the current context.
"""

from __future__ import annotations

import gettext as _gettext
from contextvars import ContextVar
from functools import cache
from pathlib import Path

LOCALES = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "kizuna"
DEFAULT_LANGUAGE = "en"
# The languages with a catalog (English is the source language and needs none).
LANGUAGES = {"en": "English", "ja": "日本語"}

_language: ContextVar[str] = ContextVar("kizuna_language", default=DEFAULT_LANGUAGE)


def normalize(tag: str | None) -> str:
    """The supported language for a locale tag such as 'ja-JP' or 'en_US'; English if unknown."""
    if not tag:
        return DEFAULT_LANGUAGE
    primary = str(tag).replace("_", "-").split("-")[0].strip().lower()
    return primary if primary in LANGUAGES else DEFAULT_LANGUAGE


@cache
def _translations(language: str) -> _gettext.NullTranslations:
    if language == DEFAULT_LANGUAGE:
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, localedir=LOCALES, languages=[language], fallback=True)


def use_language(language: str | None) -> str:
    """Make `language` the interface language of the current context; returns what was set."""
    lang = normalize(language)
    _language.set(lang)
    return lang


def current_language() -> str:
    """The interface language of the current context ('en', 'ja')."""
    return _language.get()


def _(message: str) -> str:
    """`message` in the current interface language (English where the catalog lacks it)."""
    return _translations(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n`, in the current interface language."""
    return _translations(_language.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a string for extraction without translating it now (module-level constants)."""
    return message
