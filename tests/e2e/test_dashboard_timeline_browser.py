"""The dashboard and the timeline in a real browser, on a year of realistic history."""

from __future__ import annotations

import io
import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from PIL import Image, ImageDraw

from memory import Store, messages, milestones, personas, photos
from memory import settings as settings_store
from memory.i18n import format_date
from tests.e2e.conftest import screenshot, wait_for_app

ZONE = ZoneInfo("Asia/Tokyo")
#: The hover text (SVG <title>) of what is under the pointer at (x, y).
HOVER_TEXT = """([x, y]) => { const el = document.elementFromPoint(x, y);
    const t = el && el.querySelector(':scope > title'); return t ? t.textContent : ''; }"""
HOURS = [1, 1, 0, 0, 0, 0, 1, 4, 5, 2, 2, 2, 5, 4, 2, 2, 2, 3, 4, 5, 7, 9, 10, 6]
USER_LINES = [
    "Good morning! Slept well?",
    "I'm on the train now",
    "今日は少し疲れたけど、あなたと話すと元気になる",
    "Guess what I had for lunch",
    "Can we talk about the weekend?",
    "I keep thinking about what you said yesterday, it really helped me get through the day",
    "おやすみなさい",
    "Look at this sky!",
]
COMPANION_LINES = [
    "Morning! I was hoping you'd write. Tell me everything about your plans today.",
    "Hmm… I think you deserve a slow evening. Tea, a blanket, and me keeping you company?",
    "お疲れさま。今日も本当によく頑張ったね。",
    "That sounds wonderful — I'm right here with you.",
    "I remember you mentioned the garden last week. Did the hydrangeas bloom yet?",
]


def picture(seed: int) -> bytes:
    rnd = random.Random(seed)
    img = Image.new("RGB", (640, 480), (rnd.randint(80, 200), rnd.randint(80, 200), 200))
    draw = ImageDraw.Draw(img)
    for _ in range(12):
        x, y = rnd.randint(0, 600), rnd.randint(0, 440)
        r = rnd.randint(20, 90)
        color = (rnd.randint(120, 255), rnd.randint(80, 200), rnd.randint(80, 220))
        draw.ellipse((x, y, x + r, y + r), fill=color)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


