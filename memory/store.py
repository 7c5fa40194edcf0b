"""The local store: one DuckDB file and a photo folder inside the user's data folder.

A `Store` is opened once per process and passed in to every function in `memory/`; there is
no module-level connection. DuckDB allows one writer *process* per file, so a second Kizuna on
the same folder is turned into `DataFolderInUse` with a plain sentence. Inside one process many
threads may share the store: each thread works through its own cursor (a DuckDB connection
shared by threads raises "connection is busy").
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from memory.errors import KizunaError
from memory.files import write_file_atomically  # noqa: F401 - kept importable from here

DB_FILENAME = "kizuna.duckdb"
DEFAULT_DATA_DIR = "data"


class StoreError(KizunaError):
    """A problem with the data folder, phrased for the person using the app."""


class DataFolderInUse(StoreError):
    """Another process (usually a second Kizuna) holds the database file."""


def default_data_dir() -> Path:
    """The data folder: `$KIZUNA_DATA_DIR`, else `./data`."""
    return Path(os.environ.get("KIZUNA_DATA_DIR") or DEFAULT_DATA_DIR).expanduser()


@contextmanager
def without_pandas() -> Iterator[None]:
    """Keep pandas (and the numpy and pyarrow it loads) out of this process while inside.

    DuckDB's Python binding imports pandas the first time it converts any Python value (a
    `?` parameter) to see whether it is pandas' missing value; pandas brings numpy and
    pyarrow along: about 90 MB of a process that never uses them, such as
    `python -m memory import-chatgpt`. pandas is optional to DuckDB: with `sys.modules`
    saying it cannot be imported (the import system's own switch), the binding checks the
    value without it. Nothing changes in a process that has already loaded pandas (the app:
    Streamlit imports it). Inside, code that imports pandas gets ImportError; `memory.stats`
    and the demo need it, an import does not.
    """
    if "pandas" in sys.modules:
        yield
        return
    sys.modules["pandas"] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        if "pandas" in sys.modules and sys.modules["pandas"] is None:
            del sys.modules["pandas"]


# Stores with background work still running, waited for when the interpreter exits.
_open_stores: weakref.WeakSet = weakref.WeakSet()


@atexit.register
def _wait_for_background_work() -> None:
    for store in list(_open_stores):
        store.wait_for_background()


class Store:
    """An open data folder: the DuckDB connection plus the folders beside it."""

    def __init__(self, data_dir: Path, con: duckdb.DuckDBPyConnection):
        self.data_dir = data_dir
        self._con = con
        self._local = threading.local()
        self._lock = threading.Lock()
        self._background: list[threading.Thread] = []
        self._versions: dict[str, int] = {}
        self._kept: dict[tuple[str, object], tuple[int, object]] = {}

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def open(cls, data_dir: Path | str | None = None, *, migrate: bool = True) -> Store:
        """Open (creating if needed) the data folder and bring its schema up to date.

        Raises `DataFolderInUse` when another process has the database open, and
        `StoreError` for any other reason the folder cannot be used.
        """
        data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
        data_dir = data_dir.resolve()
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"Kizuna cannot create its data folder {data_dir}: {exc}.") from exc
        db_path = data_dir / DB_FILENAME
        try:
            con = duckdb.connect(str(db_path))
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise DataFolderInUse(
                    f"The data folder {data_dir} is already in use by another Kizuna. "
                    "Close the other window or process, or start this one with a different "
                    "KIZUNA_DATA_DIR."
                ) from exc
            raise StoreError(f"Kizuna cannot open {db_path}: {exc}") from exc
        except duckdb.Error as exc:
            raise StoreError(f"Kizuna cannot open {db_path}: {exc}") from exc
        # Timestamps are stored as instants and handed to Python in UTC; the user's own
        # zone is applied explicitly where days are counted (see memory.settings.timezone).
        con.execute("SET GLOBAL TimeZone = 'UTC'")
        # No network: DuckDB would otherwise download a missing extension on first use.
        con.execute("SET GLOBAL autoinstall_known_extensions = false")
        store = cls(data_dir, con)
        if migrate:
            from memory.migrations import migrate as run_migrations

            run_migrations(store)
            store.cleanup_interrupted_writes()
        return store

    def start_background(self, target, *, name: str) -> threading.Thread:
        """Run `target()` on a daemon thread that `close` waits for.

        Work such as rebuilding the search index runs inside DuckDB; a connection closed (or
        an interpreter ending) under it would abort the process, so closing waits instead.
        """
        thread = threading.Thread(target=target, name=name, daemon=True)
        with self._lock:
            self._background = [t for t in self._background if t.is_alive()]
            self._background.append(thread)
        _open_stores.add(self)
        thread.start()
        return thread

    def wait_for_background(self) -> None:
        """Wait until the work started with `start_background` has finished."""
        with self._lock:
            pending = list(self._background)
        for thread in pending:
            if thread is not threading.current_thread():
                thread.join()

    def close(self) -> None:
        """Wait for background work, then close the connection; the store cannot be used
        afterwards."""
        self.wait_for_background()
        _open_stores.discard(self)
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- paths -----------------------------------------------------------------------------
    @property
    def db_path(self) -> Path:
        return self.data_dir / DB_FILENAME

    @property
    def photos_dir(self) -> Path:
        return self.data_dir / "photos"

    @property
    def thumbs_dir(self) -> Path:
        return self.data_dir / "thumbs"

    @property
    def avatars_dir(self) -> Path:
        return self.data_dir / "avatars"

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "backups"

    def path_of(self, relative: str) -> Path:
        """Absolute path of a file recorded relative to the data folder."""
        return self.data_dir / relative

    # -- SQL -------------------------------------------------------------------------------
    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor on the shared connection."""
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            with self._lock:
                cur = self._con.cursor()
            self._local.cursor = cur
        return cur

    def execute(self, sql: str, params: list | tuple | dict | None = None):
        """Run one statement on this thread's cursor and return the cursor."""
        return self.cursor().execute(sql, params)

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor inside BEGIN … COMMIT; any exception rolls everything back."""
        cur = self.cursor()
        cur.execute("BEGIN TRANSACTION")
        try:
            yield cur
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        else:
            cur.execute("COMMIT")

    # -- reads kept until their data changes ------------------------------------------------
    def kept(self, topic: str, key, read):
        """`read()`'s result for `key`, kept until `changed(topic)` is called.

        For small reads on every reply whose data changes rarely and only through its own
        module (a companion's version in force): that module calls `changed` after each of
        its writes has committed. The version is taken before `read()` runs, so a read that
        raced a write is kept under the old version and read again next time.
        """
        with self._lock:
            version = self._versions.get(topic, 0)
            entry = self._kept.get((topic, key))
        if entry is not None and entry[0] == version:
            return entry[1]
        value = read()
        with self._lock:
            self._kept[(topic, key)] = (version, value)
        return value

    def changed(self, topic: str) -> None:
        """Forget what `kept` holds for `topic` (call it once a write has committed)."""
        with self._lock:
            self._versions[topic] = self._versions.get(topic, 0) + 1
            for entry in [k for k in self._kept if k[0] == topic]:
                del self._kept[entry]

    # -- housekeeping ----------------------------------------------------------------------
    def cleanup_interrupted_writes(self) -> None:
        """Remove temporary files left by a write that was killed before it finished.

        Files are written as `*.part` and renamed into place only once complete, so any
        `*.part` file found at start-up belongs to an interrupted write.
        """
        for folder in (self.photos_dir, self.thumbs_dir, self.avatars_dir):
            if folder.is_dir():
                for leftover in folder.rglob("*.part"):
                    leftover.unlink(missing_ok=True)
        # A crash between writing a photo file and committing its row leaves a file no row
        # names: the album's sweep removes those.
        from memory import audio
        from memory.photos import sweep_unreferenced_files

        sweep_unreferenced_files(self)
        audio.sweep_unreferenced_files(self)
