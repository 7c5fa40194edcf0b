"""Numbered schema migrations, applied at start-up.

Each migration is a module `mNNN_what_it_does.py` in this package with one function
`up(cur)`. They run in name order; each runs in one transaction together with the row in
`schema_migrations` that records it, so a migration either lands whole or not at all. A
migration that has shipped is never edited: change the schema by adding the next one.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from types import ModuleType

_LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    name VARCHAR PRIMARY KEY,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
)
"""


@dataclass(frozen=True)
class Migration:
    name: str
    module: ModuleType


def all_migrations() -> list[Migration]:
    """Every migration shipped with this version, in the order they apply."""
    names = sorted(info.name for info in pkgutil.iter_modules(__path__) if info.name[:1] == "m")
    return [Migration(n, importlib.import_module(f"{__name__}.{n}")) for n in names]


def applied(store) -> set[str]:
    """Names of the migrations already recorded in this database."""
    cur = store.cursor()
    cur.execute(_LEDGER)
    return {row[0] for row in cur.execute("SELECT name FROM schema_migrations").fetchall()}


def migrate(store, only: set[str] | None = None) -> list[str]:
    """Apply every migration not yet recorded; return the names applied now.

    `only` limits the run to those names (a restore rebuilds a backup's schema exactly as it
    stood, loads its rows, and only then applies the newer migrations to them).
    """
    done = applied(store)
    ran: list[str] = []
    for migration in all_migrations():
        if migration.name in done or (only is not None and migration.name not in only):
            continue
        with store.transaction() as cur:
            migration.module.up(cur)
            cur.execute("INSERT INTO schema_migrations (name) VALUES (?)", [migration.name])
        ran.append(migration.name)
    if ran:
        # Write the new schema into the database file now. DuckDB 1.5.5 cannot replay an
        # ALTER TABLE … ADD COLUMN from the WAL on a table whose defaults call nextval():
        # after a crash the file would not open again ("Failure while replaying WAL").
        store.cursor().execute("CHECKPOINT")
    return ran
