"""`python -m memory info`: where the data is and how much of it there is."""

from __future__ import annotations

from memory import messages, personas
from memory.cli import open_store


def register(sub) -> None:
    p = sub.add_parser("info", help="show the data folder and what it holds")
    p.add_argument("--data-dir", default=None)
    p.set_defaults(run=run)


def run(args) -> int:
    with open_store(args) as store:
        print(f"Data folder: {store.data_dir}")
        for persona in personas.list_personas(store):
            print(f"  {persona.name}: {messages.count(store, persona.id):,} messages")
    return 0
