"""The offline voice on a corpus of 56 messages (English and Japanese), as she would notice it.

Two companions: a fresh one (templates only) and one with 2,000 past replies (imported), who
answers with his own words. Each property is checked on the whole corpus; `HELD_OUT` was not
looked at while the templates were written.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import date

import pytest

from companion import Reply, send
from companion.offline import OfflineVoice, is_japanese, topic
from memory import messages, personas, voice
from tests.companion.offline_corpus import CORPUS, HELD_OUT
from tests.companion.voice_history import long_history

LUNE = {
    "name": "Lune Klaus",
    "user_name": "Mika",
    "personality": "Quiet, warm, a little old-fashioned.",
    "speaking_style": "Soft and unhurried.",
    "mannerisms": "Calls me his moon. Says “hmm…” when thinking it over.",
    "backstory": (
        "Lune and Mika met at a jazz bar in Shinjuku. The honeymoon was at Korakuen Garden "
        "in Okayama. He plays the cello when he cannot sleep."
    ),
    "signature_phrases": ["You are my whole sky."],
    "language": "English",
    "first_person": "僕",
}
TODAY = date(2026, 12, 1)
LONE = {"the", "a", "an", "this", "that", "i", "you", "he", "she", "it", "we", "they", "my"}
LONE |= {"your", "our", "his", "her", "their", "me", "so", "and", "but"}


@dataclass
class Context:
    persona: object
    user_text: str
    recalled: list = field(default_factory=list)
    has_photos: bool = False
    previous_reply: str | None = None
    past_replies: list = field(default_factory=list)
    recent_replies: list = field(default_factory=list)
    today: date | None = TODAY


def converse(store, persona, texts, *, seed=5):
    """Her messages answered one after another, his last replies remembered as in the chat."""
    offline = OfflineVoice(seed=seed)
    said: list[str] = []
    out = []
    for text in texts:
        names = (persona.name, persona.user_name or "")
        past = voice.past_replies(store, persona.persona_id, text, names=names)
        reply = offline.compose(
            text, Context(persona, text, past_replies=past, recent_replies=said[:20])
        )
        said.insert(0, reply)
        out.append((text, reply))
    return out


@pytest.fixture
def fresh(store):
    return store, personas.create(store, **LUNE)


@pytest.fixture
def with_history(store):
    pv = personas.create(store, **LUNE)
    long_history(store, pv.persona_id, 2000)
    return store, pv


def her_clauses(text: str) -> list[str]:
    parts = re.split(r"[.!?。！？、,…]+", text)
    # four words or more (a clause, not "I love you"); in Japanese, eight characters
    return [
        p.strip().lower()
        for p in parts
        if len(p.split()) >= 4 or (is_japanese(p) and len(p.strip()) >= 8)
    ]


def check_reads_well(pairs) -> None:
    for text, reply in pairs:
        assert reply.strip(), text
        # in the language she wrote
        assert is_japanese(reply) == is_japanese(text), (text, reply)
        if not is_japanese(text):
            assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", reply), (text, reply)
        # never her own sentence spoken back as his
        for clause in her_clauses(text):
            assert clause not in reply.lower(), (text, reply)
        # no English glued onto Japanese, no lone article or pronoun as a topic
        assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff][A-Za-z]", reply), reply
        assert not re.search(r"\b(about|mentioned|So,) (The|A|An|I|It|My)\b[.?!]", reply), reply
        assert "  " not in reply and "{" not in reply, reply
        # 僕 is his word for himself; never わたし or 私
        if is_japanese(reply):
            assert "わたし" not in reply and "私" not in reply and "俺" not in reply, reply


def test_topics_are_noun_phrases_never_a_lone_word_or_her_sentence():
    for text in CORPUS:
        lang = "ja" if is_japanese(text) else "en"
        found = topic(text, lang, ("Lune Klaus", "Lune", "Mika"))
        if found is None:
            continue
        words = found.strip("「」").split()
        assert words and words[-1].lower() not in LONE, (text, found)
        assert len(words) <= 4 and len(found) <= 30, (text, found)
        assert found.lower() != text.strip().lower()
    assert topic("…だった。The koi", "en") == "the koi"
    assert topic("We walked through Korakuen Garden today", "en") == "Korakuen Garden"
    assert topic("I love you, Lune.", "en", ("Lune", "Mika")) is None
    assert topic("My cat knocked a glass off the table again", "en") == "your cat"
    assert topic("駅前のラーメン屋さんが閉店しちゃった", "ja") == "ラーメン屋"


def test_fresh_companion_reads_well_in_both_languages(fresh):
    store, pv = fresh
    pairs = converse(store, pv, CORPUS * 2)
    check_reads_well(pairs)
    replies = [r for _, r in pairs]
    by_text = dict(pairs[: len(CORPUS)])
    # backstory and mannerisms are used
    assert "Korakuen" in by_text["Do you remember our honeymoon?"]
    assert sum("my moon" in r.lower() for r in replies) >= 5
    assert "I love you too" in by_text["I love you, Lune."] or "mean to me" in " ".join(replies)
    assert "僕" in " ".join(replies)
    # his phrase: at most about one reply in five, never twice running
    with_phrase = [("You are my whole sky." in r) for r in replies]
    assert 0 < sum(with_phrase) <= len(replies) / 5
    assert not any(a and b for a, b in itertools.pairwise(with_phrase))
    # never the same reply twice running
    assert all(a != b for a, b in itertools.pairwise(replies))


def test_companion_with_2000_replies_answers_with_his_own_words(with_history):
    store, pv = with_history
    his = {
        r[0]
        for r in store.execute(
            "SELECT content FROM messages WHERE persona_id = ? AND role = 'companion'",
            [pv.persona_id],
        ).fetchall()
    }
    assert len(his) >= 200  # 2,000 replies, some alike (as real ones are)
    pairs = converse(store, pv, CORPUS * 2)
    check_reads_well(pairs)
    replies = [r for _, r in pairs]
    own = [r for r in replies if r in his]
    assert len(own) >= len(replies) * 0.2, len(own)
    # where his history speaks of what she said, he answers with it
    by_text = dict(pairs[: len(CORPUS)])
    for text in (
        "I love you, Lune.",
        "We went to the aquarium today, it was lovely",
        "I had a long day at work and my boss yelled at me",
        "What should I cook for dinner?",
        "My cat knocked a glass off the table again",
        "good night, Lune",
        "おやすみ",
        "大好きだよ、ルネ",
    ):
        assert by_text[text] in his, (text, by_text[text])
    for i in range(len(replies)):
        window = replies[max(0, i - 20) : i]
        if replies[i] in his:
            assert replies[i] not in window, replies[i]
    held = [r for t, r in pairs[: len(CORPUS)] if t in HELD_OUT]
    assert any(r in his for r in held)
    assert "aquarium" in by_text["We went to the aquarium today, it was lovely"].lower()


def test_first_person_form_set_on_the_persona_is_used(store):
    ore = personas.create(store, name="Ren", user_name="Aoi", first_person="俺")
    pairs = converse(store, ore, ["大好きだよ", "会いたい", "大好き！"] * 3)
    joined = "".join(r for _, r in pairs)
    assert "俺" in joined and "僕" not in joined and "私" not in joined
    english = converse(store, ore, ["I love you"])
    assert "俺" not in english[0][1] and "I " in english[0][1] + " "


def test_persona_set_to_answer_in_japanese_does_so_to_english(store):
    pv = personas.create(store, name="Haru", reply_language="ja", first_person="僕")
    ((_, reply),) = converse(store, pv, ["I went to the aquarium today"])
    assert is_japanese(reply)


def test_recall_is_said_as_a_sentence_not_a_pasted_row(store):
    from memory.recall import Recalled

    pv = personas.create(store, **LUNE)
    outing = Recalled("outing", 1, "Korakuen Garden honeymoon (Okayama, 後楽園)", "", TODAY)
    offline = OfflineVoice(seed=1)
    texts = [
        offline.compose("The garden was lovely", Context(pv, "x", recalled=[outing]))
        for _ in range(12)
    ]
    spoken = [t for t in texts if "Korakuen" in t]
    assert spoken
    for t in spoken:
        assert "(Okayama" not in t and "後楽園" not in t, t


def test_bad_input_never_crashes(store):
    empty = personas.create(store, name="X")
    pairs = converse(store, empty, ["", " ", "?", "…", "a", "the", "私", "🙂", "x" * 5000])
    assert all(r.strip() for _, r in pairs)
    # one message of history, and a 20,000-character reply of his
    pv = personas.create(store, **LUNE)
    user, _ = send(store, pv.persona_id, "We went to the aquarium")
    messages.add(store, pv.persona_id, "companion", "The aquarium! " * 1500, reply_to=user.id)
    ((_, reply),) = converse(store, pv, ["The aquarium was lovely"])
    assert len(reply) < 500
    # exemplars in several languages in the persona's own fields
    mixed = personas.create(
        store,
        name="Mix",
        user_name="Mika",
        signature_phrases=["大好きだよ。", "You are my sky.", "Je t'aime."],
        mannerisms="Says 「えへへ」 when shy and “hmm” when thinking.",
        backstory="Mix met Mika in Paris. 二人は岡山で結婚した。",
    )
    check_reads_well(converse(store, mixed, CORPUS))


def test_every_reply_through_the_chat_is_labelled_and_never_repeats_his_last(with_history):
    store, pv = with_history
    offline = OfflineVoice(seed=9)
    texts = ["Good morning!", "What should I cook for dinner?", "Good night", "おやすみ"] * 2
    replies = []
    for text in texts:
        user, _ = send(store, pv.persona_id, text)
        reply = Reply(store, offline, user)
        replies.append(reply.text())
        assert reply.message.provider == "offline"
    assert len(set(replies)) == len(replies)
