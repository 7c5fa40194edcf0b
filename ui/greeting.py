"""He speaks first, in the pages: the greeting written when the chat opens, and its settings."""

from __future__ import annotations

import streamlit as st

from companion import greetings
from memory import settings as settings_store
from memory.i18n import _
from ui import state


def label() -> str:
    """What a greeting's caption says beside its time."""
    return "👋 " + _("he wrote first")


def maybe_greet(s, pid: int, provider, pv=None) -> None:
    """Write the greeting waiting now (if any) before the chat shows its history."""
    tz = state.tz(s)
    if greetings.check(s, pid, tz, pv=pv) is None:  # the usual case: answered from memory
        return
    with st.spinner(_("He has something to tell you…")):
        greetings.greet(s, provider, pid, tz, temperature=state.provider_settings(s).temperature)


def settings_section(s) -> None:
    """Settings: whether he may speak first, and after how long a gap."""
    with st.container(border=True):
        st.subheader(_("He speaks first"))
        st.caption(
            _(
                "When you come back after a while, or on a day that matters (your "
                "anniversary, a milestone's day, your first outing's day), one greeting from "
                "him is waiting. Never more than one per gap, and never once your message "
                "budget for the day is spent."
            )
        )
        on = st.toggle(
            _("Let him greet me first"), greetings.enabled(s), key="settings_greetings_on"
        )
        hours = st.number_input(
            _("After a gap of (hours)"),
            min_value=1.0,
            max_value=24.0 * 30,
            value=float(greetings.gap_hours(s)),
            step=1.0,
            key="settings_greetings_gap",
            disabled=not on,
        )
        if st.button(_("Save"), key="settings_greetings_save", icon="💾"):
            settings_store.set(s, greetings.ENABLED_SETTING, bool(on))
            settings_store.set(s, greetings.GAP_SETTING, float(hours))
            greetings.forget(s)
            st.success(_("Saved."), icon="✅")
