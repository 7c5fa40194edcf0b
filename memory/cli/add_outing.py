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
from memory.i18n import _, ngettext


def register(sub) -> None:
    p = sub.add_parser("add-outing", help=_("log an outing with photos"))
    p.add_argument("--title", required=True, help=_("what the outing was"))
    p.add_argument("--place", default=None, help=_("where it was"))
    p.add_argument("--date", default=None, help=_("YYYY-MM-DD (default: the photos' EXIF date)"))
    p.add_argument("--notes", default=None, help=_("a few words about the day"))
    p.add_argument("--persona", default=None, help=_("companion name (default: the current one)"))
    p.add_argument("--respond", action="store_true", help=_("ask the companion to respond"))
    p.add_argument("--data-dir", default=None, help=_("data folder"))
    p.add_argument("photos", nargs="*", metavar="PHOTO", help=_("photo files"))
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
            problems.append(
                _("{name}: rejected — cannot be read ({reason}).").format(
                    name=path.name, reason=exc.strerror or exc
                )
            )
    return files, problems


def _respond(store, outing, results) -> int:
    from companion import config as provider_config
    from companion.album import respond_to_outing, respond_to_photo

    # The same resolver as the app's pages: Settings' model, temperature and photo choice.
    cfg = provider_config.for_store(store, environ=os.environ)
    provider = provider_config.make_provider(cfg)
    print(_("Responses from {label}:").format(label=provider.label))
    failures = 0
    for result in results:
        if result.status != "stored":
            continue
        reply = respond_to_photo(store, provider, result.photo.id, temperature=cfg.temperature)
        text = reply.text()
        if reply.error is not None:
            print(
                "  "
                + _("{name}: no response — {reason}").format(
                    name=result.name, reason=reply.error.message
                )
            )
            failures += 1
        else:
            print(f"  {result.name}: {text}")
    reply = respond_to_outing(store, provider, outing.id, temperature=cfg.temperature)
    text = reply.text()
    if reply.error is not None:
        print("  " + _("the day: no response — {reason}").format(reason=reply.error.message))
        failures += 1
    else:
        print("  " + _("the day: {text}").format(text=text))
    return failures


def run(args) -> int:
    happened_on = None
    if args.date:
        try:
            happened_on = date.fromisoformat(args.date)
        except ValueError:
            print(
                _("--date must look like 2025-05-04, not “{given}”.").format(given=args.date),
                file=sys.stderr,
            )
            return 2
    files, unreadable = _read(args.photos)
    with open_store(args) as store:
        persona_id = _persona_id(store, args.persona)
        if persona_id is None:
            print(
                _("There is no companion called “{name}”.").format(name=args.persona),
                file=sys.stderr,
            )
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
        print(
            _("Outing {id}: {title} ({day})").format(
                id=outing.id, title=outing.title, day=outing.happened_on.isoformat()
            )
        )
        for line in unreadable:
            print(line)
        for result in results:
            print(result.line())
        failures = _respond(store, outing, results) if args.respond else 0
    rejected = len(unreadable) + sum(r.status == "rejected" for r in results)
    if rejected:
        print(
            ngettext(
                "{n} file rejected; the others are stored.",
                "{n} files rejected; the others are stored.",
                rejected,
            ).format(n=rejected)
        )
        return 1
    return 1 if failures else 0
