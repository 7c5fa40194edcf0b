"""Run every benchmark and print one Markdown table: `python benchmarks/run.py [--quick]`.

Each `benchmarks/bench_<name>.py` runs in its own Python process, so a benchmark that fails
(or runs out of memory) does not stop the others, and each starts with a clean heap. A child
prints its results as one JSON line after a marker; anything else it prints is ignored.
The table ends with the machine it ran on, so figures from different machines are not
mistaken for each other.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MARKER = "KIZUNA-BENCH-RESULTS "

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import Result  # noqa: E402

#: Run only when named with --only: the browser benchmark needs Chromium, a quiet machine and
#: about an hour at a million messages.
ON_REQUEST = {"bench_browser"}


def discover(only: list[str] | None = None) -> list[str]:
    """Names of the benchmark modules (`bench_demo`, …), optionally filtered by name; the ones
    in `ON_REQUEST` only when named."""
    names = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if not only:
        return [n for n in names if n not in ON_REQUEST]
    if only:
        wanted = {n if n.startswith("bench_") else f"bench_{n}" for n in only}
        unknown = wanted - set(names)
        if unknown:
            missing = ", ".join(n.removeprefix("bench_") for n in sorted(unknown))
            raise SystemExit(
                f"No benchmark named {missing}. "
                f"Available: {', '.join(n.removeprefix('bench_') for n in names)}."
            )
        names = [n for n in names if n in wanted]
    return names


def _child(name: str, quick: bool) -> int:
    module = importlib.import_module(f"benchmarks.{name}")
    results = module.run(quick)
    print(MARKER + json.dumps([dataclasses.asdict(r) for r in results]), flush=True)
    return 0


def run_one(name: str, quick: bool, timeout: float) -> tuple[list[Result], str | None, float]:
    """Run one benchmark in a fresh process: (results, error or None, seconds taken)."""
    started = time.perf_counter()
    command = [sys.executable, str(Path(__file__).resolve()), "--child", name]
    if quick:
        command.append("--quick")
    try:
        done = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return [], f"did not finish within {timeout:.0f} s", time.perf_counter() - started
    seconds = time.perf_counter() - started
    for line in done.stdout.splitlines():
        if line.startswith(MARKER):
            rows = json.loads(line[len(MARKER) :])
            return [Result(**row) for row in rows], None, seconds
    lines = (done.stderr or done.stdout).strip().splitlines()
    return [], lines[-1] if lines else f"exited with code {done.returncode}", seconds


def machine() -> str:
    """One line describing where the figures were measured."""
    import duckdb

    return (
        f"Machine: {os.cpu_count()} cores, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, duckdb {duckdb.__version__}"
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small volumes (a smoke test)")
    parser.add_argument(
        "--only", action="append", metavar="NAME", help="run only this benchmark (repeatable)"
    )
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per benchmark")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(args.child, args.quick)

    names = discover(args.only)
    failed = 0
    rows: list[str] = []
    for name in names:
        print(f"running {name}…", file=sys.stderr, flush=True)
        results, error, seconds = run_one(name, args.quick, args.timeout)
        print(f"  {name}: {seconds:.1f} s", file=sys.stderr, flush=True)
        if error is not None:
            failed += 1
            rows.append(f"| {name}: did not run ({_cell(error)}) | — | — | NO |")
        rows.extend(r.row() for r in results)
    print("| figure | value | target | met |")
    print("| --- | --- | --- | --- |")
    for row in rows:
        print(row)
    print()
    print(machine() + (" (quick run: small volumes)" if args.quick else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
