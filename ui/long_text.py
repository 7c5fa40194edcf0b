"""Long texts on a page: a reply of any length streams, is stored, and is shown collapsed.

`st.write_stream` re-sends the whole text so far with every chunk, so a 200,000-character
reply in 2,000 chunks meant about 200 MB of page updates and a Markdown re-render of the
growing text each time: the browser fell behind, the session dropped near 80–140k characters
and the reply — stored only when complete — was lost without a word. Here the screen is
updated at most every `REFRESH_SECONDS`, and past `PREVIEW_CHARS` only the opening stays on
screen with a running count, so a stream costs the page the same at any length. Once stored,
a long message shows its opening and a "Read on" expander with the rest.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import streamlit as st

from memory.i18n import _
from ui.text import escape_markdown, reply_markdown

#: Characters shown before the rest of a message is folded away.
PREVIEW_CHARS = 20_000
#: Seconds between two screen updates while a reply streams.
REFRESH_SECONDS = 0.25


def cut(text: str, limit: int = PREVIEW_CHARS) -> tuple[str, str]:
    """`text` split into an opening of at most `limit` characters and the rest.

    The cut falls at a paragraph break, else a line break, else a space, in the last third
    before the limit, so Markdown and words are rarely split.
    """
    if len(text) <= limit:
        return text, ""
    floor = limit * 2 // 3
    for mark in ("\n\n", "\n", " "):
        at = text.rfind(mark, floor, limit)
        if at > 0:
            return text[:at], text[at:].lstrip()
    return text[:limit], text[limit:]


def _render(text: str, *, as_typed: bool) -> None:
    # His replies: light Markdown only, nothing loaded (see ui.text.reply_markdown).
    st.markdown(escape_markdown(text) if as_typed else reply_markdown(text))


def show(text: str, *, as_typed: bool = False, key: str | None = None) -> None:
    """Show a message: in full when short, else its opening and the rest behind "Read on"."""
    head, rest = cut(text)
    _render(head, as_typed=as_typed)
    if rest:
        label = _("Read on — {n:,} more characters").format(n=len(rest))
        with st.expander(label, key=key):
            _render(rest, as_typed=as_typed)


def stream(chunks: Iterable[str], *, as_typed: bool = False) -> str:
    """Show a reply while it streams, at bounded cost; return all of its text."""
    slot = st.empty()
    parts: list[str] = []
    last = 0.0

    def draw(final: bool) -> None:
        text = "".join(parts)
        head, rest = cut(text)
        with slot.container():
            _render(head, as_typed=as_typed)
            if rest:
                note = (
                    _("… {n:,} characters in all.")
                    if final
                    else _("… still writing: {n:,} characters so far.")
                )
                st.caption(note.format(n=len(text)))

    for chunk in chunks:
        parts.append(chunk)
        now = time.monotonic()
        if now - last >= REFRESH_SECONDS:
            last = now
            draw(final=False)
    draw(final=True)
    return "".join(parts)
