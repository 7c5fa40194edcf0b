"""Character cards (SillyTavern, Chub, RisuAI and friends): into a companion and back out,
without loss.

Shapes read (as found in the wild):
- Character Card V2 (`spec: chara_card_v2`) and V3 (`chara_card_v3`) JSON, alone or inside a
  PNG as base64 `tEXt` chunks: `chara` holds V2 (or V1), `ccv3` holds V3, and `ccv3` wins
  when both are present;
- V1 / TavernAI JSON (`name`, `description`, `personality`, `scenario`, `first_mes`,
  `mes_example` at the top level) and Pygmalion's (`char_name`, `char_persona`,
  `world_scenario`, `char_greeting`, `example_dialogue`), mapped to the V2 names;
- CharX (`.charx`): a zip with `card.json` (V3) and its assets (`assets/icon/images/main.png`,
  named in `data.assets` by `embeded://` URIs). A member name that climbs out of the zip
  (`../`, an absolute path) refuses the whole file.

Mapping onto a companion's version:
- `name` → name, `description` → backstory, `personality` → personality,
  `mes_example` (examples of how he talks) → speaking style (kept for the way back out) and
  his lines in it → examples of his voice (`memory.voice`, Persona → How they talk);
- `system_prompt`, `scenario` and `first_mes` → `extra` under the same keys; `first_mes`
  also becomes his first message in the new companion's chat;
- `character_book` entries become memories, with the entry's keys as the words recall finds
  them by;
- everything else — `extensions`, alternate greetings, tags, creator notes, the lorebook
  itself, any key this code has never heard of, at the top level or inside `data` — is kept
  in `extra["card"]` and written back unchanged on export.
The card's own art is kept byte for byte (`cards/` in the data folder, by content hash) and a
PNG export is that file with only its card chunks replaced; the avatar in the app may be a
square crop, the card is not. A CharX keeps every file it came with.
Kizuna's own fields that cards lack (what they call you, mannerisms, signature phrases,
language, together since) travel in `extensions.kizuna`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import posixpath
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from memory import personas
from memory.files import write_file_atomically
from memory.i18n import _
from memory.importers import ImportProblem

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ZIP_SIGNATURE = b"PK\x03\x04"
V2 = "chara_card_v2"
V3 = "chara_card_v3"
CARD_KEYS = ("chara", "ccv3")

#: card `data` key → persona field
_TO_FIELD = {"name": "name", "description": "backstory", "personality": "personality"}
_TO_FIELD["mes_example"] = "speaking_style"
#: card `data` keys kept in `extra` under the same name
_TO_EXTRA = ("system_prompt", "scenario", "first_mes")
#: persona fields a card has no place for, carried in extensions.kizuna
_KIZUNA_ONLY = ("user_name", "mannerisms", "signature_phrases", "language", "began_on")
#: Pygmalion / TavernAI names → V2 names
_V1_ALIASES = {
    "char_name": "name",
    "char_persona": "description",
    "world_scenario": "scenario",
    "char_greeting": "first_mes",
    "example_dialogue": "mes_example",
}
#: CharX limits: files, and bytes unpacked in all
MAX_CHARX_FILES = 500
MAX_CHARX_BYTES = 200 * 1024 * 1024

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
ICON_PATH = "assets/icon/images/main.png"


@dataclass(frozen=True)
class Card:
    """A card as read: its spec, its `data` object, other top-level keys, its art and files."""

    spec: str  # V2, V3, or "v1"
    spec_version: str
    data: dict
    top: dict
    image: bytes | None = None
    files: dict = field(default_factory=dict)  # CharX: member name → bytes
    container: str = "json"  # 'json', 'png' or 'charx'

    @property
    def name(self) -> str:
        return str(self.data.get("name") or "").strip()

    @property
    def creator(self) -> str:
        return str(self.data.get("creator") or "").strip()

    @property
    def lore(self) -> list[dict]:
        """The lorebook's entries that have something to remember."""
        book = self.data.get("character_book")
        entries = book.get("entries") if isinstance(book, dict) else None
        found = []
        for entry in entries if isinstance(entries, list) else ():
            if not isinstance(entry, dict) or entry.get("enabled") is False:
                continue
            content = entry.get("content")
            if isinstance(content, str) and content.strip():
                found.append(entry)
        return found


