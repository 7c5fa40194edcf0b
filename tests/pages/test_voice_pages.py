"""His voice on the pages: the play button, failures with Retry, the Voice tab, Settings."""

from memory import Store, audio, messages, personas
from tests.openai_server import Answer, tone_wav
from tests.pages.conftest import open_tab, play


def starter(data_dir):
    s = Store.open(data_dir)
    return s, personas.ensure_starter(s).id


def speech_calls(server):
    return [r for r in server.requests if r["path"].endswith("/audio/speech")]


def test_play_reads_a_reply_once_and_plays_it_from_disk_after(use_fake_openai, app, data_dir):
    use_fake_openai.script(Answer(chunks=["The sea ", "is wide."]))
    app.chat_input[0].set_value("Tell me about the sea").run()
    s, pid = starter(data_dir)
    reply = messages.recent(s, pid)[-1]
    play(app, reply.id)
    assert not app.exception
    assert len(app.get("audio")) == 1
    assert [c["body"]["input"] for c in speech_calls(use_fake_openai)] == ["The sea is wide."]
    assert audio.read(s, audio.for_message(s, reply.id)) == tone_wav()
    # played again (and on every later run): from disk, never fetched twice
    play(app, reply.id)
    app.run()
    assert len(speech_calls(use_fake_openai)) == 1
    assert len(app.get("audio")) == 1


def test_a_missing_speech_endpoint_says_so_once_and_retry_works(use_fake_openai, app, data_dir):
    use_fake_openai.script(Answer(chunks=["Hello ", "you."]), Answer(status=404))
    app.chat_input[0].set_value("hi").run()
    s, pid = starter(data_dir)
    reply = messages.recent(s, pid)[-1]
    play(app, reply.id)
    assert not app.exception
    warnings = [w.value for w in app.warning]
    assert len(warnings) == 1 and "His voice is unavailable right now" in warnings[0]
    assert "no speech endpoint" in warnings[0]
    # the text reply is untouched and still shown
    assert messages.get(s, reply.id).content == "Hello you."
    assert any("Hello you." in m.value for m in app.chat_message[-1].markdown)
    app.button(key=f"voice_retry_{reply.id}").click().run()
    assert not app.warning
    assert len(app.get("audio")) == 1


def test_read_new_replies_aloud_plays_the_reply_that_just_arrived(use_fake_openai, app, data_dir):
    s, pid = starter(data_dir)
    audio.set_prefs(s, pid, audio.VoicePrefs(voice="coral", read_aloud=True))
    use_fake_openai.script(Answer(chunks=["Welcome ", "home."]))
    app.chat_input[0].set_value("I'm home").run()
    assert not app.exception
    assert len(app.get("audio")) == 1
    assert speech_calls(use_fake_openai)[0]["body"]["voice"] == "coral"


def test_the_voice_tab_keeps_voice_speed_and_read_aloud(app, data_dir):
    app.switch_page("pages/persona.py").run()
    open_tab(app, "persona_tab", "🔊 Voice")
    s, pid = starter(data_dir)
    app.slider(key=f"voice_speed_{pid}").set_value(1.3)
    app.toggle(key=f"voice_read_aloud_{pid}").set_value(True)
    app.text_input(key=f"voice_browser_{pid}").input("Kyoko")
    app.button(key=f"voice_save_{pid}").click().run()
    assert not app.exception
    assert audio.prefs(s, pid) == audio.VoicePrefs("alloy", 1.3, "Kyoko", True)
    # no model: the sample is spoken by the browser (nothing fails, nothing is stored)
    app.button(key=f"voice_sample_{pid}").click().run()
    assert not app.exception and not app.warning


def test_the_voice_sample_uses_the_speech_endpoint_with_a_provider(use_fake_openai, app, data_dir):
    app.switch_page("pages/persona.py").run()
    open_tab(app, "persona_tab", "🔊 Voice")
    _s, pid = starter(data_dir)
    app.selectbox(key=f"voice_voice_{pid}").set_value("nova")
    app.button(key=f"voice_sample_{pid}").click().run()
    assert not app.exception
    assert speech_calls(use_fake_openai)[0]["body"]["voice"] == "nova"
    assert len(app.get("audio")) == 1


def test_settings_can_choose_the_browser_voice_over_the_server(use_fake_openai, app, data_dir):
    app.switch_page("pages/settings.py").run()
    app.radio(key="settings_voice_source").set_value("browser")
    app.button(key="settings_voice_save").click().run()
    assert not app.exception
    app.switch_page("pages/chat.py").run()
    use_fake_openai.script(Answer(chunks=["Hi."]))
    app.chat_input[0].set_value("hello").run()
    s, pid = starter(data_dir)
    reply = messages.recent(s, pid)[-1]
    play(app, reply.id)
    assert not app.exception
    assert speech_calls(use_fake_openai) == []
    assert not app.get("audio")


def test_voice_messages_count_on_the_dashboard(app, data_dir):
    s, pid = starter(data_dir)
    audio.add_voice_message(s, pid, tone_wav(), transcript="hello from the train")
    audio.add_voice_message(s, pid, tone_wav(0.2), transcript=None, note="no_provider")
    messages.add(s, pid, "user", "typed")
    app.switch_page("pages/dashboard.py").run()
    assert not app.exception
    assert any("2 of them are voice messages" in c.value for c in app.caption)
    assert any(m.value == "3" for m in app.metric if m.label == "Messages in all")
