"""One pipeline for every voice: screening and care for each source of her words.

Chat, album, journal and the CLI's `add-outing --respond` all go through
`companion.pipeline`; each is tested once here against the loopback OpenAI-format server.
"""

from __future__ import annotations

from datetime import date

import pytest

from companion import album, check, journal, pipeline
from companion.conversation import Reply, send
from companion.offline import OfflineVoice
from companion.openai_provider import OpenAIProvider
from companion.provider import ProviderError
from companion.safety import crisis_instructions, recent_concern
from memory import journal as journal_store
from memory import messages, outings, personas, photos
from memory import settings as settings_store
from memory.cli import main
from tests import photo_files as pf
from tests.openai_server import Answer

HARMFUL = ["Honestly, ", "you should ", "kill ", "yourself."]


def provider_for(server, *, vision: bool = False):
    return OpenAIProvider(
        api_key="sk-test", base_url=server.base_url, model="fake-model", supports_images=vision
    )


def _chat(store, provider, words):
    pid = personas.ensure_starter(store).id
    user, _ = send(store, pid, words)
    return pid, Reply(store, provider, user)


def _album_photo(store, provider, words):
    pid = personas.ensure_starter(store).id
    outing, _ = outings.log(store, pid, "Seaside", files=[("sea.jpg", pf.jpeg((20, 90, 200)))])
    photo = photos.of_outing(store, outing.id)[0]
    photos.set_caption(store, photo.id, words)
    return pid, album.respond_to_photo(store, provider, photo.id)


def _album_outing(store, provider, words):
    pid = personas.ensure_starter(store).id
    outing = outings.create(store, pid, "Seaside", notes=words)
    return pid, album.respond_to_outing(store, provider, outing.id)


def _journal(store, provider, words):
    pid = personas.ensure_starter(store).id
    entry = journal_store.add(store, pid, words, written_on=date(2026, 11, 30))
    return pid, journal.Reflection(store, provider, entry.id)


SOURCES = {
    "chat": _chat,
    "album photo caption": _album_photo,
    "album outing notes": _album_outing,
    "journal": _journal,
}


@pytest.mark.parametrize("source", SOURCES)
def test_crisis_words_bring_care_and_a_harmful_reply_is_withheld(store, fake_openai, source):
    fake_openai.script(Answer(chunks=HARMFUL))
    pid, reply = SOURCES[source](store, provider_for(fake_openai), "もう消えたい")
    shown = "".join(reply)
    assert reply.crisis is not None and reply.crisis.categories == ("intent",)
    assert crisis_instructions() in fake_openai.last_messages()[0]["content"]
    assert reply.withheld and reply.error is None
    assert "kill" not in shown
    assert reply.message.content in shown and "kill" not in reply.message.content
    assert reply.message.meta["withheld"] is True
    assert reply.message.meta["care"] == ["intent"]
    hits = store.execute("SELECT count(*) FROM messages WHERE content ILIKE '%kill%'").fetchone()
    assert hits[0] == 0
    # The helpline panel follows her words wherever she wrote them.
    assert recent_concern(store, pid) is not None


@pytest.mark.parametrize("source", SOURCES)
def test_ordinary_words_get_an_unscreened_reply_and_no_care(store, fake_openai, source):
    fake_openai.script(Answer(chunks=["What a ", "lovely day."]))
    pid, reply = SOURCES[source](store, provider_for(fake_openai), "the sea was killing it")
    assert reply.text() == "What a lovely day."
    assert reply.crisis is None and not reply.withheld
    assert crisis_instructions() not in fake_openai.last_messages()[0]["content"]
    assert "care" not in (reply.message.meta or {})
    assert recent_concern(store, pid) is None


def test_a_journal_entry_in_crisis_gets_the_prepared_care_from_the_offline_voice(store):
    pid = personas.ensure_starter(store).id
    entry = journal_store.add(store, pid, "もう死にたい", written_on=date(2026, 11, 30))
    reflection = journal.reflect(store, OfflineVoice(seed=2), entry.id)
    assert "相談窓口" in reflection.message.content
    assert recent_concern(store, pid).id == reflection.message.id


