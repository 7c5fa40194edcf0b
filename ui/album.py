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
from memory import places as place_names
from memory.errors import KizunaError
from memory.i18n import _, format_date, format_number, format_time, ngettext
from ui import confirm, long_text, places_view, state
from ui.text import escape_markdown, reply_markdown

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
    return format_date(d, "long")


def _show(path) -> None:
    if path is None:
        st.warning(_("This photo's file is missing from the data folder."), icon="🖼️")
    else:
        st.image(str(path), width="stretch")


def _response_error(reply) -> None:
    if reply.error is not None:
        flash("error", reply.error.message)


# -- uploading ---------------------------------------------------------------------------------
def _ingest_with_progress(s, outing_id: int | None, files, *, log_fields: dict | None = None):
    """Store uploaded files with a progress bar; returns (outing, results)."""
    bar = st.progress(
        0.0,
        text=ngettext("Adding {n} photo…", "Adding {n} photos…", len(files)).format(
            n=format_number(len(files))
        ),
    )

    def progress(done: int, total: int, name: str) -> None:
        bar.progress(
            done / max(total, 1),
            text=_("Added {done} of {total}: {name}").format(
                done=done, total=total, name=escape_markdown(name)
            ),
        )

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
        flash(
            "success",
            ngettext("{n} photo added.", "{n} photos added.", len(stored)).format(
                n=format_number(len(stored))
            ),
        )
    for r in results:
        if r.note:
            flash("info", r.note)
        if r.status == "duplicate":
            flash(
                "info",
                _("{name}: already in this outing, so it was not added again.").format(
                    name=escape_markdown(r.name)
                ),
            )
        elif r.status == "rejected":
            flash(
                "warning",
                _("{name} was not added: {reason}").format(
                    name=escape_markdown(r.name), reason=r.reason
                ),
            )


def _respond_all(s, outing_id: int, photo_ids: list[int], *, whole: bool = True) -> None:
    """Ask the companion about each new photo (and the day), with a progress bar."""
    provider = state.provider(s)
    temperature = state.provider_settings(s).temperature
    steps = len(photo_ids) + (1 if whole else 0)
    if not steps:
        return
    bar = st.progress(0.0, text=_("Your companion is looking at the photos…"))
    failed = None
    for i, pid in enumerate(photo_ids, start=1):
        reply = companion_album.respond_to_photo(s, provider, pid, temperature=temperature)
        reply.text()
        failed = failed or reply.error
        bar.progress(
            i / steps,
            text=_("Responded to {i} of {photo_ids} photos").format(i=i, photo_ids=len(photo_ids)),
        )
        if reply.error is not None and reply.error.kind in ("auth", "connection", "not_found"):
            break  # the same sentence for every photo helps nobody
    if whole and failed is None:
        reply = companion_album.respond_to_outing(s, provider, outing_id, temperature=temperature)
        reply.text()
        failed = reply.error
    bar.empty()
    if failed is not None:
        flash(
            "error",
            _("{message} Photos without a response can be answered later.").format(
                message=failed.message
            ),
        )


# -- the grid ----------------------------------------------------------------------------------
def _new_outing_form(s, pid: int, pv) -> None:
    # Keys carry a generation number: after a save they change, which empties the form,
    # while a refused save (no title) keeps everything the user typed and chose.
    gen = st.session_state.get("album_new_gen", 0)
    with st.form(f"album_new_{gen}", border=False):
        title = st.text_input(
            _("Title"), key=f"album_new_title_{gen}", placeholder=_("Korakuen Garden")
        )
        left, right = st.columns(2)
        place = left.text_input(_("Place"), key=f"album_new_place_{gen}", placeholder=_("Okayama"))
        happened_on = right.date_input(
            _("Date"),
            value=None,
            key=f"album_new_date_{gen}",
            help=_("Leave empty to use the day the photos were taken."),
            format="YYYY-MM-DD",
        )
        notes = st.text_area(_("Notes"), key=f"album_new_notes_{gen}", height=80)
        files = st.file_uploader(
            _("Photos"), type=UPLOAD_TYPES, accept_multiple_files=True, key=f"album_new_files_{gen}"
        )
        respond = st.checkbox(
            _("Ask {name} to respond to each photo").format(name=escape_markdown(pv.name)),
            value=True,
            key=f"album_new_respond_{gen}",
        )
        submitted = st.form_submit_button(_("Save outing"), type="primary", icon="💾")
    if not submitted:
        return
    if not (title or "").strip():
        st.error(_("Give the outing a title."), icon="⚠️")
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
    flash("success", _("“{title}” is in the album.").format(title=escape_markdown(outing.title)))
    _report(results)
    if respond:
        new = [r.photo.id for r in results if r.status == "stored"]
        _respond_all(s, outing.id, new)
    open_outing(outing.id)
    st.rerun()


