"""Long-term memories: what the companion keeps about the user and their moments together.

A memory is one sentence — a fact ("allergic to shrimp") or a shared moment ("our first
picnic at Yoyogi"). The user makes them (typed, or "remember this" on a message), or they
are proposed from what the user said in the conversation and kept only once confirmed.
Pinned memories go into every reply's prompt; the others are recalled when relevant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from memory import settings as settings_store
from memory.errors import InvalidInput, NotFound

KINDS = ("fact", "moment")
MAX_CHARS = 2_000
PINNED_LIMIT = 8


@dataclass(frozen=True)
class Memory:
    id: int
    persona_id: int
    kind: str
    body: str
    status: str
    pinned: bool
    origin: str
    message_id: int | None
    happened_on: date | None
    created_at: datetime
    updated_at: datetime


_COLUMNS = (
    "id, persona_id, kind, body, status, pinned, origin, message_id, happened_on, "
    "created_at, updated_at"
)


def _clean(body: str | None) -> str:
    text = (body or "").strip()
    if not text:
        raise InvalidInput("A memory needs some words. Type what should be remembered.")
    if len(text) > MAX_CHARS:
        raise InvalidInput(
            f"That memory is {len(text):,} characters long; keep it under {MAX_CHARS:,} "
            "(the journal is the place for longer writing)."
        )
    return text


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise InvalidInput(f"A memory is a fact or a moment, not {kind!r}.")
    return kind


def add(
    store,
    persona_id: int,
    body: str,
    *,
    kind: str = "fact",
    pinned: bool = False,
    origin: str = "typed",
    message_id: int | None = None,
    happened_on: date | None = None,
    status: str = "kept",
    keywords: str | None = None,
) -> Memory:
    """Keep a memory and return it. Raises ValueError with a plain sentence on bad input.

    `keywords` are extra words search and recall find it by (a card's lorebook keys)."""
    row = store.execute(
        f"""INSERT INTO memories (persona_id, kind, body, status, pinned, origin, message_id,
                happened_on, keywords) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING {_COLUMNS}""",
        [
            persona_id,
            _kind(kind),
            _clean(body),
            status,
            pinned,
            origin,
            message_id,
            happened_on,
            keywords or None,
        ],
    ).fetchone()
    return Memory(*row)


def get(store, memory_id: int) -> Memory | None:
    """One memory by id."""
    row = store.execute(f"SELECT {_COLUMNS} FROM memories WHERE id = ?", [memory_id]).fetchone()
    return Memory(*row) if row else None


def remember_message(store, message) -> Memory:
    """ "Remember this" on a message: keep its words as a memory (once per message).

    Remembering the same message again returns the memory already kept.
    """
    existing = store.execute(
        f"SELECT {_COLUMNS} FROM memories WHERE message_id = ? AND status = 'kept' "
        "ORDER BY id LIMIT 1",
        [message.id],
    ).fetchone()
    if existing:
        return Memory(*existing)
    proposed = store.execute(
        "SELECT id FROM memories WHERE message_id = ? AND status <> 'kept'", [message.id]
    ).fetchone()
    if proposed:
        return confirm(store, proposed[0])
    body = message.content.strip()
    if not body:
        raise InvalidInput("That message has no words to remember.")
    kind = "fact" if message.role == "user" else "moment"
    return add(
        store,
        message.persona_id,
        body[:MAX_CHARS],
        kind=kind,
        origin="message",
        message_id=message.id,
        happened_on=(
            message.created_at.astimezone(settings_store.timezone(store)).date()
            if message.created_at
            else None
        ),
    )


def is_remembered(store, message_id: int) -> bool:
    """Whether a message has already been kept as a memory."""
    row = store.execute(
        "SELECT count(*) FROM memories WHERE message_id = ? AND status = 'kept'", [message_id]
    ).fetchone()
    return bool(row[0])


def kept_message_ids(store, message_ids) -> set[int]:
    """Which of `message_ids` are already kept as memories: one query for a screenful."""
    ids = [int(i) for i in message_ids]
    if not ids:
        return set()
    rows = store.execute(
        "SELECT DISTINCT message_id FROM memories "
        "WHERE status = 'kept' AND list_contains(?::BIGINT[], message_id)",
        [ids],
    ).fetchall()
    return {row[0] for row in rows}


def list_memories(
    store, persona_id: int, *, status: str = "kept", limit: int = 200, offset: int = 0
) -> list[Memory]:
    """Memories with one companion: pinned first, then newest first."""
    rows = store.execute(
        f"SELECT {_COLUMNS} FROM memories WHERE persona_id = ? AND status = ? "
        "ORDER BY pinned DESC, created_at DESC, id DESC LIMIT ? OFFSET ?",
        [persona_id, status, limit, offset],
    ).fetchall()
    return [Memory(*r) for r in rows]


def count(store, persona_id: int, *, status: str = "kept") -> int:
    """How many memories with one companion have `status`."""
    return store.execute(
        "SELECT count(*) FROM memories WHERE persona_id = ? AND status = ?", [persona_id, status]
    ).fetchone()[0]


def pinned(store, persona_id: int, *, limit: int = PINNED_LIMIT) -> list[Memory]:
    """The pinned memories that go into every reply's prompt."""
    rows = store.execute(
        f"SELECT {_COLUMNS} FROM memories WHERE persona_id = ? AND status = 'kept' AND pinned "
        "ORDER BY updated_at DESC, id DESC LIMIT ?",
        [persona_id, limit],
    ).fetchall()
    return [Memory(*r) for r in rows]


def edit(store, memory_id: int, body: str, *, kind: str | None = None, happened_on=None) -> Memory:
    """Change a memory's words (and kind). Raises InvalidInput for empty text, NotFound
    when it is gone."""
    text = _clean(body)
    params = [text]
    extra = ""
    if kind is not None:
        extra += ", kind = ?"
        params.append(_kind(kind))
    if happened_on is not None:
        extra += ", happened_on = ?"
        params.append(happened_on)
    params.append(memory_id)
    row = store.execute(
        f"UPDATE memories SET body = ?, updated_at = current_timestamp{extra} WHERE id = ? "
        f"RETURNING {_COLUMNS}",
        params,
    ).fetchone()
    if row is None:
        raise NotFound("That memory is no longer there.")
    return Memory(*row)


def set_pinned(store, memory_id: int, value: bool) -> None:
    """Pin (always in the prompt) or unpin a memory."""
    store.execute(
        "UPDATE memories SET pinned = ?, updated_at = current_timestamp WHERE id = ?",
        [bool(value), memory_id],
    )


def forget(store, memory_id: int) -> None:
    """Delete a memory for good."""
    store.execute("DELETE FROM memories WHERE id = ?", [memory_id])


def confirm(store, memory_id: int) -> Memory:
    """Keep a proposed memory."""
    row = store.execute(
        f"UPDATE memories SET status = 'kept', updated_at = current_timestamp WHERE id = ? "
        f"RETURNING {_COLUMNS}",
        [memory_id],
    ).fetchone()
    if row is None:
        raise NotFound("That suggestion is no longer there.")
    return Memory(*row)


def dismiss(store, memory_id: int) -> None:
    """Turn down a proposed memory; the same message is not proposed again."""
    store.execute(
        "UPDATE memories SET status = 'dismissed', updated_at = current_timestamp "
        "WHERE id = ? AND status = 'proposed'",
        [memory_id],
    )


# -- proposals from the conversation ----------------------------------------------------------
# Sentences in which the user tells something lasting about themselves. Deliberately narrow:
# a proposal the user has to dismiss costs more than one that was never made.
_FACT_PATTERNS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\bmy (favou?rite|birthday|name|job|sister|brother|mother|mom|mum|father|dad|"
        r"wife|husband|partner|son|daughter|cat|dog|best friend)\b",
        r"\bi(?: a|')m (allergic|afraid|scared) (to|of)\b",
        r"\bi (love|hate|can't stand|cannot stand|really like|adore|work as|work at|"
        r"live in|grew up in|was born)\b",
        r"\bi(?: a|')m (a|an) [a-z]+(?:er|ist|or|ian|ant)\b",
        r"\bi have (a|an|two|three) (cat|dog|sister|brother|kid|kids|son|daughter)s?\b",
    )
] + [
    re.compile(p)
    for p in (
        r"(私|僕|俺|わたし|ぼく)の(誕生日|名前|仕事|趣味|好きな)",
        r"(大好き|苦手|アレルギー)",
        r"に住んで(いる|る|います)",
        r"(私|僕|俺|わたし|ぼく)は.{1,20}(が好き|が嫌い)",
    )
]
_SENTENCE = re.compile(r"[^.!?。！？\n]+[.!?。！？]?")


