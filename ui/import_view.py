"""What an import brings, shown: offers made before importing (ChatGPT's memories, custom
instructions), the preview of a conversation, and in the chat what an imported message
carries besides its words (canvas documents, folded; images he made; images not in the zip)."""

from __future__ import annotations

import streamlit as st

from memory import personas
from memory.i18n import _, ngettext
from memory.importers import chatgpt
from ui import state
from ui.text import escape_markdown


def offer_memories(s, pid: int, found) -> None:
    """ChatGPT's memories as Kizuna memories: listed with their dates, all ticked."""
    if not found:
        return
    title = ngettext(
        "ChatGPT remembered {n:,} thing about you",
        "ChatGPT remembered {n:,} things about you",
        len(found),
    ).format(n=len(found))
    with st.expander(title, icon="🧠", expanded=True):
        st.caption(_("Untick anything he should not remember, then keep the rest as memories."))
        chosen = []
        with st.container(height=320 if len(found) > 5 else "content", border=False):
            for i, memory in enumerate(found):
                day = memory.written_on.isoformat() if memory.written_on else _("no date")
                if st.checkbox(
                    f"{escape_markdown(memory.text)} · *{day}*",
                    value=True,
                    key=f"data_chatgpt_mem_{i}",
                ):
                    chosen.append(memory)
        if st.button(
            ngettext("Keep {n:,} memory", "Keep {n:,} memories", len(chosen)).format(n=len(chosen)),
            disabled=not chosen,
            key="data_chatgpt_mem_keep",
        ):
            kept = chatgpt.keep_memories(s, pid, chosen)
            st.success(
                ngettext(
                    "Kept {n:,} memory; the Memories page has it.",
                    "Kept {n:,} memories; the Memories page has them.",
                    kept,
                ).format(n=kept)
                if kept
                else _("He already remembers all of these.")
            )


def offer_instructions(s, pid: int, pv, instructions) -> None:
    """Custom instructions as persona fields (ChatGPT's wrapper taken off), each editable."""
    changes = chatgpt.persona_changes(instructions)
    if not changes:
        return
    with st.expander(_("Custom instructions found in the export"), icon="📝"):
        edited = {}
        for field, value in changes.items():
            now = getattr(pv, field) or ""
            label = _(personas.FIELD_LABELS[field])
            if st.checkbox(
                _("Use as {name}'s “{field}”").format(name=pv.name, field=label),
                value=not now,
                key=f"data_chatgpt_use_{field}",
            ):
                edited[field] = st.text_area(
                    label, value=value, key=f"data_chatgpt_field_{field}", height=100
                )
                if now:
                    st.caption(_("Now: {text}").format(text=escape_markdown(now[:300])))
        if instructions.about_user:
            st.caption(
                _("What you told ChatGPT about yourself: {text}").format(
                    text=escape_markdown(instructions.about_user)
                )
            )
        if st.button(
            _("Save as a new version of {name}").format(name=pv.name),
            disabled=not edited,
            key="data_chatgpt_instr_use",
        ):
            personas.save_version(s, pid, note=_("Custom instructions from ChatGPT"), **edited)
            st.success(_("Saved as a new version of {name}.").format(name=pv.name))


def preview(s, pv, shown) -> None:
    """The first lines of one chosen conversation, as the chat will show them."""
    by_id = {c.id: c for c in shown}
    preview_id = st.selectbox(
        _("Preview"),
        list(by_id),
        format_func=lambda cid: ngettext(
            "{title} · {n:,} message", "{title} · {n:,} messages", by_id[cid].message_count
        ).format(title=by_id[cid].title, n=by_id[cid].message_count),
        key="data_chatgpt_preview",
    )
    info = by_id[preview_id]
    with st.container(border=True, height=320):
        for message in info.preview:
            user = message.role == "user"
            with st.chat_message(
                "user" if user else "assistant",
                avatar=state.USER_AVATAR if user else state.avatar_for(s, pv),
            ):
                st.caption(message.created_at.strftime("%Y-%m-%d %H:%M UTC"))
                if message.content:
                    st.markdown(escape_markdown(message.content))
                if message.images:
                    st.caption(
                        ngettext("🖼️ {n} image", "🖼️ {n} images", len(message.images)).format(
                            n=len(message.images)
                        )
                    )
        more = info.message_count - len(info.preview)
        if more > 0:
            st.caption(
                ngettext("… and {n:,} more message.", "… and {n:,} more messages.", more).format(
                    n=more
                )
            )


def chat_extras(m) -> None:
    """Under an imported message: who made its images, images missing, canvas documents."""
    meta = m.meta or {}
    if not meta:
        return
    if meta.get("generated_images"):
        st.caption(
            ngettext(
                "🎨 an image he made", "🎨 {n} images he made", meta["generated_images"]
            ).format(n=meta["generated_images"])
        )
    if meta.get("missing_images"):
        st.caption(
            ngettext(
                "🖼️ {n} image was not in the export",
                "🖼️ {n} images were not in the export",
                meta["missing_images"],
            ).format(n=meta["missing_images"])
        )
    for doc in meta.get("canvas") or ():
        if not isinstance(doc, dict):
            continue
        with st.expander(f"📄 {doc.get('name') or _('Canvas')}"):
            kind = str(doc.get("type") or "document")
            text = str(doc.get("content") or "")
            if kind.startswith("code"):
                st.code(text, language=kind.partition("/")[2] or None)
            else:
                st.markdown(text)


def card_preview(card) -> None:
    """A card before importing: its picture, name, kind and the start of its description."""
    with st.container(border=True):
        left, right = st.columns([1, 3])
        if card.image:
            left.image(card.image, width=120)
        kind = {"charx": "CharX", "png": "PNG"}.get(card.container, "JSON")
        right.markdown(f"**{escape_markdown(card.name)}** · {card.spec} · {kind}")
        description = str(card.data.get("description") or "")
        if description:
            right.caption(escape_markdown(description[:400]))
        extras = []
        if card.lore:
            extras.append(
                ngettext("{n} lorebook entry", "{n} lorebook entries", len(card.lore)).format(
                    n=len(card.lore)
                )
            )
        if card.files:
            extras.append(
                ngettext("{n} file", "{n} files", len(card.files)).format(n=len(card.files))
            )
        if card.data.get("first_mes"):
            extras.append(_("a greeting"))
        if extras:
            right.caption(" · ".join(extras))


def chat_back(s, pid: int, pv) -> None:
    """Bring a chat back in: a SillyTavern .jsonl or Kizuna's chat archive (.zip)."""
    from memory.importers import ImportProblem, sillytavern

    st.subheader(_("Bring a chat back"))
    upload = st.file_uploader(
        _("A SillyTavern chat (.jsonl) or a Kizuna chat archive (.zip)"),
        type=["jsonl", "zip"],
        key="data_chat_back_upload",
    )
    if upload is not None and st.button(
        _("Import into {name}").format(name=pv.name), key="data_chat_back_import"
    ):
        try:
            result = sillytavern.import_chat(s, upload.getvalue(), pid)
        except ImportProblem as exc:
            st.error(f"{exc.sentence} {_('Nothing was imported.')}")
        else:
            st.success(result.summary())
