"""The voice check: does he still sound like him?

It takes her real past messages, drawn across the whole history (evenly by position, each one
that he answered), asks the configured model to answer each as he would today (the persona
version in force, the few messages before it as context), and keeps his original reply beside
the new one with plain, explainable measures: length, his name for her, his phrases, share of
Japanese, emoji, questions, his first-person word. Each probe is stored as soon as it is
answered, so a model that fails midway leaves what it finished and the sentence of the probe
that failed. Nothing of the check is written as a chat message.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from companion import prompt, safety
from companion.provider import ProviderError
from memory import personas

#: Probes in one check (each is one model call).
PROBES = 8
#: Messages before her probe message sent as context.
CONTEXT_MESSAGES = 6
#: Settings key: the model the last check (or the offer) was about.
LAST_MODEL_SETTING = "voice_check_model"

_EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf\u2764\u2665]")
_JA = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
_FIRST_PERSON = ("僕", "俺", "私", "わたし", "あたし", "うち")


@dataclass(frozen=True)
class Probe:
    position: int
    her_message_id: int | None
    her_text: str
    original: str
    answer: str
    original_measures: dict
    answer_measures: dict


@dataclass
class Check:
    id: int
    persona_id: int
    persona_version_id: int | None
    provider: str
    model: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    probes_total: int
    failed_probe: int | None
    error: str | None
    probes: list[Probe] = field(default_factory=list)


def measures(text: str, persona) -> dict:
    """Plain measures of one reply, the same for his original and the new one."""
    text = text or ""
    user_name = (getattr(persona, "user_name", None) or "").strip()
    phrases = [p for p in (getattr(persona, "signature_phrases", None) or ()) if p.strip()]
    ja, latin = len(_JA.findall(text)), len(_LATIN.findall(text))
    used = [f for f in _FIRST_PERSON if f in text]
    if re.search(r"\bI\b|\bI'", text):
        used.append("I")
    return {
        "length": len(text),
        "her_name": bool(user_name) and user_name in text,
        "phrases": sum(1 for p in phrases if p in text),
        "japanese": round(ja / (ja + latin), 2) if ja + latin else 0.0,
        "emoji": len(_EMOJI.findall(text)),
        "questions": text.count("?") + text.count("？"),
        "first_person": used[0] if used else "",
    }


#: What each measure is called on the page, and how to read the pair.
MEASURE_LABELS = {
    "length": "Length (characters)",
    "her_name": "Says your name",
    "phrases": "His phrases",
    "japanese": "Share of Japanese",
    "emoji": "Emoji",
    "questions": "Questions asked",
    "first_person": "First-person word",
}


def summary(probes: list[Probe]) -> dict[str, tuple[object, object]]:
    """Per measure: (his originals, the new answers) over the probes — means, rates, or the
    most used first-person word."""
    out: dict[str, tuple[object, object]] = {}
    if not probes:
        return out
    n = len(probes)
    for key in MEASURE_LABELS:
        pair = []
        for side in ("original_measures", "answer_measures"):
            values = [getattr(p, side).get(key) for p in probes]
            if key == "first_person":
                words = [v for v in values if v]
                pair.append(max(set(words), key=words.count) if words else "—")
            elif key == "her_name":
                pair.append(f"{sum(1 for v in values if v) / n:.0%}")
            elif key == "japanese":
                pair.append(f"{sum(values) / n:.0%}")
            else:
                pair.append(round(sum(values) / n, 1))
        out[key] = (pair[0], pair[1])
    return out


def probe_messages(store, persona_id: int, count: int = PROBES) -> list[tuple[int, str, str]]:
    """(her message id, her text, his reply) drawn evenly across the whole history."""
    rows = store.execute(
        """
        WITH pairs AS (
            SELECT id, content, lead(role) OVER w AS next_role, lead(content) OVER w AS next,
                   lead(status) OVER w AS next_status, lead(provider) OVER w AS next_provider,
                   role
            FROM messages
            WHERE persona_id = ? AND (source = 'chat' OR source LIKE 'import:%')
            WINDOW w AS (ORDER BY id)
        ),
        usable AS (
            SELECT id, content, next, row_number() OVER (ORDER BY id) AS k, count(*) OVER () AS n
            FROM pairs
            WHERE role = 'user' AND next_role = 'companion' AND next_status = 'ok'
              AND coalesce(next_provider, '') <> 'offline'
              AND length(trim(content)) > 0 AND length(trim(next)) > 0
        )
        SELECT id, content, next FROM usable
        WHERE n <= ? OR (k - 1) % greatest(1, n // ?) = 0
        ORDER BY id LIMIT ?
        """,
        [persona_id, count, count, count],
    ).fetchall()
    return [(int(i), her, his) for i, her, his in rows]


def _context(store, persona_id: int, before_id: int) -> list:
    from memory import messages

    return messages.recent(store, persona_id, CONTEXT_MESSAGES, before_id=before_id)


def run(
    store,
    provider,
    persona_id: int,
    *,
    count: int = PROBES,
    progress: Callable[[int, int], None] | None = None,
    temperature: float | None = None,
) -> Check:
    """Run a voice check with `provider` now; returns it (stored), done or failed midway."""
    pv = personas.current(store, persona_id)
    chosen = probe_messages(store, persona_id, count)
    check_id = store.execute(
        "INSERT INTO voice_checks (persona_id, persona_version_id, provider, model, "
        "probes_total) VALUES (?, ?, ?, ?, ?) RETURNING id",
        [persona_id, pv.id, provider.name, provider.model, len(chosen)],
    ).fetchone()[0]
    from memory import settings as settings_store

    settings_store.set(store, LAST_MODEL_SETTING, f"{provider.name}:{provider.model}")
    progress = progress or (lambda _done, _total: None)
    progress(0, len(chosen))
    for position, (her_id, her_text, original) in enumerate(chosen, start=1):
        turns = prompt.assemble(
            pv,
            her_text,
            history=_context(store, persona_id, her_id),
            budget_tokens=prompt.DEFAULT_BUDGET,
        )
        try:
            answer = "".join(provider.stream(turns, temperature=temperature)).strip()
            if not answer:
                raise ProviderError("server", "The model answered with an empty reply.")
        except ProviderError as exc:
            store.execute(
                "UPDATE voice_checks SET status = 'failed', finished_at = current_timestamp, "
                "failed_probe = ?, error = ? WHERE id = ?",
                [position, exc.message, check_id],
            )
            return get(store, check_id)
        if safety.encourages_harm(answer):
            answer = "(held back: this answer encouraged harm)"
        store.execute(
            "INSERT INTO voice_check_probes (check_id, position, her_message_id, her_text, "
            "original, answer, original_measures, answer_measures) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                check_id,
                position,
                her_id,
                her_text,
                original,
                answer,
                json.dumps(measures(original, pv)),
                json.dumps(measures(answer, pv)),
            ],
        )
        progress(position, len(chosen))
    store.execute(
        "UPDATE voice_checks SET status = 'done', finished_at = current_timestamp WHERE id = ?",
        [check_id],
    )
    return get(store, check_id)


_CHECK_COLUMNS = (
    "id, persona_id, persona_version_id, provider, model, started_at, finished_at, status, "
    "probes_total, failed_probe, error"
)


def get(store, check_id: int) -> Check | None:
    """One check with its probes."""
    row = store.execute(
        f"SELECT {_CHECK_COLUMNS} FROM voice_checks WHERE id = ?", [check_id]
    ).fetchone()
    if row is None:
        return None
    check = Check(*row)
    for r in store.execute(
        "SELECT position, her_message_id, her_text, original, answer, original_measures, "
        "answer_measures FROM voice_check_probes WHERE check_id = ? ORDER BY position",
        [check_id],
    ).fetchall():
        check.probes.append(Probe(*r[:5], json.loads(r[5] or "{}"), json.loads(r[6] or "{}")))
    return check


def checks(store, persona_id: int) -> list[Check]:
    """Every check for a companion, newest first (without probes)."""
    rows = store.execute(
        f"SELECT {_CHECK_COLUMNS} FROM voice_checks WHERE persona_id = ? ORDER BY id DESC",
        [persona_id],
    ).fetchall()
    return [Check(*r) for r in rows]


def should_offer(store, persona_id: int, provider) -> bool:
    """True when a model answers now and no check was made with it for this companion."""
    if provider is None or provider.name == "offline":
        return False
    done = store.execute(
        "SELECT count(*) FROM voice_checks WHERE persona_id = ? AND provider = ? AND model = ?",
        [persona_id, provider.name, provider.model],
    ).fetchone()[0]
    if done:
        return False
    # cheap at a million messages: does he have any reply at all?
    return (
        store.execute(
            "SELECT 1 FROM messages WHERE persona_id = ? AND role = 'companion' LIMIT 1",
            [persona_id],
        ).fetchone()
        is not None
    )
