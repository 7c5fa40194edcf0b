"""Journal: a daily entry with a mood and a photo, the companion's reflection, and the past."""

from __future__ import annotations

import streamlit as st

from companion.journal import Reflection
from memory import journal, personas, photos
from memory.errors import KizunaError
from memory.i18n import _, format_date, format_number, ngettext, plotly_config
from ui import care, charts, confirm, journal_view, long_text, recall_view, state
from ui.text import escape_markdown, reply_markdown

PAGE = 10

s = state.store()
pid = state.persona_id(s)
care.emergency_first(s, pid)  # an act under way: her region's emergency number first
recall_view.forget_jump()  # coming back to the chat shows the latest messages
pv = personas.current(s, pid)
tz = state.tz(s)
today = state.today(s)
avatar = state.avatar_for(s, pv)

st.title(_("Journal"))
st.caption(
    _("A few lines a day. {name} reads each entry and answers.").format(
        name=escape_markdown(pv.name)
    )
)

journal_view.on_this_day(s, pid, today, tz)

# -- write ------------------------------------------------------------------------------------
form_n = st.session_state.get("journal_form_n", 0)
with st.form(f"journal_write_{form_n}", border=True):
    st.markdown(_("**Today's entry**"))
    left, right = st.columns([2, 3])
    day = left.date_input(
        _("Day"), value=today, max_value=today, key=f"journal_day_{form_n}", format="YYYY-MM-DD"
    )
    mood = right.radio(
        _("Mood"),
        [0, 1, 2, 3, 4, 5],
        index=0,
        format_func=lambda m: "—" if m == 0 else f"{journal.MOODS[m]} {m}",
        horizontal=True,
        key=f"journal_mood_{form_n}",
    )
    body = st.text_area(
        _("What happened today?"),
        key=f"journal_body_{form_n}",
        height=140,
        placeholder=_("How was your day? · 今日はどんな一日だった？"),
    )
    upload = st.file_uploader(
        _("A photo (optional)"),
        type=["jpg", "jpeg", "png", "webp", "heic", "heif", "gif"],
        key=f"journal_photo_{form_n}",
    )
    saved = st.form_submit_button(_("Save entry"), type="primary", icon="📔")

if saved:
    photo_id = None
    problem = None
    if upload is not None:
        try:
            photo_id = photos.add(s, upload.getvalue(), original_name=upload.name).id
        except photos.PhotoRejected as exc:
            problem = _("Could not keep {name}: {exc} Your words were not saved yet.").format(
                name=upload.name, exc=exc
            )
    if problem:
        st.error(problem, icon="⚠️")
    else:
        try:
            entry = journal.add(s, pid, body, written_on=day, mood=mood or None, photo_id=photo_id)
        except KizunaError as exc:
            st.error(exc.sentence, icon="⚠️")
        else:
            st.session_state["journal_form_n"] = form_n + 1
            st.session_state["journal_reflect"] = {"id": entry.id, "replace": False}
            st.rerun()


def run_reflection(entry_id: int, replace: bool) -> None:
    """Stream the companion's reflection on an entry, then show the page again."""
    cfg = state.provider_settings(s)
    reflection = Reflection(
        s, state.provider(s), entry_id, temperature=cfg.temperature, replace=replace
    )
    with st.chat_message("assistant", avatar=avatar):
        long_text.stream(reflection)
    st.session_state.pop("journal_reflect", None)
    if reflection.error is not None:
        st.session_state["journal_error"] = {"id": entry_id, "message": reflection.error.message}
    else:
        st.session_state.pop("journal_error", None)
    st.rerun()


