"""The Settings page under AppTest, against the loopback OpenAI-format server."""

from memory import Store, messages, personas
from memory import settings as settings_store
from tests.openai_server import Answer
from tests.pages.conftest import plain

KEY = "sk-typed-in-settings-0123456789abcdef"


def open_settings(app):
    app.switch_page("pages/settings.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def fill_model(app, server, *, key: str | None = None):
    app.radio(key="settings_provider").set_value("openai").run()
    app.text_input(key="settings_base_url").input(server.base_url)
    app.text_input(key="settings_model").input("fake-model")
    if key:
        app.text_input(key="settings_api_key").input(key)


def test_test_connection_reaches_the_server_typed_without_saving(app, fake_openai, data_dir):
    fake_openai.script(Answer(chunks=["ok"]))
    open_settings(app)
    fill_model(app, fake_openai)
    app.button(key="settings_test").click().run()
    assert any("Connected: fake-model answered “ok”" in plain(s.value) for s in app.success)
    assert fake_openai.requests[-1]["body"]["model"] == "fake-model"
    s = Store.open(data_dir)
    assert settings_store.get(s, "base_url") is None  # testing is not saving


def test_test_connection_failure_is_one_plain_sentence(app, fake_openai):
    fake_openai.default = Answer(status=401)
    open_settings(app)
    fill_model(app, fake_openai, key="sk-wrong")
    app.button(key="settings_test").click().run()
    assert any("refused the API key" in plain(e.value) for e in app.error)
    assert not app.exception


def test_a_typed_key_is_used_but_never_reaches_the_data_folder(app, fake_openai, data_dir):
    fake_openai.default = Answer(chunks=["Hello ", "again."])
    open_settings(app)
    fill_model(app, fake_openai, key=KEY)
    app.button(key="settings_save").click().run()
    assert any("Saved" in s.value for s in app.success)
    app.switch_page("pages/chat.py").run()
    app.chat_input[0].set_value("is the key working?").run()
    assert not app.exception
    assert {k.lower(): v for k, v in fake_openai.requests[-1]["headers"].items()}[
        "authorization"
    ] == f"Bearer {KEY}"
    s = Store.open(data_dir)
    pid = personas.list_personas(s)[0].id
    assert [m.content for m in messages.recent(s, pid)][-1] == "Hello again."
    assert settings_store.get(s, "base_url") == fake_openai.base_url
    s.execute("CHECKPOINT")
    s.close()
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path


def test_time_zone_temperature_and_photo_choice_are_saved(app, data_dir):
    open_settings(app)
    app.radio(key="settings_provider").set_value("openai").run()
    app.selectbox(key="settings_timezone").set_value("Asia/Tokyo")
    app.slider(key="settings_temperature").set_value(0.3)
    app.selectbox(key="settings_vision").set_value("no")
    app.button(key="settings_save").click().run()
    s = Store.open(data_dir)
    assert settings_store.get(s, "timezone") == "Asia/Tokyo"
    assert settings_store.get(s, "temperature") == 0.3
    assert settings_store.get(s, "vision") is False
    assert any(str(data_dir.resolve()) in c.value for c in app.code)
