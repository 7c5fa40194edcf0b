"""`python -m memory import-card IN [--persona NAME] [--new]`: a character card into a companion.

A card Kizuna already has (same name and creator) becomes a new version of that companion,
unless `--new` asks for a separate one."""

from __future__ import annotations

import sys
from pathlib import Path

from memory import cards
from memory.cli import _companion, open_store
from memory.i18n import _
from memory.importers import ImportProblem


def register(sub) -> None:
    p = sub.add_parser("import-card", help=_("import a character card (.png, .json or .charx)"))
    p.add_argument("path", metavar="IN", help=_("the card file"))
    p.add_argument(
        "--persona",
        default=None,
        help=_("save as a new version of this companion (default: new)"),
    )
    p.add_argument(
        "--new", action="store_true", help=_("a separate companion even if the card is known")
    )
    p.add_argument("--data-dir", default=None, help=_("data folder"))
    p.set_defaults(run=run)


def run(args) -> int:
    nothing = _("Nothing was imported.")
    try:
        raw = Path(args.path).read_bytes()
    except OSError as exc:
        print(
            _("Kizuna cannot read {path}: {reason}.").format(path=args.path, reason=exc.strerror),
            file=sys.stderr,
        )
        return 1
    with open_store(args) as store:
        try:
            card = cards.read_card(raw)
            target = _companion.choose(store, args.persona).id if args.persona else None
            known = None if (target or args.new) else cards.recognise(store, card)
            if known is not None:
                target = known.id
            pv = cards.import_card(store, card, persona_id=target)
        except ImportProblem as exc:
            print(f"{exc.sentence} {nothing}", file=sys.stderr)
            return 1
        except _companion.NoSuchCompanion as exc:
            print(f"{exc} {nothing}", file=sys.stderr)
            return 1
    if known is not None:
        print(
            _("{name} is already here: the card is saved as version {n} of {name}.").format(
                name=pv.name, n=pv.version
            )
        )
    elif target:
        print(_("Imported the card as a new version of {name}.").format(name=pv.name))
    else:
        print(_("Imported the card as a new companion: {name}.").format(name=pv.name))
    return 0
