"""`python -m memory import-chatgpt PATH [--persona NAME] [--title-contains TEXT]`."""

from __future__ import annotations

import sys
from datetime import date

from memory.cli import _companion, open_store
from memory.importers import ImportProblem, chatgpt


def register(sub) -> None:
    p = sub.add_parser(
        "import-chatgpt", help="import a ChatGPT data export (.zip or conversations.json)"
    )
    p.add_argument("path", metavar="PATH")
    p.add_argument("--persona", default=None, help="companion to import into (default: current)")
    p.add_argument(
        "--title-contains", default=None, help="only conversations with this in the title"
    )
    p.add_argument("--since", type=date.fromisoformat, default=None, help="YYYY-MM-DD")
    p.add_argument("--until", type=date.fromisoformat, default=None, help="YYYY-MM-DD")
    p.add_argument("--data-dir", default=None)
    p.set_defaults(run=run)


def run(args) -> int:
    try:
        export = chatgpt.read(args.path)
    except ImportProblem as exc:
        print(f"{exc} Nothing was imported.", file=sys.stderr)
        return 1
    chosen = chatgpt.select(
        export.conversations,
        title_contains=args.title_contains,
        since=args.since,
        until=args.until,
    )
    with open_store(args) as store:
        try:
            persona = _companion.choose(store, args.persona)
        except _companion.NoSuchCompanion as exc:
            print(f"{exc} Nothing was imported.", file=sys.stderr)
            return 1
        result = chatgpt.import_conversations(store, chosen, persona.id)
    left_out = len(export.conversations) - len(chosen)
    print(f"{persona.name}: {result.summary()}")
    if left_out:
        print(f"{left_out:,} conversations did not match the filters and were left out.")
    if export.custom_instructions:
        print(
            "The export holds custom instructions; paste them into the Persona page if they "
            "describe your companion:\n" + export.custom_instructions
        )
    return 0
