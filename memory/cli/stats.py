"""`python -m memory stats`: messages per local day, as a table or as JSON.

    python -m memory stats [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--tz ZONE] [--json]

Days are local days in `--tz` (default: the time zone chosen in Settings). With `--json` the
output is a JSON array, oldest first, one object per day that has messages:
`{"day": "2024-03-10", "from_user": 12, "from_companion": 12, "exchanges": 12}`.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from memory import personas, stats
from memory import settings as settings_store
from memory.cli import open_store


def _day(text: str) -> date:
    import argparse

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2024-03-10") from None


def register(sub) -> None:
    p = sub.add_parser("stats", help="messages per day, each way (local days)")
    p.add_argument("--from", dest="start", type=_day, metavar="YYYY-MM-DD", help="first day")
    p.add_argument("--to", dest="end", type=_day, metavar="YYYY-MM-DD", help="last day")
    p.add_argument("--tz", metavar="ZONE", help="time zone, e.g. Asia/Tokyo (default: Settings)")
    p.add_argument("--companion", metavar="NAME", help="only this companion (default: all)")
    p.add_argument("--json", action="store_true", help="print a JSON array instead of a table")
    p.add_argument("--data-dir", default=None)
    p.set_defaults(run=run)


def run(args) -> int:
    if args.start and args.end and args.start > args.end:
        print("--from must be on or before --to.", file=sys.stderr)
        return 2
    with open_store(args) as store:
        zone = args.tz or settings_store.timezone_name(store)
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            print(f"Unknown time zone {zone!r}; use a name like Asia/Tokyo.", file=sys.stderr)
            return 2
        persona_id = None
        if args.companion:
            persona = personas.by_name(store, args.companion)
            if persona is None:
                print(f"No companion is called {args.companion!r}.", file=sys.stderr)
                return 2
            persona_id = persona.id
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
        print("No messages in that range.")
        return 0
    print(f"Days in {zone}")
    print(f"{'day':<12}{'from you':>10}{'from companion':>16}{'exchanges':>11}")
    for r in rows:
        print(f"{r['day']:<12}{r['from_user']:>10,}{r['from_companion']:>16,}{r['exchanges']:>11,}")
    total_u = sum(r["from_user"] for r in rows)
    total_c = sum(r["from_companion"] for r in rows)
    total_e = sum(r["exchanges"] for r in rows)
    print(f"{'total':<12}{total_u:>10,}{total_c:>16,}{total_e:>11,}")
    return 0
