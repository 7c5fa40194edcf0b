from datetime import date

import pytest

from memory import Store, messages, outings, personas, photos
from tests import photo_files as pf
from tests.pages.conftest import plain

PAGE = "pages/album.py"


@pytest.fixture
def album(app):
    app.switch_page(PAGE).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _seed(data_dir, n_outings=1, n_photos=2, **kw):
    with Store.open(data_dir) as s:
        pid = personas.ensure_starter(s).id
        made = []
        for i in range(n_outings):
            files = [(f"p{j}.jpg", pf.jpeg((j * 50 % 255, i % 255, 90))) for j in range(n_photos)]
            outing, _ = outings.log(
                s,
                pid,
                kw.get("title", f"Outing {i}"),
                place=kw.get("place", "Okayama"),
                happened_on=date(2024, 1, 1 + i % 28) if n_outings > 1 else date(2025, 5, 4),
                files=files,
            )
            made.append(outing)
        return made


def _texts(app) -> str:
    parts = [m.value for m in app.markdown] + [c.value for c in app.caption]
    parts += [t.value for t in app.title] + [e.value for e in app.warning]
    parts += [e.value for e in app.success] + [e.value for e in app.info]
    # What the page shows: her file names and titles are escaped Markdown.
    return "\n".join(plain(p) for p in parts)


def test_empty_album_invites_the_first_outing(album):
    assert "No outings yet" in album.info[0].value
    assert album.text_input(key="album_new_title_0") is not None


def test_logging_an_outing_stores_good_photos_reports_bad_ones_and_shows_responses(album, data_dir):
    album.text_input(key="album_new_title_0").input("Korakuen Garden")
    album.text_input(key="album_new_place_0").input("Okayama")
    album.get("file_uploader")[0].set_value(
        [
            ("koi.jpg", pf.jpeg(exif_data=pf.exif(taken="2025:05:04 11:00:00")), "image/jpeg"),
            ("bridge.png", pf.png(), "image/png"),
            ("list.jpg", pf.text_named_jpg(), "image/jpeg"),
        ]
    )
    album.button[0].click()  # the form's submit button
    album.run()
    assert not album.exception, [e.value for e in album.exception]
    text = _texts(album)
    assert "Korakuen Garden" in [t.value for t in album.title]
    assert "list.jpg was not added: The file is not an image Kizuna can read." in text
    assert "2 photos added." in text
    with Store.open(data_dir) as s:
        outing = outings.get(s, 1)
        assert outing.happened_on == date(2025, 5, 4)
        found = outings.responses(s, 1)
        assert set(found) == {None, *[p.id for p in photos.of_outing(s, 1)]}
        for message in found.values():
            assert message.content in text


def test_missing_title_keeps_what_was_entered(album, data_dir):
    album.text_input(key="album_new_place_0").input("Okayama")
    album.button[0].click().run()
    assert any("title" in e.value for e in album.error)
    assert album.text_input(key="album_new_place_0").value == "Okayama"
    with Store.open(data_dir) as s:
        assert outings.count(s) == 0


def test_grid_shows_cards_newest_first_and_searches(app, data_dir):
    _seed(data_dir, n_outings=3, n_photos=1)
    app.switch_page(PAGE).run()
    titles = [m.value for m in app.markdown if m.value.startswith("**")]
    assert titles == ["**Outing 2**", "**Outing 1**", "**Outing 0**"]
    assert any("1 photo" in c.value for c in app.caption)
    app.text_input(key="album_search").input("Outing 1").run()
    assert [m.value for m in app.markdown if m.value.startswith("**")] == ["**Outing 1**"]


def test_grid_is_paginated(app, data_dir):
    _seed(data_dir, n_outings=14, n_photos=0)
    app.switch_page(PAGE).run()
    assert len([m for m in app.markdown if m.value.startswith("**Outing")]) == 12
    assert any("Page 1 of 2" in c.value for c in app.caption)
    app.button(key="album_page_next").click().run()
    assert len([m for m in app.markdown if m.value.startswith("**Outing")]) == 2


