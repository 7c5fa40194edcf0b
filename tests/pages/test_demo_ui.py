"""The "Try it with sample memories" button and the demo banner, under AppTest.

Under AppTest only the first run of a session executes app.py (later runs go straight to the
page, because the project has a `pages/` folder), so the banner is checked on the first run
of a session that has chosen the demo; the browser test checks it on every page.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from streamlit.testing.v1 import AppTest

from memory import Store, demo, messages, personas
from tests.pages.conftest import APP, bubble_texts, message_count
from ui.demo import SESSION_KEY

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _banner(app) -> list[str]:
    return [w.value for w in app.warning if "Demo data" in w.value]


def _demo_folder(data_dir):
    return data_dir.with_name(data_dir.name + "-demo")


def test_try_demo_opens_a_sample_year_and_leaves_your_folder_untouched(app, data_dir):
    assert not _banner(app)
    app.button(key="chat_try_demo").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.session_state[SESSION_KEY] == str(_demo_folder(data_dir))
    assert any("Hikari" in m.value for m in app.markdown)
    assert message_count(app) > 10  # the latest part of a year of conversation

    s = Store.open(_demo_folder(data_dir))
    assert demo.is_filled(s) and messages.count(s) > 20_000
    s.close()
    real = Store.open(data_dir)
    assert messages.count(real) == 0
    assert [p.name for p in personas.list_personas(real)] == ["Sora"]
    real.close()


def test_demo_banner_shows_and_leave_demo_returns_to_your_folder(data_dir):
    folder = _demo_folder(data_dir)
    s = Store.open(folder)
    demo.fill(s, now=datetime.now(UTC) - timedelta(hours=1), days=20)
    s.close()
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.session_state[SESSION_KEY] = str(folder)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert _banner(app) and "your own data is untouched" in _banner(app)[0]
    assert any("Hikari" in m.value for m in app.markdown)

    app.button(key="demo_leave").click().run()
    assert not app.exception
    assert SESSION_KEY not in app.session_state
    assert any("Sora" in m.value for m in app.markdown)
    assert app.button(key="chat_try_demo")  # offered again: your folder is still empty


def test_try_demo_is_not_offered_once_you_have_messages(app):
    app.chat_input[0].set_value("hello").run()
    assert not app.exception
    assert not [b for b in app.button if b.key == "chat_try_demo"]


def test_try_demo_refuses_a_sibling_folder_holding_real_data(app, data_dir):
    sibling = Store.open(_demo_folder(data_dir))
    messages.add(sibling, personas.ensure_starter(sibling).id, "user", "not a demo")
    sibling.close()
    app.button(key="chat_try_demo").click().run()
    assert not app.exception
    assert any("already holds your own data" in e.value for e in app.error)
    assert SESSION_KEY not in app.session_state


def test_a_folder_made_by_the_cli_shows_the_banner_without_a_way_out(data_dir):
    s = Store.open(data_dir)
    demo.fill(s, now=datetime.now(UTC) - timedelta(hours=1), days=20)
    s.close()
    app = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not app.exception
    assert _banner(app)
    assert not [b for b in app.button if b.key == "demo_leave"]
    assert not [b for b in app.button if b.key == "chat_try_demo"]


def test_try_demo_in_japanese_opens_a_japanese_year_in_japanese(data_dir):
    from memory import settings as settings_store

    s = Store.open(data_dir)
    settings_store.set(s, "language", "ja")  # chosen on Settings, whatever the browser says
    s.close()
    app = AppTest.from_file(str(APP), default_timeout=90).run()
    app.button(key="chat_try_demo").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("湊" in m.value for m in app.markdown)
    # The messages drawn by Streamlit and the ones drawn as one element (plain text) alike.
    said = [m.value for chat in app.chat_message for m in chat.markdown] + bubble_texts(app)
    assert said and all(JAPANESE.search(text) for text in said)
    with Store.open(_demo_folder(data_dir)) as demo_folder:
        assert demo.language_of(demo_folder) == "ja"
        assert settings_store.get(demo_folder, "language") == "ja"


def test_a_demo_in_another_language_can_be_written_again_in_the_interfaces(data_dir):
    from memory import settings as settings_store

    s = Store.open(data_dir)
    demo.fill(s, now=datetime.now(UTC) - timedelta(hours=1), days=20, language="en")
    settings_store.set(s, "language", "ja")
    s.close()
    app = AppTest.from_file(str(APP), default_timeout=90).run()
    assert any("Hikari" in m.value for m in app.markdown)
    remake = app.button(key="demo_relanguage")
    assert remake.label == "サンプルの一年を日本語で作り直す"
    remake.click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("湊" in m.value for m in app.markdown)
    assert not [b for b in app.button if b.key == "demo_relanguage"]
    with Store.open(data_dir) as s:
        assert demo.language_of(s) == "ja"
        assert [p.name for p in personas.list_personas(s)] == ["湊"]
