"""Everything she typed or imported is shown exactly as typed, on every page.

Each field holds Markdown, maths, an icon shortcode and a link. If any page handed that text
to Streamlit unescaped it would render as bold, KaTeX, an icon and a link; so no Markdown-
bearing element may contain it raw, and it must be shown (escaped) on the page that holds it.
"""

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from memory import Store, journal, memories, messages, milestones, outings, personas, photos
from tests.pages.conftest import APP, PAGES, bubbles, plain
from tests.photo_files import jpeg

PROBE = "**x** $x$ :material/home: [a](b)"


def markdown_strings(at: AppTest) -> list[str]:
    """Every string Streamlit renders as Markdown on this run (bodies and labels)."""
    found = []
    for kind in (
        "markdown",
        "caption",
        "title",
        "header",
        "subheader",
        "error",
        "warning",
        "info",
        "success",
        "toast",
    ):
        found += [e.value for e in at.get(kind)]
    for kind in (
        "expander",
        "tab",
        "button",
        "metric",
        "checkbox",
        "toggle",
        "text_input",
        "text_area",
        "selectbox",
        "radio",
        "popover",
        "date_input",
        "number_input",
    ):
        found += [getattr(e.proto, "label", None) for e in at.get(kind)]
    found += [o for r in at.get("radio") for o in r.proto.options]  # radio options: Markdown
    return [f for f in found if isinstance(f, str)]


@pytest.fixture
def seeded(data_dir):
    with Store.open(data_dir) as s:
        pid = personas.create(s, name=f"Sora {PROBE}", user_name=f"Alex {PROBE}").persona_id
        messages.add(s, pid, "user", f"hello {PROBE}")
        outing, _ = outings.log(
            s,
            pid,
            f"Walk {PROBE}",
            place=f"Park {PROBE}",
            notes=f"Notes {PROBE}",
            happened_on=date(2026, 11, 1),
            files=[("a.jpg", jpeg())],
        )
        photo = photos.of_outing(s, outing.id)[0]
        photos.set_caption(s, photo.id, f"Caption {PROBE}")
        milestones.add(s, pid, f"Day {PROBE}", date(2026, 10, 1))
        journal.add(s, pid, f"Diary {PROBE}", written_on=date(2026, 11, 2))
        memories.add(s, pid, f"Memory {PROBE}")
    return outing.id


def test_every_page_shows_her_text_as_typed(seeded):
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    shown_anywhere = []
    for page in [*PAGES, "pages/data.py"]:
        at.switch_page(page).run()
        assert not at.exception, page
        strings = markdown_strings(at)
        raw = [s for s in strings if PROBE in s]
        assert raw == [], f"{page} renders her text as Markdown: {raw[:3]}"
        shown_anywhere += [s for s in strings if PROBE in plain(s)]
        # Chat messages drawn as one element: shown as typed (text, never Markdown).
        drawn = [b for b in bubbles(at) if PROBE in b.get("text", "")]
        assert all(b["typed"] for b in drawn), page
        shown_anywhere += [b["text"] for b in drawn]
    shown = " ".join(plain(x) for x in shown_anywhere)
    for field in ("Sora", "Walk", "Park", "Diary", "Memory", "Day", "hello"):
        assert f"{field} {PROBE}" in shown, field


def test_an_open_outing_shows_title_place_notes_caption_as_typed(seeded):
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.switch_page("pages/album.py").run()
    at.button(key=f"album_open_{seeded}").click().run()
    assert not at.exception
    strings = markdown_strings(at)
    raw = [s for s in strings if PROBE in s]
    assert raw == [], raw
    shown = " ".join(plain(s) for s in strings)
    for field in ("Walk", "Park", "Notes", "Caption"):
        assert f"{field} {PROBE}" in shown, field
