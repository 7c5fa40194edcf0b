"""Backups: the whole data folder in one .zip, and restoring one safely.

A backup holds
- `db/`: the database as written by DuckDB's own `EXPORT DATABASE` (Parquet files, `schema.sql`,
  `load.sql`), so any DuckDB can read it without Kizuna (`IMPORT DATABASE 'db'`). The export
  covers the whole catalog, so what later migrations add is included without changes here.
  A restore fills only the tables of Kizuna's own schema (see below), continues every
  sequence from where the manifest says it stood and past the highest id in the column it
  fills, so a restored id is never handed out again.
- `files/`: every file of the data folder (photos, thumbnails, avatars, and any other folder)
  except the database itself, `backups/` and half-written `*.part` files.
- `manifest.json`: row counts per table, where each sequence stood, and the SHA-256 and size of
  every other member.

The database is exported through the live connection (`store.cursor()`, inside one
transaction, so the copy is consistent while the app keeps running).

Restoring reads a backup as data, never as code. A backup is something people receive,
download and share, so nothing in it is executed: `db/schema.sql` and `db/load.sql` are never
run. The tables are recreated from Kizuna's own migrations (exactly those the backup's ledger
records, so its rows fit), the rows are read from the staged Parquet files with an explicit
column list, and only then are the newer migrations applied to them. `load.sql` is only read to
learn which Parquet file holds which table (a strict pattern; any other line is ignored), and
only tables of Kizuna's own schema are filled. The connection that reads the Parquet files has
DuckDB's external access switched off, with the staged folder as its only allowed directory,
and its configuration locked.

Restoring never touches the current data until the whole backup has been checked: the manifest
must be complete, there must be room on the disk for the unpacked backup (and for the backup of
the current data), and every member is unpacked into a staging folder inside the data folder
with its real size counted while it streams (stopping at the size the manifest gives, and at a
ceiling) and its checksum verified. Only then, when replacing existing data, is the current data
backed up (to `backups/`) and the store closed; the current entries are moved aside and the
staged ones moved in with renames, undone if any rename fails. `backups/` itself is never
replaced. Work folders (`.kizuna-work-*`) are removed however the operation ends, and at the
next start after a killed process. The caller reopens the store afterwards (the Streamlit side
clears its cached store).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import re
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

from memory.errors import FolderNotEmpty, KizunaError, NotEnoughSpace
from memory.i18n import _, ngettext
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
#: A drop folder for backups too large to upload through the page: restored from in place.
INCOMING = "incoming"
#: Top-level folders a restore never replaces and a backup never holds.
_KEPT = {"backups", INCOMING}

#: Already-compressed formats are stored as they are; deflating them only costs time.
_STORED_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif", ".gif", ".parquet"}

#: Ceilings for what a restore unpacks: the manifest is small JSON; no single member of a
#: backup Kizuna makes comes near 8 GiB (a Parquet file of a million messages is ~100 MB).
MAX_MANIFEST_BYTES = 64 << 20
MAX_MEMBER_BYTES = 8 << 30
#: Room kept free on the disk beyond what a restore needs.
SPACE_MARGIN = 64 << 20
#: A sequence is moved on one `nextval` at a time (about 13 million a second here).
MAX_SEQUENCE_STEPS = 50_000_000
_CHUNK = 1 << 20

#: One backup or restore at a time per process (the automatic one runs in a thread).
_lock = threading.Lock()

Progress = Callable[[float, str], None]


class BackupError(KizunaError):
    """A backup that cannot be made or restored, phrased for the person using the app."""


class TargetHoldsData(BackupError, FolderNotEmpty):
    """The restore target already holds Kizuna data and replacing it was not confirmed."""


class BackupNoSpace(BackupError, NotEnoughSpace):
    """The disk has no room for the restore; nothing was written."""


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
        if top in _KEPT or top.startswith(_STAGING_PREFIX):
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
        tables, sequences = _export_database(store, export_dir)
        files = data_files(store.data_dir)
        manifest: dict = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": created_at.isoformat(),
            "tables": {name: {"rows": rows} for name, rows in tables.items()},
            "sequences": sequences,
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


def _export_database(store: Store, folder: Path) -> tuple[dict[str, int], dict[str, int]]:
    """`EXPORT DATABASE` to Parquet and count every table, in one transaction.

    DuckDB's own export writes the whole catalog — schemas, sequences (continuing where they
    stand), tables, macros, views, indexes — so whatever later migrations or extensions add
    (the search index's tables and macros, say) travels without this module knowing about it.
    Returns the row count of every table, keyed `table` for `main` and `schema.table` otherwise,
    and the next value of every sequence of the main schema (a restore continues from there).
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
            sequences = dict(
                cur.execute(
                    "SELECT sequence_name, coalesce(last_value + increment_by, start_value) "
                    "FROM duckdb_sequences() WHERE database_name = current_database() "
                    "AND schema_name = 'main' AND NOT temporary"
                ).fetchall()
            )
        finally:
            cur.execute("COMMIT")
    except duckdb.Error as exc:
        raise BackupError(f"Kizuna could not read its database for the backup: {exc}") from exc
    # load.sql names the files by the temporary folder's path; make them relative so the
    # unzipped `db/` folder can be imported from wherever it lands
    load = folder / "load.sql"
    load.write_text(load.read_text().replace(_literal(str(folder) + "/")[:-1], "'"))
    return counts, sequences


# -- reading a backup ----------------------------------------------------------------------
def _damaged() -> str:
    return _(
        "That file is not a complete Kizuna backup — it may be damaged or was cut off while "
        "copying. Nothing was changed."
    )


_SHA256 = re.compile(r"[0-9a-f]{64}")


def _incomplete(field_name: str) -> BackupError:
    return BackupError(
        _(
            "That backup's manifest is incomplete (it has no valid “{field}”), so Kizuna cannot "
            "check it. Nothing was changed."
        ).format(field=field_name)
    )


def read_manifest(zip_path: Path | str) -> dict:
    """The manifest of a backup, after checking it is a complete Kizuna manifest."""
    try:
        with zipfile.ZipFile(zip_path) as zf:
            return _manifest_of(zf)
    except FileNotFoundError as exc:
        raise BackupError(_("There is no file {path}.").format(path=zip_path)) from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise BackupError(_damaged()) from exc


def _manifest_of(zf: zipfile.ZipFile) -> dict:
    try:
        info = zf.getinfo(MANIFEST)
    except KeyError as exc:
        raise BackupError(
            _("That zip is not a Kizuna backup (it has no manifest.json). Nothing was changed.")
        ) from exc
    if info.file_size > MAX_MANIFEST_BYTES:
        raise BackupError(_damaged())
    try:
        with zf.open(info) as fh:
            manifest = json.loads(fh.read(MAX_MANIFEST_BYTES + 1))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise BackupError(_damaged()) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("That zip is not a Kizuna backup. Nothing was changed."))
    _check_manifest(manifest)
    return manifest