def _reset_page() -> None:
    st.session_state["album_page"] = 1


def grid_view(s, pid: int, pv) -> None:
    st.title(_("Album"))
    st.caption(
        _("Days out with {name}, and what they said about them.").format(
            name=escape_markdown(pv.name)
        )
    )
    show_flash()
    total_outings = outings.count(s, pid)
    with st.expander(_("➕ Log an outing"), expanded=total_outings == 0):
        _new_outing_form(s, pid, pv)
    if total_outings == 0:
        st.info(
            _(
                "No outings yet. Log a day out with {name} — a title, a place and a few "
                "photos — and they will tell you what they remember."
            ).format(name=escape_markdown(pv.name)),
            icon="📷",
        )
        return

    search_col, year_col, place_col = st.columns([3, 1.2, 1.8])
    search = search_col.text_input(
        _("Search"),
        key="album_search",
        placeholder=_("Search titles, places, notes"),
        on_change=_reset_page,
    )
    year = year_col.selectbox(
        _("Year"), [None, *outings.years(s, pid)], key="album_year",
        format_func=lambda y: _("All years") if y is None else str(y), on_change=_reset_page,
    )  # fmt: skip
    place = place_col.selectbox(
        _("Place"), [None, *outings.places(s, pid)], key="album_place",
        format_func=lambda p: _("All places") if p is None else p, on_change=_reset_page,
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
        st.info(_("No outings match. Try another word, year or place."), icon="🔎")
        return
    named = places_view.card_places(s, result.cards)  # GPS without a typed place: a name
    for card, cell in _grid(result.cards):
        with cell.container(border=True):
            if card.cover_thumb and s.path_of(card.cover_thumb).is_file():
                st.image(str(s.path_of(card.cover_thumb)), width="stretch")
            else:
                st.markdown("### 🏞️")
            st.markdown(f"**{escape_markdown(card.title)}**")
            facts = [
                card.place or named.get(card.id),
                _day(card.happened_on),
                _count(card.photo_count),
            ]
            st.caption(" · ".join(escape_markdown(f) for f in facts if f))
            st.button(_("Open"), key=f"album_open_{card.id}", on_click=open_outing, args=(card.id,))
    _pager(
        result,
        "album_page",
        ngettext("{n} outing", "{n} outings", result.total).format(n=format_number(result.total)),
    )


def _grid(items):
    """Each item with its cell, drawn row by row: on a phone the columns of a row stack, so
    the items still read in order (newest outing first, an outing's photos as taken)."""
    for start in range(0, len(items), GRID_COLUMNS):
        row = items[start : start + GRID_COLUMNS]
        yield from zip(row, st.columns(GRID_COLUMNS), strict=False)


def _count(n: int) -> str:
    return ngettext("{n} photo", "{n} photos", n).format(n=format_number(n))


def _pager(result, key: str, label: str) -> None:
    if result.pages <= 1:
        st.caption(label)
        return
    prev, middle, nxt = st.columns([1, 2, 1], vertical_alignment="center")
    if prev.button(_("← Newer"), key=f"{key}_prev", disabled=result.page <= 1):
        st.session_state[key] = result.page - 1
        st.rerun()
    middle.caption(
        _("Page {page} of {pages} · {label}").format(
            page=result.page, pages=result.pages, label=label
        ),
        text_alignment="center",
    )
    if nxt.button(_("Older →"), key=f"{key}_next", disabled=result.page >= result.pages):
        st.session_state[key] = result.page + 1
        st.rerun()


# -- one outing --------------------------------------------------------------------------------
def _confirm(kind: str, item_id: int, question: str, on_yes) -> None:
    confirm.ask(
        question,
        prefix=f"album_{kind}_del",
        item_id=item_id,
        state_key="album_confirm",
        on_yes=on_yes,
    )


def _response_block(s, pv, message, *, avatar: str) -> None:
    with st.chat_message("assistant", avatar=avatar):
        st.markdown(reply_markdown(message.content))
        label = _("offline voice") if message.provider == "offline" else (message.model or "")
        local = message.created_at.astimezone(state.tz(s))
        stamp = f"{format_date(local, 'short')} {format_time(local)}"
        st.caption(f"{escape_markdown(pv.name)} · {stamp} · {escape_markdown(label)}")


def _edit_form(s, outing) -> None:
    with st.form("album_edit_form", border=True):
        title = st.text_input(_("Title"), value=outing.title, key="album_edit_title")
        left, right = st.columns(2)
        place = left.text_input(_("Place"), value=outing.place or "", key="album_edit_place")
        happened_on = right.date_input(
            _("Date"), value=outing.happened_on, key="album_edit_date", format="YYYY-MM-DD"
        )
        notes = st.text_area(_("Notes"), value=outing.notes or "", key="album_edit_notes")
        save, cancel, _spare = st.columns([1, 1, 3])
        saved = save.form_submit_button(_("Save"), type="primary")
        cancelled = cancel.form_submit_button(_("Cancel"))
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
        flash("success", _("Outing saved."))
        st.rerun()


def outing_view(s, outing, pv) -> None:
    avatar = state.avatar_for(s, pv)
    st.button(_("← All outings"), key="album_back", on_click=open_outing, args=(None,))
    st.title(escape_markdown(outing.title))
    count = outings.photo_count(s, outing.id)
    facts = [place_names.outing_label(s, outing), _day(outing.happened_on), _count(count)]
    st.caption(" · ".join(escape_markdown(f) for f in facts if f))
    places_view.outing_place(s, outing)
    if outing.notes:
        st.markdown(escape_markdown(outing.notes))
    show_flash()

    edit_col = delete_col = st.container(horizontal=True)
    if edit_col.button(_("Edit"), key="album_edit", icon="✏️"):
        st.session_state["album_editing"] = outing.id
        st.rerun()
    if delete_col.button(_("Delete"), key="album_delete", icon="🗑️"):
        st.session_state["album_confirm"] = ("outing", outing.id)
        st.rerun()
    if st.session_state.get("album_editing") == outing.id:
        _edit_form(s, outing)
    if st.session_state.get("album_confirm") == ("outing", outing.id):

        def delete_outing() -> None:
            outings.delete(s, outing.id)
            open_outing(None)
            flash(
                "success",
                _("“{title}” and its {count} were deleted.").format(
                    title=escape_markdown(outing.title), count=_count(count)
                ),
            )

        _confirm(
            "outing",
            outing.id,
            _("Delete “{title}”, its {count} and {name}'s responses for good?").format(
                title=escape_markdown(outing.title),
                count=_count(count),
                name=escape_markdown(pv.name),
            ),
            delete_outing,
        )

    responses = outings.responses(s, outing.id)
    day_response = responses.get(None)
    if day_response is not None:
        st.caption(_("What {name} said about the day").format(name=escape_markdown(pv.name)))
        _response_block(s, pv, day_response, avatar=avatar)
    label = (
        _("Ask {name} about the day").format(name=escape_markdown(pv.name))
        if day_response is None
        else _("Regenerate")
    )
    if st.button(label, key="album_respond_outing", icon="💬" if day_response is None else "🔄"):
        reply = companion_album.respond_to_outing(
            s, state.provider(s), outing.id, temperature=state.provider_settings(s).temperature
        )
        with st.chat_message("assistant", avatar=avatar):
            long_text.stream(reply)
        _response_error(reply)
        st.rerun()

    with st.expander(_("➕ Add photos"), expanded=count == 0):
        with st.form("album_add_form", clear_on_submit=True, border=False):
            files = st.file_uploader(
                _("Photos"), type=UPLOAD_TYPES, accept_multiple_files=True, key="album_add_files"
            )
            respond = st.checkbox(
                _("Ask {name} to respond").format(name=escape_markdown(pv.name)),
                value=True,
                key="album_add_respond",
            )
            added = st.form_submit_button(_("Add photos"), type="primary")
        if added and files:
            try:
                _spare, results = _ingest_with_progress(s, outing.id, list(files))
            except KizunaError as exc:  # a full disk, say: nothing was added
                st.error(exc.sentence, icon="⚠️")
            else:
                _report(results)
                if respond:
                    new = [r.photo.id for r in results if r.status == "stored"]
                    _respond_all(s, outing.id, new, whole=False)
                st.rerun()

    if count == 0:
        st.info(_("No photos in this outing yet."), icon="📷")
        return
    key = f"album_photos_page_{outing.id}"
    pages = max(1, -(-count // PHOTOS_PER_PAGE))
    page_number = min(st.session_state.get(key, 1), pages)
    shown = photo_store.of_outing(
        s, outing.id, limit=PHOTOS_PER_PAGE, offset=(page_number - 1) * PHOTOS_PER_PAGE
    )
    for photo, cell in _grid(shown):
        with cell.container(border=True):
            _show(photo_store.viewable(s, photo))
            if photo.caption:
                st.markdown(f"*{escape_markdown(photo.caption)}*")
            response = responses.get(photo.id)
            if response is not None:
                st.markdown(f"💬 {reply_markdown(response.content)}")
            view, regen = st.columns(2)
            view.button(
                _("View"), key=f"album_view_{photo.id}", on_click=open_photo, args=(photo.id,)
            )
            if regen.button(
                _("Respond") if response is None else "",
                icon=None if response is None else "🔄",
                key=f"album_regen_{photo.id}",
                help=_("Ask {name} about this photo").format(name=escape_markdown(pv.name))
                if response is None
                else _("Ask {name} for a new response").format(name=escape_markdown(pv.name)),
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
            long_text.stream(reply)
    else:
        with st.spinner(_("Thinking about this photo…")):
            reply.text()
    _response_error(reply)
    return reply


# -- one photo ---------------------------------------------------------------------------------
def photo_view(s, outing, photo, pv) -> None:
    avatar = state.avatar_for(s, pv)
    st.button(
        f"← {escape_markdown(outing.title)}",
        key="album_back_to_outing",
        on_click=open_photo,
        args=(None,),
    )
    _show(photo_store.viewable(s, photo, large=True))
    siblings = [p.id for p in photo_store.of_outing(s, outing.id)]
    index = siblings.index(photo.id) if photo.id in siblings else 0
    prev, where, nxt = st.columns([1, 2, 1], vertical_alignment="center")
    prev.button(
        _("← Previous"), key="album_prev_photo", disabled=index == 0,
        on_click=open_photo, args=(siblings[index - 1] if index else None,),
    )  # fmt: skip
    where.caption(
        _("Photo {value} of {siblings}").format(value=index + 1, siblings=len(siblings)),
        text_alignment="center",
    )
    nxt.button(
        _("Next →"), key="album_next_photo", disabled=index >= len(siblings) - 1,
        on_click=open_photo, args=(siblings[index + 1] if index < len(siblings) - 1 else None,),
    )  # fmt: skip
    facts = []
    if photo.taken_at:
        taken = photo.taken_at.astimezone(state.tz(s))
        facts.append(
            _("taken {day}, {time}").format(day=format_date(taken, "long"), time=format_time(taken))
        )
    if photo.width and photo.height:
        facts.append(f"{photo.width}×{photo.height}")
    where = places_view.photo_place(photo)  # a name, never coordinates
    if where:
        facts.append("📍 " + where)
    if photo.original_name:
        facts.append(photo.original_name)
    st.caption(" · ".join(escape_markdown(f) for f in facts))
    show_flash()

    with st.form("album_caption_form", border=False):
        caption = st.text_input(_("Caption"), value=photo.caption or "", key="album_caption")
        if st.form_submit_button(_("Save caption")):
            photo_store.set_caption(s, photo.id, caption)
            flash("success", _("Caption saved."))
            st.rerun()

    response = outings.responses(s, outing.id).get(photo.id)
    if response is not None:
        _response_block(s, pv, response, avatar=avatar)
    if st.button(
        _("Ask {name} about this photo").format(name=escape_markdown(pv.name))
        if response is None
        else _("Regenerate"),
        key="album_photo_respond",
        icon="💬" if response is None else "🔄",
    ):
        _respond_to_photo(s, photo.id, stream_into=st.chat_message("assistant", avatar=avatar))
        st.rerun()

    st.markdown(_("##### Answer in the chat"))
    with st.form("album_answer_form", clear_on_submit=True, border=False):
        answer = st.text_area(
            _("Say something to {name} about this photo").format(name=escape_markdown(pv.name)),
            key="album_answer",
            height=80,
            placeholder=_("Do you remember the koi by the bridge?"),
        )
        sent = st.form_submit_button(_("Continue in chat"), icon="💬")
    if sent:
        try:
            continued = companion_album.answer_photo(
                s, state.provider(s), photo.id, answer,
                temperature=state.provider_settings(s).temperature,
            )  # fmt: skip
        except KizunaError as exc:
            st.error(exc.sentence, icon="⚠️")
        else:
            with st.spinner(
                _("{name} is answering in the chat…").format(name=escape_markdown(pv.name))
            ):
                continued.reply.text()
            if continued.reply.error is not None:
                st.session_state["chat_error"] = {
                    "message": continued.reply.error.message,
                    "partial": continued.reply.partial,
                    "user_message_id": continued.user_message.id,
                }
            st.switch_page("pages/chat.py")

    st.markdown(_("##### Keepsake card"))
    words = response.content if response is not None else (photo.caption or "")
    if not words:
        st.caption(
            _("Ask {name} about this photo first, or give it a caption.").format(
                name=escape_markdown(pv.name)
            )
        )
    elif st.button(_("Make a keepsake card"), key="album_make_card", icon="🎴"):
        try:
            png = keepsake.for_photo(s, photo.id, words=words, persona_name=pv.name)
        except OSError:
            st.error(_("This photo's file is missing, so no card can be made from it."), icon="⚠️")
        else:
            st.session_state["album_card"] = (photo.id, png)
    card = st.session_state.get("album_card")
    if card and card[0] == photo.id:
        st.image(card[1], width=360)
        st.download_button(
            _("Download card (PNG)"),
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
        _("The cover photo") if is_cover else _("Use as cover"),
        key="album_cover",
        disabled=is_cover,
    ):
        outings.set_cover(s, outing.id, photo.id)
        flash("success", _("Cover changed."))
        st.rerun()
    if delete.button(_("Delete photo"), key="album_photo_delete", icon="🗑️"):
        st.session_state["album_confirm"] = ("photo", photo.id)
        st.rerun()
    if st.session_state.get("album_confirm") == ("photo", photo.id):

        def delete_photo() -> None:
            photo_store.delete(s, photo.id)
            open_photo(None)
            flash("success", _("Photo deleted."))

        _confirm("photo", photo.id, _("Delete this photo and its response for good?"), delete_photo)


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
