"""Share a moment: photos from the chat join today's outing, made once per local day."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from companion import Upload, send
from memory import messages, outings, personas, photos, places
from memory import settings as settings_store
from memory.i18n import use_language
from tests import photo_files as pf

TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")
OKAYAMA = (34.66750, 133.93583)


@pytest.fixture
def pid(store):
    return personas.ensure_starter(store).id


def _photo(colour, taken=None, gps=None):
    return pf.jpeg(colour, exif_data=pf.exif(taken=taken, gps=gps))


def test_todays_outing_is_made_once_and_later_shares_join_it(store, pid):
    settings_store.set(store, "timezone", "Asia/Tokyo")
    first = outings.share(
        store, pid, [("a.jpg", _photo((1, 2, 3)))], now=datetime(2026, 5, 4, 9, 0, tzinfo=TOKYO)
    )
    second = outings.share(
        store,
        pid,
        [("b.jpg", _photo((4, 5, 6))), ("a-again.jpg", _photo((1, 2, 3)))],
        now=datetime(2026, 5, 4, 23, 59, tzinfo=TOKYO),
    )
    assert first.made and not second.made
    assert first.outing.id == second.outing.id
    assert first.outing.happened_on == date(2026, 5, 4)
    assert first.outing.title == "Morning walk"
    # The same picture twice is one photo (stored once by content).
    assert [r.status for r in second.results] == ["stored", "duplicate"]
    assert photos.of_outing(store, first.outing.id)[0].id == second.results[1].photo.id
    assert outings.photo_count(store, first.outing.id) == 2
    # One minute past her midnight is another day, another outing.
    third = outings.share(
        store, pid, [("c.jpg", _photo((7, 8, 9)))], now=datetime(2026, 5, 5, 0, 1, tzinfo=TOKYO)
    )
    assert third.made and third.outing.happened_on == date(2026, 5, 5)
    assert third.outing.title == "Night out"
    assert outings.count(store, pid) == 2


def test_the_day_is_hers_not_utcs_across_a_dst_change(store, pid):
    settings_store.set(store, "timezone", "America/New_York")
    # 8 March 2026: clocks go forward at 02:00 in New York. 00:30 EST and 23:30 EDT are one
    # day for her; 23:30 EDT is already 9 March in UTC.
    early = outings.share(
        store,
        pid,
        [("a.jpg", _photo((10, 2, 3)))],
        now=datetime(2026, 3, 8, 5, 30, tzinfo=ZoneInfo("UTC")),
    )
    late = outings.share(
        store,
        pid,
        [("b.jpg", _photo((20, 2, 3)))],
        now=datetime(2026, 3, 9, 3, 30, tzinfo=ZoneInfo("UTC")),
    )
    assert early.outing.id == late.outing.id
    assert early.outing.happened_on == date(2026, 3, 8)
    assert outings.todays(store, pid, now=datetime(2026, 3, 8, 23, 59, tzinfo=NEW_YORK)).id == (
        early.outing.id
    )
    assert outings.todays(store, pid, now=datetime(2026, 3, 9, 0, 0, tzinfo=NEW_YORK)) is None


def test_an_outing_she_logged_today_is_joined_not_doubled(store, pid):
    settings_store.set(store, "timezone", "Asia/Tokyo")
    logged = outings.create(store, pid, "Korakuen Garden", happened_on=date(2026, 5, 4))
    shared = outings.share(
        store, pid, [("a.jpg", _photo((1, 2, 3)))], now=datetime(2026, 5, 4, 15, 0, tzinfo=TOKYO)
    )
    assert not shared.made and shared.outing.id == logged.id
    assert shared.outing.title == "Korakuen Garden"


def test_titled_from_the_place_found_offline_and_in_taken_time_order(store, pid):
    settings_store.set(store, "timezone", "Asia/Tokyo")
    files = [
        ("later.jpg", _photo((1, 2, 3), taken="2026:05:04 15:20:00", gps=OKAYAMA)),
        ("earlier.jpg", _photo((4, 5, 6), taken="2026:05:04 13:05:00")),
        ("no-exif.png", pf.png()),
    ]
    shared = outings.share(store, pid, files, now=datetime(2026, 5, 4, 16, 0, tzinfo=TOKYO))
    assert shared.outing.place == "Okayama"
    assert shared.outing.title == "Afternoon in Okayama"
    in_order = [p.original_name for p in photos.of_outing(store, shared.outing.id)]
    # A photo without a taken time counts from when it was shared (16:00, the last).
    assert in_order == ["earlier.jpg", "later.jpg", "no-exif.png"]
    assert [photos.get(store, i).original_name for i in shared.photo_ids] == in_order
    assert shared.outing.cover_photo_id == shared.photo_ids[0]


def test_a_title_in_japanese_when_she_uses_japanese(store, pid):
    settings_store.set(store, "timezone", "Asia/Tokyo")
    use_language("ja")
    try:
        shared = outings.share(
            store,
            pid,
            [("a.jpg", _photo((1, 2, 3)))],
            now=datetime(2026, 5, 4, 14, 0, tzinfo=TOKYO),
        )
    finally:
        use_language("en")
    assert shared.outing.title == "午後のおでかけ"
    use_language("ja")
    try:
        there = outings.share(
            store,
            pid,
            [("b.jpg", _photo((4, 5, 6), gps=OKAYAMA))],
            now=datetime(2026, 5, 5, 14, 0, tzinfo=TOKYO),
        )
    finally:
        use_language("en")
    assert (there.outing.title, there.outing.place) == ("岡山の午後", "岡山")


def test_only_damaged_files_make_nothing_and_store_no_words(store, pid):
    message, problems = send(
        store,
        pid,
        "look at this",
        [Upload("broken.jpg", pf.truncated_jpeg()), Upload("notes.jpg", pf.text_named_jpg())],
        photos_required=True,
    )
    assert message is None
    assert len(problems) == 2 and all(
        p.startswith(("broken.jpg: ", "notes.jpg: ")) for p in problems
    )
    assert outings.count(store, pid) == 0
    assert messages.count(store, pid) == 0
    assert list(store.photos_dir.rglob("*.*")) == []


def test_a_chat_message_with_photos_points_at_todays_outing(store, pid):
    message, problems = send(
        store, pid, "the koi!", [Upload("koi.jpg", _photo((9, 9, 9))), Upload("x.jpg", b"no")]
    )
    assert problems == ["x.jpg: The file is not an image Kizuna can read."]
    outing = outings.todays(store, pid)
    assert outing is not None
    assert [p.id for p in photos.of_outing(store, outing.id)] == list(message.photo_ids)


def test_okayama_coordinates_are_named_okayama_offline():
    assert places.name_for(*OKAYAMA) == "Okayama"
    assert places.name_for(35.6812, 139.7671) == "Tokyo"  # the city, not a district
    assert places.name_for(34.5955, 133.7717) == "Kurashiki"  # its own town, not Okayama's
    assert places.name_for(35.3192, 139.5467) == "Kamakura"  # not Fujisawa, the city next door
    assert places.name_for(*OKAYAMA, language="ja") == "岡山"
    assert places.name_for(48.8566, 2.3522, language="ja") == "パリ"
    assert places.name_for(60.0, -30.0) is None  # the open sea has no name
    assert places.name_for(0.0, 0.0) is None  # an unset GPS point
    assert places.label("Korakuen", places.Point(*OKAYAMA)) == "Korakuen"  # her words first


def test_a_companion_that_cannot_see_is_told_the_town_not_the_numbers(store, pid):
    from companion.album import describe_photo

    settings_store.set(store, "timezone", "Asia/Tokyo")
    outing, _ = outings.log(store, pid, "Garden", files=[("a.jpg", _photo((1, 2, 3), gps=OKAYAMA))])
    photo = photos.of_outing(store, outing.id)[0]
    said = describe_photo(photo, outing, TOKYO)
    assert "at Okayama" in said and "34.6" not in said


def test_shares_at_the_same_moment_make_one_outing(store, pid):
    import threading

    settings_store.set(store, "timezone", "Asia/Tokyo")
    now = datetime(2026, 5, 4, 10, 0, tzinfo=TOKYO)
    start = threading.Barrier(4)
    made = []

    def share(i):
        start.wait()
        made.append(outings.share(store, pid, [(f"{i}.jpg", _photo((i * 40, 9, 9)))], now=now))

    threads = [threading.Thread(target=share, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outings.count(store, pid) == 1
    assert sum(shared.made for shared in made) == 1
    assert outings.photo_count(store, made[0].outing.id) == 4
