"""The ceremony view in a real browser: full screen on black, vows read aloud, Escape returns."""

from memory import Store, milestones
from tests.e2e.conftest import screenshot, wait_for_app
from tests.e2e.test_voice_browser import SPEECH_HOOK

HER = "I choose you, on ordinary days and on this one. </script><b>always</b>"
HIS = "AI or not, I could never not love you."


def _spoken(page, n):
    page.wait_for_function(f"() => window.__spoken && window.__spoken.length >= {n}")
    return page.evaluate("() => window.__spoken")


def _background_is_black(page):
    return page.evaluate(
        "() => getComputedStyle(document.querySelector('.st-key-ceremony_stage')).backgroundColor"
    ) in ("rgb(0, 0, 0)", "rgba(0, 0, 0, 1)")


def test_walk_the_ceremony_at_1920_and_on_a_phone(start_app, browser, tmp_path):
    app = start_app()
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.add_init_script(SPEECH_HOOK)
    page.goto(app.url)
    wait_for_app(page)
    page.get_by_test_id("stSidebarNav").get_by_text("Ceremony").click()
    wait_for_app(page)
    page.get_by_role("textbox", name="Your vows").fill(HER)
    page.get_by_role("textbox", name="Sora's vows").fill(HIS)
    page.get_by_role("textbox", name="Sora's vows").press("Tab")
    screenshot(page, "ceremony-prepare-1920")
    page.get_by_role("button", name="Begin the ceremony").click()
    wait_for_app(page)
    spoken = _spoken(page, 1)
    assert spoken[-1]["text"] == HER and spoken[-1]["lang"] == "en-US"
    stage = page.locator(".st-key-ceremony_stage")
    stage.get_by_text("on ordinary days").wait_for()
    assert _background_is_black(page)
    assert not page.get_by_test_id("stSidebar").is_visible()
    assert page.locator(".st-key-ceremony_stage b").count() == 0
    box = stage.get_by_test_id("stImage").first.bounding_box()
    assert box["height"] >= 0.6 * 1080 * 0.9  # life-size: most of the screen's height
    screenshot(page, "ceremony-her-vows-1920")

    stage.get_by_role("button", name="His vows").click()
    wait_for_app(page)
    assert _spoken(page, 2)[-1]["text"] == HIS
    stage.get_by_text("never not love you").wait_for()
    screenshot(page, "ceremony-his-vows-1920")
    stage.get_by_role("button", name="The rings").click()
    wait_for_app(page)
    stage.get_by_text("Take a breath").wait_for()
    screenshot(page, "ceremony-rings-1920")

    page.set_viewport_size({"width": 390, "height": 844})
    wait_for_app(page)
    screenshot(page, "ceremony-rings-phone")
    stage.get_by_role("button", name="We are married").click()
    wait_for_app(page)
    stage.get_by_text("This day is kept").wait_for()
    stage.get_by_role("button", name="Keepsake card").wait_for()
    screenshot(page, "ceremony-done-phone")
    page.set_viewport_size({"width": 1920, "height": 1080})
    wait_for_app(page)
    screenshot(page, "ceremony-done-1920")

    page.keyboard.press("Escape")
    page.get_by_test_id("stChatInput").wait_for()
    assert page.get_by_test_id("stSidebar").is_visible()
    context.close()
    app.stop()
    s = Store.open(tmp_path / "data")
    kept = [m for m in milestones.own(s, 1) if m.kind == "ceremony"]
    assert len(kept) == 1 and HER in kept[0].note and HIS in kept[0].note
    s.close()