def _check_manifest(manifest: dict) -> None:
    """Every field a restore relies on, present and of the right kind; one sentence if not."""
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise _incomplete("format_version")
    if version > FORMAT_VERSION:
        raise BackupError(
            _(
                "That backup was made by a newer Kizuna; update Kizuna to restore it. "
                "Nothing was changed."
            )
        )
    created = manifest.get("created_at")
    try:
        datetime.fromisoformat(created)
    except (TypeError, ValueError):
        raise _incomplete("created_at") from None
    tables = manifest.get("tables")
    if not isinstance(tables, dict) or not tables:
        raise _incomplete("tables")
    for entry in tables.values():
        rows = entry.get("rows") if isinstance(entry, dict) else None
        if not isinstance(rows, int) or isinstance(rows, bool) or rows < 0:
            raise _incomplete("tables")
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        raise _incomplete("files")
    for name, entry in files.items():
        pure = PurePosixPath(name)
        if (
            not name
            or "\\" in name
            or pure.is_absolute()
            or ".." in pure.parts
            or pure.parts[0] not in ("db", "files")
            or len(pure.parts) < 2
            or (pure.parts[0] == "db" and len(pure.parts) != 2)
        ):
            raise BackupError(_damaged())
        if not isinstance(entry, dict):
            raise _incomplete("files")
        size = entry.get("size")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise _incomplete("size")
        if not isinstance(entry.get("sha256"), str) or not _SHA256.fullmatch(entry["sha256"]):
            raise _incomplete("sha256")


