"""Share a moment: photos (camera or library) and a line, from the chat, in two taps.

Tap "Share a moment", tap the photo picker (a phone offers its camera and its library
there), add a line if she likes, and Share. The photos join today's outing in the album
(`outings.share`, made when there is none today) and the message goes into the chat, where
he answers through the usual reply pipeline. Nothing is stored until Share, and a share of
only unreadable files stores nothing and says why in one sentence per file.
"""

from __future__ import annotations

import streamlit as st

from companion import Upload, send
from memory import outings, photos
from memory.errors import KizunaError
from memory.i18n import _
from ui.text import escape_markdown

FILE_TYPES = ["jpg", "jpeg", "png", "webp", "heic", "heif", "gif"]
_OPEN = "share_open"
_REPLY = "share_reply_to"
_GEN = "share_gen"


def _close() -> None:
    st.session_state[_OPEN] = False
    st.session_state[_GEN] = st.session_state.get(_GEN, 0) + 1  # a fresh, empty form


def _toggle() -> None:
    if st.session_state.get(_OPEN):
        _close()
    else:
        st.session_state[_OPEN] = True


def entry(s, pid: int, pv) -> None:
    """The "Share a moment" button and, once tapped, its form (photos, a line, Share)."""
    st.button(
        _("Share a moment"),
        key="share_toggle",
        icon="📷",
        on_click=_toggle,
        type="secondary",
        help=_("Photos and a line for {name}; they join today's outing in the album.").format(
            name=escape_markdown(pv.name)
        ),
    )
    if not st.session_state.get(_OPEN):
        return
    gen = st.session_state.get(_GEN, 0)
    with st.container(border=True, key="share_panel"):
        files = st.file_uploader(
            _("Photos — take one or choose from your library"),
            type=FILE_TYPES,
            accept_multiple_files=True,
            key=f"share_files_{gen}",
        )
        line = st.text_input(
            _("A line for {name} (optional)").format(name=escape_markdown(pv.name)),
            key=f"share_line_{gen}",
            placeholder=_("Look where we are!"),
        )
        row = st.container(horizontal=True, gap="small")
        go = row.button(_("Share"), key="share_send", type="primary", icon="💞")
        row.button(_("Cancel"), key="share_cancel", on_click=_close, type="tertiary")
    if not go:
        return
    if not files:
        st.warning(_("Choose or take at least one photo to share."), icon="📷")
        return
    try:
        message, problems = send(
            s, pid, line, [Upload(f.name, f.getvalue()) for f in files], photos_required=True
        )
    except KizunaError as exc:
        st.error(exc.sentence, icon="⚠️")
        return
    if message is None:  # no photo could be kept: nothing was stored
        for problem in problems:
            st.error(
                _("Could not share {problem}").format(problem=escape_markdown(problem)), icon="🖼️"
            )
        return
    st.session_state.chat_notices = [
        _("Could not attach {problem}").format(problem=problem) for problem in problems
    ]
    st.session_state[_REPLY] = message.id
    _close()
    st.rerun()


def take_reply_target() -> int | None:
    """The id of a message just shared, whose reply is due now (asked once)."""
    return st.session_state.pop(_REPLY, None)


def album_link(s, message) -> None:
    """Under her photos in the chat: the outing they joined, with a way to it."""
    if message.role != "user" or not message.photo_ids:
        return
    photo = photos.get(s, message.photo_ids[0])
    outing = outings.get(s, photo.outing_id) if photo and photo.outing_id else None
    if outing is None:
        return
    if st.button(
        _("In the album: {title}").format(title=escape_markdown(outing.title)),
        key=f"share_open_outing_{message.id}",
        icon="📷",
        type="tertiary",
    ):
        from ui.album import open_outing

        open_outing(outing.id)
        st.switch_page("pages/album.py")
