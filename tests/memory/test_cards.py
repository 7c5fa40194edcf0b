"""Character cards: V2/V3 in PNG and JSON, mapped into a companion and back out unchanged."""

from __future__ import annotations

import base64
import io
import json

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from memory import cards, personas
from memory.importers import ImportProblem

V2_CARD = {
    "spec": "chara_card_v2",
    "spec_version": "2.0",
    "data": {
        "name": "Aoi",
        "description": "A lighthouse keeper's daughter who loves the sea.",
        "personality": "Curious, gentle, stubborn about tea.",
        "scenario": "You meet on the pier at dusk.",
        "first_mes": "Oh! You came back. ✨",
        "mes_example": "<START>\n{{char}}: The tide is turning.",
        "creator_notes": "made with love",
        "system_prompt": "Write in short lines.",
        "post_history_instructions": "",
        "alternate_greetings": ["Hi again", "おかえり"],
        "tags": ["sea", "slice of life"],
        "creator": "someone",
        "character_version": "1.2",
        "extensions": {"depth_prompt": {"depth": 4, "prompt": "remember the sea"}, "fav": True},
        "character_book": {"entries": [{"keys": ["lighthouse"], "content": "Built 1890."}]},
        "unknown_data_field": {"kept": [1, 2, 3]},
    },
    "unknown_top_field": "kept too",
}


def _v3_card() -> dict:
    card = json.loads(json.dumps(V2_CARD))
    card["spec"], card["spec_version"] = "chara_card_v3", "3.0"
    card["data"]["name"] = "Aoi V3"
    card["data"]["nickname"] = "Ao"
    card["data"]["assets"] = [{"type": "icon", "uri": "ccdefault:", "name": "main", "ext": "png"}]
    card["data"]["group_only_greetings"] = []
    return card


def _png(chunks: dict[str, dict], color=(30, 120, 200)) -> bytes:
    info = PngInfo()
    for key, card in chunks.items():
        info.add_text(key, base64.b64encode(json.dumps(card).encode()).decode())
    out = io.BytesIO()
    Image.new("RGB", (400, 600), color).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def _same_card(exported: dict, original: dict) -> None:
    """Every key of the original comes back with the same value (defaults may be added)."""
    assert exported["spec"] == original["spec"]
    for key, value in original.items():
        if key != "data":
            assert exported[key] == value, key
    for key, value in original["data"].items():
        assert exported["data"][key] == value, key


def test_v2_json_card_maps_onto_persona_fields(store):
    pv = cards.import_card(store, json.dumps(V2_CARD).encode())
    assert pv.name == "Aoi"
    assert pv.backstory == V2_CARD["data"]["description"]
    assert pv.personality == V2_CARD["data"]["personality"]
    assert pv.speaking_style == V2_CARD["data"]["mes_example"]
    assert pv.extra["system_prompt"] == "Write in short lines."
    assert pv.extra["scenario"] == "You meet on the pier at dusk."
    assert pv.extra["first_mes"] == "Oh! You came back. ✨"
    assert pv.extra["card"]["data"]["extensions"]["depth_prompt"]["depth"] == 4


def test_v2_json_round_trip_keeps_unknown_keys_and_extensions(store):
    pv = cards.import_card(store, json.dumps(V2_CARD).encode())
    exported = json.loads(cards.export_json(store, pv.persona_id))
    _same_card(exported, V2_CARD)


def test_v3_png_round_trip_and_ccv3_wins_over_chara(store):
    v3 = _v3_card()
    raw = _png({"chara": V2_CARD, "ccv3": v3})
    pv = cards.import_card(store, raw)
    assert pv.name == "Aoi V3"
    assert pv.avatar_path and store.path_of(pv.avatar_path).is_file()
    png = cards.export_png(store, pv.persona_id)
    chunks = cards.png_text_chunks(png)
    assert set(chunks) >= {"chara", "ccv3"}
    _same_card(json.loads(base64.b64decode(chunks["ccv3"])), v3)
    as_v2 = json.loads(base64.b64decode(chunks["chara"]))
    assert as_v2["spec"] == "chara_card_v2" and as_v2["data"]["name"] == "Aoi V3"
    assert as_v2["data"]["extensions"] == v3["data"]["extensions"]
    with Image.open(io.BytesIO(png)) as img:
        assert img.size == (512, 512)  # the avatar it became
    again = cards.import_card(store, png)
    _same_card(json.loads(cards.export_json(store, again.persona_id)), v3)


def test_v2_png_card_imports_with_its_image_as_avatar(store):
    pv = cards.import_card(store, _png({"chara": V2_CARD}, color=(250, 0, 0)))
    with Image.open(store.path_of(pv.avatar_path)) as img:
        assert img.convert("RGB").getpixel((256, 256)) == (250, 0, 0)
    _same_card(json.loads(cards.export_json(store, pv.persona_id)), V2_CARD)


def test_kizuna_fields_survive_a_card_round_trip(store):
    starter = personas.ensure_starter(store)
    personas.save_version(store, starter.id, user_name="Hana", mannerisms="hums")
    png = cards.export_png(store, starter.id)
    pv = cards.import_card(store, png)
    original = personas.current(store, starter.id)
    for field in ("name", "user_name", "personality", "speaking_style", "mannerisms"):
        assert getattr(pv, field) == getattr(original, field), field
    assert pv.signature_phrases == original.signature_phrases
    assert pv.began_on == original.began_on


def test_v1_card_is_read():
    card = cards.read_card(json.dumps({"name": "Old", "description": "v1 style"}).encode())
    assert card.spec == "v1"
    assert cards.persona_fields(card)["backstory"] == "v1 style"


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        (b"not json at all", "neither a PNG"),
        (b"[1, 2]", "not an object"),
        (json.dumps({"spec": "chara_card_v2"}).encode(), "no 'data'"),
        (json.dumps({"spec": "chara_card_v2", "data": {"name": " "}}).encode(), "no name"),
        (_png({}), "no character card inside"),
        (_png({"chara": V2_CARD})[:60], "cut off"),
    ],
)
def test_bad_cards_are_refused_plainly_and_nothing_is_created(store, raw, says):
    with pytest.raises(ImportProblem, match=says):
        cards.import_card(store, raw)
    assert personas.list_personas(store) == []
