"""Browser tests: the real app under `streamlit run`, driven by headless Chromium.

Chromium comes from Debian's package (`apt-get install -y chromium`, done by `.ci/run`);
Playwright drives it through `executable_path`, so nothing is downloaded at run time.
Screenshots of every page visited are written to `screenshots/latest/` (see README).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "screenshots" / "latest"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


#: A chat message on screen: drawn by Streamlit, or one of the bubbles the chat draws as one
#: element (ui/history_view.py).
BUBBLE = "[data-testid='stChatMessage'], [data-testid='chatBubble']"


def bubbles(page):
    """Every chat message on the page, top to bottom."""
    return page.locator(BUBBLE)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _no_verify():
    # For the phone mode's self-made certificate (the tests check the certificate themselves).
    import ssl

    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class RunningApp:
    def __init__(
        self,
        data_dir: Path,
        env_extra: dict[str, str] | None = None,
        command: list[str] | None = None,
        scheme: str = "http",
    ):
        self.port = _free_port()
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "KIZUNA_PROVIDER")
        }
        env.update({"KIZUNA_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"})
        env.update(env_extra or {})
        self.log = data_dir.parent / f"streamlit-{self.port}.log"
        self._log_fh = open(self.log, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            (command and [sys.executable, *command, "--server.port", str(self.port)])
            or [
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
            cwd=ROOT,
            env=env,
            stdout=self._log_fh,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(
                    f"{self.url}/_stcore/health", timeout=2, context=_no_verify()
                ) as r:
                    if r.status == 200:
                        return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"streamlit did not start:\n{self.log.read_text()}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._log_fh.close()


@pytest.fixture
def start_app(tmp_path):
    started: list[RunningApp] = []

    def start(
        data_dir: Path | None = None,
        command: list[str] | None = None,
        scheme: str = "http",
        **env,
    ) -> RunningApp:
        app = RunningApp(data_dir or tmp_path / "data", env, command, scheme)
        started.append(app)
        return app

    yield start
    for app in started:
        app.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    p = context.new_page()
    p.set_default_timeout(30_000)
    yield p
    context.close()


def wait_for_app(page) -> None:
    """Wait until Streamlit has finished running the script.

    Streamlit's own run state on the app root says so; its "Running…" widget only shows
    after a delay, so a click made when it is not yet there can land in a run still going.
    """
    page.wait_for_selector("[data-testid='stApp']")
    page.wait_for_function(
        "() => { const app = document.querySelector('[data-testid=\"stApp\"]');"
        " const state = app && app.getAttribute('data-test-script-state');"
        " return state === 'notRunning' || state === 'compilationError'; }",
        timeout=30_000,
    )


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
