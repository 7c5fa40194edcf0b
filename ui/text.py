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


# -- his replies: light Markdown, nothing that reaches out or dresses up -------------------------
#
# A reply is model output, and the model reads text she imported (a card, a chat export) that
# may carry instructions. So a reply keeps only what a chat needs: *italics* for actions,
# **bold**, lists and line breaks. An image never loads (its address is shown instead), a
# link shows its real address, and raw HTML, maths ($…$), colour (:red[…]), icon and emoji
# shortcodes (:material/home:), headings, tables, code blocks and rules show as typed.

_IMAGE = re.compile(r"!\[([^\]\n]*)\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'][^\"'\n]*[\"'])?\s*\)")
_LINK = re.compile(r"\[([^\]\n]+)\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'][^\"'\n]*[\"'])?\s*\)")
# Everything Markdown or Streamlit could turn into structure, except emphasis and lists:
# backslashes, code, links and images, headings, tables, raw HTML, maths, an entity, and the
# colon of a shortcode (`:smile:`, `:material/home:`, `:red[…]`). A bare address stays and
# shows itself.
_REPLY_SPECIAL = re.compile(r"[\\`\[\]#|<$~]|!(?=\[)|&(?=#|\w+;)")
_SHORTCODE = re.compile(r":(?=[\w/+-]+[:\[])")
_RULE = re.compile(r"^[ \t]*([-*_=+][ \t]*){3,}$")
_LIST_START = re.compile(r"^[ \t]{0,3}([-*+]|\d{1,9}[.)])[ \t]")
_PLACEHOLDER = "\x00{}\x00"


def reply_markdown(text: str) -> str:
    """Markdown for one of his replies: light emphasis and lists, nothing remote or rich."""
    literal: list[str] = []

    def keep(shown: str) -> str:
        literal.append(escape_markdown(shown))
        return _PLACEHOLDER.format(len(literal) - 1)

    text = text.replace("\r\n", "\n").replace("\x00", "").replace("\x01", "")
    text = _IMAGE.sub(lambda m: keep(f"🖼️ {m.group(1)} ({m.group(2)})".replace("  ", " ")), text)
    text = _LINK.sub(lambda m: keep(_link_text(m.group(1), m.group(2))), text)
    lines = []
    for line in text.split("\n"):
        if _RULE.match(line) and not _LIST_START.match(line + " "):
            lines.append(escape_markdown(line))  # "---" would be a rule or a heading's underline
            continue
        escaped = _REPLY_SPECIAL.sub(_escape, _SHORTCODE.sub("\x01", line))
        escaped = escaped.replace("\x01", "&#58;")
        # Four leading spaces would start a code block (which scrolls sideways on a phone).
        indent = len(escaped) - len(escaped.lstrip(" \t"))
        if indent >= 4 and not _LIST_START.match(escaped.lstrip(" \t")):
            escaped = "\u00a0" * indent + escaped.lstrip(" \t")
        lines.append(escaped)
    joined = "  \n".join(lines).replace("  \n  \n", "\n\n")
    return re.sub("\x00(\\d+)\x00", lambda m: literal[int(m.group(1))], joined)


def _link_text(label: str, address: str) -> str:
    return label if label.strip() == address.strip() else f"{label} ({address})"
