from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "app.py"

PAGES = [
    "pages/chat.py",
    "pages/album.py",
    "pages/timeline.py",
    "pages/dashboard.py",
    "pages/journal.py",
    "pages/memories.py",
    "pages/search.py",
    "pages/persona.py",
    "pages/settings.py",
]


@pytest.fixture
def app():
    """The whole app (router, sidebar, pages) under AppTest, on the test's data folder."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    return at.run()


def plain(markdown: str) -> str:
    """What a Markdown string escaped with `ui.text.escape_markdown` shows on screen."""
    from ui.text import unescape_markdown

    return unescape_markdown(markdown)


def open_menu(at: AppTest, message_id: int) -> AppTest:
    """Open a chat message's "⋯" menu, as a click on it does (its buttons are built then)."""
    at.session_state[f"chat_more_{message_id}"] = True
    return at.run()


def open_tab(at: AppTest, key: str, label: str) -> AppTest:
    """Switch the tabs keyed `key` to the one labelled `label`, as a click on it does (a
    page builds only its open tab)."""
    at.session_state[key] = label
    return at.run()


def open_expander(at: AppTest, key: str) -> AppTest:
    """Open the section keyed `key`, as a click on it does (its content is built then)."""
    at.session_state[key] = True
    return at.run()
