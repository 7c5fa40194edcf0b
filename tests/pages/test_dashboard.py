from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from memory import Store, messages, personas
from memory import settings as settings_store
from memory.i18n import format_date
from tests.pages.conftest import svg_charts, svg_nodes, svg_text, tooltips

ZONE = "Asia/Tokyo"


@pytest.fixture
def history(data_dir):
    """Ten local days ending today in Tokyo: day k has k+1 messages from the user and k
    replies, all at 23:30 local time (the next day in UTC)."""
    s = Store.open(data_dir)
    settings_store.set(s, "timezone", ZONE)
    pid = personas.ensure_starter(s).id
    today = datetime.now(ZoneInfo(ZONE)).date()
    first = today - timedelta(days=9)
    for k in range(10):
        local = datetime.combine(first + timedelta(days=k), datetime.min.time())
        late = (local + timedelta(hours=23, minutes=30)).replace(tzinfo=ZoneInfo(ZONE))
        for role, n in (("user", k + 1), ("companion", k)):
            s.execute(
                "INSERT INTO messages (persona_id, role, content, created_at) "
                "SELECT ?, ?, 'hello', ? + to_seconds(i) FROM range(?) t(i)",
                [pid, role, late, n],
            )
    other = personas.create(s, name="Ren").persona_id
    s.execute(
        "INSERT INTO messages (persona_id, role, content, created_at, source) "
        "VALUES (?, 'user', 'hi Ren', ?, 'import:chatgpt')",
        [other, datetime.combine(first, datetime.min.time()).replace(tzinfo=ZoneInfo(ZONE))],
    )
    s.close()
    return {"today": today, "first": first}


def metrics(app) -> dict:
    return {m.label: m.value for m in app.metric}


def figures(app) -> dict:
    return svg_charts(app)


def per_day(chart) -> list[list[str]]:
    """The daily chart's hover text, one list of lines per day."""
    return [tip.split("\n") for tip in tooltips(chart)]


def counts(lines, word: str) -> int:
    (line,) = [x for x in lines if x.endswith(word)]
    return int(line.split()[0].replace(",", ""))


def test_new_user_sees_a_friendly_empty_state_without_charts(app):
    app.switch_page("pages/dashboard.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("Nothing to count yet" in i.value for i in app.info)
    assert app.get("bidi_component") == []
    assert app.metric == []


def test_dashboard_shows_figures_and_every_chart(history, app):
    app.switch_page("pages/dashboard.py").run()
    assert not app.exception, [e.value for e in app.exception]
    shown = metrics(app)
    assert shown["From you today"] == "10"
    assert shown["From Sora today"] == "9"
    # exchanges per day are 0..9; the last seven days hold 3..9
    assert shown["Exchanges a day"] == f"{sum(range(3, 10)) / 7:,.1f}"
    assert shown["Current streak"] == "9 days"  # the first day has no reply, so no exchange
    assert shown["Messages in all"] == f"{sum(2 * k + 1 for k in range(10)):,}"
    # the wellbeing panel counts today's own messages (ten, from 23:30 local)
    assert shown["Messages you sent"] == "10"
    assert "Time together today" in shown

    charts = figures(app)
    assert set(charts) == {
        "Messages per day",
        "When you talk (hour of day × weekday)",
        "Where you talk",
        "Average message length (characters, per week)",
        f"{history['today'].year}, day by day",
    }
    daily = charts["Messages per day"]
    legend = [svg_text(key) for key in svg_nodes(daily, "span")]
    assert legend == ["You → companion", "Companion → you", "7-day average"]
    days = per_day(daily)
    assert [counts(d, "from you") for d in days] == list(range(1, 11))
    assert [counts(d, "from your companion") for d in days] == list(range(10))
    assert days[-1][0] == format_date(history["today"], "day")  # "Tue, 1 Dec 2026"
    cells = [t.split("\n") for t in tooltips(charts["When you talk (hour of day × weekday)"])]
    assert len(cells) == 7 * 24
    total = sum(int(c[1].split()[0]) for c in cells)
    assert total == sum(2 * k + 1 for k in range(10))
    # every message was written at 23:30 local time
    assert sum(int(c[1].split()[0]) for c in cells if c[0].endswith(" 23:00")) == total


def test_companion_filter_and_csv(history, app):
    app.switch_page("pages/dashboard.py").run()
    app.selectbox(key="dashboard_companion").set_value(0).run()  # all companions
    assert not app.exception
    assert metrics(app)["Messages in all"] == f"{sum(2 * k + 1 for k in range(10)) + 1:,}"
    assert tooltips(figures(app)["Where you talk"]) == ["Chat: 100 messages", "Imported: 1 message"]
    (download,) = [d for d in app.get("download_button") if "CSV" in d.proto.label]
    assert download.proto.label == "Download the daily table (CSV)"


def test_a_date_range_without_messages_says_so(history, app):
    app.switch_page("pages/dashboard.py").run()
    later = history["first"] + timedelta(days=1)
    app.selectbox(key="dashboard_companion").set_value(2).run()  # Ren: one message, day one
    app.date_input(key="dashboard_dates").set_value((later, history["today"])).run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("No messages between" in i.value for i in app.info)
    assert "Messages per day" not in figures(app)
    assert metrics(app)["Messages in all"] == "1"  # headline figures stay all-time


def test_charts_are_reused_but_never_stale(history, app, data_dir):
    """The figures are cached against their data: a message sent after a visit shows on the
    next visit, and the other language gets its own titles."""
    app.switch_page("pages/dashboard.py").run()
    before = per_day(figures(app)["Messages per day"])
    s = Store.open(data_dir)
    pid = personas.list_personas(s)[0].id
    messages.add(s, pid, "user", "one more today")
    s.close()
    app.switch_page("pages/dashboard.py").run()
    assert not app.exception, [e.value for e in app.exception]
    after = per_day(figures(app)["Messages per day"])
    assert counts(after[-1], "from you") == counts(before[-1], "from you") + 1
    s = Store.open(data_dir)
    settings_store.set(s, "language", "ja")
    s.close()
    app.switch_page("pages/dashboard.py").run()
    assert "1日のメッセージ数" in figures(app)
