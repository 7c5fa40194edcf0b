"""Backup & import: keep the companion safe, move in from elsewhere, move out again."""

from __future__ import annotations

from datetime import date

import streamlit as st

from memory import backup, cards, exports, personas
from memory import settings as settings_store
from memory.i18n import _
from memory.importers import ImportProblem, chatgpt
from ui import data as glue
from ui import state
from ui.text import escape_markdown

s = state.store()
pid = state.persona_id(s)
pv = personas.current(s, pid)
name = escape_markdown(pv.name)

st.title("Backup & import")
st.caption(
    f"Everything you and {name} share lives in `{s.data_dir}`. Back it up, bring history in "
    "from ChatGPT or a character card, or take it all out as plain files."
)

flash = st.session_state.pop("data_flash", None)
if flash:
    st.success(flash)

backups_tab, chatgpt_tab, cards_tab, exports_tab = st.tabs(
    ["💾 Backup & restore", "📥 ChatGPT import", "🎴 Character cards", "📄 Plain exports"]
)

# -- backup & restore -------------------------------------------------------------------------
with backups_tab:
    st.subheader("Back up")
    st.write(
        "One .zip with every message, photo, journal entry and setting — readable by any "
        "DuckDB, even without Kizuna. Your API key is never in it."
    )
    if st.button("Back up now", type="primary", key="data_backup_now"):
        bar, update = glue.progress_bar("Starting the backup…")
        try:
            info = backup.create(s, glue.new_backup_path(s), update)
        except backup.BackupError as exc:
            bar.empty()
            st.error(str(exc))
        else:
            st.session_state["data_last_backup"] = str(info.path)
            st.success(
                f"Backed up {glue.backup_contents(info.tables, info.file_count)} "
                f"({glue.human_size(info.size)}) to {info.path.name}."
            )
    existing = backup.all_backups(s.data_dir)
    if existing:
        chosen = st.selectbox(
            "Backups in this data folder (newest first)",
            existing,
            format_func=lambda p: f"{p.name} · {glue.human_size(p.stat().st_size)}",
            key="data_backup_pick",
        )
        st.download_button(
            "Download this backup",
            data=chosen.read_bytes if chosen else b"",
            file_name=chosen.name,
            mime="application/zip",
            on_click="ignore",
            icon=":material/download:",
            key="data_backup_download",
        )
    else:
        st.info("No backups yet. Press **Back up now** to make the first one.")

    with st.expander("Automatic backups"):
        auto = st.toggle(
            "Back up automatically once a day when Kizuna starts",
            value=settings_store.get(s, backup.AUTO_SETTING) is not False,
            key="data_auto_backup",
        )
        keep = st.number_input(
            "Automatic backups to keep",
            min_value=1,
            max_value=365,
            value=int(settings_store.get(s, backup.KEEP_SETTING) or backup.DEFAULT_KEEP),
            key="data_auto_keep",
        )
        if auto != (settings_store.get(s, backup.AUTO_SETTING) is not False):
            settings_store.set(s, backup.AUTO_SETTING, auto)
        if keep != (settings_store.get(s, backup.KEEP_SETTING) or backup.DEFAULT_KEEP):
            settings_store.set(s, backup.KEEP_SETTING, int(keep))
        st.caption(f"Kept in `{s.backups_dir}`; backups you make yourself are never removed.")

    st.subheader("Restore")
    source = st.radio(
        "Restore from",
        ["upload", "folder"],
        format_func={"upload": "A backup file", "folder": "A backup in this data folder"}.get,
        horizontal=True,
        key="data_restore_source",
    )
    zip_path = None
    incoming = backup.incoming_folder(s.data_dir)
    if source == "upload":
        upload = st.file_uploader("Backup .zip", type=["zip"], key="data_restore_upload")
        st.caption(
            _(
                "Larger than the upload limit? Copy it into `{folder}` and choose "
                "**A backup in this data folder** above: it is restored from there, any size."
            ).format(folder=incoming)
        )
        zip_path = upload  # read where it is; copied to disk only when the restore starts
    else:
        choices = backup.restorable(s.data_dir)
        if choices:
            zip_path = st.selectbox(
                "Backup",
                choices,
                format_func=lambda p: (
                    f"{p.parent.name}/{p.name} · {glue.human_size(p.stat().st_size)}"
                ),
                key="data_restore_pick",
            )
        else:
            st.caption(
                _(
                    "There are no backups in this data folder yet. A backup too large to upload "
                    "can be copied into `{folder}` and chosen here."
                ).format(folder=incoming)
            )

    if zip_path is not None:
        try:
            manifest = backup.read_manifest(zip_path)
        except backup.BackupError as exc:
            st.error(exc.sentence)
        else:
            rows = {k: v["rows"] for k, v in manifest["tables"].items()}
            made = manifest["created_at"][:16].replace("T", " ")
            files = sum(1 for f in manifest["files"] if f.startswith("files/"))
            st.write(f"Made {made} UTC · holds {glue.backup_contents(rows, files)}.")
            if not st.session_state.get("data_restore_confirm"):
                if st.button("Restore this backup…", key="data_restore_start"):
                    st.session_state["data_restore_confirm"] = True
                    st.rerun()
            else:
                st.warning(
                    "This replaces everything in this data folder with the backup. Your current "
                    "data is backed up to `backups/` first, so you can go back."
                )
                yes, no, _rest = st.columns([2, 1, 3])
                if yes.button("Yes, replace my data", type="primary", key="data_restore_yes"):
                    st.session_state["data_restore_confirm"] = False
                    bar, update = glue.progress_bar("Checking the backup…")
                    try:
                        result = glue.restore_and_reopen(s, zip_path, update)
                    except backup.BackupError as exc:
                        bar.empty()
                        st.error(exc.sentence)
                    else:
                        before = result.previous_backup
                        st.session_state["data_flash"] = (
                            "Restored "
                            + glue.backup_contents(result.tables, result.file_count)
                            + "."
                            + (
                                f" What was here before is saved as {before.name}."
                                if before
                                else ""
                            )
                        )
                        st.rerun()
                if no.button("Cancel", key="data_restore_no"):
                    st.session_state["data_restore_confirm"] = False
                    st.rerun()

