"""Messages between the user and a companion, wherever they happened.

Chat, album and journal replies are all messages (see `source`), so statistics count every
exchange in one place. Times are stored as instants (TIMESTAMPTZ) and shown in the user's zone.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from memory.errors import InvalidInput
from memory.i18n import N_

ROLES = ("user", "companion")

#: What "messages today" counts, in the sidebar and on the dashboard alike (translate with
#: `memory.i18n._`); `count_today` and `stats.headline` both count exactly this.
COUNTED = N_(
    "Every message of your local day, both ways and wherever it was said: the chat, the "
    "album's responses and the journal's reflections (imported messages count on the day "
    "they were written)."
)

#: Longest message kept; anything longer is refused with a plain sentence.
MAX_CHARS = 100_000


@dataclass(frozen=True)
class Message:
    id: int
    persona_id: int
    role: str
    content: str
    created_at: datetime
    source: str = "chat"
    status: str = "ok"
    provider: str | None = None
    model: str | None = None
    persona_version_id: int | None = None
    reply_to: int | None = None
    outing_id: int | None = None
    photo_id: int | None = None
    journal_entry_id: int | None = None
    meta: dict | None = None
    photo_ids: tuple[int, ...] = ()


_COLUMNS = (
    "id, persona_id, role, content, created_at, source, status, provider, model, "
    "persona_version_id, reply_to, outing_id, photo_id, journal_entry_id, meta"
)


def _from_row(row, photo_ids: tuple[int, ...] = ()) -> Message:
    values = list(row)
    values[14] = json.loads(values[14]) if values[14] else None
    return Message(*values, photo_ids=photo_ids)


def clean_user_text(text: str | None) -> str | None:
    """The text to store for what the user typed, or None when there is nothing to send.

    Whitespace-only input is nothing; anything else is kept exactly as typed.
    """
    if text is None or not text.strip():
        return None
    if len(text) > MAX_CHARS:
        raise InvalidInput(
            f"That message is {len(text):,} characters long; Kizuna keeps messages up to "
            f"{MAX_CHARS:,} characters. Split it into parts, or put it in the journal."
        )
    return text


def add(
    store,
    persona_id: int,
    role: str,
    content: str,
    *,
    source: str = "chat",
    created_at: datetime | None = None,
    status: str = "ok",
    provider: str | None = None,
    model: str | None = None,
    persona_version_id: int | None = None,
    reply_to: int | None = None,
    outing_id: int | None = None,
    photo_id: int | None = None,
    journal_entry_id: int | None = None,
    meta: dict | None = None,
    photo_ids: Sequence[int] = (),
    cur=None,
) -> Message:
    """Store one message (and its attached photos) and return it as stored.

    Pass `cur` to take part in a caller's transaction; otherwise the message and its photo
    links are committed together in a transaction of their own.
    """
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}, not {role!r}")
    params = [
        persona_id,
        role,
        content,
        created_at,
        source,
        status,
        provider,
        model,
        persona_version_id,
        reply_to,
        outing_id,
        photo_id,
        journal_entry_id,
        json.dumps(meta, ensure_ascii=False) if meta is not None else None,
    ]
    sql = f"""
        INSERT INTO messages (persona_id, role, content, created_at, source, status, provider,
            model, persona_version_id, reply_to, outing_id, photo_id, journal_entry_id, meta)
        VALUES (?, ?, ?, coalesce(?, current_timestamp), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        RETURNING {_COLUMNS}
    """

    def _write(c):
        row = c.execute(sql, params).fetchone()
        for position, pid in enumerate(photo_ids):
            c.execute(
                "INSERT INTO message_photos (message_id, photo_id, position) VALUES (?, ?, ?)",
                [row[0], pid, position],
            )
        return row

    if cur is not None:
        row = _write(cur)
    elif photo_ids:
        with store.transaction() as c:
            row = _write(c)
    else:
        row = _write(store.cursor())
    return _from_row(row, tuple(photo_ids))


@dataclass(frozen=True)
class Placement:
    """Where a companion reply belongs, and which earlier replies it replaces once stored.

    `replaces` names one message deleted in the same transaction as the new reply is stored
    (a regenerated chat reply). `replace_same_place` deletes the earlier companion replies
    at the same place: the same outing and photo (album) or the same entry (journal).
    `crisis_on` is her message to mark with the crisis categories found in it (chat).
    """

    persona_id: int
    source: str = "chat"
    reply_to: int | None = None
    outing_id: int | None = None
    photo_id: int | None = None
    journal_entry_id: int | None = None
    replaces: int | None = None
    replace_same_place: bool = False
    crisis_on: int | None = None


def _delete_rows(cur, where: str, params: list) -> None:
    for table in ("message_photos", "message_audio"):
        cur.execute(
            f"DELETE FROM {table} WHERE message_id IN (SELECT id FROM messages WHERE {where})",
            params,
        )
    cur.execute(f"DELETE FROM messages WHERE {where}", params)


def save_reply(
    store,
    placement: Placement,
    content: str,
    *,
    provider: str | None = None,
    model: str | None = None,
    persona_version_id: int | None = None,
    meta: dict | None = None,
    crisis: Sequence[str] = (),
) -> Message:
    """Store a finished companion reply where `placement` says, in one transaction.

    The replies it replaces are deleted and her message marked with `crisis` in the same
    transaction, so a failed write leaves everything as it was.
    """
    with store.transaction() as cur:
        if placement.replace_same_place:
            if placement.journal_entry_id is not None:
                _delete_rows(
                    cur,
                    "journal_entry_id = ? AND role = 'companion'",
                    [placement.journal_entry_id],
                )
            elif placement.outing_id is not None:
                photo = "photo_id IS NULL" if placement.photo_id is None else "photo_id = ?"
                _delete_rows(
                    cur,
                    f"source = ? AND role = 'companion' AND outing_id = ? AND {photo}",
                    [placement.source, placement.outing_id]
                    + ([] if placement.photo_id is None else [placement.photo_id]),
                )
        if crisis and placement.crisis_on is not None:
            _merge_meta(cur, placement.crisis_on, {"crisis": list(crisis)})
        message = add(
            store,
            placement.persona_id,
            "companion",
            content,
            source=placement.source,
            provider=provider,
            model=model,
            persona_version_id=persona_version_id,
            reply_to=placement.reply_to,
            outing_id=placement.outing_id,
            photo_id=placement.photo_id,
            journal_entry_id=placement.journal_entry_id,
            meta=meta,
            cur=cur,
        )
        if placement.replaces is not None:
            _delete_rows(cur, "id = ?", [placement.replaces])
    return message


#: Columns `add_many` takes from its table (any subset; the rest stay NULL or default).
BULK_COLUMNS = (
    "role",
    "content",
    "created_at",
    "source",
    "model",
    "external_id",
    "meta",
    "outing_id",
    "photo_id",
    "journal_entry_id",
)

#: How each of `BULK_COLUMNS` is read from columns given as lists (`created_at`: whole
#: microseconds since the epoch, UTC).
_LIST_TYPES = {
    "created_at": "BIGINT",
    "outing_id": "INTEGER",
    "photo_id": "INTEGER",
    "journal_entry_id": "INTEGER",
}


def _rows_from_lists(columns) -> tuple[str, list]:
    """The SQL and parameter that turn columns of Python lists into rows, in list order.

    The columns travel to DuckDB as one JSON text (one parameter) and are unnested there.
    Handing DuckDB Python objects row by row (or a pandas DataFrame) would load pandas into
    the process: DuckDB's Python binding imports pandas to check every value it converts
    (see `memory.store.without_pandas`), and an import's process has no other use for it.
    """
    names = [n for n in columns if n in BULK_COLUMNS]
    lengths = {len(columns[n]) for n in names}
    if len(lengths) > 1:
        raise ValueError("add_many needs columns of the same length")
    structure = json.dumps({n: [_LIST_TYPES.get(n, "VARCHAR")] for n in names})
    unnested = ", ".join(f"unnest(c.{n}) AS {n}" for n in names)
    picked = ", ".join(
        "make_timestamptz(r.created_at) AS created_at" if n == "created_at" else f"r.{n}"
        for n in names
    )
    sql = f"""SELECT {picked}, r.bulk_position FROM (
                SELECT {unnested}, unnest(range(len(c.{names[0]}))) AS bulk_position
                FROM (SELECT from_json(?, '{structure}') AS c)
            ) r"""
    payload = {n: columns[n] for n in names}
    return sql, [json.dumps(payload, ensure_ascii=False)]


def add_many(
    cur,
    persona_id: int,
    table,
    *,
    source: str | None = None,
    provider: str | None = None,
    persona_version_id: int | None = None,
    until: datetime | None = None,
    in_time_order: bool = False,
) -> int:
    """Store many messages at once (imports, the demo year), in order.

    `table` has some of `BULK_COLUMNS` (`meta` as JSON text): a dict of equal-length lists
    (`created_at` as whole microseconds since the epoch; what an import uses, since it keeps
    pandas and Arrow out of its process), an Arrow table or a pandas DataFrame. `source` and
    `provider` apply to every row (a `source` column wins); `persona_version_id` to the
    companion's rows. Rows after `until` are left out. Rows are stored in the table's order
    (ids follow it), or by `created_at` with `in_time_order`. Runs on the caller's cursor,
    inside its transaction. Returns how many rows were stored.
    """
    if isinstance(table, dict):
        columns = list(table)
        rows, rows_params = _rows_from_lists(table)
    else:
        columns = table.column_names if hasattr(table, "column_names") else list(table.columns)
        # The table is found by its variable name (DuckDB's replacement scan), not registered:
        # a view registered and dropped inside a transaction keeps its table alive until the
        # transaction ends, so an import's every chunk would stay in memory until its commit.
        kizuna_bulk_messages = table  # noqa: F841 - read by the SQL below
        rows = "SELECT *, row_number() OVER () AS bulk_position FROM kizuna_bulk_messages"
        rows_params = []
    names = [n for n in columns if n in BULK_COLUMNS]
    if "role" not in names or "content" not in names:
        raise ValueError("add_many needs at least a role and a content column")
    picked = {n: (f"b.{n}::JSON" if n == "meta" else f"b.{n}") for n in names}
    if "source" not in picked:
        picked["source"] = "coalesce(?, 'chat')"
    if "created_at" not in picked:
        picked["created_at"] = "current_timestamp"
    picked["provider"] = "?"
    picked["persona_version_id"] = "CASE WHEN b.role = 'companion' THEN ? END"
    params: list = []
    if "source" not in names:
        params.append(source)
    params += [provider, persona_version_id, persona_id, *rows_params]
    where = ""
    if until is not None:
        where = "WHERE b.created_at <= ?" if "created_at" in names else ""
        if where:
            params.append(until)
    targets = ", ".join(picked)
    values = ", ".join(picked.values())
    before = cur.execute("SELECT count(*) FROM messages").fetchone()[0]
    cur.execute(
        f"""INSERT INTO messages ({targets}, persona_id)
            SELECT {values}, ? FROM ({rows}) b {where}
            ORDER BY {"b.created_at, " if in_time_order else ""}b.bulk_position""",
        params,
    )
    return cur.execute("SELECT count(*) FROM messages").fetchone()[0] - before


def link_chat_replies(cur, persona_id: int) -> None:
    """Set `reply_to` on chat replies stored in bulk: each answers her message just before."""
    cur.execute(
        """
        UPDATE messages SET reply_to = prev.user_id
        FROM (
            SELECT id, role,
                   lag(id) OVER w AS user_id, lag(role) OVER w AS prev_role
            FROM messages WHERE persona_id = ? AND source = 'chat'
            WINDOW w AS (ORDER BY created_at, id)
        ) prev
        WHERE messages.id = prev.id AND prev.role = 'companion' AND prev.prev_role = 'user'
        """,
        [persona_id],
    )


def delete_where(cur, *, outing_id=None, photo_ids=None, journal_entry_id=None) -> None:
    """Delete, on the caller's cursor, what goes with a deleted outing, photos or entry.

    `outing_id`: the album's responses to that outing; `photo_ids`: the album's responses
    to those photos (chat messages that showed them lose only the attachment);
    `journal_entry_id`: the reflections on that entry.
    """
    if outing_id is not None:
        _delete_rows(cur, "source = 'album' AND outing_id = ?", [outing_id])
    if photo_ids:
        ids = list(photo_ids)
        _delete_rows(cur, "source = 'album' AND photo_id IN (SELECT unnest(?::INTEGER[]))", [ids])
        cur.execute(
            "DELETE FROM message_photos WHERE photo_id IN (SELECT unnest(?::INTEGER[]))", [ids]
        )
    if journal_entry_id is not None:
        _delete_rows(cur, "journal_entry_id = ?", [journal_entry_id])


def delete_all(cur) -> None:
    """Empty the messages table and its photo links, on the caller's cursor (the demo's
    clean slate before a new year; never used on real data)."""
    cur.execute("DELETE FROM message_photos")
    cur.execute("DELETE FROM messages")


def album_responses(store, outing_id: int) -> list[Message]:
    """The companion's album responses for an outing, oldest first."""
    rows = store.execute(
        f"""SELECT {_COLUMNS} FROM messages
            WHERE source = 'album' AND outing_id = ? AND role = 'companion'
            ORDER BY created_at, id""",
        [outing_id],
    ).fetchall()
    return [_from_row(r) for r in rows]


