"""Typed domain errors: each carries the one sentence the page or the CLI shows."""

from __future__ import annotations

from datetime import date

import pytest

from memory import journal, memories, messages, milestones, personas
from memory.cli import main
from memory.errors import InvalidInput, KizunaError, NotFound


def test_bad_input_raises_invalid_input_with_its_sentence_and_writes_nothing(store):
    pid = personas.ensure_starter(store).id
    with pytest.raises(InvalidInput) as info:
        journal.add(store, pid, "   ", written_on=date(2026, 11, 30))
    assert info.value.sentence == "An entry needs a few words or a photo."
    with pytest.raises(InvalidInput) as info:
        messages.clean_user_text("x" * (messages.MAX_CHARS + 1))
    assert "Split it into parts" in info.value.sentence
    with pytest.raises(InvalidInput):
        milestones.add(store, pid, "", date(2026, 1, 1))
    assert journal.count(store, pid) == 0 and messages.count(store) == 0


def test_something_gone_raises_not_found(store):
    with pytest.raises(NotFound) as info:
        memories.edit(store, 999, "words")
    assert info.value.sentence == "That memory is no longer there."
    with pytest.raises(NotFound):
        journal.update(store, 999, "words", mood=None)


def test_every_typed_error_is_a_kizuna_error():
    assert issubclass(InvalidInput, KizunaError) and issubclass(NotFound, KizunaError)


def test_the_cli_prints_the_sentence_of_a_domain_error(tmp_path, capsys):
    # A data folder that is a file cannot be opened: a StoreError, one sentence, exit 1.
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("x")
    assert main(["info", "--data-dir", str(blocked)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Kizuna cannot") and "Traceback" not in err
