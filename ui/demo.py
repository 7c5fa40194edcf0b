"""Try Kizuna with sample memories: a separate demo folder, chosen per browser session.

The demo year lives in a sibling folder of the real one (`<data dir>-demo`), never in the
real folder. Choosing it only changes which folder *this browser session* opens
(`ui.state.store()` asks `session_data_dir()`); leaving returns to the real folder, which was
never opened for writing by the demo.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from memory import StoreError, default_data_dir, i18n, messages
from memory import demo as demo_year
from memory import settings as settings_store
from memory.i18n import _
from ui import folder

SESSION_KEY = folder.SESSION_KEY
#: Session values that survive switching folders (an API key typed on Settings).
_KEPT_ON_SWITCH = ("provider_session",)


def demo_dir() -> Path:
    """The demo folder beside the real data folder: `<data dir>-demo`."""
    real = default_data_dir().resolve()
    return real.with_name(real.name + "-demo")


session_data_dir = folder.session_data_dir


def _switch(data_dir: str | None) -> None:
    # Everything in the session describes the folder being left (chosen companion, chat
    # paging, pending errors…), so it is dropped; only provider settings are kept.
    for key in list(st.session_state):
        if key not in _KEPT_ON_SWITCH:
            del st.session_state[key]
    if data_dir is not None:
        st.session_state[SESSION_KEY] = data_dir


def offer(s) -> None:
    """The "Try it with sample memories" button, for an app that holds no messages yet."""
    if session_data_dir() is not None or demo_year.is_demo(s) or messages.count(s) > 0:
        return
    st.caption(
        _(
            "Curious what a year together looks like? Open a sample year — a companion, thousands "
            "of messages, outings with photos, milestones and a journal — in a separate demo "
            "folder. Your own data stays as it is."
        )
    )
    if st.button(_("Try it with sample memories"), key="chat_try_demo", icon="✨"):
        _start()


def _start() -> None:
    path = demo_dir()
    bar = st.progress(0.0, text=_("Preparing the demo folder…"))
    language = i18n.current_language()
    try:
        s = folder.open_folder(str(path))
        if demo_year.language_of(s) != demo_year.scripts_language(language):
            _fill(s, bar, language)  # a year in the language on screen (Japanese: 湊 and 美咲)
        # The demo folder speaks the language the user was reading, even one chosen on Settings.
        settings_store.set(s, "language", language)
    except StoreError as exc:  # a folder with real data in it, or one in use elsewhere
        bar.empty()
        st.error(exc.sentence, icon="⚠️")
        return
    _switch(str(path))
    st.rerun()


def _fill(s, bar, language: str) -> None:
    def show(fraction: float, text: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=text)

    demo_year.fill(s, progress=show, language=language)


def _remake(s, language: str) -> None:
    """Write this demo folder's year again, in the interface language (a button's callback,
    so it runs before the page of the next run reads the store). The language is given: a
    callback runs before the run has set the session's language."""
    i18n.use_language(language)  # the progress words too
    bar = st.progress(0.0, text=_("Preparing the demo folder…"))
    try:
        _fill(s, bar, language)
    except StoreError as exc:
        bar.empty()
        st.error(exc.sentence, icon="⚠️")
        return
    _switch(session_data_dir())  # the session spoke of the old year's companion


def banner(s) -> None:
    """On every page of a demo folder: say so, and offer the way back."""
    in_session = session_data_dir() is not None
    if not in_session and not demo_year.is_demo(s):
        return
    text, button = st.columns([7, 2], vertical_alignment="center")
    text.warning(
        _(
            "**Demo data** — your own data is untouched. You are looking at sample memories "
            "kept in a separate folder."
        ),
        icon="🧪",
    )
    if in_session:
        # A callback, so the switch happens before any page of the next run reads the store.
        button.button(
            _("Leave demo"), key="demo_leave", on_click=_switch, args=(None,), width="stretch"
        )
    written_in = demo_year.language_of(s)
    wanted = demo_year.scripts_language(i18n.current_language())
    if written_in is not None and written_in != wanted:
        # The interface changed language (Settings, or a folder made by the CLI elsewhere):
        # the sample year can follow it.
        st.button(
            _("Write the sample year in {language}").format(language=i18n.LANGUAGES[wanted]),
            key="demo_relanguage",
            icon="🌐",
            on_click=_remake,
            args=(s, wanted),
        )
