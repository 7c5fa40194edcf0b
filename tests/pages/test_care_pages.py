"""Care on the pages: the helpline panel, the budget note, Care settings and the lock."""

import time

from streamlit.testing.v1 import AppTest

from memory import Store, messages, passcode, personas, settings, wellbeing
from tests.pages.conftest import APP, bubble_texts


def texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in at.info] + [e.value for e in at.error]
    return "\n".join(parts).replace("\\", "") + "\n" + "\n".join(bubble_texts(at))


def test_crisis_words_bring_helplines_for_the_chosen_region(app, data_dir):
    with Store.open(data_dir) as s:
        settings.set(s, "care_region", "JP")
    app.chat_input[0].set_value("I just want to disappear").run()
    assert not app.exception
    shown = texts(app)
    assert "You don't have to carry this alone" in shown
    assert "0570-783-556" in shown and "TELL Lifeline" in shown and "119" in shown
    # the companion still answers, with care
    assert "glad you told me" in shown


def test_hiding_the_panel_keeps_it_hidden_until_new_crisis_words(app):
    app.chat_input[0].set_value("死にたい").run()
    assert "ひとりで抱え込まないで" in texts(app)  # in the user's language
    app.button(key="care_hide_helplines").click().run()
    assert "ひとりで抱え込まないで" not in texts(app)
    app.chat_input[0].set_value("I want to die").run()
    assert "You don't have to carry this alone" in texts(app)


def test_figures_of_speech_bring_no_panel(app):
    app.chat_input[0].set_value("this traffic is killing me, I'm dying to see you").run()
    app.chat_input[0].set_value("死ぬほど笑った").run()
    assert not app.exception
    assert "You don't have to carry this alone" not in texts(app)
    assert "ひとりで抱え込まないで" not in texts(app)


def test_region_setting_changes_the_lines_shown(app):
    app.switch_page("pages/settings.py").run()
    app.selectbox(key="settings_care_region").set_value("UK").run()
    assert not app.exception
    app.switch_page("pages/chat.py").run()
    app.chat_input[0].set_value("I want to hurt myself").run()
    shown = texts(app)
    assert "116 123" in shown and "Samaritans" in shown
    assert "0570-783-556" not in shown


def test_budget_note_appears_once_the_budget_is_passed(app, data_dir):
    app.switch_page("pages/settings.py").run()
    app.toggle(key="settings_budget_on").set_value(True).run()
    app.number_input(key="settings_budget").set_value(2).run()
    with Store.open(data_dir) as s:
        assert wellbeing.budget(s) == 2
    app.switch_page("pages/chat.py").run()
    app.chat_input[0].set_value("one").run()
    app.chat_input[0].set_value("two").run()
    assert "gentle limit" not in texts(app)
    app.chat_input[0].set_value("three").run()
    assert "You've sent 3 messages today — past the 2 you chose" in texts(app)
    app.button(key="care_budget_ok").click().run()
    assert "gentle limit" not in texts(app)


def test_wellbeing_panel_shows_time_together_and_budget(data_dir):
    with Store.open(data_dir) as s:
        pid = personas.ensure_starter(s).id
        for _ in range(3):
            messages.add(s, pid, "user", "hello")
        wellbeing.set_budget(s, 2)

    def panel():
        from ui import care, state

        s = state.store()
        care.wellbeing_panel(s, state.persona_id(s))

    at = AppTest.from_function(panel, default_timeout=30).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Time together today": "1 min", "Messages you sent": "3 of 2"}
    assert any("Past your daily budget" in c.value for c in at.caption)


def test_setting_a_passcode_then_a_new_session_is_locked(app, data_dir):
    app.switch_page("pages/settings.py").run()
    app.text_input(key="settings_passcode_new1").set_value("2468")
    app.text_input(key="settings_passcode_new2").set_value("2467")
    app.button(key="settings_passcode_set").click().run()
    assert "not the same" in texts(app)
    app.text_input(key="settings_passcode_new1").set_value("2468")
    app.text_input(key="settings_passcode_new2").set_value("2468")
    app.button(key="settings_passcode_set").click().run()
    assert not app.exception
    # this session stays open; a new browser session is asked
    assert "Kizuna is locked" not in texts(app)
    fresh = AppTest.from_file(str(APP), default_timeout=60).run()
    assert "Kizuna is locked" in texts(fresh)
    assert not fresh.chat_input


def locked_app(data_dir, code="2468", idle=None):
    with Store.open(data_dir) as s:
        passcode.set_passcode(s, code)
        if idle:
            passcode.set_idle_minutes(s, idle)
    return AppTest.from_file(str(APP), default_timeout=60).run()