def show_entry(entry: journal.Entry, reflection) -> None:
    editing = st.session_state.get("journal_editing") == entry.id
    with st.container(border=True):
        head = format_date(entry.written_on, "full")
        mood = journal_view.mood_label(entry.mood)
        st.markdown(f"**{head}**" + (f" · {mood}" if mood else ""))
        if editing:
            new_body = st.text_area(
                _("Entry"), value=entry.body, key=f"journal_edit_body_{entry.id}", height=140
            )
            new_mood = st.radio(
                _("Mood"),
                [0, 1, 2, 3, 4, 5],
                index=entry.mood or 0,
                format_func=lambda m: "—" if m == 0 else f"{journal.MOODS[m]} {m}",
                horizontal=True,
                key=f"journal_edit_mood_{entry.id}",
            )
            save, cancel, _spare = st.columns([1, 1, 3])
            if save.button(_("Save"), key=f"journal_save_{entry.id}", type="primary"):
                try:
                    journal.update(s, entry.id, new_body, mood=new_mood or None)
                except KizunaError as exc:
                    st.error(exc.sentence, icon="⚠️")
                else:
                    st.session_state.pop("journal_editing", None)
                    st.rerun()
            if cancel.button(_("Cancel"), key=f"journal_cancel_{entry.id}"):
                st.session_state.pop("journal_editing", None)
                st.rerun()
            return
        if entry.body:
            st.markdown(escape_markdown(entry.body))
        if entry.photo_id is not None:
            photo = photos.get(s, entry.photo_id)
            if photo is not None and s.path_of(photo.path).is_file():
                st.image(str(s.path_of(photo.path)), width=320)
        pending = st.session_state.get("journal_reflect")
        if pending and pending["id"] == entry.id:
            run_reflection(entry.id, pending["replace"])
        elif reflection is not None:
            with st.chat_message("assistant", avatar=avatar):
                st.markdown(reply_markdown(reflection.content))
                label = _("offline voice") if reflection.provider == "offline" else reflection.model
                st.caption(f"{escape_markdown(pv.name)} · {escape_markdown(label or '')}")
                recall_view.remembered(reflection)
        error = st.session_state.get("journal_error")
        if error and error["id"] == entry.id:
            st.error(error["message"], icon="⚠️")
        if st.session_state.get("journal_deleting") == entry.id:
            confirm.ask(
                _("Delete this entry and its reflection for good? This cannot be undone."),
                prefix="journal_del",
                item_id=entry.id,
                state_key="journal_deleting",
                on_yes=lambda: journal.delete(s, entry.id),
                done=_("Entry deleted."),
                no_label=_("Keep it"),
            )
            return
        again, edit, delete, _spare = st.columns([2, 1, 1, 1])
        if again.button(
            _("Regenerate") if reflection is not None else _("Get a reflection"),
            key=f"journal_regen_{entry.id}",
            icon="🔄",
            width="stretch",
        ):
            st.session_state.pop("journal_error", None)
            st.session_state["journal_reflect"] = {
                "id": entry.id,
                "replace": reflection is not None,
            }
            st.rerun()
        if edit.button(_("Edit"), key=f"journal_edit_{entry.id}", icon="✏️", width="stretch"):
            st.session_state["journal_editing"] = entry.id
            st.rerun()
        if delete.button(_("Delete"), key=f"journal_del_{entry.id}", icon="🗑️", width="stretch"):
            st.session_state["journal_deleting"] = entry.id
            st.rerun()


# Crisis language in an entry brings the same helplines as in the chat.
care.helpline_panel(s, pid)

# -- read back --------------------------------------------------------------------------------
total = journal.count(s, pid)
# Only the open tab is built (a tab switch reruns the page): the calendar and the mood chart
# are plotly figures, and drawing one on the Journal's first paint made the browser load and
# start plotly (4.7 MB of script) before the entries could be read.
entries_tab, calendar_tab, mood_tab = st.tabs(
    [_("Entries"), _("Calendar"), _("Mood")], key="journal_tab", on_change="rerun"
)


def show_entries() -> None:
    if not total:
        st.info(
            _("No entries yet. Write the first one above — even one line is enough."), icon="📔"
        )
    limit = st.session_state.get("journal_limit", PAGE)
    shown = journal.list_entries(s, pid, limit=limit)
    found = journal.reflections(s, [e.id for e in shown])
    for entry in shown:
        show_entry(entry, found.get(entry.id))
    if total > len(shown) and st.button(
        _("Show older entries ({value:,} more)").format(value=total - len(shown)),
        key="journal_more",
        icon="⬇️",
    ):
        st.session_state["journal_limit"] = limit + PAGE
        st.rerun()


def show_calendar() -> None:
    first = journal.first_day(s, pid)
    years = list(range(today.year, (first or today).year - 1, -1))
    year = st.selectbox(_("Year"), years, key="journal_year") if len(years) > 1 else today.year
    start = today.replace(year=year, month=1, day=1)
    days = journal.written_days(s, pid, start, start.replace(month=12, day=31))
    streak = journal.writing_streak(s, pid, today)
    summary = ngettext(
        "Written on {n} day in {year}", "Written on {n} days in {year}", len(days)
    ).format(n=format_number(len(days)), year=year)
    if streak:
        summary += " · " + ngettext("{n}-day streak", "{n}-day streak", streak).format(n=streak)
    st.caption(summary + _(" · colour = mood, grey = no mood given"))
    st.plotly_chart(
        charts.cached(journal_view.calendar_figure, days, year, today),
        key="journal_calendar",
        config={"displayModeBar": False, **plotly_config()},
    )


def show_mood() -> None:
    series = journal.mood_series(s, pid)
    if len(series) < 2:
        st.info(_("Give a mood to a few entries and their trend will show here."), icon="📈")
    else:
        st.plotly_chart(
            journal_view.mood_figure(series),
            key="journal_mood",
            config={"displayModeBar": False, **plotly_config()},
        )


tab_bodies = [(entries_tab, show_entries), (calendar_tab, show_calendar), (mood_tab, show_mood)]
for tab, show in tab_bodies:
    if tab.open:
        with tab:
            show()
