"""Chat with the companion: history from DuckDB, streamed replies, retry and regenerate.

The page's body is two `st.fragment`s. `history` is the top and the screenful up to a
boundary; "Show earlier" and a message's menu rerun it alone. `tail` holds the chat box and
everything after the boundary: a send, his reply, Retry and Regenerate rerun it alone, so the
forty messages above are not sent to the browser again and her message shows as soon as it is
stored (before the model is asked). The boundary moves only when the tail has nothing drawn
yet (coming from another page, her first message, leaving a day view) or when the tail, grown
to a screenful, is taken into it; so no message is ever on screen twice, not even while a
whole-page run draws the chat again. What changes the top (the emergency number, the empty
state, search's day view) redraws the whole chat before he answers. The sidebar's count of
today's messages is redrawn from the tail. A message's "⋯" menu builds its buttons only while
it is open (`on_change="rerun"` and `.open`), so a screenful of forty messages stays light.

Messages that need only their words are drawn as one element per run of them
(ui/history_view.py), not five or six Streamlit elements each: the browser's cost per element
was most of the time a screenful and "Show earlier" took. A bubble's ⋯ or 🔊 there opens that
message's own menu (it is drawn with Streamlit's elements while the menu is open) or reads it.
"""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

import ui.long_text as long_text
from companion import Reply, Upload, safety, send
from companion.conversation import regenerate_target
from memory import audio, memories, messages, personas, photos
from memory.errors import KizunaError
from memory.i18n import _, format_date, format_time
from ui import (
    care,
    confirm,
    demo,
    greeting,
    history_view,
    language,
    milestone_action,
    moment_share,
    moments,
    recall_view,
    scroll,
    sidebar,
    state,
    voice,
)
from ui.import_view import chat_extras as imported_extras
from ui.text import escape_markdown

PAGE = 40  # messages per "screenful"
PHOTO_FILE_TYPES = ["jpg", "jpeg", "png", "webp", "heic", "heif", "gif"]

s = state.store()
pid = state.persona_id(s)
pv = personas.current(s, pid)
tz = state.tz(s)
provider = state.provider(s)
companion_avatar = state.avatar_for(s, pv)
today_slot = sidebar.today_slot()  # this run's "messages today" line, redrawn after a send

# A different companion (or a fresh session) starts at the latest screenful, with no leftovers.
if st.session_state.get("chat_persona") != pid:
    st.session_state.chat_persona = pid
    st.session_state.chat_limit = PAGE
    for leftover in (
        "chat_error",
        "chat_confirm_delete",
        "chat_regenerate",
        "chat_boundary",
        "chat_answer_next",
    ):
        st.session_state.pop(leftover, None)

# Coming from another page (whose run dropped the chat box's state), the chat shows nothing
# yet: the screenful can start from the latest message again.
if "chat_input" not in st.session_state:
    st.session_state.pop("chat_boundary", None)

# Whether the fragment below is running inside a run of the whole page (a fragment-scoped
# rerun is not allowed there) or on its own.
run = {"whole_page": True}


def rerun_chat() -> None:
    """Draw the chat again: only the chat when it is running on its own."""
    st.rerun(scope="app" if run["whole_page"] else "fragment")


def _local_day(m: messages.Message):
    return m.created_at.astimezone(tz).date()


def _day_label(day, today) -> str:
    if day == today:
        return _("Today")
    if day == today - timedelta(days=1):
        return _("Yesterday")
    return format_date(day, "full")


# Filled once the screenful is known (one query each); the day view from search asks per message.
kept: set[int] | None = None
recordings: dict | None = None


def _shows_as_typed(m: messages.Message) -> bool:
    """User text, and offline-voice replies (made of the user's own persona text)."""
    return m.role == "user" or m.provider == "offline"


def _ask_before_deleting(message_id: int, popover_key: str) -> None:
    st.session_state.chat_confirm_delete = message_id
    st.session_state[popover_key] = False  # close the menu so the question is in view