# -- reading ---------------------------------------------------------------------------------
def _chunks(png: bytes):
    """(type, body, start, end) of each PNG chunk; raises for a cut-off file."""
    if not png.startswith(PNG_SIGNATURE):
        raise ImportProblem(_("That file is not a PNG image."))
    pos = len(PNG_SIGNATURE)
    while pos + 8 <= len(png):
        length, kind = struct.unpack(">I4s", png[pos : pos + 8])
        end = pos + 12 + length
        if end > len(png):
            raise ImportProblem(_("That PNG is cut off; it could not be read."))
        yield kind, png[pos + 8 : pos + 8 + length], pos, end
        pos = end
        if kind == b"IEND":
            return
    raise ImportProblem(_("That PNG is cut off; it could not be read."))


def png_text_chunks(png: bytes) -> dict[str, str]:
    """The `tEXt` (and uncompressed or compressed `iTXt`/`zTXt`) chunks of a PNG, by keyword."""
    chunks: dict[str, str] = {}
    for kind, body, _start, _end in _chunks(png):
        try:
            if kind == b"tEXt":
                key, _sep, value = body.partition(b"\0")
                chunks[key.decode("latin-1")] = value.decode("latin-1")
            elif kind == b"zTXt":
                key, _sep, rest = body.partition(b"\0")
                chunks[key.decode("latin-1")] = zlib.decompress(rest[1:]).decode("latin-1")
            elif kind == b"iTXt":
                key, _sep, rest = body.partition(b"\0")
                compressed, rest = rest[0], rest[2:]
                _lang, _sep, rest = rest.partition(b"\0")
                _translated, _sep, value = rest.partition(b"\0")
                value = zlib.decompress(value) if compressed else value
                chunks[key.decode("latin-1")] = value.decode("utf-8")
        except (zlib.error, UnicodeDecodeError, IndexError):
            continue
    return chunks


def read_card(raw: bytes) -> Card:
    """A card from the bytes of a PNG card, a CharX or a JSON card; `ImportProblem` (one
    sentence) if it is none of them."""
    if raw.startswith(PNG_SIGNATURE):
        chunks = png_text_chunks(raw)
        key = "ccv3" if chunks.get("ccv3") else "chara"
        encoded = chunks.get(key)
        if not encoded:
            raise ImportProblem(
                _("That PNG has no character card inside (no 'chara' or 'ccv3' text chunk).")
            )
        try:
            payload = json.loads(base64.b64decode(encoded.strip(), validate=True))
        except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
            raise ImportProblem(
                _(
                    "The character card inside that PNG is damaged: its '{key}' text is not "
                    "base64-encoded card JSON."
                ).format(key=key)
            ) from exc
        return _card_from_json(payload, image=raw, container="png")
    if raw.startswith(ZIP_SIGNATURE):
        return _read_charx(raw)
    try:
        payload = json.loads(raw.removeprefix(b"\xef\xbb\xbf"))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ImportProblem(
            _("That file is neither a PNG character card, a CharX nor card JSON.")
        ) from exc
    return _card_from_json(payload)


def _safe_member(name: str) -> bool:
    if not name or name.startswith(("/", "\\")) or "\\" in name or "\0" in name:
        return False
    if len(name) > 1 and name[1] == ":":
        return False
    parts = name.split("/")
    return ".." not in parts


def _read_charx(raw: bytes) -> Card:
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
        infos = zf.infolist()
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise ImportProblem(_("That CharX (zip) is damaged; it could not be opened.")) from exc
    with zf:
        for info in infos:
            if not _safe_member(info.filename):
                raise ImportProblem(
                    _(
                        "That CharX names a file outside itself (“{name}”), so Kizuna will "
                        "not open it."
                    ).format(name=info.filename)
                )
        files = [i for i in infos if not i.is_dir()]
        if len(files) > MAX_CHARX_FILES or sum(i.file_size for i in files) > MAX_CHARX_BYTES:
            raise ImportProblem(
                _("That CharX unpacks to more than Kizuna keeps for one card (200 MB).")
            )
        if "card.json" not in {i.filename for i in files}:
            raise ImportProblem(_("That zip has no card.json, so it is not a CharX card."))
        try:
            contents = {i.filename: zf.read(i) for i in files}
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
            raise ImportProblem(_("That CharX (zip) is damaged; it could not be read.")) from exc
    try:
        payload = json.loads(contents.pop("card.json"))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ImportProblem(_("The card.json inside that CharX is not JSON.")) from exc
    card = _card_from_json(payload, container="charx", files=contents)
    icon = _charx_icon(card)
    if icon is not None:
        card = Card(card.spec, card.spec_version, card.data, card.top, icon, contents, "charx")
    return card


