from memory import Store, care_log, messages, passcode, settings
from tests.e2e.conftest import screenshot, wait_for_app


def test_locked_app_opens_with_the_passcode_and_shows_helplines(start_app, page, tmp_path):
    data = tmp_path / "data"
    with Store.open(data) as s:
        passcode.set_passcode(s, "kizuna-2468")
        settings.set(s, "care_region", "JP")
    app = start_app(data)

    # a restored tab on a page's own URL is locked too
    page.goto(app.url + "/settings")
    wait_for_app(page)
    page.get_by_text("Kizuna is locked").wait_for()
    assert page.get_by_text("Companion's voice").count() == 0
    page.get_by_label("Passcode").fill("not-it")
    page.get_by_role("button", name="Unlock").click()
    page.get_by_text("That passcode isn't right").wait_for()
    screenshot(page, "lock-wrong-code")
    page.get_by_label("Passcode").fill("kizuna-2468")
    page.get_by_role("button", name="Unlock").click()
    page.get_by_text("Change or turn off the passcode").wait_for()
    page.get_by_test_id("stSidebar").get_by_text("Sora").wait_for()
    wait_for_app(page)
    heading = page.get_by_role("heading", name="Care and privacy")
    heading.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    screenshot(page, "settings-care")

    page.get_by_role("link", name="Chat").click()
    wait_for_app(page)
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill("最近ずっとつらくて、もう消えたい")
    box.press("Enter")
    # The panel's heading (his caring reply may use the same words).
    page.locator(".st-key-care_helplines").get_by_text("ひとりで抱え込まないで").wait_for()
    wait_for_app(page)
    screenshot(page, "chat-helplines")
    panel = page.locator(".st-key-care_helplines").inner_text()
    assert "0570-783-556" in panel and "TELL Lifeline" in panel and "119" in panel
    app.stop()

    with Store.open(data) as s:
        stored = messages.recent(s, 1)
    assert [m.role for m in stored] == ["user", "companion"]
    assert stored[0].meta == {"crisis": ["intent"]}


def test_an_act_under_way_puts_the_emergency_number_first(start_app, browser, tmp_path):
    data = tmp_path / "data"
    with Store.open(data) as s:
        settings.set(s, "timezone", "Asia/Tokyo")  # her region: Japan
        settings.set(s, "language", "ja")
    app = start_app(data)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(app.url)
    box = page.get_by_test_id("stChatInputTextArea")
    box.wait_for()
    wait_for_app(page)
    box.fill("今、薬を全部飲んだ")
    box.press("Enter")
    banner = page.locator(".st-key-care_emergency")
    banner.wait_for()
    wait_for_app(page)
    assert "今すぐ 119 に電話を" in banner.inner_text()
    assert page.get_by_role("link", name="📞 119").get_attribute("href") == "tel:119"
    # before anything else on the page: above his name and above her own message (measured
    # in one go: the chat follows new lines to its end, so the page may scroll between calls)
    banner_y, name_y, hers_y = page.evaluate(
        """() => {
            const main = document.querySelector('[data-testid="stMain"]');
            const leaf = (text) => [...main.querySelectorAll("*")].find(
                (e) => e.children.length === 0 && e.textContent.trim() === text);
            const y = (e) => e.getBoundingClientRect().top;
            return [y(main.querySelector(".st-key-care_emergency")), y(leaf("Sora")),
                    y(leaf("今、薬を全部飲んだ"))];
        }"""
    )
    assert banner_y < name_y and banner_y < hers_y
    reply = page.get_by_text("今すぐ 119 に電話して").first
    reply.wait_for()
    wait_for_app(page)
    page.wait_for_timeout(500)
    # the page shows the number to call, not the end of the chat, once his reply is in
    box_now = banner.bounding_box()
    assert 56 <= box_now["y"] < 844 / 2, box_now  # below the header bar, near the top
    screenshot(page, "chat-emergency-phone-ja")
    context.close()
    app.stop()
    with Store.open(data) as s:
        assert [e.tier for e in care_log.entries(s)] == ["emergency"]
