"""The companion's short reflection on a journal entry.

The reflection goes through the same `Provider` interface as the chat (the offline voice
included) and is stored as a companion message with source 'journal' and the entry's id.
A failed or empty reply stores nothing; regenerating replaces the old reflection only once
the new one has arrived whole.
"""

from __future__ import annotations

from companion import pipeline
from memory import journal, messages, personas, recall
from memory.errors import NotFound

INSTRUCTION = (
    "The user has shared a journal entry with you. Reply with a short, warm reflection in "
    "your own voice: two to four sentences, noticing what matters in it. Do not repeat the "
    "entry back, and do not give advice unless it is asked for."
)


def reflection_request(store, entry: journal.Entry, persona) -> pipeline.Request:
    """What the reflection is about: the entry, with memories recalled for it."""
    remembered = [
        r
        for r in recall.for_prompt(store, entry.persona_id, entry.body, today=entry.written_on)
        if not (r.kind == "journal" and r.id == entry.id)
    ]
    mood = f" (mood {entry.mood}/5: {journal.MOOD_WORDS[entry.mood]})" if entry.mood else ""
    body = entry.body or "(a photo, no words)"
    user = f"My journal entry for {entry.written_on.strftime('%A %d %B %Y')}{mood}:\n\n{body}"
    return pipeline.Request(
        persona=persona,
        placement=messages.Placement(
            entry.persona_id,
            source="journal",
            journal_entry_id=entry.id,
        ),
        text=user,
        user_text=entry.body,
        today=entry.written_on,
        recalled=remembered,
        instructions=[INSTRUCTION],
        meta={"recalled": [r.as_dict() for r in remembered]},
    )


class Reflection(pipeline.Reply):
    """The companion's reflection on one entry, streamed and then stored.

    Iterate it (e.g. with `st.write_stream`); iteration never raises for provider failures.
    Afterwards `message` holds the stored reflection or `error` a `ProviderError`.
    With `replace=True` earlier reflections on the entry are deleted once the new one is
    stored (regenerate). Crisis language in the entry brings care, as in the chat.
    """

    empty_sentence = "The model answered with an empty reflection. Nothing was changed."

    def __init__(self, store, provider, entry_id: int, *, temperature=None, replace=False):
        entry = journal.get(store, entry_id)
        if entry is None:
            raise NotFound("That journal entry is no longer there.")
        super().__init__(store, provider, her_words=[entry.body], temperature=temperature)
        self.entry = entry
        self.replace = replace

    def request(self) -> pipeline.Request:
        persona = personas.current(self.store, self.entry.persona_id)
        request = reflection_request(self.store, self.entry, persona)
        if self.replace:
            request.placement = messages.Placement(
                self.entry.persona_id,
                source="journal",
                journal_entry_id=self.entry.id,
                replace_same_place=True,
            )
        return request


def reflect(store, provider, entry_id: int, *, temperature=None, replace=False) -> Reflection:
    """Write (or with `replace`, rewrite) the companion's reflection on an entry.

    Returns the finished `Reflection`; check `.error` for a plain sentence on failure.
    """
    reflection = Reflection(store, provider, entry_id, temperature=temperature, replace=replace)
    reflection.text()
    return reflection
