"""The one confirm-before-delete of every page.

A destructive action first asks; the question stays until Yes or Cancel. Pages keep which
item is being asked about in their own session key (`state_key`) and call `ask` while it is
set; widget keys are `<prefix>_yes_<id>` and `<prefix>_no_<id>`.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from memory.i18n import _


def ask(
    question: str,
    *,
    prefix: str,
    item_id: int,
    state_key: str,
    on_yes: Callable[[], None],
    done: str | None = None,
    yes_label: str | None = None,
    no_label: str | None = None,
    inline: bool = False,
) -> None:
    """Ask `question`; Yes runs `on_yes`, then both forget the question and rerun.

    `done` is toasted after Yes. `inline` shows the question in a bordered card (inside a
    conversation) instead of a warning box. `question` is Markdown the caller has escaped.
    """
    if inline:
        box = st.container(border=True)
        box.markdown(question)
    else:
        st.warning(question, icon="🗑️")
        box = st.container()
    row = box.container(horizontal=True)
    if row.button(yes_label or _("Yes, delete"), key=f"{prefix}_yes_{item_id}", type="primary"):
        st.session_state.pop(state_key, None)
        on_yes()
        if done:
            st.toast(done, icon="🗑️")
        st.rerun()
    if row.button(no_label or _("Cancel"), key=f"{prefix}_no_{item_id}"):
        st.session_state.pop(state_key, None)
        st.rerun()
