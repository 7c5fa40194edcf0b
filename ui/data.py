"""Streamlit glue for the "Backup & import" page: progress bars, uploads, reopening the store."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

import streamlit as st

from memory import Store, backup
from memory.i18n import _, format_number, ngettext
from memory.importers import chatgpt


def progress_bar(text: str):
    """An `st.progress` bar and a `progress(fraction, text)` callback that moves it."""
    bar = st.progress(0.0, text=text)

    def update(fraction: float, label: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=label)

    return bar, update


def new_backup_path(s: Store) -> Path:
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M%SZ")
    return s.backups_dir / f"kizuna-backup-{stamp}.zip"


def restore_and_reopen(s: Store, source, progress) -> backup.RestoreResult:
    """Restore over the open store, then forget every cached resource so pages reopen it.

    `source` is a backup in the data folder (a path) or an uploaded file, which is first
    streamed to a work file beside the data and removed when the restore ends, however it
    ends. The store is closed by the restore (after the current data is backed up); clearing
    `st.cache_resource` makes `ui.state.store()` open the restored folder on the next run.
    """
    received = None
    try:
        if isinstance(source, Path):
            zip_path = source
        else:
            source.seek(0)
            received = zip_path = backup.save_upload(source, s.data_dir, source.size, progress)
        return backup.restore(zip_path, s.data_dir, replace=True, store=s, progress=progress)
    finally:
        if received is not None:
            received.unlink(missing_ok=True)
        if _is_closed(s):
            st.cache_resource.clear()
            for key in ("persona_id", "data_chatgpt"):
                st.session_state.pop(key, None)


def _is_closed(s: Store) -> bool:
    try:
        s.execute("SELECT 1")
    except Exception:
        return True
    return False


def scan_chatgpt(upload) -> tuple[Path, chatgpt.ChatGPTExport]:
    """The uploaded export copied to a temporary file and scanned (streamed, with a progress
    bar), once per uploaded file; raises `ImportProblem`."""
    cached = st.session_state.get("data_chatgpt")
    if cached and cached[0] == upload.file_id and Path(cached[1]).is_file():
        return Path(cached[1]), cached[2]
    if cached:
        Path(cached[1]).unlink(missing_ok=True)
    suffix = ".zip" if upload.name.lower().endswith(".zip") else ".json"
    with tempfile.NamedTemporaryFile(prefix="kizuna-chatgpt-", suffix=suffix, delete=False) as fh:
        fh.write(upload.getbuffer())
        path = Path(fh.name)
    bar, update = progress_bar(_("Reading the export…"))
    try:
        export = chatgpt.scan(path, update)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    finally:
        bar.empty()
    st.session_state["data_chatgpt"] = (upload.file_id, str(path), export)
    return path, export


def backup_contents(tables: dict[str, int], file_count: int) -> str:
    """What a backup holds, in words: messages, photos, journal entries, files."""
    messages, photos = tables.get("messages", 0), tables.get("photos", 0)
    entries = tables.get("journal_entries", 0)
    return _(", ").join(
        [
            ngettext("{n} message", "{n} messages", messages).format(n=format_number(messages)),
            ngettext("{n} photo", "{n} photos", photos).format(n=format_number(photos)),
            ngettext("{n} journal entry", "{n} journal entries", entries).format(
                n=format_number(entries)
            ),
            ngettext("{n} file", "{n} files", file_count).format(n=format_number(file_count)),
        ]
    )


def human_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{size:,.1f} GB"
