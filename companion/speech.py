"""His voice aloud and her voice in, through the provider's audio endpoints.

Speech (`audio.speech`) and transcription (`audio.transcriptions`) go through the real
`openai` SDK to the same endpoint as the chat (OpenAI, or an OpenAI-compatible speech server
run locally). Neither is ever needed for the text: a speech or transcription failure leaves
the reply and her message exactly as they are and raises `VoiceUnavailable` with one plain
sentence. Without a provider the browser's own speech synthesis reads replies aloud (see
`ui/voice.py`); there is no transcription then, and her recording is kept with a note.

A reply read aloud is kept with its message (`memory.audio.keep_speech`), so playing it again
reads the file and calls nobody.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import openai

from memory import audio, messages
from memory import settings as settings_store
from memory.errors import KizunaError
from memory.i18n import _

DEFAULT_SPEECH_MODEL = "gpt-4o-mini-tts"
DEFAULT_TRANSCRIPTION_MODEL = "whisper-1"

#: Settings (in DuckDB) and the environment variables that override them.
SPEECH_MODEL_SETTING = "speech_model"
TRANSCRIPTION_MODEL_SETTING = "transcription_model"
VOICE_SOURCE_SETTING = "voice_source"  # "provider" or "browser"

#: Longest text sent to the speech endpoint at once (OpenAI's limit is 4,096 characters).
MAX_SPEECH_CHARS = 4_000


class VoiceUnavailable(KizunaError):
    """The speech or transcription endpoint could not be used; the text is unaffected."""


@dataclass(frozen=True)
class VoiceConfig:
    """Where his voice comes from: the provider's endpoint, or the browser."""

    source: str  # "provider" or "browser"
    base_url: str | None
    api_key: str | None
    speech_model: str
    transcription_model: str

    @property
    def uses_provider(self) -> bool:
        return self.source == "provider"


def resolve(store, provider_config, environ=None) -> VoiceConfig:
    """The voice configuration: the provider's endpoint when a model is connected and the
    user has not chosen the browser voice; the browser's voice otherwise."""
    env = os.environ if environ is None else environ
    chosen = settings_store.get(store, VOICE_SOURCE_SETTING)
    source = "provider" if provider_config.provider == "openai" else "browser"
    if chosen == "browser":
        source = "browser"
    speech_model = (
        env.get("KIZUNA_SPEECH_MODEL")
        or settings_store.get(store, SPEECH_MODEL_SETTING)
        or DEFAULT_SPEECH_MODEL
    )
    transcription_model = (
        env.get("KIZUNA_TRANSCRIPTION_MODEL")
        or settings_store.get(store, TRANSCRIPTION_MODEL_SETTING)
        or DEFAULT_TRANSCRIPTION_MODEL
    )
    return VoiceConfig(
        source=source,
        base_url=provider_config.base_url,
        api_key=provider_config.api_key,
        speech_model=str(speech_model),
        transcription_model=str(transcription_model),
    )


def _timeout() -> float:
    try:
        return float(os.environ.get("KIZUNA_TIMEOUT", "60"))
    except ValueError:
        return 60.0


def _client(config: VoiceConfig) -> openai.OpenAI:
    from companion.openai_provider import NO_KEY

    # No retries: a failure is shown at once with a Retry button, and the text never waits.
    return openai.OpenAI(
        api_key=config.api_key or NO_KEY,
        base_url=config.base_url or None,
        timeout=_timeout(),
        max_retries=0,
    )


def _unavailable(exc: Exception, config: VoiceConfig, what: str) -> VoiceUnavailable:
    where = config.base_url or "api.openai.com"
    if isinstance(exc, openai.APITimeoutError):
        reason = _("the server at {where} took too long").format(where=where)
    elif isinstance(exc, openai.APIConnectionError):
        reason = _("the server at {where} could not be reached").format(where=where)
    elif isinstance(exc, openai.NotFoundError):
        reason = _("the server at {where} has no {what} endpoint").format(where=where, what=what)
    elif isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        reason = _("the server at {where} refused the API key").format(where=where)
    elif isinstance(exc, openai.APIStatusError):
        reason = _("the server at {where} answered with an error ({status})").format(
            where=where, status=exc.status_code
        )
    else:
        reason = _("the server at {where} sent something unusable").format(where=where)
    if what == "speech":
        sentence = _(
            "His voice is unavailable right now ({reason}); the reply is still here as text."
        )
    else:
        sentence = _("Your voice message could not be transcribed ({reason}); it is kept as it is.")
    return VoiceUnavailable(sentence.format(reason=reason))


_MARKDOWN = re.compile(r"[*_`#~|]+|^[ \t]*>+|\[([^\]]*)\]\([^)]*\)", re.MULTILINE)


