"""Timeline: milestones, outings and journal entries, month by month, newest first."""

from __future__ import annotations

import streamlit as st

from memory import messages, milestones, personas, timeline
from ui import charts, milestone_action, state
from ui.text import escape_markdown

MONTHS_PER_PAGE = 12

s = state.store()
pid = state.persona_id(s)
tz = state.tz(s)
today = state.today(s)
pv = personas.current(s, pid)
name = escape_markdown(pv.name)

st.title("Timeline")
outing_labels = timeline.outing_choices(s, pid)

since = milestones.together_since(s, pid, tz)
if since is not None and since <= today:
    day_number = (today - since).days + 1
    st.markdown(f"### Day {day_number:,} together with {name}")
    st.caption(f"Together since {since:%A, %d %B %Y}")

upcoming = milestones.next_anniversaries(s, pid, tz, today, count=3)
if upcoming:
    cards = st.columns(len(upcoming))
    for card, anniversary in zip(cards, upcoming, strict=True):
        when = (
            "today 🎉"
            if anniversary.days_until == 0
            else "tomorrow"
            if anniversary.days_until == 1
            else f"in {anniversary.days_until:,} days"
        )
        with card.container(border=True, height="stretch"):
            st.markdown(f"**{escape_markdown(anniversary.title)}**")
            st.caption(f"{anniversary.day:%a %d %b %Y} · {when}")

with st.expander("Add a milestone", icon="⭐"):
    st.caption(
        "A confession, a proposal, a ceremony, a honeymoon — anything worth remembering. "
        "To start from a chat message, use its ⋯ menu on the Chat page."
    )
    picked = milestone_action.form(
        "timeline_add",
        happened_on=today,
        submit_label="Add milestone",
        outing_choices=outing_labels,
    )
    if picked is not None and picked != "cancel":
        try:
            added = milestones.add(
                s,
                pid,
                picked.title,
                picked.happened_on,
                kind=picked.kind,
                note=picked.note,
                outing_id=picked.outing_id,
            )
        except ValueError as exc:
            st.error(str(exc), icon="⚠️")
        else:
            st.toast(f"Added to your timeline: {escape_markdown(added.title)}", icon="⭐")
            st.rerun()

items = timeline.items(s, pid, tz, today)
shown_kinds = st.segmented_control(
    "Show",
    list(timeline.KINDS),
    default=list(timeline.KINDS),
    selection_mode="multi",
    format_func=lambda k: charts.TIMELINE_LABELS[k],
    key="timeline_kinds",
)
everything_count = len(items)
items = [i for i in items if i.kind in (shown_kinds or [])]

if everything_count and not items:
    st.info("Nothing of that kind yet — choose what to show above.", icon="🔎")
elif not items:
    st.info(
        f"Your story with {name} is just beginning. First messages, outings, journal entries "
        "and the milestones you add will gather here, month by month.",
        icon="🌱",
    )
else:
    charts.show(
        charts.timeline_strip(timeline.overview(items), charts.palette()), key="timeline_strip"
    )


def show_milestone_controls(item: timeline.Item) -> None:
    m = item.milestone
    editing = st.session_state.get("timeline_edit") == m.id
    deleting = st.session_state.get("timeline_delete") == m.id
    if not editing and not deleting:
        edit, delete, _ = st.columns([1, 1, 4])
        if edit.button("Edit", key=f"timeline_edit_{m.id}", icon="✏️", type="tertiary"):
            st.session_state.timeline_edit = m.id
            st.rerun()
        if delete.button("Delete", key=f"timeline_delete_{m.id}", icon="🗑️", type="tertiary"):
            st.session_state.timeline_delete = m.id
            st.rerun()
    if deleting:
        st.warning("Delete this milestone? What it links to stays.")
        yes, no, _ = st.columns([1, 1, 3])
        if yes.button("Yes, delete", key=f"timeline_delete_yes_{m.id}", type="primary"):
            milestones.delete(s, m.id)
            st.session_state.pop("timeline_delete", None)
            st.toast("Milestone deleted.")
            st.rerun()
        if no.button("Cancel", key=f"timeline_delete_no_{m.id}"):
            st.session_state.pop("timeline_delete", None)
            st.rerun()
    if editing:
        picked = milestone_action.form(
            f"timeline_edit_{m.id}",
            title=m.title,
            kind=m.kind,
            happened_on=m.happened_on,
            note=m.note or "",
            cancel=True,
            outing_choices=outing_labels,
            outing_id=m.outing_id,
        )
        if picked == "cancel":
            st.session_state.pop("timeline_edit", None)
            st.rerun()
        elif picked is not None:
            try:
                milestones.update(
                    s,
                    m.id,
                    title=picked.title,
                    happened_on=picked.happened_on,
                    kind=picked.kind,
                    note=picked.note,
                    message_id=m.message_id,
                    outing_id=picked.outing_id,
                )
            except ValueError as exc:
                st.error(str(exc), icon="⚠️")
            else:
                st.session_state.pop("timeline_edit", None)
                st.toast("Milestone saved.")
                st.rerun()


def show_item(item: timeline.Item) -> None:
    with st.container(border=True):
        if item.image is not None:
            picture, text = st.columns([1, 4], vertical_alignment="center")
            picture.image(str(item.image), width=120)
        else:
            text = st.container()
        with text:
            kind = {"milestone": "Milestone", "outing": "Outing", "journal": "Journal"}[item.kind]
            if item.milestone is not None and item.milestone.automatic:
                kind = "Milestone · from your history"
            st.markdown(f"{item.icon} **{escape_markdown(item.title)}**")
            details = [f"{item.day:%a %d %b %Y}", kind]
            if item.kind == "outing" and item.detail:
                details.insert(1, f"📍 {escape_markdown(item.detail)}")
            if item.photo_count:
                details.append(f"{item.photo_count:,} photo{'s' * (item.photo_count > 1)}")
            st.caption(" · ".join(details))
            if item.detail and item.kind != "outing":
                st.markdown(escape_markdown(item.detail))
            m = item.milestone
            if m is not None and not m.automatic and m.message_id is not None:
                linked = messages.get(s, m.message_id)
                if linked is not None:
                    who = "You" if linked.role == "user" else name
                    quote = milestone_action.excerpt(linked.content, 160)
                    st.caption(f"💬 {who}: “{escape_markdown(quote)}”")
            if m is not None and not m.automatic and m.outing_id in outing_labels:
                st.caption(f"🚶 {escape_markdown(outing_labels[m.outing_id])}")
            if m is not None and not m.automatic:
                show_milestone_controls(item)


months = timeline.by_month(items)
limit = st.session_state.get("timeline_months", MONTHS_PER_PAGE)
for month, month_items in months[:limit]:
    st.subheader(f"{month:%B %Y}", divider="rainbow" if month.month == 1 else "gray")
    for item in month_items:
        show_item(item)
if len(months) > limit and st.button(
    f"Show earlier months ({len(months) - limit:,} more)", key="timeline_more"
):
    st.session_state.timeline_months = limit + MONTHS_PER_PAGE
    st.rerun()
