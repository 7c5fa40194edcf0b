"""Import a ChatGPT data export (the `.zip` from Settings → Data controls, or its
`conversations.json`).

Each conversation in the export is a tree (`mapping`): every regenerated reply and every edited
question is a branch. Only the branch the person last saw is imported — from `current_node` up
through `parent` to the root — so a conversation reads exactly as it did in ChatGPT. Hidden
system messages, tool calls and results, and empty messages are skipped; images in
`multimodal_text` messages are noted in the text (the export's image files are not imported).

Timestamps are kept. A message without `create_time` takes the time of the message before it
(else the conversation's start, else the next known time), so ordering is never invented.

Every imported message carries `external_id = "chatgpt:<conversation>:<node>"`; a second import
of the same export skips what is already there, whichever companion it went to.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from memory import messages as message_store
from memory.importers import ImportProblem

SOURCE = "import:chatgpt"
ID_PREFIX = "chatgpt:"

_ROLES = {"user": "user", "assistant": "companion"}
_IMAGE_NOTE = "[image]"
_AUDIO_NOTE = "[voice message]"

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class ImportedMessage:
    """One message on a conversation's active branch."""

    node_id: str
    role: str  # 'user' or 'companion'
    content: str
    created_at: datetime
    images: int = 0
    model: str | None = None


@dataclass(frozen=True)
class Conversation:
    """One ChatGPT conversation, reduced to its active branch."""

    id: str
    title: str
    created_at: datetime | None
    updated_at: datetime | None
    messages: tuple[ImportedMessage, ...]

    @property
    def started_on(self) -> date | None:
        first = self.created_at or (self.messages[0].created_at if self.messages else None)
        return first.date() if first else None


@dataclass(frozen=True)
class ChatGPTExport:
    """What was found in an export, before anything is written."""

    conversations: tuple[Conversation, ...]
    custom_instructions: str | None = None
    about_user: str | None = None

    @property
    def message_count(self) -> int:
        return sum(len(c.messages) for c in self.conversations)


@dataclass(frozen=True)
class ImportResult:
    """How much an import added and skipped."""

    conversations_imported: int
    messages_imported: int
    conversations_skipped: int
    messages_skipped: int

    def summary(self) -> str:
        """One plain sentence (or two) saying what happened."""
        text = (
            f"Imported {_plural(self.conversations_imported, 'conversation')} "
            f"({_plural(self.messages_imported, 'message')})."
        )
        if self.messages_skipped:
            text += (
                f" Skipped {_plural(self.messages_skipped, 'message')} in "
                f"{_plural(self.conversations_skipped, 'conversation')} already imported."
            )
        return text


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


# -- reading ---------------------------------------------------------------------------------
def read(source: Path | str | bytes) -> ChatGPTExport:
    """Read an export from a path or the bytes of a `.zip` or `conversations.json`.

    Raises `ImportProblem` with a plain sentence when it is not a ChatGPT export.
    """
    if isinstance(source, bytes):
        data = source
    else:
        try:
            data = Path(source).read_bytes()
        except FileNotFoundError as exc:
            raise ImportProblem(f"There is no file {source}.") from exc
        except OSError as exc:
            raise ImportProblem(f"Kizuna cannot read {source}: {exc.strerror}.") from exc
    if data[:4] == b"PK\x03\x04":
        data = _conversations_json_from_zip(data)
    return parse(data)


def _conversations_json_from_zip(data: bytes) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = [n for n in zf.namelist() if n.rsplit("/", 1)[-1] == "conversations.json"]
            if not names:
                raise ImportProblem(
                    "That zip has no conversations.json, so it is not a ChatGPT data export."
                )
            return zf.read(min(names, key=len))
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise ImportProblem("That zip is damaged or incomplete; it could not be opened.") from exc


def parse(data: bytes | str) -> ChatGPTExport:
    """Parse the text of `conversations.json` into conversations (active branches only)."""
    try:
        raw = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ImportProblem(
            "That file is not JSON, so it is not a ChatGPT conversations.json."
        ) from exc
    if isinstance(raw, dict) and isinstance(raw.get("conversations"), list):
        raw = raw["conversations"]
    if not isinstance(raw, list):
        raise ImportProblem(
            "That JSON is not a list of conversations, so it is not a ChatGPT export."
        )
    conversations = []
    instructions: tuple[float, str | None, str | None] | None = None
    for index, item in enumerate(raw, start=1):
        conversation, found = _conversation(item, index)
        conversations.append(conversation)
        if found is not None and (instructions is None or found[0] >= instructions[0]):
            instructions = found
    return ChatGPTExport(
        conversations=tuple(conversations),
        custom_instructions=instructions[2] if instructions else None,
        about_user=instructions[1] if instructions else None,
    )


