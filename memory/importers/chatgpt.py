"""Import a ChatGPT data export (the `.zip` from Settings → Data controls, or its
`conversations.json`), whole: words, photos, canvas documents and what ChatGPT remembered.

Shape of an export (observed in real ones; OpenAI publishes no schema):
- `conversations.json` (newer exports: `conversations-000.json`, `-001`, …) is a list of
  conversations; each is a tree (`mapping` of nodes `{id, parent, children, message}`) where
  every regenerated reply and every edited question is a branch. `current_node` names the
  leaf she last saw; older or odd exports lack it, and then the most recent leaf stands in.
- Images are files in the zip named after their file id — `file-<id>-<original name>.jpeg`,
  `file_<hex>-<uuid>.png`, sometimes in sub-folders — and messages point at them with
  `image_asset_pointer` parts: `file-service://file-<id>` or `sediment://file_<hex>`. Images
  he generated arrive as `tool` messages (DALL·E / image generation) holding such parts.
- Canvas documents are `canmore.create_textdoc` calls (`{"name", "type", "content"}`),
  changed by `canmore.update_textdoc` (`{"updates": [{"pattern", "replacement"}]}`).
- ChatGPT's memory writes are assistant messages to `recipient: "bio"`; custom instructions
  are `user_editable_context` content (`user_profile`, `user_instructions`) wrapped in
  ChatGPT's own sentences, which are taken off here.
- His text carries inline markup ChatGPT turns into chips: private-use markers
  (U+E200 … U+E202 … U+E201, e.g. citations) and `【12†source】`; they are removed (an entity
  marker keeps its visible name).

Only the active branch is imported, in the order she saw it: a message stamped earlier than
the one before it (ChatGPT sometimes stamps a question after its reply) is shown at the
previous message's time, and its original stamp is kept in `meta.stamped_at`.

Reading is streamed (`ijson`), so a 500 MB export is never held in memory whole; a guard
in the reader refuses absurd nesting before the parser sees it. A conversation that cannot be
read is skipped and named; anything that makes the whole file unreadable (not JSON, invalid
UTF-8, a zip bomb) is one `ImportProblem` sentence and nothing is written.

Every imported message carries `external_id = "chatgpt:<conversation>:<node>"`; a second
import of the same export adds nothing, whichever companion it went to.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import accumulate
from pathlib import Path

import ijson

from memory.i18n import _, ngettext
from memory.importers import ImportProblem

SOURCE = "import:chatgpt"
ID_PREFIX = "chatgpt:"

#: ijson's pure-Python backend (used where its C backend is not installed) keeps a lone
#: escaped surrogate (``\\ud83d`` not followed by its pair) as is; such text cannot be hashed
#: or stored, so it is mended to U+FFFD. The C backend writes "?" in its place itself.
_KEEPS_LONE_SURROGATES = ijson.backend == "python"
_SURROGATE = re.compile("[\ud800-\udfff]")


def _mended(value):
    """`value` with every lone surrogate in its strings (keys too) replaced by U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_mended(key): _mended(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_mended(item) for item in value]
    return value


#: Largest conversations file read (each one, unpacked).
MAX_JSON_BYTES = 1 << 30
#: Deepest nesting accepted anywhere in the file (real exports stay under 20).
MAX_DEPTH = 256
#: Bytes read from a conversations file at a time (fewer, larger reads from the zip).
_READ_SIZE = 1 << 20
#: A zip entry that unpacks to more than this many times its packed size, and to more than
#: `_BOMB_FLOOR` bytes, is a zip bomb (real exports: JSON packs ~10×, images ~1×).
MAX_RATIO = 400
_BOMB_FLOOR = 64 << 20
#: Largest single image read from the zip (the photo store's own limit).
MAX_IMAGE_BYTES = 60 * 1024 * 1024

_ROLES = {"user": "user", "assistant": "companion"}
_IMAGE_EXTS = {"jpg", "jpeg", "png", "webp", "gif", "heic", "heif", "avif", "bmp", "dat"}
_FILE_ID = re.compile(r"^(file[-_][0-9A-Za-z]+)")

Progress = Callable[[float, str], None]

# -- skipped kinds (what the summary counts) ---------------------------------------------------
CODE = "code"
TOOL_OUTPUT = "tool output"
TOOL_CALLS = "tool calls"
REASONING = "reasoning"
WEB = "web results"
MISSING_IMAGES = "images not in the export"
UNREADABLE_IMAGES = "images Kizuna could not read"
VOICE = "voice recordings"
OTHER = "other hidden parts"


def _kind_label(kind: str, n: int) -> str:
    labels = {
        CODE: ngettext("{n:,} code block", "{n:,} code blocks", n),
        TOOL_OUTPUT: ngettext("{n:,} tool output", "{n:,} tool outputs", n),
        TOOL_CALLS: ngettext("{n:,} tool call", "{n:,} tool calls", n),
        REASONING: ngettext("{n:,} reasoning step", "{n:,} reasoning steps", n),
        WEB: ngettext("{n:,} web result", "{n:,} web results", n),
        MISSING_IMAGES: ngettext(
            "{n:,} image not found in the zip", "{n:,} images not found in the zip", n
        ),
        UNREADABLE_IMAGES: ngettext(
            "{n:,} image Kizuna could not read", "{n:,} images Kizuna could not read", n
        ),
        VOICE: ngettext(
            "{n:,} voice recording (its words are kept)",
            "{n:,} voice recordings (their words are kept)",
            n,
        ),
        OTHER: ngettext("{n:,} other hidden part", "{n:,} other hidden parts", n),
    }
    return labels.get(kind, f"{n:,} {kind}").format(n=n)


# -- what is found --------------------------------------------------------------------------
@dataclass(frozen=True)
class ImageRef:
    """An image a message points at: `file_id` names its file in the zip."""

    pointer: str
    file_id: str | None
    generated: bool = False


@dataclass(frozen=True)
class Canvas:
    """A canvas document as it stood when this message was shown."""

    name: str
    kind: str
    content: str

    def as_meta(self) -> dict:
        return {"name": self.name, "type": self.kind, "content": self.content}


@dataclass(frozen=True)
class ImportedMessage:
    """One visible message on a conversation's active branch."""

    node_id: str
    role: str  # 'user' or 'companion'
    content: str
    created_at: datetime
    images: tuple[ImageRef, ...] = ()
    model: str | None = None
    canvas: tuple[Canvas, ...] = ()
    stamped_at: datetime | None = None  # the export's own stamp, when it was out of order
    # set by other importers (a Kizuna chat archive) that carry these as they were
    external_id: str | None = None
    source: str | None = None
    meta: dict | None = None


@dataclass(frozen=True)
class FoundMemory:
    """Something ChatGPT remembered about her (a `bio` write), with the day it was written."""

    text: str
    written_on: date | None


@dataclass(frozen=True)
class Instructions:
    """Custom instructions, without ChatGPT's wrapper sentences."""

    instructions: str | None = None  # how she wants him to respond
    about_user: str | None = None  # what she told ChatGPT about herself
    preferred_name: str | None = None
    stamp: float = 0.0


