"""Prompt assembly: the persona version in force, recalled memories, and recent history.

`assemble` is the one place the turns sent to a provider are put together (every voice goes
through it via `companion.pipeline`), so a budget on the context belongs here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from companion import safety
from companion.provider import Image, Turn
from companion.safety import SAFETY_RULES


def system_prompt(
    persona, *, today: date | None = None, recalled: Sequence = (), extra: Sequence[str] = ()
) -> str:
    """The system prompt for a persona version (a `memory.personas.PersonaVersion`)."""
    lines = [f"You are {persona.name}, the user's companion. Stay in character."]
    if persona.user_name:
        lines.append(f"You call the user “{persona.user_name}”.")
    for label, value in (
        ("Personality", persona.personality),
        ("Speaking style and tone", persona.speaking_style),
        ("Mannerisms", persona.mannerisms),
        ("Backstory", persona.backstory),
    ):
        # Text that asks for harm (saved before it was refused on save) is left out.
        if value and value.strip() and not safety.persona_asks_for_harm(value):
            lines.append(f"{label}: {value.strip()}")
    if persona.signature_phrases:
        quoted = "; ".join(f"“{p}”" for p in persona.signature_phrases)
        lines.append(f"Phrases that are yours (use them naturally, not every time): {quoted}")
    if persona.language:
        lines.append(f"Reply in {persona.language} unless the user writes in another language.")
    if today is not None:
        line = f"Today is {today.isoformat()}."
        if persona.began_on:
            line += (
                f" You have been together since {persona.began_on.isoformat()} "
                f"(day {(today - persona.began_on).days + 1})."
            )
        lines.append(line)
    if recalled:
        lines.append("Shared memories you may bring up if they fit:")
        for item in recalled:
            when = f" ({item.when.isoformat()})" if getattr(item, "when", None) else ""
            text = f": {item.text}" if getattr(item, "text", "") else ""
            lines.append(f"- {item.title}{when}{text}"[:600])
    extra_text = persona.extra.get("system_prompt") if isinstance(persona.extra, dict) else None
    if extra_text and not safety.persona_asks_for_harm(str(extra_text)):
        lines.append(str(extra_text))
    lines.extend(extra)
    lines.append(SAFETY_RULES)
    return "\n".join(lines)


def history_turns(history: Sequence) -> list[Turn]:
    """Stored messages (oldest first) as turns; failed or partial replies are left out."""
    turns = []
    for message in history:
        if message.status != "ok" or not message.content:
            continue
        role = "user" if message.role == "user" else "assistant"
        turns.append(Turn(role, message.content))
    return turns


def assemble(
    persona,
    user_text: str,
    *,
    images: Sequence[Image] = (),
    today: date | None = None,
    recalled: Sequence = (),
    instructions: Sequence[str] = (),
    history: Sequence = (),
) -> list[Turn]:
    """The turns for one reply: the system prompt, the history (stored messages, oldest
    first), then her turn with its images."""
    turns = [
        Turn(
            "system",
            system_prompt(persona, today=today, recalled=recalled, extra=instructions),
        )
    ]
    turns.extend(history_turns(history))
    turns.append(Turn("user", user_text, tuple(images)))
    return turns