def _unpacked_size(manifest: dict) -> int:
    return sum(entry["size"] for entry in manifest["files"].values())


def _copy_member(zf: zipfile.ZipFile, name: str, expected: dict, dst) -> None:
    """Stream one member into `dst`, counting its real size and hashing it; stop early.

    Refused before a byte is written when the zip's own header disagrees with the manifest
    or the member is over the ceiling, and while streaming as soon as more bytes arrive than
    the manifest promised (a zip bomb is never unpacked past its stated size).
    """
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise BackupError(_damaged()) from None
    size = expected["size"]
    if size > MAX_MEMBER_BYTES:
        raise BackupError(
            _(
                "That backup holds a file larger than Kizuna restores ({size}); it is not a "
                "backup Kizuna made. Nothing was changed."
            ).format(size=_gib(size))
        )
    if info.file_size != size:
        raise BackupError(_damaged())
    digest = hashlib.sha256()
    seen = 0
    with zf.open(info) as src:
        while chunk := src.read(_CHUNK):
            seen += len(chunk)
            if seen > size:
                raise BackupError(_damaged())
            digest.update(chunk)
            if dst is not None:
                dst.write(chunk)
    if seen != size or digest.hexdigest() != expected["sha256"]:
        raise BackupError(_damaged())


def _gib(size: int) -> str:
    return f"{size / (1 << 30):,.1f} GiB"


def verify(zip_path: Path | str) -> dict:
    """Check every member of a backup against its manifest; return the manifest.

    Reads every member once (sizes counted, stopping early) and writes nothing. Raises
    `BackupError` with a plain sentence for a damaged, truncated, oversized or foreign zip.
    """
    try:
        with zipfile.ZipFile(zip_path) as zf:
            manifest = _manifest_of(zf)
            for name, expected in manifest["files"].items():
                _copy_member(zf, name, expected, None)
    except FileNotFoundError as exc:
        raise BackupError(_("There is no file {path}.").format(path=zip_path)) from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError) as exc:
        raise BackupError(_damaged()) from exc
    return manifest


