"""Every page in Japanese in a real browser, at a desktop's width and a phone's: no English
interface word left on screen (chart labels included), and plotly's hover dates in Japanese.

The browser says ja-JP and nothing is chosen in Settings, so the language comes from the
browser, as on a first start. The data is the Japanese demo year (a short one), so every word
on screen is either the interface's or Japanese data. Screenshots are written to
`screenshots/latest/ja-desktop-*.png` and `ja-phone-*.png`. The phone's touch layout is
tests/e2e/test_phone_layout_browser.py's subject; here the width is what matters, so one
session is resized rather than reloaded.
"""

from __future__ import annotations

import contextlib
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from memory import Store, demo
from memory import settings as settings_store
from tests.e2e.conftest import BUBBLE, SCREENSHOTS, wait_for_app
from tests.e2e.test_walkthrough import settle
from tests.pages.test_japanese_pages import ALLOWED

ZONE = ZoneInfo("Asia/Tokyo")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
#: Sidebar entry (in Japanese) → page name in the screenshots.
PAGES = {
    "チャット": "chat",
    "アルバム": "album",
    "タイムライン": "timeline",
    "ダッシュボード": "dashboard",
    "日記": "journal",
    "思い出": "memories",
    "検索": "search",
    "ペルソナ": "persona",
    "設定": "settings",
    "バックアップと取り込み": "data",
}
#: Words Streamlit itself draws, with no public way to change them: the file uploader's button
#: and its size line ("Upload", "50MB per file • JPG, PNG…"), an empty date field's "yyyy"
#: (see README → Languages), and the file types the uploader lists.
STREAMLIT_OWN = {"upload", "per", "file", "yyyy", "jpg", "heif"}
#: The bilingual first-start choice names both languages in their own words.
LANGUAGE_CHOICE = {"english", "language"}

#: Every text a person can see: text nodes that take room on screen (SVG chart labels too), not
#: icon ligatures ("keyboard_double_arrow_left" drawn as an arrow) nor the visually hidden
#: "skip to content" link, nor commands in code blocks; and placeholders of empty fields.
VISIBLE_TEXT = """() => {
    const seen = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode, el = node.parentElement;
        if (!el || !node.textContent.trim()) continue;
        // commands and code are not interface words ("python -m memory phone")
        if (el.closest('script, style, noscript, code, pre, [data-testid="stIconMaterial"]'))
            continue;
        const cs = getComputedStyle(el);
        if (cs.fontFamily.includes('Material') || cs.visibility === 'hidden') continue;
        if (cs.clip !== 'auto' || cs.clipPath !== 'none') continue;
        const r = el.getBoundingClientRect();
        if (r.width < 2 || r.height < 2 || r.right <= 0 || r.left >= innerWidth) continue;
        seen.push(node.textContent);
    }
    for (const i of document.querySelectorAll('input[placeholder], textarea[placeholder]'))
        // shown only while the field is empty (a select keeps its choice in `value`)
        if (!i.value && i.getBoundingClientRect().width > 0) seen.push(i.placeholder);
    return seen.join('\\n');
}"""


def _english_words(text: str) -> set[str]:
    text = re.sub(r"https?://\S+|\S*[/\\\\]\S*|\S+\.(?:zip|json|jsonl|png|md|csv)\b", " ", text)
    allowed = ALLOWED | STREAMLIT_OWN | LANGUAGE_CHOICE
    return {w for w in re.findall(r"[A-Za-z][A-Za-z_]{2,}", text) if w.lower() not in allowed}


def _look(page, name: str, width: str) -> None:
    assert not page.get_by_test_id("stException").count(), name
    text = page.evaluate(VISIBLE_TEXT)
    assert re.search(r"[\u3040-\u30ff]", text), f"{name} at {width} shows no Japanese"
    if _english_words(text):  # say where the words are
        where = page.evaluate(
            """(words) => [...document.querySelectorAll('body *')]
                .filter(e => e.children.length === 0
                    && words.some(w => (e.textContent + (e.value ? '' : e.placeholder || ''))
                        .includes(w)))
                .map(e => [...(function* (n) { while (n) { yield n; n = n.parentElement; } })(e)]
                    .map(n => n.getAttribute('data-testid') || [...n.classList]
                        .find(c => c.startsWith('st-key-')) || '').filter(Boolean)
                    .slice(0, 4).join(' < ') + ': '
                    + (e.textContent || e.placeholder).slice(0, 60))""",
            sorted(_english_words(text)),
        )
        raise AssertionError(f"English on {name} at {width} width: {where}")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)  # the screen as seen (a full page is slow)
    page.screenshot(path=str(SCREENSHOTS / f"ja-{width}-{name}.png"))


def test_every_page_in_japanese_at_desktop_and_phone_width(start_app, browser, tmp_path):
    with Store.open(tmp_path / "data") as s:
        settings_store.set(s, "timezone", ZONE.key)
        demo.fill(s, now=datetime.now(ZONE) - timedelta(minutes=5), days=45, language="ja")
    app = start_app()
    context = browser.new_context(viewport=DESKTOP, locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(app.url)
        wait_for_app(page)
        page.get_by_text("デモデータ").first.wait_for()
        for title, name in PAGES.items():
            links = page.get_by_test_id("stSidebarNav").get_by_role("link")
            links.filter(has_text=title).first.click()
            # the page's own content, not only the sidebar and the banner (the chat draws late)
            ready = BUBBLE if name == "chat" else "[data-testid='stMain'] h1"
            page.locator(ready).first.wait_for()
            settle(page, quiet_ms=400)
            _look(page, name, "desktop")
            if name == "dashboard":
                _hover_shows_a_japanese_date(page)
            page.set_viewport_size(PHONE)
            settle(page, quiet_ms=300)
            _selects_drawn(page)
            _look(page, name, "phone")
            page.set_viewport_size(DESKTOP)
    finally:
        context.close()


def _selects_drawn(page) -> None:
    """A select re-drawn for the new width is empty for a moment: wait (a little) for its
    choice, so a select that really is empty still shows its placeholder to the check."""
    from playwright.sync_api import TimeoutError as StillEmpty

    with contextlib.suppress(StillEmpty):  # an empty select is the check's to report
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=\"stSelectbox\"] input')]"
            ".every(i => i.value)",
            timeout=5_000,
        )


def _hover_shows_a_japanese_date(page) -> None:
    """Each day of the daily chart carries its hover text (an SVG <title>, which the browser
    shows as its tooltip): the one under the pointer names the day in Japanese."""
    chart = page.locator("[data-chart='daily'] .kz-main svg").first
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    label = ""
    for fraction in (0.5, 0.6, 0.4, 0.9):
        x, y = box["x"] + box["width"] * fraction, box["y"] + box["height"] * 0.5
        page.mouse.move(x, y)
        label = page.evaluate(
            """([x, y]) => { const el = document.elementFromPoint(x, y);
            const t = el && el.querySelector(':scope > title'); return t ? t.textContent : ''; }""",
            [x, y],
        )
        if label:
            break
    assert re.search(r"^\d{4}年\d{1,2}月\d{1,2}日\([日月火水木金土]\)\nあなたから", label), label
    page.mouse.move(0, 0)