# -- ChatGPT ------------------------------------------------------------------------------------
with chatgpt_tab:
    st.subheader("Import from ChatGPT")
    st.write(
        "In ChatGPT: Settings → Data controls → Export data. Upload the .zip you receive (or "
        "the conversations.json inside it). Only what you saw on screen is imported — "
        "regenerated answers you moved past are left out. Importing twice adds nothing."
    )
    upload = st.file_uploader(
        "ChatGPT export (.zip or conversations.json)",
        type=["zip", "json"],
        key="data_chatgpt_upload",
    )
    st.caption(
        "A very large export? `python -m memory import-chatgpt PATH` has no size limit "
        "(close Kizuna first)."
    )
    if upload is not None:
        try:
            with st.spinner("Reading the export…"):
                export = glue.read_chatgpt(upload)
        except ImportProblem as exc:
            st.error(f"{exc} Nothing was imported.")
            export = None
        if export is not None and not export.conversations:
            st.info("That export holds no conversations.")
        elif export is not None:
            st.caption(
                f"{len(export.conversations):,} conversations, "
                f"{export.message_count:,} messages on their visible branches."
            )
            if export.custom_instructions:
                with st.expander("Custom instructions found in the export"):
                    st.markdown(escape_markdown(export.custom_instructions))
                    if export.about_user:
                        st.caption("About you: " + escape_markdown(export.about_user))
                    target = st.selectbox(
                        f"Add them to {pv.name}'s",
                        ["speaking_style", "personality", "backstory"],
                        format_func=personas.FIELD_LABELS.get,
                        key="data_chatgpt_instr_field",
                    )
                    if st.button("Add to the persona", key="data_chatgpt_instr_use"):
                        before = getattr(pv, target) or ""
                        joined = (before + "\n\n" if before else "") + export.custom_instructions
                        personas.save_version(
                            s, pid, note="Custom instructions from ChatGPT", **{target: joined}
                        )
                        st.success(f"Saved as a new version of {name}.")

            left, right = st.columns([2, 1])
            search = left.text_input("Title contains", key="data_chatgpt_search")
            days = [c.started_on for c in export.conversations if c.started_on]
            first, last = (min(days), max(days)) if days else (date.today(), date.today())
            span = right.date_input(
                "Started between",
                (first, last),
                min_value=first,
                max_value=last,
                key="data_chatgpt_dates",
                format="YYYY-MM-DD",
            )
            since, until = (span[0], span[-1]) if span else (None, None)
            shown = chatgpt.select(
                export.conversations, title_contains=search, since=since, until=until
            )
            everything = st.checkbox(
                f"All {len(shown):,} matching conversations", value=True, key="data_chatgpt_all"
            )
            if everything:
                chosen = shown
            else:
                by_id = {c.id: c for c in shown}
                picked = st.multiselect(
                    "Conversations to import",
                    list(by_id),
                    format_func=lambda cid: (
                        f"{by_id[cid].title} · {by_id[cid].started_on or 'no date'}"
                    ),
                    key="data_chatgpt_pick",
                )
                chosen = [by_id[cid] for cid in picked]

            if shown:
                by_id = {c.id: c for c in shown}
                preview_id = st.selectbox(
                    "Preview",
                    list(by_id),
                    format_func=lambda cid: (
                        f"{by_id[cid].title} · {len(by_id[cid].messages):,} messages"
                    ),
                    key="data_chatgpt_preview",
                )
                with st.container(border=True, height=320):
                    preview = by_id[preview_id].messages
                    for message in preview[:8]:
                        with st.chat_message(
                            "user" if message.role == "user" else "assistant",
                            avatar=state.USER_AVATAR
                            if message.role == "user"
                            else state.avatar_for(s, pv),
                        ):
                            st.caption(message.created_at.strftime("%Y-%m-%d %H:%M UTC"))
                            st.markdown(escape_markdown(message.content[:1500]))
                    if len(preview) > 8:
                        st.caption(f"… and {len(preview) - 8:,} more messages.")
            else:
                st.info("No conversation matches. Clear the search or widen the dates.")

            fresh = chatgpt.new_message_count(s, chosen)
            if chosen and not fresh:
                st.caption("Everything chosen is already here; importing again adds nothing.")
            if st.button(
                f"Import {len(chosen):,} conversations ({fresh:,} new messages) into {pv.name}",
                type="primary",
                disabled=not fresh,
                key="data_chatgpt_import",
            ):
                bar, update = glue.progress_bar("Importing…")
                result = chatgpt.import_conversations(s, chosen, pid, update)
                st.success(result.summary())