def test_lock_screen_wrong_then_right_code(data_dir):
    at = locked_app(data_dir)
    assert "Kizuna is locked" in texts(at)
    assert not at.chat_input and not at.sidebar.markdown
    at.text_input(key="lock_code").set_value("1111")
    at.button[0].click().run()
    assert "That passcode isn't right" in texts(at)
    assert not at.chat_input
    at.text_input(key="lock_code").set_value("2468")
    at.button[0].click().run()
    assert not at.exception
    assert "Kizuna is locked" not in texts(at)
    assert at.chat_input  # the chat is open


def test_idle_session_locks_again(data_dir):
    at = locked_app(data_dir, idle=5)
    at.text_input(key="lock_code").set_value("2468")
    at.button[0].click().run()
    assert at.chat_input
    at.session_state["lock_last_active"] = time.time() - 4 * 60
    at.run()
    assert at.chat_input  # four idle minutes: still open
    at.session_state["lock_last_active"] = time.time() - 6 * 60
    at.run()
    assert "Kizuna is locked" in texts(at)
    assert "away for a while" in texts(at)
    assert not at.chat_input


def test_turning_the_passcode_off_needs_the_current_one(data_dir):
    at = locked_app(data_dir)
    at.text_input(key="lock_code").set_value("2468")
    at.button[0].click().run()
    at.switch_page("pages/settings.py").run()
    at.text_input(key="settings_passcode_old").set_value("9999")
    at.button(key="settings_passcode_off").click().run()
    assert "isn't right; nothing was changed" in texts(at)
    at.text_input(key="settings_passcode_old").set_value("2468")
    at.button(key="settings_passcode_off").click().run()
    assert not at.exception
    with Store.open(data_dir) as s:
        assert not passcode.is_set(s)


def test_an_act_under_way_in_the_journal_puts_the_emergency_number_first(data_dir):
    from datetime import datetime

    from companion import journal
    from companion.offline import OfflineVoice
    from memory import journal as journal_store

    with Store.open(data_dir) as s:
        settings.set(s, "timezone", "Asia/Tokyo")
        pid = personas.ensure_starter(s).id
        today = datetime.now(settings.timezone(s)).date()
        entry = journal_store.add(
            s, pid, "I took all my pills tonight. I'm sorry.", written_on=today
        )
        journal.Reflection(s, OfflineVoice(), entry.id).text()
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.switch_page("pages/journal.py").run()
    assert not at.exception
    shown = texts(at)
    assert "Call 119 now" in shown
    assert shown.index("Call 119 now") < shown.index("I took all my pills tonight")


def test_wrong_tries_slow_down_and_settings_shows_the_log(data_dir):
    at = locked_app(data_dir)
    for _ in range(passcode.FREE_TRIES):
        at.text_input(key="lock_code").set_value("1111")
        at.button[0].click().run()
    assert not at.exception
    assert "That passcode isn't right. Wait 1 second before the next try." in texts(at)
    at.text_input(key="lock_code").set_value("1111")  # straight away: not even checked
    at.button[0].click().run()
    assert any("Too many wrong tries" in w.value for w in at.warning)
    # Somebody kept guessing from another browser (the log as ten wrong tries leave it,
    # the last just now): a new browser session has to wait too, even with the right code.
    with Store.open(data_dir) as s:
        state = settings.get(s, passcode.FAILURES_SETTING)
        settings.set(s, passcode.FAILURES_SETTING, {**state, "streak": 10, "last": time.time()})
    fresh = AppTest.from_file(str(APP), default_timeout=60).run()
    fresh.text_input(key="lock_code").set_value("2468")
    fresh.button[0].click().run()
    assert "Kizuna is locked" in texts(fresh)
    assert any("Too many wrong tries" in w.value for w in fresh.warning)
    with Store.open(data_dir) as s:  # the wait runs out
        state = settings.get(s, passcode.FAILURES_SETTING)
        settings.set(s, passcode.FAILURES_SETTING, {**state, "last": state["last"] - 600})
    fresh.session_state["lock_wait_until"] = 0
    fresh.text_input(key="lock_code").set_value("2468")
    fresh.button[0].click().run()
    assert "Kizuna is locked" not in texts(fresh)
    fresh.switch_page("pages/settings.py").run()
    logged = [w.value for w in fresh.warning if "failed tries since" in w.value]
    assert logged and logged[0].startswith("3 failed tries since")
