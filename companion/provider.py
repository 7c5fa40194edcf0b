"""The one interface every voice of the companion implements.

A provider turns a list of turns (system prompt, history, the new message, optional images)
into a stream of text chunks. The OpenAI-compatible provider and the offline voice both
implement it; pages never know which one they hold.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable


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

    def stream(self, turns: Sequence[Turn], *, temperature: float | None = None) -> Iterator[str]:
        """Yield the reply as text chunks; raise `ProviderError` when it cannot."""
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
