"""The companion's album responses through the real SDK against the loopback server."""

import base64
import io

import pytest
from PIL import Image

from companion import album
from companion.offline import OfflineVoice
from companion.openai_provider import OpenAIProvider
from memory import messages, outings, personas, photos
from memory import settings as settings_store
from tests import photo_files as pf
from tests.openai_server import Answer


def provider_for(server, *, vision: bool):
    return OpenAIProvider(
        api_key="sk-test", base_url=server.base_url, model="fake-model", supports_images=vision
    )


@pytest.fixture
def outing_photo(store):
    settings_store.set(store, "timezone", "UTC")
    pid = personas.ensure_starter(store).id
    big = pf.jpeg((20, 60, 200), size=(3000, 2000), exif_data=pf.exif(taken="2025:05:04 17:42:00"))
    outing, _ = outings.log(
        store, pid, "Korakuen Garden", place="Okayama", notes="koi", files=[("koi.jpg", big)]
    )
    photo = photos.of_outing(store, outing.id)[0]
    photos.set_caption(store, photo.id, "the koi bridge")
    return outing, photos.get(store, photo.id)


def _user_content(server):
    return server.last_messages()[-1]["content"]


def test_with_vision_the_downscaled_photo_is_sent(store, fake_openai, outing_photo):
    _, photo = outing_photo
    fake_openai.script(Answer(chunks=["Those koi ", "were so bright!"]))
    reply = album.respond_to_photo(store, provider_for(fake_openai, vision=True), photo.id)
    assert reply.text() == "Those koi were so bright!"
    content = _user_content(fake_openai)
    image_parts = [p for p in content if p["type"] == "image_url"]
    assert len(image_parts) == 1
    encoded = image_parts[0]["image_url"]["url"].split(",", 1)[1]
    sent = Image.open(io.BytesIO(base64.b64decode(encoded)))
    assert max(sent.size) == photos.MODEL_MAX_SIDE  # never the 3000-pixel original
    assert "the koi bridge" in content[0]["text"]
    stored = outings.responses(store, photo.outing_id)[photo.id]
    assert stored.source == "album" and stored.photo_id == photo.id
    assert stored.meta["saw_image"] is True


def test_without_vision_a_description_is_sent_instead(store, fake_openai, outing_photo):
    _, photo = outing_photo
    fake_openai.script(Answer(chunks=["What a blue evening."]))
    album.respond_to_photo(store, provider_for(fake_openai, vision=False), photo.id).text()
    content = _user_content(fake_openai)
    assert isinstance(content, str), "no image part at all"
    assert "taken in the evening (17:42)" in content
    assert "blue" in content and "Okayama" in content and "the koi bridge" in content


def test_outing_response_sends_a_few_small_photos_with_vision(store, fake_openai, outing_photo):
    outing, _ = outing_photo
    fake_openai.script(Answer(chunks=["A perfect day."]))
    reply = album.respond_to_outing(store, provider_for(fake_openai, vision=True), outing.id)
    assert reply.text() == "A perfect day."
    parts = _user_content(fake_openai)
    assert [p["type"] for p in parts] == ["text", "image_url"]
    assert "Korakuen Garden" in parts[0]["text"] and "koi" in parts[0]["text"]
    assert outings.responses(store, outing.id)[None].photo_id is None


def test_failed_regeneration_keeps_the_previous_response(store, fake_openai, outing_photo):
    _, photo = outing_photo
    provider = provider_for(fake_openai, vision=False)
    fake_openai.script(Answer(chunks=["First words."]), Answer(chunks=["Half"], cut_after=1))
    album.respond_to_photo(store, provider, photo.id).text()
    again = album.respond_to_photo(store, provider, photo.id)
    again.text()
    assert again.error is not None and again.message is None
    assert outings.responses(store, photo.outing_id)[photo.id].content == "First words."


def test_regeneration_replaces_the_response(store, fake_openai, outing_photo):
    _, photo = outing_photo
    provider = provider_for(fake_openai, vision=False)
    fake_openai.script(Answer(chunks=["One."]), Answer(chunks=["Two."]))
    album.respond_to_photo(store, provider, photo.id).text()
    album.respond_to_photo(store, provider, photo.id).text()
    assert outings.responses(store, photo.outing_id)[photo.id].content == "Two."
    assert messages.count(store) == 1


def test_offline_voice_answers_from_what_is_known(store, outing_photo):
    _, photo = outing_photo
    reply = album.respond_to_photo(store, OfflineVoice(seed=3), photo.id)
    text = reply.text()
    assert text and reply.message.provider == "offline"
    turns, context = reply.turns()
    assert context.has_photos and "the koi bridge" in context.user_text
    assert not turns[-1].images


def test_answering_a_photo_continues_in_chat_with_the_photo_attached(
    store, fake_openai, outing_photo
):
    _, photo = outing_photo
    fake_openai.script(Answer(chunks=["Album words."]), Answer(chunks=["Yes, I remember!"]))
    provider = provider_for(fake_openai, vision=True)
    album.respond_to_photo(store, provider, photo.id).text()
    continued = album.answer_photo(store, provider, photo.id, "Remember the koi?")
    assert continued.reply.text() == "Yes, I remember!"
    chat = messages.recent(store, continued.user_message.persona_id, sources=("chat",))
    assert [(m.role, m.content) for m in chat] == [
        ("user", "Remember the koi?"),
        ("companion", "Yes, I remember!"),
    ]
    assert chat[0].photo_ids == (photo.id,)
    sent = fake_openai.last_messages()
    assert any(m["content"] == "Album words." for m in sent if m["role"] == "assistant")
    assert any(p["type"] == "image_url" for p in sent[-1]["content"])


def test_time_of_day_names():
    from datetime import UTC, datetime

    names = [album.time_of_day(datetime(2025, 1, 1, h, tzinfo=UTC), UTC) for h in (3, 7, 12, 18)]
    assert names == ["night", "early morning", "midday", "evening"]
    assert album.time_of_day(None, UTC) is None


def test_missing_photo_file_gives_a_plain_error_not_a_crash(store, fake_openai, outing_photo):
    _, photo = outing_photo
    store.path_of(photo.path).unlink()
    reply = album.respond_to_photo(store, provider_for(fake_openai, vision=True), photo.id)
    assert reply.text() == ""
    assert "missing" in reply.error.message
    assert fake_openai.requests == []
