"""Memories: what the companion keeps about you and your moments together."""

from __future__ import annotations

import streamlit as st

from memory import memories, personas
from memory.errors import KizunaError
from memory.i18n import _, format_date
from ui import confirm, his_voice, state
from ui.text import escape_markdown

PAGE = 30

s = state.store()
pid = state.persona_id(s)
pv = personas.current(s, pid)
name = escape_markdown(pv.name)

st.title(_("Memories"))
st.caption(
    _(
        "What {name} keeps about you and your time together. Pinned memories are in "
        "every reply; the others come back when they fit what you are talking about."
    ).format(name=name)
)

with st.form("memories_add", clear_on_submit=True, border=True):
    body = st.text_area(
        _("Something to remember"),
        key="memories_new_body",
        placeholder=_("I'm allergic to shrimp · 初めてのデートは上野公園"),
        height=80,
    )
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    kind = left.radio(
        _("Kind"),
        list(memories.KINDS),
        format_func={"fact": _("A fact about me"), "moment": _("A moment we shared")}.get,
        horizontal=True,
        key="memories_new_kind",
    )
    pin = right.checkbox(_("Pin it (always in mind)"), key="memories_new_pin")
    if st.form_submit_button(_("Remember"), type="primary", icon="💭"):
        try:
            memories.add(s, pid, body, kind=kind, pinned=pin)
            st.toast(_("Remembered."), icon="💭")
        except KizunaError as exc:
            st.error(exc.sentence, icon="⚠️")

# Suggestions from the conversation (recent messages only): the model's, when one is set.
his_voice.memory_suggestions(s, pid)
proposed = memories.list_memories(s, pid, status="proposed", limit=20)
if proposed:
    st.subheader(_("Suggested from your conversation"))
    st.caption(
        _("Things you told {name}. Keep the ones that should be remembered.").format(name=name)
    )
    for mem in proposed:
        with st.container(border=True):
            st.markdown(escape_markdown(mem.body))
            keep, drop, _spare = st.columns([1, 1, 3])
            if keep.button(_("Keep"), key=f"memories_keep_{mem.id}", icon="✅"):
                memories.confirm(s, mem.id)
                st.rerun()
            if drop.button(_("Not this"), key=f"memories_dismiss_{mem.id}"):
                memories.dismiss(s, mem.id)
                st.rerun()

total = memories.count(s, pid)
st.subheader(_("Kept ({total:,})").format(total=total) if total else _("Kept"))
if not total:
    st.info(
        _(
            "No memories yet. Type one above, or choose “Remember this” in the ⋯ menu of any "
            "message in the chat."
        ),
        icon="💭",
    )

limit = st.session_state.get("memories_limit", PAGE)
editing = st.session_state.get("memories_editing")
forgetting = st.session_state.get("memories_forgetting")

for mem in memories.list_memories(s, pid, limit=limit):
    with st.container(border=True):
        if editing == mem.id:
            new_body = st.text_area(
                _("Memory"), value=mem.body, key=f"memories_edit_body_{mem.id}", height=80
            )
            new_kind = st.radio(
                _("Kind"),
                list(memories.KINDS),
                index=list(memories.KINDS).index(mem.kind),
                format_func={"fact": _("A fact about me"), "moment": _("A moment we shared")}.get,
                horizontal=True,
                key=f"memories_edit_kind_{mem.id}",
            )
            save, cancel, _spare = st.columns([1, 1, 3])
            if save.button(_("Save"), key=f"memories_save_{mem.id}", type="primary"):
                try:
                    memories.edit(s, mem.id, new_body, kind=new_kind)
                    st.session_state.pop("memories_editing", None)
                    st.rerun()
                except KizunaError as exc:
                    st.error(exc.sentence, icon="⚠️")
            if cancel.button(_("Cancel"), key=f"memories_cancel_{mem.id}"):
                st.session_state.pop("memories_editing", None)
                st.rerun()
            continue
        icon = "📌 " if mem.pinned else ""
        st.markdown(icon + escape_markdown(mem.body))
        kind_label = _("A moment we shared") if mem.kind == "moment" else _("A fact about you")
        origin = {
            "message": _("from the chat"),
            "proposed": _("suggested"),
            "typed": _("typed"),
        }.get(mem.origin, mem.origin)
        day = format_date(mem.happened_on or mem.created_at.date(), "short")
        st.caption(f"{kind_label} · {origin} · {day}")
        if forgetting == mem.id:
            confirm.ask(
                _("Forget this for good? It cannot be brought back."),
                prefix="memories_forget",
                item_id=mem.id,
                state_key="memories_forgetting",
                on_yes=lambda mem_id=mem.id: memories.forget(s, mem_id),
                done=_("Forgotten."),
                yes_label=_("Yes, forget"),
                no_label=_("Keep it"),
            )
            continue
        pin_col, edit_col, forget_col, _spare = st.columns([1, 1, 1, 2])
        if pin_col.button(
            _("Unpin") if mem.pinned else _("Pin"),
            key=f"memories_pin_{mem.id}",
            icon="📌",
            width="stretch",
        ):
            memories.set_pinned(s, mem.id, not mem.pinned)
            st.rerun()
        if edit_col.button(_("Edit"), key=f"memories_edit_{mem.id}", icon="✏️", width="stretch"):
            st.session_state["memories_editing"] = mem.id
            st.rerun()
        if forget_col.button(
            _("Forget"), key=f"memories_forget_{mem.id}", icon="🗑️", width="stretch"
        ):
            st.session_state["memories_forgetting"] = mem.id
            st.rerun()

if total > limit and st.button(
    _("Show more ({value:,} more)").format(value=total - limit), key="memories_more", icon="⬇️"
):
    st.session_state["memories_limit"] = limit + PAGE
    st.rerun()
