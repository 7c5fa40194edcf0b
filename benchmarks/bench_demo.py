"""How long the "Try it with sample memories" button takes: generating the demo year."""

from __future__ import annotations

import shutil
import sys

from benchmarks.common import Result, print_table, scratch_dir
from memory import Store, demo

TARGET_SECONDS = 10.0


def run(quick: bool = False) -> list[Result]:
    days = 30 if quick else demo.DAYS
    folder = scratch_dir("demo")
    try:
        with Store.open(folder / "data-demo") as store:
            summary = demo.fill(store, days=days)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    span = f"{days} days" if quick else "the year"
    return [
        Result(
            f"demo data for {span} ({summary.messages:,} messages, {summary.photos} photos)",
            summary.seconds,
            "s",
            f"≤ {TARGET_SECONDS:.0f} s",
            summary.seconds <= TARGET_SECONDS,
        ),
    ]


if __name__ == "__main__":
    print_table(run("--quick" in sys.argv))