# -- restoring -----------------------------------------------------------------------------
def holds_data(data_dir: Path | str) -> bool:
    """Whether a folder already holds Kizuna data (a database or files outside backups/)."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        return False
    return (data_dir / DB_FILENAME).exists() or bool(data_files(data_dir))


def free_bytes(folder: Path) -> int:
    """Free space on the disk that holds `folder` (the nearest existing parent)."""
    folder = Path(folder)
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    return shutil.disk_usage(folder).free


def _current_size(data_dir: Path) -> int:
    total = 0
    for entry in [DB_FILENAME, *data_files(data_dir)]:
        with contextlib.suppress(OSError):
            total += (data_dir / entry).stat().st_size
    return total


def _check_room(data_dir: Path, manifest: dict) -> None:
    """Refuse, before anything is written, a restore the disk has no room for.

    Counts the unpacked backup twice (the staged Parquet files and the database built from
    them), the backup of the current data made before replacing it, and a margin.
    """
    needed = 2 * _unpacked_size(manifest) + SPACE_MARGIN
    if holds_data(data_dir):
        needed += _current_size(data_dir)
    free = free_bytes(data_dir)
    if free < needed:
        raise BackupNoSpace(
            _(
                "There is not enough free disk space to restore this backup: it needs about "
                "{needed} and {free} is free. Free some space and try again; nothing was changed."
            ).format(needed=human_size(needed), free=human_size(free))
        )


def human_size(size: int) -> str:
    """A size in bytes as people read it: 812 bytes, 4.2 MB, 1.3 GB."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{size:,.1f} GB"


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
    the whole backup checks out; raises `BackupError` with a plain sentence otherwise
    (`TargetHoldsData` without `replace`, `BackupNoSpace` when the disk is too full).
    """
    progress = progress or _noop
    zip_path = Path(zip_path)
    data_dir = Path(data_dir).resolve()
    if not replace and holds_data(data_dir):
        raise TargetHoldsData(
            _(
                "{folder} already holds Kizuna data. Restore into an empty folder, or confirm "
                "replacing it (the current data is backed up first)."
            ).format(folder=data_dir)
        )
    with _lock:
        progress(0.0, _("Checking the backup…"))
        manifest = read_manifest(zip_path)
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BackupError(
                _("Kizuna cannot create {folder}: {reason}.").format(
                    folder=data_dir, reason=exc.strerror
                )
            ) from exc
        _check_room(data_dir, manifest)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        staging = data_dir / f"{_STAGING_PREFIX}staging-{stamp}"
        try:
            file_count, notes = _stage(zip_path, staging, manifest, progress)
            previous = None
            if holds_data(data_dir):
                progress(0.85, _("Backing up the current data first…"))
                previous = _backup_current(data_dir, store, stamp)
            elif store is not None:
                store.close()
            _ensure_released(data_dir)
            progress(0.95, _("Putting the restored data in place…"))
            _swap_in(staging, data_dir, stamp)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    progress(1.0, _("Restore complete."))
    tables = {name: info["rows"] for name, info in manifest["tables"].items()}
    return RestoreResult(
        tables=tables, file_count=file_count, previous_backup=previous, notes=notes
    )


def _stage(zip_path: Path, staging: Path, manifest: dict, progress: Progress) -> tuple[int, list]:
    """Unpack and check the backup into `staging`; return its file count and notes."""
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
                with open(target, "wb") as dst:
                    _copy_member(zf, name, manifest["files"][name], dst)
                if i % 50 == 0:
                    progress(
                        0.05 + 0.55 * i / max(len(names), 1), _("Unpacking… {n:,}").format(n=i)
                    )
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError) as exc:
        raise BackupError(_damaged()) from exc
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise BackupNoSpace(
                _("The disk filled up while unpacking the backup; nothing was changed.")
            ) from exc
        raise BackupError(
            _("Kizuna could not unpack the backup: {reason}.").format(reason=exc.strerror or exc)
        ) from exc
    progress(0.65, _("Rebuilding the database…"))
    notes = _build_database(db_dir, staging, manifest)
    shutil.rmtree(db_dir)
    try:
        Store.open(staging).close()  # applies migrations newer than the backup
    except StoreError as exc:
        raise BackupError(
            _("The restored database could not be opened: {reason}").format(reason=exc)
        ) from exc
    return file_count, notes


# `COPY <table> FROM '<file>.parquet' (…);` as DuckDB's EXPORT DATABASE writes it for a table of
# the main schema. Only the table name and the file name are taken; nothing is executed.
_IDENT = r'(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+")'
_LOAD_LINE = re.compile(rf"COPY ({_IDENT}) FROM '([A-Za-z0-9_.-]+\.parquet)' \(.*\);")

#: Kept out of a restore: the migration ledger (rebuilt from the migrations themselves) and the
#: search index's state (the index is derived from the messages and is rebuilt after a restore).
_NOT_RESTORED = {"schema_migrations", "search_index_state"}


def _table_files(db_dir: Path, manifest: dict) -> dict[str, Path]:
    """Which staged Parquet file holds which table of the main schema, read from load.sql."""
    load = db_dir / "load.sql"
    found: dict[str, Path] = {}
    if not load.is_file():
        raise BackupError(_damaged())
    for line in load.read_text(encoding="utf-8", errors="replace").splitlines():
        match = _LOAD_LINE.fullmatch(line.strip())
        if not match:
            continue  # anything else in load.sql is ignored, never run
        table, filename = match.groups()
        if table.startswith('"'):
            table = table[1:-1].replace('""', '"')
        if f"db/{filename}" not in manifest["files"]:
            continue
        # the first line for a table is DuckDB's own; a later one is somebody's addition
        found.setdefault(table, db_dir / filename)
    return found


def _restricted(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """No file access for this connection except reading inside `folder`; locked."""
    con.execute("SET allowed_directories = ?", [[str(folder) + os.sep]])
    con.execute("SET enable_external_access = false")
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    con.execute("SET lock_configuration = true")


def _parquet_columns(con, path: Path) -> list[str]:
    return [
        row[0]
        for row in con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
    ]


def _backup_ledger(db_dir: Path, files: dict[str, Path]) -> set[str]:
    """The migrations the backup's database had applied (its `schema_migrations` rows)."""
    if "schema_migrations" not in files:
        raise BackupError(_damaged())
    con = duckdb.connect()
    try:
        _restricted(con, db_dir)
        names = con.execute(
            "SELECT name FROM read_parquet(?)", [str(files["schema_migrations"])]
        ).fetchall()
    except duckdb.Error as exc:
        raise BackupError(_damaged()) from exc
    finally:
        con.close()
    return {row[0] for row in names if isinstance(row[0], str)}


