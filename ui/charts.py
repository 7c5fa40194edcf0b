"""One plotly look for every Kizuna chart, following Streamlit's light or dark theme.

The theme type comes from `st.context.theme.type` (what the browser is showing) and falls
back to the configured `theme.base`. Figures are drawn with `theme=None` so this template,
not Streamlit's, decides colours; backgrounds stay transparent so the page shows through.
The chart builders take the DataFrames of `memory.stats` / `memory.timeline` (aggregates only:
at most one point per day) and return figures; `show` draws one. Building a figure costs
20–400 ms of plotly's validation, drawing a built one a few: pages get theirs through `cached`,
keyed on the data itself (a new message makes new aggregates, so a new figure), the palette and
the interface language.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from memory.i18n import (
    N_,
    _,
    current_language,
    d3_date_format,
    format_date,
    format_number,
    ngettext,
    plotly_config,
)

SOURCE_LABELS = {
    "chat": N_("Chat"),
    "album": N_("Album"),
    "journal": N_("Journal"),
    "imported": N_("Imported"),
    "other": N_("Other"),
}


def weekdays() -> list[str]:
    """Monday … Sunday, abbreviated, in the interface language (Mon · 月)."""
    monday = date(2024, 1, 1)
    return [format_date(monday + timedelta(days=i), "weekday_abbr") for i in range(7)]


def _hover_day(style_name: str = "day") -> str:
    return "%{x|" + d3_date_format(style_name) + "}"


def date_axis(fig: go.Figure) -> go.Figure:
    """Date ticks in the interface language's order: plotly's automatic ticks follow English
    order ("Dec 1", "Dec 2026"), so other languages get their CLDR pattern (12月1日, 2026年12月)."""
    # The axis's own hover label names the day, not the tick's month ("2026年9月20日(日)").
    fig.update_xaxes(hoverformat=d3_date_format("day"))
    day, month = d3_date_format("day_month"), d3_date_format("month")
    if "%b" in day or "%B" in day:
        return fig  # English: plotly's own ticks
    fig.update_xaxes(
        tickformatstops=[
            {"dtickrange": [None, "M1"], "value": day},
            {"dtickrange": ["M1", None], "value": month},
        ]
    )
    return fig


#: Up to this many days, the daily chart shows whole days with one tick each.
FEW_DAYS = 7
_DAY_MS = 86_400_000


def whole_days(fig: go.Figure, days) -> go.Figure:
    """For a short span (a first day), whole days on the x axis with one tick per day.

    Left to itself plotly zooms into a single day until the ticks read
    "23:59:59.9996 … 00:00:00.0004"; half a day either side keeps each bar a day wide.
    """
    values = pd.to_datetime(pd.Series(days)).dropna()
    if values.empty or values.dt.normalize().nunique() > FEW_DAYS:
        return fig
    first, last = values.min().normalize(), values.max().normalize()
    half = pd.Timedelta(hours=12)
    fig.update_xaxes(
        type="date",
        range=[first - half, last + half],
        dtick=_DAY_MS,
        tick0=first,
        tickformat=d3_date_format("day_month"),
        tickformatstops=[],
    )
    return fig


@dataclass(frozen=True)
class Palette:
    dark: bool
    text: str
    muted: str
    grid: str
    empty: str  # a day or cell without messages
    user: str
    companion: str
    average: str
    scale: tuple[str, ...]  # low → high, for heatmaps
    sources: tuple[str, ...]
    kinds: dict


LIGHT = Palette(
    dark=False,
    text="#2b2024",
    muted="#7a6970",
    grid="#f1dfe5",
    empty="#f6eaee",
    user="#c2185b",
    companion="#5c6bc0",
    average="#2b2024",
    scale=("#fbe3ec", "#f48fb1", "#d81b60", "#880e4f"),
    sources=("#c2185b", "#5c6bc0", "#26a69a", "#ffa726", "#9e9e9e"),
    kinds={"milestone": "#c2185b", "outing": "#26a69a", "journal": "#5c6bc0"},
)
DARK = Palette(
    dark=True,
    text="#f4e9ed",
    muted="#b7a5ac",
    grid="#3a2f34",
    empty="#2d2428",
    user="#f06292",
    companion="#9fa8da",
    average="#f4e9ed",
    scale=("#3b2630", "#8e2453", "#e0407e", "#ffb3cf"),
    sources=("#f06292", "#9fa8da", "#4db6ac", "#ffb74d", "#bdbdbd"),
    kinds={"milestone": "#f06292", "outing": "#4db6ac", "journal": "#9fa8da"},
)


def is_dark() -> bool:
    """Whether the page is showing a dark theme right now."""
    try:
        kind = st.context.theme.type
    except Exception:  # outside a script run, or an older Streamlit
        kind = None
    if kind in ("dark", "light"):
        return kind == "dark"
    return (st.get_option("theme.base") or "light") == "dark"


def palette() -> Palette:
    """The palette for the current theme."""
    return DARK if is_dark() else LIGHT


def style(fig: go.Figure, pal: Palette, *, height: int = 320) -> go.Figure:
    """Apply the Kizuna look to a figure."""
    fig.update_layout(
        height=height,
        margin={"l": 8, "r": 8, "t": 36, "b": 8},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"color": pal.text, "family": "sans-serif", "size": 13},
        title={"font": {"size": 15, "color": pal.text}, "x": 0, "xanchor": "left"},
        # Below the plot, from the left: at phone width a legend beside the title covered it.
        # Measured from the figure's bottom edge, so it never meets the date ticks.
        legend={
            "orientation": "h",
            "yref": "container",
            "yanchor": "bottom",
            "y": 0,
            "xanchor": "left",
            "x": 0,
            "traceorder": "normal",
        },
        hoverlabel={"font": {"family": "sans-serif"}},
        colorway=list(pal.sources),
    )
    axes = {
        "gridcolor": pal.grid,
        "zeroline": False,
        "linecolor": pal.grid,
        "color": pal.muted,
        "automargin": True,
    }
    fig.update_xaxes(**axes)
    fig.update_yaxes(**axes)
    return fig


def show(fig: go.Figure, key: str) -> None:
    """Draw a figure full width with the Kizuna template (not Streamlit's), speaking the
    interface language (plotly's month and weekday names, see `memory.i18n.plotly_config`)."""
    st.plotly_chart(
        fig,
        theme=None,
        key=key,
        config={
            "displaylogo": False,
            "displayModeBar": False,
            "scrollZoom": False,
            **plotly_config(),
        },
    )


def cached(builder: Callable[..., go.Figure], *args, **kwargs) -> go.Figure:
    """`builder(*args, **kwargs)`, built once for the same arguments and interface language and
    then shared. The figure returned must not be changed."""
    name = f"{builder.__module__}.{builder.__qualname__}"
    return _built(name, current_language(), builder, args, kwargs)


@st.cache_resource(max_entries=64, show_spinner=False)
def _built(name: str, language: str, _builder, args: tuple, kwargs: dict) -> go.Figure:
    # `name` and `language` are part of the key; `_builder` (not hashed) is what `name` names.
    return _builder(*args, **kwargs)


def _scale(colors) -> list[list]:
    stops = np.linspace(0, 1, len(colors))
    return [[float(s), c] for s, c in zip(stops, colors, strict=True)]


# -- the dashboard ----------------------------------------------------------------------------
def daily_messages(days: pd.DataFrame, pal: Palette) -> go.Figure:
    """Stacked bars per day (from you / from the companion) and the 7-day rolling average."""
    fig = go.Figure()
    many = len(days) > 120
    fig.add_bar(
        x=days["day"],
        y=days["from_user"],
        name=_("You → companion"),
        marker={"color": pal.user, "line": {"width": 0}},
        hovertemplate=_hover_day() + "<br>" + _("%{y:,} from you") + "<extra></extra>",
    )
    fig.add_bar(
        x=days["day"],
        y=days["from_companion"],
        name=_("Companion → you"),
        marker={"color": pal.companion, "line": {"width": 0}},
        hovertemplate=_hover_day() + "<br>" + _("%{y:,} from your companion") + "<extra></extra>",
    )
    fig.add_scatter(
        x=days["day"],
        y=days["messages_7d"],
        name=_("7-day average"),
        mode="lines",
        line={"color": pal.average, "width": 2},
        hovertemplate=_hover_day("short")
        + "<br>"
        + _("%{y:,.1f} a day over 7 days")
        + "<extra></extra>",
    )
    fig.update_layout(
        barmode="stack", bargap=0.05 if many else 0.2, title=_("Messages per day"), hovermode="x"
    )
    fig.update_yaxes(rangemode="tozero", tickformat=",d")
    return whole_days(date_axis(style(fig, pal)), days["day"])


def hour_weekday(hours: pd.DataFrame, pal: Palette) -> go.Figure:
    """A weekday × hour-of-day heatmap of messages (local time)."""
    grid = np.zeros((7, 24), dtype="int64")
    if not hours.empty:
        grid[hours["weekday"].to_numpy(), hours["hour"].to_numpy()] = hours["messages"].to_numpy()
    fig = go.Figure(
        go.Heatmap(
            z=grid,
            x=[f"{h:02d}" for h in range(24)],
            y=weekdays(),
            colorscale=_scale(pal.scale),
            xgap=2,
            ygap=2,
            showscale=False,
            hovertemplate="%{y} %{x}:00<br>" + _("%{z:,} messages") + "<extra></extra>",
        )
    )
    fig.update_layout(title=_("When you talk (hour of day × weekday)"))
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(showgrid=False, dtick=3)
    return style(fig, pal, height=280)


@functools.lru_cache(maxsize=16)
def _day_names(year: int, language: str) -> tuple[str, ...]:
    """Every day of `year` named in the interface language (`language` keys the cache):
    365 Babel formats took about 25 ms, on every new message."""
    first = date(year, 1, 1)
    return tuple(
        format_date(first + timedelta(days=i), "day")
        for i in range((date(year + 1, 1, 1) - first).days)
    )


def calendar_year(all_days: pd.DataFrame, year: int, pal: Palette) -> go.Figure:
    """One square per day of `year`, weeks as columns, coloured by messages that day."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    every = pd.date_range(first, last, freq="D")
    counts = pd.Series(0, index=every, dtype="int64")
    if not all_days.empty:
        totals = (all_days["from_user"] + all_days["from_companion"]).to_numpy()
        index = pd.DatetimeIndex(all_days["day"])
        inside = (index >= every[0]) & (index <= every[-1])
        counts[index[inside]] = totals[inside]
    week_start = first - timedelta(days=first.weekday())
    weeks = ((every - pd.Timestamp(week_start)).days // 7).to_numpy()
    weekday = every.day_of_week.to_numpy()
    z = np.full((7, weeks.max() + 1), np.nan)
    z[weekday, weeks] = np.where(counts.to_numpy() > 0, counts.to_numpy(), np.nan)
    blank = np.full((7, weeks.max() + 1), np.nan)
    blank[weekday, weeks] = 0
    text = np.full((7, weeks.max() + 1), "", dtype=object)
    text[weekday, weeks] = [
        day
        + "<br>"
        + ngettext("{n} message", "{n} messages", int(c)).format(n=format_number(int(c)))
        for day, c in zip(_day_names(year, current_language()), counts, strict=True)
    ]
    month_starts = [pd.Timestamp(year, m, 1) for m in range(1, 13)]
    fig = go.Figure()
    fig.add_heatmap(
        z=blank,
        colorscale=[[0, pal.empty], [1, pal.empty]],
        showscale=False,
        xgap=3,
        ygap=3,
        hoverinfo="skip",
    )
    fig.add_heatmap(
        z=z,
        text=text,
        colorscale=_scale(pal.scale[1:]),
        showscale=False,
        xgap=3,
        ygap=3,
        hovertemplate="%{text}<extra></extra>",
    )
    fig.update_layout(title=_("{year}, day by day").format(year=year), hovermode="closest")
    # Rows of a fixed height, not square cells: at phone width 53 square weeks left rows a few
    # pixels tall and the weekday labels on top of each other. Every other weekday is named,
    # months upright and small, so both read at 390 px as on a desktop.
    fig.update_yaxes(
        tickvals=list(range(0, 7, 2)),
        ticktext=weekdays()[::2],
        autorange="reversed",
        showgrid=False,
        fixedrange=True,
        tickfont={"size": 11},
    )
    fig.update_xaxes(
        tickvals=[(m - pd.Timestamp(week_start)).days // 7 for m in month_starts],
        ticktext=[format_date(m, "month_abbr") for m in month_starts],
        showgrid=False,
        fixedrange=True,
        tickangle=0,
        tickfont={"size": 10},
    )
    return style(fig, pal, height=200)


def message_length(lengths: pd.DataFrame, pal: Palette, period: str) -> go.Figure:
    """Average characters per message, for each side, per `period` ("week" or "month")."""
    hover = (
        (_("Week of {day}") if period == "week" else _("Month of {day}")).format(
            day="%{x|" + d3_date_format("short") + "}"
        )
        + "<br>"
        + _("%{y:,.0f} characters")
        + "<extra></extra>"
    )
    fig = go.Figure()
    fig.add_scatter(
        x=lengths["period"],
        y=lengths["user"],
        name=_("Your messages"),
        mode="lines+markers" if len(lengths) < 40 else "lines",
        line={"color": pal.user, "width": 2},
        connectgaps=False,
        hovertemplate=hover,
    )
    fig.add_scatter(
        x=lengths["period"],
        y=lengths["companion"],
        name=_("Companion's messages"),
        mode="lines+markers" if len(lengths) < 40 else "lines",
        line={"color": pal.companion, "width": 2},
        hovertemplate=hover,
    )
    fig.update_layout(
        title=_("Average message length (characters, per week)")
        if period == "week"
        else _("Average message length (characters, per month)")
    )
    fig.update_yaxes(rangemode="tozero", tickformat=",d")
    return date_axis(style(fig, pal, height=300))


def sources(by_source: pd.DataFrame, pal: Palette) -> go.Figure:
    """Horizontal bars of where messages happened: chat, album, journal, imported."""
    colors = dict(zip(SOURCE_LABELS, pal.sources, strict=True))
    ordered = by_source.iloc[::-1]  # largest on top
    total = max(int(by_source["messages"].sum()), 1)
    fig = go.Figure(
        go.Bar(
            x=ordered["messages"],
            y=[_(SOURCE_LABELS[s]) if s in SOURCE_LABELS else s for s in ordered["source"]],
            orientation="h",
            marker={"color": [colors.get(s, pal.muted) for s in ordered["source"]]},
            text=[f"{m / total:.0%}" if m / total >= 0.01 else "<1%" for m in ordered["messages"]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: " + _("%{x:,} messages") + "<extra></extra>",
        )
    )
    fig.update_layout(title=_("Where you talk"), showlegend=False, bargap=0.35)
    fig.update_xaxes(tickformat=",d", range=[0, by_source["messages"].max() * 1.2])
    fig.update_yaxes(showgrid=False)
    return style(fig, pal, height=280)


# -- the timeline -----------------------------------------------------------------------------
TIMELINE_LABELS = {"milestone": N_("Milestones"), "outing": N_("Outings"), "journal": N_("Journal")}


def timeline_strip(overview: pd.DataFrame, pal: Palette) -> go.Figure:
    """A thin strip with one mark per milestone, outing and journal entry over time."""
    fig = go.Figure()
    labels = {kind: _(label) for kind, label in TIMELINE_LABELS.items()}
    for kind, label in labels.items():
        part = overview[overview["kind"] == kind]
        if part.empty:
            continue
        fig.add_scatter(
            x=part["day"],
            y=[label] * len(part),
            mode="markers",
            name=label,
            marker={
                "color": pal.kinds[kind],
                "size": 12 if kind == "milestone" else 9,
                "symbol": "diamond" if kind == "milestone" else "circle",
                "line": {"width": 0},
                "opacity": 0.85,
            },
            text=part["icon"] + " " + part["title"],
            hovertemplate=_hover_day("short") + "<br>%{text}<extra></extra>",
        )
    rows = overview["kind"].nunique() if not overview.empty else 1
    fig.update_layout(showlegend=False, hovermode="closest")
    fig.update_yaxes(
        showgrid=False,
        categoryorder="array",
        categoryarray=list(reversed(labels.values())),
    )
    fig.update_xaxes(showgrid=True)
    date_axis(fig)
    fig = style(fig, pal, height=90 + 34 * rows)
    fig.update_layout(margin={"l": 8, "r": 8, "t": 8, "b": 8})
    return fig
