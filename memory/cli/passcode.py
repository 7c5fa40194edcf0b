"""`python -m memory passcode`: see whether a passcode is on, or turn it off (forgotten)."""

from __future__ import annotations

from memory import passcode
from memory.cli import open_store


def register(sub) -> None:
    p = sub.add_parser("passcode", help="show whether a passcode is on, or --clear it")
    p.add_argument("--data-dir", default=None)
    p.add_argument(
        "--clear", action="store_true", help="turn the passcode off (when it is forgotten)"
    )
    p.set_defaults(run=run)


def run(args) -> int:
    with open_store(args) as store:
        if args.clear:
            if passcode.is_set(store):
                passcode.clear(store)
                print(
                    "The passcode is off. Kizuna opens without asking; set a new one on Settings."
                )
            else:
                print("No passcode was set; nothing changed.")
        else:
            state = "on" if passcode.is_set(store) else "off"
            print(f"Passcode: {state} (data folder {store.data_dir}).")
    return 0