@dataclass(frozen=True)
class Conversation:
    """One ChatGPT conversation, reduced to its active branch."""

    id: str
    title: str
    created_at: datetime | None
    updated_at: datetime | None
    messages: tuple[ImportedMessage, ...]
    skipped: dict = field(default_factory=dict)
    memories: tuple[FoundMemory, ...] = ()
    instructions: Instructions | None = None

    @property
    def started_on(self) -> date | None:
        first = self.created_at or (self.messages[0].created_at if self.messages else None)
        return first.date() if first else None

    @property
    def image_count(self) -> int:
        return sum(len(m.images) for m in self.messages)


@dataclass(frozen=True)
class Broken:
    """A conversation that could not be read (and was left out), named for her."""

    index: int
    title: str
    reason: str

    def sentence(self) -> str:
        return _("Conversation {index} (“{title}”) was left out: {reason}").format(
            index=self.index, title=self.title, reason=self.reason
        )


@dataclass(frozen=True)
class ConversationInfo:
    """What the page lists before importing: a conversation's title, size and first lines."""

    id: str
    title: str
    started_on: date | None
    message_count: int
    image_count: int
    preview: tuple[ImportedMessage, ...]


@dataclass
class ChatGPTExport:
    """What was found in an export, before anything is written."""

    conversations: list = field(default_factory=list)  # Conversation or ConversationInfo
    instructions: Instructions | None = None
    memories: list[FoundMemory] = field(default_factory=list)
    broken: list[Broken] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    images_in_zip: int = 0

    @property
    def message_count(self) -> int:
        return sum(
            c.message_count if isinstance(c, ConversationInfo) else len(c.messages)
            for c in self.conversations
        )

    @property
    def custom_instructions(self) -> str | None:
        return self.instructions.instructions if self.instructions else None

    @property
    def about_user(self) -> str | None:
        return self.instructions.about_user if self.instructions else None


# -- the file ---------------------------------------------------------------------------------
class _TooDeep(Exception):
    pass


class _GuardedReader:
    """A file-like reader for ijson that counts bytes (for progress), drops a UTF-8 BOM, and
    refuses nesting deeper than `MAX_DEPTH` before the parser builds anything from it.

    Depth is tracked outside strings only, at C speed: each chunk is reduced to its quotes and
    brackets (escapes removed first), strings are the quoted spans, and a string or an escape
    running past the chunk's end is carried as state.
    """

    _ESCAPE = re.compile(rb"\\.", re.S)
    _QUOTED = re.compile(rb'"[^"]*"')
    #: Every byte but the ones that make JSON's structure: quotes and brackets.
    _NOT_STRUCTURE = bytes(sorted(set(range(256)) - set(b'"[]{}')))
    _VALUES = bytes.maketrans(b"[{]}", b"\x02\x02\x00\x00")

    def __init__(self, raw, on_bytes: Callable[[int], None] | None = None):
        self._raw = raw
        self._on_bytes = on_bytes
        self._first = True
        self.depth = 0
        self._in_string = False
        self._escaped = False

    def read(self, n: int = -1) -> bytes:
        chunk = self._raw.read(n)
        if self._first and chunk:
            self._first = False
            if chunk.startswith(b"\xef\xbb\xbf"):
                chunk = chunk[3:]
        if chunk:
            self._check(chunk)
            if self._on_bytes:
                self._on_bytes(len(chunk))
        return chunk

    def _check(self, chunk: bytes) -> None:
        # Escapes go first (a backslash and the byte after it), so that what is left of the
        # chunk's quotes and brackets, a few bytes, shows its structure: strings are the
        # quoted spans, everything else counts towards the depth.
        if self._escaped:
            chunk, self._escaped = chunk[1:], False
        if b"\\" in chunk:
            chunk = self._ESCAPE.sub(b"", chunk)
            if chunk.endswith(b"\\"):  # the escaped byte begins the next chunk
                chunk, self._escaped = chunk[:-1], True
        skeleton = chunk.translate(None, self._NOT_STRUCTURE)
        if self._in_string:
            skeleton = b'"' + skeleton
        outside = self._QUOTED.sub(b"", skeleton)
        quote = outside.find(b'"')
        self._in_string = quote >= 0  # a string opens here and runs past the chunk
        if self._in_string:
            outside = outside[:quote]
        brackets = outside.translate(self._VALUES)
        opens = brackets.count(2)
        if self.depth + opens > MAX_DEPTH:
            deepest = max(accumulate(brackets, lambda d, b: d + b - 1, initial=self.depth))
            if deepest > MAX_DEPTH:
                raise _TooDeep
        self.depth += opens - (len(brackets) - opens)


@dataclass(frozen=True)
class _Member:
    name: str
    size: int


