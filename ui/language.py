"""The interface language on screen: chosen per session at the top of every run, picked on
first start and on Settings. The words themselves live in locales/ (see memory/i18n.py)."""

from __future__ import annotations

import streamlit as st

from memory import i18n
from memory import settings as settings_store
from memory.i18n import _


def browser_locale() -> str | None:
    """The browser's language tag (navigator.language), or None when it is not known."""
    try:
        return st.context.locale
    except Exception:  # no browser behind this run (AppTest, bare mode)
        return None


def apply(store=None) -> str:
    """Make this session's runs speak the user's language: the stored choice, else the
    browser's, else English. Called first thing in app.py."""
    if store is None:
        return i18n.use_language(browser_locale())
    return i18n.use_language(settings_store.interface_language(store, browser_locale()))


def choose(store, language: str) -> None:
    """Remember `language` as the interface language (in DuckDB) and use it from now on."""
    settings_store.set(store, "language", i18n.normalize(language))
    i18n.use_language(language)


def selector(store, *, key: str, label: str | None = None) -> None:
    """A choice between the languages with a catalog, written each in its own language."""
    codes = list(i18n.LANGUAGES)
    current = i18n.current_language()

    def changed() -> None:
        picked = st.session_state[key]
        if picked is None:  # a segmented control can be clicked off; keep the language
            st.session_state[key] = current
            return
        choose(store, picked)

    st.session_state.setdefault(key, current)
    st.segmented_control(
        label or _("Interface language"),
        codes,
        format_func=i18n.LANGUAGES.get,
        key=key,
        on_change=changed,
        help=_("Menus, buttons, dates and help. Your companion's own language is set on Persona."),
    )


def first_start(store) -> None:
    """Until a language is chosen, the sidebar offers the choice (the browser's is in force)."""
    if settings_store.language_chosen(store):
        return
    # Written in both languages: whoever opens Kizuna can read it before choosing.
    selector(store, key="sidebar_language", label="🌐 言語 · Language")
