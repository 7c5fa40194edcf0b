"""Backups: the whole data folder in one .zip, and restoring one safely.

A backup holds
- `db/`: the database as written by DuckDB's own `EXPORT DATABASE` (Parquet files, `schema.sql`,
  `load.sql`), so any DuckDB can read it without Kizuna (`IMPORT DATABASE 'db'`). The export
  covers the whole catalog — every schema, table, sequence (continuing where it stood), macro,
  view and index — so what later migrations add (the search index's tables and macros, say) is
  included without changes here. After a restore every sequence is also moved past the highest
  id in the column it fills, so a restored id is never handed out again.
- `files/`: every file of the data folder (photos, thumbnails, avatars, and any other folder)
  except the database itself, `backups/` and half-written `*.part` files.
- `manifest.json`: row counts per table and the SHA-256 and size of every other member.

The database is exported through the live connection (`store.cursor()`, inside one
transaction, so the copy is consistent while the app keeps running).

Restoring never touches the current data until the whole backup has been checked: the zip is
unpacked into a staging folder inside the data folder, every checksum and row count is verified
and the staged database is opened once (which also applies any newer migrations). Only then,
when replacing existing data, is the current data backed up (to `backups/`) and the store
closed; the current entries are moved aside and the staged ones moved in with renames, undone if
any rename fails. `backups/` itself is never replaced. The caller reopens the store afterwards
(the Streamlit side clears its cached store).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import duckdb

from memory.store import DB_FILENAME, Store, StoreError

log = logging.getLogger(__name__)

FORMAT = "kizuna-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"

#: Settings that steer automatic backups (stored in DuckDB like every other setting).
AUTO_SETTING = "auto_backup"
KEEP_SETTING = "auto_backup_keep"
DEFAULT_KEEP = 7

AUTO_PREFIX = "kizuna-auto-"
BEFORE_RESTORE_PREFIX = "kizuna-before-restore-"
#: Work folders inside the data folder (same disk, so renames are atomic); never backed up.
_STAGING_PREFIX = ".kizuna-work-"

#: Already-compressed formats are stored as they are; deflating them only costs time.
_STORED_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif", ".gif", ".parquet"}

#: One backup or restore at a time per process (the automatic one runs in a thread).
_lock = threading.Lock()

Progress = Callable[[float, str], None]


class BackupError(Exception):
    """A backup that cannot be made or restored, phrased for the person using the app."""


@dataclass(frozen=True)
class BackupInfo:
    """What a backup holds."""

    path: Path
    created_at: datetime
    tables: dict[str, int]
    file_count: int
    size: int


@dataclass(frozen=True)
class RestoreResult:
    """What a restore put in place."""

    tables: dict[str, int]
    file_count: int
    previous_backup: Path | None = None
    notes: list[str] = field(default_factory=list)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _noop(_fraction: float, _text: str) -> None:
    pass


# -- what is in the data folder ------------------------------------------------------------
def data_files(data_dir: Path) -> list[str]:
    """Every file of the data folder that belongs in a backup, relative, sorted."""
    found = []
    for path in data_dir.rglob("*"):
        if not path.is_file():
            continue
        rel = path.relative_to(data_dir)
        top = rel.parts[0]
        if top == "backups" or top.startswith(_STAGING_PREFIX):
            continue
        if len(rel.parts) == 1 and top.startswith(DB_FILENAME):
            continue  # the database (and its WAL) travels as Parquet
        if path.name.endswith(".part"):
            continue
        found.append(rel.as_posix())
    return sorted(found)


# -- making a backup -----------------------------------------------------------------------
def create(store: Store, out_path: Path | str, progress: Progress | None = None) -> BackupInfo:
    """Write a backup of the open store's data folder to `out_path` (a .zip).

    The zip is written next to its destination as `*.part` and renamed into place only when
    complete. Raises `BackupError` with a plain sentence when it cannot be written.
    """
    progress = progress or _noop
    out_path = Path(out_path)
    with _lock:
        return _create(store, out_path, progress)


def _create(store: Store, out_path: Path, progress: Progress) -> BackupInfo:
    created_at = datetime.now(UTC)
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"Kizuna cannot write to {out_path.parent}: {exc.strerror}.") from exc
    part = out_path.with_name(out_path.name + ".part")
    # the export goes next to the data (same disk as the database, not a small /tmp)
    with tempfile.TemporaryDirectory(prefix=f"{_STAGING_PREFIX}backup-", dir=store.data_dir) as tmp:
        progress(0.0, "Exporting the database…")
        export_dir = Path(tmp) / "db"
        tables = _export_database(store, export_dir)
        files = data_files(store.data_dir)
        manifest: dict = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": created_at.isoformat(),
            "tables": {name: {"rows": rows} for name, rows in tables.items()},
            "files": {},
        }
        try:
            with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
                for exported in sorted(export_dir.iterdir()):
                    _add_member(zf, manifest, f"db/{exported.name}", exported.read_bytes())
                for i, rel in enumerate(files):
                    data = store.path_of(rel).read_bytes()
                    _add_member(zf, manifest, f"files/{rel}", data)
                    if i % 50 == 0:
                        progress(0.2 + 0.8 * i / max(len(files), 1), f"Adding files… {i:,}")
                zf.writestr(MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False))
            with open(part, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(part, out_path)
        except OSError as exc:
            part.unlink(missing_ok=True)
            raise BackupError(
                f"Kizuna could not write the backup {out_path.name}: {exc.strerror or exc}."
            ) from exc
    progress(1.0, "Backup complete.")
    return BackupInfo(
        path=out_path,
        created_at=created_at,
        tables=tables,
        file_count=len(files),
        size=out_path.stat().st_size,
    )


def _add_member(zf: zipfile.ZipFile, manifest: dict, name: str, data: bytes) -> None:
    suffix = PurePosixPath(name).suffix.lower()
    method = zipfile.ZIP_STORED if suffix in _STORED_SUFFIXES else zipfile.ZIP_DEFLATED
    zf.writestr(zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0)), data, method)
    manifest["files"][name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def _export_database(store: Store, folder: Path) -> dict[str, int]:
    """`EXPORT DATABASE` to Parquet and count every table, in one transaction.

    DuckDB's own export writes the whole catalog — schemas, sequences (continuing where they
    stand), tables, macros, views, indexes — so whatever later migrations or extensions add
    (the search index's tables and macros, say) travels without this module knowing about it.
    Returns the row count of every table, keyed `table` for `main` and `schema.table` otherwise.
    """
    cur = store.cursor()
    try:
        cur.execute("BEGIN TRANSACTION")
        try:
            cur.execute(
                f"EXPORT DATABASE {_literal(str(folder))} (FORMAT parquet, COMPRESSION zstd)"
            )
            counts = {}
            for schema, table in cur.execute(
                "SELECT schema_name, table_name FROM duckdb_tables() "
                "WHERE database_name = current_database() AND NOT internal AND NOT temporary "
                "ORDER BY schema_name, table_name"
            ).fetchall():
                key = table if schema == "main" else f"{schema}.{table}"
                counts[key] = cur.execute(
                    f"SELECT count(*) FROM {_quote(schema)}.{_quote(table)}"
                ).fetchone()[0]
        finally:
            cur.execute("COMMIT")
    except duckdb.Error as exc:
        raise BackupError(f"Kizuna could not read its database for the backup: {exc}") from exc
    # load.sql names the files by the temporary folder's path; make them relative so the
    # unzipped `db/` folder can be imported from wherever it lands
    load = folder / "load.sql"
    load.write_text(load.read_text().replace(_literal(str(folder) + "/")[:-1], "'"))
    return counts


# -- reading a backup ----------------------------------------------------------------------
_DAMAGED = (
    "That file is not a complete Kizuna backup — it may be damaged or was cut off while "
    "copying. Nothing was changed."
)


def read_manifest(zip_path: Path | str) -> dict:
    """The manifest of a backup, after checking it is a Kizuna backup at all."""
    try:
        with zipfile.ZipFile(zip_path) as zf:
            return _manifest_of(zf)
    except FileNotFoundError as exc:
        raise BackupError(f"There is no file {zip_path}.") from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise BackupError(_DAMAGED) from exc


def _manifest_of(zf: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(zf.read(MANIFEST))
    except KeyError as exc:
        raise BackupError(
            "That zip is not a Kizuna backup (it has no manifest.json). Nothing was changed."
        ) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(_DAMAGED) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("That zip is not a Kizuna backup. Nothing was changed.")
    if manifest.get("format_version", 0) > FORMAT_VERSION:
        raise BackupError(
            "That backup was made by a newer Kizuna; update Kizuna to restore it. "
            "Nothing was changed."
        )
    for name in manifest.get("files", {}):
        pure = PurePosixPath(name)
        if pure.is_absolute() or ".." in pure.parts or pure.parts[0] not in ("db", "files"):
            raise BackupError(_DAMAGED)
    return manifest


def verify(zip_path: Path | str) -> dict:
    """Check every member of a backup against its manifest; return the manifest.

    Raises `BackupError` with a plain sentence for a damaged, truncated or foreign zip.
    """
    try:
        with zipfile.ZipFile(zip_path) as zf:
            manifest = _manifest_of(zf)
            for name, expected in manifest["files"].items():
                digest = hashlib.sha256()
                with zf.open(name) as fh:
                    for chunk in iter(lambda fh=fh: fh.read(1 << 20), b""):
                        digest.update(chunk)
                if digest.hexdigest() != expected["sha256"]:
                    raise BackupError(_DAMAGED)
    except FileNotFoundError as exc:
        raise BackupError(f"There is no file {zip_path}.") from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError) as exc:
        raise BackupError(_DAMAGED) from exc
    return manifest


# -- restoring -----------------------------------------------------------------------------
def holds_data(data_dir: Path | str) -> bool:
    """Whether a folder already holds Kizuna data (a database or files outside backups/)."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        return False
    return (data_dir / DB_FILENAME).exists() or bool(data_files(data_dir))


def restore(
    zip_path: Path | str,
    data_dir: Path | str,
    *,
    replace: bool = False,
    store: Store | None = None,
    progress: Progress | None = None,
) -> RestoreResult:
    """Restore a backup into `data_dir`.

    Into a folder without Kizuna data this just happens. Over existing data it needs
    `replace=True` (the user confirmed): the current data is first backed up to
    `backups/kizuna-before-restore-….zip`. Pass the open `store` of that folder if there is one;
    it is used for that backup and then closed (reopen afterwards). Nothing is changed unless
    the whole backup checks out; raises `BackupError` with a plain sentence otherwise.
    """
    progress = progress or _noop
    zip_path = Path(zip_path)
    data_dir = Path(data_dir).resolve()
    if not replace and holds_data(data_dir):
        raise BackupError(
            f"{data_dir} already holds Kizuna data. Restore into an empty folder, or confirm "
            "replacing it (the current data is backed up first)."
        )
    with _lock:
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BackupError(f"Kizuna cannot create {data_dir}: {exc.strerror}.") from exc
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        staging = data_dir / f"{_STAGING_PREFIX}staging-{stamp}"
        try:
            manifest, file_count = _stage(zip_path, staging, progress)
            previous = None
            if holds_data(data_dir):
                progress(0.85, "Backing up the current data first…")
                previous = _backup_current(data_dir, store, stamp)
            elif store is not None:
                store.close()
            _ensure_released(data_dir)
            progress(0.95, "Putting the restored data in place…")
            _swap_in(staging, data_dir, stamp)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    progress(1.0, "Restore complete.")
    tables = {name: info["rows"] for name, info in manifest["tables"].items()}
    return RestoreResult(tables=tables, file_count=file_count, previous_backup=previous)


def _stage(zip_path: Path, staging: Path, progress: Progress) -> tuple[dict, int]:
    """Unpack and check the backup into `staging`; return its manifest and file count."""
    progress(0.0, "Checking the backup…")
    manifest = verify(zip_path)
    staging.mkdir(parents=True)
    db_dir = staging / ".db"
    db_dir.mkdir()
    names = list(manifest["files"])
    file_count = 0
    try:
        with zipfile.ZipFile(zip_path) as zf:
            for i, name in enumerate(names):
                pure = PurePosixPath(name)
                if pure.parts[0] == "db":
                    target = db_dir / pure.name
                else:
                    target = staging.joinpath(*pure.parts[1:])
                    file_count += 1
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with zf.open(name) as src, open(target, "wb") as dst:
                    for chunk in iter(lambda src=src: src.read(1 << 20), b""):
                        digest.update(chunk)
                        dst.write(chunk)
                if digest.hexdigest() != manifest["files"][name]["sha256"]:
                    raise BackupError(_DAMAGED)
                if i % 50 == 0:
                    progress(0.1 + 0.5 * i / max(len(names), 1), f"Unpacking… {i:,}")
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError) as exc:
        raise BackupError(_DAMAGED) from exc
    except OSError as exc:
        raise BackupError(f"Kizuna could not unpack the backup: {exc.strerror or exc}.") from exc
    progress(0.65, "Rebuilding the database…")
    _load_database(db_dir, staging / DB_FILENAME, manifest)
    shutil.rmtree(db_dir)
    try:
        Store.open(staging).close()  # applies migrations newer than the backup
    except StoreError as exc:
        raise BackupError(f"The restored database could not be opened: {exc}") from exc
    return manifest, file_count


