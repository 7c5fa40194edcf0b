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
