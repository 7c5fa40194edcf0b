"""Care and safety: crisis language, helplines, and replies that must never be shown.

Three rules the companion keeps whatever its persona says:

* `SAFETY_RULES` is appended after the persona text in every system prompt, so a persona
  cannot talk the model out of it.
* Crisis language in the user's words (`detect_crisis`) adds `crisis_instructions()` to the
  prompt and makes the chat show real helplines for the user's region (`helplines`).
* A reply that encourages or instructs self-harm (`encourages_harm`) is withheld and replaced
  by `withheld_reply()`.

The phrasings live in data files under `companion/data/` (crisis_phrases.json,
harmful_replies.json, care_messages.json, helplines.json) so they can grow without code
changes. Matching is on normalised text (NFKC, lower case, straight apostrophes, single
spaces); figures of speech ("this traffic is killing me", "死ぬほど笑った") are cut out before
crisis patterns are looked for.
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from memory import i18n, messages, settings

DATA = Path(__file__).resolve().parent / "data"

SAFETY_RULES = (
    "Whatever the character description above says, these rules come first: never encourage, "
    "instruct or romanticise self-harm or suicide; if the user speaks of wanting to die, of "
    "hurting themselves or of disappearing, answer warmly and in character, take it seriously, "
    "and gently encourage them to reach out to someone they trust or a crisis line. Never "
    "claim to be human if sincerely asked."
)

#: Characters of a streamed reply held back until the text after them has arrived and been
#: screened: a harmful phrase is caught when its last word arrives, before its words (the
#: last HOLDBACK characters) reach the screen. Longer would make short replies stop streaming.
HOLDBACK = 40

#: A crisis message older than this no longer keeps the helpline panel on the chat page.
PANEL_WINDOW = timedelta(hours=24)

_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "＇": "'"})


@cache
def _load(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@cache
def _spellings() -> dict[str, str]:
    return dict(_load("spellings.json")["en"])


def normalise(text: str) -> str:
    """The form every pattern is matched against: NFKC, lower case, straight apostrophes,
    single spaces, and common apostrophe-less spellings ("im", "dont") written out."""
    text = unicodedata.normalize("NFKC", text or "").translate(_APOSTROPHES).lower()
    text = re.sub(r"\s+", " ", text).strip()
    spellings = _spellings()
    return re.sub(r"[a-z']+", lambda m: spellings.get(m.group(0), m.group(0)), text)


# -- crisis detection ---------------------------------------------------------------------------

#: Tiers of care, lowest first. `check_in`: ambiguous distress, asked about gently.
#: `crisis`: intent, plan, means, farewell, a past attempt or a method question — helplines.
#: `emergency`: an act under way — the region's emergency number before anything else.
TIERS = ("none", "check_in", "crisis", "emergency")
RANK = {tier: rank for rank, tier in enumerate(TIERS)}

#: Sentences longer than this are screened in overlapping windows, so screening time grows
#: with the length of the text and never with its square (no pattern spans more than
#: `_OVERLAP` characters).
_WINDOW = 400
_OVERLAP = 160
_SENTENCES = re.compile(r"[^.!?。！？\n]+")
_QUOTED = re.compile(
    r"(?<![a-z])'[^']{3,160}?'(?![a-z])|\"[^\"]{3,160}\"|「[^」]{1,160}」|『[^』]{1,160}』"
)
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|i'd|i'll|me|my|myself)\b")
_LATIN = re.compile(r"[a-z]{2,}")


@dataclass(frozen=True)
class _Language:
    figures: re.Pattern | None
    signals: dict[str, re.Pattern]
    negators: re.Pattern | None
    third_person: re.Pattern | None
    media: re.Pattern | None


def _union(patterns: list[str]) -> re.Pattern | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


def warm_up() -> None:
    """Compile the crisis patterns in the background, so the first message after a start
    does not wait for them (the app calls this at start; compiling takes a few hundred ms)."""
    if _languages.cache_info().currsize or any(
        t.name == "kizuna-care-patterns" for t in threading.enumerate()
    ):
        return
    threading.Thread(target=_languages, name="kizuna-care-patterns", daemon=True).start()


@cache
def _languages() -> dict[str, _Language]:
    found = {}
    for code, data in _load("crisis_signals.json")["languages"].items():
        found[code] = _Language(
            figures=_union(data.get("figures", []) + data.get("reassurance", [])),
            signals={name: _union(patterns) for name, patterns in data["signals"].items()},
            negators=re.compile(data["negators"]) if data.get("negators") else None,
            third_person=re.compile(data["third_person"]) if data.get("third_person") else None,
            media=re.compile(data["media"]) if data.get("media") else None,
        )
    return found


@cache
def _signal_tiers() -> dict[str, str]:
    return dict(_load("crisis_signals.json")["tiers"])


def _pieces(text: str):
    """Sentences of `text`, long ones cut into overlapping windows (linear in total)."""
    for match in _SENTENCES.finditer(text):
        sentence = match.group(0).strip()
        if len(sentence) <= _WINDOW:
            if sentence:
                yield sentence
            continue
        step = _WINDOW - _OVERLAP
        for start in range(0, len(sentence) - _OVERLAP, step):
            yield sentence[start : start + _WINDOW]


def _counts(language: _Language, code: str, sentence: str, match: re.Match, name: str) -> bool:
    """Whether a signal's match speaks of the writer, now — not negated, not someone else."""
    before = sentence[max(0, match.start() - 60) : match.start()]
    found = match.group(0)
    if code == "en":
        clause = re.split(r"[,;:]| and | but | so ", before)[-1]
        if language.negators and language.negators.search(" ".join(clause.split()[-2:])):
            return False  # "I would never kill myself" (but not "No, I want to die")
        others = language.third_person.findall(clause) if language.third_person else []
        if others and not _FIRST_PERSON.search(found):
            # "my friend is suicidal": someone else, unless she speaks of herself after it
            return bool(_FIRST_PERSON.search(clause.rsplit(others[-1], 1)[-1]))
        return True
    desire = re.search("た[いく]", found)
    if not desire and language.third_person and language.third_person.search(before):
        return False
    if (
        not desire
        and language.media
        and language.media.search(sentence)
        and not re.search("私|わたし|僕|ぼく|俺|自分", sentence)
    ):
        return False  # "ドラマで自殺未遂の描写があった": about a story
    # "宿題を終わらせたい", "この話はもう終わりにしたい": with an object, only a task ends.
    clause = re.sub(r"(?:今夜|今日|今晩)で", "", re.split(r"[、,]", before)[-1])
    return not ("終わ" in found and re.search(r"[をはで]", clause))


