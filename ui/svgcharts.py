"""The Dashboard's and the Timeline's charts as plain SVG, laid out here, drawn in the page.

Why not plotly: the first plotly chart a browser tab draws makes Chromium load and start
plotly.js (4.7 MB of script), 1–2 s of main-thread work before the first bar appears; the
Timeline's strip paid it on every first visit, the Dashboard's five charts a second more.
Bars, lines, a heatmap, a calendar and a strip of marks need no chart library.

How they are drawn: each chart is a small tree of nodes, `[tag, {attribute: value}, *children]`
(a child is a node or a text), built by the functions below from `memory.stats` /
`memory.timeline` aggregates and drawn by one in-page component (`st.components.v2`). Its
JavaScript (a module constant) creates each node with `createElement(NS)`, copies only the
attributes in a fixed list and adds every text as a text node: nothing is parsed as HTML, so
a milestone titled "<b>" shows as typed. x positions are percentages of the chart's width, y
positions pixels, so one layout fits a phone and a desktop without being laid out again; marks
drawn as one path (the daily bars, the lines) sit in an inner SVG whose viewBox is stretched
to the width (`preserveAspectRatio="none"`, with strokes that do not scale).

What a user gets from plotly and keeps: the titles, the axes (ticks in the interface
language), the legends, and the hover values: each day, cell, week or mark carries an SVG
`<title>`, which the browser shows as a tooltip and a screen reader reads. Each plot is a
`role="img"` labelled with its title; the daily table stays downloadable as CSV.
"""

from __future__ import annotations

import functools
import math
from datetime import date, timedelta

import numpy as np
import pandas as pd
import streamlit as st

from memory.i18n import _, current_language, format_date, format_number, ngettext

from .charts import SOURCE_LABELS, TIMELINE_LABELS, Palette, weekdays

Node = list

_CSS = """
.kz-chart { margin: 0 0 0.5rem 0; }
.kz-title { font-size: 15px; font-weight: 600; margin: 0.25rem 0 0.4rem 0; }
.kz-plot { display: flex; align-items: flex-start; }
.kz-axis { flex: none; overflow: visible; }
.kz-main { flex: 1 1 auto; min-width: 0; }
.kz-main > svg { display: block; overflow: visible; }
.kz-chart svg text { font-family: inherit; }
.kz-legend { display: flex; flex-wrap: wrap; gap: 0.2rem 1rem; font-size: 13px;
  margin-top: 0.3rem; }
.kz-key { display: inline-flex; align-items: center; gap: 0.35rem; }
.kz-hit { fill: transparent; }
.kz-hit:hover { fill: currentColor; fill-opacity: 0.1; }
.kz-cell:hover, .kz-mark:hover { stroke: currentColor; stroke-width: 1.5; }
"""

# Builds the nodes of `data` (see the module docstring). Only these tags and attributes are
# ever created; text is always a text node.
_JS = """
const SVG = "http://www.w3.org/2000/svg";
const HTML_TAGS = new Set(["div", "span"]);
const TAGS = new Set(["div", "span", "svg", "g", "rect", "line", "path", "polyline",
  "circle", "text", "tspan", "title"]);
const ATTRS = new Set(["class", "role", "aria-label", "aria-hidden", "data-chart", "x", "y",
  "x1", "x2", "y1", "y2", "cx", "cy", "r", "rx", "width", "height", "d", "points", "fill",
  "fill-opacity", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin", "opacity",
  "viewBox", "preserveAspectRatio", "vector-effect", "overflow", "text-anchor",
  "dominant-baseline", "font-size", "font-weight", "dy", "pointer-events"]);
function build(node) {
  if (typeof node === "string" || typeof node === "number") {
    return document.createTextNode(String(node));
  }
  const [tag, attrs, ...kids] = node;
  if (!TAGS.has(tag)) return document.createTextNode("");
  const el = HTML_TAGS.has(tag) ? document.createElement(tag) : document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (ATTRS.has(name)) el.setAttribute(name, String(value));
  }
  for (const kid of kids) el.appendChild(build(kid));
  return el;
}
export default function (component) {
  const { parentElement, data } = component;
  let root = parentElement.querySelector(":scope > .kz-root");
  if (!root) {
    root = document.createElement("div");
    root.className = "kz-root";
    parentElement.appendChild(root);
  }
  root.replaceChildren(build(data));
}
"""

