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


def bubbles(at: AppTest) -> list[dict]:
    """The chat messages drawn as one element (ui/history_view.py), as that element gets
    them: day lines `{"day": …}` and messages `{"id", "text", "stamp", …}`, top to bottom.
    (AppTest runs no JavaScript; the browser tests check what these look like.)"""
    import json

    found = []
    for element in at.get("bidi_component"):
        proto = element.proto
        if proto.component_name == "kizuna_history":
            found.extend(json.loads(proto.json)["items"])
    return found


def bubble_labels(at: AppTest) -> list[str]:
    """The interface words of the messages drawn as one element: their day lines, time
    lines, "What I remembered" and the names of their buttons and of each bubble."""
    import json

    found = []
    for element in at.get("bidi_component"):
        if element.proto.component_name == "kizuna_history":
            data = json.loads(element.proto.json)
            found += list(data["labels"].values())
            for item in data["items"]:
                found += [item[k] for k in ("day", "stamp") if k in item]
                if item.get("recalled"):
                    found.append(item["recalled"]["label"])
    return found


def bubble_texts(at: AppTest) -> list[str]:
    """The words of the messages drawn as one element, top to bottom."""
    return [item["text"] for item in bubbles(at) if "text" in item]


def shown_texts(at: AppTest) -> list[str]:
    """What the page's Markdown shows (unescaped) and the words of the messages drawn as one
    element: the text she reads on the page."""
    return [plain(m.value) for m in at.markdown] + bubble_texts(at)


def message_count(at: AppTest) -> int:
    """How many chat messages are on screen, drawn by Streamlit or as one element."""
    return len(at.chat_message) + len(bubble_texts(at))


def play(at: AppTest, message_id: int) -> AppTest:
    """Press 🔊 on one of his replies, as the click on it does (`ui.voice.ask_to_play`: the
    one-element history sends the click to it; AppTest cannot click inside that element, the
    browser tests do)."""
    asked = at.session_state.get("voice_play") or {}
    at.session_state["voice_play"] = {
        "id": message_id,
        "nonce": int(asked.get("nonce", 0)) + 1,
        "fresh": True,
    }
    return at.run()


def day_lines(at: AppTest) -> list[str]:
    """The chat's day lines as shown ("— Today —"), whether drawn by Streamlit or among the
    messages drawn as one element."""
    native = [c.value for c in at.caption if c.value.startswith("—")]
    return native + [f"— {item['day']} —" for item in bubbles(at) if "day" in item]


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
        if element.proto.component_name != "kizuna_svg_chart":
            continue  # another component (the chat's messages, ui/history_view.py)
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
