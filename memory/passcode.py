"""An optional passcode for opening Kizuna, kept as a salted scrypt hash in the settings.

Only the hash is stored (`hashlib.scrypt`, a fresh 16-byte salt per passcode, parameters saved
beside it so they can be raised later without locking anyone out); the passcode itself never
is. Checking uses `hmac.compare_digest`, so the time taken does not depend on how much of a
wrong guess was right. The passcode guards the app's pages on this computer; it does not
encrypt the data folder.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from memory import settings

SETTING = "passcode_hash"
IDLE_SETTING = "passcode_idle_minutes"
DEFAULT_IDLE_MINUTES = 15
MIN_LENGTH = 4
MAX_LENGTH = 128

#: scrypt cost: 16 MiB of memory and ~50 ms per check on a laptop.
_N, _R, _P = 2**14, 8, 1
_DKLEN = 32


def _derive(code: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    return hashlib.scrypt(
        code.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=dklen, maxmem=128 * 1024 * 1024
    )


def check_new(code: str, repeat: str | None = None) -> str | None:
    """One plain sentence saying why `code` cannot be the passcode, or None when it can."""
    if len(code.strip()) < MIN_LENGTH:
        return f"A passcode needs at least {MIN_LENGTH} characters."
    if len(code) > MAX_LENGTH:
        return f"A passcode can be at most {MAX_LENGTH} characters."
    if repeat is not None and repeat != code:
        return "The two passcodes are not the same. Type it again in both boxes."
    return None


def set_passcode(store, code: str) -> None:
    """Require `code` to open Kizuna from now on (replacing any earlier passcode).

    Raises ValueError with a plain sentence when the code is too short or too long.
    """
    problem = check_new(code)
    if problem:
        raise ValueError(problem)
    salt = os.urandom(16)
    digest = _derive(code, salt, _N, _R, _P, _DKLEN)
    settings.set(
        store,
        SETTING,
        {"scheme": "scrypt", "n": _N, "r": _R, "p": _P, "salt": salt.hex(), "hash": digest.hex()},
    )


def clear(store) -> None:
    """Stop asking for a passcode."""
    settings.set(store, SETTING, None)


def is_set(store) -> bool:
    """Whether a passcode is required."""
    return bool(settings.get(store, SETTING))


def verify(store, code: str) -> bool:
    """Whether `code` is the passcode (False when none is set)."""
    stored = settings.get(store, SETTING)
    if not stored or not isinstance(code, str) or len(code) > MAX_LENGTH:
        return False
    try:
        expected = bytes.fromhex(stored["hash"])
        salt = bytes.fromhex(stored["salt"])
        digest = _derive(
            code, salt, int(stored["n"]), int(stored["r"]), int(stored["p"]), len(expected)
        )
    except (KeyError, TypeError, ValueError):
        return False
    return hmac.compare_digest(digest, expected)


def idle_minutes(store) -> int:
    """Minutes without activity after which the passcode is asked again."""
    value = settings.get(store, IDLE_SETTING)
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        return DEFAULT_IDLE_MINUTES
    return max(1, minutes)


def set_idle_minutes(store, minutes: int) -> None:
    """Change how long Kizuna may sit idle before asking for the passcode again."""
    settings.set(store, IDLE_SETTING, max(1, int(minutes)))


# -- slowing down guesses ----------------------------------------------------------------------
#
# Every wrong passcode, from any browser, is counted in the store, so opening a new tab or a
# second phone does not reset anything. After FREE_TRIES wrong tries in a row the next try
# must wait, and each further wrong try doubles the wait up to MAX_DELAY_SECONDS: 50 guesses
# take hours instead of seconds, while she, after a typo or two, waits nothing. The log
# ("n failed tries since …") stays until she clears it on Settings, so she can see that
# somebody tried; the wait ends with the right passcode.

FAILURES_SETTING = "passcode_failures"
FREE_TRIES = 3
MAX_DELAY_SECONDS = 15 * 60


def delay_after(failures: int) -> float:
    """Seconds to wait before the next try after `failures` wrong tries in a row."""
    if failures < FREE_TRIES:
        return 0.0
    return float(min(MAX_DELAY_SECONDS, 2 ** (failures - FREE_TRIES)))


def _failures(store) -> dict:
    value = settings.get(store, FAILURES_SETTING)
    if not isinstance(value, dict):
        return {"streak": 0, "count": 0, "since": None, "last": None}
    return value


def wait_seconds(store, now: float) -> float:
    """How long until the next try is allowed (0 when it is allowed now)."""
    state = _failures(store)
    last = state.get("last")
    if not last:
        return 0.0
    return max(0.0, float(last) + delay_after(int(state.get("streak") or 0)) - now)


def attempt(store, code: str, now: float) -> tuple[bool, float]:
    """Try `code` at time `now` (seconds since the epoch).

    Returns (unlocked, seconds to wait before the next try). A try made while a wait is
    running is not checked at all — not even the right passcode — and does not count.
    """
    waiting = wait_seconds(store, now)
    if waiting > 0:
        return False, waiting
    if verify(store, code):
        state = _failures(store)
        if state.get("streak"):
            settings.set(store, FAILURES_SETTING, {**state, "streak": 0, "last": None})
        return True, 0.0
    state = _failures(store)
    state = {
        "streak": int(state.get("streak") or 0) + 1,
        "count": int(state.get("count") or 0) + 1,
        "since": state.get("since") or now,
        "last": now,
    }
    settings.set(store, FAILURES_SETTING, state)
    return False, delay_after(state["streak"])


def failed_tries(store) -> tuple[int, float | None]:
    """(wrong tries logged, when the first of them was) for the Settings page."""
    state = _failures(store)
    return int(state.get("count") or 0), state.get("since")


def clear_failed_tries(store) -> None:
    """Forget the log of wrong tries (any wait still running stays)."""
    state = _failures(store)
    settings.set(store, FAILURES_SETTING, {**state, "count": 0, "since": None})
