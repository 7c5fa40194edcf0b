"""The newcomer's walkthrough in a real browser: every step a user takes, with screenshots.

The real app runs under `streamlit run`; the model is the loopback OpenAI-format server
(`tests.openai_server.FakeOpenAI`), reached through the same environment variables a user
sets (`OPENAI_BASE_URL`, `OPENAI_API_KEY`, `KIZUNA_MODEL`). Each step is a function taking
the `Walk` and is listed in `STEPS` in the order a newcomer would go; a step screenshots what
it shows (`screenshots/latest/walkthrough-*.png`). To add a step (album, timeline,
dashboard, backup…), write `step_…(walk)` and put it in `STEPS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from memory import Store, messages, personas
from tests.e2e.conftest import RunningApp, screenshot, wait_for_app
from tests.openai_server import Answer, FakeOpenAI

#: Sidebar entries, as app.py names them.
PAGE_TITLES = ("Chat", "Album", "Timeline", "Dashboard", "Journal", "Persona", "Settings")


@dataclass
class Walk:
    """What every step can use: the browser page, the running app and the model server."""

    page: object
    app: RunningApp
    model: FakeOpenAI
    data_dir: Path
    notes: dict = field(default_factory=dict)

    def open(self, title: str) -> None:
        """Go to a page through the sidebar, as a user would, and wait for it to settle."""
        open_page(self.page, title)

    def shot(self, name: str) -> Path:
        """Screenshot the page from its top (Streamlit scrolls inside its main section)."""
        scroll_to_top(self.page)
        return screenshot(self.page, f"walkthrough-{name}")

    def store(self) -> Store:
        """A short look at the data folder (close it before the app writes again)."""
        return Store.open(self.data_dir)


def open_page(page, title: str) -> None:
    """Click a sidebar entry and wait until that page has been drawn."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    path = "" if title == PAGE_TITLES[0] else title.lower()
    page.wait_for_url(lambda url: url.rstrip("/").endswith("/" + path) or not path)
    settle(page)


def settle(page, quiet_ms: int = 600) -> None:
    """Wait until the script has finished and the page has stopped changing for a moment.

    The status widget can lag the first delta of a run, so "not running" alone may be seen
    before a page has drawn anything; widgets whose code is still loading show skeletons.
    """
    wait_for_app(page)
    page.wait_for_function(
        """(quiet) => {
            const busy = document.querySelector(
                '[data-testid^="stSkeleton"], [data-testid="stAppSkeleton"], '
                + '[data-testid="stStatusWidgetRunningIcon"]');
            const now = busy ? -2 : document.body.innerText.length;
            const w = window.__kizunaSettle || (window.__kizunaSettle = {n: -1, t: 0});
            if (now !== w.n) { w.n = now; w.t = Date.now(); return false; }
            return Date.now() - w.t >= quiet;
        }""",
        arg=quiet_ms,
        polling=100,
    )
    wait_for_app(page)


def scroll_to_top(page) -> None:
    """Scroll Streamlit's scrolling containers back to the top (chat pages stick to the end)."""
    page.evaluate(
        "() => document.querySelectorAll('[data-testid]').forEach(e => { e.scrollTop = 0; })"
    )


def step_first_start(walk: Walk) -> None:
    walk.page.goto(walk.app.url)
    wait_for_app(walk.page)
    walk.page.get_by_text("This is the beginning of your story").wait_for()
    walk.page.get_by_text("Talking through").wait_for()  # the loopback model, not offline
    walk.shot("01-chat-empty")


def step_shape_the_persona(walk: Walk) -> None:
    walk.open("Persona")
    walk.page.get_by_label("What they call you").fill("Alex")
    walk.page.get_by_label("Mannerisms").fill("Hums when she is happy.")
    walk.page.get_by_role("button", name="Save as a new version").click()
    walk.page.get_by_text("Version 2 is in force").wait_for()
    walk.page.get_by_text("Compare", exact=True).wait_for()  # the versions side by side
    wait_for_app(walk.page)
    walk.shot("02-persona-saved")


def step_chat_with_a_streamed_reply(walk: Walk) -> None:
    walk.model.script(Answer(chunks=["Okaeri, ", "Alex! ", "How was ", "the garden?"]))
    walk.open("Chat")
    box = walk.page.get_by_test_id("stChatInputTextArea")
    box.fill("I walked through Korakuen Garden today 🌿")
    box.press("Enter")
    walk.page.get_by_text("Okaeri, Alex! How was the garden?").wait_for()
    # the reply is stored and the page rerun: it now offers to regenerate it
    walk.page.get_by_role("button", name="Regenerate last reply").wait_for()
    wait_for_app(walk.page)
    walk.shot("03-chat-streamed-reply")
    sent = walk.model.requests[-1]["body"]
    assert sent["stream"] is True
    system = sent["messages"][0]["content"]
    assert "Alex" in system and "Hums when she is happy." in system
    assert sent["messages"][-1]["content"].startswith("I walked through Korakuen Garden")


def step_every_page_renders(walk: Walk) -> None:
    for number, title in enumerate(PAGE_TITLES, start=4):
        walk.open(title)
        assert not walk.page.get_by_test_id("stException").count(), title
        walk.shot(f"{number:02d}-{title.lower()}")


STEPS = [
    step_first_start,
    step_shape_the_persona,
    step_chat_with_a_streamed_reply,
    step_every_page_renders,
]


def test_newcomer_walkthrough(start_app, page, fake_openai, tmp_path):
    app = start_app(
        OPENAI_BASE_URL=fake_openai.base_url,
        OPENAI_API_KEY="sk-test-not-a-real-key",
        KIZUNA_MODEL="fake-model",
        KIZUNA_TIMEOUT="10",
    )
    walk = Walk(page=page, app=app, model=fake_openai, data_dir=tmp_path / "data")
    for step in STEPS:
        step(walk)
    app.stop()

    with walk.store() as s:
        (persona,) = personas.list_personas(s)
        pv = personas.current(s, persona.id)
        assert (pv.version, pv.user_name) == (2, "Alex")
        stored = messages.recent(s, persona.id)
        assert [(m.role, m.content) for m in stored][-1] == (
            "companion",
            "Okaeri, Alex! How was the garden?",
        )
        assert stored[-1].model == "fake-model"
