"""In a real browser: a 200,000-character reply arrives whole, and a failed reply's error and
Retry leave the screen as soon as the next reply starts."""

from memory import Store, messages
from tests.e2e.conftest import screenshot, wait_for_app
from tests.openai_server import Answer

WORD = "とても長い返事です。 The sea goes on and on, "
LONG = (WORD * (200_000 // len(WORD) + 1))[:200_000]


def test_retry_clears_the_old_error_and_a_200k_reply_is_stored(
    start_app, page, tmp_path, fake_openai
):
    app = start_app(
        OPENAI_BASE_URL=fake_openai.base_url,
        OPENAI_API_KEY="sk-test-not-a-real-key",
        KIZUNA_MODEL="fake-model",
        KIZUNA_TIMEOUT="20",
    )
    fake_openai.default = Answer(status=500)  # the SDK's own retries fail too
    page.set_default_timeout(90_000)  # a busy CI machine is slow to draw the first page
    page.goto(app.url)
    wait_for_app(page)
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill("Tell me the whole story")
    box.press("Enter")
    retry = page.get_by_role("button", name="Retry")
    retry.wait_for()
    error = page.get_by_test_id("stAlertContentError")
    assert error.count() == 1

    # 400 chunks over about four seconds: the old error must be gone while they arrive
    chunks = [LONG[i : i + 500] for i in range(0, len(LONG), 500)]
    fake_openai.default = Answer(chunks=chunks, chunk_delay=0.01)
    retry.click()
    page.get_by_text("still writing").wait_for(timeout=20_000)
    assert error.count() == 0 and retry.count() == 0
    page.get_by_text("Read on — ").wait_for(timeout=60_000)
    wait_for_app(page)
    screenshot(page, "chat-long-reply")
    app.stop()

    with Store.open(tmp_path / "data") as s:
        stored = messages.recent(s, 1)
    assert [m.role for m in stored] == ["user", "companion"]
    assert stored[1].content == LONG.strip()
