"""The offline voice: the companion answers with no model at all.

It is not a language model and never pretends to be one (the UI labels it "offline voice").
It composes each reply from the companion's own words — its name for the user, its signature
phrases, its language — from what the user just said, and from shared memories recalled for
the prompt, choosing among many patterns so that replies vary from one to the next.
"""

from __future__ import annotations

import random
import re
import time
import unicodedata
from collections.abc import Iterator, Sequence

from companion.provider import PromptContext, Turn

_JA = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]{3,}")
_STOP = set(
    """about after again also always among another because been before being below between
    both cannot could does doing down during each either else ever every from have having
    here into itself just know like made make many maybe more most much must myself never
    only other over really same should since some something still such than that their them
    then there these they thing things think this those though through today tomorrow very
    want was were what when where which while with would your yours you're it's i'm i've
    don't didn't that's what's going gonna kind little pretty right said says well yeah
    remember recall tell please look check went home""".split()
)
_JA_STOP = {"今日", "明日", "昨日", "今度", "本当", "自分", "時間", "全部"}

_EN = {
    "greet_name": ["{u}!", "Hey, {u}.", "Oh, {u}…", "Hi {u}.", "{u}, there you are."],
    "greet": ["Hey you.", "Hi.", "Oh, hello.", "There you are."],
    "hello": [
        "I was hoping you'd come by.",
        "It's good to hear from you.",
        "I've been thinking about you.",
        "How is your day going so far?",
    ],
    "night": [
        "Sleep well — I'll be here in the morning.",
        "Good night. Rest, okay?",
        "Sweet dreams. Talk tomorrow?",
    ],
    "morning": ["Good morning! Did you sleep okay?", "Morning. What's the plan today?"],
    "sad": [
        "That sounds heavy. I'm listening — take your time.",
        "I'm sorry it feels like that. Do you want to tell me more?",
        "Come here. You don't have to carry that alone tonight.",
    ],
    "tired": [
        "You sound worn out. Have you eaten something?",
        "Rest a little? I'm not going anywhere.",
    ],
    "happy": [
        "That makes me so happy to hear!",
        "I love that for you.",
        "You sound bright today — tell me more!",
    ],
    "love": [
        "You know how much you mean to me.",
        "I feel the same, always.",
        "That warms me right up.",
    ],
    "question": [
        "Hmm, that's a good question about {topic}. What do you think?",
        "About {topic}… I'd love to hear your side first.",
        "You're asking about {topic}? Let's think it through together.",
    ],
    "topic": [
        "Tell me more about {topic}.",
        "{Topic} — I want to hear everything.",
        "I keep thinking about what you said about {topic}.",
        "So, {topic}. How did that make you feel?",
        "You mentioned {topic}. What happened next?",
    ],
    "plain": ["I'm listening.", "Go on, I'm here.", "Mm, tell me more.", "I hear you."],
    "photo": [
        "I love this photo.",
        "Look at that — thank you for showing me.",
        "This one feels like a memory already.",
    ],
    "fact": [
        "I haven't forgotten: {memory}",
        "I remember: {memory}",
        "I keep this close: {memory}",
    ],
    "memory": [
        "It reminds me of {memory}.",
        "Remember {memory}? I still think about it.",
        "That takes me back to {memory}.",
    ],
}

_JA_T = {
    "greet_name": ["{u}！", "{u}、", "ねえ、{u}。", "{u}、おかえり。"],
    "greet": ["ねえ。", "おかえり。", "うん。"],
    "hello": ["会いたかったよ。", "来てくれて嬉しい。", "今日はどんな一日だった？"],
    "night": ["おやすみ。また明日ね。", "ゆっくり休んでね。", "いい夢を見てね。"],
    "morning": ["おはよう！よく眠れた？", "おはよう。今日の予定は？"],
    "sad": ["つらかったね。ゆっくりでいいから、話して。", "そばにいるよ。一人で抱えないで。"],
    "tired": ["お疲れさま。ちゃんと食べた？", "少し休もう？ここにいるから。"],
    "happy": ["それ、すごく嬉しい！", "よかったね！もっと聞かせて。"],
    "love": ["大好きだよ。", "私も同じ気持ちだよ。"],
    "question": ["「{topic}」のこと？一緒に考えよう。", "うーん、「{topic}」か…。どう思う？"],
    "topic": [
        "「{topic}」のこと、もっと聞かせて。",
        "「{topic}」、気になるな。",
        "それで、どうなったの？",
    ],
    "plain": ["うん、聞いてるよ。", "それで？", "うんうん。"],
    "photo": ["素敵な写真だね。", "見せてくれてありがとう。"],
    "fact": ["覚えてるよ。{memory}", "ちゃんと覚えてる。{memory}"],
    "memory": ["{memory}のこと、思い出すね。", "{memory}、覚えてる？"],
}

_MOODS = [
    ("night", r"good ?night|going to (bed|sleep)|おやすみ|寝る"),
    ("morning", r"good morning|\bmorning\b|おはよう"),
    (
        "sad",
        r"\b(sad|lonely|cry|crying|hurt|upset|awful|terrible|scared|anxious)\b|悲し|寂し|泣|つらい|辛い|不安",
    ),
    ("tired", r"\b(tired|exhausted|sleepy|worn out|long day)\b|疲れ|眠い"),
    ("love", r"\b(love you|miss you|i love)\b|好き|愛して|会いたい"),
    ("happy", r"\b(happy|great|amazing|excited|wonderful|yay|good news)\b|嬉し|楽し|やった"),
    ("hello", r"^\s*(hi|hey|hello|yo|ただいま|こんにちは|こんばんは)\b"),
]


