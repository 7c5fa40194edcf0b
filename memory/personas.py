"""Companions and their versions.

A companion (`personas` row) is a stable identity; everything the user shapes about it lives
in `persona_versions`. Every save writes a new version and points the companion at it, so an
earlier voice can always be compared with the current one and restored — restoring is itself
a new version, so nothing in the history is ever overwritten.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime

from memory.errors import InvalidInput, NotFound, PersonaRefused
from memory.files import write_file_atomically
from memory.i18n import _

#: The fields a user shapes, in the order the Persona page shows them.
SHAPED_FIELDS = (
    "name",
    "user_name",
    "personality",
    "speaking_style",
    "mannerisms",
    "backstory",
    "signature_phrases",
    "language",
    "first_person",
    "reply_language",
    "began_on",
    "avatar_path",
    "extra",
)

FIELD_LABELS = {
    "name": "Name",
    "user_name": "What they call you",
    "personality": "Personality",
    "speaking_style": "Speaking style and tone",
    "mannerisms": "Mannerisms",
    "backstory": "Backstory",
    "signature_phrases": "Signature phrases",
    "language": "Language",
    "first_person": "First-person word (Japanese)",
    "reply_language": "Replies in",
    "began_on": "Together since",
    "avatar_path": "Avatar",
    "extra": "Other card fields",
}


@dataclass(frozen=True)
class PersonaVersion:
    """One saved shape of a companion."""

    id: int
    persona_id: int
    version: int
    created_at: datetime
    name: str
    user_name: str | None = None
    personality: str | None = None
    speaking_style: str | None = None
    mannerisms: str | None = None
    backstory: str | None = None
    signature_phrases: tuple[str, ...] = ()
    language: str | None = None
    began_on: date | None = None
    avatar_path: str | None = None
    extra: dict = field(default_factory=dict)
    note: str | None = None
    #: His word for himself in Japanese (僕, 俺, 私, わたし); empty leaves it out.
    first_person: str | None = None
    #: 'en' or 'ja' to always answer in that language; empty to answer in hers.
    reply_language: str | None = None

    def shaped(self) -> dict:
        """The user-shaped fields as a plain dict."""
        return {name: getattr(self, name) for name in SHAPED_FIELDS}


@dataclass(frozen=True)
class Persona:
    """A companion as listed in the sidebar."""

    id: int
    name: str
    current_version_id: int | None
    is_demo: bool
    created_at: datetime


STARTER = {
    "name": "Sora",
    "user_name": "",
    "personality": (
        "Warm, attentive and a little playful. Remembers the small things you share and "
        "asks about them later."
    ),
    "speaking_style": "Gentle and casual. Short messages, the occasional tease.",
    "mannerisms": "Says “hmm…” when thinking it over.",
    "backstory": "",
    "signature_phrases": ("I'm right here with you.", "Tell me everything."),
    "language": "English",
}

_VERSION_COLUMNS = (
    "id, persona_id, version, created_at, name, user_name, personality, speaking_style, "
    "mannerisms, backstory, signature_phrases, language, began_on, avatar_path, extra, note, "
    "first_person, reply_language"
)

#: The first-person forms offered on the Persona page ('' = leave it out, as Japanese often does).
FIRST_PERSON_FORMS = ("", "僕", "俺", "私", "わたし", "あたし", "うち")
#: Reply languages: '' follows the language she writes in.
REPLY_LANGUAGES = ("", "en", "ja")


#: The `Store.changed` topic of companions and their versions: every write to `personas` or
#: `persona_versions` says it once committed (what `current` keeps is then read again).
CHANGES = "personas"


def _version_from_row(row) -> PersonaVersion:
    values = list(row)
    values[10] = tuple(values[10] or ())
    values[14] = json.loads(values[14]) if values[14] else {}
    return PersonaVersion(*values)


def _clean(fields_: dict) -> dict:
    unknown = set(fields_) - set(SHAPED_FIELDS)
    if unknown:
        raise TypeError(f"unknown persona fields: {sorted(unknown)}")
    cleaned = dict(fields_)
    if "name" in cleaned:
        name = (cleaned["name"] or "").strip()
        if not name:
            raise InvalidInput("A companion needs a name.")
        cleaned["name"] = name
    if "signature_phrases" in cleaned:
        phrases = cleaned["signature_phrases"] or ()
        if isinstance(phrases, str):
            phrases = phrases.splitlines()
        cleaned["signature_phrases"] = tuple(p.strip() for p in phrases if p and p.strip())
    if "first_person" in cleaned:
        cleaned["first_person"] = (cleaned["first_person"] or "").strip()[:8] or None
    if "reply_language" in cleaned:
        value = (cleaned["reply_language"] or "").strip().lower()
        if value not in REPLY_LANGUAGES:
            raise InvalidInput(
                "He can answer in English, in Japanese, or in the language you write."
            )
        cleaned["reply_language"] = value or None
    return cleaned


def _refuse_harm(values: dict) -> None:
    """Care first (issue 18): persona text that asks for harm is refused before it is kept."""
    from companion.safety import persona_asks_for_harm  # companion imports memory, not back

    extra = values.get("extra") or {}
    texts = [v for v in values.values() if isinstance(v, str)]
    texts += list(values.get("signature_phrases") or ())
    texts += [v for v in (extra.values() if isinstance(extra, dict) else ()) if isinstance(v, str)]
    if persona_asks_for_harm("\n".join(texts)):
        raise PersonaRefused(
            _(
                "This persona asks the companion to encourage self-harm or suicide, so it was "
                "not saved. Take that part out and save again."
            )
        )


def _insert_version(cur, persona_id: int, values: dict, note: str | None) -> int:
    _refuse_harm(values)
    number = cur.execute(
        "SELECT coalesce(max(version), 0) + 1 FROM persona_versions WHERE persona_id = ?",
        [persona_id],
    ).fetchone()[0]
    row = cur.execute(
        """
        INSERT INTO persona_versions (persona_id, version, note, name, user_name, personality,
            speaking_style, mannerisms, backstory, signature_phrases, language, began_on,
            avatar_path, extra, first_person, reply_language)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        RETURNING id
        """,
        [
            persona_id,
            number,
            note,
            values["name"],
            values.get("user_name"),
            values.get("personality"),
            values.get("speaking_style"),
            values.get("mannerisms"),
            values.get("backstory"),
            list(values.get("signature_phrases") or ()),
            values.get("language"),
            values.get("began_on"),
            values.get("avatar_path"),
            json.dumps(values.get("extra") or {}, ensure_ascii=False),
            values.get("first_person"),
            values.get("reply_language"),
        ],
    ).fetchone()
    cur.execute(
        "UPDATE personas SET current_version_id = ?, name = ? WHERE id = ?",
        [row[0], values["name"], persona_id],
    )
    return row[0]


def create(
    store, *, is_demo: bool = False, note: str | None = "Created", **shaped
) -> PersonaVersion:
    """Create a companion with its first version; return that version."""
    values = _clean(shaped)
    if "name" not in values:
        raise InvalidInput("A companion needs a name.")
    try:
        with store.transaction() as cur:
            persona_id = cur.execute(
                "INSERT INTO personas (name, is_demo) VALUES (?, ?) RETURNING id",
                [values["name"], is_demo],
            ).fetchone()[0]
            version_id = _insert_version(cur, persona_id, values, note)
    finally:
        store.changed(CHANGES)
    return version(store, version_id)


def save_version(store, persona_id: int, note: str | None = None, **changes) -> PersonaVersion:
    """Save a new version of the companion: the current one with `changes` applied."""
    base = current(store, persona_id).shaped()
    base.update(_clean(changes))
    try:
        with store.transaction() as cur:
            version_id = _insert_version(cur, persona_id, base, note)
    finally:
        store.changed(CHANGES)
    return version(store, version_id)


def restore(store, persona_id: int, version_id: int) -> PersonaVersion:
    """Make an earlier version the current one again (as a new version, nothing lost)."""
    old = version(store, version_id)
    if old is None or old.persona_id != persona_id:
        raise InvalidInput("That version does not belong to this companion.")
    try:
        with store.transaction() as cur:
            new_id = _insert_version(
                cur, persona_id, old.shaped(), f"Restored version {old.version}"
            )
    finally:
        store.changed(CHANGES)
    return version(store, new_id)


def version(store, version_id: int) -> PersonaVersion | None:
    """One version by id."""
    row = store.execute(
        f"SELECT {_VERSION_COLUMNS} FROM persona_versions WHERE id = ?", [version_id]
    ).fetchone()
    return _version_from_row(row) if row else None


def current(store, persona_id: int) -> PersonaVersion:
    """The version in force for a companion.

    Every reply asks for it, so the row is kept on the store until this module writes a
    companion or a version again (`Store.kept`, `CHANGES`); each call gets its own copy.
    """
    row = store.kept(CHANGES, persona_id, lambda: _current_row(store, persona_id))
    if row is None:
        raise NotFound(f"No companion with id {persona_id}.")
    return _version_from_row(row)


def _current_row(store, persona_id: int):
    return store.execute(
        f"""
        SELECT {", ".join("v." + c.strip() for c in _VERSION_COLUMNS.split(","))}
        FROM personas p JOIN persona_versions v ON v.id = p.current_version_id
        WHERE p.id = ?
        """,
        [persona_id],
    ).fetchone()


def versions(store, persona_id: int) -> list[PersonaVersion]:
    """Every version of a companion, newest first."""
    rows = store.execute(
        f"SELECT {_VERSION_COLUMNS} FROM persona_versions WHERE persona_id = ? "
        "ORDER BY version DESC",
        [persona_id],
    ).fetchall()
    return [_version_from_row(r) for r in rows]


def list_personas(store, *, include_archived: bool = False) -> list[Persona]:
    """Every companion, oldest first."""
    rows = store.execute(
        "SELECT id, name, current_version_id, is_demo, created_at FROM personas "
        "WHERE ? OR NOT archived ORDER BY id",
        [include_archived],
    ).fetchall()
    return [Persona(*r) for r in rows]


def get(store, persona_id: int) -> Persona | None:
    """One companion by id."""
    row = store.execute(
        "SELECT id, name, current_version_id, is_demo, created_at FROM personas WHERE id = ?",
        [persona_id],
    ).fetchone()
    return Persona(*row) if row else None


def by_name(store, name: str) -> Persona | None:
    """The companion with this name (case-insensitive), if exactly one matches first."""
    row = store.execute(
        "SELECT id, name, current_version_id, is_demo, created_at FROM personas "
        "WHERE lower(name) = lower(?) ORDER BY id LIMIT 1",
        [name],
    ).fetchone()
    return Persona(*row) if row else None


def ensure_starter(store, today: date | None = None) -> Persona:
    """Return the first companion, creating the starter companion on an empty database."""
    existing = list_personas(store)
    if existing:
        return existing[0]
    if today is None:  # the user's day, not the machine's (they differ near midnight)
        from memory import settings as settings_store

        today = datetime.now(settings_store.timezone(store)).date()
    create(store, began_on=today, note="Starter companion", **STARTER)
    return list_personas(store)[0]


#: The Setting that remembers the companion chosen in the sidebar.
CHOSEN_SETTING = "current_persona_id"


def chosen(store, today: date | None = None) -> Persona:
    """The companion the app and the command line work with: the one chosen last, else the
    first one (the starter companion on an empty database)."""
    from memory import settings as settings_store

    wanted = settings_store.get(store, CHOSEN_SETTING)
    for persona in list_personas(store):
        if persona.id == wanted:
            return persona
    return ensure_starter(store, today=today)


def choose(store, persona_id: int) -> None:
    """Make `persona_id` the chosen companion (every page and command follows it)."""
    from memory import settings as settings_store

    settings_store.set(store, CHOSEN_SETTING, persona_id)


def archive(store, persona_id: int) -> None:
    """Hide a companion from the sidebar; its messages and memories stay on disk."""
    store.execute("UPDATE personas SET archived = true WHERE id = ?", [persona_id])
    store.changed(CHANGES)


AVATAR_SIZE = 512


def store_avatar(store, image_bytes: bytes) -> str:
    """Save an avatar image (square-cropped PNG) and return its path relative to the folder.

    Raises ValueError with a plain sentence when the bytes are not an image.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(image_bytes)) as img:
            img = ImageOps.exif_transpose(img)
            img = ImageOps.fit(img.convert("RGBA"), (AVATAR_SIZE, AVATAR_SIZE))
            out = io.BytesIO()
            img.save(out, "PNG")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as exc:
        raise InvalidInput("That file is not an image Kizuna can read.") from exc
    data = out.getvalue()
    name = hashlib.sha256(data).hexdigest() + ".png"
    path = store.avatars_dir / name
    if not path.exists():
        write_file_atomically(path, data)
    return f"avatars/{name}"


def days_together(pv: PersonaVersion, today: date) -> int | None:
    """'Day N together', counting the first day as day 1; None when no start date is set."""
    if pv.began_on is None:
        return None
    return (today - pv.began_on).days + 1


def differences(a: PersonaVersion, b: PersonaVersion) -> list[str]:
    """Names of the shaped fields that differ between two versions."""
    return [f for f in SHAPED_FIELDS if getattr(a, f) != getattr(b, f)]


__all__ = [
    "CHANGES",
    "FIELD_LABELS",
    "FIRST_PERSON_FORMS",
    "REPLY_LANGUAGES",
    "SHAPED_FIELDS",
    "Persona",
    "PersonaVersion",
    "archive",
    "by_name",
    "create",
    "current",
    "days_together",
    "differences",
    "ensure_starter",
    "get",
    "list_personas",
    "restore",
    "save_version",
    "store_avatar",
    "version",
    "versions",
]
