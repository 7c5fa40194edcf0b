"""`python -m memory backup OUT.zip`: the whole data folder in one zip."""

from __future__ import annotations

import sys

from memory import backup
from memory.cli import open_store
from memory.i18n import _, format_number


def register(sub) -> None:
    p = sub.add_parser("backup", help=_("back up the data folder to one .zip"))
    p.add_argument("out", metavar="OUT.zip", help=_("where to write the backup"))
    p.add_argument("--data-dir", default=None, help=_("data folder"))
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
        _("Backed up {rows} rows in {tables} tables and {files} files to {path} ({mb} MB).").format(
            rows=format_number(rows),
            tables=format_number(len(info.tables)),
            files=format_number(info.file_count),
            path=info.path,
            mb=format_number(info.size / 1e6, decimals=1),
        )
    )
    return 0
