"""The companion's short reflection on a journal entry.

The reflection goes through the same `Provider` interface as the chat (the offline voice
included) and is stored as a companion message with source 'journal' and the entry's id.
A failed or empty reply stores nothing; regenerating replaces the old reflection only once
the new one has arrived whole.
"""

from __future__ import annotations

from collections.abc import Iterator

from companion.conversation import PromptContext
from companion.prompt import system_prompt
from companion.provider import ProviderError, Turn
from memory import journal, messages, personas, recall

INSTRUCTION = (
    "The user has shared a journal entry with you. Reply with a short, warm reflection in "
    "your own voice: two to four sentences, noticing what matters in it. Do not repeat the "
    "entry back, and do not give advice unless it is asked for."
)


def reflection_turns(store, entry: journal.Entry, persona) -> tuple[list[Turn], PromptContext]:
    """The turns (system prompt with recalled memories, then the entry) for a reflection."""
    remembered = [
        r
        for r in recall.for_prompt(store, entry.persona_id, entry.body, today=entry.written_on)
        if not (r.kind == "journal" and r.id == entry.id)
    ]
    system = system_prompt(
        persona, today=entry.written_on, recalled=remembered, extra=[INSTRUCTION]
    )
    mood = f" (mood {entry.mood}/5: {journal.MOOD_WORDS[entry.mood]})" if entry.mood else ""
    body = entry.body or "(a photo, no words)"
    user = f"My journal entry for {entry.written_on.strftime('%A %d %B %Y')}{mood}:\n\n{body}"
    context = PromptContext(persona=persona, user_text=entry.body, recalled=remembered)
    return [Turn("system", system), Turn("user", user)], context


class Reflection:
    """The companion's reflection on one entry, streamed and then stored.

    Iterate it (e.g. with `st.write_stream`); iteration never raises for provider failures.
    Afterwards `message` holds the stored reflection or `error` a `ProviderError`.
    With `replace=True` earlier reflections on the entry are deleted once the new one is
    stored (regenerate).
    """

    def __init__(self, store, provider, entry_id: int, *, temperature=None, replace=False):
        self.store = store
        self.provider = provider
        self.entry = journal.get(store, entry_id)
        if self.entry is None:
            raise LookupError("That journal entry is no longer there.")
        self.temperature = temperature
        self.replace = replace
        self.message: messages.Message | None = None
        self.error: ProviderError | None = None
        self.recalled: list = []

    def __iter__(self) -> Iterator[str]:
        persona = personas.current(self.store, self.entry.persona_id)
        received: list[str] = []
        try:
            turns, context = reflection_turns(self.store, self.entry, persona)
            self.recalled = context.recalled
            for chunk in self.provider.stream(turns, temperature=self.temperature, context=context):
                received.append(chunk)
                yield chunk
        except ProviderError as exc:
            self.error = exc
            return
        text = "".join(received).strip()
        if not text:
            self.error = ProviderError(
                "server", "The model answered with an empty reflection. Nothing was changed."
            )
            return
        with self.store.transaction() as cur:
            if self.replace:
                cur.execute(
                    "DELETE FROM messages WHERE journal_entry_id = ? AND role = 'companion'",
                    [self.entry.id],
                )
            self.message = messages.add(
                self.store,
                self.entry.persona_id,
                "companion",
                text,
                source="journal",
                provider=self.provider.name,
                model=self.provider.model,
                persona_version_id=persona.id,
                journal_entry_id=self.entry.id,
                meta={"recalled": [r.as_dict() for r in self.recalled]},
                cur=cur,
            )

    def text(self) -> str:
        """Run the whole reflection and return its text."""
        return "".join(self)


def reflect(store, provider, entry_id: int, *, temperature=None, replace=False) -> Reflection:
    """Write (or with `replace`, rewrite) the companion's reflection on an entry.

    Returns the finished `Reflection`; check `.error` for a plain sentence on failure.
    """
    reflection = Reflection(store, provider, entry_id, temperature=temperature, replace=replace)
    reflection.text()
    return reflection
