"""What she feels in the browser: `streamlit run app.py` driven by headless Chromium.

For 1k, 10k, 100k and 1M messages (loaded with plain SQL), each round opens a fresh browser
context and measures, as a person would see them:

- open the chat (cold, a new tab) until the newest message is on screen;
- open the chat from another page inside the running app;
- send a message until her own bubble is visible, and until the offline voice's reply is;
- "Show earlier messages" until forty more bubbles are there;
- a search until its results are shown;
- every page's load from the navigation, and the Dashboard until all its charts are drawn.

Medians of the rounds are printed as a table (milliseconds). It needs Debian's Chromium
(`apt-get install chromium`) and the `playwright` package; nothing is downloaded.

    python -m benchmarks.bench_browser                 # 1k, 10k, 100k, 1M; 5 rounds
    python -m benchmarks.bench_browser --sizes 1000,10000 --rounds 3
    python -m benchmarks.bench_browser --quick         # smoke run (200 messages, 1 round)
    python -m benchmarks.bench_browser --sizes 1000 --keep /tmp/kz \\
        --app old=../kizuna-old --app new=.            # two checkouts, rounds alternating

A page counts as open when the script run its click started is over (the app root's script
state), and the Dashboard's charts when all five are drawn (their SVG is in the page).

The machine is small: read the figures of one run together, not against another day's.
Side-by-side figures against SillyTavern come from `shared/peer-bench/` (see the README).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from benchmarks.common import Result, print_table, scratch_dir, store_with_messages
from companion import greetings
from memory import settings

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 180_000  # a million messages on a shared 2-core machine
PAGES = ["album", "timeline", "dashboard", "journal", "memories", "search", "persona", "settings"]
# Goals from the issue "Faster than SillyTavern at every size" (milliseconds).
GOALS = {"send: her message visible": 150, "dashboard: charts drawn": 1000}
PAGE_GOAL = 400

# When a script run is over. The status widget is hidden in this app (`client.toolbarMode =
# "minimal"`) and a fast run may never show "running" in the page at all, so the page itself
# reads the server's "script finished" message off the WebSocket (field 6 of Streamlit's
# ForwardMsg; a run cut short for a rerun does not count). Times are taken in the page's own
# clock: from the click to the first animation frame at which that run is over and the app
# idle, so the Playwright driver's own latency is not in them.
WATCH_JS = """(() => {
  if (window.__kizunaRuns !== undefined) return;
  window.__kizunaRuns = 0;
  const varint = (b, i) => { let v = 0, s = 0, c;
    do { c = b[i++]; v += (c & 127) * 2 ** s; s += 7; } while (c & 128); return [v, i]; };
  const finished = (data) => { const b = new Uint8Array(data); let i = 0;
    while (i < b.length) {
      let t; [t, i] = varint(b, i); const field = Math.floor(t / 8), wire = t & 7;
      if (wire === 0) { let v; [v, i] = varint(b, i); if (field === 6) return v !== 2; }
      else if (wire === 2) { let n; [n, i] = varint(b, i); i += n; }
      else if (wire === 1) i += 8; else if (wire === 5) i += 4; else return false; }
    return false; };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native { constructor(...args) { super(...args);
    this.addEventListener('message', (e) => {
      if (e.data instanceof ArrayBuffer && finished(e.data)) window.__kizunaRuns++; }); } };
  document.addEventListener('click', () => { window.__kizunaClick = performance.now(); }, true);
})()"""
IDLE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning';
}"""
SHOWN_JS = """(before) => { const app = document.querySelector('[data-testid="stApp"]');
  if (window.__kizunaRuns > before && app
      && app.getAttribute('data-test-script-state') === 'notRunning') {
    window.__kizunaShown = performance.now(); return true; }
  return false; }"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class App:
    """`streamlit run app.py` on a loopback port, on one data folder, with no provider."""

    def __init__(self, data_dir: Path, root: Path = ROOT):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "KIZUNA_PROVIDER")
        }
        env.update({"KIZUNA_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"})
        self.log = open(data_dir.parent / f"{data_dir.name}-streamlit.log", "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.headless",
                "true",
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
            ],
            cwd=root,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"Kizuna did not start; see {self.log.name}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def _idle(page) -> None:
    page.wait_for_function(IDLE_JS, timeout=TIMEOUT_MS)


def _runs(page) -> int:
    """How many script runs (full or fragment) have ended in this tab."""
    return page.evaluate("window.__kizunaRuns")


def _ran_since(page, before: int) -> float:
    """Wait until a run that ended after `_runs` returned `before` is on screen; milliseconds
    from the last click to then, in the page's clock."""
    page.wait_for_function(SHOWN_JS, arg=before, polling="raf", timeout=TIMEOUT_MS)
    return page.evaluate("window.__kizunaShown - window.__kizunaClick")


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


