"""`python -m memory info`: where the data is and how much of it there is."""

from __future__ import annotations

from memory import messages, personas
from memory.cli import open_store
from memory.i18n import _, format_number, ngettext


def register(sub) -> None:
    p = sub.add_parser("info", help=_("show the data folder and what it holds"))
    p.add_argument("--data-dir", default=None, help=_("data folder"))
    p.set_defaults(run=run)


def run(args) -> int:
    with open_store(args) as store:
        print(_("Data folder: {path}").format(path=store.data_dir))
        for persona in personas.list_personas(store):
            n = messages.count(store, persona.id)
            said = ngettext("{n} message", "{n} messages", n).format(n=format_number(n))
            print(f"  {persona.name}: {said}")
    return 0
