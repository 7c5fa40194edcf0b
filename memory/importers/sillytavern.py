"""Import a chat back: a SillyTavern chat file (`.jsonl`) or Kizuna's own chat archive (the
`.zip` from Plain exports: `chat.jsonl` with the photos under `photos/`).

Kizuna's export writes, beside SillyTavern's fields, what gives back the same message:
`extra.kizuna_created_at` (the exact instant; `send_date` has minutes only),
`extra.kizuna_source`, `extra.kizuna_external_id` and `extra.kizuna_meta` (canvas documents,
images he made, …). A plain SillyTavern file has none of these and imports with its own
dates. Each message gets an `external_id` (its own, or one derived from its words and time),
so importing the same file twice adds nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from memory.i18n import _
from memory.importers import ImportProblem, chatgpt

SOURCE = "import:sillytavern"
MAX_LINE = 10 * 1024 * 1024
MAX_ARCHIVE_FILE = 200 * 1024 * 1024


class _Archive:
    """The photos of a chat archive, looked up by their path inside it."""

    def __init__(self, zf: zipfile.ZipFile | None):
        self.zf = zf
        self.images = {n: n for n in zf.namelist() if n.startswith("photos/")} if zf else {}

    def image_bytes(self, name: str | None) -> bytes | None:
        if self.zf is None or name not in self.images:
            return None
        info = self.zf.getinfo(name)
        if info.file_size > chatgpt.MAX_IMAGE_BYTES:
            return b""
        return self.zf.read(name)


def _when(extra: dict, send_date) -> datetime | None:
    stamp = extra.get("kizuna_created_at")
    if isinstance(stamp, str):
        try:
            return datetime.fromisoformat(stamp)
        except ValueError:
            pass
    if isinstance(send_date, int | float) and not isinstance(send_date, bool):
        return datetime.fromtimestamp(send_date / (1000 if send_date > 1e11 else 1), UTC)
    if isinstance(send_date, str):
        for fmt in ("%B %d, %Y %I:%M%p", "%B %d, %Y %I:%M %p"):
            try:
                return datetime.strptime(send_date.strip(), fmt).replace(tzinfo=UTC)
            except ValueError:
                continue
        try:
            parsed = datetime.fromisoformat(send_date.replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        except ValueError:
            return None
    return None


def read(raw: bytes) -> tuple[list[chatgpt.ImportedMessage], _Archive]:
    """The messages of a `.jsonl` chat or a chat archive; `ImportProblem` if it is neither."""
    archive = _Archive(None)
    if raw.startswith(b"PK\x03\x04"):
        try:
            zf = zipfile.ZipFile(io.BytesIO(raw))
            info = zf.getinfo("chat.jsonl")
            if info.file_size > MAX_ARCHIVE_FILE:
                raise ImportProblem(_("The chat.jsonl in that zip is too large to read."))
            raw = zf.read(info)
        except KeyError as exc:
            raise ImportProblem(
                _("That zip has no chat.jsonl, so it is not a Kizuna chat archive.")
            ) from exc
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
            raise ImportProblem(_("That zip is damaged; it could not be opened.")) from exc
        archive = _Archive(zf)
    found: list[chatgpt.ImportedMessage] = []
    previous: datetime | None = None
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        if len(line) > MAX_LINE:
            raise ImportProblem(
                _("Line {n} of that chat is too long to be a message.").format(n=number)
            )
        try:
            item = json.loads(line)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise ImportProblem(
                _("Line {n} of that chat is not JSON, so it is not a SillyTavern chat.").format(
                    n=number
                )
            ) from exc
        if not isinstance(item, dict) or "mes" not in item:
            continue  # the header line (user_name, character_name, chat_metadata)
        if item.get("is_system") or not isinstance(item.get("mes"), str):
            continue
        extra = item.get("extra") if isinstance(item.get("extra"), dict) else {}
        when = _when(extra, item.get("send_date")) or previous or datetime.now(UTC)
        previous = when
        role = "user" if item.get("is_user") else "companion"
        paths = extra.get("images") or ([extra["image"]] if extra.get("image") else [])
        images = tuple(chatgpt.ImageRef(str(p), str(p)) for p in paths if isinstance(p, str) and p)
        ext = extra.get("kizuna_external_id")
        if not isinstance(ext, str) or not ext:
            basis = json.dumps([role, item["mes"], when.isoformat()], ensure_ascii=False)
            ext = "sillytavern:" + hashlib.sha256(basis.encode()).hexdigest()[:32]
        meta = extra.get("kizuna_meta") if isinstance(extra.get("kizuna_meta"), dict) else None
        source = extra.get("kizuna_source")
        found.append(
            chatgpt.ImportedMessage(
                node_id=str(number),
                role=role,
                content=item["mes"],
                created_at=when,
                images=images,
                external_id=ext,
                source=source if isinstance(source, str) and source else SOURCE,
                meta=meta,
            )
        )
    return found, archive


def import_chat(
    store, source: Path | str | bytes, persona_id: int, progress=None
) -> chatgpt.ImportResult:
    """Add a chat file's (or chat archive's) messages and photos to a companion, in one
    transaction; messages already here (by `external_id`) are skipped."""
    raw = source if isinstance(source, bytes) else Path(source).read_bytes()
    found, archive = read(raw)
    if not found:
        raise ImportProblem(_("That chat holds no messages."))
    has_card_greeting = store.execute(
        "SELECT count(*) FROM messages WHERE persona_id = ? AND source = 'greeting' "
        "AND json_extract(meta, '$.from_card') = true",
        [persona_id],
    ).fetchone()[0]
    if has_card_greeting:
        # the companion's card already greeted her in this chat: the archive's copy of that
        # greeting is the same message
        found = [m for m in found if not (m.meta or {}).get("from_card")]
    conversation = chatgpt.Conversation("archive", _("Imported chat"), None, None, tuple(found))
    try:
        photos = sum(archive.zf.getinfo(n).file_size for n in archive.images) if archive.zf else 0
        chatgpt.check_room(store, len(raw), photos)
        return chatgpt.import_conversations(
            store,
            [conversation],
            persona_id,
            progress,
            source=archive,
            record_conversations=False,
        )
    finally:
        if archive.zf is not None:
            archive.zf.close()
