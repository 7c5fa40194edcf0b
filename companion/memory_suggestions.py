"""Memory suggestions from the model, as structured output she confirms.

With a model configured, her recent chat messages (each with a number) are sent with an
instruction to answer with JSON only: `{"memories": [{"message": 3, "fact": "…"}]}` — lasting
facts about her, in her language, one short sentence each. Every suggestion is stored as a
*proposed* memory tied to its message, so she confirms or dismisses it on the Memories page
and the same message is never proposed again. Answers that are not that JSON are ignored
(nothing is stored). Without a model, `memory.memories.propose_from_conversation` (patterns)
does this as before.
"""

from __future__ import annotations

import json
import re

from companion.provider import Turn
from memory import memories
from memory import settings as settings_store

INSTRUCTION = (
    "You read a person's recent chat messages (numbered). List the lasting facts about her "
    "worth remembering — people, places, likes, dislikes, allergies, plans, dates — each as "
    "one short sentence in the language she wrote, about her in the third person or as "
    "'you'. Leave out passing moods and small talk. Answer with JSON only, exactly: "
    '{"memories": [{"message": <number>, "fact": "<sentence>"}]}. '
    'If there is nothing lasting, answer {"memories": []}.'
)
LOOK_BACK = 60


def _parse(text: str) -> list[tuple[int, str]]:
    """(message number, fact) pairs from the model's answer; [] when it is not the JSON."""
    match = re.search(r"\{.*\}", text or "", re.S)
    if not match:
        return []
    try:
        data = json.loads(match.group(0))
    except ValueError:
        return []
    items = data.get("memories") if isinstance(data, dict) else None
    found = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        fact = item.get("fact")
        number = item.get("message")
        if isinstance(fact, str) and fact.strip() and isinstance(number, int):
            found.append((number, fact.strip()[:400]))
    return found


def suggest(store, provider, persona_id: int, *, look_back: int = LOOK_BACK) -> int:
    """Ask the model for memory suggestions from her recent messages; returns how many new.

    Raises `ProviderError` (one plain sentence) when the model cannot be reached.
    """
    rows = store.execute(
        """
        SELECT m.id, m.content, m.created_at FROM (
            SELECT id, content, created_at, role FROM messages
            WHERE persona_id = ? AND source = 'chat' ORDER BY id DESC LIMIT ?
        ) m
        WHERE m.role = 'user' AND length(trim(m.content)) > 0
          AND NOT EXISTS (SELECT 1 FROM memories x WHERE x.message_id = m.id)
        ORDER BY m.id
        """,
        [persona_id, look_back],
    ).fetchall()
    if not rows:
        return 0
    numbered = "\n".join(
        f"{i}. {' '.join(content.split())[:500]}" for i, (_, content, _) in enumerate(rows, 1)
    )
    answer = "".join(
        provider.stream([Turn("system", INSTRUCTION), Turn("user", numbered)], temperature=0)
    )
    tz = settings_store.timezone(store)
    added = 0
    taken: set[int] = set()
    for number, fact in _parse(answer):
        if not 1 <= number <= len(rows) or number in taken:
            continue
        message_id, _, created_at = rows[number - 1]
        taken.add(number)
        memories.add(
            store,
            persona_id,
            fact,
            origin="model",
            message_id=message_id,
            happened_on=created_at.astimezone(tz).date(),
            status="proposed",
        )
        added += 1
    return added