def show_message(m: messages.Message) -> None:
    if moments.is_shared(m):  # an album response or a journal reflection: a card
        moments.render(s, moments.Moment(m.source, (m,)), avatar=companion_avatar, tz=tz)
        return
    role = "user" if m.role == "user" else "assistant"
    avatar = state.USER_AVATAR if m.role == "user" else companion_avatar
    with st.chat_message(role, avatar=avatar):
        if m.content:
            long_text.show(m.content, as_typed=_shows_as_typed(m), key=f"chat_long_{m.id}")
        if m.photo_ids:
            slots = st.columns(min(len(m.photo_ids), 3))
            for i, photo_id in enumerate(m.photo_ids):
                photo = photos.get(s, photo_id)
                if photo is None or not s.path_of(photo.path).is_file():
                    slots[i % len(slots)].caption(_("🖼️ photo no longer on disk"))
                    continue
                slots[i % len(slots)].image(str(photos.thumbnail_path(s, photo)), width=200)
            moment_share.album_link(s, m)  # the outing her photos joined
        if m.source.startswith("import:"):
            imported_extras(m)
        label = _label(m)
        voice.render_playback(s, m, pv, recordings)
        # One row at every width (columns would stack on a phone).
        row = st.container(horizontal=True, vertical_alignment="center", wrap=False, gap="small")
        row.caption(escape_markdown(label), width="stretch")
        if m.role == "companion" and m.content:
            voice.play_button(row, m)
        more = f"chat_more_{m.id}"
        menu = row.popover("⋯", type="tertiary", help=_("More"), key=more, on_change="rerun")
        # Built only while open (or while its milestone form is being filled in).
        if menu.open or st.session_state.get("chat_milestone_for") == m.id:
            with menu:
                st.button(
                    _("Delete message"),
                    key=f"chat_del_{m.id}",
                    icon="🗑️",
                    on_click=_ask_before_deleting,
                    args=(m.id, more),
                )
                milestone_action.render(s, m, tz)
                recall_view.remember_button(s, m, kept)
                voice.edit_words(s, m)
        recall_view.remembered(m)
    if st.session_state.get("chat_confirm_delete") == m.id:
        confirm.ask(
            _("**Delete this message for good?** This cannot be undone."),
            prefix="chat_del",
            item_id=m.id,
            state_key="chat_confirm_delete",
            on_yes=lambda: messages.delete(s, m.id),
            done=_("Message deleted."),
            inline=True,
        )


def run_reply(
    user_message: messages.Message, *, replaces: int | None = None, consolidate: bool = False
) -> None:
    """Stream a reply to `user_message`; remember a failure for the Retry button.

    `replaces` is the id of a reply being regenerated: it stays until the new one is stored.
    `consolidate` redraws the whole chat afterwards with the tail taken into the screenful
    (it has grown to a screenful itself).
    """
    cfg = state.provider_settings(s)
    reply = Reply(s, provider, user_message, temperature=cfg.temperature, replaces=replaces)
    with st.chat_message("assistant", avatar=companion_avatar):
        long_text.stream(reply)  # any length: throttled, the opening shown past a length
    if reply.error is not None:
        st.session_state.chat_error = {
            "message": reply.error.message,
            "partial": reply.partial,
            "user_message_id": user_message.id,
            "replaces": replaces,
        }
    else:
        st.session_state.pop("chat_error", None)
        voice.play_new_reply(s, pid)
    if consolidate:
        st.session_state.chat_consolidate = True
        st.rerun(scope="app")
    rerun_chat()


def take(submitted) -> tuple[messages.Message | None, str | None]:
    """Keep what she sent (text, photos, a voice message): the message to answer, if any,
    and the sentence saying why nothing was kept, if so."""
    text = submitted if isinstance(submitted, str) else submitted.text
    files = [] if isinstance(submitted, str) else list(submitted.files or [])
    recording = None if isinstance(submitted, str) else submitted.get("audio")
    if recording is not None:
        spoken = voice.receive_recording(s, pid, pv, recording)
        if not (text or "").strip() and not files:
            # Answered once its words are known (typed in its ⋯ menu when not transcribed).
            return (spoken if spoken is not None and spoken.content else None), None
    try:
        user_message, problems = send(s, pid, text, [Upload(f.name, f.getvalue()) for f in files])
    except KizunaError as exc:
        return None, exc.sentence
    notices = [_("Could not attach {problem}").format(problem=problem) for problem in problems]
    st.session_state.chat_notices = notices  # under the conversation, until the next run
    return user_message, None


def show_earlier() -> None:
    st.session_state.chat_limit += PAGE


def regenerate(last_chat_id: int) -> None:
    found = regenerate_target(s, pid)
    if found is not None and found[0].id == last_chat_id:
        old, target = found
        st.session_state.chat_regenerate = (old.id, target.id)


