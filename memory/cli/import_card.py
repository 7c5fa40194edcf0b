"""`python -m memory import-card IN [--persona NAME]`: a character card into a companion."""

from __future__ import annotations

import sys
from pathlib import Path

from memory import cards
from memory.cli import _companion, open_store
from memory.importers import ImportProblem


def register(sub) -> None:
    p = sub.add_parser("import-card", help="import a character card (.png or .json)")
    p.add_argument("path", metavar="IN")
    p.add_argument(
        "--persona", default=None, help="save as a new version of this companion (default: new)"
    )
    p.add_argument("--data-dir", default=None)
    p.set_defaults(run=run)


def run(args) -> int:
    try:
        raw = Path(args.path).read_bytes()
    except OSError as exc:
        print(f"Kizuna cannot read {args.path}: {exc.strerror}.", file=sys.stderr)
        return 1
    with open_store(args) as store:
        try:
            target = _companion.choose(store, args.persona).id if args.persona else None
            pv = cards.import_card(store, raw, persona_id=target)
        except (ImportProblem, _companion.NoSuchCompanion) as exc:
            print(f"{exc} Nothing was imported.", file=sys.stderr)
            return 1
    how = "a new version of" if target else "a new companion:"
    print(f"Imported the card as {how} {pv.name}.")
    return 0
