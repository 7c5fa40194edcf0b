"""`python -m memory stats`: messages per local day, as a table or as JSON.

    python -m memory stats [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--tz ZONE] [--json]

Days are local days in `--tz` (default: the time zone chosen in Settings). With `--json` the
output is a JSON array, oldest first, one object per day that has messages:
`{"day": "2024-03-10", "from_user": 12, "from_companion": 12, "exchanges": 12}`.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from memory import personas
from memory import settings as settings_store
from memory.cli import open_store
from memory.i18n import _, format_number


def _day(text: str) -> date:
    import argparse

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("“{given}” is not a date like 2024-03-10").format(given=text)
        ) from None


def register(sub) -> None:
    p = sub.add_parser("stats", help=_("messages per day, each way (local days)"))
    p.add_argument("--from", dest="start", type=_day, metavar="YYYY-MM-DD", help=_("first day"))
    p.add_argument("--to", dest="end", type=_day, metavar="YYYY-MM-DD", help=_("last day"))
    p.add_argument("--tz", metavar="ZONE", help=_("time zone, e.g. Asia/Tokyo (default: Settings)"))
    p.add_argument("--companion", metavar="NAME", help=_("only this companion (default: all)"))
    p.add_argument("--json", action="store_true", help=_("print a JSON array instead of a table"))
    p.add_argument("--data-dir", default=None, help=_("data folder"))
    p.set_defaults(run=run)


def run(args) -> int:
    if args.start and args.end and args.start > args.end:
        print(_("--from must be on or before --to."), file=sys.stderr)
        return 2
    with open_store(args) as store:
        zone = args.tz or settings_store.timezone_name(store)
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            print(
                _("Unknown time zone “{zone}”; use a name like Asia/Tokyo.").format(zone=zone),
                file=sys.stderr,
            )
            return 2
        persona_id = None
        if args.companion:
            persona = personas.by_name(store, args.companion)
            if persona is None:
                print(
                    _("No companion is called “{name}”.").format(name=args.companion),
                    file=sys.stderr,
                )
                return 2
            persona_id = persona.id
        from memory import stats  # pandas: loaded only by the command that needs it

        daily = stats.daily_counts(
            store, zone, persona_id=persona_id, start=args.start, end=args.end
        )
    rows = [
        {
            "day": day.strftime("%Y-%m-%d"),
            "from_user": int(u),
            "from_companion": int(c),
            "exchanges": int(e),
        }
        for day, u, c, e in zip(
            daily["day"],
            daily["from_user"],
            daily["from_companion"],
            daily["exchanges"],
            strict=True,
        )
    ]
    if args.json:
        print(json.dumps(rows))
        return 0
    if not rows:
        print(_("No messages in that range."))
        return 0
    print(_("Days in {zone}").format(zone=zone))
    heads = (_("day"), _("from you"), _("from companion"), _("exchanges"))
    widths = [max(12, _width(heads[0]) + 2), *(max(w, _width(h) + 2) for w, h in
              zip((10, 16, 11), heads[1:], strict=True))]  # fmt: skip
    print(_line(heads, widths))
    for r in rows:
        counts = (r["from_user"], r["from_companion"], r["exchanges"])
        print(_line((r["day"], *(format_number(n) for n in counts)), widths))
    totals = (sum(r[key] for r in rows) for key in ("from_user", "from_companion", "exchanges"))
    print(_line((_("total"), *(format_number(n) for n in totals)), widths))
    return 0


def _width(text: str) -> int:
    """Columns `text` takes in a terminal: wide (Japanese) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _line(cells, widths) -> str:
    """The first cell left-aligned, the counts right-aligned, by terminal columns."""
    first, *rest = cells
    out = first + " " * (widths[0] - _width(first))
    for cell, width in zip(rest, widths[1:], strict=True):
        out += " " * (width - _width(cell)) + cell
    return out