def _screen_extras(shown: list[messages.Message]) -> None:
    """Which messages on screen are kept as memories and which have recordings: one query
    each for the whole screenful, not one per message."""
    global kept, recordings
    kept = memories.kept_message_ids(s, [m.id for m in shown])
    recordings = audio.with_audio(s, [m.id for m in shown if m.role == "user"])


def _label(m: messages.Message) -> str:
    """The line under a message: its time, his model or offline voice, where it came from."""
    label = format_time(m.created_at.astimezone(tz))
    if m.role == "companion" and m.provider == "offline":
        label += " · 🌙 " + _("offline voice")
    elif m.role == "companion" and m.model:
        label += f" · {m.model}"
    if m.source == "greeting":
        label += " · " + greeting.label()
    elif m.source != "chat":
        source = m.source.replace("import:", _("import") + " ")
        label += " · " + _("from {source}").format(source=source)
    return label


def _as_text_bubble(m: messages.Message) -> dict | None:
    """A message that needs nothing but its words, as the one-element history draws it;
    None when it needs Streamlit's own elements (a photo, a recording, an import's details,
    a long text's fold, its open menu or a question about it)."""
    if (
        not m.content
        or m.photo_ids
        or m.source.startswith("import:")
        or len(m.content) > long_text.PREVIEW_CHARS
        or not history_view.shows_as_text(m.content, as_typed=_shows_as_typed(m))
        or (m.meta or {}).get("voice")
        or (m.role == "user" and (recordings is None or m.id in recordings))
        or st.session_state.get(f"chat_more_{m.id}")
        or st.session_state.get("chat_milestone_for") == m.id
        or st.session_state.get("chat_confirm_delete") == m.id
        or (st.session_state.get("voice_play") or {}).get("id") == m.id
    ):
        return None
    items = recall_view.recalled_items(m) if m.role == "companion" else []
    recalled = None
    if items:
        recalled = {
            "label": _("What I remembered ({items})").format(items=len(items)),
            "items": [
                {
                    "title": f"{recall_view.KIND_ICONS.get(i.kind, '•')} {i.title}"
                    + (f" · {format_date(i.when, 'short')}" if i.when else ""),
                    "detail": " ".join(i.text[:300].split())
                    if i.text and i.text != i.title
                    else "",
                }
                for i in items
            ],
        }
    return {
        "id": m.id,
        "user": m.role == "user",
        "text": m.content,
        "typed": _shows_as_typed(m),
        "stamp": _label(m),
        "speak": m.role == "companion",
        "recalled": recalled,
    }


def _bubble_action(action: dict) -> None:
    """A bubble's ⋯ or 🔊 in the one-element history: its menu opens (the message is drawn
    with Streamlit's own elements while it is open), or it is read aloud."""
    message_id = int(action["id"])
    if action.get("act") == "speak":
        voice.ask_to_play(message_id)
    elif action.get("act") == "more":
        st.session_state[f"chat_more_{message_id}"] = True


def _flush(batch: list[dict]) -> None:
    if not any("id" in item for item in batch):
        for item in batch:
            st.caption(f"— {item['day']} —", text_alignment="center")
    elif batch:
        first = next(item["id"] for item in batch if "id" in item)
        history_view.draw(
            batch,
            key=f"chat_bubbles_{first}",
            avatars={
                "user": history_view.image_uri(state.USER_AVATAR),
                "companion": history_view.image_uri(companion_avatar),
            },
            labels={
                "hers": _("Your message"),
                "his": _("Message from {name}").format(name=pv.name),
                "more": _("More"),
                "speak": _("Read aloud"),
            },
            on_action=_bubble_action,
        )
    batch.clear()


def _draw(shown: list, today, last_day=None, *, skip: int | None = None):
    """Messages and shared moments with a day line wherever the day changes; the last day.

    Runs of messages that need only their words are one element (ui/history_view.py)."""
    batch: list[dict] = []
    for item in moments.group(shown):
        m = item.first if isinstance(item, moments.Moment) else item
        if m.id == skip:
            continue  # the reply being regenerated makes way for the new one streaming below
        day = _local_day(m)
        if day != last_day:
            batch.append({"day": _day_label(day, today)})
            last_day = day
        bubble = None if isinstance(item, moments.Moment) else _as_text_bubble(m)
        if bubble is not None:
            batch.append(bubble)
            continue
        _flush(batch)
        if isinstance(item, moments.Moment):
            moments.render(s, item, avatar=companion_avatar, tz=tz)
        else:
            show_message(m)
    _flush(batch)
    return last_day


