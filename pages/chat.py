"""Chat with the companion: history from DuckDB, streamed replies, retry and regenerate."""

from __future__ import annotations

import streamlit as st

from companion import Reply, Upload, send
from companion.conversation import pending_user_message, regenerate_target
from memory import messages, personas, photos
from ui import recall_view, state
from ui.text import escape_markdown

PAGE = 40  # messages per "screenful"

s = state.store()
pid = state.persona_id(s)
pv = personas.current(s, pid)
tz = state.tz(s)
provider = state.provider(s)
companion_avatar = state.avatar_for(s, pv)

head_left, head_right = st.columns([1, 6], vertical_alignment="center")
head_left.image(companion_avatar, width=56)
head_right.markdown(f"### {escape_markdown(pv.name)}")
if provider.name == "offline":
    head_right.caption(
        "🌙 **offline voice** — no model is connected, so replies are composed from "
        f"{escape_markdown(pv.name)}'s own words. Connect one in Settings."
    )
else:
    head_right.caption(f"Talking through {escape_markdown(provider.label)}")

if "chat_limit" not in st.session_state:
    st.session_state.chat_limit = PAGE


def show_message(m: messages.Message) -> None:
    role = "user" if m.role == "user" else "assistant"
    avatar = state.USER_AVATAR if m.role == "user" else companion_avatar
    with st.chat_message(role, avatar=avatar):
        if m.content:
            st.markdown(escape_markdown(m.content) if m.role == "user" else m.content)
        for photo_id in m.photo_ids:
            photo = photos.get(s, photo_id)
            if photo is not None and s.path_of(photo.path).is_file():
                st.image(str(s.path_of(photo.path)), width=280)
        stamp = m.created_at.astimezone(tz).strftime("%H:%M")
        label = stamp
        if m.role == "companion" and m.provider == "offline":
            label += " · offline voice"
        elif m.role == "companion" and m.model:
            label += f" · {m.model}"
        if m.source != "chat":
            label += f" · from {m.source.replace('import:', 'import ')}"
        cols = st.columns([8, 1], vertical_alignment="center")
        cols[0].caption(label)
        with cols[1].popover("⋯", help="More"):
            if st.button("Delete message", key=f"chat_del_{m.id}", icon="🗑️"):
                st.session_state.chat_confirm_delete = m.id
                st.rerun()
            recall_view.remember_button(s, m)
        recall_view.remembered(m)
    if st.session_state.get("chat_confirm_delete") == m.id:
        st.warning("Delete this message for good? This cannot be undone.")
        yes, no = st.columns(2)
        if yes.button("Yes, delete", key=f"chat_del_yes_{m.id}", type="primary"):
            messages.delete(s, m.id)
            st.session_state.pop("chat_confirm_delete", None)
            st.toast("Message deleted.")
            st.rerun()
        if no.button("Keep it", key=f"chat_del_no_{m.id}"):
            st.session_state.pop("chat_confirm_delete", None)
            st.rerun()


def run_reply(user_message: messages.Message) -> None:
    """Stream a reply to `user_message`; remember a failure for the Retry button."""
    cfg = state.provider_settings(s)
    reply = Reply(s, provider, user_message, temperature=cfg.temperature)
    with st.chat_message("assistant", avatar=companion_avatar):
        st.write_stream(reply)
    if reply.error is not None:
        st.session_state.chat_error = {
            "message": reply.error.message,
            "partial": reply.partial,
            "user_message_id": user_message.id,
        }
    else:
        st.session_state.pop("chat_error", None)
    st.rerun()


recall_view.show_jump_day(s, pid, tz, show_message)
history = messages.recent(s, pid, st.session_state.chat_limit)
total = messages.count(s, pid)
if total > len(history) and st.button(
    f"Show earlier messages ({total - len(history):,} more)", key="chat_show_earlier"
):
    st.session_state.chat_limit += PAGE
    st.rerun()

if not history:
    st.info(
        f"This is the beginning of your story with {pv.name}. Say hello — everything you "
        "share stays on this computer.",
        icon="💞",
    )

last_day = None
for m in history:
    day = m.created_at.astimezone(tz).date()
    if day != last_day:
        st.caption(f"— {day.strftime('%A, %d %B %Y')} —", text_alignment="center")
        last_day = day
    show_message(m)

error = st.session_state.get("chat_error")
pending = pending_user_message(s, pid)
if error and pending is not None and pending.id == error["user_message_id"]:
    if error.get("partial"):
        with st.chat_message("assistant", avatar=companion_avatar):
            st.markdown(error["partial"])
            st.caption("cut off — not saved")
    st.error(error["message"], icon="⚠️")
    if st.button("Retry", key="chat_retry", type="primary", icon="🔁"):
        st.session_state.pop("chat_error", None)
        run_reply(pending)
elif history and history[-1].role == "companion" and history[-1].reply_to is not None:
    if st.button("Regenerate last reply", key="chat_regenerate", icon="🔄"):
        target = regenerate_target(s, pid)
        if target is not None:
            run_reply(target)
elif (
    pending is not None
    and not error
    # A message without a reply (e.g. the page was closed mid-reply): offer to answer it.
    and st.button("Get a reply", key="chat_answer_pending", icon="💬")
):
    run_reply(pending)

submitted = st.chat_input(
    f"Message {pv.name}…",
    key="chat_input",
    accept_file="multiple",
    file_type=["jpg", "jpeg", "png", "webp", "heic", "heif", "gif"],
)
if submitted:
    text = submitted if isinstance(submitted, str) else submitted.text
    files = [] if isinstance(submitted, str) else list(submitted.files or [])
    try:
        user_message, problems = send(s, pid, text, [Upload(f.name, f.getvalue()) for f in files])
    except ValueError as exc:
        st.error(str(exc), icon="⚠️")
        st.stop()
    for problem in problems:
        st.warning(f"Could not attach {problem}")
    if user_message is not None:
        st.session_state.pop("chat_error", None)
        show_message(user_message)
        run_reply(user_message)
