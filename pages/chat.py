"""Chat with the companion: history from DuckDB, streamed replies, retry and regenerate."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

import ui.long_text as long_text
from companion import Reply, Upload, send
from companion.conversation import regenerate_target
from memory import memories, messages, personas, photos
from memory.errors import KizunaError
from memory.i18n import _, format_date, format_time
from ui import (
    care,
    confirm,
    demo,
    greeting,
    milestone_action,
    moment_share,
    moments,
    recall_view,
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
# An act under way puts her region's emergency number first, before anything else.
care_top = care.emergency_first(s, pid)

# A different companion (or a fresh session) starts at the latest screenful, with no leftovers.
if st.session_state.get("chat_persona") != pid:
    st.session_state.chat_persona = pid
    st.session_state.chat_limit = PAGE
    for leftover in ("chat_error", "chat_confirm_delete", "chat_regenerate"):
        st.session_state.pop(leftover, None)

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
    head_right.caption(_("Talking through {label}").format(label=escape_markdown(provider.label)))


today = state.today(s)


def _day_label(day) -> str:
    if day == today:
        return _("Today")
    if day == today - timedelta(days=1):
        return _("Yesterday")
    return format_date(day, "full")


# Filled once the screenful is known; the day view from search asks per message.
kept: set[int] | None = None


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
        stamp = format_time(m.created_at.astimezone(tz))
        label = stamp
        if m.role == "companion" and m.provider == "offline":
            label += " · 🌙 " + _("offline voice")
        elif m.role == "companion" and m.model:
            label += f" · {m.model}"
        if m.source == "greeting":
            label += " · " + greeting.label()
        elif m.source != "chat":
            source = m.source.replace("import:", _("import") + " ")
            label += " · " + _("from {source}").format(source=source)
        voice.render_playback(s, m, pv)
        # One row at every width (columns would stack on a phone).
        row = st.container(horizontal=True, vertical_alignment="center", wrap=False, gap="small")
        row.caption(escape_markdown(label), width="stretch")
        if m.role == "companion" and m.content:
            voice.play_button(row, m)
        more = f"chat_more_{m.id}"
        with row.popover("⋯", type="tertiary", help=_("More"), key=more, on_change="rerun"):
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


def run_reply(user_message: messages.Message, *, replaces: int | None = None) -> None:
    """Stream a reply to `user_message`; remember a failure for the Retry button.

    `replaces` is the id of a reply being regenerated: it stays until the new one is stored.
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
    st.rerun()


greeting.maybe_greet(s, pid, provider, pv)  # he speaks first after a gap or on a day that matters
# One row more than a screenful says whether there is anything earlier to show.
recall_view.show_jump_day(s, pid, tz, show_message)
window = messages.recent(s, pid, st.session_state.chat_limit + 1)
history = window[-st.session_state.chat_limit :]
if len(window) > len(history):
    earlier = messages.count(s, pid) - len(history)
    if st.button(
        _("Show earlier messages ({earlier:,} more)").format(earlier=earlier),
        key="chat_show_earlier",
        icon="⬆️",
    ):
        st.session_state.chat_limit += PAGE
        st.rerun()

if not history:
    st.info(
        _(
            "This is the beginning of your story with {name}. Say hello — everything you "
            "share stays on this computer."
        ).format(name=escape_markdown(pv.name)),
        icon="💞",
    )
    demo.offer(s)

# Which of the messages on screen are kept as memories: one query, not one per message.
kept = memories.kept_message_ids(s, [m.id for m in history])
regenerating = st.session_state.get("chat_regenerate")
last_day = None
for item in moments.group(history):
    m = item.first if isinstance(item, moments.Moment) else item
    if regenerating and m.id == regenerating[0]:
        continue  # the reply being regenerated makes way for the new one streaming below
    day = m.created_at.astimezone(tz).date()
    if day != last_day:
        st.caption(f"— {_day_label(day)} —", text_alignment="center")
        last_day = day
    if isinstance(item, moments.Moment):
        moments.render(s, item, avatar=companion_avatar, tz=tz)
    else:
        show_message(m)
care.render_chat(s, pid)
voice.speaker()

last_chat = next((m for m in reversed(history) if m.source == "chat"), None)
if last_chat is None and history:
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
    care.alarm(care_top, s, pending.content)
    run_reply(pending)

error = st.session_state.get("chat_error")
if error and error.get("replaces"):
    error_applies = last_chat is not None and last_chat.id == error["replaces"]
else:
    error_applies = bool(error) and pending is not None and pending.id == error["user_message_id"]

# The failed reply's box is cleared as soon as another reply starts (Retry or a new message),
# so the old error and its Retry never sit on screen while the next reply is pending.
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
        st.rerun()
elif (
    last_chat is not None
    and last_chat.role == "companion"
    and last_chat.reply_to is not None
    # Regenerate sits under the reply it acts on: not under an album or journal moment.
    and history[-1].id == last_chat.id
):
    if st.button(_("Regenerate last reply"), key="chat_regenerate_button", icon="🔄"):
        found = regenerate_target(s, pid)
        if found is not None and found[0].id == last_chat.id:
            old, target = found
            st.session_state.chat_regenerate = (old.id, target.id)
        st.rerun()
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

submitted = st.chat_input(
    _("Message {name}…").format(name=pv.name),
    key="chat_input",
    accept_file="multiple",
    file_type=PHOTO_FILE_TYPES,
    accept_audio=True,
)
if submitted:
    text = submitted if isinstance(submitted, str) else submitted.text
    files = [] if isinstance(submitted, str) else list(submitted.files or [])
    recording = None if isinstance(submitted, str) else submitted.get("audio")
    if recording is not None:
        spoken = voice.receive_recording(s, pid, pv, recording)
        if spoken is not None and spoken.content and not (text or "").strip() and not files:
            show_message(spoken)
            care.alarm(care_top, s, spoken.content)
            run_reply(spoken)
        if not (text or "").strip() and not files:
            st.rerun()
    try:
        user_message, problems = send(s, pid, text, [Upload(f.name, f.getvalue()) for f in files])
    except KizunaError as exc:
        st.error(exc.sentence, icon="⚠️")
        st.stop()
    notices = [_("Could not attach {problem}").format(problem=problem) for problem in problems]
    if user_message is None:
        for notice in notices:
            st.warning(notice, icon="🖼️")
    else:
        st.session_state.chat_notices = notices  # shown after the rerun below
        st.session_state.pop("chat_error", None)
        error_slot.empty()
        show_message(user_message)
        care.alarm(care_top, s, user_message.content)
        run_reply(user_message)