def speakable(text: str) -> str:
    """The words of a reply to read aloud: light Markdown marks dropped, everything else
    (including anything that looks like HTML) read as the text it is."""
    spoken = _MARKDOWN.sub(lambda m: m.group(1) or " ", text or "")
    spoken = re.sub(r"\s+", " ", spoken).strip()
    return spoken[:MAX_SPEECH_CHARS]


def synthesize(config: VoiceConfig, text: str, *, voice: str, speed: float = 1.0) -> bytes:
    """The provider's speech for `text` as MP3 bytes; `VoiceUnavailable` on any failure."""
    try:
        response = _client(config).audio.speech.create(
            model=config.speech_model,
            voice=voice,
            input=speakable(text),
            speed=speed,
            response_format="mp3",
        )
        data = response.read()
    except openai.APIError as exc:
        raise _unavailable(exc, config, "speech") from exc
    except Exception as exc:  # a dropped connection mid-body (httpx errors)
        raise _unavailable(exc, config, "speech") from exc
    if not data or audio.sniff_mime(data) is None:
        raise _unavailable(ValueError("not audio"), config, "speech")
    return data


def spoken_reply(store, config: VoiceConfig, message: messages.Message, prefs) -> audio.AudioFile:
    """His reply read aloud: from disk when it was made before, else made once and kept."""
    kept = audio.for_message(store, message.id)
    if kept is not None:
        return kept
    data = synthesize(config, message.content, voice=prefs.voice, speed=prefs.speed)
    return audio.keep_speech(
        store, message.id, data, mime=audio.sniff_mime(data), voice=prefs.voice
    )


def transcribe(
    config: VoiceConfig, data: bytes, *, filename: str = "voice.wav", language: str | None = None
) -> str:
    """What she said, from the provider's transcription endpoint; `VoiceUnavailable` if not."""
    kwargs = {}
    if language:
        kwargs["language"] = language.split("-")[0]
    mime = audio.sniff_mime(data) or "application/octet-stream"
    try:
        result = _client(config).audio.transcriptions.create(
            model=config.transcription_model,
            file=(filename, data, mime),
            response_format="json",
            **kwargs,
        )
    except openai.APIError as exc:
        raise _unavailable(exc, config, "transcription") from exc
    except Exception as exc:
        raise _unavailable(exc, config, "transcription") from exc
    text = getattr(result, "text", result if isinstance(result, str) else "")
    return (text or "").strip()


NO_TRANSCRIPTION_NOTE = "no_provider"
FAILED_TRANSCRIPTION_NOTE = "failed"


def receive_voice(
    store, config: VoiceConfig, persona_id: int, data: bytes, *, language: str | None = None
) -> tuple[messages.Message, VoiceUnavailable | None]:
    """Keep her voice message first, then transcribe it when a provider can.

    The recording is stored before any call (nothing is lost if the call fails); the
    transcript, when there is one, becomes the message text. Returns the message as stored
    and the transcription failure, if any. Raises `InvalidInput` for a recording that cannot
    be kept (empty, not audio, too large); nothing is written then.
    """
    if not config.uses_provider:
        kept = audio.add_voice_message(
            store, persona_id, data, transcript=None, note=NO_TRANSCRIPTION_NOTE
        )
        return kept, None
    kept = audio.add_voice_message(store, persona_id, data, transcript=None, note="transcribing")
    try:
        text = transcribe(config, data, language=language)
    except VoiceUnavailable as exc:
        updated = messages.set_text(store, kept.id, "", voice_note=FAILED_TRANSCRIPTION_NOTE)
        return updated or kept, exc
    updated = messages.set_text(
        store, kept.id, text, transcribed=bool(text), voice_note=None if text else "empty"
    )
    return updated or kept, None


def voice_note(message: messages.Message) -> str | None:
    """The plain note shown under a voice message, or None when its transcript is there."""
    meta = message.meta or {}
    if not meta.get("voice"):
        return None
    note = meta.get("voice_note")
    if note == NO_TRANSCRIPTION_NOTE:
        return _(
            "🎤 Voice message, kept as you recorded it. No model is connected to write it out; "
            "you can write what you said from its ⋯ menu."
        )
    failed = _("🎤 Voice message, kept as you recorded it. It could not be written out this time.")
    if note == FAILED_TRANSCRIPTION_NOTE:
        return failed
    if note == "empty":
        return _("🎤 Voice message — no words could be made out.")
    if note == "transcribing":
        # A run stopped mid-transcription leaves this note behind: after a while it failed.
        if datetime.now(UTC) - message.created_at < timedelta(minutes=2):
            return _("🎤 Voice message — being written out…")
        return failed
    return _("🎤 Voice message")