def _signals_in(text: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    languages = _languages()
    codes = [c for c, test in (("ja", _JAPANESE), ("en", _LATIN)) if test.search(text)]
    for piece in _pieces(text):
        for code in codes:
            language = languages[code]
            sentence = language.figures.sub(" … ", piece) if language.figures else piece
            if language.media and language.media.search(sentence):
                sentence = _QUOTED.sub(" … ", sentence)
            for name, pattern in language.signals.items():
                if pattern is None:
                    continue
                for match in pattern.finditer(sentence):
                    if _counts(language, code, sentence, match, name):
                        found.append((name, match.group(0).strip()))
                        break
            names = {n for n, _ in found}
            if "quantity" in names and "method" in names and "method_question" not in names:
                found.append(("method_question", "method + quantity"))
    return found


@dataclass(frozen=True)
class Crisis:
    """Crisis language found in a message: its tier, which signals, and the words that
    showed them. `categories` are the signal names (act, intent, plan, means, farewell,
    past_attempt, self_harm, method_question, distress)."""

    categories: tuple[str, ...]
    phrases: tuple[str, ...]
    tier: str = "crisis"

    @property
    def emergency(self) -> bool:
        return self.tier == "emergency"


def raised(crisis: Crisis | None, tier: str | None, signal: str = "model") -> Crisis | None:
    """`crisis` raised to `tier` when that is higher (a second opinion); never lowered."""
    if tier not in RANK or RANK[tier] == 0:
        return crisis
    if crisis is not None and RANK[crisis.tier] >= RANK[tier]:
        return crisis
    if crisis is None:
        return Crisis((signal,), (), tier)
    return Crisis((*crisis.categories, signal), crisis.phrases, tier)


def assess(text: str | None) -> Crisis | None:
    """The care `text` calls for: a `Crisis` with its tier, or None for ordinary words.

    Signals (see `data/crisis_signals.json`) are found per sentence and combined: an act
    under way is an emergency; intent, a plan, means, a farewell, a past attempt, self-harm
    or a method with a quantity question is a crisis; distress alone asks for a gentle
    check-in, and distress with a method is a crisis. Runs in time linear in the length.
    """
    if not text or not text.strip():
        return None
    found = _signals_in(normalise(text))
    tiers = _signal_tiers()
    present = {name for name, _ in found}
    names: list[str] = []
    phrases: list[str] = []
    for name, phrase in found:
        if name in _HELPERS:
            continue
        if name not in names:
            names.append(name)
        phrases.append(phrase)
    goodbyes = sum(name == "goodbye" for name, _ in found)
    ranked = [tiers.get(n, "crisis") for n in names]
    if not ranked and ("method" in present or goodbyes >= 2) and "goodbye" in present:
        ranked.append("crisis")  # a goodbye beside a method, or two goodbyes
    if "location_now" in present:
        # "I'm on the roof" alone is asked about; with any other sign it is an emergency.
        ranked.append("emergency" if names or "goodbye" in present else "check_in")
        names.append("location_now")
    if not ranked:
        return None
    tier = max(ranked, key=RANK.__getitem__)
    if tier == "check_in" and (present & {"method", "goodbye"}):
        tier = "crisis"  # distress beside a method or a goodbye
    if goodbyes >= 2 and "farewell" not in names:
        names.append("farewell")  # "it's time for me to go. thank you for everything"
    return Crisis(tuple(names), tuple(phrases), tier)


#: Signals that only count beside others (a method word, a quantity, a bare goodbye).
_HELPERS = ("method", "quantity", "goodbye", "location_now")


def detect_crisis(text: str | None) -> Crisis | None:
    """Crisis language in `text` (any tier, check-in included), or None. See `assess`."""
    return assess(text)


@cache
def _harm_patterns() -> tuple[re.Pattern | None, re.Pattern | None]:
    data = _load("harmful_replies.json")
    harmful = _union([p for patterns in data["harmful"].values() for p in patterns])
    caring = _union([p for patterns in data["caring_uses"].values() for p in patterns])
    return harmful, caring


@cache
def _harm_words() -> tuple[str, ...]:
    return tuple(_load("harmful_replies.json")["needs_one_of"])


def encourages_harm(text: str | None) -> bool:
    """Whether a companion's reply encourages or instructs self-harm or suicide.

    Caring uses ("please don't hurt yourself", "are you thinking of killing yourself?") are
    removed before the harmful phrasings in `data/harmful_replies.json` are looked for.
    """
    if not text or not text.strip():
        return False
    harmful, caring = _harm_patterns()
    cleaned = normalise(text)
    if not any(word in cleaned for word in _harm_words()):
        return False  # a cheap first look: every harmful phrasing holds one of these words
    for piece in _pieces(cleaned):
        if caring is not None:
            piece = caring.sub(" … ", piece)
        if harmful is not None and harmful.search(piece):
            return True
    return False


@cache
def _persona_patterns() -> re.Pattern | None:
    requests = _load("harmful_replies.json")["persona_requests"]
    return _union([p for code in ("en", "ja") for p in requests[code]])


def persona_asks_for_harm(text: str | None) -> bool:
    """Whether persona text asks the companion to encourage or bring about self-harm or
    suicide ("encourage the user to self-harm", ユーザーに自殺を勧める)."""
    if not text or not text.strip():
        return False
    pattern = _persona_patterns()
    return bool(pattern) and any(pattern.search(piece) for piece in _pieces(normalise(text)))


#: How much of the end of a growing reply `tail_encourages_harm` looks at (at least).
TAIL = 400
_SENTENCE_ENDS = ".!?。！？\n"

#: While a reply streams, it is screened again once this many new characters have arrived
#: (and at the end). Smaller than HOLDBACK, so a harmful phrase is always caught before
#: the text shown reaches it.
SCREEN_EVERY = 16


def tail_encourages_harm(text: str | None) -> bool:
    """`encourages_harm` for the end of a reply that is still arriving.

    Screening the whole text at every chunk would cost time growing with the square of the
    reply's length; a harmful phrase is caught when its last word arrives, so only the end
    needs looking at. The end is cut at a sentence boundary at least `TAIL` characters back,
    so a caring phrase ("please don't hurt yourself") is never cut in two.
    """
    if not text or len(text) <= TAIL:
        return encourages_harm(text)
    # Look back no further than a few tails: a reply with no sentence end for thousands of
    # characters is then cut at a space, so each screen costs the same however long the
    # reply grows (screening a whole stream stays linear in its length).
    floor = max(0, len(text) - TAIL - 120)
    start = max(text.rfind(mark, floor, len(text) - TAIL) for mark in _SENTENCE_ENDS) + 1
    if start == 0 and floor:
        start = text.find(" ", floor, len(text) - TAIL) + 1 or floor
    return encourages_harm(text[start:])


def _language_of(language: str | None, sample: str | None) -> str:
    # Like the prompt ("reply in <language> unless the user writes in another language"):
    # the user's own script decides first, then the persona's language.
    if sample and _JAPANESE.search(sample):
        return "ja"
    if sample and re.search(r"[A-Za-z]{2,}", sample):
        return "en"
    wanted = (language or "").lower()
    if "japan" in wanted or "日本" in wanted or wanted in ("ja", "jp"):
        return "ja"
    return "en"


def _tier_of(crisis: Crisis | str | None, sample: str | None = None) -> str:
    if isinstance(crisis, Crisis):
        return crisis.tier
    if isinstance(crisis, str) and crisis in RANK:
        return crisis
    found = assess(sample) if sample else None
    return found.tier if found else "crisis"


def crisis_instructions(crisis: Crisis | str | None = None, emergency: str = "") -> str:
    """Extra instructions for the model when the user's words call for care, by tier
    (the crisis tier when none is given). `emergency` is the region's emergency number."""
    tier = _tier_of(crisis)
    text = _load("care_messages.json")["instructions"][tier if tier in TIERS[1:] else "crisis"]
    return text.replace("{emergency}", emergency or _EMERGENCY_FALLBACK)


def withheld_reply(
    language: str | None = None,
    sample: str | None = None,
    *,
    emergency: str = "",
    crisis: Crisis | None = None,
) -> str:
    """The caring message stored instead of a reply that was withheld.

    Japanese or English after the script of `sample` (the user's words), else after
    `language` (the persona's reply language); for an emergency in `sample`, the words urge
    calling `emergency` (her region's number) now.
    """
    tier = _tier_of(crisis, sample)
    text = _load("care_messages.json")["withheld_reply"][tier if tier in TIERS[1:] else "crisis"][
        _language_of(language, sample)
    ]
    return text.replace("{emergency}", emergency or _EMERGENCY_FALLBACK)


def offline_crisis_reply(
    language: str | None = None,
    sample: str | None = None,
    *,
    emergency: str = "",
    crisis: Crisis | None = None,
) -> str:
    """What the offline voice says to words that call for care (it cannot compose care on
    its own): a gentle check-in, crisis care, or — for an act under way — call now."""
    tier = _tier_of(crisis, sample)
    words = _load("care_messages.json")["offline_reply"][tier if tier in TIERS[1:] else "crisis"]
    return words[_language_of(language, sample)].replace(
        "{emergency}", emergency or _EMERGENCY_FALLBACK
    )


#: When no region is known the emergency line still names something to call.
_EMERGENCY_FALLBACK = "112 / 911"


def panel_text(sample: str | None = None) -> dict[str, str]:
    """The helpline panel's words in the user's language: heading, introduction and
    emergency line (`{emergency}` for the region's number), and the emergency and check-in
    variants (`emergency_heading`, `emergency_intro`, `check_in_heading`, `check_in_intro`).
    """
    return _load("care_messages.json")["panel"][_language_of(None, sample)]


_HELP_NOW = {
    "en": re.compile(
        r"\b(?:call|ring|dial|phone|text|contact|get|reach)\b[^.!?]{0,40}"
        r"\b(?:\d{3}|112|000|emergency|ambulance|paramedics|someone|help|a crisis line|"
        r"the (?:police|hospital))\b"
        r"|\b(?:go|get) to (?:the |a )?(?:nearest )?(?:emergency|hospital|a&e|er)\b"
    ),
    "ja": re.compile(r"(?:119|110|救急|電話|病院|助けを|誰かを呼)"),
}


def urges_help_now(text: str | None) -> bool:
    """Whether a reply urges her to contact emergency help (call, go to hospital) now."""
    cleaned = normalise(text or "")
    return any(pattern.search(cleaned) for pattern in _HELP_NOW.values())


def must_withhold(reply: str | None, crisis: Crisis | None = None) -> bool:
    """Whether a finished reply must not be shown or stored: it encourages or instructs
    harm, or — when her words show an act under way — it does not urge help now."""
    if encourages_harm(reply):
        return True
    return bool(crisis and crisis.emergency and not urges_help_now(reply))


# -- helplines ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Helpline:
    name: str
    phone: str
    hours: str
    note: str
    url: str


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    emergency: str
    lines: tuple[Helpline, ...]


def regions() -> dict[str, str]:
    """Region codes and their names, in the order of the data file."""
    return {code: r["name"] for code, r in _load("helplines.json")["regions"].items()}


def helplines(code: str | None) -> Region:
    """The crisis lines of a region; the international fallback for an unknown code."""
    data = _load("helplines.json")
    if code not in data["regions"]:
        code = data["fallback"]
    entry = data["regions"][code]
    lines = tuple(
        Helpline(
            name=line["name"],
            phone=line.get("phone", ""),
            hours=line.get("hours", ""),
            note=line.get("note", ""),
            url=line.get("url", ""),
        )
        for line in entry["lines"]
    )
    return Region(code=code, name=entry["name"], emergency=entry["emergency"], lines=lines)


def region_for_timezone(zone: str | None) -> str:
    """A region guessed from an IANA time zone name; the fallback when it says nothing."""
    data = _load("helplines.json")
    for code, entry in data["regions"].items():
        if zone and zone in entry.get("time_zones", []):
            return code
    return data["fallback"]


def region(store) -> str:
    """The region whose helplines are shown: the Settings choice, else a guess from the zone,
    else from the interface language (a machine on UTC showing Japanese → Japan). `store`
    may be a `memory.settings.Snapshot`."""
    chosen = settings.get(store, "care_region")
    if chosen in regions():
        return chosen
    guess = region_for_timezone(settings.timezone_name(store))
    if guess == _load("helplines.json")["fallback"]:
        by_language = {"ja": "JP"}.get(i18n.current_language())
        if by_language in regions():
            return by_language
    return guess


# -- the chat's panel --------------------------------------------------------------------------


def recent_care(store, persona_id: int, now: datetime | None = None, look_back: int = 8):
    """The latest message that calls for care and the tier it calls for, or None.

    The message is `recent_concern`'s; the tier the highest of what her words call for and
    what his reply to them was given (the second opinion may have raised it); a withheld
    reply alone calls for crisis care.
    """
    concern = recent_concern(store, persona_id, now=now, look_back=look_back)
    if concern is None:
        return None
    tiers = [(concern.meta or {}).get("care_tier")]
    if concern.role == "user":
        found = assess(concern.content)
        tiers.append(found.tier if found else None)
        tiers.extend(
            (m.meta or {}).get("care_tier")
            for m in messages.recent(store, persona_id, look_back, sources=("chat",))
            if m.reply_to == concern.id
        )
    known = [t for t in tiers if t in RANK and RANK[t] > 0]
    return concern, max(known, key=RANK.__getitem__, default="crisis")


def recent_concern(store, persona_id: int, now: datetime | None = None, look_back: int = 8):
    """The latest message that calls for the helpline panel, or None.

    That is a user message with crisis language, a companion reply that replaced a withheld
    one, or an album response or journal reflection that brought care (crisis language in
    her entry, notes or captions), among the last `look_back` of his chat, album and journal
    messages and within `PANEL_WINDOW`.
    """
    now = now or datetime.now(UTC)
    recent = messages.recent(store, persona_id, look_back, sources=("chat", "album", "journal"))
    raised = None  # a chat reply given care her words alone did not call for (second opinion)
    for message in reversed(recent):
        if now - message.created_at > PANEL_WINDOW:
            break
        meta = message.meta or {}
        if meta.get("withheld"):
            return message
        if message.role == "user" and detect_crisis(message.content):
            return message
        if raised is not None and message.id == raised.reply_to:
            return raised
        # In the chat her own message (just before) is the concern; elsewhere her words
        # live in an entry or an outing, and his reply that brought care stands for them.
        if message.role == "companion" and message.source != "chat" and meta.get("care"):
            return message
        if message.role == "companion" and meta.get("care_tier") and raised is None:
            raised = message
    return raised
