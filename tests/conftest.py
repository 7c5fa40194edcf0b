"""Every test gets its own real data folder; provider tests get a real loopback server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from memory import Store
from tests.openai_server import FakeOpenAI

ROOT = Path(__file__).resolve().parent.parent

_PROVIDER_VARS = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "KIZUNA_MODEL",
    "KIZUNA_PROVIDER",
    "KIZUNA_VISION",
    "KIZUNA_TIMEOUT",
)


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch) -> Path:
    """Point Kizuna at a fresh data folder and forget any provider set in the environment."""
    folder = tmp_path / "data"
    monkeypatch.setenv("KIZUNA_DATA_DIR", str(folder))
    for name in _PROVIDER_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(ROOT)
    return folder


@pytest.fixture(autouse=True)
def english_terminal(monkeypatch):
    """The CLI speaks the terminal's language (LANG…): every test starts from an English one,
    whatever the machine running the suite is set to; a test may set another."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture
def store(data_dir):
    """An open store on the test's data folder."""
    s = Store.open(data_dir)
    yield s
    s.close()


@pytest.fixture
def fake_openai():
    """A loopback OpenAI-format server (see tests/openai_server.py)."""
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def use_fake_openai(fake_openai, monkeypatch):
    """Point the app's provider settings at the loopback server."""
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
    monkeypatch.setenv("KIZUNA_MODEL", "fake-model")
    monkeypatch.setenv("KIZUNA_TIMEOUT", "5")
    return fake_openai


def pytest_collection_modifyitems(items):
    for item in items:
        if "e2e" in Path(str(item.fspath)).parts:
            item.add_marker(pytest.mark.e2e)


os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
