"""Try it with sample memories, in a real browser: banner on every page, and back again."""

from __future__ import annotations

from memory import Store, messages
from tests.e2e.conftest import bubbles, screenshot, wait_for_app
from tests.e2e.test_walkthrough import PAGE_TITLES, open_page, scroll_to_top, settle

BANNER = "your own data is untouched"


def test_sample_memories_open_beside_your_data_and_leave_it_untouched(start_app, page, tmp_path):
    app = start_app()
    page.goto(app.url)
    wait_for_app(page)
    page.get_by_role("button", name="Try it with sample memories").click()
    page.get_by_text(BANNER).wait_for(timeout=90_000)
    bubbles(page).nth(10).wait_for()  # a year of conversation
    settle(page)
    screenshot(page, "demo-chat-latest")  # the chat opens at its latest message
    scroll_to_top(page)
    page.wait_for_timeout(300)
    page.get_by_text(BANNER).scroll_into_view_if_needed()
    screenshot(page, "demo-chat-top")

    for title in PAGE_TITLES[1:]:
        open_page(page, title)
        page.get_by_text(BANNER).wait_for()
        assert not page.get_by_test_id("stException").count(), title
        scroll_to_top(page)
        screenshot(page, f"demo-{title.lower()}")

    page.get_by_role("button", name="Leave demo").click()
    wait_for_app(page)
    open_page(page, "Chat")
    page.get_by_text("This is the beginning of your story").wait_for()
    assert not page.get_by_text(BANNER).count()
    app.stop()

    with Store.open(tmp_path / "data") as real:
        assert messages.count(real) == 0
    with Store.open(tmp_path / "data-demo") as sample:
        assert messages.count(sample) > 20_000
