"""Pieces of the journal page: "On this day", the calendar of written days, mood over time."""

from __future__ import annotations

from datetime import date, timedelta

import plotly.graph_objects as go
import streamlit as st

from memory import journal
from memory.i18n import _, d3_date_format, format_date, format_number, ngettext
from ui import recall_view
from ui.text import escape_markdown

UNWRITTEN = "#f3e6eb"
MOOD_COLORS = ["#b0b0b0", "#d7301f", "#fc8d59", "#fee08b", "#91cf60", "#1a9850"]


def past_label(label: str) -> str:
    """'3 months ago' / '1 year ago' (memory.journal.past_dates) in the interface language."""
    n, unit = label.split()[:2]
    if unit.startswith("year"):
        return ngettext("{n} year ago", "{n} years ago", int(n)).format(n=n)
    return ngettext("{n} month ago", "{n} months ago", int(n)).format(n=n)


def mood_label(mood: int | None) -> str:
    if not mood:
        return ""
    return f"{journal.MOODS[mood]} {_(journal.MOOD_WORDS[mood])}"


def _short(text: str, limit: int = 160) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def on_this_day(s, persona_id: int, today: date, tz, *, shown: int = 3) -> None:
    """What happened on today's date in earlier months and years (nothing when empty)."""
    past = journal.on_this_day(s, persona_id, today, tz)
    if not past:
        return
    st.subheader(_("On this day"))
    for i, day in enumerate(past):
        if i == shown:
            rest = st.expander(_("{value} more earlier dates").format(value=len(past) - shown))
        box = rest if i >= shown else st
        with box.container(border=True):
            top, button = st.columns([5, 2], vertical_alignment="center")
            top.markdown(f"**{past_label(day.label)}** · {format_date(day.day, 'full')}")
            for _oid, title, place, notes in day.outings:
                where = f" ({escape_markdown(place)})" if place else ""
                line = f"📷 {escape_markdown(title)}{where}"
                if notes:
                    line += f" — {escape_markdown(_short(notes))}"
                st.markdown(line)
            for entry in day.entries:
                mood = f" · {mood_label(entry.mood)}" if entry.mood else ""
                st.markdown(f"📔 {escape_markdown(_short(entry.body))}{mood}")
            if day.message_count:
                words = (
                    " — "
                    + _("you said “{words}”").format(
                        words=escape_markdown(_short(day.first_words, 100))
                    )
                    if day.first_words
                    else ""
                )
                count = ngettext("{n} message", "{n} messages", day.message_count).format(
                    n=format_number(day.message_count)
                )
                st.markdown(f"💬 {count}{words}")
                if button.button(
                    _("That day in chat"), key=f"journal_otd_{day.day.isoformat()}", icon="💬"
                ):
                    recall_view.jump_to_day(day.day)


