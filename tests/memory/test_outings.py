import subprocess
import sys
import textwrap
from datetime import date

import pytest

from memory import Store, messages, outings, personas, photos
from memory.cli import main as cli_main
from tests import photo_files as pf
from tests.conftest import ROOT
from tests.disk import small_tmpfs


@pytest.fixture
def pid(store):
    return personas.ensure_starter(store).id


def test_log_takes_its_date_from_the_photos_when_none_is_given(store, pid):
    files = [
        ("late.jpg", pf.jpeg(exif_data=pf.exif(taken="2024:08:03 15:00:00", offset="+00:00"))),
        ("early.jpg", pf.jpeg((1, 2, 3), exif_data=pf.exif(taken="2024:08:02 10:00:00"))),
    ]
    outing, results = outings.log(store, pid, "Seaside", place="Kamakura", files=files)
    assert outing.happened_on == date(2024, 8, 2)
    assert [r.status for r in results] == ["stored", "stored"]


def test_an_explicit_date_wins_over_the_photos(store, pid):
    files = [("a.jpg", pf.jpeg(exif_data=pf.exif(taken="2024:08:03 15:00:00")))]
    outing, _ = outings.log(store, pid, "Seaside", happened_on=date(2024, 9, 1), files=files)
    assert outing.happened_on == date(2024, 9, 1)


def test_bad_files_are_reported_one_by_one_and_good_ones_stored(store, pid):
    files = [
        ("good.jpg", pf.jpeg()),
        ("empty.jpg", b""),
        ("notes.jpg", pf.text_named_jpg()),
        ("good.png", pf.png()),
        ("good.jpg", pf.jpeg()),
    ]
    seen = []
    outing, results = outings.log(
        store, pid, "Mixed", files=files, progress=lambda done, total, name: seen.append(done)
    )
    assert [r.status for r in results] == ["stored", "rejected", "rejected", "stored", "duplicate"]
    assert "empty" in results[1].line() and "not an image" in results[2].line()
    assert seen == [1, 2, 3, 4, 5]
    assert outings.photo_count(store, outing.id) == 2


def test_title_is_required(store, pid):
    with pytest.raises(outings.OutingError, match="title"):
        outings.create(store, pid, "   ")
    assert outings.count(store) == 0


def _outing_with_photos(store, pid, title="Zoo", n=2, **kw):
    files = [(f"{i}.jpg", pf.jpeg((i * 40 % 255, 90, 30))) for i in range(n)]
    outing, _ = outings.log(store, pid, title, files=files, **kw)
    return outing


def test_album_page_is_newest_first_with_cover_and_count(store, pid):
    old = _outing_with_photos(store, pid, "Old", n=1, happened_on=date(2023, 1, 1))
    new = _outing_with_photos(store, pid, "New", n=3, happened_on=date(2025, 1, 1))
    result = outings.page(store, pid)
    assert [c.id for c in result.cards] == [new.id, old.id]
    assert result.cards[0].photo_count == 3
    first = photos.of_outing(store, new.id)[0]
    assert result.cards[0].cover_thumb == first.thumb_path


def test_filters_by_year_and_place_and_searches_notes(store, pid):
    outings.create(store, pid, "花見", place="上野公園", happened_on=date(2024, 4, 1))
    outings.create(store, pid, "Aquarium", place="Osaka", happened_on=date(2025, 3, 1))
    outings.create(
        store, pid, "Dinner", place="Osaka", happened_on=date(2024, 6, 1), notes="Okonomiyaki!"
    )
    titles = lambda **kw: [c.title for c in outings.page(store, pid, **kw).cards]  # noqa: E731
    assert titles(year=2024) == ["Dinner", "花見"]
    assert titles(place="Osaka") == ["Aquarium", "Dinner"]
    assert titles(search="okonomi") == ["Dinner"]
    assert titles(search="上野") == ["花見"]
    assert titles(search="aquar") == ["Aquarium"]
    assert outings.years(store, pid) == [2025, 2024]
    assert outings.places(store, pid) == ["Osaka", "上野公園"]


def test_pages_hold_a_page_of_outings(store, pid):
    for i in range(30):
        outings.create(store, pid, f"Walk {i}", happened_on=date(2024, 1, 1 + i))
    first = outings.page(store, pid, page_size=12)
    last = outings.page(store, pid, page_size=12, page_number=3)
    assert (first.total, first.pages, len(first.cards), len(last.cards)) == (30, 3, 12, 6)
    assert first.cards[0].title == "Walk 29" and last.cards[-1].title == "Walk 0"


def test_cover_can_be_chosen(store, pid):
    outing = _outing_with_photos(store, pid, n=2)
    second = photos.of_outing(store, outing.id)[1]
    outings.set_cover(store, outing.id, second.id)
    assert outings.page(store, pid).cards[0].cover_photo_id == second.id


