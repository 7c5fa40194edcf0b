"""Switching language costs nothing measurable: a page run in Japanese vs English (AppTest).

    python -m benchmarks.bench_i18n [--runs 5]

Prints, per language, the Timeline and Dashboard runs added up — each page's fastest run, the
one the shared machine disturbed least (as `timeit` advises; a median of both pages mixed two
distributions and swung ±25 % under load) — and the ratio (target ≤ 1.05).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parent.parent / "app.py"
PAGES = ("pages/timeline.py", "pages/dashboard.py")


def page_runs(data_dir: str, language: str, runs: int) -> float:
    from memory import Store
    from memory import settings as settings_store

    s = Store.open(data_dir)
    settings_store.set(s, "language", language)
    s.close()
    # AppTest formats widget values in this thread too: give it the same language.
    from memory import i18n

    i18n.use_language(language)
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    fastest = dict.fromkeys(PAGES, float("inf"))
    for _ in range(runs):
        for page in PAGES:
            at.switch_page(page)
            start = time.perf_counter()
            at.run()
            fastest[page] = min(fastest[page], time.perf_counter() - start)
    return sum(fastest.values())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    from tests.pages.test_japanese_pages import history

    results = {}
    for language in ("en", "ja", "en", "ja"):  # interleaved, so a warm cache favours neither
        folder = tempfile.mkdtemp()
        os.environ["KIZUNA_DATA_DIR"] = folder
        history(Path(folder), language)
        results.setdefault(language, []).append(page_runs(folder, language, runs))
    en, ja = min(results["en"]), min(results["ja"])
    print(f"English {en * 1000:.0f} ms · Japanese {ja * 1000:.0f} ms · ratio {ja / en:.3f}")


if __name__ == "__main__":
    main()
