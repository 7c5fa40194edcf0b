"""Examples of his voice kept with the persona: chosen from his replies, from a card, hers."""

import pytest

from memory import messages, personas, voice
from memory.errors import InvalidInput
from tests.companion.voice_history import long_history

MES_EXAMPLE = """<START>
{{user}}: How was your day?
{{char}}: Long, but better now. Did you eat, my moon?
<START>
{{user}}: I'm home!
{{char}}: Okaeri! I kept the tea warm for you.
{{char}}: …and the blanket."""


def test_card_examples_are_his_lines_only_and_never_added_twice(store):
    pid = personas.create(store, name="Lune").persona_id
    assert voice.add_examples(store, pid, MES_EXAMPLE, source="card") == 3
    bodies = [e.body for e in voice.examples(store, pid)]
    assert "Long, but better now. Did you eat, my moon?" in bodies
    assert not any("How was your day" in b for b in bodies)
    assert voice.add_examples(store, pid, MES_EXAMPLE, source="card") == 0
    assert voice.add_examples(store, pid, ["Plain line.", "", "  "]) == 1
    assert {e.origin for e in voice.examples(store, pid)} == {"card"}


def test_examples_chosen_from_his_replies_show_his_manner_and_stay_removed(store):
    pv = personas.create(
        store,
        name="Lune Klaus",
        user_name="Mika",
        mannerisms="Calls me his moon.",
        first_person="僕",
    )
    long_history(store, pv.persona_id, 2000)
    user = messages.add(store, pv.persona_id, "user", "hi")
    messages.add(
        store, pv.persona_id, "companion", "Mika Mika Mika?", provider="offline", reply_to=user.id
    )
    assert voice.choose_automatically(store, pv) == voice.AUTO_COUNT
    chosen = voice.examples(store, pv.persona_id)
    assert len(chosen) == voice.AUTO_COUNT and all(e.origin == "auto" for e in chosen)
    assert all(e.message_id for e in chosen)
    assert not any(e.body == "Mika Mika Mika?" for e in chosen)  # the offline voice's
    assert len({e.body.split()[0] for e in chosen}) > 3  # varied openings
    # pin one, remove another: the removed one is never chosen again
    voice.set_pinned(store, chosen[-1].id, True)
    voice.remove(store, chosen[0].id)
    assert voice.examples(store, pv.persona_id)[0].id == chosen[-1].id
    assert voice.choose_automatically(store, pv) == 1
    assert chosen[0].body not in [e.body for e in voice.examples(store, pv.persona_id)]
    assert voice.for_prompt(store, pv.persona_id, limit=2)[0].pinned


def test_bad_examples_get_a_sentence_and_long_ones_are_cut(store):
    pid = personas.create(store, name="X").persona_id
    with pytest.raises(InvalidInput):
        voice.add(store, pid, "   ")
    long = voice.add(store, pid, "So sweet. " * 2000)
    assert len(long.body) <= voice.MAX_EXAMPLE_CHARS
    mixed = voice.add_examples(store, pid, ["大好きだよ。", "Je t'aime.", "I love you 🌙"])
    assert mixed == 3
    # no replies at all, or a single one: nothing to choose, no crash
    assert voice.choose_automatically(store, personas.current(store, pid)) == 0
