"""Which provider to use, resolved from the environment, secrets and Settings.

Order of precedence for each value: what was typed on the Settings page in this session,
then the environment (`OPENAI_API_KEY`, `OPENAI_BASE_URL`, `KIZUNA_MODEL`, `KIZUNA_PROVIDER`,
`KIZUNA_VISION`), then `.streamlit/secrets.toml`, then the Settings stored in DuckDB. The API
key is only ever read here and handed to the SDK; it is never stored.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from memory.i18n import _

DEFAULT_MODEL = "gpt-4o-mini"

#: Substrings of model names that take images; `KIZUNA_VISION` overrides the guess.
_VISION_HINTS = (
    "gpt-4o",
    "gpt-4.1",
    "gpt-4-turbo",
    "gpt-5",
    "o3",
    "o4",
    "vision",
    "llava",
    "bakllava",
    "gemma3",
    "gemma-3",
    "qwen2.5-vl",
    "qwen2-vl",
    "qwen-vl",
    "vl-",
    "-vl",
    "minicpm-v",
    "moondream",
    "pixtral",
    "llama3.2-vision",
    "llama-3.2-11b-vision",
    "llama4",
    "claude",
    "gemini",
    "mistral-small3.1",
    "granite3.2-vision",
)


@dataclass(frozen=True)
class ProviderConfig:
    provider: str  # "openai" or "offline"
    base_url: str | None
    api_key: str | None = field(repr=False)  # never shown, logged or stored
    model: str
    temperature: float
    vision: bool

    def describe(self) -> str:
        """A short line for the UI, never including the key."""
        if self.provider == "offline":
            return _("Offline voice (no model)")
        where = self.base_url or "api.openai.com"
        return _("{model} at {where}").format(model=self.model, where=where)


def guess_vision(model: str) -> bool:
    """Whether a model probably takes images, from its name."""
    lowered = model.lower()
    return any(hint in lowered for hint in _VISION_HINTS)


def _flag(value: str | None) -> bool | None:
    if value is None or value.strip() == "":
        return None
    return value.strip().lower() in ("1", "true", "yes", "on")


def resolve(
    stored: Mapping[str, object] | None = None,
    *,
    secrets: Mapping[str, object] | None = None,
    session: Mapping[str, object] | None = None,
    environ: Mapping[str, str] | None = None,
) -> ProviderConfig:
    """Work out the provider configuration.

    `stored` holds the Settings from DuckDB (provider, base_url, model, temperature, and
    vision: True/False, or None to guess from the model name),
    `secrets` the contents of secrets.toml, `session` what was typed on the Settings page
    this session (may include `api_key`).
    """
    env = os.environ if environ is None else environ
    stored = stored or {}
    secrets = secrets or {}
    session = session or {}

    def pick(name: str, env_name: str | None):
        for source in (
            session.get(name),
            env.get(env_name) if env_name else None,
            secrets.get(env_name) if env_name else None,
            stored.get(name),
        ):
            if source not in (None, ""):
                return source
        return None

    api_key = pick("api_key", "OPENAI_API_KEY")
    base_url = pick("base_url", "OPENAI_BASE_URL")
    model = str(pick("model", "KIZUNA_MODEL") or DEFAULT_MODEL)
    provider = pick("provider", "KIZUNA_PROVIDER")
    if provider not in ("openai", "offline"):
        provider = "openai" if (api_key or base_url) else "offline"
    temperature = session.get("temperature", stored.get("temperature", 0.8))
    try:
        temperature = float(temperature)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        temperature = 0.8
    vision = _flag(env.get("KIZUNA_VISION"))
    if vision is None:
        vision = _flag(str(secrets.get("KIZUNA_VISION", "")))
    if vision is None and isinstance(stored.get("vision"), bool):
        vision = stored["vision"]
    if vision is None:
        vision = guess_vision(model)
    return ProviderConfig(
        provider=provider,
        base_url=str(base_url) if base_url else None,
        api_key=str(api_key) if api_key else None,
        model=model,
        temperature=temperature,
        vision=vision,
    )


#: The Settings (in DuckDB) that `for_store` reads.
STORED_SETTINGS = ("provider", "base_url", "model", "temperature", "vision")


def for_store(
    store,
    *,
    secrets: Mapping[str, object] | None = None,
    session: Mapping[str, object] | None = None,
    environ: Mapping[str, str] | None = None,
) -> ProviderConfig:
    """The configuration in force for a data folder: its Settings, then `resolve`'s order.

    The one resolver the pages and the command line share (so "don't send photos" and the
    temperature chosen in Settings hold everywhere). `secrets` defaults to
    `.streamlit/secrets.toml` in the working directory (`read_secrets`).
    """
    from memory import settings as settings_store

    stored = {name: settings_store.get(store, name) for name in STORED_SETTINGS}
    return resolve(
        stored,
        secrets=read_secrets() if secrets is None else secrets,
        session=session,
        environ=environ,
    )


def read_secrets(path: Path | str = Path(".streamlit") / "secrets.toml") -> dict:
    """The secrets file as a dict; {} when there is none or it cannot be read."""
    import tomllib

    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def make_provider(config: ProviderConfig, **kwargs):
    """The provider object for a configuration.

    `kwargs` go to the provider's constructor (`seed` for the offline voice; `timeout`,
    `max_retries` for the OpenAI-compatible one).
    """
    if config.provider == "offline":
        from companion.offline import OfflineVoice

        return OfflineVoice(**kwargs)
    from companion.openai_provider import OpenAIProvider

    return OpenAIProvider(
        api_key=config.api_key,
        base_url=config.base_url,
        model=config.model,
        supports_images=config.vision,
        **kwargs,
    )
