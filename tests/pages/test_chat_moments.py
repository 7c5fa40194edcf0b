"""Album and journal replies in the chat are shared moments (cards), not a flood of bubbles."""

from __future__ import annotations

from datetime import date

from companion import album, journal
from companion.offline import OfflineVoice
from memory import Store, messages, outings, personas, photos
from memory import journal as journal_store
from tests import photo_files as pf
from tests.pages.conftest import plain


def _outing_with_responses(s, pid, n_photos=3):
    files = [(f"p{i}.jpg", pf.jpeg((40 * i, 90, 200))) for i in range(n_photos)]
    outing, _ = outings.log(s, pid, "Korakuen Garden", place="Okayama", files=files)
    voice = OfflineVoice(seed=5)
    for photo in photos.of_outing(s, outing.id):
        album.respond_to_photo(s, voice, photo.id).text()
    album.respond_to_outing(s, voice, outing.id).text()
    return outing


def test_an_outings_responses_are_one_card_with_thumbnails_and_a_link(app, data_dir):
    s = Store.open(data_dir)
    pid = personas.ensure_starter(s).id
    outing = _outing_with_responses(s, pid)
    day_words = outings.responses(s, outing.id)[None].content
    app.run()
    # Four album responses, one moment: one chat message, not four bubbles.
    assert len(app.chat_message) == 1
    card = app.chat_message[0]
    shown = " ".join(m.value for m in card.markdown)
    assert "Korakuen Garden" in shown
    assert any(plain(m.value) == day_words for m in card.markdown)
    assert "3 more responses" in " ".join(c.value for c in card.caption)
    assert len(card.image) == 3  # a thumbnail per photo he answered
    open_button = next(b for b in app.button if b.key.startswith("chat_moment_open_"))
    open_button.click().run()
    assert app.session_state["album_outing"] == outing.id


def test_regenerate_is_offered_only_under_the_chat_reply_it_acts_on(app, data_dir):
    s = Store.open(data_dir)
    pid = personas.ensure_starter(s).id
    user = messages.add(s, pid, "user", "good morning")
    messages.add(s, pid, "companion", "Morning!", reply_to=user.id)
    app.run()
    assert any(b.key == "chat_regenerate_button" for b in app.button)
    entry = journal_store.add(s, pid, "A quiet walk by the river.", written_on=date(2026, 11, 30))
    journal.reflect(s, OfflineVoice(seed=1), entry.id)
    app.run()
    # The journal reflection is the last thing shown: no Regenerate under it.
    assert not any(b.key == "chat_regenerate_button" for b in app.button)
    card = app.chat_message[-1]
    assert "A quiet walk by the river" in " ".join(c.value for c in card.caption)
    assert any(b.key.startswith("chat_moment_open_") for b in app.button)


def test_sidebar_and_dashboard_count_today_the_same_way(data_dir):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from streamlit.testing.v1 import AppTest

    from memory import settings as settings_store
    from memory import stats
    from tests.pages.conftest import APP

    s = Store.open(data_dir)
    settings_store.set(s, "timezone", "UTC")
    pid = personas.ensure_starter(s).id
    user = messages.add(s, pid, "user", "hello")
    messages.add(s, pid, "companion", "hi!", reply_to=user.id)
    _outing_with_responses(s, pid, n_photos=2)  # three album responses, today too
    app = AppTest.from_file(str(APP), default_timeout=60).run()
    sidebar = next(c for c in app.sidebar.caption if "messages today" in c.value)
    assert "5 messages today" in sidebar.value
    assert sidebar.proto.help == messages.COUNTED
    tz = ZoneInfo("UTC")
    headline = stats.headline(stats.daily_counts(s, tz, persona_id=pid), datetime.now(tz).date())
    assert headline.today_from_user + headline.today_from_companion == 5
