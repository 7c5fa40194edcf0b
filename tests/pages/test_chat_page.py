"""The chat page under AppTest: paging, day separators, regenerate, delete, photos, vision."""

import base64
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from PIL import Image as PILImage

from memory import Store, messages, personas
from memory import settings as settings_store
from tests.openai_server import Answer
from tests.pages.conftest import bubble_texts, bubbles, day_lines, open_menu, plain


def jpeg_bytes(size=(2400, 1600), colour=(40, 120, 200)) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", size, colour).save(out, "JPEG", quality=90)
    return out.getvalue()


def starter(data_dir):
    s = Store.open(data_dir)
    return s, personas.ensure_starter(s).id


def test_only_a_screenful_renders_and_show_earlier_pages_back(app, data_dir):
    s, pid = starter(data_dir)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for i in range(100):
        role = "user" if i % 2 == 0 else "companion"
        messages.add(s, pid, role, f"note {i}", created_at=start + timedelta(minutes=i))
    app.run()
    assert bubble_texts(app) == [f"note {i}" for i in range(60, 100)]
    assert "60 more" in app.button(key="chat_show_earlier").label
    app.button(key="chat_show_earlier").click().run()
    assert bubble_texts(app) == [f"note {i}" for i in range(20, 100)]
    app.button(key="chat_show_earlier").click().run()
    assert bubble_texts(app) == [f"note {i}" for i in range(100)]
    assert not any(b.key == "chat_show_earlier" for b in app.button)


def test_day_separators_follow_the_users_time_zone(app, data_dir):
    s, pid = starter(data_dir)
    settings_store.set(s, "timezone", "Asia/Tokyo")
    tokyo = ZoneInfo("Asia/Tokyo")
    # 23:30 and 00:30 in Tokyo: the same UTC day, two different days for the user.
    messages.add(s, pid, "user", "late", created_at=datetime(2025, 6, 1, 23, 30, tzinfo=tokyo))
    messages.add(s, pid, "user", "early", created_at=datetime(2025, 6, 2, 0, 30, tzinfo=tokyo))
    app.run()
    separators = day_lines(app)
    assert separators == ["— Sunday, 1 June 2025 —", "— Monday, 2 June 2025 —"]
    settings_store.set(s, "language", "ja")
    app.run()
    separators = day_lines(app)
    assert separators == ["— 2025年6月1日日曜日 —", "— 2025年6月2日月曜日 —"]


def test_regenerate_replaces_the_last_reply(app, data_dir):
    app.chat_input[0].set_value("Tell me about the sea").run()
    s, pid = starter(data_dir)
    first = messages.recent(s, pid)
    app.button(key="chat_regenerate_button").click().run()
    app.run()  # the rerun that streams the new reply
    assert not app.exception
    second = messages.recent(s, pid)
    assert [m.role for m in second] == ["user", "companion"]
    assert second[0].id == first[0].id
    assert second[1].id != first[1].id
    assert second[1].reply_to == first[0].id


def test_failed_regenerate_keeps_the_old_reply_and_offers_retry(use_fake_openai, app, data_dir):
    use_fake_openai.script(Answer(chunks=["The sea ", "is wide."]))
    app.chat_input[0].set_value("Tell me about the sea").run()
    s, pid = starter(data_dir)
    old = messages.recent(s, pid)[1]
    use_fake_openai.default = Answer(status=500)
    app.button(key="chat_regenerate_button").click().run()
    app.run()
    assert [m.id for m in messages.recent(s, pid)][1] == old.id
    assert any("internal error" in plain(e.value) for e in app.error)
    use_fake_openai.default = Answer(chunks=["Deep ", "and blue."])
    app.button(key="chat_retry").click().run()
    now = messages.recent(s, pid)
    assert [m.content for m in now] == ["Tell me about the sea", "Deep and blue."]


def test_delete_asks_first_and_cancel_keeps_the_message(app, data_dir):
    s, pid = starter(data_dir)
    kept = messages.add(s, pid, "user", "keep me")
    gone = messages.add(s, pid, "user", "delete me")
    app.run()
    # A closed "⋯" menu holds no buttons; opening it builds them.
    assert not [b for b in app.button if b.key.startswith("chat_del_")]
    open_menu(app, kept.id)
    app.button(key=f"chat_del_{kept.id}").click().run()
    assert any("Delete this message for good?" in m.value for m in app.markdown)
    app.button(key=f"chat_del_no_{kept.id}").click().run()
    assert messages.get(s, kept.id) is not None
    open_menu(app, gone.id)
    app.button(key=f"chat_del_{gone.id}").click().run()
    app.button(key=f"chat_del_yes_{gone.id}").click().run()
    assert messages.get(s, gone.id) is None
    assert [m.content for m in messages.recent(s, pid)] == ["keep me"]
    assert not any("Delete this message for good?" in m.value for m in app.markdown)


def test_a_photo_is_stored_and_shown_as_a_thumbnail(app, data_dir):
    original = jpeg_bytes()
    app.chat_input[0].upload("garden.jpg", original, "image/jpeg").set_value("look!").run()
    assert not app.exception
    s, pid = starter(data_dir)
    user_message = messages.recent(s, pid)[0]
    assert user_message.content == "look!" and len(user_message.photo_ids) == 1
    thumbs = list((data_dir / "thumbs").rglob("*.jpg"))
    assert len(thumbs) == 1
    with PILImage.open(thumbs[0]) as thumb:
        assert max(thumb.size) <= 480
    shown = app.chat_message[0].image
    assert len(shown) == 1 and "media/" in shown[0].value[0]


