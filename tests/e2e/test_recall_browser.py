"""Journal, memories and search in a real browser, in English and Japanese."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from companion.journal import reflect
from companion.offline import OfflineVoice
from memory import Store, journal, memories, messages
from tests import recall_corpus
from tests.e2e.conftest import bubbles, screenshot, wait_for_app


def _seed(data_dir) -> None:
    with Store.open(data_dir) as s:
        ids = recall_corpus.load(s)
        pid = ids["pid"]
        today = datetime.now(UTC).date()
        a_year_ago = today.replace(year=today.year - 1)
        s.execute(
            "INSERT INTO outings (persona_id, title, place, happened_on, notes) "
            "VALUES (?, '井の頭公園のボート', '吉祥寺', ?, '白鳥のボートに乗った')",
            [pid, a_year_ago],
        )
        messages.add(
            s,
            pid,
            "user",
            "Good morning! The cherry trees by the river are starting to open.",
            created_at=datetime.combine(a_year_ago, datetime.min.time(), UTC) + timedelta(hours=9),
        )
        for back in range(1, 60, 3):
            journal.add(
                s,
                pid,
                f"Day {back}: a walk, some work, tea in the evening.",
                written_on=today - timedelta(days=back),
                mood=1 + (back * 7) % 5,
            )
        entry = journal.add(
            s,
            pid,
            "今日は久しぶりに母と電話した。元気そうで安心した。",
            written_on=today,
            mood=4,
        )
        reflect(s, OfflineVoice(seed=2), entry.id)
        memories.add(s, pid, "Plays the violin in a community orchestra", pinned=True)
        memories.add(s, pid, "初めてのデートは上野公園", kind="moment")
        messages.add(s, pid, "user", "My favourite colour is teal.")


def _settle(page) -> None:
    """Wait until the script has run and every widget has been drawn."""
    wait_for_app(page)
    page.get_by_test_id("stSidebarNav").get_by_text("Memories", exact=True).wait_for()
    page.get_by_text("messages today").wait_for()
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stSkeleton\"]')")
    wait_for_app(page)


def _open(page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    _settle(page)


def test_journal_memories_and_search_pages_in_the_browser(start_app, page, tmp_path):
    _seed(tmp_path / "data")
    app = start_app()
    page.goto(app.url)
    _settle(page)

    _open(page, "Journal")
    page.get_by_text("On this day").first.wait_for()
    page.get_by_text("今日は久しぶりに母と電話した").first.wait_for()
    screenshot(page, "journal")
    page.get_by_role("tab", name="Calendar").click()
    page.locator(".js-plotly-plot").first.wait_for()
    screenshot(page, "journal-calendar")
    page.get_by_role("tab", name="Mood").click()
    _settle(page)
    screenshot(page, "journal-mood")

    _open(page, "Memories")
    page.get_by_text("初めてのデートは上野公園").wait_for()
    page.get_by_text("Suggested from your conversation").wait_for()
    screenshot(page, "memories")

    _open(page, "Search")
    box = page.get_by_placeholder("garden · ラーメン · birthday")
    box.fill("ラーメン")
    box.press("Enter")
    page.get_by_text("新宿で").first.wait_for()
    _settle(page)
    screenshot(page, "search-japanese")
    box.fill("garden")
    box.press("Enter")
    page.get_by_text("Korakuen Garden").first.wait_for()
    _settle(page)
    screenshot(page, "search-english")

    box.fill("violin concerto")
    box.press("Enter")
    page.get_by_text("finished the").first.wait_for()
    _settle(page)
    page.get_by_role("button", name="That day in chat").last.click()
    page.get_by_text("Back to the conversation").wait_for()
    _settle(page)
    screenshot(page, "chat-day-from-search")
    assert bubbles(page).count() >= 1
