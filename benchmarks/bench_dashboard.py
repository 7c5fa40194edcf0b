"""Dashboard at scale: 1,000,000 messages over five years.

Figures:
- every dashboard query together (`memory.stats.load`: freshness check, daily table, hour ×
  weekday, sources, headline, filled range) as a multiple of one full scan of
  `messages.created_at` (`SELECT sum(epoch_us(created_at)) FROM messages`, which has to read
  every value), for the default range (the last year) and for all five years; target ≤ 3×;
- the same after 100 new messages (counted from the messages since the last fold), and the
  load that folds them into the roll-ups once they reach `stats.FOLD_AT` (informational);
- the one-time roll-up build on first use (informational);
- the dashboard page's AppTest run with 1M messages as a multiple of its run with 1,000;
  target ≤ 2×. Both are measured on reruns after the first (the roll-up is built once).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from benchmarks.common import Result, print_table, scratch_dir, store_with_messages, timed

APP = Path(__file__).resolve().parent.parent / "app.py"
ZONE = "Europe/London"


def _paired(baseline, measured, repeat: int) -> tuple[float, float]:
    """Median times of two functions run alternately, so a busy machine slows both alike."""
    baseline()
    measured()
    a, b = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        baseline()
        a.append(time.perf_counter() - start)
        start = time.perf_counter()
        measured()
        b.append(time.perf_counter() - start)
    return statistics.median(a), statistics.median(b)


def _page_time(data_dir: Path, repeat: int) -> float:
    from streamlit.testing.v1 import AppTest

    os.environ["KIZUNA_DATA_DIR"] = str(data_dir)
    at = AppTest.from_file(str(APP), default_timeout=300)
    at.run()
    at.switch_page("pages/dashboard.py")
    at.run()  # first visit builds the roll-up
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.get("bidi_component")) == 5  # the five SVG charts

    def rerun():
        at.run()

    return timed(rerun, repeat=repeat)


def run(quick: bool = False) -> list[Result]:
    from memory import messages, settings, stats

    n = 20_000 if quick else 1_000_000
    repeat = 3 if quick else 9
    results: list[Result] = []

    big_dir = scratch_dir("dashboard-big")
    store = store_with_messages(big_dir, n)
    settings.set(store, "timezone", ZONE)
    pid = 1
    today = date(2025, 12, 31)

    def scan():
        store.execute("SELECT sum(epoch_us(created_at)) FROM messages").fetchall()

    start = time.perf_counter()
    stats.refresh(store, ZONE)
    build = time.perf_counter() - start
    results.append(Result(f"roll-up built once, {n:,} messages", build * 1000, "ms", "once", True))

    def load_year():
        stats.load(store, ZONE, today, persona_id=pid)

    def load_all():
        stats.load(store, ZONE, today, persona_id=pid, start=date(2021, 1, 1))

    for label, fn in (("last year", load_year), ("five years", load_all)):
        scan_time, load_time = _paired(scan, fn, repeat * 3)
        ratio = load_time / scan_time
        results.append(
            Result(
                f"all dashboard queries ({label}, {load_time * 1000:.1f} ms) ÷ one scan of "
                f"created_at ({scan_time * 1000:.1f} ms)",
                ratio,
                "×",
                "≤ 3×",
                ratio <= 3,
            )
        )

    def add_and_load():
        for i in range(100):
            messages.add(
                store,
                pid,
                "user" if i % 2 == 0 else "companion",
                "one more",
                created_at=datetime(2025, 12, 31, 12, tzinfo=UTC) + timedelta(seconds=i),
            )
        start = time.perf_counter()
        load_year()
        return time.perf_counter() - start

    folds, scans = [], []
    for _ in range(5):
        folds.append(add_and_load())
        start = time.perf_counter()
        scan()
        scans.append(time.perf_counter() - start)
    ratio = statistics.median(folds) / statistics.median(scans)
    results.append(
        Result(
            f"dashboard after 100 new messages ({statistics.median(folds) * 1000:.1f} ms) ÷ "
            f"one scan ({statistics.median(scans) * 1000:.1f} ms)",
            ratio,
            "×",
            "≤ 3×",
            ratio <= 3,
        )
    )
    # Once the messages since the last fold reach stats.FOLD_AT, a load folds them in.
    store.execute(
        "INSERT INTO messages (persona_id, role, content, created_at) "
        "SELECT ?, 'user', 'x', TIMESTAMPTZ '2025-12-31 13:00:00+00' + to_seconds(i) "
        "FROM range(?) t(i)",
        [pid, stats.FOLD_AT],
    )
    start = time.perf_counter()
    load_year()
    fold = time.perf_counter() - start
    results.append(
        Result(
            f"dashboard that folds the new messages in (once per {stats.FOLD_AT:,} messages)",
            fold * 1000,
            "ms",
            "(reference)",
            True,
        )
    )
    store.close()

    small_dir = scratch_dir("dashboard-small")
    store_with_messages(small_dir, 1_000).close()
    small = _page_time(small_dir, repeat)
    big = _page_time(big_dir, repeat)
    ratio = big / small
    results.append(
        Result(
            f"dashboard page (AppTest) {n:,} vs 1,000 messages "
            f"({big * 1000:.0f} vs {small * 1000:.0f} ms)",
            ratio,
            "×",
            "≤ 2×",
            ratio <= 2,
        )
    )
    return results


if __name__ == "__main__":
    print_table(run("--quick" in sys.argv))
