"""The interface language on screen: first start, Settings, remembered in DuckDB."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from memory import Store
from memory import settings as settings_store
from tests.pages.conftest import APP


def run_app(data_dir, language: str | None = None) -> AppTest:
    if language:
        s = Store.open(data_dir)
        settings_store.set(s, "language", language)
        s.close()
    at = AppTest.from_file(str(APP), default_timeout=60)
    return at.run()


def test_first_start_offers_the_language_and_remembers_the_choice(data_dir):
    at = run_app(data_dir)
    picker = at.sidebar.get("segmented_control")[0]
    assert picker.label == "🌐 言語 · Language"
    picker.set_value("ja").run()
    assert not at.exception
    at.switch_page("pages/settings.py").run()
    assert at.title[0].value == "設定"
    # Chosen once, the sidebar stops asking; the choice is in the database.
    assert not at.sidebar.get("segmented_control")
    s = Store.open(data_dir)
    assert settings_store.get(s, "language") == "ja"


def test_settings_switches_the_interface_back_to_english(data_dir):
    at = run_app(data_dir, "ja")
    at.switch_page("pages/settings.py").run()
    assert at.title[0].value == "設定"
    at.segmented_control(key="settings_language").set_value("en").run()
    assert at.title[0].value == "Settings"
    assert not at.exception
