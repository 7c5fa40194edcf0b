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
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from memory import messages, settings

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
    spellings: dict[str, str] = {}
    for language in _load("crisis_phrases.json")["languages"].values():
        spellings.update(language.get("spellings", {}))
    return spellings


def normalise(text: str) -> str:
    """The form every pattern is matched against: NFKC, lower case, straight apostrophes,
    single spaces, and common apostrophe-less spellings ("im", "dont") written out."""
    text = unicodedata.normalize("NFKC", text or "").translate(_APOSTROPHES).lower()
    text = re.sub(r"\s+", " ", text).strip()
    spellings = _spellings()
    return re.sub(r"[a-z']+", lambda m: spellings.get(m.group(0), m.group(0)), text)


@cache
def _crisis_patterns() -> tuple[list[tuple[str, re.Pattern]], list[re.Pattern]]:
    found: list[tuple[str, re.Pattern]] = []
    figures: list[re.Pattern] = []
    for language in _load("crisis_phrases.json")["languages"].values():
        for category, patterns in language["crisis"].items():
            found.extend((category, re.compile(p)) for p in patterns)
        figures.extend(re.compile(p) for p in language.get("figures_of_speech", []))
    return found, figures


@cache
def _harm_patterns() -> tuple[list[re.Pattern], list[re.Pattern]]:
    data = _load("harmful_replies.json")
    harmful = [re.compile(p) for patterns in data["harmful"].values() for p in patterns]
    caring = [re.compile(p) for patterns in data["caring_uses"].values() for p in patterns]
    return harmful, caring


def _without(text: str, patterns: list[re.Pattern]) -> str:
    for pattern in patterns:
        text = pattern.sub(" … ", text)
    return text


@dataclass(frozen=True)
class Crisis:
    """Crisis language found in a message: which kinds, and the words that showed it."""

    categories: tuple[str, ...]
    phrases: tuple[str, ...]


def detect_crisis(text: str | None) -> Crisis | None:
    """Crisis language (wanting to die, self-harm, wanting to disappear) in `text`, or None.

    English and Japanese phrasings come from `data/crisis_phrases.json`; figures of speech
    listed there are removed first so that they never count.
    """
    if not text or not text.strip():
        return None
    patterns, figures = _crisis_patterns()
    cleaned = _without(normalise(text), figures)
    categories: list[str] = []
    phrases: list[str] = []
    for category, pattern in patterns:
        match = pattern.search(cleaned)
        if match:
            if category not in categories:
                categories.append(category)
            phrases.append(match.group(0).strip())
    if not categories:
        return None
    return Crisis(tuple(categories), tuple(phrases))


def encourages_harm(text: str | None) -> bool:
    """Whether a companion's reply encourages or instructs self-harm or suicide.

    Caring uses ("please don't hurt yourself", "are you thinking of killing yourself?") are
    removed before the harmful phrasings in `data/harmful_replies.json` are looked for.
    """
    if not text or not text.strip():
        return False
    harmful, caring = _harm_patterns()
    cleaned = _without(normalise(text), caring)
    return any(pattern.search(cleaned) for pattern in harmful)


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
    start = max(text.rfind(mark, 0, len(text) - TAIL) for mark in _SENTENCE_ENDS) + 1
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


def crisis_instructions() -> str:
    """Extra instructions for the model when the user's last message shows crisis language."""
    return _load("care_messages.json")["crisis_instructions"]


def withheld_reply(language: str | None = None, sample: str | None = None) -> str:
    """The caring message stored instead of a reply that was withheld.

    Japanese or English after the script of `sample` (the user's words), else after
    `language` (the persona's reply language).
    """
    return _load("care_messages.json")["withheld_reply"][_language_of(language, sample)]


def offline_crisis_reply(language: str | None = None, sample: str | None = None) -> str:
    """What the offline voice says to crisis language (it cannot compose care on its own)."""
    return _load("care_messages.json")["offline_crisis_reply"][_language_of(language, sample)]


def panel_text(sample: str | None = None) -> dict[str, str]:
    """The helpline panel's heading, introduction and emergency line, in the user's language.

    The emergency line holds `{emergency}` for the region's emergency number.
    """
    return _load("care_messages.json")["panel"][_language_of(None, sample)]


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
    """The region whose helplines are shown: the Settings choice, else a guess from the zone."""
    chosen = settings.get(store, "care_region")
    if chosen in regions():
        return chosen
    return region_for_timezone(settings.timezone_name(store))


# -- the chat's panel --------------------------------------------------------------------------


def recent_concern(store, persona_id: int, now: datetime | None = None, look_back: int = 8):
    """The latest message that calls for the helpline panel, or None.

    That is a user message with crisis language, a companion reply that replaced a withheld
    one, or an album response or journal reflection that brought care (crisis language in
    her entry, notes or captions), among the last `look_back` of his chat, album and journal
    messages and within `PANEL_WINDOW`.
    """
    now = now or datetime.now(UTC)
    recent = messages.recent(store, persona_id, look_back, sources=("chat", "album", "journal"))
    for message in reversed(recent):
        if now - message.created_at > PANEL_WINDOW:
            break
        meta = message.meta or {}
        if meta.get("withheld"):
            return message
        if message.role == "user" and detect_crisis(message.content):
            return message
        # In the chat her own message (just before) is the concern; elsewhere her words
        # live in an entry or an outing, and his reply that brought care stands for them.
        if message.role == "companion" and message.source != "chat" and meta.get("care"):
            return message
    return None
