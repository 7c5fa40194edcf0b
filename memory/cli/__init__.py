"""`python -m memory COMMAND …`: Kizuna from a terminal.

Each module in this package is one command: it defines `register(subparsers)` that adds its
sub-parser with `set_defaults(run=...)`; `run(args)` returns the exit code. Commands print
plain sentences, never tracebacks, and exit non-zero on failure.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from memory.errors import KizunaError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m memory", description="Kizuna's data from a terminal."
    )
    parser.add_argument(
        "--data-dir",
        dest="global_data_dir",
        default=None,
        help="data folder (default: $KIZUNA_DATA_DIR or ./data)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        importlib.import_module(f"{__name__}.{info.name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except KizunaError as exc:  # every domain error carries its one sentence
        print(exc.sentence, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted; nothing half-written was kept.", file=sys.stderr)
        return 130


def open_store(args):
    """The store for a command: `--data-dir` (either position) or the default folder."""
    from memory.store import Store

    data_dir = getattr(args, "data_dir", None) or getattr(args, "global_data_dir", None)
    return Store.open(data_dir)
