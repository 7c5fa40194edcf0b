"""`python -m memory passcode`: see whether a passcode is on, or turn it off (forgotten)."""

from __future__ import annotations

from memory import passcode
from memory.cli import open_store
from memory.i18n import _


def register(sub) -> None:
    p = sub.add_parser("passcode", help=_("show whether a passcode is on, or --clear it"))
    p.add_argument("--data-dir", default=None, help=_("data folder"))
    p.add_argument(
        "--clear", action="store_true", help=_("turn the passcode off (when it is forgotten)")
    )
    p.set_defaults(run=run)


def run(args) -> int:
    with open_store(args) as store:
        if args.clear:
            if passcode.is_set(store):
                passcode.clear(store)
                print(
                    _(
                        "The passcode is off. Kizuna opens without asking; set a new one on "
                        "Settings."
                    )
                )
            else:
                print(_("No passcode was set; nothing changed."))
        elif passcode.is_set(store):
            print(_("Passcode: on (data folder {path}).").format(path=store.data_dir))
        else:
            print(_("Passcode: off (data folder {path}).").format(path=store.data_dir))
    return 0