_chart = st.components.v2.component("kizuna_svg_chart", css=_CSS, js=_JS, isolate_styles=False)


def show(chart: Node, key: str) -> None:
    """Draw a chart built by one of the functions below, full width."""
    _chart(data=chart, key=key, width="stretch", height="content")


# -- layout helpers ---------------------------------------------------------------------------
def _pct(u: float) -> str:
    return f"{u * 100:.3f}%"


def _text_width(text: str, size: float = 12) -> float:
    """A generous guess of a label's width in pixels (CJK characters are about one em)."""
    wide = sum(1 for ch in text if ord(ch) > 0x2E80)
    return (wide * 1.0 + (len(text) - wide) * 0.6) * size


def _row_labels(
    labels, top: float, row: float, pal: Palette, *, size: float = 12, rows=None
) -> tuple[list[Node], float]:
    """Row names right-aligned in the left axis (in `rows`, default one per row), and the
    axis width they need."""
    rows = range(len(labels)) if rows is None else rows
    width = max((_text_width(labels[i], size) for i in rows), default=0) + 10
    nodes = [
        [
            "text",
            {
                "x": width - 6,
                "y": top + i * row + row / 2 + 4,
                "text-anchor": "end",
                "font-size": size,
                "fill": pal.muted,
            },
            labels[i],
        ]
        for i in rows
    ]
    return nodes, width


def _nice_step(top: float, count: int = 4) -> float:
    raw = max(top, 1e-9) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * magnitude >= raw:
            return m * magnitude
    return 10 * magnitude


def _y_ticks(top: float, *, whole: bool = True) -> tuple[list[float], float]:
    """Round tick values from 0 to just above `top`, and that upper end."""
    step = _nice_step(top if top > 0 else 1)
    if whole:
        step = max(1.0, math.ceil(step))
    n = max(1, math.ceil((top if top > 0 else 1) / step))
    return [i * step for i in range(n + 1)], n * step


@functools.lru_cache(maxsize=8)
def _marks(language: str) -> dict[int, str]:
    """The interface language's grouping and decimal marks (CLDR), as a table from Python's
    "," and ".": a chart writes thousands of numbers, and Babel takes about 0.15 ms each."""
    text = format_number(1234.5, decimals=1, language=language)
    return str.maketrans({",": text[1], ".": text[-2]})


def _number(value: float, decimals: int = 0) -> str:
    """`value` written as `format_number` writes it, at a fraction of its cost."""
    text = f"{value:,.{decimals}f}" if decimals else f"{round(value):,}"
    return text.translate(_marks(current_language()))


def _mix(colors: tuple[str, ...], t: float) -> str:
    """The colour at `t` (0–1) along a scale of hex colours."""
    t = min(max(t, 0.0), 1.0) * (len(colors) - 1)
    i = min(int(t), len(colors) - 2)
    f = t - i
    a, b = colors[i], colors[i + 1]
    rgb = [round(int(a[k : k + 2], 16) * (1 - f) + int(b[k : k + 2], 16) * f) for k in (1, 3, 5)]
    return "#" + "".join(f"{c:02x}" for c in rgb)


def _swatch(color: str, line: bool = False) -> Node:
    shape = (
        ["rect", {"x": 0, "y": 5, "width": 16, "height": 2.5, "rx": 1, "fill": color}]
        if line
        else ["rect", {"x": 1, "y": 1, "width": 12, "height": 10, "rx": 2, "fill": color}]
    )
    return ["svg", {"width": 16, "height": 12, "aria-hidden": "true"}, shape]