def _build_database(db_dir: Path, staging: Path, manifest: dict) -> list[str]:
    """Recreate Kizuna's schema in the staging folder and load the backup's rows into it.

    The schema is made by Kizuna's own migrations — exactly those the backup had applied, so
    its rows fit — and each table of it is filled from its Parquet file with an explicit column
    list, through a connection that can read nothing outside `db_dir`. The newer migrations
    run afterwards (when the staged folder is opened), on the restored rows. Returns notes on
    what was left out.
    """
    from memory.migrations import all_migrations
    from memory.migrations import migrate as run_migrations

    files = _table_files(db_dir, manifest)
    ledger = _backup_ledger(db_dir, files)
    known = {m.name for m in all_migrations()}
    if not ledger:
        raise BackupError(_damaged())
    if ledger - known:
        raise BackupError(
            _(
                "That backup was made by a newer Kizuna; update Kizuna to restore it. "
                "Nothing was changed."
            )
        )
    try:
        fresh = Store.open(staging, migrate=False)
        try:
            run_migrations(fresh, only=ledger)
        finally:
            fresh.close()
    except (StoreError, duckdb.Error) as exc:
        raise BackupError(
            _("Kizuna could not create the restored database: {reason}").format(reason=exc)
        ) from exc
    notes: list[str] = []
    try:
        con = duckdb.connect(str(staging / DB_FILENAME))
    except duckdb.Error as exc:
        raise BackupError(
            _("Kizuna could not create the restored database: {reason}").format(reason=exc)
        ) from exc
    try:
        con.execute("SET TimeZone = 'UTC'")
        _restricted(con, db_dir)
        tables = [
            row[0]
            for row in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                "AND database_name = current_database() AND NOT internal AND NOT temporary "
                "ORDER BY table_name"
            ).fetchall()
        ]
        con.execute("BEGIN TRANSACTION")
        for table in tables:
            if table in _NOT_RESTORED:
                continue
            if table not in files:
                if manifest["tables"].get(table, {}).get("rows", 0):
                    raise BackupError(_damaged())  # rows promised, but no file holds them
                continue
            ours = [
                row[0]
                for row in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'main' "
                    "AND table_name = ? ORDER BY column_index",
                    [table],
                ).fetchall()
            ]
            theirs = set(_parquet_columns(con, files[table]))
            columns = ", ".join(_quote(c) for c in ours if c in theirs)
            con.execute(f"DELETE FROM {_quote(table)}")  # rows a migration may have seeded
            if columns:
                con.execute(
                    f"INSERT INTO {_quote(table)} ({columns}) SELECT {columns} "
                    "FROM read_parquet(?)",
                    [str(files[table])],
                )
            rows = con.execute(f"SELECT count(*) FROM {_quote(table)}").fetchone()[0]
            expected = manifest["tables"].get(table, {}).get("rows")
            if rows != expected:
                raise BackupError(_damaged())
        con.execute("COMMIT")
        left_out = sorted(set(manifest["tables"]) - set(tables))
        if left_out:
            log.info("restore left out tables outside Kizuna's schema: %s", left_out)
            notes.append(
                ngettext(
                    "{n} table that is not part of Kizuna's own data was left out.",
                    "{n} tables that are not part of Kizuna's own data were left out.",
                    len(left_out),
                ).format(n=len(left_out))
            )
        _continue_sequences(con, manifest)
        con.execute("CHECKPOINT")
    except duckdb.Error as exc:
        raise BackupError(
            _("The backup's database could not be rebuilt: {reason}").format(reason=exc)
        ) from exc
    finally:
        con.close()
    return notes


