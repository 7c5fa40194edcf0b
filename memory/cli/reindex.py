"""`python -m memory reindex`: rebuild the full-text search index over every message now."""

from __future__ import annotations

import sys

from memory import search
from memory.cli import open_store
from memory.i18n import _, format_number, ngettext


def register(sub) -> None:
    p = sub.add_parser("reindex", help=_("rebuild the search index over every message"))
    p.add_argument("--data-dir", default=None, help=_("data folder"))
    p.set_defaults(run=run)


def run(args) -> int:
    with open_store(args) as store:
        try:
            status = search.rebuild_index(store)
        except RuntimeError as exc:
            print(str(exc), file=sys.stderr)
            return 1
        print(
            ngettext(
                "Indexed {n} message in {seconds} s; search and recall use it from now on.",
                "Indexed {n} messages in {seconds} s; search and recall use it from now on.",
                status.docs,
            ).format(
                n=format_number(status.docs),
                seconds=format_number(status.build_seconds, decimals=1),
            )
        )
    return 0
