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


def svg_charts(at: AppTest) -> dict[str, list]:
    """The SVG charts on the page (`ui.svgcharts`), by their title (the strip, which has
    none, by its name): each a tree of `[tag, attributes, *children]`."""
    import json

    found = {}
    for element in at.get("bidi_component"):
        tree = json.loads(element.proto.json)
        title = next((kid[2] for kid in tree[2:] if kid[1].get("class") == "kz-title"), None)
        found[title or tree[1]["data-chart"]] = tree
    return found


def svg_nodes(tree, tag: str) -> list[list]:
    """Every node of `tree` with this tag, in document order."""
    found = []
    if isinstance(tree, list):
        if tree[0] == tag:
            found.append(tree)
        for kid in tree[2:]:
            found += svg_nodes(kid, tag)
    return found


def svg_text(node) -> str:
    """The text a node shows (its text children, and its descendants')."""
    if isinstance(node, str | int | float):
        return str(node)
    return "".join(svg_text(kid) for kid in node[2:] if kid[0:1] != ["title"] or node[0] == "title")


def tooltips(tree) -> list[str]:
    """The hover texts (`<title>`) of a chart, in document order."""
    return [svg_text(node) for node in svg_nodes(tree, "title")]


def svg_strings(tree) -> list[str]:
    """Every text in a chart, hover texts included."""
    if isinstance(tree, str | int | float):
        return [str(tree)]
    return [text for kid in tree[2:] for text in svg_strings(kid)]
