"""The album's views (grid, one outing, one photo) as Streamlit glue over memory/ and companion/.

The page shows one view at a time, chosen by `st.session_state` (`album_outing`,
`album_photo`); everything the views do is a call into `memory.outings`, `memory.photos`,
`memory.keepsake` or `companion.album`. Only thumbnails and large JPEG derivatives reach
the browser, never originals (which may be HEIC or 25 MB).
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import streamlit as st

from companion import album as companion_album
from memory import keepsake, outings, personas
from memory import photos as photo_store
from memory.errors import KizunaError
from ui import state
from ui.text import escape_markdown

UPLOAD_TYPES = ["jpg", "jpeg", "png", "webp", "heic", "heif", "gif"]
GRID_COLUMNS = 3
PHOTOS_PER_PAGE = 12


# -- navigation --------------------------------------------------------------------------------
def open_outing(outing_id: int | None) -> None:
    st.session_state["album_outing"] = outing_id
    st.session_state.pop("album_photo", None)
    st.session_state.pop("album_confirm", None)
    st.session_state.pop("album_editing", None)


def open_photo(photo_id: int | None) -> None:
    st.session_state["album_photo"] = photo_id
    st.session_state.pop("album_confirm", None)
    st.session_state.pop("album_card", None)


def flash(kind: str, text: str) -> None:
    """A message shown once on the next run (after st.rerun)."""
    st.session_state.setdefault("album_flash", []).append((kind, text))


def show_flash() -> None:
    icons = {"success": "✅", "warning": "⚠️", "error": "⚠️", "info": "💬"}
    for kind, text in st.session_state.pop("album_flash", []):
        getattr(st, kind)(text, icon=icons.get(kind))


def _day(d: date) -> str:
    return f"{d:%-d %B %Y}"


def _show(path) -> None:
    if path is None:
        st.warning("This photo's file is missing from the data folder.", icon="🖼️")
    else:
        st.image(str(path), width="stretch")


def _response_error(reply) -> None:
    if reply.error is not None:
        flash("error", reply.error.message)


# -- uploading ---------------------------------------------------------------------------------
def _ingest_with_progress(s, outing_id: int | None, files, *, log_fields: dict | None = None):
    """Store uploaded files with a progress bar; returns (outing, results)."""
    bar = st.progress(0.0, text=f"Adding {len(files)} photo{'s' if len(files) != 1 else ''}…")

    def progress(done: int, total: int, name: str) -> None:
        bar.progress(done / max(total, 1), text=f"Added {done} of {total}: {name}")

    pairs = [(f.name, f.getvalue()) for f in files]
    if log_fields is not None:
        outing, results = outings.log(s, files=pairs, progress=progress, **log_fields)
    else:
        outing = outings.get(s, outing_id)
        results = outings.add_files(s, outing_id, pairs, progress=progress)
    bar.empty()
    return outing, results


def _report(results) -> None:
    stored = [r for r in results if r.status == "stored"]
    if stored:
        flash("success", f"{len(stored)} photo{'s' if len(stored) != 1 else ''} added.")
    for r in results:
        if r.note:
            flash("info", r.note)
        if r.status == "duplicate":
            flash("info", f"{r.name}: already in this outing, so it was not added again.")
        elif r.status == "rejected":
            flash("warning", f"{r.name} was not added: {r.reason}")


def _respond_all(s, outing_id: int, photo_ids: list[int], *, whole: bool = True) -> None:
    """Ask the companion about each new photo (and the day), with a progress bar."""
    provider = state.provider(s)
    temperature = state.provider_settings(s).temperature
    steps = len(photo_ids) + (1 if whole else 0)
    if not steps:
        return
    bar = st.progress(0.0, text="Your companion is looking at the photos…")
    failed = None
    for i, pid in enumerate(photo_ids, start=1):
        reply = companion_album.respond_to_photo(s, provider, pid, temperature=temperature)
        reply.text()
        failed = failed or reply.error
        bar.progress(i / steps, text=f"Responded to {i} of {len(photo_ids)} photos")
        if reply.error is not None and reply.error.kind in ("auth", "connection", "not_found"):
            break  # the same sentence for every photo helps nobody
    if whole and failed is None:
        reply = companion_album.respond_to_outing(s, provider, outing_id, temperature=temperature)
        reply.text()
        failed = reply.error
    bar.empty()
    if failed is not None:
        flash("error", f"{failed.message} Photos without a response can be answered later.")


# -- the grid ----------------------------------------------------------------------------------
def _new_outing_form(s, pid: int, pv) -> None:
    # Keys carry a generation number: after a save they change, which empties the form,
    # while a refused save (no title) keeps everything the user typed and chose.
    gen = st.session_state.get("album_new_gen", 0)
    with st.form(f"album_new_{gen}", border=False):
        title = st.text_input("Title", key=f"album_new_title_{gen}", placeholder="Korakuen Garden")
        left, right = st.columns(2)
        place = left.text_input("Place", key=f"album_new_place_{gen}", placeholder="Okayama")
        happened_on = right.date_input(
            "Date",
            value=None,
            key=f"album_new_date_{gen}",
            help="Leave empty to use the day the photos were taken.",
            format="YYYY-MM-DD",
        )
        notes = st.text_area("Notes", key=f"album_new_notes_{gen}", height=80)
        files = st.file_uploader(
            "Photos", type=UPLOAD_TYPES, accept_multiple_files=True, key=f"album_new_files_{gen}"
        )
        respond = st.checkbox(
            f"Ask {pv.name} to respond to each photo", value=True, key=f"album_new_respond_{gen}"
        )
        submitted = st.form_submit_button("Save outing", type="primary", icon="💾")
    if not submitted:
        return
    if not (title or "").strip():
        st.error("Give the outing a title.", icon="⚠️")
        return
    try:
        outing, results = _ingest_with_progress(
            s,
            None,
            list(files or []),
            log_fields={
                "persona_id": pid,
                "title": title,
                "place": place,
                "happened_on": happened_on,
                "notes": notes,
            },
        )
    except outings.OutingError as exc:
        st.error(exc.sentence, icon="⚠️")
        return
    except KizunaError as exc:  # a full disk, say: nothing was added, the form keeps its input
        st.error(exc.sentence, icon="⚠️")
        return
    st.session_state["album_new_gen"] = gen + 1
    flash("success", f"“{outing.title}” is in the album.")
    _report(results)
    if respond:
        new = [r.photo.id for r in results if r.status == "stored"]
        _respond_all(s, outing.id, new)
    open_outing(outing.id)
    st.rerun()


def _reset_page() -> None:
    st.session_state["album_page"] = 1


def grid_view(s, pid: int, pv) -> None:
    st.title("Album")
    st.caption(f"Days out with {escape_markdown(pv.name)}, and what they said about them.")
    show_flash()
    total_outings = outings.count(s, pid)
    with st.expander("➕ Log an outing", expanded=total_outings == 0):
        _new_outing_form(s, pid, pv)
    if total_outings == 0:
        st.info(
            f"No outings yet. Log a day out with {pv.name} — a title, a place and a few "
            "photos — and they will tell you what they remember.",
            icon="📷",
        )
        return

    search_col, year_col, place_col = st.columns([3, 1.2, 1.8])
    search = search_col.text_input(
        "Search",
        key="album_search",
        placeholder="Search titles, places, notes",
        on_change=_reset_page,
    )
    year = year_col.selectbox(
        "Year", [None, *outings.years(s, pid)], key="album_year",
        format_func=lambda y: "All years" if y is None else str(y), on_change=_reset_page,
    )  # fmt: skip
    place = place_col.selectbox(
        "Place", [None, *outings.places(s, pid)], key="album_place",
        format_func=lambda p: "All places" if p is None else p, on_change=_reset_page,
    )  # fmt: skip
    result = outings.page(
        s,
        pid,
        year=year,
        place=place,
        search=search,
        page_number=st.session_state.get("album_page", 1),
    )
    if not result.cards:
        st.info("No outings match. Try another word, year or place.", icon="🔎")
        return
    columns = st.columns(GRID_COLUMNS)
    for i, card in enumerate(result.cards):
        with columns[i % GRID_COLUMNS].container(border=True):
            if card.cover_thumb and s.path_of(card.cover_thumb).is_file():
                st.image(str(s.path_of(card.cover_thumb)), width="stretch")
            else:
                st.markdown("### 🏞️")
            st.markdown(f"**{escape_markdown(card.title)}**")
            facts = [card.place, _day(card.happened_on), _count(card.photo_count)]
            st.caption(" · ".join(escape_markdown(f) for f in facts if f))
            st.button("Open", key=f"album_open_{card.id}", on_click=open_outing, args=(card.id,))
    _pager(result, "album_page", f"{result.total} outing{'s' if result.total != 1 else ''}")


def _count(n: int) -> str:
    return f"{n} photo{'s' if n != 1 else ''}"


def _pager(result, key: str, label: str) -> None:
    if result.pages <= 1:
        st.caption(label)
        return
    prev, middle, nxt = st.columns([1, 2, 1], vertical_alignment="center")
    if prev.button("← Newer", key=f"{key}_prev", disabled=result.page <= 1):
        st.session_state[key] = result.page - 1
        st.rerun()
    middle.caption(f"Page {result.page} of {result.pages} · {label}", text_alignment="center")
    if nxt.button("Older →", key=f"{key}_next", disabled=result.page >= result.pages):
        st.session_state[key] = result.page + 1
        st.rerun()


# -- one outing --------------------------------------------------------------------------------
def _confirm(kind: str, item_id: int, question: str, on_yes) -> None:
    st.warning(question, icon="🗑️")
    row = st.container(horizontal=True)
    yes = no = row
    if yes.button("Yes, delete", key=f"album_{kind}_del_yes_{item_id}", type="primary"):
        st.session_state.pop("album_confirm", None)
        on_yes()
        st.rerun()
    if no.button("Cancel", key=f"album_{kind}_del_no_{item_id}"):
        st.session_state.pop("album_confirm", None)
        st.rerun()


def _response_block(s, pv, message, *, avatar: str) -> None:
    with st.chat_message("assistant", avatar=avatar):
        st.markdown(message.content)
        label = "offline voice" if message.provider == "offline" else (message.model or "")
        stamp = message.created_at.astimezone(state.tz(s)).strftime("%-d %b %Y %H:%M")
        st.caption(f"{escape_markdown(pv.name)} · {stamp} · {escape_markdown(label)}")


def _edit_form(s, outing) -> None:
    with st.form("album_edit_form", border=True):
        title = st.text_input("Title", value=outing.title, key="album_edit_title")
        left, right = st.columns(2)
        place = left.text_input("Place", value=outing.place or "", key="album_edit_place")
        happened_on = right.date_input(
            "Date", value=outing.happened_on, key="album_edit_date", format="YYYY-MM-DD"
        )
        notes = st.text_area("Notes", value=outing.notes or "", key="album_edit_notes")
        save, cancel, _ = st.columns([1, 1, 3])
        saved = save.form_submit_button("Save", type="primary")
        cancelled = cancel.form_submit_button("Cancel")
    if cancelled:
        st.session_state.pop("album_editing", None)
        st.rerun()
    if saved:
        try:
            outings.update(
                s, outing.id, title=title, place=place, happened_on=happened_on, notes=notes
            )
        except outings.OutingError as exc:
            st.error(exc.sentence, icon="⚠️")
            return
        st.session_state.pop("album_editing", None)
        flash("success", "Outing saved.")
        st.rerun()


def outing_view(s, outing, pv) -> None:
    avatar = state.avatar_for(s, pv)
    st.button("← All outings", key="album_back", on_click=open_outing, args=(None,))
    st.title(outing.title)
    count = outings.photo_count(s, outing.id)
    facts = [outing.place, _day(outing.happened_on), _count(count)]
    st.caption(" · ".join(escape_markdown(f) for f in facts if f))
    if outing.notes:
        st.markdown(escape_markdown(outing.notes))
    show_flash()

    edit_col = delete_col = st.container(horizontal=True)
    if edit_col.button("Edit", key="album_edit", icon="✏️"):
        st.session_state["album_editing"] = outing.id
        st.rerun()
    if delete_col.button("Delete", key="album_delete", icon="🗑️"):
        st.session_state["album_confirm"] = ("outing", outing.id)
        st.rerun()
    if st.session_state.get("album_editing") == outing.id:
        _edit_form(s, outing)
    if st.session_state.get("album_confirm") == ("outing", outing.id):

        def delete_outing() -> None:
            outings.delete(s, outing.id)
            open_outing(None)
            flash("success", f"“{outing.title}” and its {_count(count)} were deleted.")

        _confirm(
            "outing",
            outing.id,
            f"Delete “{outing.title}”, its {_count(count)} and {pv.name}'s responses for good?",
            delete_outing,
        )

    responses = outings.responses(s, outing.id)
    day_response = responses.get(None)
    if day_response is not None:
        st.caption(f"What {escape_markdown(pv.name)} said about the day")
        _response_block(s, pv, day_response, avatar=avatar)
    label = f"Ask {pv.name} about the day" if day_response is None else "Regenerate"
    if st.button(label, key="album_respond_outing", icon="💬" if day_response is None else "🔄"):
        reply = companion_album.respond_to_outing(
            s, state.provider(s), outing.id, temperature=state.provider_settings(s).temperature
        )
        with st.chat_message("assistant", avatar=avatar):
            st.write_stream(reply)
        _response_error(reply)
        st.rerun()

    with st.expander("➕ Add photos", expanded=count == 0):
        with st.form("album_add_form", clear_on_submit=True, border=False):
            files = st.file_uploader(
                "Photos", type=UPLOAD_TYPES, accept_multiple_files=True, key="album_add_files"
            )
            respond = st.checkbox(f"Ask {pv.name} to respond", value=True, key="album_add_respond")
            added = st.form_submit_button("Add photos", type="primary")
        if added and files:
            try:
                _, results = _ingest_with_progress(s, outing.id, list(files))
            except KizunaError as exc:  # a full disk, say: nothing was added
                st.error(exc.sentence, icon="⚠️")
            else:
                _report(results)
                if respond:
                    new = [r.photo.id for r in results if r.status == "stored"]
                    _respond_all(s, outing.id, new, whole=False)
                st.rerun()

    if count == 0:
        st.info("No photos in this outing yet.", icon="📷")
        return
    key = f"album_photos_page_{outing.id}"
    pages = max(1, -(-count // PHOTOS_PER_PAGE))
    page_number = min(st.session_state.get(key, 1), pages)
    shown = photo_store.of_outing(
        s, outing.id, limit=PHOTOS_PER_PAGE, offset=(page_number - 1) * PHOTOS_PER_PAGE
    )
    columns = st.columns(GRID_COLUMNS)
    for i, photo in enumerate(shown):
        with columns[i % GRID_COLUMNS].container(border=True):
            _show(photo_store.viewable(s, photo))
            if photo.caption:
                st.markdown(f"*{escape_markdown(photo.caption)}*")
            response = responses.get(photo.id)
            if response is not None:
                st.markdown(f"💬 {response.content}")
            view, regen = st.columns(2)
            view.button("View", key=f"album_view_{photo.id}", on_click=open_photo, args=(photo.id,))
            if regen.button(
                "Respond" if response is None else "",
                icon=None if response is None else "🔄",
                key=f"album_regen_{photo.id}",
                help=f"Ask {pv.name} about this photo"
                if response is None
                else f"Ask {pv.name} for a new response",
            ):
                _respond_to_photo(s, photo.id)
                st.rerun()
    _pager(SimpleNamespace(page=page_number, pages=pages), key, _count(count))


def _respond_to_photo(s, photo_id: int, *, stream_into=None):
    reply = companion_album.respond_to_photo(
        s, state.provider(s), photo_id, temperature=state.provider_settings(s).temperature
    )
    if stream_into is not None:
        with stream_into:
            st.write_stream(reply)
    else:
        with st.spinner("Thinking about this photo…"):
            reply.text()
    _response_error(reply)
    return reply


# -- one photo ---------------------------------------------------------------------------------
def photo_view(s, outing, photo, pv) -> None:
    avatar = state.avatar_for(s, pv)
    st.button(f"← {outing.title}", key="album_back_to_outing", on_click=open_photo, args=(None,))
    _show(photo_store.viewable(s, photo, large=True))
    siblings = [p.id for p in photo_store.of_outing(s, outing.id)]
    index = siblings.index(photo.id) if photo.id in siblings else 0
    prev, where, nxt = st.columns([1, 2, 1], vertical_alignment="center")
    prev.button(
        "← Previous", key="album_prev_photo", disabled=index == 0,
        on_click=open_photo, args=(siblings[index - 1] if index else None,),
    )  # fmt: skip
    where.caption(f"Photo {index + 1} of {len(siblings)}", text_alignment="center")
    nxt.button(
        "Next →", key="album_next_photo", disabled=index >= len(siblings) - 1,
        on_click=open_photo, args=(siblings[index + 1] if index < len(siblings) - 1 else None,),
    )  # fmt: skip
    facts = []
    if photo.taken_at:
        facts.append(f"taken {photo.taken_at.astimezone(state.tz(s)):%-d %B %Y, %H:%M}")
    if photo.width and photo.height:
        facts.append(f"{photo.width}×{photo.height}")
    if photo.gps_lat is not None:
        facts.append(f"{photo.gps_lat:.5f}, {photo.gps_lon:.5f}")
    if photo.original_name:
        facts.append(photo.original_name)
    st.caption(" · ".join(escape_markdown(f) for f in facts))
    show_flash()

    with st.form("album_caption_form", border=False):
        caption = st.text_input("Caption", value=photo.caption or "", key="album_caption")
        if st.form_submit_button("Save caption"):
            photo_store.set_caption(s, photo.id, caption)
            flash("success", "Caption saved.")
            st.rerun()

    response = outings.responses(s, outing.id).get(photo.id)
    if response is not None:
        _response_block(s, pv, response, avatar=avatar)
    if st.button(
        f"Ask {pv.name} about this photo" if response is None else "Regenerate",
        key="album_photo_respond",
        icon="💬" if response is None else "🔄",
    ):
        _respond_to_photo(s, photo.id, stream_into=st.chat_message("assistant", avatar=avatar))
        st.rerun()

    st.markdown("##### Answer in the chat")
    with st.form("album_answer_form", clear_on_submit=True, border=False):
        answer = st.text_area(
            f"Say something to {pv.name} about this photo",
            key="album_answer",
            height=80,
            placeholder="Do you remember the koi by the bridge?",
        )
        sent = st.form_submit_button("Continue in chat", icon="💬")
    if sent:
        try:
            continued = companion_album.answer_photo(
                s, state.provider(s), photo.id, answer,
                temperature=state.provider_settings(s).temperature,
            )  # fmt: skip
        except KizunaError as exc:
            st.error(exc.sentence, icon="⚠️")
        else:
            with st.spinner(f"{pv.name} is answering in the chat…"):
                continued.reply.text()
            if continued.reply.error is not None:
                st.session_state["chat_error"] = {
                    "message": continued.reply.error.message,
                    "partial": continued.reply.partial,
                    "user_message_id": continued.user_message.id,
                }
            st.switch_page("pages/chat.py")

    st.markdown("##### Keepsake card")
    words = response.content if response is not None else (photo.caption or "")
    if not words:
        st.caption(f"Ask {escape_markdown(pv.name)} about this photo first, or give it a caption.")
    elif st.button("Make a keepsake card", key="album_make_card", icon="🎴"):
        try:
            png = keepsake.for_photo(s, photo.id, words=words, persona_name=pv.name)
        except OSError:
            st.error("This photo's file is missing, so no card can be made from it.", icon="⚠️")
        else:
            st.session_state["album_card"] = (photo.id, png)
    card = st.session_state.get("album_card")
    if card and card[0] == photo.id:
        st.image(card[1], width=360)
        st.download_button(
            "Download card (PNG)",
            card[1],
            file_name=f"kizuna-keepsake-{photo.id}.png",
            mime="image/png",
            key="album_card_download",
            icon="⬇️",
        )

    st.divider()
    cover = delete = st.container(horizontal=True)
    is_cover = outing.cover_photo_id == photo.id
    if cover.button(
        "The cover photo" if is_cover else "Use as cover", key="album_cover", disabled=is_cover
    ):
        outings.set_cover(s, outing.id, photo.id)
        flash("success", "Cover changed.")
        st.rerun()
    if delete.button("Delete photo", key="album_photo_delete", icon="🗑️"):
        st.session_state["album_confirm"] = ("photo", photo.id)
        st.rerun()
    if st.session_state.get("album_confirm") == ("photo", photo.id):

        def delete_photo() -> None:
            photo_store.delete(s, photo.id)
            open_photo(None)
            flash("success", "Photo deleted.")

        _confirm("photo", photo.id, "Delete this photo and its response for good?", delete_photo)


def render(s) -> None:
    """The album page: the grid, one outing, or one photo, by the current view."""
    pid = state.persona_id(s)
    pv = personas.current(s, pid)
    outing_id = st.session_state.get("album_outing")
    outing = outings.get(s, outing_id) if outing_id is not None else None
    if outing is None or outing.persona_id != pid:
        if outing_id is not None:
            open_outing(None)
        grid_view(s, pid, pv)
        return
    photo_id = st.session_state.get("album_photo")
    photo = photo_store.get(s, photo_id) if photo_id is not None else None
    if photo is not None and photo.outing_id == outing.id:
        photo_view(s, outing, photo, pv)
    else:
        outing_view(s, outing, pv)