def _time(value) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _conversation(item, index: int):
    if not isinstance(item, dict) or not isinstance(item.get("mapping"), dict):
        raise ImportProblem(
            f"Conversation {index} in that file has no message tree ('mapping'), so the file "
            "is not a ChatGPT export Kizuna understands. Nothing was imported."
        )
    mapping = item["mapping"]
    for node in mapping.values():
        if not isinstance(node, dict):
            raise ImportProblem(
                f"Conversation {index} in that file is damaged (a message is not an object). "
                "Nothing was imported."
            )
    title = item.get("title")
    title = title.strip() if isinstance(title, str) and title.strip() else "Untitled conversation"
    conv_id = item.get("conversation_id") or item.get("id")
    if not isinstance(conv_id, str) or not conv_id:
        # no id in the file: one derived from the tree itself is stable across re-imports
        conv_id = "h" + hashlib.sha256("\n".join(sorted(mapping)).encode()).hexdigest()[:32]
    created = _time(item.get("create_time"))
    updated = _time(item.get("update_time"))

    branch = _active_branch(mapping, item.get("current_node"))
    found_instructions = None
    kept: list[tuple[str, str, str, datetime | None, int, str | None]] = []
    for node_id in branch:
        message = mapping[node_id].get("message")
        if not isinstance(message, dict):
            continue
        content = message.get("content") if isinstance(message.get("content"), dict) else {}
        if content.get("content_type") == "user_editable_context":
            found_instructions = (
                _time(message.get("create_time")) or created or updated,
                _text_or_none(content.get("user_profile")),
                _text_or_none(content.get("user_instructions")),
            )
            continue
        entry = _message(node_id, message, content)
        if entry is not None:
            kept.append(entry)

    messages = _with_times(kept, created, updated)
    if found_instructions is not None:
        stamp = found_instructions[0].timestamp() if found_instructions[0] else 0.0
        found_instructions = (stamp, found_instructions[1], found_instructions[2])
    conversation = Conversation(conv_id, title, created, updated, messages)
    return conversation, found_instructions


def _text_or_none(value) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _active_branch(mapping: dict, current) -> list[str]:
    """Node ids from the root down to the node the person last saw."""
    if current not in mapping:
        # no (or an unknown) current node: the most recent leaf is what ChatGPT would show
        leaves = [k for k, n in mapping.items() if not n.get("children")]
        if not leaves:
            return []

        def when(k):
            m = mapping[k].get("message")
            t = m.get("create_time") if isinstance(m, dict) else None
            return t if isinstance(t, int | float) and not isinstance(t, bool) else float("-inf")

        current = max(leaves, key=when)
    branch = []
    seen = set()
    node_id = current
    while node_id in mapping and node_id not in seen:
        seen.add(node_id)
        branch.append(node_id)
        node_id = mapping[node_id].get("parent")
    branch.reverse()
    return branch


def _message(node_id: str, message: dict, content: dict):
    author = message.get("author") if isinstance(message.get("author"), dict) else {}
    role = _ROLES.get(author.get("role"))
    if role is None:
        return None  # system, tool, or unknown
    metadata = message.get("metadata") if isinstance(message.get("metadata"), dict) else {}
    if metadata.get("is_visually_hidden_from_conversation"):
        return None
    if message.get("recipient") not in (None, "all"):
        return None  # a call to a tool (browser, python, dalle), not words to the person
    if message.get("weight") == 0:
        return None
    kind = content.get("content_type", "text")
    if kind not in ("text", "multimodal_text"):
        return None  # code, execution output, browsing, thoughts…
    parts = content.get("parts")
    if not isinstance(parts, list):
        parts = [content["text"]] if isinstance(content.get("text"), str) else []
    texts: list[str] = []
    images = 0
    notes: list[str] = []
    for part in parts:
        if isinstance(part, str):
            texts.append(part)
        elif isinstance(part, dict):
            part_type = part.get("content_type")
            if part_type == "image_asset_pointer":
                images += 1
                notes.append(_IMAGE_NOTE)
            elif isinstance(part.get("text"), str):  # audio_transcription and friends
                texts.append(part["text"])
            elif part_type == "audio_asset_pointer":
                notes.append(_AUDIO_NOTE)
    text = "\n".join(t for t in texts if t).strip()
    if notes:
        text = (text + "\n\n" if text else "") + " ".join(notes)
    if not text:
        return None
    model = metadata.get("model_slug") if role == "companion" else None
    created = message.get("create_time")
    return (node_id, role, text, _time(created), images, model if isinstance(model, str) else None)


def _with_times(kept, created, updated) -> tuple[ImportedMessage, ...]:
    known = [t for (_n, _r, _c, t, _i, _m) in kept if t is not None]
    fallback = created or (known[0] if known else None) or updated or datetime.now(UTC)
    messages = []
    for node_id, role, text, when, images, model in kept:
        if when is None:
            when = fallback
        fallback = when
        messages.append(ImportedMessage(node_id, role, text, when, images, model))
    return tuple(messages)


