"""Every page on a phone (390×844, touch) in a real browser: one tap to change page, fingers'
targets, the album's order, compact chat bubbles, and nothing that scrolls sideways.

Screenshots of every page are written to `screenshots/latest/phone-*.png`.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from PIL import Image

from memory import Store, journal, messages, outings, personas, photos
from memory import settings as settings_store
from tests.e2e.conftest import bubbles, screenshot, wait_for_app
from tests.e2e.test_walkthrough import settle

PHONE = {"width": 390, "height": 844}
ZONE = ZoneInfo("Asia/Tokyo")
#: Outings made in a jumbled order: the album must still read newest first.
OUTINGS = [
    ("Aquarium date", date(2026, 5, 18)),
    ("Autumn leaves", date(2026, 11, 16)),
    ("Korakuen Garden", date(2026, 8, 26)),
    ("Plum blossoms", date(2026, 2, 8)),
    ("Christmas lights", date(2025, 12, 20)),
]
#: The photos of "Autumn leaves", in the order they were added (taken).
CAPTIONS = ["First light", "The red bridge", "Tea by the pond", "Walking home"]
PAGES = {  # sidebar entry → address
    "Album": "album",
    "Timeline": "timeline",
    "Journal": "journal",
    "Dashboard": "dashboard",
    "Persona": "persona",
    "Backup & import": "data",
    "Settings": "settings",
    "Chat": "",
}
NO_SIDEWAYS_SCROLL = "() => document.scrollingElement.scrollWidth <= window.innerWidth"
IMAGES_LOADED = (
    "() => [...document.querySelectorAll('[data-testid=\"stImage\"] img')].every(i => i.complete)"
)
SIDEBAR_OPEN = (
    "() => document.querySelector('[data-testid=\"stSidebar\"]').getBoundingClientRect().right > 0"
)


def _jpeg(colour) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (480, 360), colour).save(out, "JPEG", quality=80)
    return out.getvalue()


def _seed(data_dir, today: date) -> None:
    with Store.open(data_dir) as s:
        settings_store.set(s, "timezone", ZONE.key)
        first = today - timedelta(days=60)
        pid = personas.ensure_starter(s, today=first).id
        rows = []
        for offset in range(59):
            day = first + timedelta(days=offset)
            for hour in (8, 12, 20, 21)[: 1 + offset % 4]:
                sent = datetime.combine(day, time(hour, 5), ZONE)
                rows.append((pid, "user", "How was your day?", sent))
                rows.append((pid, "companion", "Lovely.", sent + timedelta(seconds=30)))
        frame = pd.DataFrame(rows, columns=["persona_id", "role", "content", "created_at"])
        cur = s.cursor()
        cur.register("history_frame", frame)
        cur.execute(
            "INSERT INTO messages (persona_id, role, content, created_at) "
            "SELECT persona_id, role, content, created_at FROM history_frame"
        )
        cur.unregister("history_frame")
        now = datetime.combine(today, time(9, 0), ZONE)
        asked = messages.add(s, pid, "user", "Good morning!", created_at=now)
        messages.add(
            s,
            pid,
            "companion",
            "Good morning, love.",
            created_at=now + timedelta(seconds=20),
            provider="offline",
            reply_to=asked.id,
        )
        for i, (title, day) in enumerate(OUTINGS):
            outing = outings.create(s, pid, title, place="Tokyo", happened_on=day)
            if title == "Autumn leaves":
                for j, caption in enumerate(CAPTIONS):
                    photos.add(
                        s,
                        _jpeg((60 * j, 120, 200 - 40 * j)),
                        original_name=f"IMG_{j}.jpg",
                        outing_id=outing.id,
                        caption=caption,
                    )
            else:
                photos.add(s, _jpeg((200, 40 * i, 90)), outing_id=outing.id)
        journal.add(
            s, pid, "A quiet evening by the river.", written_on=today - timedelta(days=2), mood=4
        )


def _in_reading_order(page, selector: str) -> list[str]:
    """Texts of the elements matching `selector`, as a reader meets them: row by row."""
    return page.evaluate(
        """(sel) => [...document.querySelectorAll(sel)]
            .map(e => ({t: e.innerText.trim(), r: e.getBoundingClientRect()}))
            .filter(o => o.r.height > 0)
            .sort((a, b) => (a.r.top - b.r.top) || (a.r.left - b.r.left))
            .map(o => o.t)""",
        selector,
    )


def _small_targets(page, selector: str) -> list[str]:
    """Visible controls matching `selector` smaller than 44 × 44 px."""
    return page.evaluate(
        """(sel) => [...document.querySelectorAll(sel)]
            .map(e => [e, e.getBoundingClientRect()])
            .filter(([e, r]) => r.width > 0 && r.height > 0 && (r.width < 44 || r.height < 44))
            .map(([e, r]) => (e.innerText || e.getAttribute('aria-label'))
                + ` ${r.width}x${r.height}`)
        """,
        selector,
    )


def _tap_to(page, title: str) -> None:
    """Open the sidebar with », tap a page: the page opens and the sidebar is closed."""
    page.get_by_test_id("stExpandSidebarButton").tap()
    page.wait_for_function(SIDEBAR_OPEN)
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    assert _small_targets(page, "[data-testid='stSidebarNavLink']") == []
    links.filter(has_text=title).first.tap()
    path = PAGES[title]
    page.wait_for_url(lambda url: url.rstrip("/").endswith("/" + path) or not path)
    settle(page)
    assert not page.evaluate(SIDEBAR_OPEN), f"the sidebar stayed open over {title}"


def _check(page, name: str) -> None:
    assert not page.get_by_test_id("stException").count(), name
    assert page.evaluate(NO_SIDEWAYS_SCROLL), f"{name} scrolls sideways"
    assert _small_targets(page, "[data-testid='stExpandSidebarButton']") == []
    screenshot(page, f"phone-{name}")


def test_every_page_reads_on_a_phone(start_app, browser, tmp_path):
    today = datetime.now(ZONE).date()
    _seed(tmp_path / "data", today)
    app = start_app()
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(app.url)
        wait_for_app(page)
        page.get_by_text("Good morning, love.").wait_for()
        settle(page)

        # Chat: a one-line message is a compact bubble; its buttons are finger-sized.
        bubble = bubbles(page).filter(has_text="Good morning, love.")
        assert bubble.bounding_box()["height"] <= 90
        row = (
            "[data-testid='stChatMessage'] [data-testid='stHorizontalBlock'] button,"
            " [data-testid='chatBubble'] button"
        )
        assert page.locator(row).count() >= 2
        assert _small_targets(page, row) == []
        assert _small_targets(page, "[data-testid='stChatInput'] button") == []  # + 🎤 ↑
        _check(page, "chat")

        # Album: newest first, read top to bottom (3 columns a row on a desktop, stacked here).
        _tap_to(page, "Album")
        page.get_by_text("Christmas lights").wait_for()  # the oldest, last
        titles = sorted(OUTINGS, key=lambda o: o[1], reverse=True)
        shown = _in_reading_order(page, "[data-testid='stMain'] strong")
        assert [t for t in shown if t in dict(OUTINGS)] == [t for t, _ in titles]
        _check(page, "album")

        # An open outing: its photos in the order they were taken.
        open_first = page.locator("[class*='st-key-album_open_'] button").first  # the newest
        open_first.scroll_into_view_if_needed()
        page.wait_for_function(IMAGES_LOADED)  # nothing moves under the finger
        open_first.tap()
        page.get_by_text(CAPTIONS[-1]).wait_for()
        settle(page)
        assert [c for c in _in_reading_order(page, "em") if c in CAPTIONS] == CAPTIONS
        _check(page, "outing")

        for title in ("Timeline", "Journal", "Dashboard", "Persona", "Settings"):
            _tap_to(page, title)
            # Segmented choices (the timeline's kinds, the interface language) and tabs too.
            assert _small_targets(page, "[data-testid='stButtonGroup'] button") == []
            assert _small_targets(page, "[data-testid='stTab']") == []
            # A field's "?" help (Settings has several).
            assert _small_targets(page, "[data-testid='stTooltipHoverTarget'] > button") == []
            if title == "Settings":  # number steppers and the passcode's eye
                small = (
                    "[data-testid='stNumberInputStepUp'], [data-testid='stNumberInputStepDown'],"
                    " [data-testid='stTextInput'] button[aria-pressed]"
                )
                assert page.locator(small).count() >= 3
                assert page.locator("[data-testid='stTooltipHoverTarget'] > button").count() >= 3
                assert _small_targets(page, small) == []
            _check(page, title.lower())

        # Backup & import: every tab is on screen (they wrap), none behind a scroll arrow.
        _tap_to(page, "Backup & import")
        tabs = page.get_by_test_id("stTab")
        assert tabs.count() == 4
        for i in range(4):
            box = tabs.nth(i).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
            assert box["height"] >= 44
        _check(page, "data")

        # At a desktop's width the album reads newest first along the rows.
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(app.url + "/album")
        wait_for_app(page)
        page.get_by_text("Plum blossoms").wait_for()
        settle(page)
        shown = _in_reading_order(page, "[data-testid='stMain'] strong")
        assert [t for t in shown if t in dict(OUTINGS)] == [t for t, _ in titles]
    finally:
        context.close()