def test_delete_outing_asks_first_then_removes_rows_and_files(app, data_dir):
    (outing,) = _seed(data_dir)
    app.switch_page(PAGE).run()
    app.button(key=f"album_open_{outing.id}").click().run()
    app.button(key="album_delete").click().run()
    assert any("for good" in w.value for w in app.warning)
    app.button(key=f"album_outing_del_no_{outing.id}").click().run()
    with Store.open(data_dir) as s:
        assert outings.get(s, outing.id) is not None
    app.button(key="album_delete").click().run()
    app.button(key=f"album_outing_del_yes_{outing.id}").click().run()
    assert not app.exception
    with Store.open(data_dir) as s:
        assert outings.count(s) == 0
        assert s.execute("SELECT count(*) FROM photos").fetchone() == (0,)
    assert not [p for p in (data_dir / "photos").rglob("*") if p.is_file()]
    assert "No outings yet" in _texts(app)


def test_edit_outing(app, data_dir):
    (outing,) = _seed(data_dir)
    app.switch_page(PAGE).run()
    app.button(key=f"album_open_{outing.id}").click().run()
    app.button(key="album_edit").click().run()
    app.text_input(key="album_edit_title").input("後楽園")
    app.text_area(key="album_edit_notes").input("The koi were huge")
    next(b for b in app.button if b.label == "Save").click().run()
    assert "後楽園" in [t.value for t in app.title]
    with Store.open(data_dir) as s:
        assert outings.get(s, outing.id).notes == "The koi were huge"


def test_photo_view_regenerates_makes_a_keepsake_and_deletes(app, data_dir):
    (outing,) = _seed(data_dir)
    with Store.open(data_dir) as s:
        first, second = photos.of_outing(s, outing.id)
    app.switch_page(PAGE).run()
    app.button(key=f"album_open_{outing.id}").click().run()
    app.button(key=f"album_view_{first.id}").click().run()
    assert not app.exception, [e.value for e in app.exception]
    app.button(key="album_photo_respond").click().run()
    with Store.open(data_dir) as s:
        words = outings.responses(s, outing.id)[first.id].content
    assert words in _texts(app)

    app.text_input(key="album_caption").input("The koi bridge")
    next(b for b in app.button if b.label == "Save caption").click().run()
    app.button(key="album_make_card").click().run()
    assert app.get("download_button"), "a keepsake card is offered for download"

    app.button(key="album_photo_delete").click().run()
    app.button(key=f"album_photo_del_yes_{first.id}").click().run()
    with Store.open(data_dir) as s:
        assert [p.id for p in photos.of_outing(s, outing.id)] == [second.id]
        assert messages.count(s) == 0  # the photo's response went with it
        assert photos.get(s, second.id).caption is None


def test_answering_a_photo_continues_in_the_chat(app, data_dir):
    (outing,) = _seed(data_dir, n_photos=1)
    with Store.open(data_dir) as s:
        (photo,) = photos.of_outing(s, outing.id)
    app.switch_page(PAGE).run()
    app.button(key=f"album_open_{outing.id}").click().run()
    app.button(key=f"album_view_{photo.id}").click().run()
    app.text_area(key="album_answer").input("Do you remember the koi?")
    next(b for b in app.button if b.label == "Continue in chat").click().run()
    assert not app.exception, [e.value for e in app.exception]
    with Store.open(data_dir) as s:
        chat = messages.recent(s, outing.persona_id, sources=("chat",))
    assert [m.role for m in chat] == ["user", "companion"]
    assert chat[0].photo_ids == (photo.id,)
    assert any("Do you remember the koi?" in m.value.replace("\\", "") for m in app.markdown)


def test_photos_on_a_full_disk_get_one_sentence_and_leave_no_outing(album, data_dir, monkeypatch):
    import errno

    def full_disk(path, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(photos, "write_file_atomically", full_disk)  # the fault at the write
    album.text_input(key="album_new_title_0").input("Korakuen Garden")
    album.get("file_uploader")[0].set_value([("koi.jpg", pf.jpeg(), "image/jpeg")])
    album.button[0].click()
    album.run()
    assert not album.exception, [e.value for e in album.exception]
    assert [e.value for e in album.error] == [
        "The disk is full, so the photo could not be saved and nothing was added. "
        "Free some space and try again."
    ]
    assert album.text_input(key="album_new_title_0").value == "Korakuen Garden"
    with Store.open(data_dir) as s:
        assert outings.count(s) == 0
    assert not [p for p in data_dir.rglob("*") if p.is_file() and "photos" in p.parts]
