"""Plain exports anyone can read without Kizuna: chat history as Markdown (one section per day)
and as SillyTavern-compatible JSONL, and the journal as Markdown.

Days and times are the user's own (the zone from Settings); headings, day names and labels are
in the interface language, dates written by CLDR (Babel): "## Wednesday, 1 May 2024" /
"## 2024年5月1日水曜日". The SillyTavern file keeps SillyTavern's own English date style, since
SillyTavern reads it. Messages are read in batches so a million-message history does not need a
million Python objects at once.

Text in the Markdown exports is exactly what was written, escaped: every character Markdown
gives a meaning to is preceded by a backslash (and a line-starting list, heading or rule marker
too), so a message cannot forge a day heading, a turn of his, a link or HTML. Any Markdown
renderer shows the words as typed; the raw file reads almost as typed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from memory import personas
from memory import settings as settings_store
from memory.i18n import N_, _, format_date, format_time

#: How a message that did not come from the chat is marked after its time ("· album").
_SOURCES = {"album": N_("album"), "journal": N_("journal"), "greeting": N_("greeting")}

_BATCH = 5_000

# The ASCII punctuation that opens or closes Markdown structure anywhere in a line (emphasis,
# code, links, HTML, headings, quotes, tables, strike-through) and `&` (entities). CommonMark
# lets any ASCII punctuation be backslash-escaped.
_INLINE = re.compile(r"([\\`*_\[\]<>#|~&])")
# What makes a list item, a setext heading or a rule only at the start of a line.
_LINE_START = re.compile(r"^(\s*)([-+=])")
_ORDERED = re.compile(r"^(\s*\d+)([.)])")


def escape_markdown(text: str | None) -> str:
    """`text` as Markdown that renders exactly as typed: no headings, emphasis, links or HTML.

    Line breaks are kept (each line ends in a hard break), blank lines stay paragraph breaks.
    """
    lines = []
    for line in (text or "").splitlines():
        escaped = _INLINE.sub(r"\\\1", line)
        escaped = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)
        escaped = _ORDERED.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)
        if escaped.startswith("    ") or escaped.startswith("\t"):
            escaped = escaped.lstrip()  # four spaces would start a code block
        lines.append(escaped)
    out = []
    for i, line in enumerate(lines):
        following = i + 1 < len(lines) and lines[i + 1].strip() and line.strip()
        out.append(line + ("\\" if following else ""))
    return "\n".join(out)


def _names(store, persona_id: int) -> tuple[str, str]:
    pv = personas.current(store, persona_id)
    return pv.name, (pv.user_name or _("You"))


def _messages(store, persona_id: int) -> Iterator[tuple]:
    cur = store.cursor().execute(
        "SELECT role, content, created_at, source, status, id, external_id, meta FROM messages "
        "WHERE persona_id = ? AND status = 'ok' ORDER BY created_at, id",
        [persona_id],
    )
    while rows := cur.fetchmany(_BATCH):
        yield from rows


PhotoPaths = Callable[[int], list[str]]


def _no_photos(_message_id: int) -> list[str]:
    return []


def chat_markdown(
    store, persona_id: int, tz: ZoneInfo | None = None, *, photo_paths: PhotoPaths | None = None
) -> str:
    """Every message with a companion as Markdown, a heading per local day.

    With `photo_paths` (message id → paths of its photos, see `chat_archive`), each message's
    photos follow it as Markdown images linking to those files."""
    photo_paths = photo_paths or _no_photos
    tz = tz or settings_store.timezone(store)
    name, user = _names(store, persona_id)
    name, user = escape_markdown(name), escape_markdown(user)
    out = ["# " + _("Conversations with {name}").format(name=name) + "\n"]
    day = None
    for role, content, created_at, source, _status, message_id, *_rest in _messages(
        store, persona_id
    ):
        local = created_at.astimezone(tz)
        if local.date() != day:
            day = local.date()
            out.append(f"\n## {format_date(day, 'full')}\n")
        who = user if role == "user" else name
        where = "" if source == "chat" else " · " + _(_SOURCES.get(source, source))
        body = escape_markdown(content)
        out.append(f"\n**{who}** · {format_time(local)}{escape_markdown(where)}\n\n{body}\n")
        for path in photo_paths(message_id):
            out.append(f"\n![{_('photo')}]({path})\n")
    if day is None:
        out.append("\n" + _("No messages yet.") + "\n")
    return "".join(out)


def _st_date(moment: datetime) -> str:
    """SillyTavern's `send_date` style, e.g. 'May 1, 2024 2:03pm'."""
    hour = moment.hour % 12 or 12
    return (
        f"{moment.strftime('%B')} {moment.day}, {moment.year} "
        f"{hour}:{moment.minute:02d}{'am' if moment.hour < 12 else 'pm'}"
    )


