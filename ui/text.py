"""Showing user text exactly as typed.

Streamlit's markdown never renders raw HTML unless asked, but it would still turn `[a](b)`
into a link, `**x**` into bold and `$x$` into maths. Every Markdown-significant character is
backslash-escaped and newlines become hard breaks, so what the user typed is what they see.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&])")


def escape_markdown(text: str) -> str:
    """Markdown that renders as the literal `text`."""
    escaped = _SPECIAL.sub(r"\\\1", text)
    # Leading spaces would be swallowed (or start a code block): keep them visible.
    lines = [
        re.sub(r"^( +)", lambda m: "\u00a0" * len(m.group(1)), line) for line in escaped.split("\n")
    ]
    return "  \n".join(lines)
