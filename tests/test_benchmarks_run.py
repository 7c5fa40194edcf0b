"""benchmarks/run.py: every benchmark in its own process, one table, failures reported."""

from __future__ import annotations

import subprocess
import sys

from benchmarks import run as bench_run
from tests.conftest import ROOT


def test_run_quick_prints_one_table_with_the_machine():
    done = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--quick", "--only", "demo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "| figure | value | target | met |"
    demo_rows = [line for line in lines if line.startswith("| demo data for 30 days")]
    assert len(demo_rows) == 1
    assert demo_rows[0].endswith(("| yes |", "| NO |"))
    assert any(line.startswith("Machine: ") and "duckdb" in line for line in lines)


def test_a_failing_benchmark_is_reported_not_raised():
    results, error, _seconds = bench_run.run_one("bench_that_does_not_exist", True, 60)
    assert results == []
    assert "bench_that_does_not_exist" in error


def test_discover_finds_every_benchmark_and_filters_by_name():
    names = bench_run.discover()
    assert "bench_demo" in names
    assert all(n.startswith("bench_") for n in names)
    assert bench_run.discover(["demo"]) == ["bench_demo"]
    # the browser benchmark (Chromium, a quiet machine, about an hour) runs only when named
    assert "bench_browser" not in names
    assert bench_run.discover(["browser"]) == ["bench_browser"]
