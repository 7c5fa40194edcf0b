"""Timeline → Days in words under AppTest: written in the background with a model, editable."""

import time

from memory import Store, day_summaries
from tests.companion.test_day_summaries import three_days
from tests.openai_server import Answer
from tests.pages.conftest import APP, plain


def test_days_are_summarised_in_the_background_shown_and_edited(data_dir, fake_openai, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("KIZUNA_MODEL", "fake-model")
    s = Store.open(data_dir)
    pid = three_days(s)
    from memory import personas

    personas.choose(s, pid)
    fake_openai.default = Answer(chunks=["They talked about their day."])
    app = AppTest.from_file(str(APP), default_timeout=60).run()
    app.switch_page("pages/timeline.py").run()
    assert not app.exception, [e.value for e in app.exception]
    app.button(key="timeline_days_start").click().run()
    deadline = time.monotonic() + 30
    while day_summaries.count(s, pid) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)  # the background thread calls the loopback server three times
    assert day_summaries.count(s, pid) == 3
    app.run()
    shown = [plain(m.value) for m in app.markdown]
    assert "They talked about their day." in shown
    day = day_summaries.recent(s, pid)[0].day
    app.text_area(key=f"timeline_day_text_{day}").input("Curry night.")
    app.button(key=f"timeline_day_save_{day}").click().run()
    assert day_summaries.get(s, pid, day).body == "Curry night."
    assert "Curry night." in [plain(m.value) for m in app.markdown]