def fact_sentences(text: str) -> list[str]:
    """The sentences of `text` that state a lasting fact about the speaker."""
    found = []
    for match in _SENTENCE.finditer(text or ""):
        sentence = match.group(0).strip()
        if (
            6 <= len(sentence) <= 300
            and not sentence.endswith(("?", "？"))
            and any(p.search(sentence) for p in _FACT_PATTERNS)
        ):
            found.append(sentence)
    return found


def propose_from_conversation(store, persona_id: int, *, look_back: int = 200) -> int:
    """Propose memories from the user's recent chat messages; return how many are new.

    Looks at the last `look_back` messages only (never the whole history). A message that
    already gave a memory — kept, proposed or dismissed — is not proposed again.
    """
    rows = store.execute(
        """
        SELECT m.id, m.content, m.created_at FROM (
            SELECT id, content, created_at, role FROM messages
            WHERE persona_id = ? AND source = 'chat'
            ORDER BY id DESC LIMIT ?
        ) m
        WHERE m.role = 'user'
          AND NOT EXISTS (SELECT 1 FROM memories x WHERE x.message_id = m.id)
        ORDER BY m.id
        """,
        [persona_id, look_back],
    ).fetchall()
    tz = settings_store.timezone(store)
    added = 0
    with store.transaction() as cur:
        for message_id, content, created_at in rows:
            sentences = fact_sentences(content)
            if not sentences:
                continue
            cur.execute(
                "INSERT INTO memories (persona_id, kind, body, status, origin, message_id, "
                "happened_on) VALUES (?, 'fact', ?, 'proposed', 'proposed', ?, ?)",
                [
                    persona_id,
                    " ".join(sentences)[:MAX_CHARS],
                    message_id,
                    created_at.astimezone(tz).date(),
                ],
            )
            added += 1
    return added
