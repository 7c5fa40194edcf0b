"""Audio kept with messages: his replies read aloud, her voice messages, and how he sounds.

One audio file per message at most, under `audio/` in the data folder, named by the hash of
its bytes, written to a temporary name and renamed into place before the row that names it
is committed (as photos are). A reply read aloud by the provider is stored the first time it
is played and played from disk ever after, so it is never fetched twice. Backups carry the
`audio/` folder like any other data file.

How he sounds (voice, speed, the browser's language, "read new replies aloud") is kept per
companion in Settings, under `voice_prefs_<persona id>`.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from memory import messages
from memory import settings as settings_store
from memory.errors import InvalidInput
from memory.files import write_file_atomically
from memory.i18n import _

AUDIO_DIR = "audio"

#: Largest voice message kept (the OpenAI transcription endpoint takes up to 25 MB).
MAX_RECORDING_BYTES = 25 * 1024 * 1024

#: Voices the OpenAI speech endpoint offers; OpenAI-compatible servers accept most of them.
PROVIDER_VOICES = (
    "alloy",
    "ash",
    "ballad",
    "coral",
    "echo",
    "fable",
    "nova",
    "onyx",
    "sage",
    "shimmer",
    "verse",
)

_EXTENSIONS = {
    "audio/wav": ".wav",
    "audio/mpeg": ".mp3",
    "audio/ogg": ".ogg",
    "audio/webm": ".webm",
    "audio/flac": ".flac",
    "audio/mp4": ".m4a",
    "audio/aac": ".aac",
}


@dataclass(frozen=True)
class AudioFile:
    """The audio kept with one message."""

    message_id: int
    kind: str  # 'speech' (his reply read aloud) or 'recording' (her voice message)
    path: str  # relative to the data folder
    mime: str
    size: int
    voice: str | None
    created_at: datetime


_COLUMNS = "message_id, kind, path, mime, size, voice, created_at"


def sniff_mime(data: bytes) -> str | None:
    """The audio type of `data` from its first bytes, or None when it is not audio we know."""
    head = data[:16]
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        # MPEG audio frame sync (ADTS AAC shares it; both play as audio/mpeg in browsers)
        return "audio/mpeg"
    if head[:4] == b"OggS":
        return "audio/ogg"
    if head[:4] == b"fLaC":
        return "audio/flac"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "audio/webm"
    if head[4:8] == b"ftyp":
        return "audio/mp4"
    return None


def check_recording(data: bytes | None) -> str:
    """The audio type of a voice message, or `InvalidInput` saying plainly why it is refused."""
    if not data:
        raise InvalidInput(
            _("That voice message is empty, so nothing was kept. Try recording again.")
        )
    if len(data) > MAX_RECORDING_BYTES:
        raise InvalidInput(
            _(
                "That voice message is too long to keep (over {limit} MB). Record a shorter one."
            ).format(limit=MAX_RECORDING_BYTES // (1024 * 1024))
        )
    mime = sniff_mime(data)
    if mime is None:
        raise InvalidInput(_("That file is not audio Kizuna can keep, so it was not attached."))
    return mime


def _write(store, data: bytes, mime: str) -> str:
    digest = hashlib.sha256(data).hexdigest()
    rel = f"{AUDIO_DIR}/{digest}{_EXTENSIONS.get(mime, '.bin')}"
    target = store.path_of(rel)
    if not target.is_file():
        write_file_atomically(target, data)
    return rel


def remove_unreferenced(store, paths) -> int:
    """Remove those audio files (paths relative to the data folder) that no message names
    any more; returns how many were removed."""
    paths = [p for p in dict.fromkeys(paths) if p and p.startswith(f"{AUDIO_DIR}/")]
    if not paths:
        return 0
    named = {
        r[0]
        for r in store.execute(
            "SELECT DISTINCT path FROM message_audio WHERE path IN (SELECT unnest(?::VARCHAR[]))",
            [paths],
        ).fetchall()
    }
    removed = 0
    for rel in paths:
        if rel not in named:
            target = store.path_of(rel)
            if target.is_file():
                target.unlink(missing_ok=True)
                removed += 1
    return removed


def sweep_unreferenced_files(store) -> int:
    """At start-up: remove audio files no message names (left by a deletion that removed
    the rows but was stopped before the file, or by an older version)."""
    folder = store.path_of(AUDIO_DIR)
    if not folder.is_dir():
        return 0
    found = [f"{AUDIO_DIR}/{f.name}" for f in folder.iterdir() if f.is_file()]
    for leftover in folder.glob("*.part"):
        leftover.unlink(missing_ok=True)
    return remove_unreferenced(store, [p for p in found if not p.endswith(".part")])


def _from_row(row) -> AudioFile:
    return AudioFile(*row)


def for_message(store, message_id: int) -> AudioFile | None:
    """The audio kept with a message, if its file is still on disk."""
    row = store.execute(
        f"SELECT {_COLUMNS} FROM message_audio WHERE message_id = ?", [message_id]
    ).fetchone()
    if row is None:
        return None
    found = _from_row(row)
    return found if store.path_of(found.path).is_file() else None


def with_audio(store, message_ids: list[int]) -> dict[int, AudioFile]:
    """The audio rows for many messages at once (one query for a screenful)."""
    if not message_ids:
        return {}
    rows = store.execute(
        f"SELECT {_COLUMNS} FROM message_audio WHERE message_id IN (SELECT unnest(?::BIGINT[]))",
        [message_ids],
    ).fetchall()
    return {r[0]: _from_row(r) for r in rows}


def read(store, audio: AudioFile) -> bytes:
    """The bytes of a stored audio file."""
    return store.path_of(audio.path).read_bytes()


def keep_speech(store, message_id: int, data: bytes, *, mime: str, voice: str | None) -> AudioFile:
    """Keep his reply read aloud (the file first, then the row); the first one kept wins."""
    existing = for_message(store, message_id)
    if existing is not None:
        return existing
    rel = _write(store, data, mime)
    store.execute(
        "INSERT INTO message_audio (message_id, kind, path, mime, size, voice) "
        "VALUES (?, 'speech', ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [message_id, rel, mime, len(data), voice],
    )
    return for_message(store, message_id)


def add_voice_message(
    store,
    persona_id: int,
    data: bytes,
    *,
    transcript: str | None,
    note: str | None = None,
    source: str = "chat",
) -> messages.Message:
    """Store her voice message: the audio file, then the message and its audio row together.

    `transcript` becomes the message text (she can edit it later); without one the message
    text is empty and `note` says why. Raises `InvalidInput` for empty, oversized or
    non-audio data, before anything is written.
    """
    mime = check_recording(data)
    text = (transcript or "").strip()
    if len(text) > messages.MAX_CHARS:
        text = text[: messages.MAX_CHARS]
    rel = _write(store, data, mime)
    meta = {"voice": True, "transcribed": bool(text)}
    if note:
        meta["voice_note"] = note
    with store.transaction() as cur:
        message = messages.add(store, persona_id, "user", text, source=source, meta=meta, cur=cur)
        cur.execute(
            "INSERT INTO message_audio (message_id, kind, path, mime, size) "
            "VALUES (?, 'recording', ?, ?, ?)",
            [message.id, rel, mime, len(data)],
        )
    return message


def count_voice_messages(store, persona_id: int | None = None) -> int:
    """How many of her messages were spoken (voice messages), with one companion or all."""
    recorded = store.execute(
        "SELECT count(*) FROM message_audio WHERE kind = 'recording'"
    ).fetchone()[0]
    if persona_id is None or recorded == 0:  # the usual case costs one look at a small table
        return recorded
    return store.execute(
        "SELECT count(*) FROM messages WHERE persona_id = ? AND id IN "
        "(SELECT message_id FROM message_audio WHERE kind = 'recording')",
        [persona_id],
    ).fetchone()[0]


# -- how he sounds --------------------------------------------------------------------------
@dataclass(frozen=True)
class VoicePrefs:
    """How one companion's replies are read aloud."""

    voice: str = "alloy"  # the provider's voice
    speed: float = 1.0  # 0.5–2.0, for both the provider and the browser voice
    browser_voice: str = ""  # a voice name the browser offers; "" lets it choose by language
    read_aloud: bool = False  # read each new reply aloud as it arrives


