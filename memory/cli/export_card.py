"""`python -m memory export-card OUT.png|OUT.json|OUT.charx [--persona NAME]`."""

from __future__ import annotations

import sys
from pathlib import Path

from memory import cards
from memory.cli import _companion, open_store
from memory.files import write_file_atomically


def register(sub) -> None:
    p = sub.add_parser("export-card", help="export a companion as a character card")
    p.add_argument("out", metavar="OUT.png|OUT.json|OUT.charx")
    p.add_argument("--persona", default=None, help="companion to export (default: current)")
    p.add_argument("--data-dir", default=None)
    p.set_defaults(run=run)


def run(args) -> int:
    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in (".png", ".json", ".charx"):
        print("The card's file name must end in .png, .json or .charx.", file=sys.stderr)
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
        print(f"Kizuna cannot write {out}: {exc.strerror}.", file=sys.stderr)
        return 1
    print(f"Exported {persona.name} to {out}.")
    return 0