# -- character cards ------------------------------------------------------------------------
with cards_tab:
    st.subheader("Import a character card")
    st.write(
        "A Character Card V2 or V3 from SillyTavern, Chub and friends — a PNG with the card "
        "inside, or its JSON. It becomes a new companion; its picture becomes the avatar."
    )
    card_upload = st.file_uploader(
        "Character card (.png or .json)", type=["png", "json"], key="data_card_upload"
    )
    if card_upload is not None:
        try:
            card = cards.read_card(card_upload.getvalue())
        except ImportProblem as exc:
            st.error(f"{exc} Nothing was imported.")
        else:
            with st.container(border=True):
                left, right = st.columns([1, 3])
                if card.image:
                    left.image(card.image, width=120)
                right.markdown(f"**{escape_markdown(card.name)}** · {card.spec}")
                description = str(card.data.get("description") or "")
                if description:
                    right.caption(escape_markdown(description[:400]))
            if st.button(
                f"Import {card.name} as a new companion", type="primary", key="data_card_import"
            ):
                try:
                    new = cards.import_card(s, card_upload.getvalue())
                except ImportProblem as exc:
                    st.error(f"{exc} Nothing was imported.")
                else:
                    state.choose_persona(s, new.persona_id)
                    st.session_state["data_flash"] = (
                        f"{new.name} has joined. They are now the companion on every page."
                    )
                    st.rerun()

    st.subheader(f"Export {name} as a card")
    st.caption("Both files keep every card field Kizuna does not use, so nothing is lost.")
    png_col, json_col, _rest = st.columns([1, 1, 2])
    png_col.download_button(
        "PNG card (V2 + V3)",
        data=lambda: cards.export_png(s, pid),
        file_name=f"{pv.name}.png",
        mime="image/png",
        on_click="ignore",
        icon=":material/download:",
        key="data_card_png",
    )
    json_col.download_button(
        "JSON card",
        data=lambda: cards.export_json(s, pid),
        file_name=f"{pv.name}.json",
        mime="application/json",
        on_click="ignore",
        icon=":material/download:",
        key="data_card_json",
    )

# -- plain exports -------------------------------------------------------------------------
with exports_tab:
    st.subheader("Plain exports")
    st.write(f"Your history with {name} as files any program can open.")
    tz = state.tz(s)
    st.download_button(
        "Chat history · Markdown, one section per day",
        data=lambda: exports.chat_markdown(s, pid, tz),
        file_name=f"{pv.name} chat.md",
        mime="text/markdown",
        on_click="ignore",
        icon=":material/download:",
        key="data_export_chat_md",
    )
    st.download_button(
        "Chat history · SillyTavern JSONL",
        data=lambda: exports.chat_jsonl(s, pid, tz),
        file_name=f"{pv.name} chat.jsonl",
        mime="application/jsonl",
        on_click="ignore",
        icon=":material/download:",
        key="data_export_chat_jsonl",
    )
    st.download_button(
        "Journal · Markdown",
        data=lambda: exports.journal_markdown(s, pid),
        file_name=f"{pv.name} journal.md",
        mime="text/markdown",
        on_click="ignore",
        icon=":material/download:",
        key="data_export_journal_md",
    )