def between(store, persona_id: int, start: datetime, end: datetime, *, limit: int) -> list[Message]:
    """Messages with a companion from `start` (included) to `end`, oldest first, at most
    `limit` (one query, plus one for the photos attached)."""
    rows = store.execute(
        f"SELECT {_COLUMNS} FROM messages WHERE persona_id = ? AND created_at >= ? "
        "AND created_at < ? ORDER BY created_at, id LIMIT ?",
        [persona_id, start, end, limit],
    ).fetchall()
    return _attach_photos(store, rows)


def latest_reflections(store, entry_ids: Sequence[int]) -> dict[int, Message]:
    """The companion's latest reflection on each journal entry, by entry id (one query)."""
    if not entry_ids:
        return {}
    rows = store.execute(
        f"""SELECT {_COLUMNS} FROM messages WHERE id IN (
                SELECT max(id) FROM messages WHERE role = 'companion'
                AND journal_entry_id IN (SELECT unnest(?::INTEGER[])) GROUP BY journal_entry_id
            )""",
        [list(entry_ids)],
    ).fetchall()
    return {m.journal_entry_id: m for m in _attach_photos(store, rows)}


def _attach_photos(store, rows) -> list[Message]:
    if not rows:
        return []
    ids = [r[0] for r in rows]
    links: dict[int, tuple[int, ...]] = {}
    for message_id, photo_ids in store.execute(
        "SELECT message_id, list(photo_id ORDER BY position) FROM message_photos "
        "WHERE message_id IN (SELECT unnest(?::BIGINT[])) GROUP BY message_id",
        [ids],
    ).fetchall():
        links[message_id] = tuple(photo_ids)
    return [_from_row(r, links.get(r[0], ())) for r in rows]


