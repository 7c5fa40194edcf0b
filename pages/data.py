"""Backup & import: keep the companion safe, move in from elsewhere, move out again."""

from __future__ import annotations

from datetime import date

import streamlit as st

from memory import backup, cards, exports, personas
from memory import settings as settings_store
from memory.i18n import _, ngettext
from memory.importers import ImportProblem, chatgpt
from ui import data as glue
from ui import import_view, state
from ui.text import escape_markdown

s = state.store()
pid = state.persona_id(s)
pv = personas.current(s, pid)
name = escape_markdown(pv.name)

st.title(_("Backup & import"))
st.caption(
    _(
        "Everything you and {name} share lives in `{data_dir}`. Back it up, bring "
        "history in from ChatGPT or a character card, or take it all out as plain "
        "files."
    ).format(name=name, data_dir=s.data_dir)
)

flash = st.session_state.pop("data_flash", None)
if flash:
    st.success(flash)

backups_tab, chatgpt_tab, cards_tab, exports_tab = st.tabs(
    [
        _("💾 Backup & restore"),
        _("📥 ChatGPT import"),
        _("🎴 Character cards"),
        _("📄 Plain exports"),
    ]
)

# -- backup & restore -------------------------------------------------------------------------
with backups_tab:
    st.subheader(_("Back up"))
    st.write(
        _(
            "One .zip with every message, photo, journal entry and setting — readable by any "
            "DuckDB, even without Kizuna. Your API key is never in it."
        )
    )
    if st.button(_("Back up now"), type="primary", key="data_backup_now"):
        bar, update = glue.progress_bar(_("Starting the backup…"))
        try:
            info = backup.create(s, glue.new_backup_path(s), update)
        except backup.BackupError as exc:
            bar.empty()
            st.error(str(exc))
        else:
            st.session_state["data_last_backup"] = str(info.path)
            st.success(
                _("Backed up {glue} ({glue2}) to {name}.").format(
                    glue=glue.backup_contents(info.tables, info.file_count),
                    glue2=glue.human_size(info.size),
                    name=info.path.name,
                )
            )
    existing = backup.all_backups(s.data_dir)
    if existing:
        chosen = st.selectbox(
            _("Backups in this data folder (newest first)"),
            existing,
            format_func=lambda p: f"{p.name} · {glue.human_size(p.stat().st_size)}",
            key="data_backup_pick",
        )
        st.download_button(
            _("Download this backup"),
            data=chosen.read_bytes if chosen else b"",
            file_name=chosen.name,
            mime="application/zip",
            on_click="ignore",
            icon=":material/download:",
            key="data_backup_download",
        )
    else:
        st.info(_("No backups yet. Press **Back up now** to make the first one."))

    with st.expander(_("Automatic backups")):
        auto = st.toggle(
            _("Back up automatically once a day when Kizuna starts"),
            value=settings_store.get(s, backup.AUTO_SETTING) is not False,
            key="data_auto_backup",
        )
        keep = st.number_input(
            _("Automatic backups to keep"),
            min_value=1,
            max_value=365,
            value=int(settings_store.get(s, backup.KEEP_SETTING) or backup.DEFAULT_KEEP),
            key="data_auto_keep",
        )
        if auto != (settings_store.get(s, backup.AUTO_SETTING) is not False):
            settings_store.set(s, backup.AUTO_SETTING, auto)
        if keep != (settings_store.get(s, backup.KEEP_SETTING) or backup.DEFAULT_KEEP):
            settings_store.set(s, backup.KEEP_SETTING, int(keep))
        st.caption(
            _("Kept in `{backups_dir}`; backups you make yourself are never removed.").format(
                backups_dir=s.backups_dir
            )
        )

    st.subheader(_("Restore"))
    source = st.radio(
        _("Restore from"),
        ["upload", "folder"],
        format_func={"upload": _("A backup file"), "folder": _("A backup in this data folder")}.get,
        horizontal=True,
        key="data_restore_source",
    )
    zip_path = None
    incoming = backup.incoming_folder(s.data_dir)
    if source == "upload":
        upload = st.file_uploader(_("Backup .zip"), type=["zip"], key="data_restore_upload")
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
                _("Backup"),
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
            st.write(
                _("Made {made} UTC · holds {glue}.").format(
                    made=made, glue=glue.backup_contents(rows, files)
                )
            )
            if not st.session_state.get("data_restore_confirm"):
                if st.button(_("Restore this backup…"), key="data_restore_start"):
                    st.session_state["data_restore_confirm"] = True
                    st.rerun()
            else:
                st.warning(
                    _(
                        "This replaces everything in this data folder with the backup. Your "
                        "current data is backed up to `backups/` first, so you can go back."
                    )
                )
                yes, no, _rest = st.columns([2, 1, 3])
                if yes.button(_("Yes, replace my data"), type="primary", key="data_restore_yes"):
                    st.session_state["data_restore_confirm"] = False
                    bar, update = glue.progress_bar(_("Checking the backup…"))
                    try:
                        result = glue.restore_and_reopen(s, zip_path, update)
                    except backup.BackupError as exc:
                        bar.empty()
                        st.error(exc.sentence)
                    else:
                        before = result.previous_backup
                        st.session_state["data_flash"] = _("Restored {contents}.").format(
                            contents=glue.backup_contents(result.tables, result.file_count)
                        ) + (
                            " "
                            + _("What was here before is saved as {name}.").format(name=before.name)
                            if before
                            else ""
                        )
                        for note in result.notes:  # e.g. tables not part of Kizuna's data
                            st.session_state["data_flash"] += " " + note
                        st.rerun()
                if no.button(_("Cancel"), key="data_restore_no"):
                    st.session_state["data_restore_confirm"] = False
                    st.rerun()