def test_deleting_an_outing_removes_rows_files_and_responses(store, pid):
    keep = _outing_with_photos(store, pid, "Keep", n=1)
    gone = _outing_with_photos(store, pid, "Gone", n=2)
    shared = photos.of_outing(store, keep.id)[0]
    photos.ingest(store, pf.jpeg((0, 90, 30)), outing_id=gone.id)  # same file as `shared`
    gone_photo = photos.of_outing(store, gone.id)[1]
    outings.replace_response(store, gone, photo_id=gone_photo.id, content="Lovely!")
    outings.replace_response(store, gone, photo_id=None, content="What a day.")
    chat = messages.add(store, pid, "user", "look", photo_ids=[gone_photo.id])

    assert outings.delete(store, gone.id)

    assert outings.get(store, gone.id) is None
    assert store.execute(
        "SELECT count(*) FROM photos WHERE outing_id = ?", [gone.id]
    ).fetchone() == (0,)
    assert store.execute("SELECT count(*) FROM messages WHERE source = 'album'").fetchone() == (0,)
    assert messages.get(store, chat.id).photo_ids == ()  # the words stay, the photo link goes
    assert not store.path_of(gone_photo.path).exists()
    assert store.path_of(shared.path).is_file(), "a file another outing uses must stay"
    names = {p.name[:64] for p in store.photos_dir.rglob("*") if p.is_file()}
    assert names == {shared.sha256}


def test_replacing_a_response_keeps_one_per_photo(store, pid):
    outing = _outing_with_photos(store, pid, n=1)
    photo = photos.of_outing(store, outing.id)[0]
    outings.replace_response(store, outing, photo_id=photo.id, content="first")
    outings.replace_response(store, outing, photo_id=photo.id, content="second")
    found = outings.responses(store, outing.id)
    assert found[photo.id].content == "second" and found[photo.id].source == "album"
    assert store.execute("SELECT count(*) FROM messages").fetchone() == (1,)


CRASH_SCRIPT = """
import sys, time
sys.path.insert(0, {root!r})
from memory import Store, personas, outings, photos
from tests import photo_files as pf
store = Store.open({data!r})
pid = personas.ensure_starter(store).id
outing = outings.create(store, pid, "Crash")
photos.ingest(store, pf.jpeg((1, 1, 1)), outing_id=outing.id)   # committed: must survive
prepared = photos.prepare(pf.jpeg((200, 200, 0)))
photos._write_files(store, prepared)                            # file written, row not yet
print(prepared.sha256, flush=True)
time.sleep(60)
"""


def test_crash_between_file_write_and_row_commit_is_cleaned_at_next_start(data_dir):
    script = CRASH_SCRIPT.format(root=str(ROOT), data=str(data_dir))
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script)], stdout=subprocess.PIPE, text=True
    )
    orphan = proc.stdout.readline().strip()
    proc.kill()  # SIGKILL: no clean-up handlers run
    proc.wait()
    assert len(orphan) == 64
    assert list(data_dir.rglob(f"{orphan}*")), "the crash left the written files behind"

    with Store.open(data_dir) as store:
        assert not list(data_dir.rglob(f"{orphan}*"))
        survivor = store.execute("SELECT path, thumb_path FROM photos").fetchall()
        assert len(survivor) == 1
        assert all(store.path_of(p).is_file() for p in survivor[0])


def test_cli_add_outing_prints_a_line_per_photo_and_fails_on_rejects(tmp_path, capsys):
    good = tmp_path / "koi.jpg"
    good.write_bytes(pf.jpeg(exif_data=pf.exif(taken="2025:05:04 11:00:00")))
    bad = tmp_path / "list.jpg"
    bad.write_bytes(pf.text_named_jpg())
    args = ["add-outing", "--title", "Korakuen", "--place", "Okayama", "--notes", "koi!"]
    code = cli_main([*args, "--respond", str(good), str(bad), str(good)])
    out = capsys.readouterr().out
    assert code == 1
    assert "Outing 1: Korakuen (2025-05-04)" in out
    assert "koi.jpg: stored (photo 1)" in out
    assert "list.jpg: rejected — The file is not an image Kizuna can read." in out
    assert "koi.jpg: duplicate" in out
    assert "Responses from offline voice:" in out
    with Store.open() as store:
        found = outings.responses(store, 1)
        assert set(found) == {1, None}
        assert found[1].content in out


def test_cli_add_outing_with_good_photos_exits_zero(tmp_path, capsys):
    good = tmp_path / "a.png"
    good.write_bytes(pf.png())
    code = cli_main(["add-outing", "--title", "Park", "--date", "2024-02-03", str(good)])
    assert code == 0
    assert "Outing 1: Park (2024-02-03)" in capsys.readouterr().out


# -- nothing half-made -----------------------------------------------------------------------
def _noise_png(seed: int, side: int = 300) -> bytes:
    """An incompressible PNG of about side*side*3 bytes."""
    import io
    import random

    from PIL import Image

    rng = random.Random(seed)
    img = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
    out = io.BytesIO()
    img.save(out, "PNG", compress_level=0)
    return out.getvalue()


