"""How he sounds, kept as data: his past replies found by what she said before them.

`past_replies` answers "what did he say, the last times she said something like this?": her
earlier messages are ranked with `memory.search` (BM25, the same index recall uses, fast at a
million messages) and each is paired with the reply of his that followed it. The offline voice
answers with these (lightly adapted), and the prompt sent to a model carries a few as examples
of his manner. Only messages that really are his count: replies written by the offline voice
itself, failed replies and empty ones are never used as his words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from memory import search

#: His replies longer than this are cut at a sentence end (or left out when that fails).
MAX_REPLY_CHARS = 400
#: Share of her words (search terms) the earlier message must share to count as "like this".
MIN_COVERAGE = 0.4
#: How many of her earlier messages are considered before pairing them with his replies.
CANDIDATES = 40
#: Stemmed words too vague to make two messages alike on their own ("went", "day").
WEAK_TERMS = frozenset(
    """went go goe go got get had make made dai todai tonight time realli thing feel want
    like love good just back come came today night morn see saw look lot much""".split()
)
#: A reply is looked for among this many messages after hers (others may interleave).
_FOLLOW_WINDOW = 4


@dataclass(frozen=True)
class PastReply:
    """One reply of his, and what she had said just before it."""

    message_id: int
    text: str
    her_text: str
    when: datetime | None
    score: float
    coverage: float
    #: What he called her when he wrote it (the persona version's name for her), if known.
    user_name_then: str | None = None


def _matches(term: str, lowered: str) -> bool:
    if search.is_latin(term):
        prefix = term[:-1] if term.endswith("i") and len(term) >= 3 else term
        return re.search(r"(?<![^\W_])" + re.escape(prefix), lowered) is not None
    return term in lowered


def coverage(terms: Sequence[str], text: str) -> float:
    """Share of `terms` found in `text` (0.0 when there are no terms)."""
    if not terms:
        return 0.0
    lowered = text.lower()
    return sum(1 for t in terms if _matches(t, lowered)) / len(terms)


def _fit(terms: Sequence[str], her_then: str) -> float:
    """How well what she said then matches `terms`: the share of the telling words found."""
    strong = [t for t in terms if t not in WEAK_TERMS]
    if not strong:
        return coverage(terms, her_then)
    share = coverage(strong, her_then)
    return share if share >= 0.5 else 0.0


_SENTENCE_END = re.compile(r"(?<=[.!?。！？…])\s*")


def trim_reply(text: str, limit: int = MAX_REPLY_CHARS) -> str | None:
    """`text` cut after whole sentences to at most `limit` characters; None when it cannot be."""
    text = text.strip()
    if len(text) <= limit:
        return text or None
    kept = ""
    for sentence in _SENTENCE_END.split(text):
        if not sentence:
            continue
        candidate = kept + (" " if kept and search.is_latin(sentence[:1]) else "") + sentence
        if len(candidate) > limit:
            break
        kept = candidate
    return kept.strip() or None


def past_replies(
    store,
    persona_id: int,
    text: str,
    *,
    limit: int = 5,
    before_id: int | None = None,
    exclude: Sequence[str] = (),
    names: Sequence[str] = (),
) -> list[PastReply]:
    """His replies to earlier messages of hers most like `text`, best first.

    `before_id` leaves out messages from that id on (the message being answered and what
    follows); `exclude` leaves out replies with these texts (e.g. his last twenty); `names`
    (his, hers) are not words to match on: "good night, Lune" is a good night like any other.
    """
    if not text or not text.strip():
        return []
    terms = search.query_terms(store, text, for_recall=True) or search.query_terms(store, text)
    named = [n for n in names if n and n.strip()]
    if named:
        skip = set(search.query_terms(store, " ".join(named)))
        terms = [t for t in terms if t not in skip] or terms
    if not terms:
        return []
    scores = search.message_scores(
        store, persona_id, terms, limit=CANDIDATES, before_id=before_id, common_words=True
    )
    # Search adds spelling variants (full-width letters, kana spellings) to find more; the
    # fit counts only the words she actually wrote, so variants do not dilute it.
    written = unicodedata.normalize("NFKC", text).lower()
    own = [
        t
        for t in terms
        if unicodedata.normalize("NFKC", t) == t and (search.is_latin(t) or t in written)
    ] or terms
    return _pair(store, persona_id, scores, own, before_id=before_id, exclude=exclude)[:limit]


def following(store, persona_id: int, recalled: Sequence, *, limit: int = 3) -> list[PastReply]:
    """His replies to the messages of hers that recall already found (no second search).

    For the prompt sent to a model: `recalled` is `memory.recall.for_prompt`'s list; its
    messages of hers are paired with the reply that followed each.
    """
    scores = [(r.id, 1.0) for r in recalled if getattr(r, "kind", "") == "message"]
    return _pair(store, persona_id, scores, (), before_id=None, exclude=())[:limit]


def _pair(store, persona_id, scores, terms, *, before_id, exclude) -> list[PastReply]:
    """Pair scored messages of hers with the reply of his that followed each, best first."""
    if not scores:
        return []
    score_of = dict(scores)
    ids = sorted(score_of)
    # Her messages and the few after each one, as a literal IN list: DuckDB then skips every
    # row group outside those ids, so this stays cheap at a million messages.
    wanted = sorted({i + k for i in ids for k in range(_FOLLOW_WINDOW + 1)})
    rows = store.execute(
        f"""
        SELECT id, role, content, created_at, status, coalesce(provider, ''),
               persona_version_id
        FROM messages
        WHERE id IN ({", ".join("?" * len(wanted))}) AND persona_id = ?
        ORDER BY id
        """,
        [*wanted, persona_id],
    ).fetchall()
    version_ids = sorted({r[6] for r in rows if r[6] is not None})
    names = {}
    if version_ids:
        names = dict(
            store.execute(
                "SELECT id, user_name FROM persona_versions "
                f"WHERE id IN ({', '.join('?' * len(version_ids))})",
                version_ids,
            ).fetchall()
        )
    rows = [(*r[:6], names.get(r[6])) for r in rows]
    by_id = {r[0]: r for r in rows}
    ordered = [r[0] for r in rows]
    skip = {" ".join(t.split()) for t in exclude}
    found: list[PastReply] = []
    seen: set[str] = set()
    for position, message_id in enumerate(ordered):
        her = by_id[message_id]
        if message_id not in score_of or her[1] != "user" or not her[2]:
            continue
        following = ordered[position + 1] if position + 1 < len(ordered) else None
        if following is None or following - message_id > _FOLLOW_WINDOW:
            continue
        his = by_id[following]
        if his[1] != "companion" or his[4] != "ok" or his[5] == "offline" or not his[2]:
            continue
        if before_id is not None and following >= before_id:
            continue
        reply = trim_reply(his[2])
        if reply is None:
            continue
        flat = " ".join(reply.split())
        if flat in skip or flat in seen:
            continue
        share = _fit(terms, her[2]) if terms else 1.0
        if share < MIN_COVERAGE:
            continue
        seen.add(flat)
        found.append(
            PastReply(following, reply, her[2], his[3], score_of[message_id], share, his[6])
        )
    found.sort(key=lambda p: (-(p.coverage * p.score), -p.message_id))
    return found


#: How many of his newest replies the offline voice never repeats.
RECENT_REPLIES = 20


def recent_replies(store, persona_id: int, n: int = RECENT_REPLIES) -> list[str]:
    """The texts of his last `n` replies, newest first (not to be repeated)."""
    rows = store.execute(
        "SELECT content FROM messages WHERE persona_id = ? AND role = 'companion' "
        "ORDER BY id DESC LIMIT ?",
        [persona_id, n],
    ).fetchall()
    return [r[0] for r in rows]


# -- examples of his voice, stored with the persona ---------------------------------------------
#: Where an example came from (the `origin` column).
ORIGINS = ("auto", "card", "pinned", "written")
#: Longest example kept; longer ones are cut at a sentence end.
MAX_EXAMPLE_CHARS = 600
#: How many examples are chosen automatically from his past replies.
AUTO_COUNT = 8
#: How many of his newest replies the automatic choice reads (enough to show his manner,
#: few enough to stay fast at a million messages).
AUTO_LOOK_BACK = 3000

_EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf\u2764\u2665]")
_CARD_TURN = re.compile(r"^\s*(\{\{char\}\}|<BOT>|\{\{user\}\}|<USER>)\s*:\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Example:
    """One example of how he talks."""

    id: int
    persona_id: int
    body: str
    origin: str
    pinned: bool
    message_id: int | None
    created_at: datetime


_EXAMPLE_COLUMNS = "id, persona_id, body, origin, pinned, message_id, created_at"


def _clean_example(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    return trim_reply(text, MAX_EXAMPLE_CHARS) or text.strip()[:MAX_EXAMPLE_CHARS]


def lines_from_mes_example(text: str) -> list[str]:
    """His lines in a character card's `mes_example` ("<START>", "{{char}}: …" turns).

    Lines of {{user}} are left out; text with no turn markers counts as one example.
    """
    if not text or not text.strip():
        return []
    blocks = re.split(r"<START>", text, flags=re.IGNORECASE)
    found: list[str] = []
    marked = bool(_CARD_TURN.search(text) or re.search(r"^\s*\{\{char\}\}\s*:", text, re.M))
    for block in blocks:
        if not block.strip():
            continue
        if not marked:
            found.append(block.strip())
            continue
        speaker = None
        current: list[str] = []
        for line in block.splitlines():
            match = _CARD_TURN.match(line)
            if match:
                if speaker == "char" and current:
                    found.append("\n".join(current).strip())
                who = match.group(1).lower()
                speaker = "char" if who in ("{{char}}", "<bot>") else "user"
                current = [line[match.end() :]]
            elif speaker is not None:
                current.append(line)
        if speaker == "char" and current:
            found.append("\n".join(current).strip())
    return [f for f in found if f]


def add(
    store, persona_id: int, body: str, *, origin: str = "written", message_id: int | None = None
) -> Example:
    """Keep one example of his voice (typed by her, pinned from a reply, from a card…)."""
    from memory.errors import InvalidInput

    cleaned = _clean_example(body)
    if cleaned is None:
        raise InvalidInput("An example of his voice needs some words.")
    if origin not in ORIGINS:
        raise InvalidInput(f"Unknown origin for an example: {origin}.")
    row = store.execute(
        f"INSERT INTO voice_examples (persona_id, body, origin, pinned, message_id) "
        f"VALUES (?, ?, ?, ?, ?) RETURNING {_EXAMPLE_COLUMNS}",
        [persona_id, cleaned, origin, origin in ("pinned", "written"), message_id],
    ).fetchone()
    return Example(*row)


def add_examples(store, persona_id: int, texts, source: str = "card") -> int:
    """Keep several examples at once; returns how many were added.

    `texts` is a list of his lines, or one string in a card's `mes_example` format (its
    {{char}} lines are taken). Empty lines and examples already kept are skipped.
    """
    if isinstance(texts, str):
        texts = lines_from_mes_example(texts)
    kept = {e.body for e in examples(store, persona_id, include_removed=True)}
    added = 0
    for text in texts or ():
        cleaned = _clean_example(text)
        if cleaned is None or cleaned in kept:
            continue
        add(store, persona_id, cleaned, origin=source)
        kept.add(cleaned)
        added += 1
    return added


def examples(store, persona_id: int, *, include_removed: bool = False) -> list[Example]:
    """His examples: pinned first, then the newest."""
    rows = store.execute(
        f"SELECT {_EXAMPLE_COLUMNS} FROM voice_examples "
        "WHERE persona_id = ? AND (? OR status = 'kept') "
        "ORDER BY pinned DESC, id DESC",
        [persona_id, include_removed],
    ).fetchall()
    return [Example(*r) for r in rows]


def set_pinned(store, example_id: int, value: bool) -> None:
    """Pin an example (always in the prompt) or unpin it."""
    store.execute("UPDATE voice_examples SET pinned = ? WHERE id = ?", [value, example_id])


def remove(store, example_id: int) -> None:
    """Remove an example; an automatic one is never chosen again."""
    store.execute("UPDATE voice_examples SET status = 'removed' WHERE id = ?", [example_id])


def manner_score(text: str, persona) -> float:
    """How much of his manner a reply shows: his name for her, his phrases, his first-person
    form, a question, an emoji or a sound of his — in a reply of ordinary length."""
    n = len(text)
    if n < 20 or n > MAX_REPLY_CHARS:
        return 0.0
    score = 1.0 - abs(n - 140) / 400
    user_name = (getattr(persona, "user_name", None) or "").strip()
    if user_name and user_name in text:
        score += 1.0
    for phrase in getattr(persona, "signature_phrases", None) or ():
        if phrase and phrase.strip() and phrase.strip() in text:
            score += 0.5  # his phrase, but an example made only of it teaches little
    first = (getattr(persona, "first_person", None) or "").strip()
    if first and first in text:
        score += 0.7
    if "?" in text or "？" in text:
        score += 0.4
    if _EMOJI.search(text):
        score += 0.3
    mannerisms = getattr(persona, "mannerisms", None) or ""
    for sound in re.findall(r"[“\"「『]([^”\"」』]{1,24})[”\"」』]", mannerisms):
        if sound.strip() and sound.strip().lower() in text.lower():
            score += 0.8
    return score


def choose_automatically(store, persona, *, count: int = AUTO_COUNT) -> int:
    """Choose examples from his real past replies that best show his manner; returns how
    many were added. Replies she removed before are never chosen again; replies written by
    the offline voice are never his words."""
    persona_id = persona.persona_id
    rows = store.execute(
        "SELECT id, content FROM messages WHERE persona_id = ? AND role = 'companion' "
        "AND status = 'ok' AND coalesce(provider, '') <> 'offline' "
        "ORDER BY id DESC LIMIT ?",
        [persona_id, AUTO_LOOK_BACK],
    ).fetchall()
    taken = examples(store, persona_id, include_removed=True)
    used_ids = {e.message_id for e in taken if e.message_id is not None}
    used_bodies = {e.body for e in taken}
    have = len([e for e in examples(store, persona_id) if e.origin == "auto"])
    wanted = max(0, count - have)
    if not wanted:
        return 0
    scored = sorted(
        ((manner_score(text or "", persona), -mid, mid, text) for mid, text in rows),
        reverse=True,
    )
    added = 0
    shapes = [_shape(e.body) for e in taken]
    for score, _, mid, text in scored:
        if added >= wanted or score <= 0:
            break
        body = _clean_example(text)
        if body is None or mid in used_ids or body in used_bodies:
            continue
        # Varied examples: none that says mostly what an example already says.
        shape = _shape(body)
        if any(_alike(shape, other) for other in shapes):
            continue
        shapes.append(shape)
        store.execute(
            "INSERT INTO voice_examples (persona_id, body, origin, message_id) "
            "VALUES (?, ?, 'auto', ?)",
            [persona_id, body, mid],
        )
        used_bodies.add(body)
        added += 1
    return added


def _shape(text: str) -> set[str]:
    """Words (or, in Japanese, character pairs) of a text, to tell alike examples apart."""
    lowered = text.lower()
    words = set(re.findall(r"[a-z']+", lowered))
    cjk = re.sub(r"[^\u3040-\u30ff\u3400-\u9fff]", "", lowered)
    return words | {cjk[i : i + 2] for i in range(len(cjk) - 1)}


def _alike(a: set[str], b: set[str]) -> bool:
    if not a or not b:
        return False
    return len(a & b) / min(len(a), len(b)) > 0.5


def for_prompt(store, persona_id: int, *, limit: int = 4) -> list[Example]:
    """The examples to put in a model's prompt: pinned ones first, then the others."""
    return examples(store, persona_id)[:limit]
