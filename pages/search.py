"""Search: one box over messages, journal entries, outings and memories, in any language."""

from __future__ import annotations

import streamlit as st

from memory import personas, search
from memory.i18n import _, format_date, format_number, ngettext
from ui import recall_view, state
from ui.text import escape_markdown

s = state.store()
pid = state.persona_id(s)
recall_view.forget_jump()  # coming back to the chat shows the latest messages
companion_name = personas.current(s, pid).name

st.title(_("Search"))
query = st.text_input(
    _("Search everything"),
    key="search_query",
    placeholder=_("garden · ラーメン · birthday"),
    label_visibility="collapsed",
)

SECTIONS = {
    "memory": ("💭", _("Memories")),
    "outing": ("📷", _("Outings")),
    "journal": ("📔", _("Journal")),
    "message": ("💬", _("Messages")),
}


def _snippet(hit: search.Hit) -> str:
    before, match, after = hit.snippet
    marked = f"**{escape_markdown(match)}**" if match else ""
    return escape_markdown(before) + marked + escape_markdown(after)


if not query.strip():
    st.caption(
        _(
            "Type a word or a few — English or Japanese — to find it in your chats, journal, "
            "outings and memories."
        )
    )
    st.stop()

with st.spinner(_("Searching…")):
    results = search.search(s, pid, query)

if not results.total:
    st.info(
        _("Nothing found for “{value}”.").format(value=escape_markdown(query.strip())), icon="🔎"
    )
    st.stop()

tz = state.tz(s)  # one settings read per run, not one per result
found = ngettext("{n} result", "{n} results", results.total).format(n=format_number(results.total))
st.caption(_("{found}, best first in each kind").format(found=found))
for kind, (icon, label) in SECTIONS.items():
    hits = results.by_kind.get(kind, [])
    if not hits:
        continue
    st.subheader(f"{icon} {label} ({len(hits)})")
    for hit in hits:
        with st.container(border=True):
            text_col, button_col = st.columns([5, 2], vertical_alignment="center")
            day = format_date(hit.when, "day") if hit.when else ""
            title = hit.title
            if kind == "message":
                title = _("You") if hit.role == "user" else companion_name
            head = " · ".join(x for x in (escape_markdown(title), day) if x)
            text_col.caption(head or day)
            text_col.markdown(_snippet(hit))
            in_chat = search.chat_day(s, pid, hit, tz)
            if in_chat and button_col.button(
                _("That day in chat"), key=f"search_jump_{kind}_{hit.id}", icon="💬"
            ):
                recall_view.jump_to_day(in_chat, hit.id if kind == "message" else None)
