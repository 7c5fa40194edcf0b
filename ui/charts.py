"""What every Kizuna chart shares: the light and dark palettes, the names of sources and
timeline kinds, and a cache of built charts.

The theme type comes from `st.context.theme.type` (what the browser is showing) and falls
back to the configured `theme.base`. The Dashboard's and the Timeline's charts are plain SVG
(`ui.svgcharts`); the Journal's calendar and mood chart are plotly (`ui.journal_view`), drawn
only when their tab opens. Building a chart costs a few to a few hundred milliseconds: pages
get theirs through `cached`, keyed on the data itself (a new message makes new aggregates, so a
new chart), the palette and the interface language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import streamlit as st

from memory.i18n import N_, current_language, format_date

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


def cached(builder: Callable, *args, **kwargs):
    """`builder(*args, **kwargs)`, built once for the same arguments and interface language and
    then shared. The chart returned must not be changed."""
    name = f"{builder.__module__}.{builder.__qualname__}"
    return _built(name, current_language(), builder, args, kwargs)


@st.cache_resource(max_entries=64, show_spinner=False)
def _built(name: str, language: str, _builder, args: tuple, kwargs: dict):
    # `name` and `language` are part of the key; `_builder` (not hashed) is what `name` names.
    return _builder(*args, **kwargs)


# -- the timeline -----------------------------------------------------------------------------
TIMELINE_LABELS = {"milestone": N_("Milestones"), "outing": N_("Outings"), "journal": N_("Journal")}