def chat_jsonl(
    store, persona_id: int, tz: ZoneInfo | None = None, *, photo_paths: PhotoPaths | None = None
) -> str:
    """The history as a SillyTavern chat file (.jsonl): a header line, then one per message.

    With `photo_paths`, a message's photos are named in `extra.image` (the first, as
    SillyTavern attaches one) and `extra.images` (all)."""
    photo_paths = photo_paths or _no_photos
    tz = tz or settings_store.timezone(store)
    name, user = _names(store, persona_id)
    now = datetime.now(tz)
    lines = [
        json.dumps(
            {
                "user_name": user,
                "character_name": name,
                "create_date": _st_date(now),
                "chat_metadata": {},
            },
            ensure_ascii=False,
        )
    ]
    for row in _messages(store, persona_id):
        role, content, created_at, source, _status, message_id, external_id, meta = row
        is_user = role == "user"
        # what a re-import needs to give back the same message (see importers.sillytavern)
        extra = {"kizuna_source": source, "kizuna_created_at": created_at.isoformat()}
        if external_id:
            extra["kizuna_external_id"] = external_id
        if meta:
            extra["kizuna_meta"] = json.loads(meta) if isinstance(meta, str) else meta
        paths = photo_paths(message_id)
        if paths:
            extra.update(image=paths[0], images=paths)
        lines.append(
            json.dumps(
                {
                    "name": user if is_user else name,
                    "is_user": is_user,
                    "is_system": False,
                    "send_date": _st_date(created_at.astimezone(tz)),
                    "mes": content,
                    "extra": extra,
                },
                ensure_ascii=False,
            )
        )
    return "\n".join(lines) + "\n"


def journal_markdown(store, persona_id: int) -> str:
    """Every journal entry, oldest first, with the companion's replies quoted beneath."""
    name, _user = _names(store, persona_id)
    entries = store.execute(
        "SELECT id, written_on, mood, body FROM journal_entries WHERE persona_id = ? "
        "ORDER BY written_on, id",
        [persona_id],
    ).fetchall()
    replies: dict[int, list[str]] = {}
    for entry_id, content in store.execute(
        "SELECT journal_entry_id, content FROM messages WHERE persona_id = ? "
        "AND journal_entry_id IS NOT NULL AND role = 'companion' AND status = 'ok' "
        "ORDER BY created_at, id",
        [persona_id],
    ).fetchall():
        replies.setdefault(entry_id, []).append(content)
    name = escape_markdown(name)
    out = ["# " + _("Journal with {name}").format(name=name) + "\n"]
    for entry_id, written_on, mood, body in entries:
        heading = f"\n## {format_date(written_on, 'full')}"
        if mood is not None:
            heading += " · " + _("mood {n}/5").format(n=mood)
        out.append(heading + "\n\n" + escape_markdown(body) + "\n")
        for reply in replies.get(entry_id, []):
            quoted = "\n".join(
                ("> " + line).rstrip() for line in escape_markdown(reply).split("\n")
            )
            out.append(f"\n> **{name}:**\n{quoted}\n")
    if not entries:
        out.append("\n" + _("No journal entries yet.") + "\n")
    return "".join(out)


def chat_archive(store, persona_id: int, tz: ZoneInfo | None = None) -> bytes:
    """The chat history with its photos, as a zip: `chat.md` and `chat.jsonl` (as above) with
    every photo a message shows under `photos/`, linked from both by relative path."""
    import io
    import zipfile

    links: dict[int, list[tuple[str, str]]] = {}
    for message_id, path in store.execute(
        "SELECT mp.message_id, p.path FROM message_photos mp JOIN photos p ON p.id = mp.photo_id "
        "JOIN messages m ON m.id = mp.message_id WHERE m.persona_id = ? "
        "ORDER BY mp.message_id, mp.position",
        [persona_id],
    ).fetchall():
        links.setdefault(message_id, []).append((path, "photos/" + path.rsplit("/", 1)[-1]))

    def paths(message_id: int) -> list[str]:
        return [inside for _path, inside in links.get(message_id, ())]

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("chat.md", chat_markdown(store, persona_id, tz, photo_paths=paths))
        zf.writestr("chat.jsonl", chat_jsonl(store, persona_id, tz, photo_paths=paths))
        written = set()
        for pairs in links.values():
            for path, inside in pairs:
                source = store.path_of(path)
                if inside not in written and source.is_file():
                    written.add(inside)
                    zf.write(source, inside, compress_type=zipfile.ZIP_STORED)
    return out.getvalue()