#: A chat bubble: Streamlit's chat message, or one of the one-element history's.
BUBBLE = '[data-testid="stChatMessage"], [data-testid="chatBubble"]'


def _bubbles(page):
    return page.locator(BUBBLE)


# The Dashboard's five charts: SVG (ui.svgcharts) or, in checkouts before round 6, plotly
# (drawn once its SVG is there).
CHARTS_DRAWN_JS = """() => { const c = document.querySelectorAll('.js-plotly-plot');
  const svg = document.querySelectorAll('.kz-chart svg[role=img]');
  const drawn = c.length + svg.length >= 5 && [...c].every(p => p.querySelector('.main-svg'));
  if (drawn) window.__kizunaDrawn = performance.now();
  return drawn; }"""


def _open_from_nav(page, slug: str) -> tuple[float, float | None]:
    """Click the navigation link to /slug; milliseconds until the page finished running, and
    (for the Dashboard) until every chart is drawn."""
    link = page.locator(f'a[href$="/{slug}"]').first
    before = _runs(page)
    link.click()
    page.wait_for_url(f"**/{slug}", timeout=TIMEOUT_MS)
    loaded = _ran_since(page, before)
    if slug != "dashboard":
        return loaded, None
    page.wait_for_function(CHARTS_DRAWN_JS, polling="raf", timeout=TIMEOUT_MS)
    return loaded, page.evaluate("window.__kizunaDrawn - window.__kizunaClick")


