import pytest

from tests.memory.test_personas_messages import WEIRD
from ui.text import escape_markdown, unescape_markdown


@pytest.mark.parametrize("text", WEIRD)
def test_escaped_markdown_round_trips_to_the_typed_text(text):
    assert unescape_markdown(escape_markdown(text)) == text


@pytest.mark.parametrize(
    "typed", ["see https://example.com", "www.example.com", "mail me: a@b.co", "1. first"]
)
def test_nothing_typed_can_become_a_link_or_a_list(typed):
    escaped = escape_markdown(typed)
    assert "://" not in escaped and "www." not in escaped and "@" not in escaped
    assert not escaped.startswith("1.")


def test_leading_indentation_stays_visible():
    assert escape_markdown("\tcode?\n  two").split("  \n") == [
        "\u00a0" * 4 + "code?",
        "\u00a0\u00a0two",
    ]