def get(store, message_id: int) -> Message | None:
    """One message by id."""
    rows = store.execute(f"SELECT {_COLUMNS} FROM messages WHERE id = ?", [message_id]).fetchall()
    found = _attach_photos(store, rows)
    return found[0] if found else None


#: How far back `recent` looks first (see there).
_RECENT_WINDOW = timedelta(days=2)
#: Ids per message wanted that `recent` looks through among the newest (see there).
_GUESS_IDS = 20


def recent(
    store,
    persona_id: int,
    limit: int = 40,
    *,
    sources: Sequence[str] | None = None,
    before_id: int | None = None,
) -> list[Message]:
    """The latest `limit` messages with a companion, oldest first (ready to display).

    DuckDB skips whole row groups outside a `created_at` range, so this stays as fast with a
    million messages as with a thousand: it looks only at the two days before now (enough for
    anyone chatting daily), then from the oldest of the latest `limit` among the newest ids
    (messages are mostly saved in time order), then at the two days, month and year before
    the newest message; failing all, it finds the oldest timestamp among the latest `limit`
    by sorting that one narrow column and reads in full only rows from that instant.
    """
    if limit <= 0:
        return []
    where = ["persona_id = ?"]
    params: list = [persona_id]
    if sources:
        where.append(f"source IN ({', '.join('?' for _ in sources)})")
        params.extend(sources)
    if before_id is not None:
        where.append("id < ?")
        params.append(before_id)
    condition = " AND ".join(where)
    select = (
        f"SELECT {_COLUMNS} FROM messages WHERE {condition} AND created_at >= ? "
        "ORDER BY created_at DESC, id DESC LIMIT ?"
    )
    rows = store.execute(select, [*params, datetime.now(UTC) - _RECENT_WINDOW, limit]).fetchall()
    if len(rows) < limit:
        # Where the latest `limit` begin, guessed from the newest ids (messages are mostly
        # saved in time order, and a narrow id range skips the rest of the table): from the
        # oldest of those, the window holds at least `limit` messages, so it holds the
        # latest `limit` whatever their order (old messages imported late only widen it).
        top = before_id if before_id is not None else max((r[0] + 1 for r in rows), default=None)
        start, found = store.execute(
            f"SELECT min(created_at), count(*) FROM (SELECT created_at FROM messages "
            f"WHERE {condition} AND id >= "
            f"{'?' if top is not None else '(SELECT max(id) + 1 FROM messages)'} - ? "
            "ORDER BY id DESC LIMIT ?)",
            [*params, *([top] if top is not None else []), _GUESS_IDS * limit, limit],
        ).fetchone()
        if found >= limit:
            rows = store.execute(select, [*params, start, limit]).fetchall()
    if len(rows) < limit:
        # The newest message: the first row when the two days held any (all of them are
        # there, fewer than `limit`), else a scan of the one column.
        newest = rows[0][4] if rows else None
        if newest is None:
            newest = store.execute(
                f"SELECT max(created_at) FROM messages WHERE {condition}", params
            ).fetchone()[0]
        if newest is None:
            return []
        # Widen the window step by step: each step still skips the row groups outside it.
        for window in (_RECENT_WINDOW, _RECENT_WINDOW * 15, _RECENT_WINDOW * 180):
            rows = store.execute(select, [*params, newest - window, limit]).fetchall()
            if len(rows) >= limit:
                break
    if len(rows) >= limit:
        # Nothing older than the window can be among the latest `limit`.
        rows.reverse()
        return _attach_photos(store, rows)
    cutoff = store.execute(
        f"SELECT min(created_at) FROM (SELECT created_at FROM messages WHERE {condition} "
        "ORDER BY created_at DESC LIMIT ?)",
        [*params, limit],
    ).fetchone()[0]
    if cutoff is None:
        return []
    rows = store.execute(select, [*params, cutoff, limit]).fetchall()
    rows.reverse()
    return _attach_photos(store, rows)


