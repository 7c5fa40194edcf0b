"""`python -m memory backup OUT.zip`: the whole data folder in one zip."""

from __future__ import annotations

import sys

from memory import backup
from memory.cli import open_store


def register(sub) -> None:
    p = sub.add_parser("backup", help="back up the data folder to one .zip")
    p.add_argument("out", metavar="OUT.zip", help="where to write the backup")
    p.add_argument("--data-dir", default=None)
    p.set_defaults(run=run)


def run(args) -> int:
    with open_store(args) as store:
        try:
            info = backup.create(store, args.out)
        except backup.BackupError as exc:
            print(str(exc), file=sys.stderr)
            return 1
    rows = sum(info.tables.values())
    print(
        f"Backed up {rows:,} rows in {len(info.tables)} tables and {info.file_count:,} files "
        f"to {info.path} ({info.size / 1e6:,.1f} MB)."
    )
    return 0
