"""The chat opens at her latest message, on a phone and on a desktop, and stays there as
she writes."""

from datetime import UTC, datetime, timedelta

from companion import greetings
from memory import Store, messages, personas, settings
from tests.e2e.conftest import BUBBLE, bubbles, screenshot, wait_for_app


def _viewport_holds(page, text: str) -> bool:
    return page.evaluate(
        """([text, sel]) => {
            const bubbles = [...document.querySelectorAll(sel)];
            const b = bubbles.reverse().find((el) => el.innerText.includes(text));
            if (!b) return false;
            const r = b.getBoundingClientRect();
            return r.bottom > 0 && r.top < window.innerHeight;
        }""",
        [text, BUBBLE],
    )


# Keeps the text of what the server sends once `window.__listen` is set.
WIRE_HOOK = """
(() => {
  window.__heard = [];
  const Original = window.WebSocket;
  window.WebSocket = function (...args) {
    const ws = new Original(...args);
    ws.addEventListener("message", async (event) => {
      if (!window.__listen) return;
      const data = event.data instanceof Blob ? await event.data.arrayBuffer() : event.data;
      window.__heard.push(new TextDecoder("utf-8", {fatal: false}).decode(data));
    });
    return ws;
  };
  window.WebSocket.prototype = Original.prototype;
  Object.assign(window.WebSocket, Original);
})();
"""


def _bubble_texts(page) -> list[str]:
    return page.evaluate(
        """(sel) => [...document.querySelectorAll(sel)]
            .map((b) => b.innerText.split("\\n")[0])""",
        BUBBLE,
    )


def test_the_chat_opens_at_the_latest_message_and_follows_new_ones(start_app, browser, tmp_path):
    folder = tmp_path / "data"
    with Store.open(folder) as s:
        settings.set(s, greetings.ENABLED_SETTING, False)
        pid = personas.ensure_starter(s).id
        start = datetime.now(UTC) - timedelta(hours=3)
        for i in range(60):
            role = "user" if i % 2 == 0 else "companion"
            messages.add(
                s, pid, role, f"line {i} about the koi", created_at=start + timedelta(minutes=i)
            )
    app = start_app(folder)
    for width, height, name in ((390, 844, "phone"), (1280, 900, "desktop")):
        context = browser.new_context(
            viewport={"width": width, "height": height}, has_touch=width < 500
        )
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(app.url)
        wait_for_app(page)
        page.get_by_text("line 59 about the koi").wait_for()
        page.wait_for_timeout(500)  # let the page settle where it lands
        screenshot(page, f"chat-opens-at-latest-{name}")
        assert _viewport_holds(page, "line 59 about the koi"), name
        assert not _viewport_holds(page, "line 21 about the koi"), name
        if name == "phone":
            box = page.get_by_test_id("stChatInputTextArea")
            box.fill("one more, from the garden")
            box.press("Enter")
            page.get_by_text("one more, from the garden").wait_for()
            bubbles(page).last.get_by_text("offline voice").wait_for()
            wait_for_app(page)
            page.wait_for_timeout(500)
            assert _viewport_holds(page, "one more, from the garden")
        else:
            # A send redraws only what follows the screenful: the forty messages above are
            # not sent to the browser again, and nothing shows twice.
            page.add_init_script(WIRE_HOOK)
            page.reload()
            wait_for_app(page)
            page.get_by_text("line 59 about the koi").wait_for()
            page.evaluate("() => { window.__listen = true; }")
            before = len(_bubble_texts(page))
            box = page.get_by_test_id("stChatInputTextArea")
            box.fill("and the cranes by the pond")
            box.press("Enter")
            page.get_by_text("and the cranes by the pond").wait_for()
            page.wait_for_function(  # her message and his reply under it
                "([n, sel]) => document.querySelectorAll(sel).length >= n + 2",
                arg=[before, BUBBLE],
            )
            wait_for_app(page)
            heard = "".join(page.evaluate("() => window.__heard"))
            assert "and the cranes by the pond" in heard
            assert "line 50 about the koi" not in heard
            texts = _bubble_texts(page)
            assert texts[-2] == "and the cranes by the pond"
            assert len(texts) == len(set(texts))
            page.get_by_role("button", name="Show earlier messages").click()
            page.get_by_text("line 5 about the koi", exact=True).wait_for()
            wait_for_app(page)
            texts = _bubble_texts(page)
            assert len(texts) == len(set(texts)) == 64  # 60, two from the phone, two now: once each
            assert texts[-2] == "and the cranes by the pond"
            page.get_by_role("link", name="Album").click()
            wait_for_app(page)
            page.get_by_role("link", name="Chat").click()
            page.get_by_text("and the cranes by the pond").wait_for()
            wait_for_app(page)
            texts = _bubble_texts(page)
            assert len(texts) == len(set(texts)) and texts[-2] == "and the cranes by the pond"
        context.close()
