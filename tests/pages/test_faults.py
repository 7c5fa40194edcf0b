"""Faults a user can meet in the app: each gets its own plain sentence and nothing is lost."""

import socket
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from memory import Store, messages, personas
from tests.conftest import ROOT
from tests.openai_server import Answer
from tests.pages.conftest import APP, plain, shown_texts


def stored(data_dir):
    with Store.open(data_dir) as s:
        pid = personas.list_personas(s)[0].id
        return [(m.role, m.content) for m in messages.recent(s, pid)]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    ("fault", "sentence"),
    [
        ("down", "could not reach the model server"),
        ("slow", "took too long to answer"),
        ("rate_limited", "limiting requests right now"),
        ("key_refused", "refused the API key"),
    ],
)
def test_each_provider_fault_has_its_own_sentence_and_keeps_the_message(
    use_fake_openai, monkeypatch, data_dir, fault, sentence
):
    if fault == "down":
        monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{closed_port()}/v1")
    elif fault == "slow":
        monkeypatch.setenv("KIZUNA_TIMEOUT", "0.3")
        use_fake_openai.default = Answer(delay=1.5)
    elif fault == "rate_limited":
        use_fake_openai.default = Answer(status=429)
    else:
        use_fake_openai.default = Answer(status=401)
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.chat_input[0].set_value("are you there?").run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and sentence in errors[0]
    assert stored(data_dir) == [("user", "are you there?")]
    assert at.button(key="chat_retry")
    # the typed message is on screen, not only in the database
    assert any("are you there" in t for t in shown_texts(at))


def test_data_folder_in_use_by_another_process_shows_a_plain_message(data_dir):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from memory import Store; s = Store.open(sys.argv[1]); "
            "print('open', flush=True); time.sleep(120)",
            str(data_dir),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        at = AppTest.from_file(str(APP), default_timeout=60).run()
    finally:
        holder.kill()
        holder.wait()
    assert not at.exception
    assert [plain(e.value) for e in at.error] == [
        f"The data folder {data_dir} is already in use by another Kizuna. Close the other "
        "window or process, or start this one with a different KIZUNA_DATA_DIR."
    ]
