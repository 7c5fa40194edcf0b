"""He speaks first on the chat page: one greeting waiting after a gap, none on reruns."""

from datetime import UTC, datetime, timedelta

from streamlit.testing.v1 import AppTest

from memory import Store, messages, personas
from tests.pages.conftest import APP, bubbles, message_count


def test_after_a_gap_the_chat_opens_with_one_greeting(data_dir):
    s = Store.open(data_dir)
    pid = personas.ensure_starter(s).id
    back = datetime.now(UTC) - timedelta(days=2, hours=1)
    asked = messages.add(s, pid, "user", "good night", created_at=back)
    messages.add(s, pid, "companion", "sleep well", reply_to=asked.id, created_at=back)
    s.close()
    app = AppTest.from_file(str(APP), default_timeout=60).run()  # she opens Kizuna
    s = Store.open(data_dir, migrate=False)
    assert not app.exception
    greeting = bubbles(app)[-1]
    assert greeting["text"] == "It's been two days… I missed you."
    assert "he wrote first" in greeting["stamp"]
    app.run()
    app.run()
    greetings = [m for m in messages.recent(s, pid) if m.source == "greeting"]
    assert len(greetings) == 1 and message_count(app) == 3
    # a greeting is not a reply: no "Get a reply" and no "Regenerate" under it
    keys = {b.key for b in app.button}
    assert "chat_answer_pending" not in keys


def test_greetings_can_be_turned_off_in_settings(app, data_dir):
    app.switch_page("pages/settings.py").run()
    app.toggle(key="settings_greetings_on").set_value(False)
    app.button(key="settings_greetings_save").click().run()
    assert not app.exception
    s = Store.open(data_dir)
    pid = personas.ensure_starter(s).id
    back = datetime.now(UTC) - timedelta(days=3)
    messages.add(s, pid, "user", "hello?", created_at=back)
    app.switch_page("pages/chat.py").run()
    assert not app.exception
    assert [m.source for m in messages.recent(s, pid)] == ["chat"]
