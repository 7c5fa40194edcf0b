"""Timeline: milestones, outings and journal entries, month by month, newest first."""

from __future__ import annotations

import streamlit as st

from memory import messages, milestones, personas, timeline
from memory.errors import KizunaError
from memory.i18n import _, format_date, format_number, ngettext
from ui import charts, confirm, his_voice, milestone_action, state, svgcharts
from ui.text import escape_markdown

MONTHS_PER_PAGE = 12

s = state.store()
pid = state.persona_id(s)
tz = state.tz(s)
today = state.today(s)
pv = personas.current(s, pid)
name = escape_markdown(pv.name)

st.title(_("Timeline"))
outing_labels = timeline.outing_choices(s, pid)

since = milestones.together_since(s, pid, tz)
if since is not None and since <= today:
    day_number = (today - since).days + 1
    st.markdown(
        _("### Day {day_number:,} together with {name}").format(day_number=day_number, name=name)
    )
    st.caption(_("Together since {since}").format(since=format_date(since, "full")))

upcoming = milestones.next_anniversaries(s, pid, tz, today, count=3)
if upcoming:
    cards = st.columns(len(upcoming))
    for card, anniversary in zip(cards, upcoming, strict=True):
        when = (
            _("today 🎉")
            if anniversary.days_until == 0
            else _("tomorrow")
            if anniversary.days_until == 1
            else ngettext("in {n} day", "in {n} days", anniversary.days_until).format(
                n=format_number(anniversary.days_until)
            )
        )
        with card.container(border=True, height="stretch"):
            st.markdown(f"**{escape_markdown(anniversary.title)}**")
            st.caption(f"{format_date(anniversary.day, 'day')} · {when}")

his_voice.day_summaries_section(s, pid)

# The form is built only while the section is open (opening it reruns the page): four widgets
# and a form fewer on every other run.
adding = st.expander(_("Add a milestone"), icon="⭐", key="timeline_adding", on_change="rerun")
if adding.open:
    with adding:
        st.caption(
            _(
                "A confession, a proposal, a ceremony, a honeymoon — anything worth remembering. "
                "To start from a chat message, use its ⋯ menu on the Chat page."
            )
        )
        picked = milestone_action.form(
            "timeline_add",
            happened_on=today,
            submit_label=_("Add milestone"),
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
            except KizunaError as exc:
                st.error(exc.sentence, icon="⚠️")
            else:
                st.toast(
                    _("Added to your timeline: {title}").format(title=escape_markdown(added.title)),
                    icon="⭐",
                )
                st.rerun()

items = timeline.items(s, pid, tz, today)
shown_kinds = st.segmented_control(
    _("Show"),
    list(timeline.KINDS),
    default=list(timeline.KINDS),
    selection_mode="multi",
    format_func=lambda k: _(charts.TIMELINE_LABELS[k]),
    key="timeline_kinds",
)
everything_count = len(items)
items = [i for i in items if i.kind in (shown_kinds or [])]

if everything_count and not items:
    st.info(_("Nothing of that kind yet — choose what to show above."), icon="🔎")
elif not items:
    st.info(
        _(
            "Your story with {name} is just beginning. First messages, outings, journal "
            "entries and the milestones you add will gather here, month by month."
        ).format(name=name),
        icon="🌱",
    )
else:
    svgcharts.show(
        charts.cached(svgcharts.timeline_strip, timeline.overview(items), charts.palette()),
        key="timeline_strip",
    )


def show_milestone_controls(item: timeline.Item) -> None:
    m = item.milestone
    editing = st.session_state.get("timeline_edit") == m.id
    deleting = st.session_state.get("timeline_delete") == m.id
    if not editing and not deleting:
        edit, delete, _spare = st.columns([1, 1, 4])
        if edit.button(_("Edit"), key=f"timeline_edit_{m.id}", icon="✏️", type="tertiary"):
            st.session_state.timeline_edit = m.id
            st.rerun()
        if delete.button(_("Delete"), key=f"timeline_delete_{m.id}", icon="🗑️", type="tertiary"):
            st.session_state.timeline_delete = m.id
            st.rerun()
    if deleting:
        confirm.ask(
            _("Delete this milestone? What it links to stays."),
            prefix="timeline_delete",
            item_id=m.id,
            state_key="timeline_delete",
            on_yes=lambda: milestones.delete(s, m.id),
            done=_("Milestone deleted."),
        )
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
            except KizunaError as exc:
                st.error(exc.sentence, icon="⚠️")
            else:
                st.session_state.pop("timeline_edit", None)
                st.toast(_("Milestone saved."))
                st.rerun()


def show_item(item: timeline.Item) -> None:
    with st.container(border=True):
        if item.image is not None:
            picture, text = st.columns([1, 4], vertical_alignment="center")
            picture.image(str(item.image), width=120)
        else:
            text = st.container()
        with text:
            kind = {"milestone": _("Milestone"), "outing": _("Outing"), "journal": _("Journal")}[
                item.kind
            ]
            if item.milestone is not None and item.milestone.automatic:
                kind = _("Milestone · from your history")
            st.markdown(f"{item.icon} **{escape_markdown(item.title)}**")
            details = [format_date(item.day, "day"), kind]
            if item.kind == "outing" and item.detail:
                details.insert(1, f"📍 {escape_markdown(item.detail)}")
            if item.photo_count:
                details.append(
                    ngettext("{n} photo", "{n} photos", item.photo_count).format(
                        n=format_number(item.photo_count)
                    )
                )
            st.caption(" · ".join(details))
            if item.detail and item.kind != "outing":
                st.markdown(escape_markdown(item.detail))
            m = item.milestone
            if m is not None and not m.automatic and m.message_id is not None:
                linked = messages.get(s, m.message_id)
                if linked is not None:
                    who = _("You") if linked.role == "user" else name
                    quote = milestone_action.excerpt(linked.content, 160)
                    st.caption(f"💬 {who}: “{escape_markdown(quote)}”")
            if m is not None and not m.automatic and m.outing_id in outing_labels:
                st.caption(f"🚶 {escape_markdown(outing_labels[m.outing_id])}")
            if m is not None and not m.automatic:
                show_milestone_controls(item)


months = timeline.by_month(items)
limit = st.session_state.get("timeline_months", MONTHS_PER_PAGE)
for month, month_items in months[:limit]:
    st.subheader(format_date(month, "month"), divider="rainbow" if month.month == 1 else "gray")
    for item in month_items:
        show_item(item)
if len(months) > limit and st.button(
    _("Show earlier months ({value:,} more)").format(value=len(months) - limit), key="timeline_more"
):
    st.session_state.timeline_months = limit + MONTHS_PER_PAGE
    st.rerun()
