"""The sidebar every page shares: who the companion is and how today is going."""

from __future__ import annotations

import streamlit as st

from memory import messages, personas
from ui import state


def render(s) -> None:
    pid = state.persona_id(s)
    pv = personas.current(s, pid)
    with st.sidebar:
        left, right = st.columns([1, 2], vertical_alignment="center")
        left.image(state.avatar_for(s, pv), width=64)
        right.markdown(f"**{_plain(pv.name)}**")
        day = personas.days_together(pv, state.today(s))
        if day is not None and day > 0:
            right.caption(f"Day {day:,} together")
        st.caption(f"{messages.count_today(s, pid, state.tz(s)):,} messages today")
        everyone = personas.list_personas(s)
        if len(everyone) > 1:
            ids = [p.id for p in everyone]
            names = {p.id: p.name + (" (demo)" if p.is_demo else "") for p in everyone}
            picked = st.selectbox(
                "Companion",
                ids,
                index=ids.index(pid),
                format_func=names.get,
                key="sidebar_persona",
            )
            if picked != pid:
                state.choose_persona(s, picked)
                st.rerun()
        cfg = state.provider_settings(s)
        if cfg.provider == "offline":
            st.caption("🌙 Offline voice — no model connected")
        else:
            st.caption(f"Model: {cfg.model}")


def _plain(text: str) -> str:
    from ui.text import escape_markdown

    return escape_markdown(text)