# -- choosing ----------------------------------------------------------------------------------
def select(
    conversations: Iterable[Conversation],
    *,
    title_contains: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[Conversation]:
    """Conversations whose title contains the text (any case) and that began in the range."""
    needle = (title_contains or "").strip().casefold()
    chosen = []
    for c in conversations:
        if needle and needle not in c.title.casefold():
            continue
        day = c.started_on
        if since and (day is None or day < since):
            continue
        if until and (day is None or day > until):
            continue
        chosen.append(c)
    return chosen


# -- writing ---------------------------------------------------------------------------------
def _epoch(moment: datetime | None) -> float | None:
    return moment.timestamp() if moment else None


def external_id(conversation: Conversation, message: ImportedMessage) -> str:
    """The id that marks a message as coming from this export (what makes re-imports no-ops)."""
    return f"{ID_PREFIX}{conversation.id}:{message.node_id}"


def _existing_ids(store) -> set[str]:
    return {
        row[0]
        for row in store.execute(
            "SELECT external_id FROM messages WHERE starts_with(external_id, ?)", [ID_PREFIX]
        ).fetchall()
    }


def new_message_count(store, conversations: Iterable[Conversation]) -> int:
    """How many of the conversations' messages are not in the store yet."""
    existing = _existing_ids(store)
    return sum(1 for c in conversations for m in c.messages if external_id(c, m) not in existing)


def import_conversations(
    store,
    conversations: Iterable[Conversation],
    persona_id: int,
    progress: Progress | None = None,
) -> ImportResult:
    """Add the conversations' messages to a companion, in one transaction.

    Messages already imported (by `external_id`) are skipped, so importing twice adds nothing.
    `progress(fraction, text)` is called as the work goes on.
    """
    progress = progress or (lambda _f, _t: None)
    conversations = list(conversations)
    progress(0.0, "Checking what is already here…")
    existing = _existing_ids(store)
    known_conversations = {
        row[0]
        for row in store.execute(
            "SELECT external_id FROM imported_conversations WHERE source = ?", [SOURCE]
        ).fetchall()
    }
    columns: dict[str, list] = {
        k: [] for k in ("role", "content", "epoch", "external_id", "model", "meta")
    }
    new_conversations = []
    imported_conversations = skipped_conversations = skipped_messages = 0
    total = max(len(conversations), 1)
    for i, conversation in enumerate(conversations):
        added = 0
        for message in conversation.messages:
            ext = external_id(conversation, message)
            if ext in existing:
                skipped_messages += 1
                continue
            existing.add(ext)
            columns["role"].append(message.role)
            columns["content"].append(message.content)
            columns["epoch"].append(message.created_at.timestamp())
            columns["external_id"].append(ext)
            columns["model"].append(message.model)
            columns["meta"].append(
                json.dumps({"images": message.images}) if message.images else None
            )
            added += 1
        if added:
            imported_conversations += 1
        elif conversation.messages:
            skipped_conversations += 1
        if conversation.id not in known_conversations and conversation.messages:
            known_conversations.add(conversation.id)
            new_conversations.append(conversation)
        if i % 200 == 0:
            progress(0.6 * i / total, f"Reading conversation {i + 1:,} of {total:,}…")
    progress(0.6, f"Saving {len(columns['role']):,} messages…")
    with store.transaction() as cur:
        if columns["role"]:
            import pyarrow as pa

            epochs = [round(e * 1_000_000) for e in columns["epoch"]]
            table = pa.table(
                {
                    "role": pa.array(columns["role"], pa.string()),
                    "content": pa.array(columns["content"], pa.string()),
                    "created_at": pa.array(epochs, pa.timestamp("us", tz="UTC")),
                    "external_id": pa.array(columns["external_id"], pa.string()),
                    "model": pa.array(columns["model"], pa.string()),
                    "meta": pa.array(columns["meta"], pa.string()),
                }
            )
            # In the export's order (the table's), not re-sorted by time.
            message_store.add_many(cur, persona_id, table, source=SOURCE, provider="chatgpt")
        if new_conversations:
            cur.execute(
                """
                INSERT INTO imported_conversations (persona_id, source, external_id, title,
                    started_at, updated_at, message_count)
                SELECT ?, ?, t.external_id, t.title, to_timestamp(t.started),
                    to_timestamp(t.updated), t.message_count
                FROM (SELECT unnest(?::VARCHAR[]) AS external_id, unnest(?::VARCHAR[]) AS title,
                             unnest(?::DOUBLE[]) AS started, unnest(?::DOUBLE[]) AS updated,
                             unnest(?::INTEGER[]) AS message_count) t
                """,
                [
                    persona_id,
                    SOURCE,
                    [c.id for c in new_conversations],
                    [c.title for c in new_conversations],
                    [_epoch(c.created_at) for c in new_conversations],
                    [_epoch(c.updated_at) for c in new_conversations],
                    [len(c.messages) for c in new_conversations],
                ],
            )
    if columns["role"]:
        # Many new messages at once: fold them into the search index now, in the background,
        # rather than scanning them directly on the next search.
        from memory import search

        search.refresh_in_background(store)
    progress(1.0, "Import complete.")
    return ImportResult(
        conversations_imported=imported_conversations,
        messages_imported=len(columns["role"]),
        conversations_skipped=skipped_conversations,
        messages_skipped=skipped_messages,
    )
