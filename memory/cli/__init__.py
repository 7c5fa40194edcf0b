"""`python -m memory COMMAND …`: Kizuna from a terminal.

Each module in this package is one command: it defines `register(subparsers)` that adds its
sub-parser with `set_defaults(run=...)`; `run(args)` returns the exit code. Commands print
plain sentences, never tracebacks, and exit non-zero on failure.

Commands speak the interface language: the one chosen in the app (the folder's `language`
setting) once the folder is open, before that (help, usage) the terminal's (`LANGUAGE`,
`LC_ALL`, `LC_MESSAGES`, `LANG`, as gettext reads them); English otherwise.
"""

from __future__ import annotations

import argparse
import gettext
import importlib
import os
import pkgutil
import sys

from memory import i18n
from memory.errors import KizunaError
from memory.i18n import N_, _

#: Where gettext looks for the terminal's language, first one set wins.
_LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

#: argparse's own words ("usage:", "options", its errors), which it asks the process's gettext
#: domain for: listed here so Kizuna's catalog carries them (see `_argparse_speaks_kizuna`).
ARGPARSE_WORDS = (
    N_("usage: "),
    N_("options"),
    N_("positional arguments"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("expected one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
)


def _argparse_speaks_kizuna() -> None:
    """argparse translates its words with `gettext.gettext`, i.e. the process's text domain
    and the terminal's language: point that domain at Kizuna's catalogs (public gettext API)."""
    gettext.bindtextdomain(i18n.DOMAIN, str(i18n.LOCALES))
    gettext.textdomain(i18n.DOMAIN)


def terminal_language(environ=None) -> str:
    """The terminal's language ('ja' for LANG=ja_JP.UTF-8); English for C, POSIX or unset."""
    environ = os.environ if environ is None else environ
    for name in _LOCALE_VARIABLES:
        value = environ.get(name, "")
        if value:
            # LANGUAGE may list several ("ja:en"); the first is the wish
            return i18n.normalize(value.split(":")[0].split(".")[0])
    return i18n.DEFAULT_LANGUAGE


def use_folder_language(store) -> str:
    """Speak the language chosen in the app for this folder, else the terminal's."""
    from memory import settings as settings_store

    chosen = settings_store.get(store, "language")
    return i18n.use_language(chosen if chosen in i18n.LANGUAGES else terminal_language())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m memory", description=_("Kizuna's data from a terminal.")
    )
    parser.add_argument(
        "--data-dir",
        dest="global_data_dir",
        default=None,
        help=_("data folder (default: $KIZUNA_DATA_DIR or ./data)"),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        importlib.import_module(f"{__name__}.{info.name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    before = i18n.current_language()  # a command run in-process (tests) leaves it as it was
    try:
        return _run(argv)
    finally:
        i18n.use_language(before)


def _run(argv: list[str] | None) -> int:
    i18n.use_language(terminal_language())
    _argparse_speaks_kizuna()
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
        print(_("Interrupted; nothing half-written was kept."), file=sys.stderr)
        return 130


def open_store(args):
    """The store for a command: `--data-dir` (either position) or the default folder."""
    from memory.store import Store

    data_dir = getattr(args, "data_dir", None) or getattr(args, "global_data_dir", None)
    store = Store.open(data_dir)
    use_folder_language(store)
    return store
