"""The CLI speaks the interface language: the folder's setting, else the terminal's (LANG)."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from memory import Store, messages, personas
from memory import settings as settings_store
from memory.cli import main as cli_main
from memory.cli import terminal_language
from memory.cli.stats import _width
from memory.i18n import current_language

TOKYO = ZoneInfo("Asia/Tokyo")


def _folder(data_dir, language: str | None) -> None:
    s = Store.open(data_dir)
    settings_store.set(s, "timezone", "Asia/Tokyo")
    if language:
        settings_store.set(s, "language", language)
    pid = personas.ensure_starter(s).id
    for day in (3, 4):
        for i in range(3 if day == 3 else 2):
            at = datetime(2026, 11, day, 20, 0, tzinfo=TOKYO)
            messages.add(s, pid, "user", f"hello {i}", created_at=at)
            messages.add(s, pid, "companion", f"hi {i}", created_at=at)
    s.close()


def test_stats_speaks_the_language_chosen_in_the_app(data_dir, capsys):
    _folder(data_dir, "ja")  # the terminal is English (C.UTF-8): the folder's choice wins
    assert cli_main(["stats"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Asia/Tokyo の日付"
    assert lines[1].split() == ["日付", "あなたから", "パートナーから", "やりとり"]
    assert lines[2].split() == ["2026-11-03", "3", "3", "3"]
    assert lines[-1].split() == ["合計", "5", "5", "5"]
    # Japanese headings take two columns a character; the table still lines up.
    assert len({_width(line) for line in lines[1:]}) == 1
    assert current_language() == "en"  # a command run in-process leaves the language as it was


def test_stats_in_english_keeps_english_words(data_dir, capsys):
    _folder(data_dir, None)
    assert cli_main(["stats"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Days in Asia/Tokyo"
    assert lines[1].split() == ["day", "from", "you", "from", "companion", "exchanges"]
    assert lines[-1].split() == ["total", "5", "5", "5"]


def test_without_a_choice_the_terminals_language_is_used(data_dir, capsys, monkeypatch):
    _folder(data_dir, None)
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    assert cli_main(["info"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("データフォルダー: ")
    assert re.search(r"Sora: メッセージ10件", out)
    assert cli_main(["stats", "--tz", "Mars/Olympus"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == (
        "「Mars/Olympus」というタイムゾーンはありません。Asia/Tokyo のような名前を使ってください。"
    )


def test_help_and_usage_errors_in_japanese(monkeypatch, capsys):
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    with pytest.raises(SystemExit):
        cli_main(["stats", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("使いかた: python -m memory stats")
    assert "オプション:" in out and "このヘルプを表示して終了する" in out
    assert "表のかわりにJSONの配列を出力する" in out
    with pytest.raises(SystemExit):
        cli_main(["stats", "--from", "yesterday"])
    err = capsys.readouterr().err
    assert "エラー: 引数 --from: 「yesterday」は 2024-03-10 のような日付ではありません" in err
    assert "usage" not in err and "error" not in err


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"LANG": "ja_JP.UTF-8"}, "ja"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "POSIX"}, "en"),
        ({}, "en"),
        ({"LANGUAGE": "ja:en", "LANG": "en_US.UTF-8"}, "ja"),
        ({"LC_ALL": "en_GB.UTF-8", "LANG": "ja_JP.UTF-8"}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),
    ],
)
def test_terminal_language_reads_the_variables_gettext_reads(environ, language):
    assert terminal_language(environ) == language