def _continue_sequences(con, manifest: dict) -> None:
    """Move every sequence past the highest id in the columns it fills (and where it stood).

    The schema is new, so its sequences start at 1; this makes sure no restored id is ever
    handed out again. A backup claiming ids far beyond any real history is refused rather
    than spun through (each step is one `nextval`).
    """
    stood = manifest.get("sequences") if isinstance(manifest.get("sequences"), dict) else {}
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
        want = stood.get(sequence)
        if isinstance(want, int) and not isinstance(want, bool):
            top = max(top or 0, want - 1)
        if row is None or top is None or row[1] <= 0 or top < row[0]:
            continue
        steps = (top - row[0]) // row[1] + 1
        if steps > MAX_SEQUENCE_STEPS:
            raise BackupError(_damaged())
        con.execute("SELECT max(nextval(?)) FROM range(?)", [sequence, steps])


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
            if entry.name in _KEPT or entry.name.startswith(_STAGING_PREFIX):
                continue
            os.replace(entry, aside / entry.name)
            moved_out.append(entry.name)
        for entry in sorted(staging.iterdir()):
            if entry.name in _KEPT:
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


def incoming_folder(data_dir: Path | str) -> Path:
    """The data folder's `incoming/` drop folder for large backups (made if missing)."""
    folder = Path(data_dir) / INCOMING
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def restorable(data_dir: Path | str) -> list[Path]:
    """Backups a restore can start from inside the data folder, newest first.

    Those in `backups/`, and any `.zip` put in `incoming/` (the way to restore a backup too
    large to upload through the page: it is read where it lies, never copied).
    """
    found = []
    for folder in ("backups", INCOMING):
        path = Path(data_dir) / folder
        if path.is_dir():
            found += [p for p in path.glob("*.zip") if p.is_file()]
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def save_upload(
    source, data_dir: Path | str, size: int | None = None, progress: Progress | None = None
) -> Path:
    """Stream an uploaded backup (a binary file object) into the data folder's work area.

    The copy goes next to the data (never the system temp folder), named as a work file, so
    it is removed by the caller when the restore ends however it ends, and at the next start
    if the process was killed. Raises `BackupNoSpace` when the disk cannot hold it.
    """
    progress = progress or _noop
    data_dir = Path(data_dir)
    if size is not None and free_bytes(data_dir) < size + SPACE_MARGIN:
        raise BackupNoSpace(
            _(
                "There is not enough free disk space to receive this backup ({size}). Free "
                "some space and try again; nothing was changed."
            ).format(size=human_size(size))
        )
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    target = data_dir / f"{_STAGING_PREFIX}upload-{stamp}.zip"
    done = 0
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as out:
            while chunk := source.read(8 * _CHUNK):
                out.write(chunk)
                done += len(chunk)
                if size:
                    progress(
                        min(done / size, 1.0) * 0.1,
                        _("Receiving the backup… {done} of {size}").format(
                            done=human_size(done), size=human_size(size)
                        ),
                    )
    except BaseException as exc:
        target.unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            raise BackupNoSpace(
                _("The disk filled up while receiving the backup; nothing was changed.")
            ) from exc
        if isinstance(exc, OSError):
            raise BackupError(
                _("Kizuna could not receive the backup: {reason}.").format(
                    reason=exc.strerror or exc
                )
            ) from exc
        raise
    return target


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
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
            else:  # a received upload
                leftover.unlink(missing_ok=True)


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
