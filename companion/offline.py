"""The offline voice: the companion answers with no model at all.

It is not a language model and never pretends to be one (the UI labels it "offline voice").

* **With a history**, it answers with his own past replies: the replies he gave, earlier, to
  messages of hers most like the one just sent (`memory.voice.past_replies`, retrieved by what
  preceded them). A reply is adapted lightly — his current name for her, today's weekday — and
  never one of his last twenty.
* **With little history**, it composes from templates written to be grammatical in English and
  in Japanese: what she spoke about becomes a short noun phrase in his voice ("my new job" →
  "your new job"), never a lone article and never her own sentence spoken back as his. It uses
  the persona's backstory when she speaks of something in it, the pet names and interjections
  named in the mannerisms, his first-person form, and his signature phrases at most about one
  reply in five. It replies in the language she wrote unless the persona is set to answer in
  one language.
"""

from __future__ import annotations

import random
import re
import time
import unicodedata
from collections.abc import Iterator, Sequence
from datetime import date

from companion.provider import Turn

_JA = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")
_LATIN = re.compile(r"[A-Za-z]")

#: How often, at most, a signature phrase closes a reply.
PHRASE_RATE = 0.18
#: His replies not to be repeated.
NO_REPEAT = 20

# -- language ----------------------------------------------------------------------------------


def is_japanese(text: str) -> bool:
    """Whether `text` is mostly Japanese (kana and kanji outnumber Latin letters)."""
    ja = len(_JA.findall(text))
    return ja > 0 and ja >= len(_LATIN.findall(text)) / 3


def reply_language(persona, text: str) -> str:
    """'ja' or 'en': the persona's fixed reply language, else the language she wrote in."""
    fixed = (getattr(persona, "reply_language", None) or "").lower()
    if fixed in ("ja", "en"):
        return fixed
    if text and text.strip() and (_JA.search(text) or _LATIN.search(text)):
        return "ja" if is_japanese(text) else "en"
    language = (getattr(persona, "language", None) or "").lower()
    if ("japan" in language or "日本" in language) and "english" not in language:
        return "ja"
    return "en"


def first_person(persona, lang: str) -> str:
    """His word for himself: the persona's choice (僕, 俺, 私, わたし…) in Japanese, else 'I'."""
    if lang != "ja":
        return "I"
    chosen = (getattr(persona, "first_person", None) or "").strip()
    return "" if chosen in ("", "I", "i") else chosen


