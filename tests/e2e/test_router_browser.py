"""A page's own URL opened first on a fresh server still gets the router, the sidebar, the lock."""

from memory import Store, passcode
from tests.e2e.conftest import screenshot, wait_for_app


def test_album_url_first_on_fresh_server_shows_sidebar(start_app, page, tmp_path):
    app = start_app()
    page.goto(app.url + "/album")
    wait_for_app(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Sora").wait_for()  # the persona card the router draws
    assert sidebar.get_by_role("link", name="Chat").count() == 1
    page.get_by_role("heading", name="Album").first.wait_for()
    screenshot(page, "album-first-request")


def test_settings_url_first_on_fresh_server_is_locked(start_app, page, tmp_path):
    data = tmp_path / "data"
    with Store.open(data) as s:
        passcode.set_passcode(s, "kizuna-2468")
    app = start_app(data)
    page.goto(app.url + "/settings")
    wait_for_app(page)
    page.get_by_text("Kizuna is locked").wait_for()
    assert page.get_by_text("Change or turn off the passcode").count() == 0
    page.get_by_label("Passcode").fill("kizuna-2468")
    page.get_by_role("button", name="Unlock").click()
    page.get_by_text("Change or turn off the passcode").wait_for()
    page.get_by_test_id("stSidebar").get_by_role("link", name="Album").wait_for()