# -- ChatGPT ------------------------------------------------------------------------------------
with chatgpt_tab:
    st.subheader(_("Import from ChatGPT"))
    st.write(
        _(
            "In ChatGPT: Settings → Data controls → Export data. Upload the .zip you receive. "
            "Everything you saw on screen comes in — the words in the order you read them, the "
            "photos you sent and the images he made, his canvas documents — and what ChatGPT "
            "remembered about you is offered as memories. Importing twice adds nothing."
        )
    )
    upload = st.file_uploader(
        _("ChatGPT export (.zip or conversations.json)"),
        type=["zip", "json"],
        key="data_chatgpt_upload",
    )
    st.caption(
        _(
            "A very large export? `python -m memory import-chatgpt PATH` has no upload limit "
            "(close Kizuna first)."
        )
    )
    export = path = None
    if upload is not None:
        try:
            path, export = glue.scan_chatgpt(upload)
        except ImportProblem as exc:
            st.error(f"{exc.sentence} {_('Nothing was imported.')}")
    if export is not None and not export.conversations:
        st.info(_("That export holds no conversations Kizuna can read."))
        for broken in export.broken:
            st.caption(escape_markdown(broken.sentence()))
    elif export is not None:
        st.caption(
            _(
                "{c:,} conversations, {m:,} messages on their visible branches, {i:,} images."
            ).format(c=len(export.conversations), m=export.message_count, i=export.images_in_zip)
        )
        if export.broken:
            with st.expander(
                ngettext(
                    "{n} conversation cannot be read and will be left out",
                    "{n} conversations cannot be read and will be left out",
                    len(export.broken),
                ).format(n=len(export.broken)),
                icon="⚠️",
            ):
                for broken in export.broken:
                    st.caption(escape_markdown(broken.sentence()))
        import_view.offer_memories(s, pid, export.memories)
        import_view.offer_instructions(s, pid, pv, export.instructions)

        left, right = st.columns([2, 1])
        search = left.text_input(_("Title contains"), key="data_chatgpt_search")
        days = [c.started_on for c in export.conversations if c.started_on]
        first, last = (min(days), max(days)) if days else (date.today(), date.today())
        span = right.date_input(
            _("Started between"),
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
            _("All {n:,} matching conversations").format(n=len(shown)),
            value=True,
            key="data_chatgpt_all",
        )
        if everything:
            chosen = shown
        else:
            by_id = {c.id: c for c in shown}
            picked = st.multiselect(
                _("Conversations to import"),
                list(by_id),
                format_func=lambda cid: f"{by_id[cid].title} · {by_id[cid].started_on or '—'}",
                key="data_chatgpt_pick",
            )
            chosen = [by_id[cid] for cid in picked]

        if shown:
            import_view.preview(s, pv, shown)
        else:
            st.info(_("No conversation matches. Clear the search or widen the dates."))

        fresh = chatgpt.new_message_count(s, chosen)
        if chosen and not fresh:
            st.caption(_("Everything chosen is already here; importing again adds nothing."))
        if st.button(
            _("Import {c:,} conversations ({m:,} new messages) into {name}").format(
                c=len(chosen), m=fresh, name=escape_markdown(pv.name)
            ),
            type="primary",
            disabled=not fresh,
            key="data_chatgpt_import",
        ):
            bar, update = glue.progress_bar(_("Importing…"))
            try:
                result = chatgpt.import_file(
                    s, path, pid, only={c.id for c in chosen}, progress=update
                )
            except ImportProblem as exc:
                bar.empty()
                st.error(f"{exc.sentence} {_('Nothing was imported.')}")
            else:
                st.success(result.summary())

