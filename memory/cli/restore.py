"""`python -m memory restore IN.zip --data-dir DIR [--replace]`: put a backup back."""

from __future__ import annotations

import sys

from memory import backup
from memory.i18n import _
from memory.store import default_data_dir


def register(sub) -> None:
    p = sub.add_parser("restore", help="restore a backup .zip into a data folder")
    p.add_argument("zip", metavar="IN.zip", help="the backup to restore")
    p.add_argument("--data-dir", default=None, help="folder to restore into")
    p.add_argument(
        "--replace",
        action="store_true",
        help="replace the data already in the folder (it is backed up to backups/ first)",
    )
    p.set_defaults(run=run)


def run(args) -> int:
    target = args.data_dir or args.global_data_dir or default_data_dir()
    try:
        result = backup.restore(args.zip, target, replace=args.replace)
    except backup.TargetHoldsData as exc:
        print(exc.sentence + " " + _("Add --replace to do that."), file=sys.stderr)
        return 1
    except backup.BackupError as exc:
        print(exc.sentence, file=sys.stderr)
        return 1
    rows = sum(result.tables.values())
    print(f"Restored {rows:,} rows and {result.file_count:,} files into {target}.")
    for note in result.notes:
        print(note)
    if result.previous_backup:
        print(f"The data that was there before is saved in {result.previous_backup}.")
    return 0