@pytest.fixture
def small_disk(tmp_path, monkeypatch):
    """A data folder on a 24 MB tmpfs with ~400 KB left, else a full disk injected at the write.

    Yields the data folder. Mounting needs root (as here and in CI); elsewhere the photo
    writer raises ENOSPC from the third write on, exactly where the real disk would.
    """
    import errno
    import shutil

    mount = tmp_path / "small"
    with small_tmpfs(mount, "24m") as mounted:
        folder = mount / "data"
        monkeypatch.setenv("KIZUNA_DATA_DIR", str(folder))
        with Store.open(folder) as s:
            personas.ensure_starter(s)
        if mounted:
            free = shutil.disk_usage(mount).free
            (mount / "filler").write_bytes(b"\0" * (free - 400_000))
        else:
            real = photos.write_file_atomically
            calls = []

            def full_disk(path, data):
                calls.append(path)
                if len(calls) >= 3:
                    raise OSError(errno.ENOSPC, "No space left on device")
                real(path, data)

            monkeypatch.setattr(photos, "write_file_atomically", full_disk)
        yield folder


def test_photos_on_a_full_disk_leave_no_outing_and_no_files(small_disk):
    from memory.errors import NotEnoughSpace

    files = [(f"IMG_{i}.png", _noise_png(i)) for i in range(4)]  # ~1 MB, more than is free
    with Store.open(small_disk) as store:
        with pytest.raises(NotEnoughSpace) as err:
            outings.log(store, 1, "Korakuen Garden", files=files)
        assert err.value.sentence == (
            "The disk is full, so the 4 photos could not be saved and nothing was added. "
            "Free some space and try again."
        )
        assert outings.count(store) == 0
        assert store.execute("SELECT count(*) FROM photos").fetchone()[0] == 0
        # the disk is still usable: a small outing saves fine afterwards
        outing, _ = outings.log(store, 1, "Tea at home")
        assert outings.count(store) == 1 and outing.title == "Tea at home"
    leftovers = [p for p in small_disk.rglob("*") if p.is_file() and p.parent.name != "data"]
    assert leftovers == []  # no photo, thumbnail or .part file


def test_add_outing_on_a_full_disk_says_one_sentence(small_disk, tmp_path, capsys):
    path = tmp_path / "in"  # on the roomy disk
    path.mkdir()
    for i in range(4):
        (path / f"IMG_{i}.png").write_bytes(_noise_png(i))
    code = cli_main(["add-outing", "--title", "Garden", *map(str, sorted(path.iterdir()))])
    out = capsys.readouterr()
    assert code == 1
    assert out.err.strip() == (
        "The disk is full, so the 4 photos could not be saved and nothing was added. "
        "Free some space and try again."
    )
    with Store.open(small_disk) as store:
        assert outings.count(store) == 0


KILLED_LOG = textwrap.dedent("""
    import io, sys, time
    from PIL import Image
    from memory import Store, outings, personas

    store = Store.open(sys.argv[1])
    pid = personas.ensure_starter(store).id
    files = []
    for i in range(4):
        buf = io.BytesIO()
        Image.new("RGB", (40, 30), (i * 40, 90, 160)).save(buf, "PNG")
        files.append((f"IMG_{i}.png", buf.getvalue()))

    def stall(done, total, name):
        if done == 2:
            print("stalled", flush=True)
            time.sleep(120)

    outings.log(store, pid, "Killed half-way", files=files, progress=stall)
""")


def test_a_killed_outing_log_leaves_no_empty_outing(data_dir):
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_LOG, str(data_dir)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = child.stdout.readline()
    finally:
        child.kill()  # SIGKILL: no clean-up code runs in the child
        child.wait()
    assert line.strip() == "stalled", child.stderr.read()
    with Store.open(data_dir) as store:
        assert outings.count(store) == 0
        assert store.execute("SELECT count(*) FROM photos").fetchone()[0] == 0
        assert not [p for p in store.photos_dir.rglob("*") if p.is_file()]


def test_an_outings_photos_read_in_the_order_they_were_taken_whatever_the_upload_order(store, pid):
    def shot(colour, taken):
        return pf.jpeg(colour, exif_data=pf.exif(taken=taken, offset="+09:00"))

    outing, _ = outings.log(
        store,
        pid,
        "Korakuen",
        files=[
            ("noon.jpg", shot((200, 30, 30), "2026:11:16 12:00:00")),
            ("morning.jpg", shot((30, 200, 30), "2026:11:16 09:30:00")),
        ],
    )
    outings.add_files(
        store,
        outing.id,
        [
            ("evening.jpg", shot((30, 30, 200), "2026:11:16 17:45:00")),
            ("dawn.jpg", shot((200, 200, 30), "2026:11:16 06:10:00")),
        ],
    )
    names = [p.original_name for p in photos.of_outing(store, outing.id)]
    assert names == ["dawn.jpg", "morning.jpg", "noon.jpg", "evening.jpg"]
