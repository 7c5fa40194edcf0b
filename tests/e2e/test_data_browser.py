from pathlib import Path

from playwright.sync_api import Error as PlaywrightError

from memory import Store, backup, messages, personas
from tests.e2e.conftest import screenshot, wait_for_app
from tests.memory import chatgpt_samples as samples


def scroll_to(page, text: str) -> None:
    """Scroll a chat line into view. The chat can draw itself once more after it first looks
    settled (a greeting after a long gap, the speaker component); a line re-drawn under the
    scroll is found again rather than failing the test."""
    for _ in range(5):
        wait_for_app(page)
        try:
            page.get_by_text(text).first.scroll_into_view_if_needed(timeout=10_000)
            return
        except PlaywrightError as exc:
            if "not attached" not in str(exc):
                raise
    page.get_by_text(text).first.scroll_into_view_if_needed()


def test_import_a_chatgpt_export_and_back_up_in_the_browser(start_app, page, tmp_path):
    data = tmp_path / "data"
    with Store.open(data) as s:
        pid = personas.ensure_starter(s).id
        messages.add(s, pid, "user", "今日は海に行ったよ")
        backup.create(s, s.backups_dir / "kizuna-backup-2026-01-01T000000Z.zip")
    export = tmp_path / "export.zip"
    export.write_bytes(
        samples.whole_export_zip(
            samples.regenerated_conversation(), samples.instructions_conversation()
        )
    )
    app = start_app(data)
    page.goto(app.url)
    wait_for_app(page)
    page.get_by_test_id("stSidebarNav").get_by_text("Backup & import").click()
    page.get_by_text("Restore from").wait_for()
    wait_for_app(page)
    screenshot(page, "data-backup")

    page.get_by_role("tab", name="📥 ChatGPT import").click()
    page.locator("[data-testid='stFileUploaderDropzoneInput']").nth(1).set_input_files(str(export))
    page.get_by_text("Look where I am!").wait_for()
    wait_for_app(page)
    screenshot(page, "data-chatgpt-preview")
    page.get_by_role("button", name="Import 3 conversations").click()
    page.get_by_text(
        "Imported 3 conversations (12 messages, 3 photos, 1 canvas document)."
    ).wait_for()
    wait_for_app(page)
    screenshot(page, "data-chatgpt-imported")

    # the imported day in the chat: her photos, his image, the canvas folded
    page.goto(app.url)
    wait_for_app(page)
    page.get_by_text("📄 Poem for Hana").click()
    page.get_by_text("The sea is calm,").wait_for()
    scroll_to(page, "Look where I am!")
    screenshot(page, "chat-imported-photos")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(app.url)
    scroll_to(page, "Here is your lighthouse.")
    wait_for_app(page)
    screenshot(page, "chat-imported-photos-phone")
    page.goto(app.url + "/data")
    wait_for_app(page)
    page.get_by_role("tab", name="📥 ChatGPT import").click()
    page.get_by_text("Import from ChatGPT").wait_for()
    wait_for_app(page)
    screenshot(page, "data-chatgpt-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(app.url)
    wait_for_app(page)
    page.get_by_test_id("stSidebarNav").get_by_text("Backup & import").click()
    page.get_by_text("Restore from").wait_for()
    wait_for_app(page)

    page.get_by_role("tab", name="🎴 Character cards").click()
    page.get_by_text("Export Sora as a card").wait_for()
    screenshot(page, "data-cards")
    page.get_by_role("tab", name="📄 Plain exports").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Chat history · Markdown, one section per day").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "今日は海に行ったよ" in text and "Shall we go to the sea?" in text
    screenshot(page, "data-exports")
    app.stop()

    with Store.open(data) as s:
        assert messages.count(s) == 1 + 12
