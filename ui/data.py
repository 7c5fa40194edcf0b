"""Streamlit glue for the "Backup & import" page: progress bars, uploads, reopening the store."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

import streamlit as st

from memory import Store, backup
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


def uploaded_to_file(upload) -> Path:
    """Copy an uploaded file to a temporary file (restores read from disk, not memory)."""
    with tempfile.NamedTemporaryFile(prefix="kizuna-upload-", suffix=".zip", delete=False) as fh:
        fh.write(upload.getbuffer())
        return Path(fh.name)


def forget_upload(path: Path) -> None:
    """Remove the temporary copy of an uploaded backup once it has been restored."""
    Path(path).unlink(missing_ok=True)
    st.session_state.pop("data_restore_file", None)


def restore_and_reopen(s: Store, zip_path: Path, progress) -> backup.RestoreResult:
    """Restore over the open store, then forget every cached resource so pages reopen it.

    The store is closed by the restore (after the current data is backed up); clearing
    `st.cache_resource` makes `ui.state.store()` open the restored folder on the next run.
    """
    try:
        return backup.restore(zip_path, s.data_dir, replace=True, store=s, progress=progress)
    finally:
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


def read_chatgpt(upload) -> chatgpt.ChatGPTExport:
    """The parsed export for an upload, parsed once per uploaded file."""
    cached = st.session_state.get("data_chatgpt")
    if cached and cached[0] == upload.file_id:
        return cached[1]
    export = chatgpt.read(upload.getvalue())
    st.session_state["data_chatgpt"] = (upload.file_id, export)
    return export


def plural(n: int, word: str) -> str:
    """'1 message', '2 messages'."""
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def backup_contents(tables: dict[str, int], file_count: int) -> str:
    """What a backup holds, in words: messages, photos, journal entries, files."""
    return ", ".join(
        [
            plural(tables.get("messages", 0), "message"),
            plural(tables.get("photos", 0), "photo"),
            plural(tables.get("journal_entries", 0), "journal entry").replace("entrys", "entries"),
            plural(file_count, "file"),
        ]
    )


def human_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{size:,.1f} GB"
