import subprocess
import sys
import threading

import pytest

from memory import Store, messages, personas
from memory.migrations import all_migrations


def test_blank_folder_gets_every_migration_and_the_contract_tables(data_dir):
    s = Store.open(data_dir)
    applied = {r[0] for r in s.execute("SELECT name FROM schema_migrations").fetchall()}
    assert applied == {m.name for m in all_migrations()}
    tables = {
        r[0] for r in s.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    assert {"personas", "messages", "outings", "photos", "milestones", "journal_entries"} <= tables
    assert (data_dir / "kizuna.duckdb").is_file()


def test_second_start_changes_nothing(data_dir):
    s = Store.open(data_dir)
    before = s.execute("SELECT name, applied_at FROM schema_migrations ORDER BY name").fetchall()
    s.close()
    from memory.migrations import migrate

    s = Store.open(data_dir, migrate=False)
    assert migrate(s) == []
    after = s.execute("SELECT name, applied_at FROM schema_migrations ORDER BY name").fetchall()
    assert before == after


def test_contract_columns_alone_are_enough_to_insert(store):
    store.execute("INSERT INTO personas (name) VALUES ('Plain')")
    store.execute(
        "INSERT INTO messages (persona_id, role, content, created_at, source) "
        "VALUES (1, 'user', 'hi', now(), 'chat')"
    )
    store.execute(
        "INSERT INTO outings (persona_id, title, place, happened_on) "
        "VALUES (1, 'Walk', 'Park', DATE '2025-05-01')"
    )
    store.execute(
        "INSERT INTO photos (outing_id, sha256, path, taken_at) VALUES (1, 'ab', 'p', NULL)"
    )
    store.execute(
        "INSERT INTO milestones (persona_id, kind, title, happened_on) "
        "VALUES (1, 'custom', 'x', DATE '2025-01-01')"
    )
    store.execute(
        "INSERT INTO journal_entries (persona_id, written_on, mood, body) "
        "VALUES (1, DATE '2025-01-01', NULL, 'dear diary')"
    )
    assert store.execute("SELECT count(*) FROM messages").fetchone()[0] == 1


def test_eight_threads_writing_at_once_lose_nothing(store):
    pid = personas.ensure_starter(store).id
    errors = []

    def write(n):
        try:
            for i in range(50):
                messages.add(store, pid, "user", f"thread {n} message {i}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    contents = {r[0] for r in store.execute("SELECT content FROM messages").fetchall()}
    assert len(contents) == 400
    ids = [r[0] for r in store.execute("SELECT id FROM messages").fetchall()]
    assert len(set(ids)) == 400


def test_second_process_on_same_folder_gets_a_plain_message(data_dir):
    holder = Store.open(data_dir)  # this process holds the lock
    code = (
        "import sys\n"
        "from memory import Store, DataFolderInUse\n"
        f"try:\n    Store.open({str(data_dir)!r})\n"
        "except DataFolderInUse as e:\n    print(e); sys.exit(3)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 3, done.stderr
    assert "already in use by another Kizuna" in done.stdout
    assert "Traceback" not in done.stdout
    holder.close()


def test_data_folder_that_cannot_be_created_is_explained(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(Exception) as info:
        Store.open(blocker / "data")
    assert "data folder" in str(info.value)


def test_interrupted_photo_write_is_cleaned_up_on_start(data_dir):
    s = Store.open(data_dir)
    leftover = s.photos_dir / "ab" / "abc.jpg.part"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"half a photo")
    s.close()
    Store.open(data_dir)
    assert not leftover.exists()
