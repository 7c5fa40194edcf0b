from memory import Store, messages
from tests.e2e.conftest import screenshot, wait_for_app


def test_new_user_says_hello_and_the_offline_voice_answers(start_app, page, tmp_path):
    app = start_app()
    page.goto(app.url)
    wait_for_app(page)
    page.get_by_text("This is the beginning of your story").wait_for()
    screenshot(page, "chat-empty")

    box = page.get_by_test_id("stChatInputTextArea")
    box.fill("Hello Sora, I just got home from the aquarium 🐠")
    box.press("Enter")

    page.get_by_text("Hello Sora, I just got home from the aquarium 🐠").wait_for()
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stChatMessage\"]').length >= 2"
    )
    # the stored reply (after the page reruns) carries the "offline voice" label
    page.get_by_test_id("stChatMessage").last.get_by_text("offline voice").wait_for()
    wait_for_app(page)
    screenshot(page, "chat-first-reply")
    shown = page.get_by_test_id("stChatMessage").all_inner_texts()
    app.stop()

    s = Store.open(tmp_path / "data")
    stored = messages.recent(s, 1)
    assert [m.role for m in stored] == ["user", "companion"]
    reply_text = stored[1].content
    s.close()
    assert reply_text
    assert reply_text.split()[0] in shown[-1]
    assert "offline voice" in shown[-1]
