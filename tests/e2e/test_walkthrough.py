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

from PIL import Image as PILImage
from PIL import ImageDraw

from memory import Store, messages, outings, personas
from tests.e2e.conftest import RunningApp, bubbles, screenshot, wait_for_app
from tests.openai_server import Answer, FakeOpenAI

#: Sidebar entries, as app.py names them, and the address each page lives at.
PAGE_PATHS = {
    "Chat": "",
    "Album": "album",
    "Timeline": "timeline",
    "Dashboard": "dashboard",
    "Journal": "journal",
    "Persona": "persona",
    "Settings": "settings",
    "Backup & import": "data",
}
PAGE_TITLES = tuple(PAGE_PATHS)


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
    path = PAGE_PATHS[title]
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
    walk.page.get_by_text("version 2 in force").wait_for()
    settle(walk.page)
    walk.shot("02-persona-saved")
    walk.page.get_by_role("tab", name="🕰️ Versions").click()
    # the two versions side by side, with the way back to the first
    walk.page.get_by_role("button", name="Restore v1 (saved as a new version)").wait_for()
    assert walk.page.get_by_text("changed").count() >= 2  # mannerisms and name for the user
    settle(walk.page)
    walk.shot("02b-persona-versions")


def step_chat_with_a_streamed_reply(walk: Walk) -> None:
    walk.model.script(Answer(chunks=["Okaeri, ", "Alex! ", "How was ", "the garden?"]))
    walk.open("Chat")
    box = walk.page.get_by_test_id("stChatInputTextArea")
    box.fill("I walked through Korakuen Garden today 🌿")
    box.press("Enter")
    # While the page reruns, the streamed bubble and the stored one can both be on screen.
    walk.page.get_by_text("Okaeri, Alex! How was the garden?").first.wait_for()
    # the reply is stored and the page rerun: it now offers to regenerate it
    walk.page.get_by_role("button", name="Regenerate last reply").wait_for()
    wait_for_app(walk.page)
    assert walk.page.get_by_text("Okaeri, Alex! How was the garden?").count() == 1  # shown once
    walk.shot("03-chat-streamed-reply")
    sent = walk.model.requests[-1]["body"]
    assert sent["stream"] is True
    system = sent["messages"][0]["content"]
    assert "Alex" in system and "Hums when she is happy." in system
    assert sent["messages"][-1]["content"].startswith("I walked through Korakuen Garden")


def step_every_page_renders(walk: Walk) -> None:
    for number, title in enumerate(PAGE_TITLES, start=11):
        walk.open(title)
        assert not walk.page.get_by_test_id("stException").count(), title
        walk.shot(f"{number:02d}-{title.lower()}")


def step_log_an_outing_with_photos(walk: Walk) -> None:
    walk.model.default = Answer(chunks=["What a ", "lovely ", "garden, ", "Alex."])
    walk.open("Album")
    folder = walk.data_dir.parent / "phone"
    folder.mkdir(exist_ok=True)
    files = []
    for name, colour in (("pond.jpg", (40, 120, 70)), ("teahouse.jpg", (180, 120, 60))):
        img = PILImage.new("RGB", (1200, 900), colour)
        ImageDraw.Draw(img).ellipse((300, 200, 900, 700), fill=(240, 240, 220))
        img.save(folder / name, "JPEG", quality=85)
        files.append(str(folder / name))
    walk.page.get_by_label("Title").fill("Korakuen Garden")
    walk.page.get_by_label("Place").fill("Okayama")
    walk.page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(files)
    walk.page.get_by_text("teahouse.jpg").wait_for()
    walk.page.get_by_role("button", name="Save outing").click()
    walk.page.get_by_role("heading", name="Korakuen Garden").wait_for()
    walk.page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=\"stImage\"] img')]"
        ".filter(i => i.complete && i.naturalWidth > 0).length >= 2"
    )
    walk.page.get_by_text("What a lovely garden, Alex.").first.wait_for()
    settle(walk.page)
    walk.shot("05-album-outing")
    walk.notes["album_text"] = walk.page.inner_text("[data-testid='stMain']")


def step_timeline_shows_the_outing(walk: Walk) -> None:
    walk.open("Timeline")
    # (the strip's hover texts name it too, hidden until pointed at: the item itself)
    walk.page.get_by_test_id("stMarkdownContainer").filter(
        has_text="Korakuen Garden"
    ).first.wait_for()
    walk.page.locator("[data-chart='timeline'] svg[role=img]").first.wait_for()
    settle(walk.page)
    walk.shot("06-timeline")


def step_dashboard_draws_its_charts(walk: Walk) -> None:
    walk.open("Dashboard")
    walk.page.wait_for_function(
        "() => document.querySelectorAll('.kz-chart svg[role=img]').length >= 4"
    )
    settle(walk.page)
    walk.shot("07-dashboard")
    assert walk.page.get_by_test_id("stMetric").count() >= 8


def step_back_up_and_restore(walk: Walk) -> None:
    walk.open("Backup & import")
    walk.page.get_by_role("button", name="Back up now").click()
    walk.page.get_by_text("Backed up").first.wait_for()
    settle(walk.page)
    walk.shot("08-backup-made")

    # Something said after the backup, which restoring the backup takes away again.
    walk.model.default = Answer(chunks=["Noted."])
    walk.open("Chat")
    box = walk.page.get_by_test_id("stChatInputTextArea")
    box.fill("This message is newer than the backup")
    box.press("Enter")
    bubbles(walk.page).last.get_by_text("Noted.").wait_for()
    settle(walk.page)

    walk.open("Backup & import")
    walk.page.get_by_test_id("stRadioGroup").get_by_text("A backup in this data folder").click()
    settle(walk.page)
    walk.page.get_by_role("button", name="Restore this backup…").click()
    walk.page.get_by_role("button", name="Yes, replace my data").click()
    walk.page.get_by_text("Restored").first.wait_for()
    settle(walk.page)
    walk.shot("09-restored")
    walk.open("Chat")
    walk.page.get_by_text("I walked through Korakuen Garden today").first.wait_for()
    assert walk.page.get_by_text("This message is newer than the backup").count() == 0
    walk.shot("10-chat-after-restore")


STEPS = [
    step_first_start,
    step_shape_the_persona,
    step_chat_with_a_streamed_reply,
    step_log_an_outing_with_photos,
    step_timeline_shows_the_outing,
    step_dashboard_draws_its_charts,
    step_back_up_and_restore,
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
        stored = messages.recent(s, persona.id, sources=("chat",))
        assert [(m.role, m.content) for m in stored][-1] == (
            "companion",
            "Okaeri, Alex! How was the garden?",
        )
        assert stored[-1].model == "fake-model"
        assert outings.count(s, persona.id) == 1
        outing = outings.get(s, 1)
        assert (outing.title, outing.place) == ("Korakuen Garden", "Okayama")
        responses = outings.responses(s, outing.id)
        assert len(responses) == 3  # one per photo and one for the day
        assert all(r.content == "What a lovely garden, Alex." for r in responses.values())