def _charx_icon(card: Card) -> bytes | None:
    """The bytes of the CharX's main icon (the card's art), if it has one."""
    assets = card.data.get("assets")
    candidates = []
    for asset in assets if isinstance(assets, list) else ():
        if isinstance(asset, dict) and asset.get("type") == "icon":
            uri = str(asset.get("uri") or "")
            if uri.startswith("embeded://") or uri.startswith("embedded://"):
                path = uri.split("://", 1)[1]
                candidates.append((asset.get("name") != "main", path))
    for _not_main, path in sorted(candidates):
        if path in card.files:
            return card.files[path]
    return None


def _card_from_json(
    payload, image: bytes | None = None, container: str = "json", files: dict | None = None
) -> Card:
    if not isinstance(payload, dict):
        raise ImportProblem(_("That is not a character card (the JSON is not an object)."))
    spec = payload.get("spec")
    if spec in (V2, V3):
        data = payload.get("data")
        if not isinstance(data, dict):
            raise ImportProblem(_("That character card has no 'data' section."))
        top = {k: v for k, v in payload.items() if k not in ("spec", "spec_version", "data")}
        card = Card(
            spec,
            str(payload.get("spec_version") or ""),
            dict(data),
            top,
            image,
            files or {},
            container,
        )
    elif any(isinstance(payload.get(k), str) for k in ("name", "char_name")):
        data = {}
        for key, value in payload.items():  # V1 / TavernAI / Pygmalion: fields at the top
            target = _V1_ALIASES.get(key, key)
            if target in data and not value:
                continue
            data[target] = value
        card = Card("v1", "1.0", data, {}, image, files or {}, container)
    else:
        raise ImportProblem(_("That JSON is not a character card (no spec and no name)."))
    if not card.name:
        raise ImportProblem(_("That character card has no name."))
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


def _store_file(store, data: bytes, ext: str) -> str:
    """Keep `data` once by content hash under `cards/`; its path relative to the folder."""
    sha = hashlib.sha256(data).hexdigest()
    ext = "".join(c for c in ext.lower() if c.isalnum())[:8] or "bin"
    rel = f"cards/{sha[:2]}/{sha}.{ext}"
    path = store.path_of(rel)
    if not path.exists():
        write_file_atomically(path, data)
    return rel


def identity(name: str, creator: str = "") -> str:
    """What makes two cards 'the same card': its name and its creator, in any case."""
    return f"{' '.join(name.casefold().split())}\0{' '.join(creator.casefold().split())}"


def _pv_identity(pv: personas.PersonaVersion) -> str:
    kept = (pv.extra or {}).get("card") if isinstance((pv.extra or {}).get("card"), dict) else {}
    creator = str((kept.get("data") or {}).get("creator") or "")
    return identity(pv.name, creator)


def recognise(store, card: Card) -> personas.Persona | None:
    """The companion this card already is (same name and creator), if any."""
    wanted = identity(card.name, card.creator)
    for persona in personas.list_personas(store):
        try:
            pv = personas.current(store, persona.id)
        except LookupError:
            continue
        if _pv_identity(pv) == wanted:
            return persona
    return None


def greeting(card_or_pv, user_name: str | None = None) -> str | None:
    """His first message from the card (`first_mes`), with {{char}} and {{user}} filled in."""
    if isinstance(card_or_pv, Card):
        text, name = card_or_pv.data.get("first_mes"), card_or_pv.name
    else:
        text, name = (card_or_pv.extra or {}).get("first_mes"), card_or_pv.name
    if not isinstance(text, str) or not text.strip():
        return None
    you = user_name or _("you")
    for macro, value in (("{{char}}", name), ("{{user}}", you), ("<BOT>", name), ("<USER>", you)):
        text = text.replace(macro, value)
    return text.strip()


