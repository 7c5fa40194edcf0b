"""The OpenAI-compatible provider, through the real SDK, against a real loopback server."""

import io

import pytest
from PIL import Image as PILImage

from companion import ProviderError, Reply, Turn, send
from companion.openai_provider import OpenAIProvider
from companion.provider import Image
from memory import messages, personas
from tests.openai_server import Answer


def provider_for(server, **kwargs):
    return OpenAIProvider(api_key="sk-test", base_url=server.base_url, model="fake-model", **kwargs)


def jpeg_bytes(size=(64, 48), colour=(200, 30, 90)) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


def test_normal_stream_yields_the_chunks_in_order(fake_openai):
    fake_openai.script(Answer(chunks=["I missed ", "you ", "too."]))
    chunks = list(provider_for(fake_openai).stream([Turn("user", "I missed you")]))
    assert chunks == ["I missed ", "you ", "too."]
    sent = fake_openai.requests[-1]["body"]
    assert sent["stream"] is True
    assert sent["model"] == "fake-model"
    assert sent["messages"] == [{"role": "user", "content": "I missed you"}]


def test_image_part_is_sent_when_the_model_takes_images(fake_openai):
    turn = Turn("user", "look!", (Image(jpeg_bytes()),))
    list(provider_for(fake_openai, supports_images=True).stream([turn]))
    content = fake_openai.last_messages()[-1]["content"]
    assert content[0] == {"type": "text", "text": "look!"}
    assert content[1]["type"] == "image_url"
    assert content[1]["image_url"]["url"].startswith("data:image/jpeg;base64,")


def test_no_image_part_when_the_model_does_not_take_images(fake_openai):
    turn = Turn("user", "look!", (Image(jpeg_bytes()),))
    list(provider_for(fake_openai, supports_images=False).stream([turn]))
    assert fake_openai.last_messages()[-1]["content"] == "look!"


@pytest.mark.parametrize(
    ("status", "kind", "words"),
    [
        (401, "auth", "refused the API key"),
        (429, "rate_limit", "limiting requests"),
        (500, "server", "internal error"),
        (404, "not_found", "was not found"),
    ],
)
def test_http_failures_become_one_plain_sentence(fake_openai, status, kind, words):
    fake_openai.default = Answer(status=status)
    with pytest.raises(ProviderError) as info:
        list(provider_for(fake_openai, max_retries=0).stream([Turn("user", "hi")]))
    assert info.value.kind == kind
    assert words in info.value.message
    assert "Traceback" not in info.value.message


def test_rate_limit_is_reported_only_after_the_sdk_retries(fake_openai):
    fake_openai.default = Answer(status=429, error_body={"error": {"message": "slow down"}})
    with pytest.raises(ProviderError) as info:
        list(provider_for(fake_openai, max_retries=2).stream([Turn("user", "hi")]))
    assert info.value.kind == "rate_limit"
    assert len(fake_openai.requests) == 3


def test_timeout_is_its_own_message(fake_openai):
    fake_openai.default = Answer(delay=2.0)
    with pytest.raises(ProviderError) as info:
        list(provider_for(fake_openai, timeout=0.5, max_retries=0).stream([Turn("user", "hi")]))
    assert info.value.kind == "timeout"
    assert "took too long" in info.value.message


def test_connection_refused_is_explained():
    p = OpenAIProvider(api_key="k", base_url="http://127.0.0.1:9/v1", model="m", max_retries=0)
    with pytest.raises(ProviderError) as info:
        list(p.stream([Turn("user", "hi")]))
    assert info.value.kind == "connection"
    assert "could not reach" in info.value.message


def test_cut_stream_raises_with_the_partial_text(fake_openai):
    fake_openai.script(Answer(chunks=["one ", "two ", "three"], cut_after=2))
    received = []
    with pytest.raises(ProviderError) as info:
        for chunk in provider_for(fake_openai).stream([Turn("user", "count")]):
            received.append(chunk)
    assert info.value.kind == "cut"
    assert received == ["one ", "two "]
    assert info.value.partial == "one two "


@pytest.mark.parametrize(
    "answer", [Answer(status=401), Answer(status=500), Answer(chunks=["a", "b", "c"], cut_after=1)]
)
def test_failed_reply_keeps_the_user_message_and_stores_no_reply(store, fake_openai, answer):
    pid = personas.ensure_starter(store).id
    fake_openai.default = answer
    user_message, _ = send(store, pid, "are you there?")
    reply = Reply(store, provider_for(fake_openai, max_retries=0), user_message)
    list(reply)
    assert reply.error is not None and reply.message is None
    kept = messages.recent(store, pid)
    assert [(m.role, m.content) for m in kept] == [("user", "are you there?")]


def test_reply_records_provider_model_and_persona_version(store, fake_openai):
    pid = personas.ensure_starter(store).id
    pv = personas.save_version(store, pid, personality="teasing")
    fake_openai.script(Answer(chunks=["Always", " here."]))
    user_message, _ = send(store, pid, "are you there?")
    reply = Reply(store, provider_for(fake_openai), user_message)
    assert reply.text() == "Always here."
    stored = messages.get(store, reply.message.id)
    assert (stored.provider, stored.model, stored.persona_version_id) == (
        "openai",
        "fake-model",
        pv.id,
    )
    assert stored.reply_to == user_message.id
    system = fake_openai.last_messages()[0]
    assert system["role"] == "system" and "teasing" in system["content"]
    assert fake_openai.last_messages()[-1] == {"role": "user", "content": "are you there?"}


def test_a_photo_missing_from_disk_does_not_stop_the_reply(store, fake_openai):
    pid = personas.ensure_starter(store).id
    from companion import Upload

    user_message, _ = send(store, pid, "look", [Upload("a.jpg", jpeg_bytes())])
    for f in store.photos_dir.rglob("*.jpg"):
        f.unlink()
    reply = Reply(store, provider_for(fake_openai, supports_images=True), user_message)
    assert reply.text() == "Hello there!"
    sent = fake_openai.last_messages()[-1]["content"]
    assert isinstance(sent, str) and sent.startswith("look\n\n(She shared this photo")
