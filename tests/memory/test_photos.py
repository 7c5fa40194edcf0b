import io
import struct
from datetime import UTC, datetime

import pytest
from PIL import Image

from memory import outings, personas, photos
from memory import settings as settings_store
from tests import photo_files as pf


@pytest.fixture
def outing(store):
    pid = personas.ensure_starter(store).id
    return outings.create(store, pid, "Korakuen Garden", place="Okayama")


def _thumb(store, photo) -> Image.Image:
    return Image.open(photos.thumbnail_path(store, photo))


BAD_FILES = [
    ("empty.jpg", b"", "empty"),
    ("notes.jpg", pf.text_named_jpg(), "not an image"),
    ("cut.jpg", pf.truncated_jpeg(), "cut short"),
    ("bomb.png", pf.png_bomb(), "more pixels than Kizuna opens safely"),
]


@pytest.mark.parametrize(("name", "data", "reason"), BAD_FILES)
def test_bad_file_is_rejected_with_a_plain_reason_and_nothing_written(
    store, outing, name, data, reason
):
    with pytest.raises(photos.PhotoRejected, match=reason):
        photos.ingest(store, data, original_name=name, outing_id=outing.id)
    assert store.execute("SELECT count(*) FROM photos").fetchone()[0] == 0
    assert not [p for p in store.data_dir.rglob("*") if p.is_file() and "duckdb" not in p.name]


def test_same_photo_twice_in_an_outing_is_recognised_not_duplicated(store, outing):
    data = pf.jpeg()
    first = photos.ingest(store, data, original_name="a.jpg", outing_id=outing.id)
    again = photos.ingest(store, data, original_name="copy of a.jpg", outing_id=outing.id)
    assert not first.duplicate and again.duplicate
    assert again.photo.id == first.photo.id
    assert photos.of_outing(store, outing.id) == [first.photo]
    assert len(list(store.photos_dir.rglob("*.jpg"))) == 1


def test_same_photo_in_two_outings_shares_one_file_and_one_thumbnail(store, outing):
    other = outings.create(store, outing.persona_id, "Second visit")
    data = pf.jpeg()
    a = photos.ingest(store, data, outing_id=outing.id)
    b = photos.ingest(store, data, outing_id=other.id)
    assert b.shared_file and a.photo.id != b.photo.id
    assert a.photo.path == b.photo.path and a.photo.thumb_path == b.photo.thumb_path
    assert len(list(store.photos_dir.rglob("*.jpg"))) == 1
    assert len(list(store.thumbs_dir.rglob("*.jpg"))) == 1


def test_deleting_one_of_two_rows_sharing_a_file_keeps_the_file(store, outing):
    other = outings.create(store, outing.persona_id, "Second visit")
    data = pf.jpeg()
    a = photos.ingest(store, data, outing_id=outing.id).photo
    b = photos.ingest(store, data, outing_id=other.id).photo
    photos.delete(store, a.id)
    assert store.path_of(b.path).is_file() and store.path_of(b.thumb_path).is_file()
    photos.delete(store, b.id)
    assert not store.path_of(b.path).exists() and not store.path_of(b.thumb_path).exists()


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_exif_orientation_is_corrected(store, orientation):
    # 640×480 with its top-left quarter red; upright, the red quarter moves.
    data = pf.jpeg(size=(640, 480), exif_data=pf.exif(orientation=orientation))
    photo = photos.add(store, data, original_name=f"o{orientation}.jpg")
    expected_size = (640, 480) if orientation == 3 else (480, 640)
    assert (photo.width, photo.height) == expected_size
    thumb = _thumb(store, photo).convert("RGB")
    w, h = thumb.size
    red_corner = {3: (w - 5, h - 5), 6: (w - 5, 5), 8: (5, h - 5)}[orientation]
    r, g, _b = thumb.getpixel(red_corner)
    assert r > 180 and g < 80, thumb.getpixel(red_corner)
    r, g, _b = thumb.getpixel((5, 5) if orientation != 6 else (5, h - 5))
    assert g > r, "the opposite corner is the photo's green"


