"""`python -m memory add-outing`: log an outing and its photos from a terminal.

Prints the outing's id, then one line per photo (stored, duplicate, or rejected with the
reason). A rejected photo does not stop the others; the exit code is 1 when any photo was
rejected, so scripts notice. `--respond` asks the companion (the configured provider, else
the offline voice) to respond to each stored photo and to the outing.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

from memory import outings, personas
from memory.cli import open_store
from memory.errors import KizunaError


def register(sub) -> None:
    p = sub.add_parser("add-outing", help="log an outing with photos")
    p.add_argument("--title", required=True)
    p.add_argument("--place", default=None)
    p.add_argument("--date", default=None, help="YYYY-MM-DD (default: the photos' EXIF date)")
    p.add_argument("--notes", default=None)
    p.add_argument("--persona", default=None, help="companion name (default: the current one)")
    p.add_argument("--respond", action="store_true", help="ask the companion to respond")
    p.add_argument("--data-dir", default=None)
    p.add_argument("photos", nargs="*", metavar="PHOTO")
    p.set_defaults(run=run)


def _persona_id(store, name: str | None) -> int | None:
    if name:
        found = personas.by_name(store, name)
        return found.id if found else None
    return personas.chosen(store).id


def _read(paths: list[str]):
    """(name, bytes) per path; unreadable paths become a rejected line of their own."""
    files, problems = [], []
    for raw in paths:
        path = Path(raw)
        try:
            files.append((path.name, path.read_bytes()))
        except OSError as exc:
            problems.append(f"{path.name}: rejected — cannot be read ({exc.strerror or exc}).")
    return files, problems


def _respond(store, outing, results) -> int:
    from companion import config as provider_config
    from companion.album import respond_to_outing, respond_to_photo

    # The same resolver as the app's pages: Settings' model, temperature and photo choice.
    cfg = provider_config.for_store(store, environ=os.environ)
    provider = provider_config.make_provider(cfg)
    print(f"Responses from {provider.label}:")
    failures = 0
    for result in results:
        if result.status != "stored":
            continue
        reply = respond_to_photo(store, provider, result.photo.id, temperature=cfg.temperature)
        text = reply.text()
        if reply.error is not None:
            print(f"  {result.name}: no response — {reply.error.message}")
            failures += 1
        else:
            print(f"  {result.name}: {text}")
    reply = respond_to_outing(store, provider, outing.id, temperature=cfg.temperature)
    text = reply.text()
    if reply.error is not None:
        print(f"  the day: no response — {reply.error.message}")
        failures += 1
    else:
        print(f"  the day: {text}")
    return failures


def run(args) -> int:
    happened_on = None
    if args.date:
        try:
            happened_on = date.fromisoformat(args.date)
        except ValueError:
            print(f"--date must look like 2025-05-04, not {args.date!r}.", file=sys.stderr)
            return 2
    files, unreadable = _read(args.photos)
    with open_store(args) as store:
        persona_id = _persona_id(store, args.persona)
        if persona_id is None:
            print(f"There is no companion called {args.persona!r}.", file=sys.stderr)
            return 2
        try:
            outing, results = outings.log(
                store,
                persona_id,
                args.title,
                place=args.place,
                happened_on=happened_on,
                notes=args.notes,
                files=files,
            )
        except outings.OutingError as exc:
            print(exc.sentence, file=sys.stderr)
            return 2
        except KizunaError as exc:  # a full disk, say: nothing was added
            print(exc.sentence, file=sys.stderr)
            return 1
        print(f"Outing {outing.id}: {outing.title} ({outing.happened_on.isoformat()})")
        for line in unreadable:
            print(line)
        for result in results:
            print(result.line())
        failures = _respond(store, outing, results) if args.respond else 0
    rejected = len(unreadable) + sum(r.status == "rejected" for r in results)
    if rejected:
        print(f"{rejected} file{'s' if rejected != 1 else ''} rejected; the others are stored.")
        return 1
    return 1 if failures else 0
