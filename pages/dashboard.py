"""Dashboard: how often you and your companion talk — figures, charts and the daily table."""

from __future__ import annotations

from datetime import date

import streamlit as st

from memory import audio, messages, milestones, personas, stats
from memory.i18n import _, format_date, format_number, ngettext
from ui import care, charts, state, svgcharts
from ui.text import escape_markdown

st.set_page_config(layout="wide")

s = state.store()
pid = state.persona_id(s)
tz = state.tz(s)
today = state.today(s)
everyone = {p.id: p.name for p in personas.list_personas(s)}

st.title(_("Dashboard"))

filters = st.columns([2, 3, 4], vertical_alignment="bottom")
companion = pid
if len(everyone) > 1:  # with one companion there is nothing to choose
    companion = filters[0].selectbox(
        _("Companion"),
        [pid, *[p for p in everyone if p != pid], 0],
        format_func=lambda i: _("All companions") if i == 0 else everyone[i],
        key="dashboard_companion",
    )
persona_filter = None if companion == 0 else companion
name = _("your companions") if persona_filter is None else everyone[persona_filter]

picked = st.session_state.get("dashboard_dates") or ()
start: date | None = picked[0] if len(picked) >= 1 else None
end: date | None = picked[1] if len(picked) == 2 else None
# Day 1 is the same as everywhere (milestones.together_since; the headline takes the min).
began_on = None if persona_filter is None else milestones.together_since(s, persona_filter, tz)
data = stats.load(s, tz, today, persona_id=persona_filter, start=start, end=end, began_on=began_on)
if not data.is_empty:
    first_day = data.headline.first_day or today
    filters[1].date_input(
        _("Dates"),
        value=(data.start, data.end),
        min_value=min(first_day, data.start),
        max_value=max(today, data.end),
        key="dashboard_dates",
        format="YYYY-MM-DD",
    )
    filters[2].caption(
        _(
            "Local days in **{key}** (change it in Settings). An *exchange* is a message "
            "from you answered by your companion: per day, the smaller of the two counts."
        ).format(key=escape_markdown(tz.key))
    )

if data.is_empty:
    st.info(
        _(
            "Nothing to count yet — once you and {name} start talking, this page shows "
            "how often you talk: messages per day, your favourite hours, streaks and "
            "more."
        ).format(name=escape_markdown(name)),
        icon="🌱",
    )
    st.page_link("pages/chat.py", label=_("Start a conversation"), icon="💬")
else:
    h = data.headline
    pal = charts.palette()
    row1 = st.columns(4)
    row1[0].metric(
        _("From you today"),
        f"{h.today_from_user:,}",
        border=True,
        height="stretch",
        help=_(messages.COUNTED),
    )
    who = _("companions") if persona_filter is None else escape_markdown(everyone[persona_filter])
    row1[1].metric(
        _("From {who} today").format(who=who),
        f"{h.today_from_companion:,}",
        border=True,
        height="stretch",
        help=_(messages.COUNTED),
    )
    row1[2].metric(
        _("Exchanges a day"),
        f"{h.avg_exchanges_7d:,.1f}",
        delta=_("last 7 days"),
        delta_color="off",
        delta_arrow="off",
        border=True,
        height="stretch",
        help=_(
            "A message from you answered by your companion; per day, the smaller of the two "
            "counts. Averaged over the last seven days including today."
        ),
    )
    row1[3].metric(
        _("Days together"),
        f"{h.days_together:,}" if h.days_together else "—",
        border=True,
        height="stretch",
        help=_("Day 1 is the companion's “together since” date, or the first message if earlier."),
    )
    row2 = st.columns(4)
    cur, best = h.current_streak, h.longest_streak
    row2[0].metric(
        _("Current streak"),
        ngettext("{n} day", "{n} days", cur.length).format(n=format_number(cur.length)),
        border=True,
        height="stretch",
        help=_("Since {start}").format(start=format_date(cur.start, "long"))
        if cur.start
        else _("Talk today to start one."),
    )
    row2[1].metric(
        _("Longest streak"),
        ngettext("{n} day", "{n} days", best.length).format(n=format_number(best.length)),
        border=True,
        height="stretch",
        help=f"{format_date(best.start, 'short')} – {format_date(best.end, 'short')}"
        if best.start
        else None,
    )
    row2[2].metric(
        _("Busiest day ever"),
        f"{h.busiest_day_messages:,}",
        delta=format_date(h.busiest_day, "day"),
        delta_color="off",
        delta_arrow="off",
        border=True,
        height="stretch",
    )
    row2[3].metric(
        _("Messages in all"),
        f"{h.total_messages:,}",
        delta=_("since {first_day}").format(first_day=format_date(h.first_day, "short")),
        delta_color="off",
        delta_arrow="off",
        border=True,
        height="stretch",
    )

    voice_count = audio.count_voice_messages(s, persona_filter)
    if voice_count:
        st.caption(
            "🎤 "
            + ngettext(
                "{n} of them is a voice message.", "{n} of them are voice messages.", voice_count
            ).format(n=format_number(voice_count))
        )
    care.wellbeing_panel(s, persona_filter or pid)

    if data.range_is_empty:
        st.info(
            _("No messages between {start} and {end}. Pick a wider range of dates above.").format(
                start=format_date(data.start, "long"), end=format_date(data.end, "long")
            ),
            icon="🔎",
        )
    else:
        svgcharts.show(
            charts.cached(svgcharts.daily_messages, data.days, pal), key="dashboard_daily_chart"
        )
        left, right = st.columns([3, 2])
        with left:
            svgcharts.show(
                charts.cached(svgcharts.hour_weekday, data.hours, pal), key="dashboard_hours_chart"
            )
        with right:
            svgcharts.show(
                charts.cached(svgcharts.sources, data.sources, pal), key="dashboard_sources_chart"
            )
        weekly = (data.end - data.start).days <= 180
        lengths = stats.average_length(data.days, "W-MON" if weekly else "MS")
        svgcharts.show(
            charts.cached(svgcharts.message_length, lengths, pal, "week" if weekly else "month"),
            key="dashboard_length_chart",
        )

    years = sorted({d.year for d in data.all_days["day"]} | {today.year}, reverse=True)
    year = st.columns([1, 4])[0].selectbox(
        _("Calendar year"),
        years,
        index=years.index(data.end.year) if data.end.year in years else 0,
        key="dashboard_year",
    )
    svgcharts.show(
        charts.cached(svgcharts.calendar_year, data.all_days, year, pal),
        key="dashboard_calendar_chart",
    )

    st.download_button(
        _("Download the daily table (CSV)"),
        stats.daily_csv(data.days),
        file_name=f"kizuna-daily-{data.start:%Y%m%d}-{data.end:%Y%m%d}.csv",
        mime="text/csv",
        icon="⬇️",
        key="dashboard_csv",
    )
