import pytest

from memory import Store, messages, personas
from tests.openai_server import Answer
from tests.pages.conftest import PAGES, plain, shown_texts


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_an_empty_data_folder(app, page):
    app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.title or app.markdown


def test_first_start_opens_chat_with_a_starter_companion(app, data_dir):
    assert not app.exception
    assert any("Sora" in m.value for m in app.markdown)
    assert any("offline voice" in c.value for c in app.caption)
    assert (data_dir / "kizuna.duckdb").is_file()


def test_chat_round_trip_stores_both_messages(app, data_dir):
    app.chat_input[0].set_value("We walked through Korakuen Garden today").run()
    assert not app.exception
    s = Store.open(data_dir)
    pid = personas.list_personas(s)[0].id
    stored = messages.recent(s, pid)
    assert [m.role for m in stored] == ["user", "companion"]
    assert stored[0].content == "We walked through Korakuen Garden today"
    assert stored[1].provider == "offline"
    assert stored[1].content in shown_texts(app)


def test_whitespace_message_is_ignored(app, data_dir):
    app.chat_input[0].set_value("   \n  ").run()
    s = Store.open(data_dir)
    assert messages.count(s) == 0


def test_html_and_markdown_are_shown_as_typed(app):
    typed = "<b>hi</b> [link](http://x.jp) **y** :smile: $x$ www.example.com a@b.co"
    app.chat_input[0].set_value(typed).run()
    user_markdown = next(m.value for m in app.markdown if "link" in m.value)
    # every markdown-significant character is escaped, so the rendered text equals `typed`
    assert plain(user_markdown) == typed


def test_provider_failure_keeps_the_message_and_offers_retry(use_fake_openai, app, data_dir):
    use_fake_openai.default = Answer(status=500)
    app.chat_input[0].set_value("are you there?").run()
    assert not app.exception
    assert any("internal error" in plain(e.value) for e in app.error)
    s = Store.open(data_dir)
    pid = personas.list_personas(s)[0].id
    assert [(m.role, m.content) for m in messages.recent(s, pid)] == [("user", "are you there?")]
    use_fake_openai.default = Answer(chunks=["Sorry, ", "I'm here."])
    app.button(key="chat_retry").click().run()
    assert not app.exception
    assert [m.role for m in messages.recent(s, pid)] == ["user", "companion"]
    assert any("Sorry, I'm here." in t for t in shown_texts(app))
