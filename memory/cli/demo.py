"""`python -m memory demo --data-dir DIR`: fill a separate folder with a believable demo year."""

from __future__ import annotations

import sys

from memory import demo
from memory.cli import open_store


def register(sub) -> None:
    p = sub.add_parser(
        "demo",
        help="fill a separate data folder with a demo year (refuses a folder with your data)",
    )
    p.add_argument("--data-dir", default=None, help="the demo folder (created if missing)")
    p.add_argument("--seed", type=int, default=demo.DEFAULT_SEED, help="same seed, same year")
    p.set_defaults(run=run)


def run(args) -> int:
    with open_store(args) as store:
        if demo.holds_own_data(store):
            print(
                f"{store.data_dir} already holds your own data, so the demo will not write "
                "there. Give --data-dir an empty folder, for example data-demo.",
                file=sys.stderr,
            )
            return 1

        def show(fraction: float, text: str) -> None:
            print(f"{fraction:4.0%}  {text}", flush=True)

        summary = demo.fill(store, seed=args.seed, progress=show)
        print(
            f"Demo year written to {store.data_dir} in {summary.seconds:.1f} s: "
            f"{summary.messages:,} messages, {summary.outings} outings, {summary.photos} photos, "
            f"{summary.milestones} milestones, {summary.journal_entries} journal entries "
            f"({summary.first_day} to {summary.last_day})."
        )
        print(f"Open it with: KIZUNA_DATA_DIR={store.data_dir} streamlit run app.py")
    return 0
