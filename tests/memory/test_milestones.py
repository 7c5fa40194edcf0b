import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from memory import messages, milestones, personas, photos, timeline

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def pid(store):
    return personas.ensure_starter(store, today=date(2024, 1, 31)).id


def jpeg_bytes(color=(200, 80, 120)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, "JPEG")
    return out.getvalue()


def add_outing(store, pid, title, day, place=None) -> int:
    return store.execute(
        "INSERT INTO outings (persona_id, title, place, happened_on) VALUES (?, ?, ?, ?) "
        "RETURNING id",
        [pid, title, place, day],
    ).fetchone()[0]


def test_own_milestones_can_be_added_edited_and_deleted(store, pid):
    msg = messages.add(store, pid, "companion", "Will you marry me?")
    added = milestones.add(
        store, pid, "  The proposal  ", date(2024, 6, 1), kind="proposal", message_id=msg.id
    )
    assert (added.title, added.kind, added.message_id) == ("The proposal", "proposal", msg.id)
    assert milestones.for_message(store, msg.id) == [added]

    edited = milestones.update(
        store,
        added.id,
        title="He proposed",
        happened_on=date(2024, 6, 2),
        kind="proposal",
        note="At the harbour",
        message_id=msg.id,
    )
    assert milestones.get(store, added.id) == edited
    assert (edited.title, edited.happened_on, edited.note) == (
        "He proposed",
        date(2024, 6, 2),
        "At the harbour",
    )

    milestones.delete(store, added.id)
    assert milestones.get(store, added.id) is None
    assert messages.get(store, msg.id) is not None  # what it linked to stays


@pytest.mark.parametrize(
    ("title", "day", "kind", "message"),
    [
        ("   ", date(2024, 1, 1), "other", "needs a title"),
        ("x" * 201, date(2024, 1, 1), "other", "under 200"),
        ("Ok", None, "other", "needs the date"),
        ("Ok", date(2024, 1, 1), "nonsense", "Unknown kind"),
    ],
)
def test_invalid_milestones_are_refused_plainly(store, pid, title, day, kind, message):
    with pytest.raises(ValueError, match=message):
        milestones.add(store, pid, title, day, kind=kind)
    assert milestones.own(store, pid) == []


def test_links_must_belong_to_the_same_companion(store, pid):
    other = personas.create(store, name="Ren").persona_id
    theirs = messages.add(store, other, "user", "hello Ren")
    with pytest.raises(ValueError, match="message no longer exists"):
        milestones.add(store, pid, "Hi", date(2024, 1, 1), message_id=theirs.id)
    with pytest.raises(ValueError, match="outing no longer exists"):
        milestones.add(store, pid, "Hi", date(2024, 1, 1), outing_id=999)


def test_automatic_milestones_come_from_the_data(store, pid):
    start = datetime(2024, 1, 31, 14, 0, tzinfo=UTC)  # 23:00 in Tokyo, the 31st
    store.execute(
        "INSERT INTO messages (persona_id, role, content, created_at) "
        "SELECT ?, CASE WHEN i % 2 = 0 THEN 'user' ELSE 'companion' END, 'm' || i, "
        "? + to_minutes(i * 30) FROM range(1200) t(i)",
        [pid, start],
    )
    outing = add_outing(store, pid, "Korakuen Garden", date(2024, 2, 10))
    photos.add(store, jpeg_bytes(), outing_id=outing)

    found = milestones.automatic(store, pid, TOKYO, today=date(2025, 3, 1))
    titles = {m.title: m for m in found}

    first = titles["Our first message"]
    assert first.happened_on == date(2024, 1, 31)
    assert messages.get(store, first.message_id).content == "m0"
    hundredth = titles["Our 100th message"]
    # message 99 (0-based) is at start + 49.5 h = 2 Feb 15:30 UTC = 3 Feb 00:30 in Tokyo
    assert hundredth.happened_on == date(2024, 2, 3)
    assert messages.get(store, hundredth.message_id).content == "m99"
    thousandth = titles["Our 1,000th message"]
    assert messages.get(store, thousandth.message_id).content == "m999"
    assert thousandth.happened_on == (start + timedelta(minutes=999 * 30)).astimezone(TOKYO).date()
    assert "Our 10,000th message" not in titles

    assert titles["Our first outing: Korakuen Garden"].outing_id == outing
    assert titles["Our first photo together"].happened_on == date(2024, 2, 10)
    # Together since 31 January: months end on the last day of shorter months.
    assert titles["1 month together"].happened_on == date(2024, 2, 29)
    assert titles["2 months together"].happened_on == date(2024, 3, 31)
    assert titles["1 year together"].happened_on == date(2025, 1, 31)
    assert titles["1 year and 1 month together"].happened_on == date(2025, 2, 28)
    assert titles["Day 100 together"].happened_on == date(2024, 5, 9)
    assert "1 year and 2 months together" not in titles  # after "today"
    assert [m.happened_on for m in found] == sorted(m.happened_on for m in found)


