import pytest

from tests.memory.test_personas_messages import WEIRD
from ui.text import escape_markdown, unescape_markdown


@pytest.mark.parametrize("text", WEIRD)
def test_escaped_markdown_round_trips_to_the_typed_text(text):
    assert unescape_markdown(escape_markdown(text)) == text


@pytest.mark.parametrize(
    "typed", ["1. first", "# not a heading", "> not a quote", "- not a list", ":smile:"]
)
def test_nothing_typed_becomes_markdown_structure(typed):
    escaped = escape_markdown(typed)
    assert escaped[:2] not in ("1.", "# ", "> ", "- ") and ":smile:" not in escaped


def test_leading_indentation_stays_visible():
    assert escape_markdown("\tcode?\n  two").split("  \n") == [
        "\u00a0" * 4 + "code?",
        "\u00a0\u00a0two",
    ]


def test_reply_keeps_light_markdown():
    from ui.text import reply_markdown

    shown = reply_markdown("*smiles* **home**\n- tea\n1. cake")
    assert shown == "*smiles* **home**  \n- tea  \n1. cake"


@pytest.mark.parametrize(
    "reply, literal",
    [
        ("![](http://h/px.png)", "🖼️ (http://h/px.png)"),
        ("![a cat](http://h/c.png)", "🖼️ a cat (http://h/c.png)"),
        ("[click](http://h/x)", "click (http://h/x)"),
        ("$x^2$ :red[hi] :material/home:", "$x^2$ :red[hi] :material/home:"),
        ('<img src="http://h/p.png">', '<img src="http://h/p.png">'),
        ("# big\n---\n    code", "# big\n---\n    code"),
    ],
)
def test_reply_never_loads_or_dresses_up(reply, literal):
    from ui.text import reply_markdown

    assert unescape_markdown(reply_markdown(reply)) == literal
