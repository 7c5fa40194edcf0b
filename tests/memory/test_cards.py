"""Character cards: V2/V3 in PNG and JSON, mapped into a companion and back out unchanged."""

from __future__ import annotations

import base64
import io
import json
import zipfile

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


def _png_text(texts: dict[str, str], size=(400, 600)) -> bytes:
    info = PngInfo()
    for key, text in texts.items():
        info.add_text(key, text)
    out = io.BytesIO()
    Image.new("RGB", size, (10, 20, 30)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def _charx(files: dict[str, bytes], card: dict | None = "v3") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        if card is not None:
            zf.writestr("card.json", json.dumps(_v3_card() if card == "v3" else card))
        for name, data in files.items():
            zf.writestr(name, data)
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
        assert img.size == (400, 600)  # the card's own art, not the square avatar
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
        (_png_text({"chara": "%%% not base64 %%%"}), "not base64-encoded card JSON"),
        (_png_text({"chara": base64.b64encode(b"{broken json").decode()}), "damaged"),
        (_charx({"../evil.png": b"x"}), "outside itself"),
        (_charx({"/etc/passwd": b"x"}), "outside itself"),
        (_charx({"readme.txt": b"x"}, card=None), "no card.json"),
    ],
)
def test_bad_cards_are_refused_plainly_and_nothing_is_created(store, raw, says):
    with pytest.raises(ImportProblem, match=says):
        cards.import_card(store, raw)
    assert personas.list_personas(store) == []


def _idat(png: bytes) -> bytes:
    return b"".join(body for kind, body, _s, _e in cards._chunks(png) if kind == b"IDAT")


@pytest.mark.parametrize("size", [(400, 600), (1400, 1400)])
def test_card_art_is_kept_byte_for_byte_and_exported_as_it_came(store, size):
    noise = Image.effect_noise(size, 64).convert("RGB")  # real pixels, not one colour
    info = PngInfo()
    info.add_text("chara", base64.b64encode(json.dumps(V2_CARD).encode()).decode())
    info.add_text("Comment", "made by hand")
    out = io.BytesIO()
    noise.save(out, "PNG", pnginfo=info)
    raw = out.getvalue()
    pv = cards.import_card(store, raw)
    with Image.open(store.path_of(pv.avatar_path)) as avatar:
        assert avatar.size == (512, 512)  # the in-app avatar is a crop …
    png = cards.export_png(store, pv.persona_id)
    assert _idat(png) == _idat(raw)  # … the card is not: the same picture, byte for byte
    with Image.open(io.BytesIO(png)) as img:
        assert img.size == size
    assert cards.png_text_chunks(png)["Comment"] == "made by hand"
    _same_card(json.loads(base64.b64decode(cards.png_text_chunks(png)["chara"])), V2_CARD)


def test_unknown_keys_and_extensions_come_back_byte_identical(store):
    pv = cards.import_card(store, json.dumps(V2_CARD, ensure_ascii=False).encode())
    exported = json.loads(cards.export_json(store, pv.persona_id))
    for key in ("extensions", "unknown_data_field", "character_book", "alternate_greetings"):
        assert json.dumps(exported["data"][key], ensure_ascii=False) == json.dumps(
            V2_CARD["data"][key], ensure_ascii=False
        )
    assert exported["unknown_top_field"] == "kept too"


@pytest.mark.parametrize(
    "payload",
    [
        {  # TavernAI / V1
            "name": "Ren",
            "description": "A florist.",
            "personality": "Shy",
            "scenario": "A flower shop",
            "first_mes": "Welcome, {{user}}!",
            "mes_example": "{{char}}: Roses today.",
        },
        {  # Pygmalion
            "char_name": "Ren",
            "char_persona": "A florist.",
            "world_scenario": "A flower shop",
            "char_greeting": "Welcome, {{user}}!",
            "example_dialogue": "{{char}}: Roses today.",
        },
    ],
)
def test_v1_tavern_and_pygmalion_json_map_onto_the_persona(store, payload):
    pv = cards.import_card(store, json.dumps(payload).encode())
    assert (pv.name, pv.backstory, pv.speaking_style) == (
        "Ren",
        "A florist.",
        "{{char}}: Roses today.",
    )
    assert pv.extra["scenario"] == "A flower shop"
    exported = json.loads(cards.export_json(store, pv.persona_id))["data"]
    assert (exported["first_mes"], exported["scenario"]) == ("Welcome, {{user}}!", "A flower shop")