def _prefs_key(persona_id: int) -> str:
    return f"voice_prefs_{int(persona_id)}"


def prefs(store, persona_id: int) -> VoicePrefs:
    """The companion's voice preferences (defaults when none were chosen)."""
    stored = settings_store.get(store, _prefs_key(persona_id)) or {}
    known = {k: v for k, v in stored.items() if k in VoicePrefs.__dataclass_fields__}
    try:
        found = VoicePrefs(**known)
    except TypeError:
        return VoicePrefs()
    speed = min(max(float(found.speed), 0.5), 2.0)
    return VoicePrefs(found.voice, speed, str(found.browser_voice or ""), bool(found.read_aloud))


def set_prefs(store, persona_id: int, value: VoicePrefs) -> None:
    """Keep the companion's voice preferences."""
    if not 0.5 <= float(value.speed) <= 2.0:
        raise InvalidInput(_("The speed of his voice goes from 0.5× to 2×."))
    settings_store.set(store, _prefs_key(persona_id), asdict(value))


def speech_language(persona_language: str | None) -> str:
    """A BCP 47 tag for the browser voice from the persona's language ('日本語' → 'ja-JP')."""
    lowered = (persona_language or "").strip().lower()
    table = (
        (("japan", "日本", "ja"), "ja-JP"),
        (("english", "en", "英語"), "en-US"),
        (("french", "fran", "fr"), "fr-FR"),
        (("german", "deutsch", "de"), "de-DE"),
        (("spanish", "espa", "es"), "es-ES"),
        (("korean", "한국", "ko"), "ko-KR"),
        (("chinese", "中文", "zh"), "zh-CN"),
    )
    for hints, tag in table:
        if any(lowered == h or ((len(h) > 2 or not h.isascii()) and h in lowered) for h in hints):
            return tag
    if "-" in lowered and len(lowered) <= 8:
        return persona_language.strip()
    return "en-US"


def audio_path(store, audio: AudioFile) -> Path:
    """The absolute path of a stored audio file."""
    return store.path_of(audio.path)
