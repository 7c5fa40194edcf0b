from datetime import UTC, datetime, timedelta

from companion import greetings
from memory import Store, messages, personas, settings
from tests.e2e.conftest import BUBBLE, bubbles, screenshot, wait_for_app

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
    page.wait_for_function("(sel) => document.querySelectorAll(sel).length >= 2", arg=BUBBLE)
    # the stored reply is shown with its caption after the rerun that follows the stream
    bubbles(page).last.get_by_text("offline voice").wait_for()
    wait_for_app(page)

    # 20,000 characters of HTML-, Markdown-, Japanese-, emoji- and RTL-looking text.
    long_text = (TRICKY + " ") * (20_000 // (len(TRICKY) + 1))
    long_text = (long_text + "x" * 20_000)[:20_000]
    box.fill(long_text)
    box.press("Enter")
    page.wait_for_function("(sel) => document.querySelectorAll(sel).length >= 4", arg=BUBBLE)
    wait_for_app(page)
    page.get_by_text("4 messages today").wait_for()  # the sidebar after the final rerun
    screenshot(page, "chat-first-reply")
    shown_bubbles = bubbles(page)
    shown_long = shown_bubbles.nth(2).get_by_test_id("stMarkdownContainer").first.inner_text()
    assert shown_long == long_text
    assert shown_bubbles.nth(2).locator("b, script, ol").count() == 0
    shown = shown_bubbles.all_inner_texts()
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


HER_TRICK = '<img src=x onerror="window.pwned=1"> <script>window.pwned=2</script> **not bold**'


def test_a_screenful_is_one_element_her_words_stay_text_and_its_menus_work(
    start_app, browser, tmp_path
):
    folder = tmp_path / "data"
    with Store.open(folder) as s:
        settings.set(s, greetings.ENABLED_SETTING, False)
        pid = personas.ensure_starter(s).id
        start = datetime.now(UTC) - timedelta(hours=3)
        for i in range(44):
            role = "user" if i % 2 == 0 else "companion"
            messages.add(s, pid, role, f"line {i}", created_at=start + timedelta(minutes=i))
        asked = messages.add(s, pid, "user", HER_TRICK, created_at=start + timedelta(minutes=50))
        reply = messages.add(
            s,
            pid,
            "companion",
            "*smiles* **welcome home**",
            reply_to=asked.id,
            provider="openai",
            model="fake-model",
            created_at=start + timedelta(minutes=51),
        )
    app = start_app(folder)
    for width, height, name in ((1280, 900, "desktop"), (390, 844, "phone")):
        context = browser.new_context(
            viewport={"width": width, "height": height}, has_touch=width < 500
        )
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(app.url)
        wait_for_app(page)
        hers = page.get_by_role("article", name="Your message").filter(has_text="onerror")
        hers.wait_for()
        # The forty messages of the screenful are one element, not Streamlit's bubbles.
        assert page.locator("[data-testid='chatBubble']").count() == 40
        assert page.locator(".kzm-list").count() == 1
        assert page.get_by_test_id("stChatMessage").count() == 0
        # Her words as she typed them: nothing in them became an element or ran.
        assert hers.locator(".kzm-text").inner_text() == HER_TRICK
        assert hers.locator("img:not(.kzm-avatar), script, strong").count() == 0
        assert page.evaluate("() => window.pwned === undefined")
        # His reply keeps its light emphasis, as text a screen reader reads.
        his = page.get_by_role("article", name="Message from Sora").last
        assert his.locator("em").inner_text() == "smiles"
        assert his.locator("strong").inner_text() == "welcome home"
        assert "fake-model" in his.inner_text()
        screenshot(page, f"chat-one-element-{name}")
        context.close()

    # "⋯" on a bubble opens that message's menu; deleting from it asks first.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(app.url)
    wait_for_app(page)
    his = page.get_by_role("article", name="Message from Sora").last
    his.get_by_role("button", name="More").click()
    page.get_by_role("button", name="Delete message").click()
    page.get_by_text("Delete this message for good?").wait_for()
    screenshot(page, "chat-one-element-delete")
    page.get_by_role("button", name="Yes, delete").click()
    page.get_by_text("Message deleted.").wait_for()
    wait_for_app(page)
    assert page.get_by_text("welcome home").count() == 0
    assert bubbles(page).last.inner_text().startswith(HER_TRICK)
    context.close()
    app.stop()
    with Store.open(folder) as s:
        assert messages.get(s, reply.id) is None
        assert messages.get(s, asked.id) is not None