def test_cli_respond_uses_the_settings_and_the_same_care(
    tmp_path, data_dir, store, use_fake_openai, capsys
):
    settings_store.set(store, "vision", False)  # Settings: "don't send photos"
    settings_store.set(store, "temperature", 0.3)
    pid = personas.ensure_starter(store).id
    store.close()
    photo = tmp_path / "sea.jpg"
    photo.write_bytes(pf.jpeg((30, 80, 190)))
    use_fake_openai.script(Answer(chunks=HARMFUL), Answer(chunks=["A quiet day."]))
    args = ["--title", "Seaside", "--notes", "I want to disappear", "--respond", str(photo)]
    code = main(["add-outing", *args])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "kill" not in out
    bodies = [r["body"] for r in use_fake_openai.requests]
    assert [b["temperature"] for b in bodies] == [0.3, 0.3]
    sent = [m for b in bodies for m in b["messages"]]
    assert not any(isinstance(m["content"], list) for m in sent)  # no image parts at all
    assert all(crisis_instructions() in b["messages"][0]["content"] for b in bodies)
    again = type(store).open(data_dir)
    try:
        assert recent_concern(again, pid) is not None
        stored = messages.recent(again, pid, sources=("album",))
        assert [m.meta.get("withheld", False) for m in stored] == [True, False]
    finally:
        again.close()


def test_a_request_can_be_passed_whole(store, fake_openai):
    """The shape other voices (greetings, ceremony) use: no subclass, one Request."""
    fake_openai.script(Answer(chunks=["Good ", "morning."]))
    pid = personas.ensure_starter(store).id
    reply = pipeline.Reply(
        store,
        provider_for(fake_openai),
        pipeline.Request(
            persona=personas.current(store, pid),
            placement=messages.Placement(pid, source="greeting"),
            text="She opened the app this morning.",
            instructions=["Greet her in one sentence."],
        ),
        temperature=0.5,
    )
    assert reply.text() == "Good morning."
    assert reply.message.source == "greeting" and reply.message.role == "companion"
    assert "Greet her in one sentence." in fake_openai.last_messages()[0]["content"]
    assert fake_openai.requests[-1]["body"]["temperature"] == 0.5


def test_a_missing_photo_file_is_one_sentence_and_nothing_changes(store, fake_openai):
    pid = personas.ensure_starter(store).id
    outing, _ = outings.log(store, pid, "Seaside", files=[("sea.jpg", pf.jpeg((20, 90, 200)))])
    photo = photos.of_outing(store, outing.id)[0]
    store.path_of(photo.path).unlink()
    for thumb in store.thumbs_dir.rglob("*"):
        if thumb.is_file():
            thumb.unlink()
    reply = album.respond_to_photo(store, provider_for(fake_openai, vision=True), photo.id)
    assert reply.text() == ""
    assert reply.error.kind == "bad_request" and "missing" in reply.error.message
    assert messages.count(store) == 0


def test_check_says_one_sentence_for_each_kind_of_provider(fake_openai):
    fake_openai.script(Answer(chunks=["ok"]))
    assert check(provider_for(fake_openai)) == "Connected: fake-model answered “ok”."
    assert "needs no connection" in check(OfflineVoice())
    fake_openai.script(Answer(status=401))
    with pytest.raises(ProviderError) as info:
        check(OpenAIProvider(api_key="x", base_url=fake_openai.base_url, model="m", max_retries=0))
    assert info.value.kind == "auth"


def test_the_very_next_reply_speaks_with_the_version_just_saved(store, fake_openai):
    # The version in force is kept between replies; every save, restore and new companion
    # is in the next reply's prompt, and his stored reply names the version it was made with.
    pid = personas.ensure_starter(store).id
    provider = provider_for(fake_openai)

    def reply_to(words):
        user, _ = send(store, pid, words)
        reply = Reply(store, provider, user)
        reply.text()
        return fake_openai.last_messages()[0]["content"], reply.message

    system, stored = reply_to("hello")
    assert "You are Sora" in system
    first = stored.persona_version_id
    saved = personas.save_version(store, pid, name="Hikari", speaking_style="Only in haiku.")
    system, stored = reply_to("hello again")
    assert "You are Hikari" in system and "Only in haiku." in system
    assert stored.persona_version_id == saved.id
    restored = personas.restore(store, pid, first)
    system, stored = reply_to("and again")
    assert "You are Sora" in system and "haiku" not in system
    assert stored.persona_version_id == restored.id
    kai = personas.create(store, name="Kai", speaking_style="Terse.")
    user, _ = send(store, kai.persona_id, "hi Kai")
    Reply(store, provider, user).text()
    assert "You are Kai" in fake_openai.last_messages()[0]["content"]
    personas.save_version(store, pid, name="Sora", speaking_style="Gentle.")
    system, _ = reply_to("one more")
    assert "Gentle." in system
