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


#: The context budget when none is set, in tokens: room for a long conversation on today's
#: common models (8k-context local models included) with space left for the reply.
DEFAULT_BUDGET = 6000
#: Settings key holding her choice (in tokens).
BUDGET_SETTING = "context_budget"
#: Shares of the budget that examples of his voice and recalled memories may take at most;
#: the history gets everything else, newest first.
EXAMPLES_SHARE = 0.15
MEMORIES_SHARE = 0.15


def estimate_tokens(text: str) -> int:
    """A cheap, deliberately generous token count: ~4 Latin characters per token, one
    token per Japanese (or other non-ASCII) character, plus a few per message."""
    if not text:
        return 4
    ascii_chars = len(text.encode("ascii", "ignore"))  # the characters below 128, in C
    return 4 + ascii_chars // 4 + (len(text) - ascii_chars)


def budget(store) -> int:
    """The context budget in tokens: her setting, else `DEFAULT_BUDGET` (`store` may be a
    `memory.settings.Snapshot`)."""
    from memory import settings as settings_store

    value = settings_store.get(store, BUDGET_SETTING)
    try:
        chosen = int(value) if value is not None else DEFAULT_BUDGET
    except (TypeError, ValueError):
        chosen = DEFAULT_BUDGET
    return max(1000, chosen)


def _short(text: str, limit: int) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def voice_lines(examples: Sequence = (), past_replies: Sequence = (), *, room: int) -> list[str]:
    """System-prompt lines showing how he talks, within `room` tokens: the examples kept with
    the persona (pinned first), then his past replies to messages like hers."""
    lines: list[str] = []
    used = 0

    def fits(line: str) -> bool:
        nonlocal used
        cost = estimate_tokens(line)
        if used + cost > room:
            return False
        used += cost
        lines.append(line)
        return True

    shown = [e for e in examples if (getattr(e, "body", "") or "").strip()]
    if shown and fits("How you talk — examples in your own words (match this manner):"):
        for example in shown:
            if not fits(f"- “{_short(example.body, 400)}”"):
                break
    past = [p for p in past_replies if (getattr(p, "text", "") or "").strip()]
    if past and fits("When she said something like this before, you replied:"):
        for item in past:
            line = f"- She: “{_short(item.her_text, 160)}” → You: “{_short(item.text, 300)}”"
            if not fits(line):
                break
    if len(lines) == 1:
        return []
    return lines


def assemble(
    persona,
    user_text: str,
    *,
    images: Sequence[Image] = (),
    today: date | None = None,
    recalled: Sequence = (),
    instructions: Sequence[str] = (),
    history: Sequence = (),
    examples: Sequence = (),
    past_replies: Sequence = (),
    budget_tokens: int | None = None,
) -> list[Turn]:
    """The turns for one reply, fitted to a context budget (tokens, estimated).

    Always: the persona, the rules, her turn. Then, each within its share of the budget:
    examples of his voice (pinned first) and his past replies to messages like hers;
    recalled memories (best first). The history (stored messages, oldest first) gets the
    rest, newest first; what does not fit is left to recall. Without a budget, everything
    given is sent (`DEFAULT_BUDGET` is applied by the pipeline's callers).
    """
    limit = budget_tokens if budget_tokens else 10**9
    her_turn = Turn("user", user_text, tuple(images))
    used = estimate_tokens(user_text)
    base = system_prompt(persona, today=today, recalled=(), extra=instructions)
    used += estimate_tokens(base)
    room = max(0, limit - used)
    spoken = voice_lines(examples, past_replies, room=int(min(room, limit * EXAMPLES_SHARE)))
    used += sum(estimate_tokens(line) for line in spoken)
    kept_memories = []
    memory_room = min(max(0, limit - used), limit * MEMORIES_SHARE)
    for item in recalled:
        cost = estimate_tokens(f"- {item.title} {getattr(item, 'text', '')}"[:600])
        if cost > memory_room:
            break
        memory_room -= cost
        used += cost
        kept_memories.append(item)
    system = system_prompt(
        persona, today=today, recalled=kept_memories, extra=[*spoken, *instructions]
    )
    used = estimate_tokens(system) + estimate_tokens(user_text)
    fitted: list[Turn] = []
    for turn in reversed(history_turns(history)):
        cost = estimate_tokens(turn.content)
        if used + cost > limit:
            break
        used += cost
        fitted.append(turn)
    return [Turn("system", system), *reversed(fitted), her_turn]
