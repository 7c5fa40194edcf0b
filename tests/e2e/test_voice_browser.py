"""His reply read aloud by the browser's own voice (no model), checked through a page hook."""

from memory import Store, messages, personas
from tests.e2e.conftest import screenshot, wait_for_app

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
    reply = messages.add(s, pid, "companion", TRICKY, reply_to=asked.id, provider="offline")
    s.close()

    app = start_app(data)
    page.add_init_script(SPEECH_HOOK)
    page.goto(app.url)
    wait_for_app(page)
    bubble = page.get_by_test_id("stChatMessage").last
    bubble.get_by_text("また明日ね").wait_for()
    page.locator(f".st-key-voice_play_{reply.id} button").first.click()
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