def _load_database(db_dir: Path, db_path: Path, manifest: dict) -> None:
    """Build the restored database with `IMPORT DATABASE` and check it against the manifest."""
    try:
        con = duckdb.connect(str(db_path))
    except duckdb.Error as exc:
        raise BackupError(f"Kizuna could not create the restored database: {exc}") from exc
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute(f"IMPORT DATABASE {_literal(str(db_dir))}")
        for name, info in manifest["tables"].items():
            schema, _, table = name.rpartition(".")
            rows = con.execute(
                f"SELECT count(*) FROM {_quote(schema or 'main')}.{_quote(table)}"
            ).fetchone()[0]
            if rows != info["rows"]:
                raise BackupError(_DAMAGED)
        _continue_sequences(con)
        con.execute("CHECKPOINT")
    except duckdb.Error as exc:
        raise BackupError(f"The backup's database could not be rebuilt: {exc}") from exc
    finally:
        con.close()


def _continue_sequences(con) -> None:
    """Move every sequence past the highest id in the columns it fills.

    Sequences are exported where they stood, so this only matters for rows once inserted with
    an explicit id; it makes sure no restored id is ever handed out again.
    """
    for table, column, default in con.execute(
        "SELECT table_name, column_name, column_default FROM duckdb_columns() "
        "WHERE schema_name = 'main' AND column_default LIKE 'nextval(%'"
    ).fetchall():
        sequence = default.split("'")[1].strip('"')
        row = con.execute(
            "SELECT coalesce(last_value + increment_by, start_value), increment_by "
            "FROM duckdb_sequences() WHERE schema_name = 'main' AND sequence_name = ?",
            [sequence],
        ).fetchone()
        top = con.execute(f"SELECT max({_quote(column)}) FROM {_quote(table)}").fetchone()[0]
        if row is None or top is None or row[1] <= 0 or top < row[0]:
            continue
        con.execute(
            f"SELECT max(nextval({_literal(sequence)})) FROM range(?)",
            [(top - row[0]) // row[1] + 1],
        )


def _backup_current(data_dir: Path, store: Store | None, stamp: str) -> Path:
    """Back up the folder's current data, then leave its store closed."""
    target = data_dir / "backups" / f"{BEFORE_RESTORE_PREFIX}{stamp[:15]}Z.zip"
    own = store is None
    live = store or Store.open(data_dir)
    try:
        _create(live, target, _noop)
    finally:
        live.close()
    if own:
        log.info("closed the store opened for the pre-restore backup")
    return target


def _ensure_released(data_dir: Path) -> None:
    """Refuse to swap while any connection in this process still holds the database.

    DuckDB shares one database instance between all connections to a file in a process, so a
    forgotten second connection would keep serving the old data after the swap. Opening the
    file with a different configuration fails exactly when such an instance is still alive.
    """
    db_path = data_dir / DB_FILENAME
    if not db_path.exists():
        return
    try:
        duckdb.connect(str(db_path), read_only=True).close()
    except duckdb.Error as exc:
        raise BackupError(
            "The database is still open somewhere else in Kizuna (another window or tab?), "
            "so it cannot be replaced now. Close it and try again; nothing was changed."
        ) from exc


def _swap_in(staging: Path, data_dir: Path, stamp: str) -> None:
    """Move the current entries aside and the staged ones in; undo on any failure."""
    aside = data_dir / f"{_STAGING_PREFIX}replaced-{stamp}"
    aside.mkdir()
    moved_out: list[str] = []
    moved_in: list[str] = []
    try:
        for entry in sorted(data_dir.iterdir()):
            if entry.name == "backups" or entry.name.startswith(_STAGING_PREFIX):
                continue
            os.replace(entry, aside / entry.name)
            moved_out.append(entry.name)
        for entry in sorted(staging.iterdir()):
            if entry.name == "backups":
                continue
            os.replace(entry, data_dir / entry.name)
            moved_in.append(entry.name)
    except OSError as exc:
        for name in moved_in:
            os.replace(data_dir / name, staging / name)
        for name in moved_out:
            os.replace(aside / name, data_dir / name)
        shutil.rmtree(aside, ignore_errors=True)
        raise BackupError(
            f"Kizuna could not put the restored data in place ({exc.strerror or exc}); "
            "your current data was left as it was."
        ) from exc
    shutil.rmtree(aside, ignore_errors=True)


# -- automatic backups ---------------------------------------------------------------------
def automatic_backups(data_dir: Path | str) -> list[Path]:
    """The automatic backups in a data folder, oldest first."""
    folder = Path(data_dir) / "backups"
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{AUTO_PREFIX}*.zip"))


def all_backups(data_dir: Path | str) -> list[Path]:
    """Every backup zip in the data folder's `backups/`, newest first."""
    folder = Path(data_dir) / "backups"
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*.zip"), key=lambda p: p.stat().st_mtime, reverse=True)


def _has_memories(store: Store) -> bool:
    cur = store.cursor()
    for table in ("messages", "photos", "journal_entries", "outings", "milestones"):
        if cur.execute(f"SELECT EXISTS (SELECT 1 FROM {_quote(table)})").fetchone()[0]:
            return True
    return False


def auto_backup_due(store: Store, today: str | None = None) -> bool:
    """Whether an automatic backup should be made now: enabled, something to keep, none today."""
    from memory import settings

    if settings.get(store, AUTO_SETTING) is False:
        return False
    today = today or datetime.now(UTC).strftime("%Y-%m-%d")
    if any(p.name.startswith(f"{AUTO_PREFIX}{today}") for p in automatic_backups(store.data_dir)):
        return False
    return _has_memories(store)


def run_auto_backup(store: Store) -> Path | None:
    """Make today's automatic backup if due and prune to the newest N; return its path."""
    from memory import settings

    if not auto_backup_due(store):
        return None
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M%SZ")
    target = store.backups_dir / f"{AUTO_PREFIX}{stamp}.zip"
    create(store, target)
    keep = settings.get(store, KEEP_SETTING)
    keep = keep if isinstance(keep, int) and keep > 0 else DEFAULT_KEEP
    for old in automatic_backups(store.data_dir)[:-keep]:
        old.unlink(missing_ok=True)
    for leftover in store.backups_dir.glob("*.part"):
        leftover.unlink(missing_ok=True)
    return target


def remove_leftovers(data_dir: Path | str) -> None:
    """Remove work folders left by a backup or restore that was killed part-way."""
    with _lock:
        for leftover in Path(data_dir).glob(f"{_STAGING_PREFIX}*"):
            shutil.rmtree(leftover, ignore_errors=True)


def daily_on_start(store: Store, *, wait: bool = False) -> Store:
    """Start today's automatic backup in the background (if due); return `store` unchanged.

    Called once when the app opens its store. It never raises: a failed automatic backup is
    logged and the app carries on. `wait=True` runs it in the calling thread (tests, CLI).
    """

    def work() -> None:
        try:
            remove_leftovers(store.data_dir)
            run_auto_backup(store)
        except Exception:  # an automatic backup must never take the app down
            log.warning("automatic backup failed", exc_info=True)

    try:
        if wait:
            work()
        else:
            threading.Thread(target=work, name="kizuna-auto-backup", daemon=True).start()
    except Exception:
        log.warning("automatic backup could not start", exc_info=True)
    return store