def test_taken_at_and_gps_are_read_from_exif(store):
    meta = pf.exif(taken="2025:05:04 17:42:10", offset="+09:00", gps=(34.6672, -133.9355))
    photo = photos.add(store, pf.jpeg(exif_data=meta))
    assert photo.taken_at == datetime(2025, 5, 4, 8, 42, 10, tzinfo=UTC)
    assert photo.gps_lat == pytest.approx(34.6672, abs=1e-4)
    assert photo.gps_lon == pytest.approx(-133.9355, abs=1e-4)


def test_taken_at_without_offset_is_read_in_the_users_time_zone(store):
    settings_store.set(store, "timezone", "Asia/Tokyo")
    photo = photos.add(store, pf.jpeg(exif_data=pf.exif(taken="2025:05:04 09:00:00")))
    assert photo.taken_at == datetime(2025, 5, 4, 0, 0, tzinfo=UTC)


def test_heic_from_a_phone_is_stored_with_its_exif(store):
    meta = pf.exif(taken="2025:04:01 09:30:00", offset="+00:00", gps=(35.6586, 139.7454))
    photo = photos.add(store, pf.heic(exif_data=meta), original_name="IMG_0001.HEIC")
    assert photo.format in ("heif", "heic") and photo.path.endswith(".heic")
    assert photo.taken_at == datetime(2025, 4, 1, 9, 30, tzinfo=UTC)
    assert photo.gps_lat == pytest.approx(35.6586, abs=1e-4)
    # the browser never gets the HEIC: thumbnail and large view are JPEG
    assert _thumb(store, photo).format == "JPEG"
    assert Image.open(photos.large_path(store, photo)).format == "JPEG"


def test_sixteen_bit_png_keeps_its_tones(store):
    photo = photos.add(store, pf.png_16bit(), original_name="scan.png")
    grey = _thumb(store, photo).convert("L").getpixel((10, 10))
    assert 110 < grey < 145, grey  # mid-grey, not clipped to white


def test_cmyk_jpeg_becomes_rgb_with_its_colours(store):
    photo = photos.add(store, pf.cmyk_jpeg(), original_name="print.jpg")
    r, g, b = _thumb(store, photo).convert("RGB").getpixel((10, 10))
    assert r > 200 and g < 120 and b < 120
    assert photo.colours.startswith("red")


@pytest.mark.parametrize("fmt", ["GIF", "WEBP"])
def test_animated_image_keeps_its_first_frame(store, fmt):
    photo = photos.add(store, pf.animated(fmt), original_name=f"anim.{fmt.lower()}")
    r, _g, b = _thumb(store, photo).convert("RGB").getpixel((10, 10))
    assert r > 150 and b < 80


def test_a_25_megabyte_photo_is_stored(store):
    data = pf.noise_jpeg((4500, 3500), quality=100)
    assert len(data) > 25 * 1024 * 1024
    photo = photos.add(store, data, original_name="big.jpg")
    assert (photo.width, photo.height) == (4500, 3500)
    assert photo.size_bytes == len(data)
    assert max(_thumb(store, photo).size) == photos.THUMB_SIDE


def test_file_names_never_become_paths(store):
    photo = photos.add(store, pf.jpeg(), original_name="../../etc/写真 1.jpg")
    assert photo.original_name == "写真 1.jpg"
    assert photo.path == f"photos/{photo.sha256[:2]}/{photo.sha256}.jpg"
    assert not (store.data_dir.parent / "etc").exists()


def test_thumbnail_is_made_once_and_reused(store, outing):
    photo = photos.add(store, pf.jpeg(), outing_id=outing.id)
    thumb = store.path_of(photo.thumb_path)
    made = thumb.stat().st_mtime_ns
    other = outings.create(store, outing.persona_id, "Again")
    photos.add(store, pf.jpeg(), outing_id=other.id)
    assert photos.thumbnail_path(store, photo) == thumb
    assert thumb.stat().st_mtime_ns == made


def test_model_copy_is_downscaled_jpeg(store):
    photo = photos.add(store, pf.jpeg(size=(3000, 2000)))
    img = Image.open(io.BytesIO(photos.for_model(store, photo.id)))
    assert img.format == "JPEG" and max(img.size) == photos.MODEL_MAX_SIDE


def test_colours_are_named_for_a_companion_that_cannot_see(store):
    photo = photos.add(store, pf.png(colour=(20, 40, 200)))
    assert photo.colours.split(", ")[0] == "blue"


