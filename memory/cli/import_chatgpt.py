"""`python -m memory import-chatgpt PATH [--persona NAME] [--title-contains TEXT] …`."""

from __future__ import annotations

import sys
from datetime import date

from memory import personas
from memory.cli import _companion, open_store
from memory.cli._progress import Bar
from memory.i18n import _, ngettext
from memory.importers import ImportProblem, chatgpt
from memory.store import without_pandas


def register(sub) -> None:
    p = sub.add_parser(
        "import-chatgpt", help=_("import a ChatGPT data export (.zip or conversations.json)")
    )
    p.add_argument("path", metavar="PATH", help=_("the export (.zip or conversations.json)"))
    p.add_argument("--persona", default=None, help=_("companion to import into (default: current)"))
    p.add_argument(
        "--title-contains", default=None, help=_("only conversations with this in the title")
    )
    p.add_argument(
        "--since", type=date.fromisoformat, default=None, help=_("first day, YYYY-MM-DD")
    )
    p.add_argument("--until", type=date.fromisoformat, default=None, help=_("last day, YYYY-MM-DD"))
    p.add_argument(
        "--no-memories",
        action="store_true",
        help=_("do not keep what ChatGPT remembered about you as memories"),
    )
    p.add_argument(
        "--use-instructions",
        action="store_true",
        help=_("save the custom instructions into the companion (a new persona version)"),
    )
    p.add_argument("--data-dir", default=None, help=_("data folder"))
    p.set_defaults(run=run)


def run(args) -> int:
    # An export of years is the biggest thing this process holds: nothing in it needs pandas
    # (the search index built over what it added runs before the store closes, also inside)
    with without_pandas():
        return _run(args)


def _run(args) -> int:
    nothing = _("Nothing was imported.")
    with open_store(args) as store:
        try:
            persona = _companion.choose(store, args.persona)
        except _companion.NoSuchCompanion as exc:
            print(f"{exc} {nothing}", file=sys.stderr)
            return 1
        bar = Bar()
        try:
            result = chatgpt.import_file(
                store,
                args.path,
                persona.id,
                title_contains=args.title_contains,
                since=args.since,
                until=args.until,
                progress=bar,
            )
        except ImportProblem as exc:
            bar.done()
            print(f"{exc.sentence} {nothing}", file=sys.stderr)
            return 1
        bar.done()
        print(f"{persona.name}: {result.summary()}")
        if result.memories and not args.no_memories:
            kept = chatgpt.keep_memories(store, persona.id, result.memories)
            print(
                ngettext(
                    "Kept {n:,} thing ChatGPT remembered about you as a memory.",
                    "Kept {n:,} things ChatGPT remembered about you as memories.",
                    kept,
                ).format(n=kept)
            )
        changes = chatgpt.persona_changes(result.instructions)
        if changes and args.use_instructions:
            personas.save_version(
                store, persona.id, note=_("Custom instructions from ChatGPT"), **changes
            )
            print(
                _("Saved the custom instructions as a new version of {name}.").format(
                    name=persona.name
                )
            )
        elif changes:
            print(_("The export holds custom instructions (add --use-instructions to save them):"))
            for field, value in changes.items():
                print(f"  {_(personas.FIELD_LABELS[field])}: {value}")
    return 0
