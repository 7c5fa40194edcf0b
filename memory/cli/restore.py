"""`python -m memory restore IN.zip --data-dir DIR [--replace]`: put a backup back."""

from __future__ import annotations

import sys

from memory import backup
from memory.i18n import _, format_number
from memory.store import default_data_dir


def register(sub) -> None:
    p = sub.add_parser("restore", help=_("restore a backup .zip into a data folder"))
    p.add_argument("zip", metavar="IN.zip", help=_("the backup to restore"))
    p.add_argument("--data-dir", default=None, help=_("folder to restore into"))
    p.add_argument(
        "--replace",
        action="store_true",
        help=_("replace the data already in the folder (it is backed up to backups/ first)"),
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
    print(
        _("Restored {rows} rows and {files} files into {path}.").format(
            rows=format_number(rows), files=format_number(result.file_count), path=target
        )
    )
    for note in result.notes:
        print(note)
    if result.previous_backup:
        print(
            _("The data that was there before is saved in {path}.").format(
                path=result.previous_backup
            )
        )
    return 0
