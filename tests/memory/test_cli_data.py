"""The data commands from a terminal: exit codes and plain messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from memory import Store, messages, personas
from memory.cli import main
from tests.memory import chatgpt_samples as samples
from tests.memory.test_cards import V2_CARD


def _seeded(folder) -> None:
    with Store.open(folder) as s:
        pid = personas.ensure_starter(s).id
        messages.add(s, pid, "user", "remember the lighthouse")


def test_backup_and_restore_round_trip_in_real_processes(tmp_path, data_dir):
    _seeded(data_dir)
    zip_path = tmp_path / "b.zip"
    cmd = [sys.executable, "-m", "memory"]
    done = subprocess.run(
        [*cmd, "backup", str(zip_path), "--data-dir", str(data_dir)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "Backed up" in done.stdout
    done = subprocess.run(
        [*cmd, "restore", str(zip_path), "--data-dir", str(tmp_path / "new")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    with Store.open(tmp_path / "new") as s:
        assert [m.content for m in messages.recent(s, 1)] == ["remember the lighthouse"]
    refused = subprocess.run(
        [*cmd, "restore", str(tmp_path / "missing.zip"), "--data-dir", str(tmp_path / "x")],
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 1
    assert "There is no file" in refused.stderr and "Traceback" not in refused.stderr


def test_restore_over_data_needs_replace(tmp_path, data_dir, capsys):
    _seeded(data_dir)
    assert main(["backup", str(tmp_path / "b.zip"), "--data-dir", str(data_dir)]) == 0
    assert main(["restore", str(tmp_path / "b.zip"), "--data-dir", str(data_dir)]) == 1
    assert "--replace" in capsys.readouterr().err
    assert main(["restore", str(tmp_path / "b.zip"), "--data-dir", str(data_dir), "--replace"]) == 0
    assert "saved in" in capsys.readouterr().out
    assert list((data_dir / "backups").glob("kizuna-before-restore-*.zip"))


def test_restore_of_a_damaged_zip_exits_non_zero(tmp_path, data_dir, capsys):
    (tmp_path / "bad.zip").write_bytes(b"PK\x03\x04 nothing more")
    assert main(["restore", str(tmp_path / "bad.zip"), "--data-dir", str(tmp_path / "n")]) == 1
    assert "Nothing was changed" in capsys.readouterr().err


def test_backup_into_an_unwritable_place_exits_non_zero(tmp_path, data_dir, capsys):
    _seeded(data_dir)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["backup", str(blocker / "b.zip"), "--data-dir", str(data_dir)]) == 1
    assert "cannot write" in capsys.readouterr().err


def test_import_chatgpt_reports_counts_and_filters(tmp_path, data_dir, capsys):
    path = tmp_path / "conversations.json"
    path.write_bytes(
        samples.export(samples.regenerated_conversation(), samples.multimodal_conversation())
    )
    assert main(["import-chatgpt", str(path), "--title-contains", "sea"]) == 0
    captured = capsys.readouterr()
    assert "Imported 1 conversation (4 messages)." in captured.out
    assert "100%" in captured.err  # the progress bar, on stderr
    assert main(["import-chatgpt", str(path), "--title-contains", "sea"]) == 0
    assert "4 messages were already here." in capsys.readouterr().out


def test_import_chatgpt_keeps_memories_and_offers_instructions(tmp_path, data_dir, capsys):
    path = tmp_path / "export.zip"
    path.write_bytes(samples.whole_export_zip())
    assert main(["import-chatgpt", str(path)]) == 0
    out = capsys.readouterr().out
    assert "3 photos" in out and "Kept 1 thing ChatGPT remembered" in out
    assert "Speaking style and tone: Be warm and a little teasing." in out
    assert main(["import-chatgpt", str(path), "--use-instructions"]) == 0
    assert "Saved the custom instructions" in capsys.readouterr().out


def test_import_chatgpt_failures_exit_non_zero(tmp_path, data_dir, capsys):
    bad = tmp_path / "conversations.json"
    bad.write_text("not json")
    assert main(["import-chatgpt", str(bad)]) == 1
    assert "not JSON" in capsys.readouterr().err
    bad.write_bytes(samples.export(samples.regenerated_conversation()))
    assert main(["import-chatgpt", str(bad), "--persona", "Nobody"]) == 1
    assert "no companion called “Nobody”" in capsys.readouterr().err


def test_card_commands_round_trip(tmp_path, data_dir, capsys):
    card = tmp_path / "aoi.json"
    card.write_text(json.dumps(V2_CARD))
    assert main(["import-card", str(card)]) == 0
    assert "a new companion: Aoi" in capsys.readouterr().out
    assert main(["export-card", str(tmp_path / "out.png"), "--persona", "aoi"]) == 0
    assert main(["export-card", str(tmp_path / "out.json"), "--persona", "Aoi"]) == 0
    exported = json.loads((tmp_path / "out.json").read_text())
    assert exported["data"]["extensions"] == V2_CARD["data"]["extensions"]
    assert (tmp_path / "out.png").read_bytes().startswith(b"\x89PNG")
    assert main(["export-card", str(tmp_path / "out.charx"), "--persona", "Aoi"]) == 0
    capsys.readouterr()
    assert main(["import-card", str(tmp_path / "out.charx")]) == 0  # the same card again
    assert "Aoi is already here: the card is saved as version 2 of Aoi." in capsys.readouterr().out
    assert main(["export-card", str(tmp_path / "out.txt")]) == 1
    assert main(["import-card", str(tmp_path / "missing.png")]) == 1
    (tmp_path / "bad.json").write_text("{}")
    assert main(["import-card", str(tmp_path / "bad.json")]) == 1
    assert "Nothing was imported" in capsys.readouterr().err


@pytest.mark.parametrize(("backend", "in_its_place"), [("python", "\ufffd"), ("yajl2_c", "?")])
def test_a_lone_surrogate_in_an_export_is_mended_whatever_json_reader_is_installed(
    tmp_path, backend, in_its_place
):
    # ChatGPT exports escape non-ASCII text; a cut emoji leaves half of a surrogate pair.
    # ijson's pure-Python reader (where its C reader is not installed) kept that half, and
    # the import stopped with a traceback.
    texts = ["the sea LONE was calm", "a whole one: PAIR", "and the last word"]
    payload = samples.export(samples.linear("c1", "By the sea", texts))
    payload = payload.replace(b"LONE", b"\\ud83d").replace(b"PAIR", b"\\ud83d\\ude00")
    path = tmp_path / "conversations.json"
    path.write_bytes(payload)
    data = str(tmp_path / "data")
    done = subprocess.run(
        [sys.executable, "-m", "memory", "import-chatgpt", str(path), "--data-dir", data],
        capture_output=True,
        text=True,
        env={**os.environ, "IJSON_BACKEND": backend},
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "Imported 1 conversation (3 messages)." in done.stdout
    with Store.open(tmp_path / "data") as s:
        stored = [m.content for m in messages.recent(s, personas.chosen(s).id)]
    assert stored == [f"the sea {in_its_place} was calm", "a whole one: 😀", "and the last word"]
