"""What the companion remembers when it answers.

`for_prompt` gathers, for what the user just said: the pinned memories (always), the few
most relevant memories, outings (title, place, notes, photo captions and what the companion
said about them), journal entries and past messages, and what happened on this date in
earlier months and years. Relevance is `memory.search` (BM25 over English words and Japanese
character pairs). Messages still in the prompt's recent history are not recalled again.
The prompt builder, the offline voice and the "what I remembered" view see only `Recalled`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from memory import journal, memories, search
from memory import settings as settings_store

#: Messages the prompt already carries as history (companion.conversation.HISTORY_LIMIT).
HISTORY_WINDOW = 30


@dataclass(frozen=True)
class Recalled:
    """One remembered thing, as offered to the companion and shown under a reply."""

    kind: str  # "outing", "memory", "journal", "message", "milestone"
    id: int
    title: str
    text: str = ""
    when: date | None = None

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "id": self.id,
            "title": self.title,
            "text": self.text,
            "when": self.when.isoformat() if self.when else None,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Recalled:
        """The inverse of `as_dict` (for a reply's stored `meta`)."""
        when = data.get("when")
        return cls(
            str(data.get("kind", "")),
            int(data.get("id") or 0),
            str(data.get("title", "")),
            str(data.get("text") or ""),
            date.fromisoformat(when) if when else None,
        )


def _short(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _from_hit(hit: search.Hit) -> Recalled:
    if hit.kind == "outing":
        return Recalled("outing", hit.id, hit.title, _short(hit.text, 400), hit.when)
    if hit.kind == "memory":
        return Recalled("memory", hit.id, _short(hit.text), hit.text, hit.when)
    if hit.kind == "journal":
        day = hit.when.strftime("%d %B %Y") if hit.when else ""
        return Recalled(
            "journal", hit.id, f"your journal entry of {day}", _short(hit.text, 400), hit.when
        )
    who = "you said" if hit.role == "user" else "I said"
    return Recalled(
        "message", hit.id, f"when {who} “{_short(hit.text, 60)}”", _short(hit.text, 400), hit.when
    )


def history_start(
    store, persona_id: int, *, message_id: int | None = None, history: Sequence = ()
) -> int | None:
    """The id of the oldest of the last `HISTORY_WINDOW` messages with the companion: recall
    leaves it and every later message out (the prompt carries them as history).

    `history` is what the prompt carries, read before `message_id` (the message being
    answered, as `messages.recent` gives it): when it holds every id of the
    `HISTORY_WINDOW - 1` right below `message_id`, the lowest of them is the answer with no
    query. Those ids are messages with the companion, so at least `HISTORY_WINDOW` of them
    start there and the window starts there or later; it starts later only when messages
    came after `message_id` (a reply being regenerated), and then what it leaves out beyond
    the query's window is in `history` itself. Otherwise the query gives the value.
    """
    if message_id is not None and history:
        below = range(message_id - (HISTORY_WINDOW - 1), message_id)
        held = {m.id for m in history if m.persona_id == persona_id}
        if all(i in held for i in below):
            return below.start
    return _history_start(store, persona_id)


def _history_start(store, persona_id: int) -> int | None:
    """The id of the oldest of the last `HISTORY_WINDOW` messages with the companion."""
    # Looked for first among the newest ids, where they almost always are (a narrow id
    # range lets DuckDB skip the rest of the table); when fewer are there, they all count.
    row = store.execute(
        "SELECT min(id), count(*) FROM (SELECT id FROM messages WHERE persona_id = ? "
        "AND id > (SELECT max(id) FROM messages) - ? ORDER BY id DESC LIMIT ?)",
        [persona_id, 50 * HISTORY_WINDOW, HISTORY_WINDOW],
    ).fetchone()
    if row and row[1] == HISTORY_WINDOW:
        return row[0]
    row = store.execute(
        "SELECT min(id) FROM (SELECT id FROM messages WHERE persona_id = ? "
        "ORDER BY id DESC LIMIT ?)",
        [persona_id, HISTORY_WINDOW],
    ).fetchone()
    return row[0] if row else None


def for_prompt(
    store,
    persona_id: int,
    text: str,
    *,
    limit: int = 3,
    today: date | None = None,
    tz: ZoneInfo | None = None,
    message_id: int | None = None,
    history: Sequence = (),
) -> list[Recalled]:
    """The shared memories to offer the companion for a reply to `text`, best first.

    Relevant items come first (memories, outings and journal entries by score, then
    messages), then one "on this day" item, then the pinned memories. `tz` is her time
    zone when the caller has read it already (`memory.settings.timezone`); `message_id` and
    `history` the message answered and the history the prompt carries (`history_start`).
    """
    tz = tz or settings_store.timezone(store)
    today = today or datetime.now(tz).date()
    found: list[Recalled] = []
    terms = search.query_terms(store, text or "", for_recall=True)
    if terms:
        start = history_start(store, persona_id, message_id=message_id, history=history)
        # The small collections and the messages (those before the history window) are
        # ranked in one go (`search.small_hits` and `search.message_hits` in one query).
        small, said = search.recall_hits(
            store, persona_id, terms, tz, limit, before_id=start, refresh=True
        )
        ranked = sorted(
            (hit for kind in ("memory", "outing", "journal") for hit in small.get(kind, [])),
            key=lambda h: -h.score,
        )
        found.extend(_from_hit(h) for h in ranked[: limit * 2])
        found.extend(_from_hit(h) for h in said)
    for past in journal.on_this_day(store, persona_id, today, tz, with_messages=False)[:1]:
        for oid, title, place, notes in past.outings[:1]:
            label = f"{title} ({place})" if place else title
            found.append(
                Recalled("outing", oid, f"{label}, {past.label} today", notes or "", past.day)
            )
        for entry in past.entries[:1]:
            found.append(
                Recalled(
                    "journal",
                    entry.id,
                    f"your journal entry from {past.label} today",
                    _short(entry.body, 400),
                    past.day,
                )
            )
    # Days the prompt cannot hold, reached through their summaries (written with a model).
    from memory import day_summaries

    for summary in day_summaries.relevant(store, persona_id, text or ""):
        found.append(
            Recalled(
                "day",
                summary.day.toordinal(),
                f"what we talked about on {summary.day.strftime('%d %B %Y')}",
                summary.body,
                summary.day,
            )
        )
    for memory in memories.pinned(store, persona_id):
        found.append(
            Recalled("memory", memory.id, _short(memory.body), memory.body, memory.happened_on)
        )
    unique: dict[tuple[str, int], Recalled] = {}
    for item in found:
        unique.setdefault((item.kind, item.id), item)
    return list(unique.values())
