"""ChatGPT export import: the whole of what she saw, odd shapes, hostile files, idempotency."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime

import pytest

from memory import messages, personas, photos
from memory.importers import ImportProblem, chatgpt
from tests.memory import chatgpt_samples as samples


def _all(store, pid):
    return messages.recent(store, pid, 1000)


def _import(store, tmp_path, payload, name="export.zip", **kw):
    path = tmp_path / name
    path.write_bytes(payload)
    pid = personas.ensure_starter(store).id
    return pid, chatgpt.import_file(store, path, pid, **kw)


def test_only_the_active_branch_is_imported_without_hidden_or_tool_messages(store):
    pid = personas.ensure_starter(store).id
    data = chatgpt.read(samples.export(samples.regenerated_conversation()))
    result = chatgpt.import_conversations(store, data.conversations, pid)
    stored = _all(store, pid)
    assert [(m.role, m.content) for m in stored] == [
        ("user", "Shall we go to the sea?"),
        ("companion", "Yes! Let's go 🌊"),
        ("user", "海が見たい"),
        ("companion", "見に行こう"),
    ]
    assert result.messages_imported == 4 and result.conversations_imported == 1
    assert {m.source for m in stored} == {"import:chatgpt"}
    assert stored[0].created_at == datetime.fromtimestamp(1700000000, UTC)
    assert stored[1].model == "gpt-4o"
    assert result.skipped == {"tool calls": 1, "tool output": 1}
    title = store.execute("SELECT title FROM imported_conversations").fetchall()
    assert title == [("Trip to the sea",)]


def test_whole_export_brings_photos_canvas_memories_and_plain_text(store, tmp_path):
    pid, result = _import(store, tmp_path, samples.whole_export_zip())
    stored = _all(store, pid)
    assert [(m.role, m.content) for m in stored] == [
        ("user", "Look where I am!"),
        ("companion", "Korakuen is lovely in autumn. Say hi to Hana for me."),
        ("user", "Draw me a lighthouse?"),
        ("companion", "Here is your lighthouse."),
        ("user", "Write me a poem"),
        ("companion", "I wrote it in the canvas."),
        ("user", "The same photo again"),
    ]
    # her two photos (one in a sub-folder, named by its sediment id), his generated one
    first = stored[0]
    assert len(first.photo_ids) == 2
    shown = [photos.get(store, i) for i in first.photo_ids]
    assert [p.sha256 for p in shown] == [
        __import__("hashlib").sha256(b).hexdigest() for b in (samples.PHOTO, samples.SCREENSHOT)
    ]
    assert all(store.path_of(p.path).is_file() for p in shown)
    lighthouse = stored[3]
    assert len(lighthouse.photo_ids) == 1 and lighthouse.meta["generated_images"] == 1
    # the same photo sent twice is stored once and shown twice
    assert stored[6].photo_ids == (first.photo_ids[0],)
    assert store.execute("SELECT count(*) FROM photos").fetchone()[0] == 3
    assert result.photos_imported == 3
    # the canvas, as edited, stays with the reply that made it
    assert stored[5].meta["canvas"] == [
        {
            "name": "Poem for Hana",
            "type": "document",
            "content": "The sea is calm,\nthe sea is wide.",
        }
    ]
    assert stored[4].meta["missing_images"] == 1
    assert result.skipped == {
        "images not in the export": 1,
        "reasoning": 1,
        "tool calls": 1,
        "tool output": 2,
    }
    summary = result.summary()
    assert "Imported 1 conversation (7 messages, 3 photos, 1 canvas document)." in summary
    assert "1 image not found in the zip" in summary and "1 reasoning step" in summary
    # what ChatGPT remembered, dated; the custom instructions without ChatGPT's wrapper
    assert result.memories == (
        chatgpt.FoundMemory("Hana loves Korakuen garden.", date(2024, 10, 27)),
    )
    assert chatgpt.persona_changes(result.instructions) == {
        "user_name": "Hana",
        "speaking_style": "Be warm and a little teasing.",
    }
    assert result.instructions.about_user == "Role: gardener\nOther Information: I live in Tokyo."


def test_a_question_stamped_after_its_reply_still_comes_first_and_keeps_its_stamp(store, tmp_path):
    pid, _result = _import(store, tmp_path, samples.whole_export_zip())
    stored = _all(store, pid)
    question, reply = stored[2], stored[3]
    assert (question.content, reply.content) == (
        "Draw me a lighthouse?",
        "Here is your lighthouse.",
    )
    assert question.created_at <= reply.created_at and question.id < reply.id
    assert reply.meta["stamped_at"] == datetime.fromtimestamp(1_730_000_030, UTC).isoformat()
    assert question.created_at == datetime.fromtimestamp(1_730_003_600, UTC)


def test_chatgpt_memories_become_kizuna_memories_once(store, tmp_path):
    from memory import memories

    pid, result = _import(store, tmp_path, samples.whole_export_zip())
    assert chatgpt.keep_memories(store, pid, result.memories) == 1
    assert chatgpt.keep_memories(store, pid, result.memories) == 0
    (kept,) = memories.list_memories(store, pid)
    assert (kept.body, kept.happened_on, kept.origin) == (
        "Hana loves Korakuen garden.",
        date(2024, 10, 27),
        "import:chatgpt",
    )


def test_reimporting_the_whole_export_adds_nothing_not_even_photos(store, tmp_path):
    _pid, first = _import(store, tmp_path, samples.whole_export_zip())
    _pid, second = _import(store, tmp_path, samples.whole_export_zip())
    assert second.messages_imported == 0 and second.messages_skipped == first.messages_imported
    assert store.execute("SELECT count(*) FROM photos").fetchone()[0] == 3


def test_no_current_node_takes_the_most_recent_leaf(store, tmp_path):
    conv = samples.linear("c1", "Ten", [f"line {i}" for i in range(10)], current=False)
    pid, result = _import(store, tmp_path, samples.export(conv), name="conversations.json")
    assert result.messages_imported == 10
    assert [m.content for m in _all(store, pid)][-1] == "line 9"


def test_conversations_without_ids_do_not_collide(store, tmp_path):
    convs = [
        samples.linear(None, f"Chat {n}", [f"{n}: hello", f"{n}: hi"], ids=False) for n in range(4)
    ]
    convs.append(samples.linear(None, "Chat 0", ["0: hello", "0: hi"], ids=False))  # a twin
    _pid, result = _import(store, tmp_path, samples.export(*convs), name="conversations.json")
    assert result.messages_imported == 10 and result.conversations_imported == 5
    _pid, again = _import(store, tmp_path, samples.export(*convs), name="conversations.json")
    assert again.messages_imported == 0


def test_one_broken_conversation_is_skipped_and_named(store, tmp_path):
    looped = samples.linear("loop", "Round and round", ["a", "b", "c"])
    looped["mapping"]["1"]["parent"] = "3"  # 1 → 3 → 2 → 1 …
    payload = samples.export(
        samples.linear("ok", "Fine", ["hello", "hi"]),
        {"title": "No tree here"},
        looped,
    )
    _pid, result = _import(store, tmp_path, payload, name="conversations.json")
    assert result.messages_imported == 2
    summary = result.summary()
    assert "Conversation 2 (“No tree here”) was left out: it has no message tree" in summary
    assert "Conversation 3 (“Round and round”) was left out: its messages point back" in summary
    assert summary.count("Nothing was imported") == 0


def test_an_export_of_only_broken_conversations_is_an_error_not_imported_0(store, tmp_path):
    with pytest.raises(ImportProblem, match="could not be read"):
        _import(store, tmp_path, samples.export({"title": "x"}), name="c.json")
    assert messages.count(store) == 0


@pytest.mark.parametrize(
    ("payload", "says"),
    [
        (b"this is not json", "not JSON"),
        (b'{"hello": 1}', "not a list of conversations"),
        (b'[{"title": "a \xff\xfe b", "mapping": {}}]', "not valid UTF-8"),
        (b'[{"title": "cut', "cut off"),
        (b"[" + b"[" * 100_000 + b"]" * 100_000 + b"]", "nested far deeper"),
        (b'[{"mapping": ' + b'{"a":' * 100_000 + b"1" + b"}" * 100_000 + b"}]", "nested far"),
        (samples.export_zip(b"[]", name="other.json"), "no conversations.json"),
        (b"PK\x03\x04 truncated zip", "damaged or incomplete"),
    ],
)
def test_bad_files_are_one_sentence_and_leave_data_untouched(store, tmp_path, payload, says):
    pid = personas.ensure_starter(store).id
    messages.add(store, pid, "user", "before the import")
    with pytest.raises(ImportProblem, match=says) as caught:
        _import(store, tmp_path, payload, name="in.bin")
    sentence = caught.value.sentence
    assert sentence.count(".") <= 2 and "\n" not in sentence and "Traceback" not in sentence
    assert [m.content for m in _all(store, pid)] == ["before the import"]


def test_a_zip_bomb_and_an_oversized_file_are_refused_before_reading(store, tmp_path, monkeypatch):
    monkeypatch.setattr(chatgpt, "_BOMB_FLOOR", 1 << 20)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("conversations.json", b"[" + b" " * (4 << 20) + b"]")
    with pytest.raises(ImportProblem, match="zip bomb"):
        _import(store, tmp_path, bomb.getvalue())
    monkeypatch.setattr(chatgpt, "MAX_JSON_BYTES", 1000)
    with pytest.raises(ImportProblem, match=r"conversations.json is 0.0 GB; Kizuna reads"):
        _import(store, tmp_path, samples.export(samples.whole_conversation()), name="c.json")
    assert (
        messages.count(store) == 0
        and store.execute("SELECT count(*) FROM photos").fetchone()[0] == 0
    )


def test_a_failure_while_saving_leaves_no_photos_behind(store, tmp_path, monkeypatch):
    def refuse(*_a, **_k):
        raise RuntimeError("disk went away")

    monkeypatch.setattr(messages, "attach_photos", refuse)
    with pytest.raises(RuntimeError):
        _import(store, tmp_path, samples.whole_export_zip())
    assert store.execute("SELECT count(*) FROM photos").fetchone()[0] == 0
    assert not any(p.is_file() for p in store.photos_dir.rglob("*"))


def test_split_conversation_files_are_all_read(store, tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("conversations-000.json", samples.export(samples.linear("a", "A", ["1", "2"])))
        zf.writestr(
            "conversations-001.json",
            samples.export(samples.linear("b", "B", ["3", "4"], t=1_800_000_000)),
        )
    pid, result = _import(store, tmp_path, out.getvalue())
    assert result.conversations_imported == 2 and [m.content for m in _all(store, pid)] == [
        "1",
        "2",
        "3",
        "4",
    ]


def test_markup_is_removed_but_her_brackets_are_not():
    assert chatgpt.plain_text("See \ue200cite\ue202turn0search0\ue201. Done【4:0†source】") == (
        "See. Done"
    )
    assert chatgpt.plain_text("[1] (a) 【note】") == "[1] (a) 【note】"


def test_scan_lists_conversations_and_import_takes_only_the_chosen(store, tmp_path):
    path = tmp_path / "export.zip"
    path.write_bytes(samples.whole_export_zip(samples.linear("x", "Other", ["a", "b"])))
    seen = []
    found = chatgpt.scan(path, lambda f, t: seen.append(f))
    assert [(c.title, c.message_count, c.image_count) for c in found.conversations] == [
        ("Korakuen", 7, 5),
        ("Other", 2, 0),
    ]
    assert seen[-1] == 1.0 and found.images_in_zip == 3
    pid = personas.ensure_starter(store).id
    result = chatgpt.import_file(store, path, pid, only={"x"})
    assert (
        result.messages_imported == 2 and chatgpt.new_message_count(store, found.conversations) == 7
    )


def test_select_by_title_and_date_range():
    data = chatgpt.read(
        samples.export(samples.regenerated_conversation(), samples.multimodal_conversation())
    )
    assert [c.title for c in chatgpt.select(data.conversations, title_contains="SEA")] == [
        "Trip to the sea"
    ]
    march = chatgpt.select(data.conversations, since=date(2024, 3, 1), until=date(2024, 3, 31))
    assert [c.title for c in march] == ["Flowers"]


def test_progress_is_reported_to_the_end(store, tmp_path):
    pid = personas.ensure_starter(store).id
    seen = []
    path = tmp_path / "e.zip"
    path.write_bytes(samples.whole_export_zip())
    chatgpt.import_file(store, path, pid, progress=lambda f, t: seen.append(f))
    assert seen == sorted(seen) and seen[-1] == 1.0


def test_missing_optional_fields_are_tolerated():
    conv = samples.regenerated_conversation()
    for key in ("title", "current_node", "conversation_id", "id", "create_time"):
        conv.pop(key)
    del conv["mapping"]["a2"]["message"]["metadata"]
    del conv["mapping"]["u1"]["message"]["author"]["name"]
    found = chatgpt.read(samples.export(conv)).conversations[0]
    assert found.title == "Untitled conversation"
    assert [m.content for m in found.messages][-1] == "見に行こう"
    again = chatgpt.read(samples.export(conv)).conversations[0]
    assert again.id == found.id  # a derived id is stable, so re-import stays idempotent


def test_custom_instructions_in_plain_shape_are_found():
    data = chatgpt.read(samples.export(samples.instructions_conversation()))
    assert data.custom_instructions == "Be warm and playful; call me Hana."
    assert data.about_user == "I live in Tokyo and love gardens."
    assert [m.content for m in data.conversations[0].messages] == ["Hello again"]
    assert json.dumps(chatgpt.persona_changes(data.instructions))


def test_writing_in_chunks_while_photos_are_stored_gives_the_same_import(
    store, tmp_path, monkeypatch
):
    monkeypatch.setattr(chatgpt._Writer, "_CHUNK", 2)  # a big export, in miniature
    monkeypatch.setattr(chatgpt._Writer, "_BATCH_FILES", 1)
    # a conversation first, so photos are stored while the messages' transaction is open
    early = samples.linear("early", "Early", ["a", "b", "c"], t=1_600_000_000)
    pid, result = _import(store, tmp_path, _zip_with_first(early))
    stored = _all(store, pid)
    assert result.messages_imported == 10 and result.photos_imported == 3
    assert [len(m.photo_ids) for m in stored] == [0, 0, 0, 2, 0, 0, 1, 0, 0, 1]


def _zip_with_first(*first) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(samples.whole_export_zip())) as src,
        zipfile.ZipFile(out, "w") as dst,
    ):
        for name in src.namelist():
            data = src.read(name)
            if name == "conversations.json":
                data = samples.export(*first, *json.loads(data))
            dst.writestr(name, data)
    return out.getvalue()


def test_a_failure_after_some_chunks_leaves_nothing(store, tmp_path, monkeypatch):
    monkeypatch.setattr(chatgpt._Writer, "_CHUNK", 2)
    calls = []
    real = messages.attach_photos

    def fail_on_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(messages, "attach_photos", fail_on_third)
    payload = samples.whole_export_zip(
        *(samples.linear(f"c{n}", f"C{n}", ["x", "y"], t=1_800_000_000 + n) for n in range(3))
    )
    store.execute("SET threads = 2")
    with pytest.raises(RuntimeError):
        _import(store, tmp_path, payload)
    assert len(calls) == 3
    assert messages.count(store) == 0
    assert store.execute("SELECT count(*) FROM photos").fetchone()[0] == 0
    # the import ran DuckDB on one thread; the store has its threads back
    assert store.execute("SELECT current_setting('threads')").fetchone()[0] == 2


def test_an_export_too_large_for_the_disk_is_refused_before_anything_is_written(
    tmp_path, monkeypatch
):
    # A data folder on a 32 MB tmpfs; where it cannot be mounted, the disk's free space is
    # reported as what the tmpfs would have left.
    import os

    from memory import Store, backup
    from tests.disk import small_tmpfs

    # 40 MB of photos (stored, not compressed: the zip itself stays on the big disk)
    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w") as zf:
        zf.writestr("conversations.json", samples.export(samples.linear("c", "T", ["a", "b"])))
        zf.writestr("file-AbC123-IMG_0001.jpeg", os.urandom(40 << 20))
    mount = tmp_path / "small"
    with small_tmpfs(mount, "32m") as mounted, Store.open(mount / "data") as store:
        if not mounted:
            monkeypatch.setattr(backup, "free_bytes", lambda _folder: 28 << 20)
        pid = personas.ensure_starter(store).id
        messages.add(store, pid, "user", "the koi at Korakuen")
        before = messages.count(store)
        with pytest.raises(ImportProblem) as refused:
            chatgpt.import_file(store, export, pid)
        sentence = str(refused.value)
        assert "not enough free disk space" in sentence and "nothing was imported" in sentence
        assert "MB" in sentence  # what it needs and what is free, in sizes she can read
        assert messages.count(store) == before
        assert not any((mount / "data" / "photos").glob("**/*.jpg"))


def test_a_chunk_already_written_is_not_held_in_memory_until_the_import_commits(store):
    # An import writes chunk after chunk inside one transaction; each chunk's rows must be
    # let go once written (a registered-then-dropped view kept them alive until the commit).
    import pyarrow as pa

    pid = personas.ensure_starter(store).id
    pool = pa.default_memory_pool()
    with store.transaction() as cur:
        before = pool.bytes_allocated()
        for n in range(3):
            rows = pa.table(
                {"role": ["user"] * 2_000, "content": [f"chunk {n}: " + "海" * 400] * 2_000}
            )
            messages.add_many(cur, pid, rows, source=chatgpt.SOURCE)
            del rows
        held = pool.bytes_allocated() - before
    assert messages.count(store) == 6_000
    assert held < 1 << 20  # 7 MB of text were written


def test_the_import_commits_into_the_file_and_leaves_the_store_settings_as_they_were(
    data_dir, tmp_path
):
    from memory import Store

    payload = samples.whole_export_zip(
        *(samples.linear(f"c{n}", f"C{n}", ["海が見たい " * 20, "行こう"]) for n in range(50))
    )
    with Store.open(data_dir) as store:
        store.execute("SET checkpoint_threshold = '1kB'")  # the commit writes the file
        store.execute("SET disabled_compression_methods = 'rle'")
        store.execute("SET threads = 2")
        pid, result = _import(store, tmp_path, payload)
        setting = "SELECT current_setting('disabled_compression_methods')"
        assert store.execute(setting).fetchone()[0].lower() == "rle"
        assert store.execute("SELECT current_setting('threads')").fetchone()[0] == 2
        before = [(m.role, m.content, m.photo_ids) for m in _all(store, pid)]
    assert result.messages_imported == 107 and len(before) == 107
    with Store.open(data_dir) as store:  # read back from the file
        assert [(m.role, m.content, m.photo_ids) for m in _all(store, pid)] == before


def test_big_photos_are_read_and_stored_a_few_at_a_time_not_the_whole_batch(
    store, tmp_path, monkeypatch
):
    # Phone photos of a few MB each: the photo thread holds about `_PHOTO_BYTES` of them at
    # once (here a budget of about two and a half photos), never the batch of a hundred.
    import random

    from PIL import Image

    def noisy_jpeg(seed: int) -> bytes:
        img = Image.effect_noise((200, 150), 60 + seed).convert("RGB")
        out = io.BytesIO()
        img.save(out, "JPEG", quality=95)
        return out.getvalue()

    random.seed(11)
    files = {f"file-Big{n:02d}": noisy_jpeg(n) for n in range(8)}
    largest = max(len(b) for b in files.values())
    monkeypatch.setattr(chatgpt._Writer, "_PHOTO_BYTES", largest * 5 // 2)
    mapping = {"0": samples.node("0", None, ["1"])}
    ids = [*files, "file-Big03"]  # the fourth photo shown twice: stored once
    for i, file_id in enumerate(ids, start=1):
        part = {"content_type": "image_asset_pointer", "asset_pointer": f"file-service://{file_id}"}
        children = [str(i + 1)] if i < len(ids) else []
        mapping[str(i)] = samples.node(
            str(i),
            str(i - 1),
            children,
            "user",
            [part, f"photo {i}"],
            t=1_700_000_000 + i,
            kind="multimodal_text",
        )
    conversation = {
        "title": "Photos",
        "create_time": 1_700_000_000.0,
        "mapping": mapping,
        "current_node": str(len(ids)),
        "conversation_id": "photos",
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("conversations.json", samples.export(conversation))
        for file_id, data in files.items():
            zf.writestr(f"{file_id}-IMG.jpeg", data)
    held = []
    real = photos.ingest_many

    def counting(store_, batch, **kwargs):
        batch = list(batch)
        held.append(sum(len(data) for _name, data in batch))
        return real(store_, batch, **kwargs)

    monkeypatch.setattr(photos, "ingest_many", counting)
    pid, result = _import(store, tmp_path, out.getvalue())
    assert result.photos_imported == 8 and sum(held) == sum(len(b) for b in files.values())
    assert len(held) >= 3 and max(held) <= largest * 5 // 2 + largest
    stored = _all(store, pid)
    assert [len(m.photo_ids) for m in stored] == [1] * 9
    assert stored[3].photo_ids == stored[8].photo_ids
    assert len({m.photo_ids[0] for m in stored}) == 8


def test_a_failure_mid_import_keeps_what_was_there_and_adds_nothing_even_after_reopening(
    data_dir, tmp_path, monkeypatch
):
    from memory import Store

    with Store.open(data_dir) as store:
        pid = personas.ensure_starter(store).id
        messages.add(store, pid, "user", "the koi at Korakuen")
        # an earlier import of another export, with its photo
        earlier = samples.whole_export_zip()
        _import(store, tmp_path, earlier, name="earlier.zip")
        before = [(m.role, m.content, m.photo_ids) for m in _all(store, pid)]
        photos_before = store.execute("SELECT id, sha256 FROM photos ORDER BY id").fetchall()
        titles_before = store.execute("SELECT title FROM imported_conversations").fetchall()

        monkeypatch.setattr(chatgpt._Writer, "_CHUNK", 2)
        calls = []
        real = messages.attach_photos

        def fail_late(*args, **kwargs):
            calls.append(1)
            if len(calls) == 4:  # after several chunks of the new import were written
                raise RuntimeError("disk went away")
            return real(*args, **kwargs)

        monkeypatch.setattr(messages, "attach_photos", fail_late)
        fresh = [
            samples.linear(f"n{n}", f"N{n}", ["new", "words"], t=1_800_000_000 + n)
            for n in range(6)
        ]
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zf:
            zf.writestr("conversations.json", samples.export(*fresh))
            zf.writestr("file-New1-IMG.jpeg", samples.image_bytes((10, 200, 10)))
        with pytest.raises(RuntimeError):
            _import(store, tmp_path, out.getvalue(), name="new.zip")
        assert len(calls) == 4
    with Store.open(data_dir) as store:  # what the file holds, not the session
        assert [(m.role, m.content, m.photo_ids) for m in _all(store, pid)] == before
        assert store.execute("SELECT id, sha256 FROM photos ORDER BY id").fetchall() == (
            photos_before
        )
        assert store.execute("SELECT title FROM imported_conversations").fetchall() == (
            titles_before
        )
        assert not store.execute("SELECT count(*) FROM messages WHERE content = 'new'").fetchone()[
            0
        ]


def _stored_rows(folder):
    from memory import Store

    with Store.open(folder) as s:
        return s.execute(
            """SELECT role, content, created_at, source, provider, model, external_id,
                      meta::VARCHAR, persona_version_id IS NOT NULL,
                      (SELECT count(*) FROM message_photos p WHERE p.message_id = m.id)
               FROM messages m WHERE source = 'import:chatgpt' ORDER BY id"""
        ).fetchall()


def test_the_import_command_keeps_pandas_and_arrow_out_of_its_process(tmp_path, data_dir):
    # A big export is the most memory the command's process ever holds; pandas, numpy and
    # pyarrow (about 90 MB) were loaded into it by DuckDB's first `?` parameter, for nothing.
    import subprocess
    import sys

    from memory import Store

    path = tmp_path / "export.zip"
    path.write_bytes(
        samples.whole_export_zip(
            *(samples.linear(f"c{n}", f"Day {n}", ["海が見たい", "行こう 🌊"]) for n in range(3))
        )
    )
    with Store.open(data_dir) as s:
        personas.ensure_starter(s)
    script = (
        "import json, sys\nfrom memory.cli import main\nrc = main(sys.argv[1:])\n"
        "print(json.dumps({'rc': rc, 'loaded': sorted(m for m in ('pandas', 'numpy', "
        "'pyarrow') if sys.modules.get(m))}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, "import-chatgpt", str(path), "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
    )
    assert json.loads(done.stdout.splitlines()[-1]) == {"rc": 0, "loaded": []}, done.stderr
    assert "Imported 4 conversations" in done.stdout

    # what it stored is what an import in this (pandas-loaded) process stores
    here = tmp_path / "here"
    with Store.open(here) as s:
        chatgpt.import_file(s, path, personas.ensure_starter(s).id)
    stored = _stored_rows(data_dir)
    assert stored == _stored_rows(here)
    assert len(stored) >= 10 and sum(row[-1] for row in stored) >= 2  # messages and photos


def test_imported_messages_keep_their_exact_times_and_the_export_order(store):
    # Written in chunks of lists (as JSON) since round 6: times to the microsecond, in the
    # order she read them.
    pid = personas.ensure_starter(store).id
    stamps = [1_700_000_000.123456, 1_700_000_001.5, 1_700_000_002.000001, 1_700_000_003.999999]
    item = samples.linear("c-times", "Times", [f"line {i}" for i in range(len(stamps))])
    for i, t in enumerate(stamps, start=1):
        item["mapping"][str(i)]["message"]["create_time"] = t
    data = chatgpt.read(samples.export(item))
    chatgpt.import_conversations(store, data.conversations, pid)
    rows = store.execute(
        "SELECT content, created_at FROM messages WHERE source = 'import:chatgpt' ORDER BY id"
    ).fetchall()
    assert [content for content, _ in rows] == [f"line {i}" for i in range(len(stamps))]
    assert [when for _, when in rows] == [
        datetime.fromtimestamp(round(t * 1_000_000) / 1_000_000, UTC) for t in stamps
    ]