def one_round(browser, app: App, label: str) -> dict[str, float]:
    """Every measured interaction once, in a fresh browser context."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    ctx.add_init_script(script=WATCH_JS)
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    got: dict[str, float] = {}
    bubbles = _bubbles(page)

    start = time.perf_counter()
    page.goto(app.url + "/")
    bubbles.last.wait_for()
    got["open chat (new tab): newest visible"] = _ms(start)
    _idle(page)

    text = f"I just got back from the aquarium, round {label}"
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(text)
    start = time.perf_counter()
    box.press("Enter")
    bubbles.filter(has_text=text).last.wait_for()
    got["send: her message visible"] = _ms(start)
    # The offline voice may quote her words back, so her bubble is the first with them and
    # his reply the last bubble, labelled as the offline voice. (A screenful is a fixed window
    # of messages: the count does not grow.)
    page.wait_for_function(
        "([t, sel]) => { const b = [...document.querySelectorAll(sel)];"
        " const i = b.findIndex(x => x.innerText.includes(t));"
        " return i >= 0 && i < b.length - 1"
        " && b[b.length - 1].innerText.includes('offline voice'); }",
        arg=[text, BUBBLE],
        timeout=TIMEOUT_MS,
    )
    got["send: his reply visible"] = _ms(start)
    _idle(page)

    earlier = page.get_by_role("button", name="Show earlier messages")
    if earlier.count():
        shown = bubbles.count()
        start = time.perf_counter()
        earlier.first.click()
        page.wait_for_function(
            "([n, sel]) => document.querySelectorAll(sel).length >= n",
            arg=[shown + 40, BUBBLE],
            timeout=TIMEOUT_MS,
        )
        got["show earlier messages"] = _ms(start)
        _idle(page)

    for slug in PAGES:
        got[f"open {slug}"], drawn = _open_from_nav(page, slug)
        if drawn is not None:
            got["dashboard: charts drawn"] = drawn
        if slug == "search":
            query = page.get_by_test_id("stTextInput").locator("input").first
            query.fill("garden")
            start = time.perf_counter()
            query.press("Enter")
            # Before a search the page shows no message text; a result quotes one.
            page.get_by_test_id("stMain").get_by_text("garden").first.wait_for()
            got["search: results shown"] = _ms(start)
            _idle(page)

    # Back to the chat inside the running app (what SillyTavern's chat switch measures).
    start = time.perf_counter()
    page.locator(f'a[href="{app.url}/"], a[href="/"], a[href$="/chat"]').first.click()
    bubbles.last.wait_for()
    _idle(page)
    got["open chat (in the app): newest visible"] = _ms(start)
    ctx.close()
    return got


def _data(n: int, keep: Path | None) -> tuple[Path, bool]:
    """A data folder with `n` messages: made afresh, or (with `keep`) made once and reused.
    Returns the folder and whether it is to be deleted afterwards."""
    folder = keep / f"browser-{n}" if keep else scratch_dir(f"browser-{n}")
    data_dir = folder / "pristine"
    if not (data_dir / "done").is_file():
        shutil.rmtree(data_dir, ignore_errors=True)
        with store_with_messages(data_dir, n) as store:
            # He would greet her after the data's long quiet; SillyTavern never does, and a
            # greeting is one more bubble than the bench counts.
            settings.set(store, greetings.ENABLED_SETTING, False)
        (data_dir / "done").write_text("")
    return folder, keep is None


def measure(
    sizes: list[int], rounds: int, apps: dict[str, Path] | None = None, keep: Path | None = None
) -> dict[str, dict[str, float]]:
    """Median milliseconds per interaction, per size (and per checkout, with several `apps`:
    their rounds alternate, each on its own copy of the same data)."""
    from playwright.sync_api import sync_playwright

    apps = apps or {"": ROOT}
    medians: dict[str, dict[str, float]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            for n in sizes:
                folder, scratch = _data(n, keep)
                running: dict[str, App] = {}
                try:
                    for label, root in apps.items():
                        copy = folder / f"run-{label or 'app'}"
                        shutil.rmtree(copy, ignore_errors=True)
                        shutil.copytree(folder / "pristine", copy)
                        running[label] = App(copy, root)
                    for app in running.values():
                        one_round(browser, app, "warm-up")  # caches, indexes, first compile
                    samples: dict[str, dict[str, list[float]]] = {label: {} for label in apps}
                    for r in range(rounds):
                        for label, app in running.items():
                            for key, value in one_round(browser, app, str(r)).items():
                                samples[label].setdefault(key, []).append(value)
                    for label, got in samples.items():
                        column = f"{n:,} msgs" + (f" · {label}" if label else "")
                        medians[column] = {k: statistics.median(v) for k, v in got.items()}
                finally:
                    for app in running.values():
                        app.stop()
                    if scratch:
                        shutil.rmtree(folder, ignore_errors=True)
        finally:
            browser.close()
    return medians


def table(medians: dict[str, dict[str, float]]) -> str:
    columns = list(medians)
    keys = list(dict.fromkeys(k for c in columns for k in medians[c]))
    lines = [
        "| interaction (median ms) | " + " | ".join(columns) + " |",
        "| --- |" + " --- |" * len(columns),
    ]
    for key in keys:
        cells = [f"{medians[c][key]:,.0f}" if key in medians[c] else "—" for c in columns]
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run(
    quick: bool = False,
    sizes: list[int] | None = None,
    rounds: int | None = None,
    apps: dict[str, Path] | None = None,
    keep: Path | None = None,
):
    sizes = sizes or ([200] if quick else [1_000, 10_000, 100_000, 1_000_000])
    rounds = rounds or (1 if quick else 5)
    medians = measure(sizes, rounds, apps, keep)
    print(table(medians))
    results = []
    for column, got in medians.items():
        for key, ms in got.items():
            goal = GOALS.get(key, PAGE_GOAL if key.startswith("open ") else None)
            if goal is None:
                continue
            results.append(
                Result(f"browser: {key}, {column}", ms, "ms", f"≤ {goal:,} ms", ms <= goal)
            )
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--sizes", help="comma-separated message counts, e.g. 1000,10000")
    parser.add_argument("--rounds", type=int)
    parser.add_argument(
        "--app",
        action="append",
        metavar="LABEL=CHECKOUT",
        help="run this checkout's app.py (repeat to compare checkouts, rounds alternate)",
    )
    parser.add_argument("--keep", type=Path, help="make each size's data here once and reuse it")
    args = parser.parse_args()
    chosen = [int(x) for x in args.sizes.split(",")] if args.sizes else None
    apps = dict(a.split("=", 1) for a in args.app) if args.app else None
    apps = {k: Path(v).resolve() for k, v in apps.items()} if apps else None
    print()
    print_table(run(args.quick, chosen, args.rounds, apps, args.keep))