class ExportSource:
    """An export opened for reading: its conversations files and an index of its images."""

    def __init__(self, source: Path | str | bytes):
        self._zip: zipfile.ZipFile | None = None
        self._bytes: bytes | None = None
        self._path: Path | None = None
        self.images: dict[str, str] = {}
        if isinstance(source, bytes | bytearray):
            self._bytes = bytes(source)
            is_zip = self._bytes[:4] == b"PK\x03\x04"
        else:
            self._path = Path(source)
            try:
                with open(self._path, "rb") as fh:
                    is_zip = fh.read(4) == b"PK\x03\x04"
            except FileNotFoundError as exc:
                raise ImportProblem(_("There is no file {path}.").format(path=source)) from exc
            except OSError as exc:
                raise ImportProblem(
                    _("Kizuna cannot read {path}: {reason}.").format(
                        path=source, reason=exc.strerror
                    )
                ) from exc
        if is_zip:
            self._open_zip()
        else:
            size = len(self._bytes) if self._bytes is not None else self._path.stat().st_size
            self._check_size("conversations.json", size)
            self.members = [_Member("", size)]

    # -- zip --------------------------------------------------------------------------------
    def _open_zip(self) -> None:
        try:
            self._zip = zipfile.ZipFile(
                io.BytesIO(self._bytes) if self._bytes is not None else self._path
            )
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
            raise ImportProblem(
                _("That zip is damaged or incomplete; it could not be opened.")
            ) from exc
        conversations = []
        for info in infos:
            if info.is_dir():
                continue
            packed = max(info.compress_size, 1)
            if info.file_size > _BOMB_FLOOR and info.file_size / packed > MAX_RATIO:
                raise ImportProblem(
                    _(
                        "That zip claims to unpack to far more than it holds (a “zip bomb”), "
                        "so Kizuna will not open it."
                    )
                )
            base = info.filename.rsplit("/", 1)[-1]
            stem, _dot, ext = base.rpartition(".")
            if re.fullmatch(r"conversations(-\d+)?\.json", base):
                conversations.append(info)
            elif ext.lower() in _IMAGE_EXTS:
                found = _FILE_ID.match(base)
                key = found.group(1) if found else (stem or base)
                self.images.setdefault(key, info.filename)
        if not conversations:
            raise ImportProblem(
                _("That zip has no conversations.json, so it is not a ChatGPT data export.")
            )
        # the shallowest folder holding conversations files; files in name order
        top = min(c.filename.count("/") for c in conversations)
        chosen = sorted(
            (c for c in conversations if c.filename.count("/") == top), key=lambda c: c.filename
        )
        for info in chosen:
            self._check_size(info.filename, info.file_size)
        self.members = [_Member(c.filename, c.file_size) for c in chosen]

    @staticmethod
    def _check_size(name: str, size: int) -> None:
        if size > MAX_JSON_BYTES:
            raise ImportProblem(
                _(
                    "{name} is {size:.1f} GB; Kizuna reads conversations files up to "
                    "{limit:.0f} GB, so this one was not opened."
                ).format(
                    name=name.rsplit("/", 1)[-1] or "conversations.json",
                    size=size / 1e9,
                    limit=MAX_JSON_BYTES / 1e9,
                )
            )

    def image_bytes(self, file_id: str | None) -> bytes | None:
        """The bytes of the image with this file id, or None when the zip does not hold it."""
        if self._zip is None or not file_id:
            return None
        name = self.images.get(file_id)
        if name is None:
            return None
        info = self._zip.getinfo(name)
        if info.file_size > MAX_IMAGE_BYTES:
            return b""
        try:
            return self._zip.read(name)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
            return b""

    @property
    def total_bytes(self) -> int:
        return sum(m.size for m in self.members) or 1

    def image_bytes_total(self) -> int:
        """The size of every image the export holds, unpacked."""
        if self._zip is None:
            return 0
        return sum(self._zip.getinfo(name).file_size for name in set(self.images.values()))

    def _open_member(self, member: _Member):
        if self._zip is not None:
            return self._zip.open(member.name)
        if self._bytes is not None:
            return io.BytesIO(self._bytes)
        return open(self._path, "rb")

    def items(self, on_bytes: Callable[[int], None] | None = None) -> Iterator:
        """Each raw conversation object, streamed from every conversations file in turn."""
        for member in self.members:
            with self._open_member(member) as raw:
                reader = _GuardedReader(raw, on_bytes)
                yield from _stream(reader, member.name or "conversations.json")

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> ExportSource:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _stream(reader: _GuardedReader, name: str) -> Iterator:
    first = reader.read(1)
    while first and first in b" \t\r\n":
        first = reader.read(1)
    prefixes = {b"[": "item", b"{": "conversations.item"}
    if first not in prefixes:
        raise ImportProblem(
            _("That file is not JSON, so it is not a ChatGPT conversations.json.")
            if first
            else _("That conversations file is empty.")
        )
    found = 0
    joined = _Prefixed(first, reader)
    try:
        for item in ijson.items(joined, prefixes[first], use_float=True, buf_size=_READ_SIZE):
            found += 1
            yield _mended(item) if _KEEPS_LONE_SURROGATES else item
    except _TooDeep as exc:
        raise ImportProblem(
            _(
                "{name} is nested far deeper than any ChatGPT export "
                "(over {limit} levels), so Kizuna did not read it."
            ).format(name=name.rsplit("/", 1)[-1], limit=MAX_DEPTH)
        ) from exc
    except ijson.JSONError as exc:
        text = str(exc)
        if "UTF8" in text or "UTF-8" in text:
            reason = _("{name} holds text that is not valid UTF-8, so it cannot be read.")
        elif "premature EOF" in text:
            reason = _("{name} is cut off before its end (the download may be incomplete).")
        else:
            reason = _("{name} is damaged: it is not valid JSON.")
        raise ImportProblem(reason.format(name=name.rsplit("/", 1)[-1])) from exc
    if first == b"{" and not found:
        raise ImportProblem(
            _("That JSON is not a list of conversations, so it is not a ChatGPT export.")
        )


class _Prefixed:
    """A reader that gives back one byte already read, then the rest."""

    def __init__(self, head: bytes, reader):
        self._head = head
        self._reader = reader

    def read(self, n: int = -1) -> bytes:
        if n == 0:
            return b""
        head, self._head = self._head, b""
        if n is not None and n >= 0:
            return head + self._reader.read(max(n - len(head), 0))
        return head + self._reader.read(n)