def calendar_figure(days: list[journal.DayMood], year: int, today: date) -> go.Figure:
    """A year of days as weeks × weekdays; written days coloured by mood, grey without one."""
    start = date(year, 1, 1)
    end = min(date(year, 12, 31), today)
    first_monday = start - timedelta(days=start.weekday())
    weeks = (date(year, 12, 31) - first_monday).days // 7 + 1
    z: list[list[float | None]] = [[None] * weeks for _ in range(7)]
    hover: list[list[str]] = [[""] * weeks for _ in range(7)]
    by_day = {d.day: d for d in days}
    current = start
    while current <= date(year, 12, 31):
        week = (current - first_monday).days // 7
        row = current.weekday()
        found = by_day.get(current)
        label = format_date(current, "day")
        if found:
            z[row][week] = round(found.mood, 1) if found.mood is not None else 0
            mood = (
                _("mood {mood:.1f}").format(mood=found.mood)
                if found.mood is not None
                else _("no mood")
            )
            entries = ngettext("{n} entry", "{n} entries", found.entries).format(n=found.entries)
            hover[row][week] = f"{label}<br>{entries}{_(', ')}{mood}"
        elif current <= end:
            z[row][week] = -1
            hover[row][week] = f"{label}<br>" + _("not written")
        current += timedelta(days=1)
    # z: -1 not written, 0 written without a mood, 1–5 the day's mood
    scale = [
        [0.0, UNWRITTEN],
        [0.08, UNWRITTEN],
        [0.09, MOOD_COLORS[0]],
        [0.25, MOOD_COLORS[0]],
        [0.26, MOOD_COLORS[1]],
        [1 / 3, MOOD_COLORS[1]],
        [0.5, MOOD_COLORS[2]],
        [2 / 3, MOOD_COLORS[3]],
        [5 / 6, MOOD_COLORS[4]],
        [1.0, MOOD_COLORS[5]],
    ]
    month_ticks = [
        ((date(year, m, 1) - first_monday).days // 7, format_date(date(year, m, 1), "month_abbr"))
        for m in range(1, 13)
    ]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            text=hover,
            hoverinfo="text",
            hovertemplate="%{text}<extra></extra>",
            colorscale=scale,
            zmin=-1,
            zmax=5,
            xgap=3,
            ygap=3,
            showscale=False,
        )
    )
    fig.update_layout(
        height=180,
        margin=dict(l=10, r=10, t=10, b=10),
        plot_bgcolor="rgba(0,0,0,0)",
        yaxis=dict(
            tickvals=list(range(7)),
            ticktext=[
                format_date(date(2024, 1, 1) + timedelta(days=i), "weekday_abbr")
                if i % 2 == 0
                else ""
                for i in range(7)
            ],
            autorange="reversed",
            showgrid=False,
            zeroline=False,
            tickfont=dict(size=11),
        ),
        xaxis=dict(
            tickvals=[w for w, _ in month_ticks],
            ticktext=[m for _, m in month_ticks],
            showgrid=False,
            zeroline=False,
            tickangle=0,
            tickfont=dict(size=10),
        ),
    )
    # Rows of a fixed height, not square cells: at phone width 53 square weeks were a few
    # pixels tall and the weekday labels overlapped (as ui.svgcharts.calendar_year).
    return fig


def mood_figure(series: list[journal.DayMood], *, window_days: int = 30) -> go.Figure:
    """Mood per written day, with a rolling average that breaks across long gaps."""
    days = [d.day for d in series]
    moods = [d.mood for d in series]
    line_x: list = []
    line_y: list = []
    for i, current in enumerate(series):
        if i and (current.day - series[i - 1].day).days > window_days:
            line_x.append(None)  # no line across a month without entries
            line_y.append(None)
        window = [d.mood for d in series[: i + 1] if (current.day - d.day).days < window_days]
        line_x.append(current.day)
        line_y.append(sum(window) / len(window))
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=days,
            y=moods,
            mode="markers",
            name=_("that day"),
            marker=dict(size=8, color=moods, colorscale=MOOD_COLORS[1:], cmin=1, cmax=5),
            hovertemplate="%{x|" + d3_date_format("short") + "}: %{y:.1f}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=line_x,
            y=line_y,
            mode="lines",
            name=_("{n}-day average").format(n=window_days),
            connectgaps=False,
            line=dict(color="#8c6bb1", width=2.5),
            hovertemplate="%{x|"
            + d3_date_format("short")
            + "}: %{y:.1f} ("
            + _("{n}-day average").format(n=window_days)
            + ")<extra></extra>",
        )
    )
    fig.update_layout(
        height=300,
        margin=dict(l=10, r=10, t=10, b=10),
        legend=dict(orientation="h", y=-0.2),
        yaxis=dict(
            range=[0.5, 5.5],
            tickvals=[1, 2, 3, 4, 5],
            ticktext=[f"{journal.MOODS[i]} {i}" for i in range(1, 6)],
        ),
    )
    return fig
