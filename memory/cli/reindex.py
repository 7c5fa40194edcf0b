"""`python -m memory reindex`: rebuild the full-text search index over every message now."""

from __future__ import annotations

import sys

from memory import search
from memory.cli import open_store


def register(sub) -> None:
    p = sub.add_parser("reindex", help="rebuild the search index over every message")
    p.add_argument("--data-dir", default=None)
    p.set_defaults(run=run)


def run(args) -> int:
    with open_store(args) as store:
        try:
            status = search.rebuild_index(store)
        except RuntimeError as exc:
            print(str(exc), file=sys.stderr)
            return 1
        print(
            f"Indexed {status.docs:,} message{'' if status.docs == 1 else 's'} "
            f"in {status.build_seconds:.1f} s; "
            "search and recall use it from now on."
        )
    return 0