def test_first_message_becomes_his_greeting_in_the_new_chat(store):
    from memory import messages

    pv = cards.import_card(store, json.dumps(V2_CARD).encode())
    (hello,) = messages.recent(store, pv.persona_id)
    assert (hello.role, hello.content, hello.source) == (
        "companion",
        "Oh! You came back. ✨",
        "greeting",
    )


def test_example_messages_become_examples_of_how_he_talks(store):
    from memory import voice

    card = json.loads(json.dumps(V2_CARD))
    card["data"]["mes_example"] = (
        "<START>\n{{user}}: Did you sleep?\n{{char}}: Like a cat in the sun, my moon.\n"
        "<START>\n{{user}}: I'm home.\n{{char}}: Okaeri! Tell me everything."
    )
    pv = cards.import_card(store, json.dumps(card).encode())
    said = {e.body for e in voice.examples(store, pv.persona_id)}
    assert {"Like a cat in the sun, my moon.", "Okaeri! Tell me everything."} <= said
    assert not any("Did you sleep" in line for line in said)  # her lines are not his voice


def test_lorebook_entries_become_memories_recall_finds_by_their_keys(store):
    from memory import memories, recall

    card = json.loads(json.dumps(V2_CARD))
    card["data"]["character_book"] = {
        "name": "Aoi's world",
        "entries": [
            {
                "keys": ["lighthouse", "tower"],
                "content": "Built in 1890 by her grandfather.",
                "enabled": True,
                "insertion_order": 0,
                "extensions": {"x": 1},
            },
            {"keys": ["cat"], "content": "Mochi sleeps on the lamp.", "enabled": False},
        ],
    }
    pv = cards.import_card(store, json.dumps(card).encode())
    kept = memories.list_memories(store, pv.persona_id)
    assert [m.body for m in kept] == ["Built in 1890 by her grandfather."]
    found = recall.for_prompt(store, pv.persona_id, "tell me about the lighthouse")
    assert any("1890" in r.text for r in found if r.kind == "memory")
    exported = json.loads(cards.export_json(store, pv.persona_id))
    assert exported["data"]["character_book"] == card["data"]["character_book"]


def test_charx_with_two_assets_comes_in_and_goes_out_whole(store):
    icon = _png_text({}, size=(300, 450))
    background = io.BytesIO()
    Image.new("RGB", (64, 32), (1, 2, 3)).save(background, "JPEG")
    card = _v3_card()
    card["data"]["assets"] = [
        {
            "type": "icon",
            "uri": "embeded://assets/icon/images/main.png",
            "name": "main",
            "ext": "png",
        },
        {
            "type": "background",
            "uri": "embeded://assets/background/images/sea.jpg",
            "name": "sea",
            "ext": "jpg",
        },
    ]
    raw = _charx(
        {
            "assets/icon/images/main.png": icon,
            "assets/background/images/sea.jpg": background.getvalue(),
            "x_meta/main.json": b'{"type": "png"}',
        },
        card=card,
    )
    pv = cards.import_card(store, raw)
    assert pv.name == "Aoi V3" and pv.avatar_path
    out = cards.export_charx(store, pv.persona_id)
    with zipfile.ZipFile(io.BytesIO(out)) as zf:
        assert zf.read("assets/icon/images/main.png") == icon
        assert zf.read("assets/background/images/sea.jpg") == background.getvalue()
        assert zf.read("x_meta/main.json") == b'{"type": "png"}'
        _same_card(json.loads(zf.read("card.json")), card)
    png = cards.export_png(store, pv.persona_id)
    assert _idat(png) == _idat(icon)
    again = cards.import_card(store, out)
    assert again.name == "Aoi V3"


def test_the_same_card_again_is_recognised_as_that_companion(store):
    raw = json.dumps(V2_CARD).encode()
    first = cards.import_card(store, raw)
    card = cards.read_card(raw)
    assert cards.recognise(store, card).id == first.persona_id
    newer = cards.import_card(store, card, persona_id=first.persona_id)
    assert newer.persona_id == first.persona_id and newer.version == 2
    assert [p.name for p in personas.list_personas(store)] == ["Aoi"]
    other = json.loads(json.dumps(V2_CARD))
    other["data"]["creator"] = "someone else"
    assert cards.recognise(store, cards.read_card(json.dumps(other).encode())) is None
