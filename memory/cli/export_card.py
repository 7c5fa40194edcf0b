"""`python -m memory export-card OUT.png|OUT.json|OUT.charx [--persona NAME]`."""

from __future__ import annotations

import sys
from pathlib import Path

from memory import cards
from memory.cli import _companion, open_store
from memory.files import write_file_atomically
from memory.i18n import _


def register(sub) -> None:
    p = sub.add_parser("export-card", help=_("export a companion as a character card"))
    p.add_argument("out", metavar="OUT.png|OUT.json|OUT.charx", help=_("the card file to write"))
    p.add_argument("--persona", default=None, help=_("companion to export (default: current)"))
    p.add_argument("--data-dir", default=None, help=_("data folder"))
    p.set_defaults(run=run)


def run(args) -> int:
    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in (".png", ".json", ".charx"):
        print(_("The card's file name must end in .png, .json or .charx."), file=sys.stderr)
        return 1
    with open_store(args) as store:
        try:
            persona = _companion.choose(store, args.persona)
        except _companion.NoSuchCompanion as exc:
            print(str(exc), file=sys.stderr)
            return 1
        write = {".png": cards.export_png, ".charx": cards.export_charx}.get(suffix)
        data = (write or cards.export_json)(store, persona.id)
    try:
        write_file_atomically(out, data)
    except OSError as exc:
        print(
            _("Kizuna cannot write {path}: {reason}.").format(path=out, reason=exc.strerror),
            file=sys.stderr,
        )
        return 1
    print(_("Exported {name} to {path}.").format(name=persona.name, path=out))
    return 0