def count(store, persona_id: int | None = None) -> int:
    """How many messages there are (with one companion, or all)."""
    if persona_id is None:
        return store.execute("SELECT count(*) FROM messages").fetchone()[0]
    return store.execute(
        "SELECT count(*) FROM messages WHERE persona_id = ?", [persona_id]
    ).fetchone()[0]


def count_today(store, persona_id: int, tz: ZoneInfo, now: datetime | None = None) -> int:
    """Messages either way since the start of the user's local day (see `COUNTED`)."""
    now = (now or datetime.now(tz)).astimezone(tz)
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    end = start + timedelta(days=1)
    return store.execute(
        "SELECT count(*) FROM messages WHERE persona_id = ? AND created_at >= ? AND created_at < ?",
        [persona_id, start, end],
    ).fetchone()[0]


def last(store, persona_id: int, *, sources: Sequence[str] = ("chat",)) -> Message | None:
    """The most recent message with a companion among the given sources."""
    found = recent(store, persona_id, 1, sources=sources)
    return found[0] if found else None


def delete(store, message_id: int) -> None:
    """Delete one message, its photo links (the photos themselves stay in the album) and its
    audio (the file too, unless another message has the same recording)."""
    with store.transaction() as cur:
        audio = cur.execute(
            "SELECT path FROM message_audio WHERE message_id = ?", [message_id]
        ).fetchone()
        cur.execute("DELETE FROM message_photos WHERE message_id = ?", [message_id])
        cur.execute("DELETE FROM message_audio WHERE message_id = ?", [message_id])
        cur.execute("DELETE FROM messages WHERE id = ?", [message_id])
    # The recording's file goes too, unless another message has the same one (files are
    # named by their content); memory.audio's start-up sweep removes any left behind.
    if audio is not None and audio[0].startswith("audio/"):
        named = store.execute(
            "SELECT 1 FROM message_audio WHERE path = ? LIMIT 1", [audio[0]]
        ).fetchone()
        if named is None:
            store.path_of(audio[0]).unlink(missing_ok=True)


