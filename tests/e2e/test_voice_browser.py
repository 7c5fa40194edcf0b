"""His reply read aloud by the browser's own voice (no model), checked through a page hook."""

from memory import Store, messages, personas
from tests.e2e.conftest import bubbles, screenshot, wait_for_app

# Records every utterance handed to speechSynthesis.speak, in whichever frame it is called.
SPEECH_HOOK = """
(() => {
  if (!window.speechSynthesis) return;
  window.__spoken = [];
  const original = window.speechSynthesis.speak.bind(window.speechSynthesis);
  window.speechSynthesis.speak = (u) => {
    window.__spoken.push({text: u.text, lang: u.lang, rate: u.rate});
    try { original(u); } catch (e) {}
  };
})();
"""

TRICKY = "また明日ね </script><script>window.pwned = 1</script> <b>大好き</b>"


def test_play_speaks_the_reply_as_text_in_his_language(start_app, page, tmp_path):
    data = tmp_path / "data"
    s = Store.open(data)
    pid = personas.ensure_starter(s).id
    personas.save_version(s, pid, language="日本語")
    asked = messages.add(s, pid, "user", "おやすみ")
    messages.add(s, pid, "companion", TRICKY, reply_to=asked.id, provider="offline")
    s.close()

    app = start_app(data)
    page.add_init_script(SPEECH_HOOK)
    page.goto(app.url)
    wait_for_app(page)
    bubble = bubbles(page).last
    bubble.get_by_text("また明日ね").wait_for()
    assert bubble.locator("b, script").count() == 0
    bubble.get_by_role("button", name="Read aloud").click()
    page.wait_for_function("() => window.__spoken && window.__spoken.length > 0")
    spoken = page.evaluate("() => window.__spoken")
    assert spoken[-1]["text"] == TRICKY  # read exactly as the text it is
    assert spoken[-1]["lang"] == "ja-JP"
    assert page.evaluate("() => window.pwned === undefined")
    # the reply is shown as text too: no element was made from it
    assert bubble.locator("b, script").count() == 0
    screenshot(page, "voice-chat-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    wait_for_app(page)
    screenshot(page, "voice-chat-phone")


def test_a_voice_message_is_recorded_transcribed_and_answered(
    start_app, browser, fake_openai, tmp_path
):
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS
    from tests.openai_server import Answer

    fake_openai.script(
        Answer(chunks=["今日は後楽園に行ったね"]),  # the transcription
        Answer(chunks=["うん、", "梅がきれいだった。"]),  # his reply to it
    )
    app = start_app(
        OPENAI_BASE_URL=fake_openai.base_url, OPENAI_API_KEY="sk-test", KIZUNA_MODEL="fake-model"
    )
    # Chromium's fake microphone (a beep) stands in for her voice.
    flags = [
        *CHROMIUM_FLAGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
    ]
    mic_browser = browser.browser_type.launch(executable_path=CHROMIUM, headless=True, args=flags)
    try:
        page = mic_browser.new_context(
            viewport={"width": 390, "height": 844}, permissions=["microphone"]
        ).new_page()
        page.set_default_timeout(30_000)
        page.goto(app.url)
        wait_for_app(page)
        page.get_by_test_id("stChatInputMicButton").click()
        page.wait_for_timeout(1500)
        page.get_by_test_id("stChatInputApproveButton").click()
        # the stored reply, with its caption, after the rerun that follows the stream
        bubbles(page).last.get_by_text("fake-model").wait_for()
        wait_for_app(page)
        first = bubbles(page).first
        first.get_by_text("今日は後楽園に行ったね").wait_for()
        screenshot(page, "voice-message-phone")
        first.locator("audio").wait_for(state="attached")
    finally:
        mic_browser.close()
    sent = [r for r in fake_openai.requests if r["path"].endswith("/audio/transcriptions")]
    assert len(sent) == 1 and sent[0]["body"]["file"]["data"][:4] == b"RIFF"
    app.stop()
    s = Store.open(tmp_path / "data")
    stored = messages.recent(s, 1)
    assert [m.content for m in stored] == ["今日は後楽園に行ったね", "うん、梅がきれいだった。"]
    assert stored[1].reply_to == stored[0].id
    s.close()