def test_a_file_that_is_not_a_photo_gets_one_plain_sentence(app, data_dir):
    app.chat_input[0].upload("fake.jpg", b"not really a jpeg", "image/jpeg").run()
    assert any("Could not attach fake.jpg" in w.value for w in app.warning)
    s, _ = starter(data_dir)
    assert messages.count(s) == 0


def _sent_user_content(server):
    return server.requests[-1]["body"]["messages"][-1]["content"]


def test_vision_on_sends_a_downscaled_image_part(use_fake_openai, monkeypatch, app):
    monkeypatch.setenv("KIZUNA_VISION", "1")
    app.chat_input[0].upload("sea.jpg", jpeg_bytes(), "image/jpeg").set_value("the sea").run()
    assert not app.exception
    content = _sent_user_content(use_fake_openai)
    # Her words, then where the photo went (today's outing), so that he can speak of it.
    assert content[0]["type"] == "text"
    assert content[0]["text"].startswith("the sea\n\n(She shared this photo; it is now in ")
    url = content[1]["image_url"]["url"]
    assert url.startswith("data:image/jpeg;base64,")
    with PILImage.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))) as sent:
        assert max(sent.size) <= 1024


def test_vision_off_sends_text_only(use_fake_openai, monkeypatch, app):
    monkeypatch.setenv("KIZUNA_MODEL", "gpt-4o")  # a model name that would guess "yes"
    monkeypatch.setenv("KIZUNA_VISION", "0")
    app.chat_input[0].upload("sea.jpg", jpeg_bytes(), "image/jpeg").set_value("the sea").run()
    assert not app.exception
    sent = _sent_user_content(use_fake_openai)
    assert isinstance(sent, str) and sent.startswith("the sea\n\n(She shared this photo")


def test_a_cut_stream_shows_the_partial_text_but_stores_nothing(use_fake_openai, app, data_dir):
    use_fake_openai.script(Answer(chunks=["I was ", "about to ", "say"], cut_after=2))
    app.chat_input[0].set_value("finish this").run()
    assert any("cut off" in c.value for c in app.caption)
    assert any("I was about to" in plain(m.value) for m in app.markdown)
    assert app.button(key="chat_retry")
    s, pid = starter(data_dir)
    assert [m.role for m in messages.recent(s, pid)] == ["user"]


def test_a_20000_character_message_is_kept_and_shown_whole(app, data_dir):
    typed = ("長い手紙 <i>x</i> [a](b) " * 1000)[:20_000]
    app.chat_input[0].set_value(typed).run()
    s, pid = starter(data_dir)
    hers = messages.recent(s, pid)[0]
    assert hers.content == typed
    (shown,) = [b for b in bubbles(app) if b.get("id") == hers.id]
    assert shown["text"] == typed and shown["typed"]  # as typed, not as Markdown


def test_a_message_left_without_a_reply_can_still_get_one(app, data_dir):
    s, pid = starter(data_dir)
    messages.add(s, pid, "user", "Are you awake?")  # e.g. the tab was closed mid-reply
    app.run()
    app.button(key="chat_answer_pending").click().run()
    assert not app.exception
    stored = messages.recent(s, pid)
    assert [m.role for m in stored] == ["user", "companion"]
    assert stored[1].reply_to == stored[0].id


def test_a_200000_character_reply_streams_is_stored_and_shown_collapsed(
    use_fake_openai, app, data_dir
):
    word = "とても長い返事です。 The sea goes on and on, "
    text = (word * (200_000 // len(word) + 1))[:200_000]
    use_fake_openai.script(Answer(chunks=[text[i : i + 500] for i in range(0, len(text), 500)]))
    app.chat_input[0].set_value("tell me everything").run()
    assert not app.exception, [e.value for e in app.exception]
    s, pid = starter(data_dir)
    reply = messages.recent(s, pid)[-1]
    assert reply.role == "companion" and reply.content == text.strip()
    # the opening is on screen, the rest folded behind "Read on", nothing lost
    (fold,) = [e for e in app.expander if e.label.startswith("Read on — ")]
    shown = [m.value for m in app.markdown if m.value and m.value[:20] == text[:20]]
    assert len(shown) == 1 and len(shown[0]) <= 20_000
    rest = fold.markdown[0].value
    assert fold.label == f"Read on — {len(rest):,} more characters"
    assert shown[0] + " " + rest == text


def test_his_replies_with_more_than_emphasis_keep_streamlits_markdown(app, data_dir):
    """Light emphasis is drawn among the one-element messages; a list, a link, an address,
    nested or stray markers keep Streamlit's own Markdown (ui.text.reply_markdown)."""
    s, pid = starter(data_dir)
    simple = ["*smiles* **welcome home**", "snake_case stays", "I *really* do"]
    rich = ["- tea\n- cake", "[see](http://x.jp)", "go to www.example.com", "*very **much***"]
    rich += ["こんにちは_x_", "5 * 3", "write to a@b.co"]
    for text in simple + rich:
        messages.add(s, pid, "companion", text, provider="openai", model="m")
    app.run()
    assert bubble_texts(app) == simple
    drawn = [plain(m.markdown[0].value) for m in app.chat_message]
    assert len(drawn) == len(rich)
