"""`python -m memory demo --data-dir DIR`: fill a separate folder with a believable demo year."""

from __future__ import annotations

import sys

from memory import demo
from memory.cli import open_store
from memory.i18n import _, current_language, format_date, format_number, ngettext


def register(sub) -> None:
    p = sub.add_parser(
        "demo",
        help=_("fill a separate data folder with a demo year (refuses a folder with your data)"),
    )
    p.add_argument("--data-dir", default=None, help=_("the demo folder (created if missing)"))
    p.add_argument("--seed", type=int, default=demo.DEFAULT_SEED, help=_("same seed, same year"))
    p.add_argument(
        "--language",
        choices=demo.LANGUAGES,
        default=None,
        help=_(
            "the year's language (default: the interface language — the folder's setting, "
            "else LANG)"
        ),
    )
    p.set_defaults(run=run)


def run(args) -> int:
    with open_store(args) as store:
        if demo.holds_own_data(store):
            print(
                _(
                    "{folder} already holds your own data, so the demo will not write there. "
                    "Give --data-dir an empty folder, for example data-demo."
                ).format(folder=store.data_dir),
                file=sys.stderr,
            )
            return 1

        def show(fraction: float, text: str) -> None:
            print(f"{fraction:4.0%}  {text}", flush=True)

        language = args.language or current_language()
        summary = demo.fill(store, seed=args.seed, progress=show, language=language)
        print(
            _(
                "Demo year written to {folder} in {seconds} s: {messages}, {outings}, "
                "{photos}, {milestones}, {entries} ({first} to {last})."
            ).format(
                folder=store.data_dir,
                seconds=format_number(summary.seconds, decimals=1),
                messages=ngettext("{n} message", "{n} messages", summary.messages).format(
                    n=format_number(summary.messages)
                ),
                outings=ngettext("{n} outing", "{n} outings", summary.outings).format(
                    n=format_number(summary.outings)
                ),
                photos=ngettext("{n} photo", "{n} photos", summary.photos).format(
                    n=format_number(summary.photos)
                ),
                milestones=ngettext("{n} milestone", "{n} milestones", summary.milestones).format(
                    n=format_number(summary.milestones)
                ),
                entries=ngettext(
                    "{n} journal entry", "{n} journal entries", summary.journal_entries
                ).format(n=format_number(summary.journal_entries)),
                first=format_date(summary.first_day, "long"),
                last=format_date(summary.last_day, "long"),
            )
        )
        print(
            _("Open it with: {command}").format(
                command=f"KIZUNA_DATA_DIR={store.data_dir} streamlit run app.py"
            )
        )
    return 0
