"""Character cards (SillyTavern and friends): import into a companion, export back out.

A card is JSON (Character Card V1, V2 `chara_card_v2` or V3 `chara_card_v3`), either on its own
or inside a PNG as a base64 `tEXt` chunk: `chara` holds V2 (or V1), `ccv3` holds V3, and `ccv3`
wins when both are present.

Mapping onto a companion's version:
- `name` → name, `description` → backstory, `personality` → personality,
  `mes_example` (example messages) → speaking style;
- `system_prompt`, `scenario` and `first_mes` (first message) → `extra` under the same keys
  (the prompt reads `extra["system_prompt"]`);
- everything else — `extensions`, alternate greetings, tags, creator notes, character book,
  any key this code has never heard of, at the top level or inside `data` — is kept in
  `extra["card"]` and written back unchanged on export.
Kizuna's own fields that cards lack (what they call you, mannerisms, signature phrases,
language, together since) travel in `extensions.kizuna`, so a Kizuna → card → Kizuna round
trip keeps them.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import struct
import zlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from memory import personas
from memory.importers import ImportProblem

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
V2 = "chara_card_v2"
V3 = "chara_card_v3"

#: card `data` key → persona field
_TO_FIELD = {"name": "name", "description": "backstory", "personality": "personality"}
_TO_FIELD["mes_example"] = "speaking_style"
#: card `data` keys kept in `extra` under the same name
_TO_EXTRA = ("system_prompt", "scenario", "first_mes")
#: persona fields a card has no place for, carried in extensions.kizuna
_KIZUNA_ONLY = ("user_name", "mannerisms", "signature_phrases", "language", "began_on")

_V2_DEFAULTS = {
    "name": "",
    "description": "",
    "personality": "",
    "scenario": "",
    "first_mes": "",
    "mes_example": "",
    "creator_notes": "",
    "system_prompt": "",
    "post_history_instructions": "",
    "alternate_greetings": [],
    "tags": [],
    "creator": "",
    "character_version": "",
    "extensions": {},
}
_V3_DEFAULTS = {**_V2_DEFAULTS, "group_only_greetings": []}

ASSETS = Path(__file__).resolve().parent.parent / "assets"


@dataclass(frozen=True)
class Card:
    """A card as read: its spec, its `data` object, other top-level keys, and its image."""

    spec: str  # V2, V3, or "v1"
    spec_version: str
    data: dict
    top: dict
    image: bytes | None = None

    @property
    def name(self) -> str:
        return str(self.data.get("name") or "").strip()


# -- reading ---------------------------------------------------------------------------------
def png_text_chunks(png: bytes) -> dict[str, str]:
    """The `tEXt` (and uncompressed or compressed `iTXt`/`zTXt`) chunks of a PNG, by keyword."""
    if not png.startswith(PNG_SIGNATURE):
        raise ImportProblem("That file is not a PNG image.")
    chunks: dict[str, str] = {}
    pos = len(PNG_SIGNATURE)
    while pos + 8 <= len(png):
        length, kind = struct.unpack(">I4s", png[pos : pos + 8])
        body = png[pos + 8 : pos + 8 + length]
        if len(body) < length:
            raise ImportProblem("That PNG is cut off; it could not be read.")
        pos += 12 + length
        try:
            if kind == b"tEXt":
                key, _, value = body.partition(b"\0")
                chunks[key.decode("latin-1")] = value.decode("latin-1")
            elif kind == b"zTXt":
                key, _, rest = body.partition(b"\0")
                chunks[key.decode("latin-1")] = zlib.decompress(rest[1:]).decode("latin-1")
            elif kind == b"iTXt":
                key, _, rest = body.partition(b"\0")
                compressed, rest = rest[0], rest[2:]
                _lang, _, rest = rest.partition(b"\0")
                _translated, _, value = rest.partition(b"\0")
                value = zlib.decompress(value) if compressed else value
                chunks[key.decode("latin-1")] = value.decode("utf-8")
        except (zlib.error, UnicodeDecodeError, IndexError):
            continue
        if kind == b"IEND":
            break
    return chunks


def read_card(raw: bytes) -> Card:
    """A card from the bytes of a PNG card or a JSON card; `ImportProblem` if it is neither."""
    if raw.startswith(PNG_SIGNATURE):
        chunks = png_text_chunks(raw)
        encoded = chunks.get("ccv3") or chunks.get("chara")
        if not encoded:
            raise ImportProblem(
                "That PNG has no character card inside (no 'chara' or 'ccv3' text chunk)."
            )
        try:
            payload = json.loads(base64.b64decode(encoded, validate=False))
        except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
            raise ImportProblem("The character card inside that PNG is damaged.") from exc
        return _card_from_json(payload, image=raw)
    try:
        payload = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ImportProblem("That file is neither a PNG character card nor card JSON.") from exc
    return _card_from_json(payload)


def _card_from_json(payload, image: bytes | None = None) -> Card:
    if not isinstance(payload, dict):
        raise ImportProblem("That is not a character card (the JSON is not an object).")
    spec = payload.get("spec")
    if spec in (V2, V3):
        data = payload.get("data")
        if not isinstance(data, dict):
            raise ImportProblem("That character card has no 'data' section.")
        top = {k: v for k, v in payload.items() if k not in ("spec", "spec_version", "data")}
        card = Card(spec, str(payload.get("spec_version") or ""), dict(data), top, image)
    elif isinstance(payload.get("name"), str) or isinstance(payload.get("char_name"), str):
        data = dict(payload)  # V1: the fields sit at the top level
        if "name" not in data:
            data["name"] = data.pop("char_name")
        card = Card("v1", "1.0", data, {}, image)
    else:
        raise ImportProblem("That JSON is not a character card (no spec and no name).")
    if not card.name:
        raise ImportProblem("That character card has no name.")
    return card


# -- card ⇄ persona ----------------------------------------------------------------------------
def persona_fields(card: Card) -> dict:
    """The persona fields (for `personas.create` / `save_version`) a card maps to."""
    data = dict(card.data)
    fields: dict = {}
    for key, field_name in _TO_FIELD.items():
        value = data.pop(key, None)
        if isinstance(value, str) and value:
            fields[field_name] = value
    fields["name"] = card.name
    extra: dict = {}
    for key in _TO_EXTRA:
        value = data.pop(key, None)
        if isinstance(value, str) and value:
            extra[key] = value
    extensions = data.get("extensions")
    if isinstance(extensions, dict) and isinstance(extensions.get("kizuna"), dict):
        extensions = dict(extensions)
        own = extensions.pop("kizuna")
        data["extensions"] = extensions
        for key in _KIZUNA_ONLY:
            if own.get(key) not in (None, "", []):
                fields[key] = own[key]
        if "began_on" in fields:
            try:
                fields["began_on"] = date.fromisoformat(str(fields["began_on"]))
            except ValueError:
                fields.pop("began_on")
    extra["card"] = {
        "spec": card.spec,
        "spec_version": card.spec_version,
        "data": data,  # every data key not mapped above, unknown ones included
        "top": card.top,
    }
    fields["extra"] = extra
    return fields


def import_card(store, raw: bytes, *, persona_id: int | None = None) -> personas.PersonaVersion:
    """Import a card as a new companion (or as a new version of `persona_id`).

    A PNG card's image becomes the avatar. Raises `ImportProblem` for anything unreadable,
    before anything is written.
    """
    card = read_card(raw)
    fields = persona_fields(card)
    if card.image is not None:
        try:
            fields["avatar_path"] = personas.store_avatar(store, card.image)
        except ValueError as exc:
            raise ImportProblem(str(exc)) from exc
    if persona_id is None:
        return personas.create(
            store, note=f"Imported from a character card ({card.spec})", **fields
        )
    return personas.save_version(
        store, persona_id, note=f"Imported from a character card ({card.spec})", **fields
    )


def card_json(pv: personas.PersonaVersion, spec: str | None = None) -> dict:
    """The companion version as a card (V3 or V2; by default the spec it was imported as)."""
    extra = dict(pv.extra or {})
    kept = extra.get("card") if isinstance(extra.get("card"), dict) else {}
    spec = spec or (V3 if kept.get("spec") == V3 else V2)
    data = dict(_V3_DEFAULTS if spec == V3 else _V2_DEFAULTS)
    data.update(kept.get("data") or {})
    for key, field_name in _TO_FIELD.items():
        value = getattr(pv, field_name)
        data[key] = value if value is not None else data.get(key, "")
    for key in _TO_EXTRA:
        if isinstance(extra.get(key), str):
            data[key] = extra[key]
    own = {}
    for key in _KIZUNA_ONLY:
        value = getattr(pv, key)
        if value not in (None, "", ()):
            own[key] = value.isoformat() if isinstance(value, date) else value
    if isinstance(own.get("signature_phrases"), tuple):
        own["signature_phrases"] = list(own["signature_phrases"])
    extensions = dict(data.get("extensions") or {})
    if own:
        extensions["kizuna"] = own
    data["extensions"] = extensions
    card = {"spec": spec, "spec_version": "3.0" if spec == V3 else "2.0", "data": data}
    for key, value in (kept.get("top") or {}).items():
        card.setdefault(key, value)
    return card


def export_json(store, persona_id: int) -> bytes:
    """The companion in force as card JSON (UTF-8)."""
    pv = personas.current(store, persona_id)
    return json.dumps(card_json(pv), ensure_ascii=False, indent=2).encode()


def export_png(store, persona_id: int) -> bytes:
    """The companion in force as a PNG card: its avatar with `chara` (V2) and `ccv3` (V3)."""
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    pv = personas.current(store, persona_id)
    avatar = store.path_of(pv.avatar_path) if pv.avatar_path else None
    if avatar is None or not avatar.is_file():
        avatar = ASSETS / "avatar.png"
    info = PngInfo()
    for key, spec in (("chara", V2), ("ccv3", V3)):
        text = json.dumps(card_json(pv, spec), ensure_ascii=False).encode()
        info.add_text(key, base64.b64encode(text).decode("ascii"))
    out = io.BytesIO()
    with Image.open(avatar) as img:
        img.save(out, "PNG", pnginfo=info)
    return out.getvalue()