# -- one conversation -------------------------------------------------------------------------
class _Unreadable(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _time(value) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _text_or_none(value) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


_MARKER = re.compile(r"[ \t]?\ue200([^\ue201\ue202]*)((?:\ue202[^\ue201]*)?)\ue201")
_SOURCE_MARK = re.compile(r"【[^【】]{0,80}†[^【】]{0,80}】")
_STRAY = re.compile(r"[\ue200-\ue202]")


def _marker(match: re.Match) -> str:
    kind, rest = match.group(1), match.group(2)
    if kind == "entity" and rest:
        try:
            value = json.loads(rest[1:])
        except ValueError:
            value = None
        if isinstance(value, list) and len(value) > 1 and isinstance(value[1], str):
            lead = match.group(0)[0]
            return (lead if lead in " \t" else "") + value[1]
    return ""


def plain_text(text: str) -> str:
    """His text as ChatGPT shows it: citation/entity markers and 【12†source】 removed."""
    if "\ue200" in text or "\ue201" in text or "\ue202" in text:
        text = _MARKER.sub(_marker, text)
        text = _STRAY.sub("", text)
    if "†" in text:
        text = _SOURCE_MARK.sub("", text)
    return text


_FENCE = re.compile(r"```(.*?)```", re.S)
_BOILERPLATE = (
    "Follow the instructions below naturally, without repeating, referencing, echoing, or "
    "mirroring any of their wording!",
    "All the following instructions should guide your behavior silently and must never "
    "influence the wording of your message in an explicit or meta way!",
)


def _unwrap(value: str | None) -> str | None:
    """ChatGPT's custom-instruction text without the sentences ChatGPT wraps it in."""
    text = _text_or_none(value)
    if text is None:
        return None
    if text.startswith("The user provided"):
        fenced = _FENCE.search(text)
        text = fenced.group(1) if fenced else text.partition("\n")[2]
    for sentence in _BOILERPLATE:
        text = text.replace(sentence, "")
    return _text_or_none(text)


def _profile(value: str | None) -> tuple[str | None, str | None]:
    """(preferred name, the rest) from the unwrapped 'about you' text."""
    text = _unwrap(value)
    if text is None:
        return None, None
    name = None
    lines = []
    for line in text.splitlines():
        key, sep, rest = line.partition(":")
        if sep and key.strip().lower() in ("preferred name", "name", "nickname"):
            name = _text_or_none(rest)
            continue
        lines.append(line)
    return name, _text_or_none("\n".join(lines))


def _instructions(content: dict, metadata: dict, stamp: float) -> Instructions | None:
    if content.get("content_type") == "user_editable_context":
        about, instructions = content.get("user_profile"), content.get("user_instructions")
    else:
        data = metadata.get("user_context_message_data")
        if not isinstance(data, dict):
            return None
        about, instructions = data.get("about_user_message"), data.get("about_model_message")
    name, rest = _profile(about)
    found = Instructions(_unwrap(instructions), rest, name, stamp)
    if not (found.instructions or found.about_user or found.preferred_name):
        return None
    return found


def _parts_text(content: dict) -> str:
    parts = content.get("parts")
    if isinstance(parts, list):
        return "\n".join(p for p in parts if isinstance(p, str))
    text = content.get("text")
    return text if isinstance(text, str) else ""


def _derived_id(item: dict, mapping: dict) -> str:
    # No id in the file: derived from what identifies the conversation to her — its title,
    # its start and its first words — so re-importing finds it again and two conversations
    # sharing node ids ("0", "1", …) never collide.
    first = ""
    for node in mapping.values():
        message = node.get("message") if isinstance(node, dict) else None
        if isinstance(message, dict) and isinstance(message.get("content"), dict):
            first = _parts_text(message["content"])
            if first.strip():
                break
    basis = json.dumps(
        [item.get("title"), item.get("create_time"), first[:2000]], ensure_ascii=False
    )
    return "d" + hashlib.sha256(basis.encode()).hexdigest()[:32]


def _active_branch(mapping: dict, current) -> list[str]:
    """Node ids from the root down to the node she last saw."""
    if not isinstance(current, str) or current not in mapping:
        # no (or an unknown) current node: the most recent leaf is what ChatGPT would show
        leaves = [k for k, n in mapping.items() if not n.get("children")]
        if not leaves:
            leaves = list(mapping)
        if not leaves:
            return []

        def when(k):
            m = mapping[k].get("message")
            t = m.get("create_time") if isinstance(m, dict) else None
            return t if isinstance(t, int | float) and not isinstance(t, bool) else float("-inf")

        current = max(reversed(leaves), key=when)
    branch = []
    seen = set()
    node_id = current
    while node_id is not None:
        if not isinstance(node_id, str | int) or node_id not in mapping:
            break  # a parent the export does not hold: the branch starts here
        if node_id in seen:
            raise _Unreadable(_("its messages point back at each other in a circle."))
        seen.add(node_id)
        branch.append(node_id)
        node_id = mapping[node_id].get("parent")
    branch.reverse()
    return branch


def _apply_updates(text: str, updates) -> str:
    if not isinstance(updates, list):
        return text
    for update in updates:
        if not isinstance(update, dict) or not isinstance(update.get("pattern"), str):
            continue
        replacement = str(update.get("replacement", ""))
        # JavaScript-style $1 groups → Python's \1
        replacement = re.sub(r"\$(\d)", r"\\\1", replacement.replace("\\", "\\\\"))
        try:
            text = re.sub(
                update["pattern"],
                replacement,
                text,
                count=0 if update.get("multiple") else 1,
                flags=re.S if update["pattern"] == ".*" else 0,
            )
        except (re.error, IndexError):
            break  # ChatGPT stops a message's edits at the first one that fails, too
    return text


def _conversation(item, index: int) -> Conversation:
    if not isinstance(item, dict):
        raise _Unreadable(_("it is not a conversation object."))
    mapping = item.get("mapping")
    if not isinstance(mapping, dict):
        raise _Unreadable(_("it has no message tree (“mapping”)."))
    for node in mapping.values():
        if not isinstance(node, dict):
            raise _Unreadable(_("a message in it is not an object."))
    conv_id = item.get("conversation_id") or item.get("id")
    if not isinstance(conv_id, str) or not conv_id.strip():
        conv_id = _derived_id(item, mapping)
    created = _time(item.get("create_time"))
    updated = _time(item.get("update_time"))
    branch = _active_branch(mapping, item.get("current_node"))

    skipped: Counter = Counter()
    memories: list[FoundMemory] = []
    instructions: Instructions | None = None
    kept: list[list] = []  # [node_id, role, text, when, images, model, canvas]
    pending_images: list[ImageRef] = []
    pending_canvas: dict[str, Canvas] = {}
    documents: dict[str, Canvas] = {}
    last_doc: str | None = None

    def flush(when):
        # images he made or canvas documents no reply of his followed: a message of their own
        if pending_images or pending_canvas:
            node = f"{kept[-1][0] if kept else 'start'}+made"
            canvas = list(pending_canvas.values())
            kept.append([node, "companion", "", when, list(pending_images), None, canvas])
            pending_images.clear()
            pending_canvas.clear()

    for node_id in branch:
        message = mapping[node_id].get("message")
        if not isinstance(message, dict):
            continue
        content = message.get("content") if isinstance(message.get("content"), dict) else {}
        metadata = message.get("metadata") if isinstance(message.get("metadata"), dict) else {}
        author = message.get("author") if isinstance(message.get("author"), dict) else {}
        role = author.get("role")
        kind = content.get("content_type", "text")
        recipient = message.get("recipient")
        when = _time(message.get("create_time"))
        found = _instructions(content, metadata, when.timestamp() if when else 0.0)
        if found is not None:
            if instructions is None or found.stamp >= instructions.stamp:
                instructions = found
            if kind == "user_editable_context":
                continue
        if role == "assistant" and recipient == "bio":
            text = _parts_text(content).strip()
            if text:
                memories.append(FoundMemory(text, when.date() if when else None))
            continue
        if role == "assistant" and isinstance(recipient, str) and recipient.startswith("canmore."):
            try:
                call = json.loads(_parts_text(content) or "{}")
            except ValueError:
                call = None
            if not isinstance(call, dict):
                skipped[OTHER] += 1
                continue
            if recipient.endswith("create_textdoc") and isinstance(call.get("content"), str):
                name = str(call.get("name") or _("Canvas"))
                documents[name] = Canvas(name, str(call.get("type") or "document"), call["content"])
                last_doc = name
                pending_canvas[name] = documents[name]
            elif recipient.endswith("update_textdoc") and last_doc in documents:
                doc = documents[last_doc]
                changed = Canvas(
                    doc.name, doc.kind, _apply_updates(doc.content, call.get("updates"))
                )
                documents[last_doc] = changed
                pending_canvas[last_doc] = changed
            else:
                skipped[OTHER] += 1
            continue
        if metadata.get("is_visually_hidden_from_conversation") or message.get("weight") == 0:
            continue
        if role == "tool":
            parts = content.get("parts") if isinstance(content.get("parts"), list) else []
            made = [
                ImageRef(str(p.get("asset_pointer") or ""), _file_id(p), generated=True)
                for p in parts
                if isinstance(p, dict) and p.get("content_type") == "image_asset_pointer"
            ]
            if made:
                pending_images.extend(made)
            elif _parts_text(content).strip():
                skipped[TOOL_OUTPUT] += 1
            continue
        if role not in _ROLES:
            continue  # system messages are never shown
        if recipient not in (None, "all"):
            skipped[CODE if recipient in ("python", "jupyter") else TOOL_CALLS] += 1
            continue
        if kind not in ("text", "multimodal_text"):
            if kind in ("thoughts", "reasoning_recap"):
                skipped[REASONING] += 1
            elif kind == "code":
                skipped[CODE] += 1
            elif kind == "execution_output":
                skipped[TOOL_OUTPUT] += 1
            elif kind.startswith("tether") or kind in ("sonic_webpage", "system_error"):
                skipped[WEB] += 1
            elif kind not in ("model_editable_context",):
                skipped[OTHER] += 1
            continue
        parts = content.get("parts")
        if not isinstance(parts, list):
            parts = [content["text"]] if isinstance(content.get("text"), str) else []
        texts: list[str] = []
        images: list[ImageRef] = []
        for part in parts:
            if isinstance(part, str):
                texts.append(part)
            elif isinstance(part, dict):
                part_type = part.get("content_type")
                if part_type == "image_asset_pointer":
                    images.append(
                        ImageRef(
                            str(part.get("asset_pointer") or ""),
                            _file_id(part),
                            generated=role == "assistant",
                        )
                    )
                elif isinstance(part.get("text"), str):  # audio_transcription and friends
                    texts.append(part["text"])
                elif part_type in (
                    "audio_asset_pointer",
                    "real_time_user_audio_video_asset_pointer",
                ):
                    skipped[VOICE] += 1
        text = "\n".join(t for t in texts if t).strip()
        if role == "assistant":
            text = plain_text(text).strip()
        mapped = _ROLES[role]
        if mapped == "user":
            flush(when)
        if mapped == "companion" and (pending_images or pending_canvas):
            images = pending_images + images
            canvas = list(pending_canvas.values())
            pending_images.clear()
            pending_canvas.clear()
        else:
            canvas = []
        if not text and not images and not canvas:
            continue
        model = metadata.get("model_slug") if mapped == "companion" else None
        kept.append(
            [node_id, mapped, text, when, images, model if isinstance(model, str) else None, canvas]
        )
    flush(None)

    messages = _with_times(kept, created, updated)
    title = item.get("title")
    title = (
        title.strip() if isinstance(title, str) and title.strip() else _("Untitled conversation")
    )
    return Conversation(
        str(conv_id),
        title,
        created,
        updated,
        messages,
        dict(skipped),
        tuple(memories),
        instructions,
    )


def _file_id(part: dict) -> str | None:
    pointer = part.get("asset_pointer")
    if not isinstance(pointer, str) or "://" not in pointer:
        return None
    return pointer.split("://", 1)[1].strip("/") or None


def _with_times(kept, created, updated) -> tuple[ImportedMessage, ...]:
    known = [row[3] for row in kept if row[3] is not None]
    fallback = created or (known[0] if known else None) or updated or datetime.now(UTC)
    messages = []
    previous = None
    for node_id, role, text, when, images, model, canvas in kept:
        stamped = when
        if when is None:
            when = fallback
        if previous is not None and when < previous:
            # ChatGPT sometimes stamps a question after its reply: show it in the order she
            # saw it, keep the stamp the export gave
            when = previous
        else:
            stamped = None
        previous = fallback = when
        messages.append(
            ImportedMessage(
                str(node_id), role, text, when, tuple(images), model, tuple(canvas), stamped
            )
        )
    return tuple(messages)


# -- reading whole files -----------------------------------------------------------------------
def _conversations(
    source: ExportSource, found: ChatGPTExport, progress: Progress | None = None
) -> Iterator[Conversation]:
    """Every readable conversation, streamed; broken ones are recorded in `found.broken`."""
    total = source.total_bytes
    done = [0]
    seen_ids: dict[str, int] = {}

    def on_bytes(n: int) -> None:
        done[0] += n
        if progress is not None:
            progress(
                min(done[0] / total, 1.0),
                _("Reading the export… {done:,.0f} of {total:,.0f} MB").format(
                    done=done[0] / 1e6, total=total / 1e6
                ),
            )

    for index, item in enumerate(source.items(on_bytes), start=1):
        try:
            conversation = _conversation(item, index)
        except _Unreadable as exc:
            title = item.get("title") if isinstance(item, dict) else None
            title = title if isinstance(title, str) and title.strip() else _("untitled")
            found.broken.append(Broken(index, title.strip(), exc.reason))
            continue
        except RecursionError:
            found.broken.append(Broken(index, _("untitled"), _("it is nested too deeply.")))
            continue
        repeat = seen_ids.get(conversation.id)
        seen_ids[conversation.id] = (repeat or 0) + 1
        if repeat and not (
            isinstance(item, dict) and (item.get("conversation_id") or item.get("id"))
        ):
            # two id-less conversations with the same title, start and first words
            conversation = _replace_id(conversation, f"{conversation.id}-{repeat + 1}")
        found.skipped.update(conversation.skipped)
        for memory in conversation.memories:
            found.memories.append(memory)
        if conversation.instructions is not None and (
            found.instructions is None
            or conversation.instructions.stamp >= found.instructions.stamp
        ):
            found.instructions = conversation.instructions
        yield conversation
    found.memories[:] = _unique_memories(found.memories)
    found.images_in_zip = len(source.images)


def _replace_id(conversation: Conversation, new_id: str) -> Conversation:
    from dataclasses import replace

    return replace(conversation, id=new_id)


def _unique_memories(found: Iterable[FoundMemory]) -> list[FoundMemory]:
    by_text: dict[str, FoundMemory] = {}
    for memory in found:
        key = " ".join(memory.text.casefold().split())
        old = by_text.get(key)
        if old is None or (
            memory.written_on and (not old.written_on or memory.written_on < old.written_on)
        ):
            by_text[key] = memory
    return sorted(by_text.values(), key=lambda m: (m.written_on or date.max, m.text))


def read(source: Path | str | bytes, progress: Progress | None = None) -> ChatGPTExport:
    """Read a whole export (a path, or the bytes of a `.zip` or `conversations.json`) into
    memory: every conversation with its messages. For big exports use `scan` + `import_file`.

    Raises `ImportProblem` with a plain sentence when it is not a ChatGPT export.
    """
    found = ChatGPTExport()
    with ExportSource(source) as src:
        found.conversations = list(_conversations(src, found, progress))
    return found


def parse(data: bytes | str) -> ChatGPTExport:
    """Parse the text of `conversations.json` (see `read`)."""
    return read(data.encode() if isinstance(data, str) else data)


PREVIEW = 8


def scan(source: Path | str | bytes, progress: Progress | None = None) -> ChatGPTExport:
    """What an export holds, streamed, keeping only titles, counts and first lines of each
    conversation (`ConversationInfo`), so a 500 MB export can be listed before importing."""
    found = ChatGPTExport()
    with ExportSource(source) as src:
        for c in _conversations(src, found, progress):
            found.conversations.append(
                ConversationInfo(
                    c.id,
                    c.title,
                    c.started_on,
                    len(c.messages),
                    c.image_count,
                    tuple(
                        ImportedMessage(m.node_id, m.role, m.content[:1500], m.created_at, m.images)
                        for m in c.messages[:PREVIEW]
                    ),
                )
            )
    return found


# -- choosing ----------------------------------------------------------------------------------
def select(
    conversations: Iterable,
    *,
    title_contains: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list:
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
@dataclass(frozen=True)
class ImportResult:
    """How much an import added and what it left out, by kind."""

    conversations_imported: int
    messages_imported: int
    conversations_skipped: int
    messages_skipped: int
    photos_imported: int = 0
    canvases: int = 0
    skipped: dict = field(default_factory=dict)
    broken: tuple[Broken, ...] = ()
    memories: tuple[FoundMemory, ...] = ()
    instructions: Instructions | None = None

    def summary(self) -> str:
        """Plain sentences saying what happened and what was left out."""
        parts = [
            _("Imported {conversations} ({messages}).").format(
                conversations=ngettext(
                    "{n:,} conversation", "{n:,} conversations", self.conversations_imported
                ).format(n=self.conversations_imported),
                messages=", ".join(
                    [
                        ngettext("{n:,} message", "{n:,} messages", self.messages_imported).format(
                            n=self.messages_imported
                        )
                    ]
                    + (
                        [
                            ngettext("{n:,} photo", "{n:,} photos", self.photos_imported).format(
                                n=self.photos_imported
                            )
                        ]
                        if self.photos_imported
                        else []
                    )
                    + (
                        [
                            ngettext(
                                "{n:,} canvas document", "{n:,} canvas documents", self.canvases
                            ).format(n=self.canvases)
                        ]
                        if self.canvases
                        else []
                    )
                ),
            )
        ]
        if self.messages_skipped:
            parts.append(
                ngettext(
                    "{n:,} message was already here.",
                    "{n:,} messages were already here.",
                    self.messages_skipped,
                ).format(n=self.messages_skipped)
            )
        kinds = [_kind_label(k, n) for k, n in sorted(self.skipped.items()) if n]
        if kinds:
            parts.append(
                _("Not shown in ChatGPT's chat, so left out: {kinds}.").format(
                    kinds=", ".join(kinds)
                )
            )
        parts.extend(b.sentence() for b in self.broken)
        return " ".join(parts)


def external_id(conversation, message: ImportedMessage) -> str:
    """The id that marks a message as coming from this export (what makes re-imports no-ops)."""
    return f"{ID_PREFIX}{conversation.id}:{message.node_id}"


def _existing_ids(store) -> set[str]:
    return {
        row[0]
        for row in store.execute(
            "SELECT external_id FROM messages WHERE external_id IS NOT NULL"
        ).fetchall()
    }


def new_message_count(store, conversations: Iterable) -> int:
    """How many of the conversations' messages are not in the store yet (an estimate for a
    listed `ConversationInfo`: a conversation already imported counts only its new length)."""
    existing = _existing_ids(store)
    known = dict(
        store.execute(
            "SELECT external_id, message_count FROM imported_conversations WHERE source = ?",
            [SOURCE],
        ).fetchall()
    )
    total = 0
    for c in conversations:
        if isinstance(c, ConversationInfo):
            total += max(c.message_count - known.get(c.id, 0), 0)
        else:
            total += sum(1 for m in c.messages if external_id(c, m) not in existing)
    return total


class _Writer:
    """Collects messages (and reads their photos) conversation by conversation, then writes
    every message in one transaction."""

    _BATCH_FILES = 100

    def __init__(self, store, persona_id: int, source: ExportSource | None, progress: Progress):
        from memory import photos

        self.photos = photos
        self.store = store
        self.persona_id = persona_id
        self.source = source
        self.progress = progress
        self.existing = _existing_ids(store)
        self.known_conversations = {
            row[0]
            for row in store.execute(
                "SELECT external_id FROM imported_conversations WHERE source = ?", [SOURCE]
            ).fetchall()
        }
        self.rows: dict[str, list] = {
            k: []
            for k in ("role", "content", "created_at", "external_id", "model", "meta", "source")
        }
        self.new_conversations: list[tuple] = []
        self.links: list[tuple[str, int, int]] = []
        self.skipped: Counter = Counter()
        self.by_sha: dict[str, int] = {}
        self.new_photo_ids: list[int] = []
        self.new_shas: set[str] = set()
        self.batch: list[tuple[str, int, str]] = []  # message's external id, position, file id
        # batches on the photo thread: (its job, the batch)
        self._jobs: list[tuple] = []
        self._pool = None
        self.imported_conversations = 0
        self.skipped_conversations = 0
        self.skipped_messages = 0
        self.canvases = 0
        self.visible = 0
        self.record_conversations = True
        self.written = 0
        self._cur = None
        self._threads_before: int | None = None

    def add(self, conversation: Conversation) -> None:
        added = 0
        self.visible += len(conversation.messages)
        self.skipped.update(conversation.skipped)
        for message in conversation.messages:
            ext = message.external_id or external_id(conversation, message)
            if ext in self.existing:
                self.skipped_messages += 1
                continue
            self.existing.add(ext)
            # counts the message already carries (a chat archive's) are the original's
            meta: dict = dict(message.meta or {})
            if message.images:
                meta.setdefault("images", len(message.images))
                made = sum(1 for i in message.images if i.generated)
                if made:
                    meta.setdefault("generated_images", made)
                missing = sum(
                    1
                    for position, ref in enumerate(message.images)
                    if not self._image(ext, position, ref)
                )
                if missing:
                    meta["missing_images"] = meta.get("missing_images", 0) + missing
            if message.canvas:
                meta["canvas"] = [c.as_meta() for c in message.canvas]
                self.canvases += len(message.canvas)
            if message.stamped_at is not None:
                meta["stamped_at"] = message.stamped_at.isoformat()
            self.rows["source"].append(message.source or SOURCE)
            self.rows["role"].append(message.role)
            self.rows["content"].append(message.content)
            self.rows["created_at"].append(round(message.created_at.timestamp() * 1_000_000))
            self.rows["external_id"].append(ext)
            self.rows["model"].append(message.model)
            self.rows["meta"].append(json.dumps(meta, ensure_ascii=False) if meta else None)
            added += 1
        if len(self.rows["role"]) >= self._CHUNK:
            self._flush_rows()
        if added:
            self.imported_conversations += 1
        elif conversation.messages:
            self.skipped_conversations += 1
        if (
            self.record_conversations
            and conversation.id not in self.known_conversations
            and conversation.messages
        ):
            self.known_conversations.add(conversation.id)
            self.new_conversations.append(
                (
                    conversation.id,
                    conversation.title,
                    _epoch(conversation.created_at),
                    _epoch(conversation.updated_at),
                    len(conversation.messages),
                )
            )

    def _image(self, ext: str, position: int, ref: ImageRef) -> bool:
        """Queue one image for storing; False when the export does not hold it."""
        images = getattr(self.source, "images", None) or {}
        if not ref.file_id or ref.file_id not in images:
            self.skipped[MISSING_IMAGES] += 1
            return False
        self.batch.append((ext, position, ref.file_id))
        if len(self.batch) >= self._BATCH_FILES:
            self._flush_images()
        return True

    #: Photo batches being stored on the photo thread at most, before reading waits.
    _IN_FLIGHT = 2

    def _flush_images(self) -> None:
        """Hand the queued images to the photo thread, which reads, stores and de-duplicates
        them while the export is read on; their links to messages are made once they are
        stored (`_collect`)."""
        if not self.batch:
            return
        batch, self.batch = self.batch, []
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(1, thread_name_prefix="kizuna-import-photos")
        self._jobs.append((self._pool.submit(self._store_images, batch), batch))
        self._collect(wait=len(self._jobs) > self._IN_FLIGHT)

    #: Bytes of photos the photo thread holds at once, about (a batch of phone photos is
    #: read and stored in parts of this size, not a hundred files at a time).
    _PHOTO_BYTES = 16 << 20

    def _store_images(self, batch: list[tuple[str, int, str]]) -> tuple[list, list]:
        """On the photo thread: each image's photo id (None when unreadable), and the
        (id, content hash) of the photos this batch added. Batches run one after another, so
        `by_sha` is this thread's alone.

        Each file is read and hashed; the bytes of the first files are kept while they fit
        in `_PHOTO_BYTES`, the others are read again when their turn to be stored comes, so
        memory holds about `_PHOTO_BYTES` of photos at most, whatever their size."""
        shas: list[str | None] = []
        kept: dict[str, bytes] = {}
        held = 0
        for _ext, _position, file_id in batch:
            data = self.source.image_bytes(file_id) or b""
            sha = hashlib.sha256(data).hexdigest() if data else None
            shas.append(sha)
            if sha and sha not in kept and held + len(data) <= self._PHOTO_BYTES:
                kept[sha] = data
                held += len(data)
            del data
        unknown = list({sha for sha in shas if sha and sha not in self.by_sha})
        if unknown:
            self.by_sha.update(
                self.store.execute(
                    "SELECT sha256, min(id) FROM photos WHERE sha256 IN "
                    "(SELECT unnest(?::VARCHAR[])) GROUP BY sha256",
                    [unknown],
                ).fetchall()
            )
        fresh: dict[str, str] = {}  # content hash → the file holding it
        for sha, (_ext, _position, file_id) in zip(shas, batch, strict=True):
            if sha and sha not in self.by_sha:
                fresh.setdefault(sha, file_id)
            elif sha:
                kept.pop(sha, None)
        added: list = []
        part: list[tuple[str, str, bytes]] = []
        size = 0
        for sha, file_id in fresh.items():
            data = kept.pop(sha, None)
            if data is None:
                data = self.source.image_bytes(file_id) or b""
            name = self.source.images.get(file_id, "").rsplit("/", 1)[-1]
            part.append((sha, name, data))
            size += len(data)
            if size >= self._PHOTO_BYTES:
                added += self._ingest(part)
                part, size = [], 0
        if part:
            added += self._ingest(part)
        return [self.by_sha.get(sha) if sha else None for sha in shas], added

    def _ingest(self, part: list[tuple[str, str, bytes]]) -> list[tuple[int, str]]:
        """Store one part of a batch's new photos; (id, content hash) of those added."""
        outcomes = self.photos.ingest_many(
            self.store, [(name, data) for _sha, name, data in part], sync_each=False
        )
        added = []
        for (sha, _name, _data), outcome in zip(part, outcomes, strict=True):
            if outcome.added is not None:
                self.by_sha[sha] = outcome.added.photo.id
                added.append((outcome.added.photo.id, sha))
        part.clear()
        return added

    def _collect(self, *, wait: bool = False, everything: bool = False) -> None:
        """Link the stored photos to their messages, batch by batch in order; `wait` waits
        for the oldest batch, `everything` for all of them."""
        while self._jobs:
            job, batch = self._jobs[0]
            if not job.done() and not (wait or everything):
                return
            self._jobs.pop(0)
            wait = False
            ids, added = job.result()
            self._added(added)
            for photo_id, (ext, position, _file_id) in zip(ids, batch, strict=True):
                if photo_id is None:
                    self.skipped[UNREADABLE_IMAGES] += 1
                else:
                    self.links.append((ext, photo_id, position))

    def _added(self, added) -> None:
        for photo_id, sha in added:
            self.new_photo_ids.append(photo_id)
            self.new_shas.add(sha)

    def _stop_photo_thread(self) -> None:
        """Wait for every batch handed to the photo thread (stored or failed), so that what
        it added is known, then end the thread."""
        for job, _batch in self._jobs:
            try:
                self._added(job.result()[1])
            except BaseException:  # the first failure is already being raised
                continue
        self._jobs.clear()
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    #: Messages written per statement: a chunk is held twice while written (her strings and
    #: DuckDB's sorted copy), so smaller chunks lower the peak (5,000 → 2,000: 10 MB less).
    _CHUNK = 2_000

    def _cursor(self):
        """The import's one transaction, opened at the first chunk of messages written, on a
        cursor of its own (photos are committed by `photos.ingest_many` meanwhile, on the
        thread's cursor)."""
        if self._cur is None:
            self._cur = self.store.cursor().cursor()
            self._one_thread()
            self._cur.execute("BEGIN TRANSACTION")
        return self._cur

    def _one_thread(self) -> None:
        """DuckDB on one thread while the import writes (its statements are small; each
        thread DuckDB runs keeps memory of its own: 15–20 MB less at the peak)."""
        if self._threads_before is None:
            self._threads_before = int(
                self._cur.execute("SELECT current_setting('threads')").fetchone()[0]
            )
            self._cur.execute("SET threads = 1")

    def _threads_back(self) -> None:
        """DuckDB's threads as they were before the import (before the search index is
        built over what it added)."""
        if self._threads_before is not None:
            before, self._threads_before = self._threads_before, None
            with contextlib.suppress(Exception):
                self.store.execute(f"SET threads = {before:d}")

    def _flush_rows(self) -> None:
        """Write the messages collected so far (and their photo links) into the import's
        transaction, so memory holds one chunk of messages, never the whole export."""
        from memory import messages

        self._flush_images()
        self._collect()
        if not self.rows["role"]:
            if self.links:  # photos stored after their messages were written
                messages.attach_photos(self._cursor(), self.persona_id, self.links)
                self.links = []
            return
        rows = self.rows
        cur = self._cursor()
        # in the order she read them (the table's), not re-sorted by time
        messages.add_many(cur, self.persona_id, rows, source=SOURCE, provider="chatgpt")
        messages.attach_photos(cur, self.persona_id, self.links)
        self.written += len(rows["role"])
        self.links = []
        self.rows = {k: [] for k in rows}

    def abort(self) -> None:
        """Roll the import's transaction back and remove the photos it added."""
        self._stop_photo_thread()
        if self._cur is not None:
            cur, self._cur = self._cur, None
            with contextlib.suppress(Exception):
                cur.execute("ROLLBACK")
            cur.close()
        self._threads_back()
        self.discard_photos()

    def finish(self, found: ChatGPTExport) -> ImportResult:
        try:
            self._flush_images()
            self._collect(everything=True)
            self._stop_photo_thread()
            count = self.written + len(self.rows["role"])
            self.progress(0.97, _("Saving {n:,} messages…").format(n=count))
            self._flush_rows()
            if self.new_conversations:
                self._cursor().execute(
                    """
                    INSERT INTO imported_conversations (persona_id, source, external_id,
                        title, started_at, updated_at, message_count)
                    SELECT ?, ?, t.external_id, t.title, to_timestamp(t.started),
                        to_timestamp(t.updated), t.message_count
                    FROM (SELECT unnest(?::VARCHAR[]) AS external_id,
                                 unnest(?::VARCHAR[]) AS title,
                                 unnest(?::DOUBLE[]) AS started,
                                 unnest(?::DOUBLE[]) AS updated,
                                 unnest(?::INTEGER[]) AS message_count) t
                    """,
                    [
                        self.persona_id,
                        SOURCE,
                        *map(list, zip(*self.new_conversations, strict=True)),
                    ],
                )
            if self._cur is not None:
                with _lean_checkpoint(self._cur):
                    self._cur.execute("COMMIT")
                cur, self._cur = self._cur, None
                cur.close()
                self._threads_back()
        except BaseException:
            self.abort()
            raise
        if count:
            # Many new messages at once: fold them into the search index now, in the
            # background, rather than scanning them directly on the next search.
            from memory import search

            search.refresh_in_background(self.store)
        if self.visible and not count and not self.skipped_messages:
            raise ImportProblem(
                _(
                    "Kizuna found {n:,} messages in that export but could not store any of them."
                ).format(n=self.visible)
            )
        self.progress(1.0, _("Import complete."))
        return ImportResult(
            conversations_imported=self.imported_conversations,
            messages_imported=count,
            conversations_skipped=self.skipped_conversations,
            messages_skipped=self.skipped_messages,
            photos_imported=len(self.new_photo_ids),
            canvases=self.canvases,
            skipped=dict(self.skipped),
            broken=tuple(found.broken),
            memories=tuple(found.memories),
            instructions=found.instructions,
        )

    def discard_photos(self) -> None:
        """Remove the photo rows and files this import added (its messages did not land)."""
        if not self.new_photo_ids:
            return
        with self.store.transaction() as cur:
            self.photos.remove_rows(cur, self.new_photo_ids)
        self.photos.remove_unreferenced_files(self.store, self.new_shas)
        self.new_photo_ids.clear()


@contextlib.contextmanager
def _lean_checkpoint(cur):
    """Commit an import without DuckDB's dictionary compression. The commit writes the new
    messages into the database file (a checkpoint); weighing a dictionary for their text
    holds a copy of every distinct string at once (about as much memory again as the text:
    50 MB for the benchmark's 100,000 messages, 13 MB without). Their text is compressed
    with FSST either way; the file is as large."""
    before = cur.execute("SELECT current_setting('disabled_compression_methods')").fetchone()[0]
    cur.execute("SET disabled_compression_methods = 'dictionary'")
    try:
        yield
    finally:
        with contextlib.suppress(Exception):  # a failed commit's own error is what matters
            cur.execute("SET disabled_compression_methods = ?", [before or ""])


def _epoch(moment: datetime | None) -> float | None:
    return moment.timestamp() if moment else None


def _noop(_fraction: float, _text: str) -> None:
    return None


def import_conversations(
    store,
    conversations: Iterable[Conversation],
    persona_id: int,
    progress: Progress | None = None,
    *,
    source: ExportSource | None = None,
    found: ChatGPTExport | None = None,
    record_conversations: bool = True,
) -> ImportResult:
    """Add already-read conversations to a companion (photos from `source`, if given).

    Messages already imported (by `external_id`) are skipped, so importing twice adds nothing.
    """
    progress = progress or _noop
    writer = _Writer(store, persona_id, source, progress)
    writer.record_conversations = record_conversations
    conversations = list(conversations)
    try:
        for i, conversation in enumerate(conversations):
            writer.add(conversation)
            if i % 200 == 0:
                progress(
                    0.9 * i / max(len(conversations), 1),
                    _("Reading conversation {i:,} of {n:,}…").format(i=i + 1, n=len(conversations)),
                )
    except BaseException:
        writer.abort()
        raise
    return writer.finish(found or ChatGPTExport())


#: Room kept free beyond an import's own estimate (DuckDB's write-ahead log, the index).
SPACE_MARGIN = 64 << 20


def check_room(store, text_bytes: int, image_bytes: int) -> None:
    """Refuse, before anything is written, an import the disk has no room for: its text
    stored with the search index over it (counted twice), its photos with their thumbnails,
    and a margin."""
    from memory import backup

    needed = 2 * text_bytes + image_bytes + image_bytes // 10 + SPACE_MARGIN
    free = backup.free_bytes(store.data_dir)
    if free < needed:
        raise ImportProblem(
            _(
                "There is not enough free disk space to import this: it needs about {needed} "
                "and {free} is free. Free some space and try again; nothing was imported."
            ).format(needed=backup.human_size(needed), free=backup.human_size(free))
        )


def import_file(
    store,
    source: Path | str | bytes,
    persona_id: int,
    *,
    only: set[str] | None = None,
    title_contains: str | None = None,
    since: date | None = None,
    until: date | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Stream an export into a companion: messages, their photos and canvas documents.

    `only` (conversation ids) and the title/date filters choose conversations. Memories and
    custom instructions found are returned in the result, not written (see `keep_memories`).
    Raises `ImportProblem` (nothing written) when the file cannot be read, or when it holds
    messages but none could be stored.
    """
    progress = progress or _noop
    found = ChatGPTExport()
    with ExportSource(source) as src:
        check_room(store, src.total_bytes, src.image_bytes_total())
        writer = _Writer(store, persona_id, src, progress)
        try:
            for conversation in _conversations(src, found, lambda f, t: progress(0.95 * f, t)):
                if only is not None and conversation.id not in only:
                    continue
                if (title_contains or since or until) and not select(
                    [conversation], title_contains=title_contains, since=since, until=until
                ):
                    continue
                found.conversations.append(conversation.id)
                writer.add(conversation)
        except BaseException:
            writer.abort()
            raise
        if not found.conversations and not found.broken and not writer.visible:
            raise ImportProblem(_("That export holds no conversations to import."))
        if found.broken and not writer.visible and not writer.skipped_messages:
            raise ImportProblem(
                ngettext(
                    "The only conversation in that export could not be read: {reason}",
                    "None of the {n:,} conversations in that export could be read; "
                    "the first: {reason}",
                    len(found.broken),
                ).format(n=len(found.broken), reason=found.broken[0].reason)
            )
        return writer.finish(found)


# -- memories and instructions ------------------------------------------------------------------
ORIGIN = "import:chatgpt"


def keep_memories(store, persona_id: int, found: Iterable[FoundMemory]) -> int:
    """Keep ChatGPT's memories as the companion's memories (facts, dated); those already
    kept (same words) are not added again. Returns how many were added."""
    from memory import memories

    have = {" ".join(m.body.casefold().split()) for m in memories.list_memories(store, persona_id)}
    added = 0
    for memory in found:
        key = " ".join(memory.text.casefold().split())
        if key in have:
            continue
        have.add(key)
        try:
            memories.add(
                store,
                persona_id,
                memory.text[: memories.MAX_CHARS],
                kind="fact",
                origin=ORIGIN,
                happened_on=memory.written_on,
            )
        except ValueError:
            continue
        added += 1
    return added


def persona_changes(instructions: Instructions | None) -> dict:
    """Persona fields the custom instructions offer: what she is called, how he answers."""
    if instructions is None:
        return {}
    changes = {}
    if instructions.preferred_name:
        changes["user_name"] = instructions.preferred_name
    if instructions.instructions:
        changes["speaking_style"] = instructions.instructions
    return changes
