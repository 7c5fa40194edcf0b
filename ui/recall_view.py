"""Recall and memories inside the chat page, and the jump from search to a day in the chat.

The chat page calls three functions, one line each: `remember_button` (inside a message's
"⋯" popover), `remembered` (under a companion reply) and `show_jump_day` (before the
history, showing one past day when the search page asked for it).
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from memory import memories, search
from memory.errors import KizunaError
from memory.i18n import _, format_date
from memory.recall import Recalled
from ui.text import escape_markdown

JUMP_DAY = "chat_jump_day"
JUMP_MESSAGE = "chat_jump_message"

KIND_ICONS = {
    "memory": "💭",
    "outing": "📷",
    "journal": "📔",
    "message": "💬",
    "milestone": "🗓️",
}


def remember_button(s, m, kept: set[int] | None = None) -> None:
    """ "Remember this" for one message (call inside the message's "⋯" popover).

    `kept` is the set of message ids already kept (`memories.kept_message_ids` for the whole
    screenful), so a page of forty messages asks the database once, not forty times.
    """
    if not (m.content or "").strip():
        return
    already = m.id in kept if kept is not None else memories.is_remembered(s, m.id)
    if already:
        st.caption(_("💭 Kept in memories"))
        return
    if st.button(_("Remember this"), key=f"chat_remember_{m.id}", icon="💭"):
        try:
            memories.remember_message(s, m)
        except KizunaError as exc:
            st.warning(exc.sentence)
            return
        st.toast(_("Kept in memories. See them on the Memories page."), icon="💭")
        st.rerun()


def recalled_items(m) -> list[Recalled]:
    """What was recalled for a stored reply (from its `meta`)."""
    meta = getattr(m, "meta", None) or {}
    items = meta.get("recalled") if isinstance(meta, dict) else None
    found = []
    for item in items or []:
        if isinstance(item, dict):
            try:
                found.append(Recalled.from_dict(item))
            except (TypeError, ValueError):
                continue
    return found


def remembered(m) -> None:
    """A "What I remembered" expander under a companion reply, read from its `meta`."""
    if getattr(m, "role", None) != "companion":
        return
    items = recalled_items(m)
    if not items:
        return
    lines = []
    for item in items:
        icon = KIND_ICONS.get(item.kind, "•")
        when = f" · {format_date(item.when, 'short')}" if item.when else ""
        line = f"{icon} {escape_markdown(item.title)}{escape_markdown(when)}"
        if item.text and item.text != item.title:
            detail = " ".join(item.text[:300].split())  # one line under its title
            line += f"  \n:small[:gray[{escape_markdown(detail)}]]"
        lines.append(line)
    # One element for all of them: a screenful holds many replies, each with its recall.
    with st.expander(_("What I remembered ({items})").format(items=len(items)), icon="💭"):
        st.markdown("\n\n".join(lines))


def forget_jump() -> None:
    """Leave the day view: the next visit to the chat shows the latest conversation."""
    st.session_state.pop(JUMP_DAY, None)
    st.session_state.pop(JUMP_MESSAGE, None)


def jump_to_day(day: date, message_id: int | None = None) -> None:
    """Open the chat page on `day` (from search results)."""
    st.session_state[JUMP_DAY] = day.isoformat()
    st.session_state[JUMP_MESSAGE] = message_id
    st.switch_page("pages/chat.py")


def show_jump_day(s, persona_id: int, tz, show_message) -> bool:
    """When search asked for a day, show that day's messages instead of the latest ones.

    `show_message` is the chat page's own renderer, so messages look and act the same.
    Returns whether it showed a day: the chat then draws nothing of the latest conversation
    (it comes back with one click).
    """
    wanted = st.session_state.get(JUMP_DAY)
    if not wanted:
        return False
    try:
        day = date.fromisoformat(wanted)
    except ValueError:
        st.session_state.pop(JUMP_DAY, None)
        return False
    found = search.messages_on_day(s, persona_id, day, tz)
    target = st.session_state.get(JUMP_MESSAGE)
    top = st.columns([3, 2], vertical_alignment="center")
    top[0].markdown(f"#### {format_date(day, 'full')}")
    if top[1].button(_("Back to the conversation"), key="chat_jump_back", icon="↩️"):
        forget_jump()
        st.rerun()
    if not found:
        st.info(_("No messages on this day."), icon="🗓️")
    elif len(found) >= search.DAY_LIMIT:
        st.caption(
            _("The first {DAY_LIMIT:,} messages of this day.").format(DAY_LIMIT=search.DAY_LIMIT)
        )
    for m in found:
        if m.id == target:
            st.caption(_("🔎 Found by your search"), text_alignment="center")
        show_message(m)
    return True