def _emergency(text: str | None) -> bool:
    found = safety.assess(text)
    return found is not None and found.emergency


def _answer_after_full_run(answer: messages.Message) -> None:
    """Redraw the whole chat, then answer: for what changes the top of the page (the
    emergency number first, the first message under an empty state, leaving a day view)."""
    st.session_state.chat_answer_next = answer.id
    st.rerun(scope="app")


@st.fragment
def history() -> None:
    """The page top and the screenful as of the last whole-page run.

    Its own reruns ("Show earlier", a ⋯ menu, a delete) keep the boundary, so what the tail
    below has drawn since is not drawn twice.
    """
    global kept, recordings
    language.apply(s)  # a fragment rerun does not run app.py, where the language is set
    kept = recordings = None  # until this run's screenful is known (the day view asks each)
    today = state.today(s)
    regenerating = st.session_state.get("chat_regenerate")
    # An act under way puts her region's emergency number first, before anything else.
    care.emergency_first(s, pid)
    head_left, head_right = st.columns([1, 7], vertical_alignment="center")
    head_left.image(companion_avatar, width=64)
    head_right.markdown(f"### {escape_markdown(pv.name)}")
    if provider.name == "offline":
        head_right.caption(
            _(
                "🌙 **offline voice** — no model is connected, so replies are composed from "
                "{name}'s own words. Connect one in Settings."
            ).format(name=escape_markdown(pv.name))
        )
    else:
        head_right.caption(
            _("Talking through {label}").format(label=escape_markdown(provider.label))
        )

    # He speaks first after a gap or on a day that matters.
    greeting.maybe_greet(s, pid, provider, pv)
    boundary = st.session_state.get("chat_boundary")
    if recall_view.show_jump_day(s, pid, tz, show_message):
        st.session_state.chat_boundary = {"id": None, "last": None, "day": None}
        return
    if (
        boundary is None  # a fresh session or another companion
        or boundary.get("id") is None  # back from a day view
        or boundary.get("last") is None  # the screenful was empty: her first message joins it
        or (run["whole_page"] and st.session_state.pop("chat_consolidate", False))
    ):
        before = None
    else:
        before = boundary["id"] + 1
    limit = st.session_state.chat_limit
    # One row more than a screenful says whether there is anything earlier to show.
    window = messages.recent(s, pid, limit + 1, before_id=before)
    shown = window[-limit:]
    if len(window) > len(shown):
        earlier = messages.count(s, pid) - len(shown)
        st.button(
            _("Show earlier messages ({earlier:,} more)").format(earlier=earlier),
            key="chat_show_earlier",
            icon="⬆️",
            on_click=show_earlier,
        )
    if not shown:
        st.info(
            _(
                "This is the beginning of your story with {name}. Say hello — everything you "
                "share stays on this computer."
            ).format(name=escape_markdown(pv.name)),
            icon="💞",
        )
        demo.offer(s)
    if before is None:
        newest = shown[-1] if shown else None
        st.session_state.chat_boundary = {
            "id": max((m.id for m in shown), default=0),
            "last": newest.id if newest else None,
            "day": _local_day(newest) if newest else None,
        }
    _screen_extras(shown)
    _draw(shown, today, skip=regenerating[0] if regenerating else None)
    voice.speaker()