def _frame(
    name: str,
    title: str | None,
    height: int,
    body: list[Node],
    *,
    axis: list[Node] | None = None,
    axis_width: float = 0,
    legend: list[tuple[str, str, bool]] = (),
    label: str | None = None,
) -> Node:
    kids: list[Node] = []
    if title:
        kids.append(["div", {"class": "kz-title"}, title])
    plot: Node = ["div", {"class": "kz-plot"}]
    if axis is not None:
        plot.append(
            [
                "svg",
                {
                    "class": "kz-axis",
                    "width": round(axis_width),
                    "height": height,
                    "aria-hidden": "true",
                },
                *axis,
            ]
        )
    plot.append(
        [
            "div",
            {"class": "kz-main"},
            [
                "svg",
                {"width": "100%", "height": height, "role": "img", "aria-label": label or title},
                *body,
            ],
        ]
    )
    kids.append(plot)
    if legend:
        kids.append(
            [
                "div",
                {"class": "kz-legend"},
                *[
                    ["span", {"class": "kz-key"}, _swatch(c, line), text]
                    for text, c, line in legend
                ],
            ]
        )
    return ["div", {"class": "kz-chart", "data-chart": name}, *kids]


def _y_axis(ticks, top, y0: float, height: float, pal: Palette) -> tuple[list[Node], float]:
    labels = [_number(v) for v in ticks]
    width = max(_text_width(t) for t in labels) + 10
    nodes = [
        [
            "text",
            {
                "x": width - 6,
                "y": round(y0 + height - v / top * height + 4, 1),
                "text-anchor": "end",
                "font-size": 12,
                "fill": pal.muted,
            },
            text,
        ]
        for v, text in zip(ticks, labels, strict=True)
    ]
    return nodes, width


def _grid(ticks, top, y0: float, height: float, pal: Palette) -> list[Node]:
    return [
        [
            "line",
            {
                "x1": "0%",
                "x2": "100%",
                "y1": round(y0 + height - v / top * height, 1),
                "y2": round(y0 + height - v / top * height, 1),
                "stroke": pal.grid,
                "stroke-width": 1,
            },
        ]
        for v in ticks
    ]


def _date_ticks(first: date, last: date) -> list[tuple[date, str, str | None]]:
    """(day, label, second line) for a date axis from `first` to `last`: a handful of ticks
    that fit a phone's width, named in the interface language."""
    span = (last - first).days + 1
    if span <= FEW_DAYS:
        return [
            (first + timedelta(days=i), format_date(first + timedelta(days=i), "day_month"), None)
            for i in range(span)
        ]
    if span <= 50:
        step = 7 * max(1, math.ceil(span / 7 / 5))
        monday = first + timedelta(days=(7 - first.weekday()) % 7)
        days = [monday + timedelta(days=i) for i in range(0, (last - monday).days + 1, step)]
        return [(d, format_date(d, "day_month"), None) for d in days]
    months = (
        1 if span <= 190 else 2 if span <= 400 else 3 if span <= 800 else 6 if span <= 1600 else 12
    )
    d = date(first.year, first.month, 1)
    if d < first:
        d = _add_months(d, 1)
    ticks = []
    shown_year = None
    while d <= last:
        if (d.month - 1) % months == 0:
            year = str(d.year) if d.year != shown_year else None
            shown_year = d.year
            ticks.append((d, format_date(d, "month_abbr"), year))
        d = _add_months(d, 1)
    return ticks


