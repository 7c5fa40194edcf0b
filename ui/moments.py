"""Album and journal replies in the chat: shared moments, not bubbles.

His responses in the album and his reflections in the journal are messages too (the
dashboard counts them), but in the chat a run of them would be a flood of bare bubbles
("I love this photo." five times, with no photo). `group` folds consecutive album
responses about one outing into one moment, and each journal reflection is one moment;
`render` shows a moment as a compact card: the photo thumbnail(s), his words, and a button
to the outing or the entry. Chat actions (Regenerate) never act on a moment.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from memory import journal, messages, outings, photos
from memory.i18n import _, format_date, format_time, ngettext
from ui.text import escape_markdown

#: The sources shown as shared moments in the chat.
SHARED = ("album", "journal")
#: Thumbnails on one card.
THUMBS = 4
THUMB_WIDTH = 72
#: Her entry's words quoted on a journal card.
QUOTE_CHARS = 160


@dataclass(frozen=True)
class Moment:
    """One shared moment: his album responses about one outing, or one reflection."""

    source: str  # "album" or "journal"
    replies: tuple[messages.Message, ...]

    @property
    def first(self) -> messages.Message:
        return self.replies[0]

    @property
    def key(self) -> int:
        return self.replies[0].id


def is_shared(m: messages.Message) -> bool:
    """Whether a message shows as a shared moment in the chat."""
    return m.source in SHARED and m.role == "companion"


def group(history) -> list:
    """The chat's messages with album and journal replies folded into moments, in order."""
    out: list = []
    for m in history:
        if not is_shared(m):
            out.append(m)
            continue
        last = out[-1] if out else None
        if (
            m.source == "album"
            and isinstance(last, Moment)
            and last.source == "album"
            and last.first.outing_id == m.outing_id
        ):
            out[-1] = Moment("album", (*last.replies, m))
        else:
            out.append(Moment(m.source, (m,)))
    return out


def _words(m: messages.Message) -> str:
    # Offline-voice replies are made of the persona's own text: shown as typed.
    return escape_markdown(m.content) if m.provider == "offline" else m.content


def _thumbs(s, photo_list) -> None:
    shown = [p for p in photo_list if p is not None][:THUMBS]
    if not shown:
        return
    row = st.container(horizontal=True, gap="small", wrap=True)
    for photo in shown:
        path = photos.thumbnail_path(s, photo)
        if path.is_file():
            row.image(str(path), width=THUMB_WIDTH)
        else:
            row.caption(_("🖼️ photo no longer on disk"))


def _album_card(s, moment: Moment, tz) -> None:
    outing = outings.get(s, moment.first.outing_id)
    if outing is None:
        st.markdown(_words(moment.replies[-1]))
        return
    place = f" · {escape_markdown(outing.place)}" if outing.place else ""
    st.markdown(f"📷 **{escape_markdown(outing.title)}**")
    st.caption(
        _("Shared in the album{place} · {day}").format(
            place=place, day=format_date(outing.happened_on, "day")
        )
    )
    about_photos = [m.photo_id for m in moment.replies if m.photo_id is not None]
    if about_photos:
        _thumbs(s, [photos.get(s, pid) for pid in about_photos])
    else:
        _thumbs(s, photos.of_outing(s, outing.id, limit=THUMBS))
    # The words about the whole day say most; else his latest words about a photo.
    day_words = next((m for m in moment.replies if m.photo_id is None), None)
    st.markdown(_words(day_words or moment.replies[-1]))
    others = len(moment.replies) - 1
    if others:
        st.caption(
            ngettext(
                "…and {n} more response in the album",
                "…and {n} more responses in the album",
                others,
            ).format(n=others)
        )
    if st.button(
        _("Open the outing"),
        key=f"chat_moment_open_{moment.key}",
        icon="📷",
        type="tertiary",
    ):
        from ui.album import open_outing

        open_outing(outing.id)
        st.switch_page("pages/album.py")


def _journal_card(s, moment: Moment, tz) -> None:
    reply = moment.first
    entry = journal.get(s, reply.journal_entry_id) if reply.journal_entry_id else None
    if entry is None:
        st.markdown(_words(reply))
        return
    st.markdown(
        "📔 **" + _("Journal · {day}").format(day=format_date(entry.written_on, "day")) + "**"
    )
    if entry.body:
        flat = " ".join(entry.body.split())
        quote = flat if len(flat) <= QUOTE_CHARS else flat[: QUOTE_CHARS - 1].rstrip() + "…"
        st.caption("“" + escape_markdown(quote) + "”")
    if entry.photo_id is not None:
        _thumbs(s, [photos.get(s, entry.photo_id)])
    st.markdown(_words(reply))
    if st.button(
        _("Open the journal"),
        key=f"chat_moment_open_{moment.key}",
        icon="📔",
        type="tertiary",
    ):
        st.switch_page("pages/journal.py")


def render(s, moment: Moment, *, avatar: str, tz) -> None:
    """One shared moment as a card in the chat, from his side of the conversation."""
    with st.chat_message("assistant", avatar=avatar):
        with st.container(border=True, key=f"chat_moment_{moment.key}"):
            if moment.source == "album":
                _album_card(s, moment, tz)
            else:
                _journal_card(s, moment, tz)
        last = moment.replies[-1]
        label = format_time(last.created_at.astimezone(tz))
        if last.provider == "offline":
            label += " · 🌙 " + _("offline voice")
        elif last.model:
            label += f" · {last.model}"
        st.caption(escape_markdown(label))