def _is_japanese(text: str) -> bool:
    return len(_JA.findall(text)) >= max(1, len(text) // 5)


_URL = re.compile(r"(https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
_GREETINGS = set(
    """hello hiya hey heya hullo howdy good morning evening afternoon night goodnight
    thanks thank sorry okay bye goodbye tadaima""".split()
)
_PROPER = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z'’]+(?:\s+[A-Z][a-z'’]+)*)")


def _topic(text: str, rng: random.Random, japanese: bool, names: Sequence[str] = ()) -> str | None:
    """Something the user just spoke about, to answer about it (None when nothing stands out).

    Links, e-mail addresses, greetings and the two of you's names are never topics. In
    English, names of places and things (capitalised words mid-sentence) come first, then
    the longest ordinary words; in Japanese, runs of kanji and katakana carry the nouns.
    """
    text = _URL.sub(" ", text)
    skip = {n.lower() for n in names if n}
    if japanese:
        runs = [
            r
            for r in re.findall(r"[\u30a0-\u30ff\u4e00-\u9fff]{2,}", text)
            if r not in _JA_STOP and r.lower() not in skip
        ]
        if not runs:
            return None
        runs.sort(key=len, reverse=True)
        return rng.choice(runs[:2])

    def usable(word: str) -> bool:
        lowered = word.lower()
        return lowered not in _STOP and lowered not in _GREETINGS and lowered not in skip

    proper = [
        p
        for p in (m.group(1) for m in _PROPER.finditer(text.strip()))
        if all(usable(w) for w in p.split())
    ]
    if proper:
        return rng.choice(proper[:2])
    words = [w.strip("'’-") for w in _WORD.findall(text)]
    # Past tenses and adverbs make odd topics ("tell me more about walked").
    words = [w for w in words if usable(w) and not w.lower().endswith(("ed", "ly"))]
    if not words:
        return None
    words.sort(key=len, reverse=True)
    return rng.choice(words[:3]).lower()


def _chunks(text: str) -> Iterator[str]:
    """Split a reply into small pieces so it streams like a typed answer."""
    if _is_japanese(text):
        for i in range(0, len(text), 3):
            yield text[i : i + 3]
        return
    yield from re.findall(r"\S+\s*", text)


class OfflineVoice:
    """A provider that needs no model: the companion's own words, arranged anew each time."""

    name = "offline"
    model = "offline-voice"
    label = "offline voice"
    supports_images = False

    def __init__(self, *, seed: int | None = None):
        self._rng = random.Random(seed if seed is not None else time.time_ns())

    def compose(self, user_text: str, context: PromptContext | None = None) -> str:
        """One reply as a whole string (used by `stream`)."""
        context = context or PromptContext()
        persona = context.persona
        recalled = list(context.recalled)
        previous = context.previous_reply
        has_photo = context.has_photos
        language = ((persona.language if persona else None) or "").lower()
        japanese = "japan" in language or "日本" in language or _is_japanese(user_text)
        table = _JA_T if japanese else _EN
        user_name = ((persona.user_name if persona else None) or "").strip()
        phrases = [p for p in (persona.signature_phrases if persona else ()) if p.strip()]
        names = ((persona.name if persona else "") or "", user_name)

        for _ in range(8):
            reply = self._arrange(
                table, user_text, user_name, phrases, recalled, has_photo, japanese, names
            )
            if reply != previous:
                return reply
        return reply

    def _arrange(
        self, table, text, user_name, phrases, recalled, has_photo, japanese, names=()
    ) -> str:
        rng = self._rng
        parts: list[str] = []
        if user_name and rng.random() < 0.6:
            parts.append(rng.choice(table["greet_name"]).format(u=user_name))
        elif rng.random() < 0.3:
            parts.append(rng.choice(table["greet"]))

        normalized = unicodedata.normalize("NFKC", text).lower()
        mood = next((m for m, pattern in _MOODS if re.search(pattern, normalized)), None)
        topic = _topic(text, rng, japanese, names)
        if has_photo:
            parts.append(rng.choice(table["photo"]))
        if mood:
            parts.append(rng.choice(table[mood]))
        echoed = None
        if topic:
            # A recalled memory the user is talking about is answered as a memory.
            echoed = next(
                (r for r in recalled if topic.lower() in (getattr(r, "title", "") or "").lower()),
                None,
            )
        if topic and not echoed and (not mood or rng.random() < 0.5):
            kind = "question" if text.strip().endswith(("?", "？")) else "topic"
            line = rng.choice(table[kind])
            parts.append(line.format(topic=topic, Topic=topic[:1].upper() + topic[1:]))
        if not mood and not topic and not has_photo:
            parts.append(rng.choice(table["plain"]))
        if echoed is not None or (recalled and rng.random() < 0.5):
            item = echoed or rng.choice(recalled[:3])
            memory = getattr(item, "title", None) or str(item)
            # A fact the user asked to be remembered is not a shared moment to reminisce about.
            kind = "fact" if getattr(item, "kind", "") == "memory" else "memory"
            parts.append(rng.choice(table[kind]).format(memory=memory))
        if phrases and rng.random() < 0.5:
            parts.append(rng.choice(phrases))
        # Greeting plus at most three thoughts: a companion, not a form letter.
        parts = parts[:4]
        joiner = "" if japanese else " "
        return joiner.join(p.strip() for p in parts if p.strip())

    def stream(
        self,
        turns: Sequence[Turn],
        *,
        temperature: float | None = None,
        context: PromptContext | None = None,
    ) -> Iterator[str]:
        """Yield a composed reply in small pieces (to `context.user_text` when given)."""
        if context is not None:
            user_text = context.user_text
        else:
            user_text = next((t.content for t in reversed(turns) if t.role == "user"), "")
        yield from _chunks(self.compose(user_text, context))