def import_card(
    store, raw: bytes | Card, *, persona_id: int | None = None
) -> personas.PersonaVersion:
    """Import a card as a new companion (or as a new version of `persona_id`).

    The card's art is kept byte for byte and a square crop of it becomes the avatar; a
    CharX's files are kept; lorebook entries become memories; for a new companion, the
    card's first message becomes his greeting in the chat. Raises `ImportProblem` for
    anything unreadable, before anything is written.
    """
    from memory import memories, messages

    card = raw if isinstance(raw, Card) else read_card(raw)
    fields = persona_fields(card)
    kept = fields["extra"]["card"]
    kept["container"] = card.container
    if card.image is not None:
        try:
            fields["avatar_path"] = personas.store_avatar(store, card.image)
        except ValueError as exc:
            raise ImportProblem(_("The card's picture is not an image Kizuna can read.")) from exc
        kind = "png" if card.image.startswith(PNG_SIGNATURE) else "img"
        kept["art"] = _store_file(store, card.image, kind)
    if card.files:
        kept["files"] = {
            name: _store_file(store, data, posixpath.splitext(name)[1][1:] or "bin")
            for name, data in card.files.items()
        }
    note = _("Imported from a character card ({spec})").format(spec=card.spec)
    if persona_id is None:
        pv = personas.create(store, note=note, **fields)
    else:
        pv = personas.save_version(store, persona_id, note=note, **fields)
    have = {
        " ".join(m.body.casefold().split())
        for m in memories.list_memories(store, pv.persona_id, limit=10_000)
    }
    for entry in card.lore:
        body = entry["content"].strip()[: memories.MAX_CHARS]
        if " ".join(body.casefold().split()) in have:
            continue
        keys = [
            str(k)
            for k in (entry.get("keys") or []) + (entry.get("secondary_keys") or [])
            if isinstance(k, str | int) and str(k).strip()
        ]
        own = (entry.get("extensions") or {}).get("kizuna")
        own = own if isinstance(own, dict) else {}
        try:
            day = date.fromisoformat(own["happened_on"]) if own.get("happened_on") else None
        except (TypeError, ValueError):
            day = None
        memories.add(
            store,
            pv.persona_id,
            body,
            kind=own.get("kind") if own.get("kind") in memories.KINDS else "fact",
            origin=str(own.get("origin") or ORIGIN) if own else ORIGIN,
            happened_on=day,
            keywords=" ".join(keys),
        )
    # His example lines become examples of how he talks (Persona → How they talk), used in
    # the prompt; the text stays in the speaking style too, so the card goes back out whole.
    from memory import voice

    voice.add_examples(store, pv.persona_id, str(card.data.get("mes_example") or ""), "card")
    hello = greeting(card, pv.user_name)
    if persona_id is None and hello:
        messages.add(
            store, pv.persona_id, "companion", hello, source="greeting", meta={"from_card": True}
        )
    return pv


# -- writing ---------------------------------------------------------------------------------
def card_json(pv: personas.PersonaVersion, spec: str | None = None) -> dict:
    """The companion version as a card (V3 or V2; by default the spec it was imported as)."""
    extra = dict(pv.extra or {})
    kept = extra.get("card") if isinstance(extra.get("card"), dict) else {}
    spec = spec or (V3 if kept.get("spec") == V3 or kept.get("container") == "charx" else V2)
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


ORIGIN = "card"


def _with_memories(store, pv, card: dict) -> dict:
    """The card with his other memories (not from this card's lorebook) added to its
    lorebook, so they move out with him; the card's own entries stay as they came."""
    from memory import memories

    own = [
        m for m in memories.list_memories(store, pv.persona_id, limit=100_000) if m.origin != ORIGIN
    ]
    if not own:
        return card
    data = card["data"]
    book = dict(data.get("character_book") or {})
    entries = list(book.get("entries") or [])
    known = {
        " ".join(str(e.get("content") or "").casefold().split())
        for e in entries
        if isinstance(e, dict)
    }
    keywords = dict(
        store.execute(
            "SELECT id, keywords FROM memories WHERE persona_id = ? AND keywords IS NOT NULL",
            [pv.persona_id],
        ).fetchall()
    )
    for m in sorted(own, key=lambda m: m.id):
        if " ".join(m.body.casefold().split()) in known:
            continue
        entries.append(
            {
                "keys": (keywords.get(m.id) or "").split(),
                "content": m.body,
                "extensions": {
                    "kizuna": {
                        "kind": m.kind,
                        "happened_on": m.happened_on.isoformat() if m.happened_on else None,
                        "origin": m.origin,
                    }
                },
                "enabled": True,
                "insertion_order": 100,
                "case_sensitive": False,
                "name": "",
                "priority": 10,
                "id": len(entries),
                "comment": "",
                "selective": False,
                "secondary_keys": [],
                "constant": not keywords.get(m.id),
                "position": "before_char",
            }
        )
    book.setdefault("name", pv.name)
    book.setdefault("extensions", {})
    book["entries"] = entries
    data["character_book"] = book
    return card


