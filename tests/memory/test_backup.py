"""Backups: exact round trips, damaged zips refused, automatic daily backups."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import duckdb
import pytest
from PIL import Image

from memory import Store, backup, messages, personas, photos, settings


def _jpeg(color: tuple[int, int, int], size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def _fill(store: Store) -> None:
    pid = personas.ensure_starter(store).id
    personas.save_version(store, pid, signature_phrases=["ずっと一緒だよ", "hi"], extra={"a": 1})
    for i in range(5):
        messages.add(store, pid, "user" if i % 2 == 0 else "companion", f"message {i} 絆")
    photo = photos.add(store, _jpeg((200, 10, 10)), original_name="sea.jpg")
    photos.add(store, _jpeg((10, 200, 10)), original_name="garden.jpg")
    messages.add(store, pid, "user", "look", photo_ids=[photo.id], meta={"x": [1, 2]})
    store.execute(
        "INSERT INTO journal_entries (persona_id, written_on, mood, body) VALUES (?, ?, 4, ?)",
        [pid, datetime(2024, 5, 1).date(), "A good day"],
    )
    avatar = personas.store_avatar(store, _jpeg((0, 0, 250)))
    personas.save_version(store, pid, avatar_path=avatar)
    (store.thumbs_dir).mkdir(exist_ok=True)
    (store.thumbs_dir / "t.webp").write_bytes(b"thumb bytes")
    (store.data_dir / "extras").mkdir()
    (store.data_dir / "extras" / "notes.txt").write_text("other engineer's folder")
    settings.set(store, "timezone", "Asia/Tokyo")


def _snapshot(data_dir) -> tuple[dict, dict]:
    """Every row of every table (sorted) and every data file's bytes."""
    con = duckdb.connect(str(data_dir / "kizuna.duckdb"), read_only=True)
    con.execute("SET TimeZone = 'UTC'")
    names = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT internal ORDER BY 1"
        ).fetchall()
    ]
    rows = {}
    for name in names:
        if name == "schema_migrations":
            continue
        rows[name] = sorted(con.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
    con.close()
    files = {rel: (data_dir / rel).read_bytes() for rel in backup.data_files(data_dir)}
    return rows, files


def test_backup_then_restore_gives_identical_rows_and_photos(store, data_dir, tmp_path):
    _fill(store)
    info = backup.create(store, tmp_path / "out.zip")
    assert not [p for p in data_dir.iterdir() if p.name.startswith(".kizuna-work-")]
    store.close()
    assert info.tables["messages"] == 6
    # two photos and their two thumbnails, the avatar, a stray thumbnail, extras/notes.txt
    assert info.file_count == 7
    before = _snapshot(data_dir)

    target = tmp_path / "restored"
    result = backup.restore(tmp_path / "out.zip", target)
    assert result.file_count == 7
    after = _snapshot(target)
    assert after[0] == before[0]
    assert after[1] == before[1]
    assert set(after[1]) >= {"extras/notes.txt", "thumbs/t.webp"}


def test_sequences_continue_past_restored_ids(store, tmp_path):
    _fill(store)
    # a row inserted with an explicit id far past the sequence must not collide later
    store.execute(
        "INSERT INTO messages (id, persona_id, role, content) VALUES (500, 1, 'user', 'x')"
    )
    backup.create(store, tmp_path / "out.zip")
    store.close()
    backup.restore(tmp_path / "out.zip", tmp_path / "restored")
    with Store.open(tmp_path / "restored") as restored:
        new = messages.add(restored, 1, "user", "after restore")
        assert new.id == 501
        version = personas.save_version(restored, 1, note="after restore")
        assert version.id > max(v.id for v in personas.versions(restored, 1)[1:])


def test_tables_added_by_later_migrations_are_included(store, tmp_path):
    store.execute("CREATE SEQUENCE widgets_seq START 1")
    store.execute(
        "CREATE TABLE widgets (id INTEGER PRIMARY KEY DEFAULT nextval('widgets_seq'), "
        "label VARCHAR, tags VARCHAR[], seen_at TIMESTAMPTZ)"
    )
    store.execute("CREATE VIEW widget_labels AS\nSELECT label\nFROM widgets")
    store.execute("CREATE INDEX widgets_at ON widgets(seen_at)")
    store.execute(
        "INSERT INTO widgets (label, tags, seen_at) VALUES ('a', ['x'], now()), ('b', [], NULL)"
    )
    backup.create(store, tmp_path / "out.zip")
    store.close()
    backup.restore(tmp_path / "out.zip", tmp_path / "restored")
    with Store.open(tmp_path / "restored") as restored:
        assert restored.execute("SELECT label FROM widget_labels ORDER BY 1").fetchall() == [
            ("a",),
            ("b",),
        ]
        new_id = restored.execute(
            "INSERT INTO widgets (label) VALUES ('c') RETURNING id"
        ).fetchone()[0]
        assert new_id == 3


def test_search_index_schemas_and_macros_travel_too(store, tmp_path):
    import os

    import duckdb_extension_fts

    fts = os.path.join(
        os.path.dirname(duckdb_extension_fts.__file__),
        "extensions",
        f"v{duckdb.__version__}",
        "fts.duckdb_extension",
    )
    _fill(store)
    store.execute(f"LOAD '{fts}'")
    store.execute("CREATE MACRO shout(s) AS upper(s) || '!'")
    store.execute("CREATE TABLE search_docs AS SELECT id, content FROM messages")
    store.execute("PRAGMA create_fts_index('search_docs', 'id', 'content')")
    info = backup.create(store, tmp_path / "out.zip")
    assert info.tables["fts_main_search_docs.docs"] == 6
    store.close()
    backup.restore(tmp_path / "out.zip", tmp_path / "restored")
    with Store.open(tmp_path / "restored") as restored:
        restored.execute(f"LOAD '{fts}'")
        hits = restored.execute(
            "SELECT content FROM (SELECT *, fts_main_search_docs.match_bm25(id, 'message') AS s "
            "FROM search_docs) WHERE s IS NOT NULL ORDER BY id"
        ).fetchall()
        assert len(hits) == 5
        assert restored.execute("SELECT shout('hi')").fetchone()[0] == "HI!"


def test_unzipped_database_is_readable_by_plain_duckdb_import(store, tmp_path):
    _fill(store)
    backup.create(store, tmp_path / "out.zip")
    with zipfile.ZipFile(tmp_path / "out.zip") as zf:
        zf.extractall(tmp_path / "unzipped")
    con = duckdb.connect(str(tmp_path / "plain.duckdb"))
    con.execute(f"IMPORT DATABASE '{tmp_path / 'unzipped' / 'db'}'")
    assert con.execute("SELECT count(*) FROM messages").fetchone()[0] == 6


def test_manifest_lists_row_counts_and_checksums_of_every_file(store, tmp_path):
    _fill(store)
    backup.create(store, tmp_path / "out.zip")
    manifest = backup.read_manifest(tmp_path / "out.zip")
    assert manifest["tables"]["messages"]["rows"] == 6
    assert manifest["tables"]["photos"]["rows"] == 2
    with zipfile.ZipFile(tmp_path / "out.zip") as zf:
        members = set(zf.namelist()) - {"manifest.json"}
    assert set(manifest["files"]) == members
    assert all(len(entry["sha256"]) == 64 for entry in manifest["files"].values())


def test_backups_folder_is_not_backed_up(store, tmp_path):
    _fill(store)
    store.backups_dir.mkdir(exist_ok=True)
    (store.backups_dir / "older.zip").write_bytes(b"old backup")
    backup.create(store, store.backups_dir / "new.zip")
    manifest = backup.read_manifest(store.backups_dir / "new.zip")
    assert not any("backups/" in name for name in manifest["files"])


def _damaged_copies(src, tmp_path):
    data = src.read_bytes()
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(data[: len(data) // 2])
    flipped = bytearray(data)
    with zipfile.ZipFile(src) as zf:
        info = zf.getinfo(next(n for n in zf.namelist() if n.startswith("files/photos/")))
    # flip a byte inside a stored photo: the zip still opens, only the checksum can tell
    flipped[info.header_offset + 30 + len(info.filename) + 20] ^= 0xFF
    corrupt = tmp_path / "corrupt.zip"
    corrupt.write_bytes(bytes(flipped))
    garbage = tmp_path / "garbage.zip"
    garbage.write_bytes(b"this is not a zip at all")
    foreign = tmp_path / "foreign.zip"
    with zipfile.ZipFile(foreign, "w") as zf:
        zf.writestr("hello.txt", "hi")
    return [truncated, corrupt, garbage, foreign]


def test_damaged_or_foreign_zips_are_refused_and_data_untouched(store, data_dir, tmp_path):
    _fill(store)
    backup.create(store, tmp_path / "good.zip")
    messages.add(store, 1, "user", "written after the backup")
    store.close()
    before = _snapshot(data_dir)
    for bad in _damaged_copies(tmp_path / "good.zip", tmp_path):
        with pytest.raises(backup.BackupError) as err:
            backup.restore(bad, data_dir, replace=True)
        assert "Nothing was changed" in str(err.value), bad.name
        assert _snapshot(data_dir) == before
        assert not [p for p in data_dir.iterdir() if p.name.startswith(".kizuna-work-")]
        assert not (data_dir / "backups").exists()  # refused before the pre-restore backup


def test_restore_over_existing_data_needs_confirmation(store, data_dir, tmp_path):
    _fill(store)
    backup.create(store, tmp_path / "good.zip")
    store.close()
    with pytest.raises(backup.BackupError, match="already holds Kizuna data"):
        backup.restore(tmp_path / "good.zip", data_dir)


def test_restore_over_the_open_store_backs_up_first_and_swaps(store, data_dir, tmp_path):
    _fill(store)
    backup.create(store, tmp_path / "good.zip")
    backup.restore(tmp_path / "good.zip", tmp_path / "expected")
    wanted = _snapshot(tmp_path / "expected")
    messages.add(store, 1, "user", "only in the current data")
    photos.add(store, _jpeg((1, 2, 3)), original_name="later.jpg")
    result = backup.restore(tmp_path / "good.zip", data_dir, replace=True, store=store)
    assert result.previous_backup is not None and result.previous_backup.is_file()
    assert _snapshot(data_dir) == wanted
    # the pre-restore backup holds what was replaced
    backup.restore(result.previous_backup, tmp_path / "rescued")
    with Store.open(tmp_path / "rescued") as rescued:
        assert any(m.content == "only in the current data" for m in messages.recent(rescued, 1))


def test_auto_backup_runs_once_a_day_and_keeps_the_last_n(store, data_dir):
    _fill(store)
    settings.set(store, backup.KEEP_SETTING, 3)
    store.backups_dir.mkdir(exist_ok=True)
    for day in range(1, 6):
        (store.backups_dir / f"{backup.AUTO_PREFIX}2020-01-0{day}T000000Z.zip").write_bytes(b"x")
    manual = store.backups_dir / "kizuna-backup-mine.zip"
    manual.write_bytes(b"kept")
    first = backup.run_auto_backup(store)
    assert first is not None and first.is_file()
    assert backup.run_auto_backup(store) is None  # already one today
    names = [p.name for p in backup.automatic_backups(data_dir)]
    assert len(names) == 3
    assert names[-1] == first.name
    assert manual.is_file()
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    assert first.name.startswith(f"{backup.AUTO_PREFIX}{today}")


def test_auto_backup_skips_an_empty_folder_and_can_be_turned_off(store):
    personas.ensure_starter(store)
    assert backup.run_auto_backup(store) is None
    messages.add(store, 1, "user", "hello")
    settings.set(store, backup.AUTO_SETTING, False)
    assert backup.run_auto_backup(store) is None


def test_work_folders_of_an_interrupted_restore_are_removed_on_start(store, data_dir):
    _fill(store)
    (data_dir / ".kizuna-work-staging-1" / "photos").mkdir(parents=True)
    (data_dir / ".kizuna-work-staging-1" / "photos" / "half.jpg").write_bytes(b"half")
    backup.daily_on_start(store, wait=True)
    assert not list(data_dir.glob(".kizuna-work-*"))
    assert len(backup.automatic_backups(data_dir)) == 1


def test_daily_on_start_never_raises(store, tmp_path):
    _fill(store)
    store.close()  # every query will now fail
    assert backup.daily_on_start(store, wait=True) is store


def test_restore_refuses_while_another_connection_holds_the_database(store, data_dir, tmp_path):
    _fill(store)
    backup.create(store, tmp_path / "good.zip")
    other = Store.open(data_dir)  # e.g. a second tab's connection in the same process
    messages.add(other, 1, "user", "still here")
    with pytest.raises(backup.BackupError, match="still open somewhere else"):
        backup.restore(tmp_path / "good.zip", data_dir, replace=True, store=store)
    assert any(m.content == "still here" for m in messages.recent(other, 1, 100))
    other.close()
    with Store.open(data_dir) as reopened:
        assert messages.count(reopened) == 7
