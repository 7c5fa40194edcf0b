"""The OpenAI-compatible provider: the real `openai` SDK, Chat Completions, streaming.

Chat Completions with `stream=True` is the route every OpenAI-compatible server speaks
(OpenAI, Ollama, LM Studio, llama.cpp's server, vLLM, OpenRouter), so it is the only one used.
Every SDK failure becomes a `ProviderError` with one plain sentence.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator, Sequence

import openai

from companion.provider import PromptContext, ProviderError, Turn

#: Placeholder key for local servers that need none (the SDK insists on some key).
NO_KEY = "not-needed"


def _timeout() -> float:
    try:
        return float(os.environ.get("KIZUNA_TIMEOUT", "60"))
    except ValueError:
        return 60.0


def to_wire(turns: Sequence[Turn], *, with_images: bool) -> list[dict]:
    """Turns as Chat Completions messages; images as base64 data URLs when allowed."""
    wire = []
    for turn in turns:
        if turn.images and with_images and turn.role == "user":
            parts: list[dict] = [{"type": "text", "text": turn.content}]
            for image in turn.images:
                encoded = base64.b64encode(image.data).decode("ascii")
                parts.append(
                    {
                        "type": "image_url",
                        "image_url": {"url": f"data:{image.mime};base64,{encoded}"},
                    }
                )
            wire.append({"role": turn.role, "content": parts})
        else:
            wire.append({"role": turn.role, "content": turn.content})
    return wire


class OpenAIProvider:
    """Streams replies from any server that speaks the OpenAI Chat Completions API."""

    name = "openai"

    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str | None,
        model: str,
        supports_images: bool = False,
        timeout: float | None = None,
        max_retries: int = 2,
    ):
        self.model = model
        self.base_url = base_url
        self.supports_images = supports_images
        self.label = model
        self._client = openai.OpenAI(
            api_key=api_key or NO_KEY,
            base_url=base_url or None,
            timeout=timeout if timeout is not None else _timeout(),
            max_retries=max_retries,
        )

    @property
    def client(self) -> openai.OpenAI:
        """The SDK client, for the care second opinion (`companion.second_opinion`)."""
        return self._client

    def _where(self) -> str:
        return self.base_url or "api.openai.com"

    def stream(
        self,
        turns: Sequence[Turn],
        *,
        temperature: float | None = None,
        context: PromptContext | None = None,
    ) -> Iterator[str]:
        """Yield the reply as it arrives; raise `ProviderError` on any failure.

        The model reads everything from `turns`; `context` is not needed here.
        """
        kwargs = {}
        if temperature is not None:
            kwargs["temperature"] = temperature
        try:
            response = self._client.chat.completions.create(
                model=self.model,
                messages=to_wire(turns, with_images=self.supports_images),
                stream=True,
                **kwargs,
            )
        except openai.APIError as exc:
            raise self._explain(exc) from exc
        received: list[str] = []
        finished = False
        try:
            for chunk in response:
                if not chunk.choices:
                    continue
                choice = chunk.choices[0]
                text = choice.delta.content if choice.delta else None
                if text:
                    received.append(text)
                    yield text
                if choice.finish_reason:
                    finished = True
        except openai.APIError as exc:
            err = self._explain(exc)
            raise ProviderError(
                "cut",
                "The reply was cut off before it finished "
                f"({err.message.rstrip('.')}). Nothing was saved for it; try again.",
                partial="".join(received),
            ) from exc
        except Exception as exc:  # the connection dropped mid-stream (httpx errors, etc.)
            raise ProviderError(
                "cut",
                "The connection to the model server dropped in the middle of the reply. "
                "Nothing was saved for it; try again.",
                partial="".join(received),
            ) from exc
        finally:
            response.close()
        if not finished:
            raise ProviderError(
                "cut",
                "The model server stopped in the middle of the reply. Nothing was saved for "
                "it; try again.",
                partial="".join(received),
            )

    def _explain(self, exc: openai.APIError) -> ProviderError:
        where = self._where()
        # APITimeoutError is an APIConnectionError: it must be checked first.
        if isinstance(exc, openai.APITimeoutError):
            return ProviderError(
                "timeout", f"The model server at {where} took too long to answer. Try again."
            )
        if isinstance(exc, openai.APIConnectionError):
            return ProviderError(
                "connection",
                f"Kizuna could not reach the model server at {where}. Is it running, and is "
                "the base URL in Settings right?",
            )
        if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
            return ProviderError(
                "auth",
                f"The model server at {where} refused the API key. Check the key in Settings "
                "or in OPENAI_API_KEY.",
            )
        if isinstance(exc, openai.RateLimitError):
            return ProviderError(
                "rate_limit",
                "The model server is limiting requests right now (rate limit or quota). "
                "Wait a minute and try again.",
            )
        if isinstance(exc, openai.NotFoundError):
            return ProviderError(
                "not_found",
                f"The model “{self.model}” was not found at {where}. Check the model name in "
                "Settings.",
            )
        if isinstance(exc, openai.InternalServerError) or (
            isinstance(exc, openai.APIStatusError) and exc.status_code >= 500
        ):
            return ProviderError(
                "server", f"The model server at {where} had an internal error. Try again."
            )
        if isinstance(exc, openai.APIStatusError):
            return ProviderError(
                "bad_request",
                f"The model server at {where} rejected the request "
                f"({exc.status_code}). Check the model and settings.",
            )
        return ProviderError("server", f"The model server at {where} failed: {exc}.")