def _merge_meta(cur, message_id: int, values: dict) -> None:
    row = cur.execute("SELECT meta FROM messages WHERE id = ?", [message_id]).fetchone()
    if row is None:
        return
    meta = json.loads(row[0]) if row[0] else {}
    meta.update(values)
    cur.execute(
        "UPDATE messages SET meta = ? WHERE id = ?",
        [json.dumps(meta, ensure_ascii=False), message_id],
    )


def update_meta(store, message_id: int, **values) -> None:
    """Merge `values` into a message's `meta` JSON."""
    _merge_meta(store.cursor(), message_id, values)


# -- voice messages (issue 16) ---------------------------------------------------------------
def set_text(store, message_id: int, text: str, **meta) -> Message | None:
    """Replace a message's text (a voice message's transcript, edited or arrived later) and
    merge `meta` into its meta JSON; returns the message as stored now."""
    cleaned = text if text is None else text.strip()
    if cleaned and len(cleaned) > MAX_CHARS:
        clean_user_text(cleaned)  # raises the plain sentence about the length
    row = store.execute("SELECT meta FROM messages WHERE id = ?", [message_id]).fetchone()
    if row is None:
        return None
    merged = json.loads(row[0]) if row[0] else {}
    merged.update(meta)
    store.execute(
        "UPDATE messages SET content = ?, meta = ? WHERE id = ?",
        [cleaned or "", json.dumps(merged, ensure_ascii=False), message_id],
    )
    return get(store, message_id)


def attach_photos(cur, persona_id: int, links: Sequence[tuple[str, int, int]]) -> None:
    """Attach stored photos to messages named by `external_id`: `(external_id, photo_id,
    position)` triples, inside the caller's transaction (an import's, after `add_many`)."""
    if not links:
        return
    cur.execute(
        """
        INSERT INTO message_photos (message_id, photo_id, position)
        SELECT m.id, l.photo_id, l.position
        FROM (SELECT unnest(?::VARCHAR[]) AS external_id, unnest(?::BIGINT[]) AS photo_id,
                     unnest(?::INTEGER[]) AS position) l
        JOIN messages m ON m.external_id = l.external_id AND m.persona_id = ?
        """,
        [
            [x for x, _p, _n in links],
            [p for _x, p, _n in links],
            [n for _x, _p, n in links],
            persona_id,
        ],
    )