@st.fragment
def tail() -> None:
    """The chat box and everything after the screenful: what she sends, his replies, Retry,
    Regenerate and "Share a moment". A send reruns this alone: the screenful above is not
    drawn again, so her message shows as soon as it is stored."""
    language.apply(s)
    # The input is pinned to the foot of the page.
    with st.bottom:
        submitted = st.chat_input(
            _("Message {name}…").format(name=pv.name),
            key="chat_input",
            accept_file="multiple",
            file_type=PHOTO_FILE_TYPES,
            accept_audio=True,
        )
    answer, refused = take(submitted) if submitted else (None, None)
    boundary = st.session_state.get("chat_boundary") or {"id": None, "last": None, "day": None}
    if answer is not None:
        st.session_state.pop("chat_error", None)
        if (
            boundary["id"] is None  # the day view from search: back to the conversation
            or boundary["last"] is None  # her first message: the empty state goes
            or _emergency(answer.content)  # her region's number goes first
        ):
            recall_view.forget_jump()
            _answer_after_full_run(answer)
    # Written on every run: a fragment may only fill an outside slot it wrote in a full run.
    sidebar.show_today(today_slot, s, pid)
    if boundary["id"] is None:  # a day view from search is on screen instead
        if refused:
            st.error(refused, icon="⚠️")
        return
    today = state.today(s)
    new = [m for m in messages.recent(s, pid, PAGE + 1) if m.id > boundary["id"]]
    regenerating = st.session_state.get("chat_regenerate")
    if regenerating and not run["whole_page"] and regenerating[0] not in {m.id for m in new}:
        st.rerun(scope="app")  # the reply to replace is in the screenful above
    _screen_extras(new)
    _draw(new, today, boundary["day"], skip=regenerating[0] if regenerating else None)
    care.render_chat(s, pid)
    voice.speaker()
    if refused:
        st.error(refused, icon="⚠️")
    if answer is None:
        due = st.session_state.pop("chat_answer_next", None)
        answer = messages.get(s, due) if due is not None else None
    if answer is not None:  # her message is on screen: now he answers, under it
        run_reply(answer, consolidate=len(new) >= PAGE)

    newest = new[-1] if new else (messages.get(s, boundary["last"]) if boundary["last"] else None)
    last_chat = next((m for m in reversed(new) if m.source == "chat"), None)
    if last_chat is None and newest is not None:
        last_chat = messages.last(s, pid)
    pending = last_chat if last_chat is not None and last_chat.role == "user" else None
    if pending is not None and not (pending.content or pending.photo_ids):
        pending = None  # a voice message not written out yet: her words first (its ⋯ menu)

    if regenerating:
        st.session_state.pop("chat_regenerate")
        old_id, target_id = regenerating
        target = messages.get(s, target_id)
        if target is not None and last_chat is not None and last_chat.id == old_id:
            run_reply(target, replaces=old_id)

    # A moment just shared from "Share a moment": he answers it now.
    if pending is not None and moment_share.take_reply_target() == pending.id:
        run_reply(pending)

    error = st.session_state.get("chat_error")
    if error and error.get("replaces"):
        error_applies = last_chat is not None and last_chat.id == error["replaces"]
    else:
        error_applies = (
            bool(error) and pending is not None and pending.id == error["user_message_id"]
        )

    # The failed reply's box is cleared as soon as another reply starts (Retry or a new
    # message), so the old error and its Retry never sit on screen while the next is pending.
    error_slot = st.empty()
    if error_applies:
        with error_slot.container():
            if error.get("partial"):
                with st.chat_message("assistant", avatar=companion_avatar):
                    long_text.show(error["partial"], as_typed=True, key="chat_long_partial")
                    st.caption(_("✂️ cut off — not saved"))
            st.error(escape_markdown(error["message"]), icon="⚠️")
            retry = st.button(_("Retry"), key="chat_retry", type="primary", icon="🔁")
        if retry:
            error_slot.empty()
            st.session_state.pop("chat_error", None)
            target = messages.get(s, error["user_message_id"])
            if target is not None:
                run_reply(target, replaces=error.get("replaces"))
            rerun_chat()
    elif (
        last_chat is not None
        and last_chat.role == "companion"
        and last_chat.reply_to is not None
        # Regenerate sits under the reply it acts on: not under an album or journal moment.
        and newest is not None
        and newest.id == last_chat.id
    ):
        st.button(
            _("Regenerate last reply"),
            key="chat_regenerate_button",
            icon="🔄",
            on_click=regenerate,
            args=(last_chat.id,),
        )
    elif (
        pending is not None
        # A message without a reply (e.g. the page was closed mid-reply): offer to answer it.
        and st.button(_("Get a reply"), key="chat_answer_pending", icon="💬")
    ):
        run_reply(pending)

    for notice in st.session_state.pop("chat_notices", []):
        st.warning(notice, icon="🖼️")
    voice.show_notices()
    moment_share.entry(s, pid, pv)


scroll.stick_to_bottom()  # the chat box is inside the fragment: Streamlit would not
try:
    history_box = st.container()
    if st.session_state.get("chat_consolidate"):
        # The tail's messages join the screenful in this run: take them off screen at once, or
        # they would show twice while the screenful is drawn again above them.
        tail_box = st.empty().container()
    else:
        tail_box = st.container()
    with history_box:
        history()
    with tail_box:
        tail()
finally:
    run["whole_page"] = False  # from here on the fragment reruns on its own