def test_a_photo_whose_file_went_missing_is_not_viewable_but_does_not_crash(store):
    photo = photos.add(store, pf.jpeg())
    store.path_of(photo.path).unlink()
    store.path_of(photo.thumb_path).unlink()
    assert photos.viewable(store, photo) is None
    assert photos.viewable(store, photo, large=True) is None


def test_sweep_during_an_import_leaves_the_files_being_imported(store):
    swept = []

    def sweep_midway(done, total, name):
        swept.append(photos.sweep_unreferenced_files(store))

    (outcome,) = photos.ingest_many(store, [("a.jpg", pf.jpeg())], progress=sweep_midway)
    assert swept == [0]
    assert store.path_of(outcome.added.photo.path).is_file()
    assert store.path_of(outcome.added.photo.thumb_path).is_file()


def test_an_import_that_fails_midway_keeps_no_files_and_no_rows(store):
    def fail_on_second(done, total, name):
        if done == 2:
            raise RuntimeError("power cut")

    files = [("a.jpg", pf.jpeg()), ("b.png", pf.png()), ("c.jpg", pf.jpeg((9, 9, 9)))]
    with pytest.raises(RuntimeError):
        photos.ingest_many(store, files, progress=fail_on_second)
    assert store.execute("SELECT count(*) FROM photos").fetchone() == (0,)
    assert not [p for p in store.photos_dir.rglob("*") if p.is_file()]
    assert not [p for p in store.thumbs_dir.rglob("*") if p.is_file()]


# -- photos of any size a phone makes ----------------------------------------------------------
def _sized_jpeg(width: int, height: int) -> bytes:
    """A real JPEG of width×height with texture (blocky noise), like a phone photo's size."""
    small = Image.effect_noise((max(1, width // 8), max(1, height // 8)), 80).convert("RGB")
    out = io.BytesIO()
    small.resize((width, height), Image.Resampling.NEAREST).save(out, "JPEG", quality=70)
    return out.getvalue()


def _lying_jpeg(width: int, height: int) -> bytes:
    """A small JPEG whose frame header is rewritten to claim width×height pixels."""
    data = bytearray(pf.jpeg(size=(64, 48)))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def test_a_200_megapixel_phone_jpeg_is_kept_and_decoded_small(store):
    data = _sized_jpeg(12240, 16320)  # a 200 MP sensor's full size
    photo = photos.add(store, data, original_name="IMG_200MP.jpg")
    assert (photo.width, photo.height) == (12240, 16320)
    with Image.open(photos.thumbnail_path(store, photo)) as thumb:
        assert max(thumb.size) == photos.THUMB_SIDE
    with Image.open(io.BytesIO(photos.for_model(store, photo.id))) as sent:
        assert max(sent.size) == photos.MODEL_MAX_SIDE


def test_a_header_that_lies_about_its_size_is_still_refused():
    with pytest.raises(photos.PhotoRejected) as err:
        photos.prepare(_lying_jpeg(12240, 16320))
    assert str(err.value).startswith("The image claims to be 12,240×16,320 pixels, far more than")
    heic = bytearray(pf.heic())
    ispe = heic.index(b"ispe")  # the HEIF box that states the image's size
    heic[ispe + 8 : ispe + 16] = struct.pack(">II", 12240, 16320)
    with pytest.raises(photos.PhotoRejected, match=r"16,320 pixels, far more than its \d+ KB"):
        photos.prepare(bytes(heic))
    with pytest.raises(photos.PhotoRejected, match="more pixels than Kizuna opens safely"):
        photos.prepare(pf.png_bomb(12000, 12000))  # 144 MP of PNG: decoded only in full


def test_pillow_warnings_become_one_sentence_naming_the_file(store, capsys):
    exif = pf.exif(taken="2024:08:03 15:00:00").tobytes()
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (1, 2, 3)).save(out, "JPEG", exif=b"Exif\x00\x00" + exif[:40])
    outing = outings.create(store, 1, "Garden")
    (result,) = outings.add_files(store, outing.id, [("IMG_0042.jpg", out.getvalue())])
    assert result.status == "stored"
    assert result.note == (
        "IMG_0042.jpg was kept, but some of its details (such as the date or the place) are "
        "damaged and could not be read."
    )
    assert result.line().endswith(result.note)
    captured = capsys.readouterr()
    assert "Truncated" not in captured.err + captured.out