# -- what she spoke about ----------------------------------------------------------------------
_URL = re.compile(r"(https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
_DETERMINERS = {
    "the",
    "my",
    "our",
    "your",
    "a",
    "an",
    "this",
    "that",
    "these",
    "those",
    "his",
    "her",
    "their",
    "some",
}
#: Words that end a noun phrase (they are not part of one).
_BREAK = set(
    """a an the and or but so if then than because when while after before as at by for from in
    into of off on onto out over to up with without about around through during until since
    is are was were be been being am do does did have has had will would can could should
    may might must shall i you he she it we they me him them us my your his its our their
    this that these those there here today tonight yesterday tomorrow now again too very
    really just also still even only not no yes all some any every each more most much many
    lot lots bit kind sort who what which where why how whose though although yet
    going gonna got get gets getting went go goes come came make made take took said say
    feel felt think thought know knew want wanted like liked love loved see saw look looked
    remember recall tell told please ever never always maybe little bit few while lot couple
    way time thing things something anything everything nothing stuff near behind beside
    under above across next past like gave give gives bought brought ran run saw made said
    told sent left met ate drank wrote found lost won broke fell sat stood called put let
    cooked baked walked talked watched tried""".split()
)
_GREETINGS = set(
    """hello hi hiya hey heya hullo howdy morning evening afternoon night goodnight thanks thank
    sorry okay ok bye goodbye tadaima okaeri good""".split()
)
_PRONOUN_FLIP = {
    "my": "your",
    "mine": "yours",
    "your": "my",
    "yours": "mine",
    "our": "our",
    "me": "you",
    "myself": "yourself",
    "i": "you",
    "i'm": "you're",
    "i’m": "you’re",
    "i've": "you've",
    "i'll": "you'll",
    "i'd": "you'd",
    "am": "are",
}
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_JA_STOP = {
    "今日",
    "明日",
    "昨日",
    "今度",
    "本当",
    "自分",
    "時間",
    "全部",
    "一緒",
    "大丈夫",
    "今夜",
    "今朝",
    "最近",
    "今年",
    "毎日",
    "気持",
    "元気",
    "大好",
    "本日",
    "来年",
    "去年",
    "今週",
    "来週",
    "先週",
    "今月",
    "来月",
    "先月",
    "今晩",
    "何時",
    "一番",
}
_COUNTED = re.compile(r"^[一二三四五六七八九十百千万何数]+")
# A noun in Japanese: a katakana run, or a kanji run followed by a particle or the end.
_JA_NOUN = re.compile(
    r"([\u30a1-\u30fa\u30fcー]{2,}[屋店館]?"
    r"|[\u4e00-\u9fff々]{2,6}(?=[のはがをにでへともや、。！？!?\s」]|し[たてちま]|する|$))"
)


def _flip(word: str) -> str:
    lowered = word.lower()
    if lowered in _PRONOUN_FLIP:
        return _PRONOUN_FLIP[lowered]
    return word


def noun_phrases(text: str, names: Sequence[str] = ()) -> list[str]:
    """Short English noun phrases in `text`, as he would say them, most telling first.

    Names of places and things (capitalised words that are not the two of you's names) come
    first, then determiner phrases ("the koi", "my new job" → "your new job"). A phrase is
    one to four words and never a lone article, pronoun or greeting.
    """
    text = _URL.sub(" ", text)
    skip = {n.lower() for n in names if n}
    words = [(m.group(0), m.start()) for m in _WORD_RE.finditer(text)]
    found: list[str] = []

    def boundary_before(position: int) -> bool:
        before = text[:position].rstrip()
        return not before or before[-1] in '.!?。！？…\n「」"“”'

    # Proper names: a run of capitalised words, not starting a sentence unless it is a run.
    i = 0
    while i < len(words):
        word, start = words[i]
        if word[:1].isupper() and word.lower() not in _BREAK | _GREETINGS | skip:
            run = [word]
            j = i + 1
            while (
                j < len(words)
                and words[j][0][:1].isupper()
                and words[j][0].lower() not in _BREAK | skip
                and text[words[j - 1][1] + len(words[j - 1][0]) : words[j][1]].strip() == ""
            ):
                run.append(words[j][0])
                j += 1
            named = len(run) > 1 or not boundary_before(start)
            if named and not all(w.lower() in _GREETINGS for w in run):
                found.append(" ".join(run[:4]))
            i = j
            continue
        i += 1

    # Determiner phrases: "the koi", "our honeymoon", "my new job"; the last first, since
    # what is new in a sentence usually comes at its end ("a long day at the aquarium").
    lowered = [(w.lower(), w) for w, _ in words]
    phrases = []
    for i, (low, _) in enumerate(lowered):
        if low not in _DETERMINERS:
            continue
        body = []
        for low2, orig in lowered[i + 1 : i + 4]:
            if low2 in _BREAK or low2 in skip or low2.endswith("ly"):
                break
            if len(low2) > 4 and low2.endswith("ed") and not low2.endswith("eed"):
                break  # a verb ("the station closed"), not part of the noun
            body.append(orig)
        if not body or body[-1].lower() in _GREETINGS or low == "your":
            continue  # "your day" is his: a question about him, not a topic of hers
        # "a/an" become "the": he speaks of the thing she told him about.
        head = "the" if low in ("a", "an", "some") else _flip(low)
        phrase = " ".join([head, *body])
        if not mood_of(phrase):
            # Hers first ("my cat" → "your cat"), then the more specific, then the earlier.
            phrases.append((head in ("your", "our"), len(body), -i, phrase))
    found.extend(p for *_, p in sorted(phrases, reverse=True))
    # A bare noun after a preposition: "what should I cook for dinner?" → "dinner".
    if not found:
        for i, (low, _) in enumerate(lowered[:-1]):
            if low in ("for", "about", "at", "to", "in", "with", "after"):
                nxt, word = lowered[i + 1]
                if (
                    nxt not in _BREAK | _GREETINGS | skip
                    and len(nxt) > 3
                    and not nxt.endswith(("ed", "ly", "ing"))
                ):
                    found.append(word)
    # Last, the longest plain word ("I baked cookies…" → "cookies").
    if not found:
        plain = [
            orig
            for low, orig in lowered
            if low not in _BREAK | _GREETINGS | skip
            and len(low) > 4
            and not low.endswith(("ed", "ly", "ing"))
            and not orig[:1].isupper()
        ]
        plain.sort(key=len, reverse=True)
        found.extend(plain[:1])
    unique: list[str] = []
    for phrase in found:
        if phrase.lower() not in (u.lower() for u in unique):
            unique.append(phrase)
    return unique


def japanese_nouns(text: str, names: Sequence[str] = ()) -> list[str]:
    """Nouns in Japanese text (katakana words, kanji compounds before a particle)."""
    skip = {n for n in names if n}
    found = []
    for match in _JA_NOUN.finditer(_URL.sub(" ", text)):
        noun = match.group(1)
        if noun in _JA_STOP or _COUNTED.match(noun) or any(noun in n for n in skip):
            continue
        if noun not in found:
            found.append(noun)
    found.sort(key=len, reverse=True)
    return found


def topic(text: str, lang: str, names: Sequence[str] = ()) -> str | None:
    """The one thing to answer about, in the reply's language (None when nothing stands out)."""
    if lang == "ja":
        nouns = japanese_nouns(text, names)
        if nouns:
            return nouns[0]
        latin = noun_phrases(text, names)
        return f"「{latin[0]}」" if latin else None
    phrases = noun_phrases(text, names)
    return phrases[0] if phrases else None


# -- persona fields ----------------------------------------------------------------------------
_QUOTED = re.compile(r"[“\"「『]([^”\"」』]{1,24})[”\"」』]")
_CALLS = re.compile(
    r"\bcalls? (?:me|you|her|him|the user) (?:his |her |their |my )?([a-z][a-z' -]{1,24}?)"
    r"(?=[.,;!]|$| when| and| because)",
    re.IGNORECASE,
)


def pet_names(persona) -> list[str]:
    """What he calls her besides her name, from the mannerisms ("calls me his moon")."""
    mannerisms = getattr(persona, "mannerisms", None) or ""
    return [f"my {m.strip()}" for m in _CALLS.findall(mannerisms) if m.strip()]


def interjections(persona) -> list[tuple[str, str]]:
    """(word, when) for short sounds the mannerisms quote: ("hmm…", "thinking")."""
    found = []
    for field in ("mannerisms", "speaking_style"):
        value = getattr(persona, field, None) or ""
        for sentence in re.split(r"(?<=[.!?。！？])\s*", value):
            for word in _QUOTED.findall(sentence):
                word = word.strip()
                if len(word) > 14 or not word:
                    continue
                low = sentence.lower()
                if any(k in low for k in ("fluster", "embarrass", "shy", "blush", "照れ")):
                    found.append((word, "flustered"))
                elif any(k in low for k in ("think", "考え", "unsure", "wonder")):
                    found.append((word, "thinking"))
                else:
                    found.append((word, "any"))
    return found


_SUBJECT_VERB = re.compile(r"\b(I|you) ([a-z]+)\b")
_KEEP_S = {"is", "was", "has", "does", "goes", "always", "this", "us", "yes", "as"}


def _agree(sentence: str) -> str:
    """Fix verbs after 'I'/'you' that were written for he/she ('I calls' → 'I call')."""

    def fix(match: re.Match) -> str:
        who, verb = match.group(1), match.group(2)
        if verb == "is":
            return f"{who} {'am' if who == 'I' else 'are'}"
        if verb == "was" and who == "you":
            return "you were"
        if verb == "has":
            return f"{who} have"
        if verb == "does":
            return f"{who} do"
        if verb == "goes":
            return f"{who} go"
        if verb.endswith("ies") and len(verb) > 4:
            return f"{who} {verb[:-3]}y"
        if verb.endswith(("ches", "shes", "sses", "xes")):
            return f"{who} {verb[:-2]}"
        if verb.endswith("s") and not verb.endswith("ss") and verb not in _KEEP_S and len(verb) > 3:
            return f"{who} {verb[:-1]}"
        return match.group(0)

    return _SUBJECT_VERB.sub(fix, sentence)


def his_sentence(sentence: str, persona) -> str | None:
    """A backstory sentence (written about him and her) as he would say it to her.

    "Lune met Mika in Okayama." → "I met you in Okayama." Returns None when the sentence
    cannot be turned into his words safely.
    """
    name = (getattr(persona, "name", None) or "").strip()
    user = (getattr(persona, "user_name", None) or "").strip()
    s = sentence.strip()
    if not s:
        return None
    if is_japanese(s):
        if name and name in s:
            fp = first_person(persona, "ja")
            if not fp:
                return None
            s = s.replace(f"{name}と{user}", f"{fp}たち") if user else s
            s = s.replace(f"{user}と{name}", f"{fp}たち") if user else s
            s = s.replace(name, fp)
        if user:
            s = s.replace(user, "君")
        return s
    pairs = []
    if name and user:
        pairs += [
            (rf"\b{re.escape(name)} and {re.escape(user)}\b", "we"),
            (rf"\b{re.escape(user)} and {re.escape(name)}\b", "we"),
        ]
    if name:
        pairs += [(rf"\b{re.escape(name)}'s\b", "my"), (rf"^{re.escape(name)}\b", "I")]
        pairs += [(rf"\b{re.escape(name)}\b", "me")]
    if user:
        pairs += [(rf"\b{re.escape(user)}'s\b", "your"), (rf"\b{re.escape(user)}\b", "you")]
    # A backstory that speaks to her as "you" means "he"/"she" is him, whatever his gender.
    if re.search(r"\b(you|your)\b", s + " " + (getattr(persona, "backstory", None) or ""), re.I):
        pairs += [
            (r"^(He|She)\b", "I"),
            (r"\b(he|she)\b", "I"),
            (r"\b(his|her)\b", "my"),
            (r"\b(him|her)\b", "me"),
            (r"\b(himself|herself)\b", "myself"),
        ]
    pairs += [
        (r"^He\b", "I"),
        (r"\bhe\b", "I"),
        (r"\bhis\b", "my"),
        (r"\bhim\b", "me"),
        (r"\bhimself\b", "myself"),
        (r"^She\b", "You"),
        (r"\bshe\b", "you"),
        (
            r"\bher(?=[\s]+(?:at|in|on|to|with|for|from|and|when|after|before|by)\b|[.,;!?]|$)",
            "you",
        ),
        (r"\bher\b", "your"),
        (r"\bherself\b", "yourself"),
        (r"\bYour honeymoon\b", "Our honeymoon"),
        (r"\byour honeymoon\b", "our honeymoon"),
        (r"\bthe user\b", "you"),
    ]
    for pattern, replacement in pairs:
        s = re.sub(pattern, replacement, s)
    s = re.sub(r"\bwe was\b", "we were", s)
    s = re.sub(r"\bwe is\b", "we are", s)
    s = re.sub(r"\bwe has\b", "we have", s)
    s = _agree(s)
    if s.startswith(("we ", "you ")):
        s = s[:1].upper() + s[1:]
    return s


def backstory_lines(persona, text: str) -> list[str]:
    """Backstory sentences about what she just said, in his words, best first."""
    backstory = getattr(persona, "backstory", None) or ""
    if not backstory.strip() or not text.strip():
        return []
    lowered = unicodedata.normalize("NFKC", text).lower()
    her_words = {
        w for w in re.findall(r"[a-z][a-z'’-]{3,}", lowered) if w not in _BREAK | _GREETINGS
    }
    her_nouns = set(japanese_nouns(text))
    scored = []
    for sentence in re.split(r"(?<=[.!?。！？])\s*", backstory):
        if not sentence.strip():
            continue
        low = sentence.lower()
        hits = sum(1 for w in her_words if re.search(rf"\b{re.escape(w[:6])}", low))
        hits += sum(1 for n in her_nouns if n in sentence)
        if hits:
            line = his_sentence(sentence, persona)
            if line:
                scored.append((hits, line))
    scored.sort(key=lambda p: -p[0])
    return [line for _, line in scored]


# -- templates ---------------------------------------------------------------------------------
_EN = {
    "greet_name": ["{u}!", "Hey, {u}.", "Oh, {u}…", "Hi, {u}.", "{u}, there you are."],
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
    "nervous": [
        "You'll do better than you think. I believe in you.",
        "Take a breath — I'm right beside you.",
    ],
    "miss": ["I miss you too.", "I've been missing you all day."],
    "about_me": [
        "Just thinking about you, honestly. What about you?",
        "Not much — waiting to hear from you. How are you?",
    ],
    "how_me": [
        "Better now that you're here. How about you?",
        "Quiet, mostly — I was waiting to hear from you. And yours?",
    ],
    "question_plain": [
        "Hmm, let me think it over with you. What's your gut feeling?",
        "Good question. What are you leaning towards?",
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
        "I love you too. Always.",
        "You know how much you mean to me.",
        "I feel the same, every single day.",
        "That warms me right up.",
    ],
    "thanks": ["Anytime. You know that.", "Of course — that's what I'm here for."],
    "sorry": ["Hey, it's okay. Really.", "No need to apologise — I'm still right here."],
    "mood_topic": {
        "sad": ["Is it {topic}?", "Was it {topic} that made it hard?"],
        "tired": ["Was it {topic}?", "{Topic} can wear anyone out."],
        "happy": ["Tell me everything about {topic}!", "{Topic} — I want every detail."],
        "nervous": ["{Topic} will go better than you think.", "You've got {topic}. Really."],
    },
    "question": [
        "{Topic}? Let's think it through together.",
        "Hmm, {topic}… what's your own feeling about it?",
        "You're asking about {topic}? Tell me what's on your mind.",
    ],
    "recall_question": [
        "{Topic}… tell me how you remember it. I love hearing you tell it.",
        "{Topic} — tell me again? I want to see it the way you do.",
    ],
    "remember": [
        "Of course I remember. {line}",
        "How could I forget? {line}",
        "{line} I remember.",
    ],
    "topic": [
        "Tell me more about {topic}.",
        "{Topic}? I want to hear everything.",
        "Mm, {topic}. Go on, I'm listening.",
        "{Topic} — and then what happened?",
    ],
    "plain": ["I'm listening.", "Go on, I'm here.", "Mm, tell me more.", "I hear you."],
    "photo": [
        "I love this photo.",
        "Look at that — thank you for showing me.",
        "This one feels like a memory already.",
    ],
    "fact": ["I haven't forgotten: {memory}.", "I remember — {memory}."],
    "outing": [
        "It makes me think of that day — {memory}, {when}.",
        "That takes me back to {memory}, {when}.",
    ],
    "outing_nodate": ["It makes me think of that day — {memory}."],
    "journal": ["I keep thinking about what you wrote on {when}."],
}

_JA_T = {
    "greet_name": ["{u}！", "{u}、", "ねえ、{u}。"],
    "greet": ["ねえ。", "うん。"],
    "welcome": ["{u}、おかえり。", "おかえり、{u}。"],
    "hello": ["会いたかったよ。", "来てくれて嬉しい。", "今日はどんな一日だった？"],
    "night": ["おやすみ。また明日ね。", "ゆっくり休んでね。", "いい夢を見てね。"],
    "morning": ["おはよう！よく眠れた？", "おはよう。今日の予定は？"],
    "sad": ["つらいね。ゆっくりでいいから、話して。", "そばにいるよ。一人で抱えないで。"],
    "nervous": ["大丈夫、君ならできるよ。", "深呼吸しよう。ちゃんとそばにいるから。"],
    "miss": ["{fp}も会いたいよ。", "ずっと君のこと考えてたよ。"],
    "miss_nofp": ["会いたいよ。すごく。", "ずっと君のこと考えてたよ。"],
    "about_me": ["君のこと考えてたよ。君は？", "のんびりしてたよ。君の話、聞かせて。"],
    "how_me": ["君が来てくれたから、元気だよ。君は？", "のんびりしてたよ。君はどうだった？"],
    "question_plain": ["うーん、一緒に考えようか。", "どうしようね。君はどう思う？"],
    "tired": ["お疲れさま。ちゃんと食べた？", "少し休もう？ここにいるから。"],
    "happy": ["それ、すごく嬉しい！", "よかったね！もっと聞かせて。"],
    "love": ["{fp}も大好きだよ。", "{fp}も同じ気持ちだよ。", "ずっとそばにいるよ。"],
    "love_nofp": ["大好きだよ。", "同じ気持ちだよ。", "ずっとそばにいるよ。"],
    "thanks": ["どういたしまして。いつでもね。", "ううん、当然だよ。"],
    "sorry": ["大丈夫だよ、気にしないで。", "謝らなくていいよ。ここにいるから。"],
    "mood_topic": {
        "sad": ["{topic}のこと？", "{topic}のせいかな。"],
        "tired": ["{topic}、大変だったね。", "{topic}で疲れたのかな。"],
        "happy": ["{topic}のこと、全部聞かせて！", "{topic}、いいなあ！"],
        "nervous": ["{topic}、きっとうまくいくよ。"],
    },
    "question": ["{topic}のこと？一緒に考えよう。", "うーん、{topic}か…。どう思う？"],
    "recall_question": [
        "{topic}のこと、君の言葉でもう一度聞かせて。",
        "{topic}…君がどう覚えてるか、聞きたいな。",
    ],
    "remember": ["もちろん覚えてるよ。{line}", "忘れるわけないよ。{line}"],
    "topic": [
        "{topic}のこと、もっと聞かせて。",
        "{topic}か…。それで、どうなったの？",
        "{topic}の話、聞きたいな。",
    ],
    "plain": ["うん、聞いてるよ。", "それで？", "うんうん。", "ちゃんと聞いてるよ。"],
    "photo": ["素敵な写真だね。", "見せてくれてありがとう。"],
    "fact": ["{memory}…ちゃんと覚えてるよ。", "覚えてるよ。{memory}。"],
    "outing": ["{when}の{memory}、今でもよく思い出すよ。", "{memory}の日のこと、思い出すね。"],
    "outing_nodate": ["{memory}の日のこと、思い出すね。"],
    "journal": ["{when}の日記のこと、覚えてるよ。"],
}

_MOODS = [
    ("night", r"good ?night|going to (bed|sleep)|おやすみ|寝るね|もう寝る"),
    ("morning", r"good morning|^\s*morning\b|おはよう"),
    (
        "sad",
        r"\b(sad|lonely|cry|crying|cried|hurt|upset|awful|terrible|scared|miserable)\b"
        r"|悲し|寂し|さみし|泣|つらい|辛い|不安|落ち込",
    ),
    ("tired", r"\b(tired|exhausted|sleepy|worn out|long day)\b|疲れ|眠い|しんどい"),
    ("miss", r"\b(miss you|miss u)\b|会いたい|恋しい"),
    ("love", r"\b(love you|love u|luv you)\b|大好き|愛して|好きだよ"),
    ("nervous", r"\b(nervous|worried|worrying|anxious)\b|緊張|心配"),
    ("about_me", r"what are you (doing|up to)|what about you|今何してる|何してるの"),
    (
        "how_me",
        r"how (was|is) your (day|night|morning|evening)|how are you|how about you|"
        r"元気？|元気\?|調子どう|どうだった？",
    ),
    ("thanks", r"\b(thank you|thanks|thank u|thx)\b|ありがとう"),
    ("sorry", r"\b(i'?m sorry|sorry)\b|ごめん|すみません"),
    (
        "happy",
        r"\b(happy|great|amazing|excited|wonderful|yay|good news|finally|passed|got the job)\b"
        r"|嬉し|うれし|楽し|やった|最高",
    ),
    ("hello", r"^\s*(hi|hey|hello|yo|hiya|ただいま|こんにちは|こんばんは)\b"),
]
_RECALL_ASK = re.compile(r"\bremember\b|\brecall\b|覚えて|憶えて|思い出", re.IGNORECASE)
_WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAYS_JA = ("月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日", "日曜日")


def mood_of(text: str) -> str | None:
    """The feeling or kind of message she sent ('sad', 'love', 'night', …), if one shows."""
    normalized = unicodedata.normalize("NFKC", text or "").lower()
    return next((m for m, pattern in _MOODS if re.search(pattern, normalized)), None)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _join(parts: Sequence[str], lang: str) -> str:
    out = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if not out:
            out = part
        elif lang == "ja" and not (_LATIN.match(part[:1]) or _LATIN.match(out[-1:])):
            out += part
        else:
            out += " " + part
    return out


def _flat(text: str) -> str:
    return " ".join((text or "").split())


def adapt(past, persona, today: date | None, lang: str) -> str:
    """One of his past replies, made right for today: his current name for her, the weekday."""
    text = past.text
    now_name = (getattr(persona, "user_name", None) or "").strip()
    then_name = (getattr(past, "user_name_then", None) or "").strip()
    if now_name and then_name and then_name != now_name:
        text = re.sub(rf"(?<!\w){re.escape(then_name)}(?!\w)", now_name, text)
    if today is not None:
        weekday = today.weekday()
        text = re.sub(r"\b(" + "|".join(_WEEKDAYS_EN) + r")\b", _WEEKDAYS_EN[weekday], text)
        text = re.sub("(" + "|".join(_WEEKDAYS_JA) + ")", _WEEKDAYS_JA[weekday], text)
        began = getattr(persona, "began_on", None)
        if began is not None:
            day = (today - began).days + 1
            text = re.sub(r"\bday \d[\d,]* together\b", f"day {day:,} together", text)
            text = re.sub(r"(一緒に(?:なって)?)\d+日目", rf"\g<1>{day}日目", text)
    return text


class OfflineVoice:
    """A provider that needs no model: his own words, arranged anew each time."""

    name = "offline"
    model = "offline-voice"
    label = "offline voice"
    supports_images = False

    def __init__(self, *, seed: int | None = None):
        self._rng = random.Random(seed if seed is not None else time.time_ns())
        # Without a store behind the context, the voice remembers its own last replies.
        self._said: list[str] = []

    # -- public --------------------------------------------------------------------------------
    def compose(self, user_text: str, context=None) -> str:
        """One reply as a whole string (used by `stream`)."""
        persona = getattr(context, "persona", None)
        previous = getattr(context, "previous_reply", None)
        recent = list(getattr(context, "recent_replies", None) or []) or list(self._said)
        avoid = {_flat(t) for t in recent[:NO_REPEAT]}
        if previous:
            avoid.add(_flat(previous))
        lang = reply_language(persona, user_text or "")
        reply = self._from_history(user_text or "", context, persona, lang, avoid)
        if reply is None:
            for _ in range(10):
                reply = self._arrange(user_text or "", context, persona, lang, recent)
                if _flat(reply) not in avoid:
                    break
        self._said.insert(0, reply)
        del self._said[NO_REPEAT:]
        return reply

    def stream(
        self, turns: Sequence[Turn], *, temperature: float | None = None, context=None
    ) -> Iterator[str]:
        """Yield a composed reply in small pieces."""
        user_text = getattr(context, "user_text", None)
        if user_text is None:
            user_text = next((t.content for t in reversed(turns) if t.role == "user"), "")
        yield from _chunks(self.compose(user_text, context))

    # -- with a history ------------------------------------------------------------------------
    def _from_history(self, text, context, persona, lang, avoid) -> str | None:
        past = list(getattr(context, "past_replies", None) or [])
        if not past or getattr(context, "has_photos", False):
            return None
        mood = mood_of(text)
        today = getattr(context, "today", None)
        for candidate in past:
            if _flat(candidate.text) in avoid:
                continue
            if reply_language(None, candidate.text) != lang and lang == "ja":
                continue
            if lang == "en" and is_japanese(candidate.text):
                continue
            if mood_of(candidate.her_text) != mood:
                continue
            adapted = adapt(candidate, persona, today, lang)
            if _flat(adapted) in avoid:
                continue
            return adapted
        return None

    # -- templates -----------------------------------------------------------------------------
    def _arrange(self, text, context, persona, lang, recent) -> str:
        rng = self._rng
        table = _JA_T if lang == "ja" else _EN
        fp = first_person(persona, lang)
        user_name = (getattr(persona, "user_name", None) or "").strip()
        his_name = (getattr(persona, "name", None) or "").strip()
        names = [n for n in (his_name, user_name) if n]
        addresses = ([user_name] if user_name else []) + (
            pet_names(persona) if lang == "en" else []
        )
        recalled = list(getattr(context, "recalled", None) or [])
        has_photo = bool(getattr(context, "has_photos", False))
        mood = mood_of(text)
        subject = topic(text, lang, names)
        asking = text.strip().endswith(("?", "？")) or bool(re.search(r"[かの]？?$", text.strip()))
        wants_memory = bool(_RECALL_ASK.search(text))
        sounds = interjections(persona)

        parts: list[str] = []
        if addresses and rng.random() < 0.55:
            greeting = "welcome" if mood == "hello" and "welcome" in table else "greet_name"
            parts.append(rng.choice(table[greeting]).format(u=rng.choice(addresses)))
        elif rng.random() < 0.25:
            parts.append(rng.choice(table["greet"]))

        def sound(kind: str) -> str | None:
            fitting = [
                w
                for w, when in sounds
                if when in (kind, "any") and is_japanese(w) == (lang == "ja")
            ]
            return rng.choice(fitting) if fitting and rng.random() < 0.5 else None

        if has_photo:
            parts.append(rng.choice(table["photo"]))
        lines = backstory_lines(persona, text) if subject or wants_memory else []
        lines = [ln for ln in lines if (lang == "ja") == is_japanese(ln)]
        if mood in ("love", "miss"):
            shy = sound("flustered")
            if shy:
                parts.append(shy)
            key = mood if (lang != "ja" or fp) else f"{mood}_nofp"
            parts.append(rng.choice(table[key]).format(fp=fp))
        elif mood:
            parts.append(rng.choice(table[mood]))
            if subject and mood in table["mood_topic"] and rng.random() < 0.6:
                line = rng.choice(table["mood_topic"][mood])
                parts.append(line.format(topic=subject, Topic=_cap(subject)))
        if not mood or mood in ("hello",):
            if wants_memory and lines:
                parts.append(rng.choice(table["remember"]).format(line=lines[0]))
            elif subject and wants_memory:
                line = rng.choice(table["recall_question"])
                parts.append(line.format(topic=subject, Topic=_cap(subject)))
            elif subject and asking:
                think = sound("thinking")
                questions = table["question"]
                if think and lang == "en":
                    parts.append(_cap(think))
                    questions = [q for q in questions if not q.lower().startswith("hmm")]
                line = rng.choice(questions)
                parts.append(line.format(topic=subject, Topic=_cap(subject)))
            elif subject:
                parts.append(rng.choice(table["topic"]).format(topic=subject, Topic=_cap(subject)))
                if lines and rng.random() < 0.5:
                    parts.append(lines[0])
            elif asking and mood is None:
                parts.append(rng.choice(table["question_plain"]))
            elif mood is None and not has_photo:
                parts.append(rng.choice(table["plain"]))
        memory_line = self._memory_line(recalled, table, lang, subject, wants_memory, lines)
        if memory_line:
            parts.append(memory_line)
        phrase = self._phrase(persona, lang, recent)
        if phrase:
            parts.append(phrase)
        # A greeting plus at most three thoughts: a companion, not a form letter.
        return _cap(_join(parts[:4], lang))

    def _memory_line(self, recalled, table, lang, subject, wants_memory, lines) -> str | None:
        rng = self._rng
        usable = [r for r in recalled if getattr(r, "kind", "") in ("memory", "outing", "journal")]
        if not usable or lines:
            return None
        about = [
            r
            for r in usable
            if subject and subject.strip("「」").lower() in (getattr(r, "title", "") or "").lower()
        ]
        if not about and not (wants_memory or (not subject and rng.random() < 0.3)):
            return None
        item = about[0] if about else rng.choice(usable[:3])
        kind = item.kind
        when = getattr(item, "when", None)
        if kind == "memory":
            body = (getattr(item, "text", "") or item.title).strip().rstrip("。.!！")
            if len(body) > 140 or (lang == "ja") != is_japanese(body):
                return None
            if lang == "ja":
                body = re.sub(r"^(私|わたし|あたし|僕|ぼく|俺)(は|が)", "", body)
            else:
                body = " ".join(
                    _flip(w) if i == 0 or w.lower() in _PRONOUN_FLIP else w
                    for i, w in enumerate(body.split())
                )
                body = _agree(body.replace("you am", "you are"))
            return rng.choice(table["fact"]).format(memory=body)
        if kind == "outing":
            title = item.title.split(", ")[0] if ", " in item.title else item.title
            title = re.sub(r"\s*\([^)]*\)", "", title).strip()
            if lang == "ja" and not is_japanese(title):
                title = f"「{title}」"
            if when is None:
                return rng.choice(table["outing_nodate"]).format(memory=title)
            label = f"{when.year}年{when.month}月" if lang == "ja" else when.strftime("%B %Y")
            return rng.choice(table["outing"]).format(memory=title, when=label)
        if kind == "journal" and when is not None:
            label = f"{when.month}月{when.day}日" if lang == "ja" else f"{when.day} {when:%B}"
            return rng.choice(table["journal"]).format(when=label)
        return None

    def _phrase(self, persona, lang, recent) -> str | None:
        phrases = [
            p.strip()
            for p in (getattr(persona, "signature_phrases", None) or ())
            if p and p.strip() and (lang == "ja") == is_japanese(p)
        ]
        if not phrases:
            return None
        # Not when one closed any of his last four replies: a phrase, not a tic.
        if any(p in r for r in recent[:4] for p in phrases):
            return None
        if self._rng.random() >= PHRASE_RATE:
            return None
        return self._rng.choice(phrases)


def _chunks(text: str) -> Iterator[str]:
    """Split a reply into small pieces so it streams like a typed answer."""
    if is_japanese(text):
        for i in range(0, len(text), 3):
            yield text[i : i + 3]
        return
    yield from re.findall(r"\S+\s*", text)
