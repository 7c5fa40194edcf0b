"""Backups: exact round trips, damaged zips refused, automatic daily backups."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import duckdb
import pytest
from PIL import Image

from memory import Store, backup, memories, messages, personas, photos, search, settings
from tests.conftest import ROOT


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


def test_tables_of_later_migrations_travel_and_foreign_tables_are_left_out(store, tmp_path):
    _fill(store)
    memories.add(store, 1, "She loves plum blossoms")
    # a table no migration of Kizuna makes: not part of its data, so it is not restored
    store.execute("CREATE TABLE widgets AS SELECT 1 AS id, 'a' AS label")
    store.execute("CREATE VIEW widget_labels AS SELECT label FROM widgets")
    backup.create(store, tmp_path / "out.zip")
    store.close()
    result = backup.restore(tmp_path / "out.zip", tmp_path / "restored")
    assert result.notes == ["1 table that is not part of Kizuna's own data was left out."]
    with Store.open(tmp_path / "restored") as restored:
        assert [m.body for m in memories.list_memories(restored, 1)] == ["She loves plum blossoms"]
        tables = {
            r[0] for r in restored.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        }
        assert "widgets" not in tables
        assert memories.add(restored, 1, "another").id == 2


def test_search_finds_restored_messages_and_the_index_is_rebuilt(store, tmp_path):
    _fill(store)
    search.rebuild_index(store)
    backup.create(store, tmp_path / "out.zip")
    store.close()
    backup.restore(tmp_path / "out.zip", tmp_path / "restored")
    with Store.open(tmp_path / "restored") as restored:
        # the index is derived data: the restored folder starts without one and searches the
        # messages directly until it is rebuilt
        assert search.index_status(restored).active is None
        assert search.search(restored, 1, "message").total == 5
        search.rebuild_index(restored)
        assert search.search(restored, 1, "message").total == 5


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
    (data_dir / ".kizuna-work-upload-1.zip").write_bytes(b"half an upload")
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


# -- hostile and odd backups ------------------------------------------------------------------
def _rewrite(src, dst, *, members=None, manifest_edit=None, recompute=True):
    """A copy of backup `src` with some members replaced and the manifest edited.

    With `recompute`, the manifest's checksums and sizes are made to match again, as someone
    forging a backup would do.
    """
    import hashlib
    import json

    members = members or {}
    with zipfile.ZipFile(src) as zf:
        contents = {n: zf.read(n) for n in zf.namelist()}
    manifest = json.loads(contents.pop("manifest.json"))
    for name, data in members.items():
        contents[name] = data(contents.get(name, b"")) if callable(data) else data
        if recompute:
            manifest["files"][name] = {
                "sha256": hashlib.sha256(contents[name]).hexdigest(),
                "size": len(contents[name]),
            }
    if manifest_edit:
        manifest_edit(manifest)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in contents.items():
            zf.writestr(name, data)
        zf.writestr("manifest.json", json.dumps(manifest))
    return dst


def _all_files(folder):
    return {p for p in folder.rglob("*")}


def test_sql_appended_to_every_sql_member_is_never_run(store, tmp_path):
    _fill(store)
    backup.create(store, tmp_path / "good.zip")
    store.close()
    outside = tmp_path / "outside"
    outside.mkdir()
    evil = (
        f"\nCOPY (SELECT 'pwned') TO '{outside}/pwned.csv';"
        "\nCREATE TABLE leak AS SELECT * FROM read_text('/etc/hostname');"
        f"\nCOPY messages TO '{outside}/messages.csv';"
        "\nUPDATE messages SET content = 'forged';"
        "\nCOPY messages FROM 'messages.parquet' (FORMAT 'parquet');\n"
    )
    with zipfile.ZipFile(tmp_path / "good.zip") as zf:
        sql_members = [n for n in zf.namelist() if n.endswith(".sql")]
    assert sql_members == ["db/load.sql", "db/schema.sql"]
    forged = _rewrite(
        tmp_path / "good.zip",
        tmp_path / "forged.zip",
        members={name: (lambda old: old + evil.encode()) for name in sql_members},
    )
    backup.verify(forged)  # the checksums were recomputed: it passes every check
    before = _all_files(tmp_path)
    backup.restore(forged, tmp_path / "restored")
    backup.restore(tmp_path / "good.zip", tmp_path / "expected")
    new_files = _all_files(tmp_path) - before
    assert not [
        p
        for p in new_files
        if not p.is_relative_to(tmp_path / "restored")
        and not p.is_relative_to(tmp_path / "expected")
    ]
    assert not list(outside.iterdir())
    assert _snapshot(tmp_path / "restored") == _snapshot(tmp_path / "expected")
    with Store.open(tmp_path / "restored") as restored:
        assert "forged" not in {m.content for m in messages.recent(restored, 1, 100)}


def test_a_parquet_member_cannot_reach_outside_the_staged_folder(store, tmp_path):
    _fill(store)
    backup.create(store, tmp_path / "good.zip")
    store.close()
    # load.sql pointing a table at a file outside the backup: the line is not Kizuna's pattern
    forged = _rewrite(
        tmp_path / "good.zip",
        tmp_path / "forged.zip",
        members={"db/load.sql": lambda old: old.replace(b"'messages.parquet'", b"'/etc/hostname'")},
    )
    with pytest.raises(backup.BackupError, match="Nothing was changed"):
        backup.restore(forged, tmp_path / "restored")
    assert not (tmp_path / "restored" / "kizuna.duckdb").exists()
    assert not list((tmp_path / "restored").glob(".kizuna-work-*"))


def test_a_backup_of_the_first_release_still_restores(tmp_path):
    # made by the first release's backup code from tests/fixtures/kizuna-v1.duckdb plus one
    # photo file; it holds only the schema of m001 and is upgraded by the restore
    fixture = ROOT / "tests" / "fixtures" / "kizuna-v1-backup.zip"
    result = backup.restore(fixture, tmp_path / "restored")
    assert result.tables["messages"] == 3 and result.file_count == 1
    with Store.open(tmp_path / "restored") as restored:
        assert [m.content for m in messages.recent(restored, 1, 10)][:1] == [
            "今日は後楽園に行ったね"
        ]
        assert memories.list_memories(restored, 1) == []  # a later migration's table exists
        assert restored.execute("SELECT title FROM outings").fetchall() == [("Korakuen Garden",)]
        assert messages.add(restored, 1, "user", "after").id == 4
        assert (restored.data_dir / "photos" / "aa" / ("a" * 64 + ".jpg")).is_file()


def test_a_member_larger_than_its_manifest_says_is_refused_before_unpacking(store, tmp_path):
    _fill(store)
    backup.create(store, tmp_path / "good.zip")
    store.close()
    bomb = b"\0" * (32 << 20)  # 32 MiB of zeros: about 32 KiB deflated
    forged = _rewrite(
        tmp_path / "good.zip",
        tmp_path / "bomb.zip",
        members={"files/extras/notes.txt": bomb},
        manifest_edit=lambda m: m["files"]["files/extras/notes.txt"].update(size=1),
    )
    assert forged.stat().st_size < 2 << 20
    target = tmp_path / "restored"
    with pytest.raises(backup.BackupError, match="Nothing was changed"):
        backup.restore(forged, target)
    assert not list(target.rglob("*"))


def test_missing_manifest_fields_get_one_sentence(store, data_dir, tmp_path):
    _fill(store)
    backup.create(store, tmp_path / "good.zip")
    store.close()
    before = _snapshot(data_dir)
    cases = {
        "created_at": lambda m: m.pop("created_at"),
        "tables": lambda m: m.pop("tables"),
        "size": lambda m: next(iter(m["files"].values())).pop("size"),
        "sha256": lambda m: next(iter(m["files"].values())).update(sha256=None),
    }
    for field_name, edit in cases.items():
        odd = _rewrite(tmp_path / "good.zip", tmp_path / f"{field_name}.zip", manifest_edit=edit)
        for attempt in (backup.read_manifest, lambda p: backup.restore(p, data_dir, replace=True)):
            with pytest.raises(backup.BackupError) as err:
                attempt(odd)
            assert err.value.sentence == (
                f"That backup's manifest is incomplete (it has no valid “{field_name}”), so "
                "Kizuna cannot check it. Nothing was changed."
            )
    assert _snapshot(data_dir) == before
    assert not (data_dir / "backups").exists()


def test_a_restore_the_disk_has_no_room_for_is_refused_first(
    store, data_dir, tmp_path, monkeypatch
):
    _fill(store)
    backup.create(store, tmp_path / "good.zip")
    store.close()
    before = _snapshot(data_dir)
    monkeypatch.setattr(backup, "free_bytes", lambda folder: 10 << 20)
    with pytest.raises(backup.BackupNoSpace) as err:
        backup.restore(tmp_path / "good.zip", data_dir, replace=True)
    assert err.value.sentence.startswith("There is not enough free disk space to restore")
    assert "10.0 MB is free" in err.value.sentence
    assert _snapshot(data_dir) == before
    assert not list(data_dir.glob(".kizuna-work-*"))


def test_an_upload_is_received_beside_the_data_and_refused_when_the_disk_is_short(
    data_dir, tmp_path, monkeypatch
):
    import io

    payload = io.BytesIO(b"z" * 3_000_000)
    steps = []
    got = backup.save_upload(payload, data_dir, 3_000_000, lambda f, t: steps.append(t))
    assert got.parent == data_dir and got.name.startswith(".kizuna-work-upload-")
    assert got.read_bytes() == payload.getvalue()
    assert steps[-1] == "Receiving the backup… 2.9 MB of 2.9 MB"
    got.unlink()
    monkeypatch.setattr(backup, "free_bytes", lambda folder: 1 << 20)
    with pytest.raises(backup.BackupNoSpace, match="not enough free disk space to receive"):
        backup.save_upload(io.BytesIO(b"z" * 10), data_dir, 2 << 20)
    assert not list(data_dir.glob(".kizuna-work-*"))
