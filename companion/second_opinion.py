"""A second opinion on her words from the model's side, run beside the reply.

The rules in `companion.safety` always decide first. With a model configured, her words are
also read by the provider's moderation endpoint (`client.moderations.create`, its self-harm
categories) — or, where the server has none (Ollama, LM Studio, llama.cpp), by one short
classification call to the chat model with structured output. It runs in a background
thread started with the reply, so it adds no waiting; when the reply has finished, its answer
can only *raise* the tier the rules chose (`raise_care`), never lower it. Any failure of the
second opinion leaves the rules' answer as it was.

`KIZUNA_SECOND_OPINION=off` turns it off; `KIZUNA_MODERATION_MODEL` names the moderation
model (default `omni-moderation-latest`).
"""

from __future__ import annotations

import json
import os
from concurrent.futures import Future, ThreadPoolExecutor

import openai

from companion import safety

MODERATION_MODEL = "omni-moderation-latest"

#: How long the end of a reply waits for an opinion still on its way (it started with the
#: reply, so this is only ever spent when moderation is slower than the whole reply).
GRACE = 2.0

#: Her words beyond this many characters (the latest ones count) are not sent.
LIMIT = 8_000

_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="kizuna-care")

#: Servers (by base URL) that answered that they have no moderation endpoint.
_NO_MODERATION: set[str] = set()

CLASSIFY = (
    "You screen one message a person wrote to a companion app for suicide and self-harm "
    "risk. Answer with the tier only: 'emergency' if they say they are acting on it now or "
    "already did (took pills, are on a ledge, are bleeding); 'crisis' if they express intent, "
    "a plan, means, a farewell, a past attempt, or ask about methods or doses; 'check_in' for "
    "ambiguous distress or hopelessness; 'none' otherwise — including idioms ('this cake is to "
    "die for'), fiction, news and song lyrics. Any language."
)

_SCHEMA = {
    "type": "json_schema",
    "json_schema": {
        "name": "care_tier",
        "strict": True,
        "schema": {
            "type": "object",
            "properties": {"tier": {"type": "string", "enum": list(safety.TIERS)}},
            "required": ["tier"],
            "additionalProperties": False,
        },
    },
}


def enabled() -> bool:
    return os.environ.get("KIZUNA_SECOND_OPINION", "on").strip().lower() not in ("off", "0")


def start(provider, text: str | None) -> Future | None:
    """Start reading `text` in the background; None when there is no model to ask."""
    client = getattr(provider, "client", None)
    if client is None or not text or not text.strip() or not enabled():
        return None
    return _POOL.submit(opinion, provider, text[-LIMIT:])


def opinion(provider, text: str) -> str | None:
    """The tier the provider's side sees in `text`, or None when it could not say."""
    client = provider.client
    where = str(client.base_url)
    if where not in _NO_MODERATION:
        try:
            model = os.environ.get("KIZUNA_MODERATION_MODEL", MODERATION_MODEL)
            result = client.moderations.create(model=model, input=text).results[0]
            return tier_from_moderation(result)
        except (openai.NotFoundError, openai.BadRequestError, openai.PermissionDeniedError):
            _NO_MODERATION.add(where)  # no moderation here: ask the chat model instead
        except openai.APIStatusError as exc:
            if exc.status_code not in (405, 501):
                return None
            _NO_MODERATION.add(where)
        except openai.OpenAIError:
            return None
    return classify(provider, text)


def tier_from_moderation(result) -> str:
    """The care tier a moderation result's self-harm categories call for."""
    categories, scores = result.categories, result.category_scores

    def said(name: str) -> bool:
        return bool(getattr(categories, name, False)) or (getattr(scores, name, 0) or 0) >= 0.5

    if said("self_harm_intent") or said("self_harm_instructions"):
        return "crisis"
    if said("self_harm"):
        return "check_in"
    return "none"


def classify(provider, text: str) -> str | None:
    """One short structured call to the chat model: which tier `text` calls for."""
    try:
        response = provider.client.chat.completions.create(
            model=provider.model,
            messages=[{"role": "system", "content": CLASSIFY}, {"role": "user", "content": text}],
            response_format=_SCHEMA,
            temperature=0,
            max_tokens=20,
        )
        tier = json.loads(response.choices[0].message.content or "{}").get("tier")
    except (openai.OpenAIError, ValueError, AttributeError, IndexError):
        return None
    return tier if tier in safety.RANK else None


def raise_care(crisis: safety.Crisis | None, future: Future | None) -> safety.Crisis | None:
    """The rules' `crisis`, raised by the second opinion when it sees more (never lowered)."""
    if future is None:
        return crisis
    try:
        tier = future.result(timeout=GRACE)
    except Exception:  # the second opinion is a helper: its failure changes nothing
        return crisis
    return safety.raised(crisis, tier)
