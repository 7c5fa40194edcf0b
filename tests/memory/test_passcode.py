"""The optional passcode: a salted scrypt hash in the settings, never the code itself."""

import subprocess
import sys

import pytest

from memory import Store, passcode, settings


def test_right_code_opens_and_wrong_codes_do_not(store):
    assert not passcode.is_set(store)
    assert not passcode.verify(store, "anything")
    passcode.set_passcode(store, "絆 4821")
    assert passcode.is_set(store)
    assert passcode.verify(store, "絆 4821")
    for wrong in ("絆 4822", "絆 482", "", "絆 4821 ", "x" * 500):
        assert not passcode.verify(store, wrong)


def test_only_a_salted_scrypt_hash_is_stored(store, data_dir):
    passcode.set_passcode(store, "tulip-7302")
    first = settings.get(store, passcode.SETTING)
    passcode.set_passcode(store, "tulip-7302")
    second = settings.get(store, passcode.SETTING)
    assert first["scheme"] == "scrypt" and first["n"] >= 2**14
    assert first["salt"] != second["salt"] and first["hash"] != second["hash"]
    store.execute("CHECKPOINT")
    every_byte = b"".join(p.read_bytes() for p in data_dir.rglob("*") if p.is_file())
    assert b"tulip-7302" not in every_byte


def test_too_short_or_mismatched_codes_are_refused_plainly(store):
    with pytest.raises(ValueError, match="at least 4"):
        passcode.set_passcode(store, "12 ")
    assert passcode.check_new("1234", "1235") == (
        "The two passcodes are not the same. Type it again in both boxes."
    )
    assert passcode.check_new("1234", "1234") is None
    assert not passcode.is_set(store)


def test_clearing_and_idle_minutes(store):
    passcode.set_passcode(store, "1234")
    assert passcode.idle_minutes(store) == passcode.DEFAULT_IDLE_MINUTES
    passcode.set_idle_minutes(store, 3)
    assert passcode.idle_minutes(store) == 3
    passcode.clear(store)
    assert not passcode.is_set(store) and not passcode.verify(store, "1234")


def test_a_damaged_hash_never_opens(store):
    settings.set(store, passcode.SETTING, {"scheme": "scrypt", "salt": "zz", "hash": "00"})
    assert not passcode.verify(store, "1234")


def test_forgotten_passcode_is_cleared_from_the_terminal(data_dir):
    with Store.open(data_dir) as s:
        passcode.set_passcode(s, "1234")
    run = subprocess.run(
        [sys.executable, "-m", "memory", "--data-dir", str(data_dir), "passcode", "--clear"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "passcode is off" in run.stdout
    with Store.open(data_dir) as s:
        assert not passcode.is_set(s)


def test_fifty_wrong_tries_wait_longer_and_longer_then_the_right_code_works(store):
    passcode.set_passcode(store, "garden-2468")
    now = 1_000_000.0
    waits = []
    for i in range(50):
        now += passcode.wait_seconds(store, now)  # she (or a guesser) waits as told
        unlocked, wait = passcode.attempt(store, f"guess-{i:04d}", now)
        assert not unlocked
        waits.append(wait)
    assert waits[:2] == [0, 0]  # a typo or two costs nothing
    assert waits == sorted(waits) and waits[-1] == passcode.MAX_DELAY_SECONDS
    assert sum(waits) > 8 * 3600  # fifty guesses take hours, not seconds
    # during a wait even the right passcode is not checked, and does not count
    assert passcode.attempt(store, "garden-2468", now + 1) == (False, pytest.approx(waits[-1] - 1))
    assert passcode.failed_tries(store) == (50, 1_000_000.0)
    now += passcode.wait_seconds(store, now)
    assert passcode.attempt(store, "garden-2468", now) == (True, 0.0)
    # the wait is over for the next time; the log stays until she clears it
    assert passcode.wait_seconds(store, now + 1) == 0
    assert passcode.failed_tries(store)[0] == 50
    passcode.clear_failed_tries(store)
    assert passcode.failed_tries(store) == (0, None)


def test_the_wait_holds_across_sessions_because_it_is_in_the_store(data_dir):
    with Store.open(data_dir) as s:
        passcode.set_passcode(s, "garden-2468")
        now = 100.0
        for i in range(5):
            now += passcode.wait_seconds(s, now)
            passcode.attempt(s, f"guess-{i}", now)
    with Store.open(data_dir) as s:  # a new process, a new browser
        assert passcode.wait_seconds(s, now) == 4
        assert passcode.attempt(s, "garden-2468", now)[0] is False
