"""Share a moment from the chat page: photos and a line, his answer, today's outing."""

from __future__ import annotations

from memory import Store, messages, outings, personas, photos
from memory import settings as settings_store
from tests import photo_files as pf
from tests.openai_server import Answer
from tests.pages.conftest import plain, shown_texts

OKAYAMA = (34.66750, 133.93583)


def _share(app, files, line=""):
    app.button(key="share_toggle").click().run()
    app.get("file_uploader")[0].set_value(files)
    if line:
        app.text_input(key="share_line_0").input(line)
    app.button(key="share_send").click().run()
    return app


def test_a_shared_moment_joins_todays_outing_and_he_answers_it(
    use_fake_openai, monkeypatch, app, data_dir
):
    monkeypatch.setenv("KIZUNA_VISION", "1")
    use_fake_openai.script(Answer(chunks=["What a ", "garden, love."]))
    later = pf.jpeg((200, 40, 40), exif_data=pf.exif(taken="2026:05:04 15:20:00", gps=OKAYAMA))
    earlier = pf.jpeg((40, 200, 40), exif_data=pf.exif(taken="2026:05:04 13:05:00", gps=OKAYAMA))
    _share(
        app,
        [("koi.jpg", later, "image/jpeg"), ("bridge.jpg", earlier, "image/jpeg")],
        line="Korakuen with you",
    )
    assert not app.exception, [e.value for e in app.exception]
    with Store.open(data_dir) as s:
        pid = personas.ensure_starter(s).id
        outing = outings.todays(s, pid)
        assert outing is not None and outing.place == "Okayama"
        in_album = [p.original_name for p in photos.of_outing(s, outing.id)]
        assert in_album == ["bridge.jpg", "koi.jpg"]  # taken-time order
        user, reply = messages.recent(s, pid)
        assert user.content == "Korakuen with you"
        assert list(user.photo_ids) == [p.id for p in photos.of_outing(s, outing.id)]
        assert reply.role == "companion" and reply.reply_to == user.id
        assert reply.content == "What a garden, love."
    # He saw both photos and was told where they went.
    sent = use_fake_openai.last_messages()[-1]["content"]
    assert sent[0]["text"].startswith("Korakuen with you")
    assert f"“{outing.title}”, at Okayama" in sent[0]["text"]
    assert sum(part["type"] == "image_url" for part in sent) == 2
    # The chat shows her photos, the way to the outing, and his answer.
    assert "What a garden, love." in shown_texts(app)
    link = app.button(key=f"share_open_outing_{user.id}")
    assert outing.title in plain(link.label)
    link.click().run()
    assert app.session_state["album_outing"] == outing.id
    assert outing.title in [plain(t.value) for t in app.title]
    assert any("Okayama" in plain(c.value) for c in app.caption)


def test_a_damaged_photo_gets_one_sentence_and_nothing_is_made(use_fake_openai, app, data_dir):
    _share(app, [("broken.jpg", pf.truncated_jpeg(), "image/jpeg")], line="look")
    assert not app.exception
    shown = [plain(e.value) for e in app.error]
    assert len(shown) == 1 and shown[0].startswith("Could not share broken.jpg: ")
    assert shown[0].endswith(".") and "\n" not in shown[0]  # one sentence
    with Store.open(data_dir) as s:
        assert outings.count(s) == 0
        assert messages.count(s) == 0
    assert use_fake_openai.requests == []
    # The form is still open with the line she typed, ready for another photo.
    assert app.text_input(key="share_line_0").value == "look"


def test_sharing_in_japanese_names_the_outing_in_japanese(app, data_dir):
    with Store.open(data_dir) as s:
        settings_store.set(s, "language", "ja")
    app.run()
    assert app.button(key="share_toggle").label == "この瞬間をシェア"
    _share(app, [("a.jpg", pf.jpeg(), "image/jpeg")])
    assert not app.exception
    with Store.open(data_dir) as s:
        title = outings.todays(s, personas.ensure_starter(s).id).title
    assert title.endswith("のおでかけ")
