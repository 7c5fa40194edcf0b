"""The one interface every voice of the companion implements.

A provider turns a list of turns (system prompt, history, the new message, optional images)
into a stream of text chunks. The OpenAI-compatible provider and the offline voice both
implement it; pages never know which one they hold.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:
    from memory.personas import PersonaVersion


@dataclass(frozen=True)
class Image:
    """An image for the model: already downscaled JPEG bytes."""

    data: bytes
    mime: str = "image/jpeg"


@dataclass(frozen=True)
class Turn:
    """One entry of the conversation sent to a provider."""

    role: Literal["system", "user", "assistant"]
    content: str
    images: tuple[Image, ...] = ()


@dataclass
class PromptContext:
    """What a provider is told beside the turns, for a voice that composes without a model.

    The pipeline passes one with every call (`Provider.stream(..., context=)`). A model
    reads the turns and may ignore it; the offline voice composes from it: the persona
    version in force, the words of hers it answers, the memories recalled for the prompt
    (objects with `kind` and `title`), whether photos are part of it, and the reply it
    should not repeat.
    """

    persona: PersonaVersion | None = None
    user_text: str = ""
    recalled: list = field(default_factory=list)
    has_photos: bool = False
    previous_reply: str | None = None
    #: His past replies to messages like hers (`memory.voice.PastReply`), best first.
    past_replies: list = field(default_factory=list)
    #: His last replies, newest first (the offline voice never repeats one of them).
    recent_replies: list = field(default_factory=list)
    #: Her local date (the offline voice adapts a past reply's weekday to it).
    today: date | None = None


@runtime_checkable
class Provider(Protocol):
    """Streams the companion's reply.

    Attributes are plain facts about the provider: `name` is recorded on every message it
    produces ("openai", "offline"), `model` too; `label` is what the UI shows;
    `supports_images` says whether image parts are sent at all.
    """

    name: str
    model: str
    label: str
    supports_images: bool

    def stream(
        self,
        turns: Sequence[Turn],
        *,
        temperature: float | None = None,
        context: PromptContext | None = None,
    ) -> Iterator[str]:
        """Yield the reply as text chunks; raise `ProviderError` when it cannot.

        `context` is what the pipeline knows beside the turns (see `PromptContext`).
        """
        ...


ErrorKind = Literal[
    "auth", "rate_limit", "server", "timeout", "connection", "cut", "bad_request", "not_found"
]


class ProviderError(Exception):
    """A reply that could not be produced, with one plain sentence for the user."""

    def __init__(self, kind: ErrorKind, message: str, *, partial: str = ""):
        super().__init__(message)
        self.kind = kind
        self.message = message
        #: Text already received when a stream was cut off (never stored as a reply).
        self.partial = partial
