import json
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from memory import Store, messages, personas
from memory import settings as settings_store
from memory.cli import main
from tests.conftest import ROOT


@pytest.fixture
def filled(data_dir):
    s = Store.open(data_dir)
    settings_store.set(s, "timezone", "America/New_York")
    pid = personas.ensure_starter(s).id
    for when, role in [
        ("2024-03-10 04:30", "user"),  # 23:30 EST on the 9th
        ("2024-03-10 04:31", "companion"),
        ("2024-03-10 12:00", "user"),  # 08:00 EDT on the 10th (after the change)
        ("2024-03-11 03:30", "user"),  # 23:30 EDT, still the 10th
        ("2024-03-11 03:31", "companion"),
        ("2024-03-12 15:00", "companion"),
    ]:
        created = datetime.fromisoformat(when).replace(tzinfo=UTC)
        messages.add(s, pid, role, "hi", created_at=created)
    s.close()
    return data_dir


def test_stats_json_counts_local_days_in_the_settings_zone(filled, capsys):
    assert main(["stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {"day": "2024-03-09", "from_user": 1, "from_companion": 1, "exchanges": 1},
        {"day": "2024-03-10", "from_user": 2, "from_companion": 1, "exchanges": 1},
        {"day": "2024-03-12", "from_user": 0, "from_companion": 1, "exchanges": 0},
    ]


def test_stats_json_with_zone_and_range_from_a_real_process(filled):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "memory",
            "stats",
            "--json",
            "--tz",
            "UTC",
            "--from",
            "2024-03-10",
            "--to",
            "2024-03-11",
            "--data-dir",
            str(filled),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout) == [
        {"day": "2024-03-10", "from_user": 2, "from_companion": 1, "exchanges": 1},
        {"day": "2024-03-11", "from_user": 1, "from_companion": 1, "exchanges": 1},
    ]


def test_stats_table_and_plain_errors(filled, capsys):
    assert main(["stats", "--from", "2024-03-10"]) == 0
    out = capsys.readouterr().out
    assert "Days in America/New_York" in out
    assert out.splitlines()[-1].split() == ["total", "2", "2", "1"]
    assert main(["stats", "--tz", "Mars/Olympus"]) == 2
    assert "Unknown time zone" in capsys.readouterr().err
    assert main(["stats", "--from", "2024-03-12", "--to", "2024-03-10"]) == 2
    assert "--from must be on or before --to" in capsys.readouterr().err


def test_stats_json_on_an_empty_database_is_an_empty_array(capsys):
    assert main(["stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