def test_a_new_companion_has_no_automatic_milestones_yet(store, pid):
    assert milestones.automatic(store, pid, TOKYO, today=date(2024, 1, 31)) == []


def test_next_anniversaries_include_own_milestones(store, pid):
    milestones.add(store, pid, "Confession", date(2023, 3, 14), kind="confession")
    upcoming = milestones.next_anniversaries(store, pid, TOKYO, date(2024, 3, 1), count=3)
    assert [(a.day, a.title, a.days_until) for a in upcoming] == [
        (date(2024, 3, 14), "1 year since “Confession”", 13),
        (date(2024, 3, 31), "2 months together", 30),
        (date(2024, 4, 30), "3 months together", 60),
    ]


def test_timeline_mixes_items_newest_first_grouped_by_month(store, pid):
    messages.add(store, pid, "user", "hello", created_at=datetime(2024, 2, 1, 3, tzinfo=UTC))
    outing = add_outing(store, pid, "Sea day", date(2024, 3, 5), place="Enoshima")
    cover = photos.add(store, jpeg_bytes((10, 120, 200)), outing_id=outing)
    store.execute(
        "INSERT INTO journal_entries (persona_id, written_on, mood, body) VALUES (?, ?, ?, ?)",
        [pid, date(2024, 3, 6), 5, "A good day\nWe ate crêpes by the sea."],
    )
    milestones.add(store, pid, "The confession", date(2024, 3, 5), kind="confession")

    items = timeline.items(store, pid, TOKYO, today=date(2024, 3, 10))
    assert [(i.kind, i.day, i.title) for i in items] == [
        ("journal", date(2024, 3, 6), "A good day"),
        ("milestone", date(2024, 3, 5), "Our first outing: Sea day"),
        ("milestone", date(2024, 3, 5), "Our first photo together"),
        ("milestone", date(2024, 3, 5), "The confession"),
        ("outing", date(2024, 3, 5), "Sea day"),
        ("milestone", date(2024, 2, 29), "1 month together"),
        ("milestone", date(2024, 2, 1), "Our first message"),
    ]
    journal_entry, *_, sea_day, _, _ = items
    assert journal_entry.detail == "We ate crêpes by the sea." and journal_entry.icon == "😄"
    # The cover is the thumbnail made when the photo was stored, never the original.
    assert sea_day.image == store.path_of(cover.thumb_path) and sea_day.detail == "Enoshima"
    assert [(m, len(group)) for m, group in timeline.by_month(items)] == [
        (date(2024, 3, 1), 5),
        (date(2024, 2, 1), 2),
    ]


def test_outing_cover_prefers_the_thumbnail(store, pid):
    outing = add_outing(store, pid, "Museum", date(2024, 4, 1))
    first = photos.add(store, jpeg_bytes((1, 2, 3)), outing_id=outing)
    chosen = photos.add(store, jpeg_bytes((200, 200, 10)), outing_id=outing)
    thumb = store.thumbs_dir / "chosen.jpg"
    thumb.parent.mkdir(parents=True, exist_ok=True)
    thumb.write_bytes(jpeg_bytes((200, 200, 10)))
    store.execute("UPDATE photos SET thumb_path = 'thumbs/chosen.jpg' WHERE id = ?", [chosen.id])

    (item,) = timeline.outings(store, pid)
    assert item.image == store.path_of(first.thumb_path) and item.photo_count == 2
    # A photo whose thumbnail went missing falls back to the photo file itself.
    store.path_of(first.thumb_path).unlink()
    (item,) = timeline.outings(store, pid)
    assert item.image == store.path_of(first.path)
    store.execute("UPDATE outings SET cover_photo_id = ? WHERE id = ?", [chosen.id, outing])
    (item,) = timeline.outings(store, pid)
    assert item.image == thumb
