"""Old databases are upgraded on start; a kill in the middle of a photo import leaves no mess."""

import hashlib
import io
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from PIL import Image

from benchmarks.bench_import import build_export
from memory import Store, photos
from memory.importers import chatgpt
from memory.migrations import all_migrations, applied

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ROOT = Path(__file__).resolve().parents[2]


def schema(store) -> set[tuple]:
    return set(
        store.execute(
            "SELECT table_name, column_name, data_type, is_nullable, column_default "
            "FROM information_schema.columns WHERE table_schema = 'main'"
        ).fetchall()
    )


def test_a_v1_database_is_migrated_on_open_and_keeps_its_rows(data_dir, tmp_path):
    data_dir.mkdir(parents=True)
    shutil.copy(FIXTURES / "kizuna-v1.duckdb", data_dir / "kizuna.duckdb")
    with Store.open(data_dir, migrate=False) as old:
        assert applied(old) == {"m001_initial_schema"}
        before = {
            table: old.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
            for table in ("messages", "outings", "photos", "milestones", "journal_entries")
        }
    with Store.open(data_dir) as upgraded:
        assert applied(upgraded) == {m.name for m in all_migrations()}
        for table, rows in before.items():
            count = upgraded.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            assert count == len(rows), table
        contents = upgraded.execute("SELECT content FROM messages ORDER BY id").fetchall()
        assert contents[0] == ("今日は後楽園に行ったね",)
        with Store.open(tmp_path / "fresh") as fresh:
            assert schema(upgraded) == schema(fresh)
        # new rows still get fresh ids after the old ones
        new_id = upgraded.execute(
            "INSERT INTO messages (persona_id, role, content) VALUES (1, 'user', 'hi') RETURNING id"
        ).fetchone()[0]
        assert new_id > max(r[0] for r in before["messages"])


def test_the_fixture_script_rebuilds_the_same_schema_and_rows(tmp_path):
    sys.path.insert(0, str(FIXTURES))
    try:
        from make_v1_database import build
    finally:
        sys.path.remove(str(FIXTURES))
    rebuilt = build(tmp_path / "kizuna.duckdb")
    with (
        Store.open(rebuilt.parent, migrate=False) as new,
        Store.open(_copy_of_fixture(tmp_path), migrate=False) as committed,
    ):
        assert schema(new) == schema(committed)
        for table in ("messages", "persona_versions", "settings"):
            query = f"SELECT * EXCLUDE (created_at) FROM {table} ORDER BY ALL"
            if table == "settings":
                query = "SELECT * FROM settings ORDER BY ALL"
            assert new.execute(query).fetchall() == committed.execute(query).fetchall()


def _copy_of_fixture(tmp_path) -> Path:
    folder = tmp_path / "committed"
    folder.mkdir()
    shutil.copy(FIXTURES / "kizuna-v1.duckdb", folder / "kizuna.duckdb")
    return folder


IMPORTER = textwrap.dedent("""
    import io, sys, time
    from PIL import Image
    import memory.photos as photos
    from memory import Store

    store = Store.open(sys.argv[1])
    stage = sys.argv[2]
    real_write = photos.write_file_atomically
    written = 0

    def write_then_stall(path, data):
        # Each photo writes its file, then its thumbnail: the 5th write is the third photo.
        global written
        written += 1
        if written == 5 and stage == "before_rename":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.with_name(path.name + ".part").write_bytes(data[: len(data) // 2])
            print("stalled", flush=True)
            time.sleep(120)
        real_write(path, data)
        if written == 5 and stage == "after_rename":
            print("stalled", flush=True)
            time.sleep(120)

    photos.write_file_atomically = write_then_stall
    for i in range(6):
        buf = io.BytesIO()
        Image.new("RGB", (40, 30), (i * 40, 90, 160)).save(buf, "PNG")
        photos.add(store, buf.getvalue(), original_name=f"IMG_{i}.png")
        print("added", i, flush=True)
""")