def _add_months(d: date, n: int) -> date:
    month = d.month - 1 + n
    return date(d.year + month // 12, month % 12 + 1, 1)


def _x_ticks(
    ticks,
    position,
    y: float,
    pal: Palette,
    *,
    grid_top: float | None = None,
    grid_bottom: float | None = None,
) -> list[Node]:
    nodes: list[Node] = []
    for value, text, second in ticks:
        u = position(value)
        if not 0 <= u <= 1:
            continue
        anchor = "start" if u < 0.04 else "end" if u > 0.96 else "middle"
        if grid_top is not None:
            nodes.append(
                [
                    "line",
                    {
                        "x1": _pct(u),
                        "x2": _pct(u),
                        "y1": grid_top,
                        "y2": grid_bottom,
                        "stroke": pal.grid,
                        "stroke-width": 1,
                    },
                ]
            )
        label: Node = [
            "text",
            {"x": _pct(u), "y": y, "text-anchor": anchor, "font-size": 12, "fill": pal.muted},
            text,
        ]
        if second:
            label.append(["tspan", {"x": _pct(u), "dy": "1.15em"}, second])
        nodes.append(label)
    return nodes


def _as_date(value) -> date:
    return pd.Timestamp(value).date()


@functools.lru_cache(maxsize=16)
def _day_names(year: int, language: str) -> tuple[str, ...]:
    """Every day of `year` named in the interface language (`language` keys the cache):
    365 Babel formats take about 25 ms, on every new message."""
    first = date(year, 1, 1)
    return tuple(
        format_date(first + timedelta(days=i), "day")
        for i in range((date(year + 1, 1, 1) - first).days)
    )


def _day_name(day: date) -> str:
    return _day_names(day.year, current_language())[day.timetuple().tm_yday - 1]


#: Up to this many days, the daily chart shows whole days with one tick each.
FEW_DAYS = 7


# -- the dashboard ----------------------------------------------------------------------------
def daily_messages(days: pd.DataFrame, pal: Palette) -> Node:
    """Stacked bars per day (from you / from the companion) and the 7-day rolling average."""
    n = len(days)
    height, top, plot_h = 250, 8, 208
    first = _as_date(days["day"].iloc[0]) if n else date.today()
    last = _as_date(days["day"].iloc[-1]) if n else first
    user = days["from_user"].to_numpy(dtype="int64") if n else np.zeros(0, dtype="int64")
    companion = days["from_companion"].to_numpy(dtype="int64") if n else user
    average = days["messages_7d"].to_numpy(dtype="float64") if n else user.astype(float)
    peak = float(max((user + companion).max(initial=0), average.max(initial=0)))
    ticks, ymax = _y_ticks(peak)
    axis, axis_width = _y_axis(ticks, ymax, top, plot_h, pal)
    gap = 0.05 if n > 120 else 0.2

    def y(v):
        return plot_h - v / ymax * plot_h

    lower, upper = [], []
    for i in np.flatnonzero(user + companion):
        x, w = i + gap / 2, 1 - gap
        yu, yt = y(user[i]), y(user[i] + companion[i])
        if user[i]:
            lower.append(f"M{x:.3f} {yu:.2f}V{plot_h}h{w:.3f}V{yu:.2f}z")
        if companion[i]:
            upper.append(f"M{x:.3f} {yt:.2f}V{yu:.2f}h{w:.3f}V{yt:.2f}z")
    line = " ".join(f"{i + 0.5:.2f},{y(v):.2f}" for i, v in enumerate(average))
    marks: Node = [
        "svg",
        {
            "x": 0,
            "y": top,
            "width": "100%",
            "height": plot_h,
            "viewBox": f"0 0 {max(n, 1)} {plot_h}",
            "preserveAspectRatio": "none",
            "pointer-events": "none",
        },
        ["path", {"d": "".join(lower) or "M0 0", "fill": pal.user}],
        ["path", {"d": "".join(upper) or "M0 0", "fill": pal.companion}],
        [
            "polyline",
            {
                "points": line,
                "fill": "none",
                "stroke": pal.average,
                "stroke-width": 2,
                "stroke-linejoin": "round",
                "vector-effect": "non-scaling-stroke",
            },
        ],
    ]
    hits = []
    for i in range(n):
        day = first + timedelta(days=i)
        tip = "\n".join(
            (
                _day_name(day),
                _("{n} from you").format(n=_number(int(user[i]))),
                _("{n} from your companion").format(n=_number(int(companion[i]))),
                _("{n} a day over 7 days").format(n=_number(float(average[i]), 1)),
            )
        )
        hits.append(
            [
                "rect",
                {
                    "class": "kz-hit",
                    "x": _pct(i / n),
                    "y": top,
                    "width": _pct(1 / n),
                    "height": plot_h,
                },
                ["title", {}, tip],
            ]
        )
    body = [
        *_grid(ticks, ymax, top, plot_h, pal),
        marks,
        *hits,
        *_x_ticks(
            _date_ticks(first, last),
            lambda d: ((d - first).days + 0.5) / max(n, 1),
            top + plot_h + 16,
            pal,
        ),
    ]
    return _frame(
        "daily",
        _("Messages per day"),
        height,
        body,
        axis=axis,
        axis_width=axis_width,
        legend=[
            (_("You → companion"), pal.user, False),
            (_("Companion → you"), pal.companion, False),
            (_("7-day average"), pal.average, True),
        ],
    )


def hour_weekday(hours: pd.DataFrame, pal: Palette) -> Node:
    """A weekday × hour-of-day heatmap of messages (local time)."""
    grid = np.zeros((7, 24), dtype="int64")
    if not hours.empty:
        grid[hours["weekday"].to_numpy(), hours["hour"].to_numpy()] = hours["messages"].to_numpy()
    peak = max(int(grid.max()), 1)
    names = weekdays()
    row, top = 26, 4
    axis, axis_width = _row_labels(names, top, row, pal)
    cells = []
    for r in range(7):
        for h in range(24):
            count = int(grid[r, h])
            cells.append(
                [
                    "rect",
                    {
                        "class": "kz-cell",
                        "x": _pct(h / 24 + 0.002),
                        "y": top + r * row + 1,
                        "width": _pct(1 / 24 - 0.004),
                        "height": row - 2,
                        "rx": 2,
                        "fill": _mix(pal.scale, count / peak),
                    },
                    [
                        "title",
                        {},
                        f"{names[r]} {h:02d}:00\n"
                        + ngettext("{n} message", "{n} messages", count).format(n=_number(count)),
                    ],
                ]
            )
    ticks = [
        [
            "text",
            {
                "x": _pct((h + 0.5) / 24),
                "y": top + 7 * row + 16,
                "text-anchor": "middle",
                "font-size": 12,
                "fill": pal.muted,
            },
            f"{h:02d}",
        ]
        for h in range(0, 24, 3)
    ]
    return _frame(
        "hours",
        _("When you talk (hour of day × weekday)"),
        top + 7 * row + 24,
        [*cells, *ticks],
        axis=axis,
        axis_width=axis_width,
    )


def sources(by_source: pd.DataFrame, pal: Palette) -> Node:
    """Horizontal bars of where messages happened: chat, album, journal, imported."""
    colors = dict(zip(SOURCE_LABELS, pal.sources, strict=True))
    labels = [_(SOURCE_LABELS[s]) if s in SOURCE_LABELS else s for s in by_source["source"]]
    counts = [int(m) for m in by_source["messages"]]
    total = max(sum(counts), 1)
    ticks, xmax = _y_ticks(max(counts, default=0) * 1.2)
    row, top = 34, 4
    axis, axis_width = _row_labels(labels, top, row, pal)
    bottom = top + len(labels) * row
    body: list[Node] = [
        [
            "line",
            {
                "x1": _pct(v / xmax),
                "x2": _pct(v / xmax),
                "y1": top,
                "y2": bottom,
                "stroke": pal.grid,
                "stroke-width": 1,
            },
        ]
        for v in ticks
    ]
    for i, (source, label, count) in enumerate(
        zip(by_source["source"], labels, counts, strict=True)
    ):
        share = count / total
        y = top + i * row + row * 0.2
        body.append(
            [
                "rect",
                {
                    "class": "kz-mark",
                    "x": 0,
                    "y": round(y, 1),
                    "width": _pct(count / xmax),
                    "height": round(row * 0.6, 1),
                    "fill": colors.get(source, pal.muted),
                },
                [
                    "title",
                    {},
                    f"{label}: "
                    + ngettext("{n} message", "{n} messages", count).format(n=_number(count)),
                ],
            ]
        )
        body.append(
            [
                "svg",
                {"x": _pct(count / xmax), "y": round(y, 1), "overflow": "visible"},
                [
                    "text",
                    {"x": 5, "y": round(row * 0.3 + 4, 1), "font-size": 12, "fill": pal.text},
                    f"{share:.0%}" if share >= 0.01 else "<1%",
                ],
            ]
        )
    body += [
        [
            "text",
            {
                "x": _pct(v / xmax),
                "y": bottom + 16,
                "text-anchor": "start" if v == 0 else "middle",
                "font-size": 12,
                "fill": pal.muted,
            },
            _number(v),
        ]
        for v in ticks
        if v / xmax <= 0.95
    ]
    return _frame(
        "sources", _("Where you talk"), bottom + 24, body, axis=axis, axis_width=axis_width
    )


def message_length(lengths: pd.DataFrame, pal: Palette, period: str) -> Node:
    """Average characters per message, for each side, per `period` ("week" or "month")."""
    title = (
        _("Average message length (characters, per week)")
        if period == "week"
        else _("Average message length (characters, per month)")
    )
    height, top, plot_h = 230, 8, 188
    periods = [_as_date(p) for p in lengths["period"]]
    n = len(periods)
    if not n:
        return _frame("length", title, height, [])
    half = 3.5 if period == "week" else 15.0
    start = periods[0] - timedelta(days=half)
    span = (periods[-1] - periods[0]).days + 2 * half

    def x(d: date) -> float:
        return ((d - start).days) / span

    series = [
        (_("Your messages"), pal.user, lengths["user"].to_numpy(dtype="float64")),
        (_("Companion's messages"), pal.companion, lengths["companion"].to_numpy(dtype="float64")),
    ]
    peak = max((float(np.nanmax(v)) for _l, _c, v in series if np.isfinite(v).any()), default=0)
    ticks, ymax = _y_ticks(peak)
    axis, axis_width = _y_axis(ticks, ymax, top, plot_h, pal)

    def y(v):
        return plot_h - v / ymax * plot_h

    lines, dots = [], []
    for _label, color, values in series:
        run: list[str] = []
        runs = []
        for d, v in zip(periods, values, strict=True):
            if np.isfinite(v):
                run.append(f"{x(d) * 1000:.2f},{y(v):.2f}")
                if n < 40:
                    dots.append(
                        [
                            "circle",
                            {
                                "cx": _pct(x(d)),
                                "cy": round(top + y(v), 1),
                                "r": 3.5,
                                "fill": color,
                                "pointer-events": "none",
                            },
                        ]
                    )
            elif run:
                runs.append(run)
                run = []
        if run:
            runs.append(run)
        lines += [
            [
                "polyline",
                {
                    "points": " ".join(r),
                    "fill": "none",
                    "stroke": color,
                    "stroke-width": 2,
                    "stroke-linejoin": "round",
                    "vector-effect": "non-scaling-stroke",
                },
            ]
            for r in runs
        ]
    marks = [
        "svg",
        {
            "x": 0,
            "y": top,
            "width": "100%",
            "height": plot_h,
            "viewBox": f"0 0 1000 {plot_h}",
            "preserveAspectRatio": "none",
            "pointer-events": "none",
        },
        *lines,
    ]
    which = _("Week of {day}") if period == "week" else _("Month of {day}")
    hits = []
    for i, d in enumerate(periods):
        left = x(d) - (x(d) - x(periods[i - 1])) / 2 if i else 0.0
        right = x(d) + (x(periods[i + 1]) - x(d)) / 2 if i + 1 < n else 1.0
        lines_of_tip = [which.format(day=format_date(d, "short"))]
        for label, _c, values in series:
            if np.isfinite(values[i]):
                lines_of_tip.append(f"{label}: " + _("{n} characters").format(n=_number(values[i])))
        hits.append(
            [
                "rect",
                {
                    "class": "kz-hit",
                    "x": _pct(left),
                    "y": top,
                    "width": _pct(right - left),
                    "height": plot_h,
                },
                ["title", {}, "\n".join(lines_of_tip)],
            ]
        )
    body = [
        *_grid(ticks, ymax, top, plot_h, pal),
        marks,
        *dots,
        *hits,
        *_x_ticks(
            _date_ticks(start + timedelta(days=half), periods[-1]), x, top + plot_h + 16, pal
        ),
    ]
    return _frame(
        "length",
        title,
        height,
        body,
        axis=axis,
        axis_width=axis_width,
        legend=[(label, color, True) for label, color, _v in series],
    )


def calendar_year(all_days: pd.DataFrame, year: int, pal: Palette) -> Node:
    """One square per day of `year`, weeks as columns, coloured by messages that day."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    every = pd.date_range(first, last, freq="D")
    counts = pd.Series(0, index=every, dtype="int64")
    if not all_days.empty:
        totals = (all_days["from_user"] + all_days["from_companion"]).to_numpy()
        index = pd.DatetimeIndex(all_days["day"])
        inside = (index >= every[0]) & (index <= every[-1])
        counts[index[inside]] = totals[inside]
    values = counts.to_numpy()
    peak = max(int(values.max()), 1)
    week_start = first - timedelta(days=first.weekday())
    weeks = (last - week_start).days // 7 + 1
    row, top = 16, 18
    names = weekdays()
    axis, axis_width = _row_labels(names, top, row, pal, size=11, rows=range(0, 7, 2))
    day_names = _day_names(year, current_language())
    cells = []
    for i, count in enumerate(values):
        day = first + timedelta(days=i)
        week = (day - week_start).days // 7
        cells.append(
            [
                "rect",
                {
                    "class": "kz-cell",
                    "x": _pct(week / weeks + 0.0015),
                    "y": top + day.weekday() * row + 1.5,
                    "width": _pct(1 / weeks - 0.003),
                    "height": row - 3,
                    "rx": 2,
                    "fill": _mix(pal.scale[1:], (count - 1) / max(peak - 1, 1))
                    if count
                    else pal.empty,
                },
                [
                    "title",
                    {},
                    day_names[i]
                    + "\n"
                    + ngettext("{n} message", "{n} messages", int(count)).format(
                        n=_number(int(count))
                    ),
                ],
            ]
        )
    months = [
        [
            "text",
            {
                "x": _pct(((date(year, m, 1) - week_start).days // 7) / weeks),
                "y": 12,
                "font-size": 10,
                "fill": pal.muted,
            },
            format_date(date(year, m, 1), "month_abbr"),
        ]
        for m in range(1, 13)
    ]
    return _frame(
        "calendar",
        _("{year}, day by day").format(year=year),
        top + 7 * row + 4,
        [*months, *cells],
        axis=axis,
        axis_width=axis_width,
    )


# -- the timeline -----------------------------------------------------------------------------
def timeline_strip(overview: pd.DataFrame, pal: Palette) -> Node:
    """A thin strip with one mark per milestone, outing and journal entry over time."""
    kinds = [k for k in TIMELINE_LABELS if (overview["kind"] == k).any()]
    labels = [_(TIMELINE_LABELS[k]) for k in kinds]
    row, top = 30, 6
    days = [_as_date(d) for d in overview["day"]]
    first, last = (min(days), max(days)) if days else (date.today(), date.today())
    pad = max(1.0, ((last - first).days or 1) * 0.03)
    start = first - timedelta(days=pad)
    span = (last - first).days + 2 * pad

    def x(d: date) -> float:
        return (d - start).days / span

    bottom = top + len(kinds) * row
    axis, axis_width = _row_labels(labels, top, row, pal)
    marks = []
    for kind, day, icon, title in zip(
        overview["kind"], days, overview["icon"], overview["title"], strict=True
    ):
        y = top + kinds.index(kind) * row + row / 2
        tip = ["title", {}, f"{format_date(day, 'short')}\n{icon} {title}"]
        if kind == "milestone":
            shape = [
                "path",
                {
                    "class": "kz-mark",
                    "d": "M0 -7L7 0L0 7L-7 0Z",
                    "fill": pal.kinds[kind],
                    "opacity": 0.85,
                },
                tip,
            ]
        else:
            shape = [
                "circle",
                {"class": "kz-mark", "r": 5, "fill": pal.kinds[kind], "opacity": 0.85},
                tip,
            ]
        marks.append(["svg", {"x": _pct(x(day)), "y": round(y, 1), "overflow": "visible"}, shape])
    ticks = _x_ticks(
        _date_ticks(first, last), x, bottom + 16, pal, grid_top=top, grid_bottom=bottom
    )
    return _frame(
        "timeline",
        None,
        bottom + 36,
        [*ticks, *marks],
        axis=axis,
        axis_width=axis_width,
        label=_("Timeline"),
    )
