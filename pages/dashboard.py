"""Dashboard: how often you and your companion talk — figures, charts and the daily table."""

from __future__ import annotations

from datetime import date

import streamlit as st

from memory import personas, stats
from ui import care, charts, state
from ui.text import escape_markdown

st.set_page_config(layout="wide")

s = state.store()
pid = state.persona_id(s)
tz = state.tz(s)
today = state.today(s)
everyone = {p.id: p.name for p in personas.list_personas(s)}

st.title("Dashboard")

filters = st.columns([2, 3, 4], vertical_alignment="bottom")
companion = pid
if len(everyone) > 1:  # with one companion there is nothing to choose
    companion = filters[0].selectbox(
        "Companion",
        [pid, *[p for p in everyone if p != pid], 0],
        format_func=lambda i: "All companions" if i == 0 else everyone[i],
        key="dashboard_companion",
    )
persona_filter = None if companion == 0 else companion
name = "your companions" if persona_filter is None else everyone[persona_filter]

picked = st.session_state.get("dashboard_dates") or ()
start: date | None = picked[0] if len(picked) >= 1 else None
end: date | None = picked[1] if len(picked) == 2 else None
# Day 1 is `began_on`, or the first message's day when earlier (the headline takes the min).
began_on = None if persona_filter is None else personas.current(s, persona_filter).began_on
data = stats.load(s, tz, today, persona_id=persona_filter, start=start, end=end, began_on=began_on)
if not data.is_empty:
    first_day = data.headline.first_day or today
    filters[1].date_input(
        "Dates",
        value=(data.start, data.end),
        min_value=min(first_day, data.start),
        max_value=max(today, data.end),
        key="dashboard_dates",
        format="YYYY-MM-DD",
    )
    filters[2].caption(
        f"Local days in **{escape_markdown(tz.key)}** (change it in Settings). "
        "An *exchange* is a message from you answered by your companion: per day, the "
        "smaller of the two counts."
    )

if data.is_empty:
    st.info(
        f"Nothing to count yet — once you and {escape_markdown(name)} start talking, this page "
        "shows how often you talk: messages per day, your favourite hours, streaks and more.",
        icon="🌱",
    )
    st.page_link("pages/chat.py", label="Start a conversation", icon="💬")
else:
    h = data.headline
    pal = charts.palette()
    row1 = st.columns(4)
    row1[0].metric("From you today", f"{h.today_from_user:,}", border=True, height="stretch")
    who = "companions" if persona_filter is None else everyone[persona_filter]
    row1[1].metric(
        f"From {who} today", f"{h.today_from_companion:,}", border=True, height="stretch"
    )
    row1[2].metric(
        "Exchanges a day",
        f"{h.avg_exchanges_7d:,.1f}",
        delta="last 7 days",
        delta_color="off",
        delta_arrow="off",
        border=True,
        height="stretch",
        help="A message from you answered by your companion; per day, the smaller of the two "
        "counts. Averaged over the last seven days including today.",
    )
    row1[3].metric(
        "Days together",
        f"{h.days_together:,}" if h.days_together else "—",
        border=True,
        height="stretch",
        help="Day 1 is the companion's “together since” date, or the first message if earlier.",
    )
    row2 = st.columns(4)
    cur, best = h.current_streak, h.longest_streak
    row2[0].metric(
        "Current streak",
        f"{cur.length:,} day{'s' * (cur.length != 1)}",
        border=True,
        height="stretch",
        help=f"Since {cur.start:%d %B %Y}" if cur.start else "Talk today to start one.",
    )
    row2[1].metric(
        "Longest streak",
        f"{best.length:,} day{'s' * (best.length != 1)}",
        border=True,
        height="stretch",
        help=f"{best.start:%d %b %Y} – {best.end:%d %b %Y}" if best.start else None,
    )
    row2[2].metric(
        "Busiest day ever",
        f"{h.busiest_day_messages:,}",
        delta=f"{h.busiest_day:%a %d %b %Y}",
        delta_color="off",
        delta_arrow="off",
        border=True,
        height="stretch",
    )
    row2[3].metric(
        "Messages in all",
        f"{h.total_messages:,}",
        delta=f"since {h.first_day:%d %b %Y}",
        delta_color="off",
        delta_arrow="off",
        border=True,
        height="stretch",
    )

    care.wellbeing_panel(s, persona_filter or pid)

    if data.range_is_empty:
        st.info(
            f"No messages between {data.start:%d %B %Y} and {data.end:%d %B %Y}. "
            "Pick a wider range of dates above.",
            icon="🔎",
        )
    else:
        charts.show(charts.daily_messages(data.days, pal), key="dashboard_daily_chart")
        left, right = st.columns([3, 2])
        with left:
            charts.show(charts.hour_weekday(data.hours, pal), key="dashboard_hours_chart")
        with right:
            charts.show(charts.sources(data.sources, pal), key="dashboard_sources_chart")
        weekly = (data.end - data.start).days <= 180
        lengths = stats.average_length(data.days, "W-MON" if weekly else "MS")
        charts.show(
            charts.message_length(lengths, pal, "Week" if weekly else "Month"),
            key="dashboard_length_chart",
        )

    years = sorted({d.year for d in data.all_days["day"]} | {today.year}, reverse=True)
    year = st.columns([1, 4])[0].selectbox(
        "Calendar year",
        years,
        index=years.index(data.end.year) if data.end.year in years else 0,
        key="dashboard_year",
    )
    charts.show(charts.calendar_year(data.all_days, year, pal), key="dashboard_calendar_chart")

    table = data.days[["day", "from_user", "from_companion", "exchanges"]].copy()
    table["day"] = table["day"].dt.strftime("%Y-%m-%d")
    st.download_button(
        "Download the daily table (CSV)",
        table.to_csv(index=False).encode("utf-8"),
        file_name=f"kizuna-daily-{data.start:%Y%m%d}-{data.end:%Y%m%d}.csv",
        mime="text/csv",
        icon="⬇️",
        key="dashboard_csv",
    )