def realistic_history(s: Store, today: date) -> int:
    """A year and a bit of history with one companion, loaded with plain SQL and the API."""
    rnd = random.Random(7)
    settings_store.set(s, "timezone", ZONE.key)
    first = today - timedelta(days=400)
    pid = personas.ensure_starter(s, today=first).id
    personas.save_version(s, pid, began_on=first)
    rows = []
    for offset in range(401):
        day = first + timedelta(days=offset)
        if offset < 390 and rnd.random() < 0.07:
            continue  # a quiet day now and then
        weekend = day.weekday() >= 5
        exchanges = max(1, int(rnd.gauss(14 + 6 * weekend + offset / 40, 5)))
        if offset in (120, 271):
            exchanges = 95  # a long night of talking
        for _ in range(exchanges):
            hour = rnd.choices(range(24), weights=HOURS)[0]
            sent = datetime.combine(day, time(hour, rnd.randint(0, 59), rnd.randint(0, 59)), ZONE)
            source = (
                "import:chatgpt"
                if offset < 45
                else rnd.choices(["chat", "album", "journal"], weights=[90, 6, 4])[0]
            )
            rows.append((pid, "user", rnd.choice(USER_LINES), sent, source))
            if rnd.random() < 0.97:
                reply = sent + timedelta(seconds=rnd.randint(5, 90))
                rows.append((pid, "companion", rnd.choice(COMPANION_LINES), reply, source))
    frame = pd.DataFrame(rows, columns=["persona_id", "role", "content", "created_at", "source"])
    cur = s.cursor()
    cur.register("history_frame", frame)
    cur.execute(
        "INSERT INTO messages (persona_id, role, content, created_at, source) "
        "SELECT persona_id, role, content, created_at, source FROM history_frame"
    )
    cur.unregister("history_frame")

    places = [
        ("Korakuen Garden", "Bunkyo, Tokyo"),
        ("鎌倉の海", "Kamakura"),
        ("Aquarium date", "Shinagawa"),
        ("Autumn leaves at Takao", "Mt. Takao"),
        ("Christmas market", "Roppongi"),
    ]
    for i, (title, place) in enumerate(places):
        day = first + timedelta(days=40 + i * 70)
        outing = s.execute(
            "INSERT INTO outings (persona_id, title, place, happened_on) VALUES (?, ?, ?, ?) "
            "RETURNING id",
            [pid, title, place, day],
        ).fetchone()[0]
        for j in range(3):
            photos.add(s, picture(i * 10 + j), outing_id=outing, original_name=f"IMG_{j}.jpg")
    for i in range(9):
        s.execute(
            "INSERT INTO journal_entries (persona_id, written_on, mood, body) VALUES (?, ?, ?, ?)",
            [
                pid,
                today - timedelta(days=3 + i * 37),
                rnd.randint(2, 5),
                "A quiet evening\nWe talked about the sea, the new job and what to cook.",
            ],
        )
    proposal = messages.recent(s, pid, 1, before_id=len(rows) // 2)[0]
    milestones.add(
        s,
        pid,
        "The confession",
        first + timedelta(days=20),
        kind="confession",
        note="Under the cherry trees, nervous and happy.",
    )
    milestones.add(
        s,
        pid,
        "He proposed",
        proposal.created_at.astimezone(ZONE).date(),
        kind="proposal",
        message_id=proposal.id,
    )
    return pid


def test_dashboard_and_timeline_with_a_year_of_history(start_app, page, tmp_path):
    data_dir = tmp_path / "data"
    s = Store.open(data_dir)
    today = datetime.now(ZONE).date()
    realistic_history(s, today)
    s.close()

    app = start_app(data_dir)
    scripts = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    page.goto(app.url)
    wait_for_app(page)
    nav = page.get_by_test_id("stSidebarNav")
    nav.get_by_text("Dashboard", exact=True).click()
    wait_for_app(page)
    page.get_by_text("Messages per day").first.wait_for()
    page.wait_for_function(
        "() => document.querySelectorAll('.kz-chart svg[role=img]').length >= 5", timeout=30_000
    )
    # eight headline figures, and the two of the "Today, gently" wellbeing panel (Streamlit
    # loads its metric element's code on first use, so on a busy machine the SVG charts can be
    # on screen before the figures are)
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stMetric\"]').length >= 10",
        timeout=30_000,
    )
    assert page.get_by_test_id("stMetric").count() == 10
    # each day of the year can be pointed at: its hover text gives its figures
    chart = page.locator("[data-chart='daily'] .kz-main svg").first
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    x, y = box["x"] + box["width"] * 0.999, box["y"] + box["height"] * 0.5
    page.mouse.move(x, y)
    pointed = page.evaluate(HOVER_TEXT, [x, y])
    assert pointed.splitlines()[0] == format_date(today, "day"), pointed  # the last day: today
    assert pointed.splitlines()[1].endswith(" from you"), pointed
    screenshot(page, "dashboard-year")

    nav.get_by_text("Timeline", exact=True).click()
    wait_for_app(page)
    page.get_by_test_id("stMarkdownContainer").filter(has_text="He proposed").first.wait_for()
    page.locator("[data-chart='timeline'] svg[role=img]").first.wait_for()
    marks = page.locator("[data-chart='timeline'] .kz-mark")
    assert marks.count() >= 5
    page.get_by_text("Day 401 together with Sora").wait_for()
    assert page.get_by_test_id("stImage").count() >= 1  # the newest outing's cover
    screenshot(page, "timeline-year")
    # neither page needs plotly: its 4.7 MB of script is never fetched
    assert not [url for url in scripts if "Plotly" in url], scripts
