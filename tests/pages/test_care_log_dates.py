"""The Settings page's care log writes its days as the rest of the app does, per language."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from streamlit.testing.v1 import AppTest

from memory import Store, care_log, personas
from memory import settings as settings_store
from tests.pages.conftest import APP


@pytest.mark.parametrize(
    ("language", "shown", "not_shown"),
    [("ja", "2026年11月3日", "2026-11-03"), ("en", "3 November 2026", "2026-11-03")],
)
def test_the_care_log_shows_days_in_her_language(tmp_path, monkeypatch, language, shown, not_shown):
    monkeypatch.setenv("KIZUNA_DATA_DIR", str(tmp_path))
    with Store.open(tmp_path) as s:
        settings_store.set(s, "timezone", "Asia/Tokyo")
        settings_store.set(s, "language", language)
        personas.ensure_starter(s)
        when = datetime(2026, 11, 3, 21, 30, tzinfo=ZoneInfo("Asia/Tokyo"))
        care_log.record(s, "crisis", now=when)
        care_log.record(s, "crisis", now=when)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.switch_page("pages/settings.py")
    at.run()
    assert not at.exception
    log = [m.value for m in at.markdown if "💗" in m.value]
    assert log and shown in log[0] and not_shown not in log[0], log
