"""Milestone forms: "Make this a milestone" for one chat message, and the add/edit form the
timeline uses. Both write through `memory.milestones`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

import streamlit as st

from memory import milestones
from memory.errors import KizunaError
from memory.i18n import _

KIND_OPTIONS = list(milestones.USER_KINDS)


def kind_label(kind: str) -> str:
    label, icon = milestones.USER_KINDS[kind]
    label = _(label)
    return f"{icon} {label}"


@dataclass(frozen=True)
class FormValues:
    title: str
    kind: str
    happened_on: date
    note: str
    outing_id: int | None = None


def form(
    key: str,
    *,
    title: str = "",
    kind: str = "other",
    happened_on: date,
    note: str = "",
    submit_label: str | None = None,
    cancel: bool = False,
    outing_choices: dict[int, str] | None = None,
    outing_id: int | None = None,
) -> FormValues | str | None:
    """A milestone form; returns the values when submitted, "cancel" when cancelled, else None.

    `key` is the widget-key prefix (it carries the page's prefix, e.g. "timeline_add").
    With `outing_choices` ({id: label}) the form offers to link the milestone to an outing.
    """
    with st.form(key=f"{key}_form", clear_on_submit=False, border=False):
        new_title = st.text_input(
            _("Title"), value=title, key=f"{key}_title", placeholder=_("The day he proposed")
        )
        left, right = st.columns(2)
        new_kind = left.selectbox(
            _("Kind"),
            KIND_OPTIONS,
            index=KIND_OPTIONS.index(kind) if kind in KIND_OPTIONS else len(KIND_OPTIONS) - 1,
            format_func=kind_label,
            key=f"{key}_kind",
        )
        new_day = right.date_input(
            _("Date"),
            value=happened_on,
            min_value=date(1900, 1, 1),
            max_value=date(2200, 12, 31),
            key=f"{key}_date",
            format="YYYY-MM-DD",
        )
        new_note = st.text_area(_("Note (optional)"), value=note, key=f"{key}_note", height=80)
        new_outing = outing_id
        if outing_choices:
            options = [None, *outing_choices]
            new_outing = st.selectbox(
                _("Link to an outing (optional)"),
                options,
                index=options.index(outing_id) if outing_id in options else 0,
                format_func=lambda i: "—" if i is None else outing_choices[i],
                key=f"{key}_outing",
            )
        buttons = st.columns(2 if cancel else 1)
        saved = buttons[0].form_submit_button(
            submit_label or _("Save milestone"), type="primary", icon="⭐", key=f"{key}_save"
        )
        cancelled = cancel and buttons[1].form_submit_button(_("Cancel"), key=f"{key}_cancel")
    if cancelled:
        return "cancel"
    if saved:
        return FormValues(new_title, new_kind, new_day, new_note, new_outing)
    return None


def excerpt(text: str, limit: int = 60) -> str:
    return milestones.suggested_title(text, limit)


def render(store, message, tz: ZoneInfo) -> None:
    """The "Make this a milestone" control for one chat message (inside its "⋯" popover).

    One button per message; the form appears only for the message the user picked, so a
    long chat history stays light.
    """
    state_key = "chat_milestone_for"
    if st.session_state.get(state_key) != message.id:
        if st.button(_("Make this a milestone"), key=f"chat_milestone_{message.id}", icon="⭐"):
            st.session_state[state_key] = message.id
            st.rerun()
        return
    for existing in milestones.for_message(store, message.id):
        st.caption(
            _("Already a milestone: {icon} {title}").format(
                icon=existing.icon, title=_plain(existing.title)
            )
        )
    picked = form(
        f"chat_milestone_{message.id}",
        title=excerpt(message.content),
        happened_on=message.created_at.astimezone(tz).date(),
        cancel=True,
    )
    if picked == "cancel":
        st.session_state.pop(state_key, None)
        st.rerun()
    elif picked is not None:
        try:
            saved = milestones.add(
                store,
                message.persona_id,
                picked.title,
                picked.happened_on,
                kind=picked.kind,
                note=picked.note,
                message_id=message.id,
            )
        except KizunaError as exc:
            st.error(exc.sentence, icon="⚠️")
            return
        st.session_state.pop(state_key, None)
        st.toast(_("Added to your timeline: {title}").format(title=_plain(saved.title)), icon="⭐")
        st.rerun()


def _plain(text: str) -> str:
    from ui.text import escape_markdown

    return escape_markdown(text)