def export_json(store, persona_id: int) -> bytes:
    """The companion in force as card JSON (UTF-8), his memories in its lorebook."""
    pv = personas.current(store, persona_id)
    card = _with_memories(store, pv, card_json(pv))
    return json.dumps(card, ensure_ascii=False, indent=2).encode()


def _art(store, pv) -> bytes | None:
    kept = (pv.extra or {}).get("card") or {}
    rel = kept.get("art") if isinstance(kept, dict) else None
    if isinstance(rel, str) and store.path_of(rel).is_file():
        return store.path_of(rel).read_bytes()
    return None


def _text_chunk(key: str, text: str) -> bytes:
    body = key.encode("latin-1") + b"\0" + text.encode("latin-1")
    crc = zlib.crc32(b"tEXt" + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + b"tEXt" + body + struct.pack(">I", crc)


def with_card_chunks(png: bytes, texts: dict[str, str]) -> bytes:
    """`png` with its card text chunks replaced by `texts` (placed before IEND); every other
    chunk — the picture itself — stays byte for byte."""
    out = [PNG_SIGNATURE]
    for kind, body, start, end in _chunks(png):
        if kind in (b"tEXt", b"zTXt", b"iTXt"):
            key = body.partition(b"\0")[0].decode("latin-1", "replace")
            if key in CARD_KEYS or key in texts:
                continue
        if kind == b"IEND":
            out.extend(_text_chunk(k, v) for k, v in texts.items())
        out.append(png[start:end])
    return b"".join(out)


def _card_texts(store, pv) -> dict[str, str]:
    texts = {}
    for key, spec in (("chara", V2), ("ccv3", V3)):
        card = _with_memories(store, pv, card_json(pv, spec))
        raw = json.dumps(card, ensure_ascii=False).encode()
        texts[key] = base64.b64encode(raw).decode("ascii")
    return texts


def export_png(store, persona_id: int) -> bytes:
    """The companion in force as a PNG card (`chara` V2 + `ccv3` V3): the card's own art as
    it came when it has one (any size), else the avatar."""
    from PIL import Image

    pv = personas.current(store, persona_id)
    art = _art(store, pv)
    if art is not None and art.startswith(PNG_SIGNATURE):
        return with_card_chunks(art, _card_texts(store, pv))
    if art is not None:
        source = io.BytesIO(art)
    else:
        avatar = store.path_of(pv.avatar_path) if pv.avatar_path else None
        if avatar is None or not avatar.is_file():
            avatar = ASSETS / "avatar.png"
        source = avatar
    out = io.BytesIO()
    with Image.open(source) as img:
        img.save(out, "PNG")
    return with_card_chunks(out.getvalue(), _card_texts(store, pv))


def export_charx(store, persona_id: int) -> bytes:
    """The companion in force as a CharX: `card.json` (V3) and every file the card came with
    (or, for a card born in Kizuna, its art as the main icon)."""
    pv = personas.current(store, persona_id)
    card = _with_memories(store, pv, card_json(pv, V3))
    kept = (pv.extra or {}).get("card") or {}
    files: dict[str, bytes] = {}
    for name, rel in (kept.get("files") or {}).items():
        if _safe_member(name) and store.path_of(rel).is_file():
            files[name] = store.path_of(rel).read_bytes()
    if not files:
        art = _art(store, pv)
        if art is None:
            avatar = store.path_of(pv.avatar_path) if pv.avatar_path else ASSETS / "avatar.png"
            art = (avatar if avatar.is_file() else ASSETS / "avatar.png").read_bytes()
        files[ICON_PATH] = art
        if not any(
            isinstance(a, dict) and a.get("type") == "icon" for a in card["data"].get("assets", [])
        ):
            card["data"]["assets"] = [
                *card["data"].get("assets", []),
                {"type": "icon", "uri": f"embeded://{ICON_PATH}", "name": "main", "ext": "png"},
            ]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("card.json", json.dumps(card, ensure_ascii=False, indent=2))
        for name, data in files.items():
            zf.writestr(name, data)
    return out.getvalue()