# -- character cards ------------------------------------------------------------------------
with cards_tab:
    st.subheader(_("Import a character card"))
    st.write(
        _(
            "A character card from SillyTavern, Chub, RisuAI and friends — a PNG with the card "
            "inside, a CharX (.charx), or card JSON (V1, V2, V3, TavernAI, Pygmalion). It "
            "becomes a companion: his first message greets you in a new chat, the lorebook "
            "becomes memories, and the card's picture and files are kept exactly as they came."
        )
    )
    card_upload = st.file_uploader(
        _("Character card (.png, .charx or .json)"),
        type=["png", "json", "charx"],
        key="data_card_upload",
    )
    if card_upload is not None:
        try:
            card = cards.read_card(card_upload.getvalue())
        except ImportProblem as exc:
            st.error(f"{exc.sentence} {_('Nothing was imported.')}")
        else:
            import_view.card_preview(card)
            known = cards.recognise(s, card)
            if known is not None:
                st.info(
                    _(
                        "{name} is already here. Import the card as a new version of "
                        "{name} (the versions stay on the Persona page), or as a separate "
                        "companion."
                    ).format(name=escape_markdown(known.name))
                )
            left, right, _rest = st.columns([2, 2, 1])
            as_version = known is not None and left.button(
                _("New version of {name}").format(name=escape_markdown(known.name)),
                type="primary",
                key="data_card_version",
            )
            as_new = (right if known is not None else left).button(
                _("Import {name} as a new companion").format(name=escape_markdown(card.name)),
                type="secondary" if known is not None else "primary",
                key="data_card_import",
            )
            if as_version or as_new:
                try:
                    new = cards.import_card(s, card, persona_id=known.id if as_version else None)
                except ImportProblem as exc:
                    st.error(f"{exc.sentence} {_('Nothing was imported.')}")
                else:
                    state.choose_persona(s, new.persona_id)
                    st.session_state["data_flash"] = (
                        _("{name} is updated (version {n}).").format(
                            name=escape_markdown(new.name), n=new.version
                        )
                        if as_version
                        else _(
                            "{name} has joined. They are now the companion on every page."
                        ).format(name=escape_markdown(new.name))
                    )
                    st.rerun()

    st.subheader(_("Export {name} as a card").format(name=name))
    st.caption(
        _(
            "Every card field Kizuna does not use is kept, and a card that came in goes out "
            "with its own picture and files."
        )
    )
    png_col, charx_col, json_col, _rest = st.columns([1, 1, 1, 1])
    png_col.download_button(
        _("PNG card (V2 + V3)"),
        data=lambda: cards.export_png(s, pid),
        file_name=f"{pv.name}.png",
        mime="image/png",
        on_click="ignore",
        icon=":material/download:",
        key="data_card_png",
    )
    charx_col.download_button(
        _("CharX"),
        data=lambda: cards.export_charx(s, pid),
        file_name=f"{pv.name}.charx",
        mime="application/zip",
        on_click="ignore",
        icon=":material/download:",
        key="data_card_charx",
    )
    json_col.download_button(
        _("JSON card"),
        data=lambda: cards.export_json(s, pid),
        file_name=f"{pv.name}.json",
        mime="application/json",
        on_click="ignore",
        icon=":material/download:",
        key="data_card_json",
    )

# -- plain exports -------------------------------------------------------------------------
with exports_tab:
    st.subheader(_("Plain exports"))
    st.write(_("Your history with {name} as files any program can open.").format(name=name))
    tz = state.tz(s)
    st.download_button(
        _("Chat history · Markdown, one section per day"),
        data=lambda: exports.chat_markdown(s, pid, tz),
        file_name=f"{pv.name} chat.md",
        mime="text/markdown",
        on_click="ignore",
        icon=":material/download:",
        key="data_export_chat_md",
    )
    st.download_button(
        _("Chat history · SillyTavern JSONL"),
        data=lambda: exports.chat_jsonl(s, pid, tz),
        file_name=f"{pv.name} chat.jsonl",
        mime="application/jsonl",
        on_click="ignore",
        icon=":material/download:",
        key="data_export_chat_jsonl",
    )
    st.download_button(
        _("Chat history with its photos · .zip (Markdown + SillyTavern JSONL + photos)"),
        data=lambda: exports.chat_archive(s, pid, tz),
        file_name=f"{pv.name} chat.zip",
        mime="application/zip",
        on_click="ignore",
        icon=":material/download:",
        key="data_export_chat_zip",
    )
    st.download_button(
        _("Journal · Markdown"),
        data=lambda: exports.journal_markdown(s, pid),
        file_name=f"{pv.name} journal.md",
        mime="text/markdown",
        on_click="ignore",
        icon=":material/download:",
        key="data_export_journal_md",
    )
    import_view.chat_back(s, pid, pv)