@pytest.mark.parametrize("stage", ["before_rename", "after_rename"])
def test_killed_photo_import_restarts_consistent_without_orphans(data_dir, stage):
    child = subprocess.Popen(
        [sys.executable, "-c", IMPORTER, str(data_dir), stage],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = []
    try:
        for line in child.stdout:
            lines.append(line.strip())
            if line.startswith("stalled"):
                break
    finally:
        child.kill()  # SIGKILL: no clean-up code runs in the child
        child.wait()
    assert lines == ["added 0", "added 1", "stalled"], child.stderr.read()

    with Store.open(data_dir) as store:
        rows = store.execute("SELECT sha256, path FROM photos").fetchall()
        assert len(rows) == 2
        on_disk = sorted(p for p in store.photos_dir.rglob("*") if p.is_file())
        assert sorted(store.path_of(path) for _, path in rows) == on_disk
        assert not list(data_dir.rglob("*.part"))
        # a file that landed without its row was swept: only files named by rows remain
        assert len(on_disk) == 2
        for sha, path in rows:
            assert hashlib.sha256(store.path_of(path).read_bytes()).hexdigest() == sha
        # the interrupted photo imports cleanly on the next try
        buf = io.BytesIO()
        Image.new("RGB", (40, 30), (80, 90, 160)).save(buf, "PNG")
        again = photos.add(store, buf.getvalue(), original_name="IMG_2.png")
        assert store.path_of(again.path).is_file()


def test_uploaded_file_names_never_form_paths(store, tmp_path):
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), (1, 2, 3)).save(buf, "JPEG")
    before = {p for p in tmp_path.rglob("*")}
    for name in ("../../escape.jpg", "/etc/passwd", "..\\..\\win.jpg", "photos/../../x.jpg"):
        photo = photos.add(store, buf.getvalue(), original_name=name)
        # the name is kept only as a label, stripped of any folders
        assert "/" not in photo.original_name and "\\" not in photo.original_name
        assert photo.path == f"photos/{photo.sha256[:2]}/{photo.sha256}.jpg"
    created = {p for p in tmp_path.rglob("*")} - before - {store.data_dir / "kizuna.duckdb.wal"}
    assert created
    inside = (store.photos_dir, store.thumbs_dir)
    assert all(any(p == f or f in p.parents for f in inside) for p in created)


CHATGPT_IMPORTER = textwrap.dedent("""
    import sys, time
    from benchmarks.bench_import import build_export
    from memory import Store, personas
    from memory.importers import chatgpt

    store = Store.open(sys.argv[1])
    pid = personas.ensure_starter(store).id
    export = chatgpt.parse(build_export(400, 100))

    def progress(fraction, text):
        if text.startswith("Saving"):
            print("saving", flush=True)
            time.sleep(float(sys.argv[2]))

    chatgpt.import_conversations(store, export.conversations, pid, progress=progress)
    print("done", flush=True)
    time.sleep(120)
""")


@pytest.mark.parametrize("pause", [0.0, 0.3])
def test_killed_chatgpt_import_lands_whole_or_not_at_all(data_dir, pause):
    child = subprocess.Popen(
        [sys.executable, "-c", CHATGPT_IMPORTER, str(data_dir), str(pause)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "saving", child.stderr.read()
        time.sleep(pause + 0.2)  # somewhere in the middle of the transaction, or just after
    finally:
        child.kill()  # SIGKILL: no clean-up code runs in the child
        child.wait()

    with Store.open(data_dir) as store:
        count = store.execute(
            "SELECT count(*) FROM messages WHERE source = 'import:chatgpt'"
        ).fetchone()[0]
        export = chatgpt.parse(build_export(400, 100))
        expected = sum(len(c.messages) for c in export.conversations)
        assert count in (0, expected)  # never half an import
        pid = store.execute("SELECT min(id) FROM personas").fetchone()[0]
        chatgpt.import_conversations(store, export.conversations, pid)
        assert store.execute(
            "SELECT count(*), count(DISTINCT external_id) FROM messages "
            "WHERE source = 'import:chatgpt'"
        ).fetchone() == (expected, expected)
