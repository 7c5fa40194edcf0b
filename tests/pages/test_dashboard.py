import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from memory import Store, messages, personas
from memory import settings as settings_store

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
    found = {}
    for chart in app.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        found[spec["layout"]["title"]["text"]] = spec
    return found


def test_new_user_sees_a_friendly_empty_state_without_charts(app):
    app.switch_page("pages/dashboard.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("Nothing to count yet" in i.value for i in app.info)
    assert app.get("plotly_chart") == []
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
    bars = charts["Messages per day"]["data"]
    assert bars[0]["name"] == "You → companion"
    assert [int(v) for v in _values(bars[0]["y"])] == list(range(1, 11))
    assert [int(v) for v in _values(bars[1]["y"])] == list(range(10))
    heat = charts["When you talk (hour of day × weekday)"]["data"][0]
    grid = _values(heat["z"])
    assert sum(map(sum, grid)) == sum(2 * k + 1 for k in range(10))
    # every message was written at 23:30 local time
    assert sum(row[23] for row in grid) == sum(map(sum, grid))


def test_companion_filter_and_csv(history, app):
    app.switch_page("pages/dashboard.py").run()
    app.selectbox(key="dashboard_companion").set_value(0).run()  # all companions
    assert not app.exception
    assert metrics(app)["Messages in all"] == f"{sum(2 * k + 1 for k in range(10)) + 1:,}"
    sources = figures(app)["Where you talk"]["data"][0]
    assert dict(zip(sources["y"], _values(sources["x"]), strict=True)) == {
        "Chat": 100,
        "Imported": 1,
    }
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


def _values(seq):
    """Plotly may encode arrays as {"dtype", "bdata"}; decode those to a list."""
    if isinstance(seq, dict) and "bdata" in seq:
        import base64

        import numpy as np

        array = np.frombuffer(base64.b64decode(seq["bdata"]), dtype=seq["dtype"])
        if "shape" in seq:
            array = array.reshape([int(x) for x in str(seq["shape"]).split(",")])
        return array.tolist()
    return list(seq)


def test_charts_are_reused_but_never_stale(history, app, data_dir):
    """The figures are cached against their data: a message sent after a visit shows on the
    next visit, and the other language gets its own titles."""
    app.switch_page("pages/dashboard.py").run()
    before = figures(app)["Messages per day"]["data"]
    s = Store.open(data_dir)
    pid = personas.list_personas(s)[0].id
    messages.add(s, pid, "user", "one more today")
    s.close()
    app.switch_page("pages/dashboard.py").run()
    assert not app.exception, [e.value for e in app.exception]
    after = figures(app)["Messages per day"]["data"]
    assert _values(after[0]["y"])[-1] == _values(before[0]["y"])[-1] + 1
    s = Store.open(data_dir)
    settings_store.set(s, "language", "ja")
    s.close()
    app.switch_page("pages/dashboard.py").run()
    assert "1日のメッセージ数" in figures(app)
