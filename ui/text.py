"""Showing user text exactly as typed.

Streamlit's markdown never renders raw HTML unless asked, but it would still turn `[a](b)`
into a link, `**x**` into bold, `$x$` into maths, `:smile:` into an emoji and `1.` into a
list. Every Markdown-significant character is backslash-escaped (`:`, `.` and `@` become
numeric character references, which also keeps the Markdown parser's own autolinks away);
leading spaces become no-break spaces and newlines hard breaks, so what the user typed is
what they see. (Streamlit's frontend still makes a bare `https://…` clickable after
rendering, as every chat app does; the text shown is unchanged.)
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"[\\`*_{}\[\]()#+\-.!|<>~$:=&@\"']")
_ENTITIES = {":": "&#58;", ".": "&#46;", "@": "&#64;"}
_LEADING = re.compile(r"^[ \t]+", re.MULTILINE)


def _escape(match: re.Match) -> str:
    char = match.group(0)
    return _ENTITIES.get(char) or "\\" + char


def escape_markdown(text: str) -> str:
    """Markdown that renders as the literal `text`."""
    escaped = _SPECIAL.sub(_escape, text.replace("\r\n", "\n"))
    # Leading spaces would be swallowed (or start a code block): keep them visible.
    escaped = _LEADING.sub(
        lambda m: m.group(0).replace("\t", "\u00a0" * 4).replace(" ", "\u00a0"), escaped
    )
    return "  \n".join(escaped.split("\n"))


_UNESCAPE = re.compile(r"&#(58|46|64);|\\(.)", re.DOTALL)


def unescape_markdown(markdown: str) -> str:
    """The text `escape_markdown` was given (leading spaces and tabs come back as spaces)."""
    joined = markdown.replace("  \n", "\n").replace("\u00a0", " ")
    return _UNESCAPE.sub(lambda m: chr(int(m.group(1))) if m.group(1) else m.group(2), joined)
