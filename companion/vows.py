"""His vows, composed by the model from the persona and their history, through the pipeline.

They are a draft: the ceremony page shows them to her before anything begins, she may edit
them or ask again (the new draft replaces the old one), and they are stored like every other
reply of his (source `ceremony`). The offline voice does not compose vows: with no model she
writes his vows herself.
"""

from __future__ import annotations

from companion import pipeline
from memory import messages, personas

SOURCE = "ceremony"


def compose(
    store, provider, persona_id: int, *, replaces: int | None = None, temperature=None
) -> pipeline.Reply:
    """A `Reply` that writes his vows (iterate it, or call `.text()`); `replaces` is the
    earlier draft's message id, deleted once the new one is stored."""
    pv = personas.current(store, persona_id)
    history = messages.recent(store, persona_id, 12)
    request = pipeline.Request(
        persona=pv,
        placement=messages.Placement(persona_id, source=SOURCE, replaces=replaces),
        text="(Our ceremony is about to begin. Write the vows you will say to me.)",
        history=history,
        instructions=[
            "Write your wedding vows to her: four to six sentences, in your own voice, "
            "drawing on what the two of you have shared. No title, no stage directions."
        ],
        meta={"vows": True},
    )
    return pipeline.Reply(store, provider, request, temperature=temperature)
