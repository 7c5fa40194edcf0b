"""The SVG charts: every attribute and text they carry is one the page's renderer draws."""

import re
from datetime import date

import pandas as pd

from memory import stats
from ui import charts, svgcharts


def _every_chart() -> list[list]:
    days = pd.DataFrame(
        {
            "day": pd.to_datetime([date(2026, 11, 1), date(2026, 11, 20), date(2026, 12, 1)]),
            "from_user": [3, 0, 5],
            "from_companion": [2, 1, 5],
            "exchanges": [2, 0, 5],
            "user_chars": [30, 0, 50],
            "companion_chars": [40, 9, 80],
        }
    )
    full = stats.with_every_day(days, date(2026, 11, 1), date(2026, 12, 1))
    hours = pd.DataFrame({"weekday": [0, 6], "hour": [9, 23], "messages": [4, 12]})
    sources = pd.DataFrame({"source": ["chat", "imported"], "messages": [20, 1]})
    overview = pd.DataFrame(
        {
            "day": pd.to_datetime([date(2026, 1, 2), date(2026, 6, 1)]),
            "kind": ["milestone", "outing"],
            "title": ["<b>Our day</b>", "Korakuen"],
            "icon": ["💍", "🚶"],
        }
    )
    made = []
    for pal in (charts.LIGHT, charts.DARK):
        made += [
            svgcharts.daily_messages(full, pal),
            svgcharts.hour_weekday(hours, pal),
            svgcharts.sources(sources, pal),
            svgcharts.message_length(stats.average_length(full, "W-MON"), pal, "week"),
            svgcharts.calendar_year(days, 2026, pal),
            svgcharts.timeline_strip(overview, pal),
        ]
    return made


def _listed(name: str) -> set[str]:
    (body,) = re.findall(rf"const {name} = new Set\(\[(.*?)\]\);", svgcharts._JS, re.S)
    return set(re.findall(r'"([^"]+)"', body))


def test_every_attribute_and_tag_a_chart_uses_is_drawn():
    tags, attributes = _listed("TAGS"), _listed("ATTRS")

    def check(node):
        if isinstance(node, str):
            return
        tag, attrs, *kids = node
        assert tag in tags, tag
        assert isinstance(attrs, dict), node[:2]  # a bare text here would be lost
        assert set(attrs) <= attributes, set(attrs) - attributes
        for kid in kids:
            check(kid)

    for chart in _every_chart():
        check(chart)
