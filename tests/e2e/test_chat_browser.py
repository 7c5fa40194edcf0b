from memory import Store, messages
from tests.e2e.conftest import screenshot, wait_for_app

TRICKY = (
    "<b>not bold</b> [not a link](http://example.com) **stars** $x$ :smile: "
    "1. not a list # 今日は後楽園🌸 مرحبا بك &amp; <script>alert(1)</script>"
)


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
    # the stored reply is shown with its caption after the rerun that follows the stream
    page.get_by_test_id("stChatMessage").last.get_by_text("offline voice").wait_for()
    wait_for_app(page)

    # 20,000 characters of HTML-, Markdown-, Japanese-, emoji- and RTL-looking text.
    long_text = (TRICKY + " ") * (20_000 // (len(TRICKY) + 1))
    long_text = (long_text + "x" * 20_000)[:20_000]
    box.fill(long_text)
    box.press("Enter")
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stChatMessage\"]').length >= 4"
    )
    wait_for_app(page)
    page.get_by_text("4 messages today").wait_for()  # the sidebar after the final rerun
    screenshot(page, "chat-first-reply")
    bubbles = page.get_by_test_id("stChatMessage")
    shown_long = bubbles.nth(2).get_by_test_id("stMarkdownContainer").first.inner_text()
    assert shown_long == long_text
    assert bubbles.nth(2).locator("b, script, ol").count() == 0
    shown = bubbles.all_inner_texts()
    app.stop()

    s = Store.open(tmp_path / "data")
    stored = messages.recent(s, 1)
    assert [m.role for m in stored] == ["user", "companion", "user", "companion"]
    assert stored[2].content == long_text
    reply_text = stored[1].content
    s.close()
    assert reply_text
    assert reply_text.split()[0] in shown[1]
    assert "offline voice" in shown[1]


def test_a_second_kizuna_on_the_same_folder_says_it_is_in_use(start_app, page, tmp_path):
    first = start_app(tmp_path / "shared")
    page.goto(first.url)
    wait_for_app(page)
    page.get_by_text("This is the beginning of your story").wait_for()  # holds the folder

    second = start_app(tmp_path / "shared")
    page.goto(second.url)
    wait_for_app(page)
    page.get_by_text("already in use by another Kizuna").wait_for()
    screenshot(page, "second-instance")
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and "IOException" not in body
