"""Day summaries written by the model, in the background, resumable, with progress.

`write_pending` summarises past days one at a time and stores each as soon as it is written
(`memory.day_summaries`), so stopping — the app closed, the model down — loses nothing and a
later run continues with the days still missing. `start` runs it in a background thread;
`status` says how far it got. Without a model nothing is written (recall works as before).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from companion.provider import ProviderError, Turn
from memory import day_summaries, personas
from memory import settings as settings_store

INSTRUCTION = (
    "Below is one day's conversation between her and you ({name}). Write two or three "
    "plain sentences saying what the two of you talked about that day — places, plans, "
    "feelings, names — in the language the conversation mostly used. No greeting, no "
    "commentary, just the summary."
)


@dataclass
class Status:
    done: int = 0
    total: int = 0
    running: bool = False
    error: str | None = None


_status: dict[tuple[int, int], Status] = {}
_lock = threading.Lock()


def write_pending(
    store,
    provider,
    persona_id: int,
    *,
    today: date | None = None,
    limit: int = 400,
    progress: Callable[[int, int], None] | None = None,
) -> Status:
    """Write summaries of the past days that have none yet, newest first."""
    tz = settings_store.timezone(store)
    from datetime import datetime

    today = today or datetime.now(tz).date()
    pv = personas.current(store, persona_id)
    days = day_summaries.pending_days(store, persona_id, tz, today, limit=limit)
    status = Status(total=len(days), running=True)
    progress = progress or (lambda _d, _t: None)
    progress(0, len(days))
    for day in days:
        text = day_summaries.transcript(store, persona_id, day, tz, names=("She", pv.name))
        turns = [
            Turn("system", INSTRUCTION.format(name=pv.name)),
            Turn("user", f"{day.isoformat()}\n{text}"),
        ]
        try:
            body = "".join(provider.stream(turns, temperature=0.3))
        except ProviderError as exc:
            status.error = exc.message
            break
        day_summaries.save(store, persona_id, day, body, model=provider.model)
        status.done += 1
        progress(status.done, status.total)
    status.running = False
    return status


def start(store, provider, persona_id: int) -> bool:
    """Start writing pending summaries in a background thread (False when one is running
    or there is no model)."""
    if provider is None or provider.name == "offline":
        return False
    key = (id(store), persona_id)
    with _lock:
        current = _status.get(key)
        if current is not None and current.running:
            return False
        status = Status(running=True)
        _status[key] = status

    def report(done: int, total: int) -> None:
        status.done, status.total = done, total

    def work() -> None:
        try:
            result = write_pending(store, provider, persona_id, progress=report)
            status.error = result.error
        except Exception as exc:  # a background run must never crash the app
            status.error = str(exc)
        finally:
            status.running = False

    threading.Thread(target=work, name="kizuna-day-summaries", daemon=True).start()
    return True


def status(store, persona_id: int) -> Status | None:
    """How the background run for this companion is going (None when none ran)."""
    return _status.get((id(store), persona_id))
