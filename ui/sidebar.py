"""The sidebar every page shares: who the companion is and how today is going.

The chat reruns on its own after a send (an `st.fragment`), not the sidebar; the line of
today's messages is a slot the chat page takes in its run (`today_slot`) and redraws
(`show_today`), so the count is never behind.
"""

from __future__ import annotations

import threading

import streamlit as st

from memory import messages, milestones, personas
from memory.i18n import _, format_number, ngettext
from ui import language, state
from ui.text import escape_markdown


def render(s) -> None:
    pid = state.persona_id(s)
    pv = personas.current(s, pid)
    with st.sidebar:
        language.first_start(s)
        left, right = st.columns([1, 2], vertical_alignment="center")
        left.image(state.avatar_for(s, pv), width=72)
        right.markdown(f"**{escape_markdown(pv.name)}**")
        day = milestones.day_number(s, pid, state.tz(s), state.today(s))
        if day is not None and day > 0:
            right.caption(_("Day {day} together").format(day=format_number(day)))
        _this_run.today = st.empty()
        show_today(_this_run.today, s, pid)
        everyone = personas.list_personas(s)
        if len(everyone) > 1:
            names = {p.id: p.name + (" " + _("(demo)") if p.is_demo else "") for p in everyone}

            def switch() -> None:
                state.choose_persona(s, st.session_state["sidebar_persona"])

            # The widget shows the companion in force, even when another page switched it.
            if st.session_state.get("sidebar_persona") != pid:
                st.session_state["sidebar_persona"] = pid
            st.selectbox(
                _("Companion"),
                list(names),
                format_func=names.get,
                key="sidebar_persona",
                on_change=switch,
            )
        cfg = state.provider_settings(s)
        if cfg.provider == "offline":
            st.caption("🌙 " + _("Offline voice — no model connected"))
        else:
            st.caption(f"🧠 {escape_markdown(cfg.model)}")


# The slot of this script run (the page runs right after the sidebar, in the same thread).
_this_run = threading.local()


def today_slot():
    """The "messages today" line drawn by this run's sidebar (None without the router)."""
    return getattr(_this_run, "today", None)


def show_today(slot, s, pid: int) -> None:
    """Draw (or redraw) the count of today's messages into `slot`."""
    if slot is None:
        return
    today = messages.count_today(s, pid, state.tz(s))
    said = ngettext("{n} message today", "{n} messages today", today)
    slot.caption("💬 " + said.format(n=format_number(today)), help=_(messages.COUNTED))
