"""His replies in a real browser: light Markdown only, nothing loaded, nothing sideways.

The model (the loopback server) answers with a tracking pixel on its own address, a link,
maths, colour, an icon shortcode and raw HTML; the same server records every GET, so an
image the page tried to load would show up there. At phone width nothing may scroll sideways,
not a 10,000-character word, not a 200,000-character reply.
"""

from __future__ import annotations

from tests.e2e.conftest import bubbles, screenshot, wait_for_app
from tests.openai_server import Answer

PHONE = {"width": 390, "height": 844}
NO_SIDEWAYS_SCROLL = (
    "() => document.documentElement.scrollWidth <= window.innerWidth"
    " && [...document.querySelectorAll(\"[data-testid='stChatMessage'],"
    " [data-testid='chatBubble']\")]"
    ".every(e => e.scrollWidth <= e.clientWidth + 1)"
)


def test_reply_loads_nothing_and_keeps_light_markdown_at_phone_width(
    start_app, browser, fake_openai
):
    pixel = fake_openai.base_url.removesuffix("/v1") + "/px.png"
    word = "a" * 10_000
    fake_openai.script(
        Answer(
            chunks=[
                f"*smiles* **welcome home**\n- tea\n- cake\n\n![]({pixel}) ",
                f'<img src="{pixel}"> [see this](http://127.0.0.1:9/away) $x^2$ ',
                f":red[red] :material/home: {word}",
            ]
        ),
        Answer(chunks=["long " * 2_000] * 20),  # 200,000 characters
    )
    app = start_app(
        OPENAI_BASE_URL=fake_openai.base_url,
        OPENAI_API_KEY="sk-test-not-a-real-key",
        KIZUNA_MODEL="fake-model",
        KIZUNA_TIMEOUT="10",
    )
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(app.url)
        wait_for_app(page)
        box = page.get_by_test_id("stChatInputTextArea")
        box.fill("I'm home")
        box.press("Enter")
        reply = bubbles(page).nth(1)
        reply.get_by_text("fake-model").wait_for()  # the stored reply, after the rerun
        wait_for_app(page)
        screenshot(page, "phone-chat-unsafe-reply")

        shown = reply.get_by_test_id("stMarkdownContainer").first
        assert shown.locator("em").inner_text() == "smiles"
        assert shown.locator("strong").inner_text() == "welcome home"
        assert shown.locator("li").all_inner_texts() == ["tea", "cake"]
        assert shown.locator("img, .katex, svg, [data-testid='stIconMaterial']").count() == 0
        text = shown.inner_text()
        assert pixel in text  # the image's address is shown, not loaded
        assert "see this (http://127.0.0.1:9/away)" in text  # a link shows where it goes
        assert "$x^2$" in text and ":red[red]" in text and ":material/home:" in text
        assert '<img src="' in text
        assert page.evaluate(NO_SIDEWAYS_SCROLL)

        box.fill("and a long story?")
        box.press("Enter")
        bubbles(page).nth(3).get_by_text("fake-model").wait_for()
        wait_for_app(page)
        assert page.evaluate(NO_SIDEWAYS_SCROLL)
        assert fake_openai.gets == []  # the browser never asked for the pixel
    finally:
        context.close()
