"""Shared helpers for the scale benchmarks (not part of the pass/fail test run).

Every benchmark is a module `benchmarks/bench_<name>.py` with `run(quick: bool = False) ->
list[Result]` and a `__main__` block that prints its table; `benchmarks/run.py` runs them all.
`quick` shrinks the volumes so the script itself can be smoke-tested; the README's table
always comes from full runs.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from memory import Store, personas


@dataclass
class Result:
    figure: str  # what was measured, e.g. "chat page, 1M vs 1k messages"
    value: float  # the measured number (a ratio, ms, s…)
    unit: str  # "×", "ms", "s"
    target: str  # the goal as text, e.g. "≤ 1.3×"
    met: bool

    def row(self) -> str:
        value = f"{self.value:,.2f} {self.unit}".strip()
        return f"| {self.figure} | {value} | {self.target} | {'yes' if self.met else 'NO'} |"


def print_table(results: list[Result]) -> None:
    print("| figure | value | target | met |")
    print("| --- | --- | --- | --- |")
    for r in results:
        print(r.row())


def timed(fn: Callable[[], object], repeat: int = 5, warmup: int = 1) -> float:
    """Median wall time of `fn` in seconds."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def scratch_dir(name: str) -> Path:
    """A fresh temporary folder for one benchmark's data."""
    return Path(tempfile.mkdtemp(prefix=f"kizuna-bench-{name}-"))


def store_with_messages(data_dir: Path, n: int, *, years: float = 5.0) -> Store:
    """A store whose first companion has `n` messages spread over `years`, loaded with SQL."""
    store = Store.open(data_dir)
    pid = personas.ensure_starter(store).id
    seconds = int(years * 365 * 86400)
    store.execute(
        """
        INSERT INTO messages (persona_id, role, content, created_at, source)
        SELECT ?, CASE WHEN i % 2 = 0 THEN 'user' ELSE 'companion' END,
               'message number ' || i || ' about the garden, the sea and dinner',
               TIMESTAMPTZ '2021-01-01 00:00:00+00' + to_seconds((i * ?) // ?),
               'chat'
        FROM range(?) t(i)
        """,
        [pid, seconds, max(n, 1), n],
    )
    return store
