"""His voice aloud and her voice in, through the real SDK against the loopback server."""

from __future__ import annotations

import pytest

from companion import config as provider_config
from companion import speech
from memory import audio, messages, personas
from memory.errors import InvalidInput
from tests.openai_server import Answer, tone_wav


def voice_config(store, fake=None, **env):
    if fake is None:
        cfg = provider_config.resolve({}, environ={})
    else:
        cfg = provider_config.resolve(
            {}, environ={"OPENAI_BASE_URL": fake.base_url, "OPENAI_API_KEY": "sk-test"}
        )
    return speech.resolve(store, cfg, environ=env)


def a_reply(store, text="I'm right here with you."):
    pid = personas.ensure_starter(store).id
    asked = messages.add(store, pid, "user", "Say something")
    return pid, messages.add(store, pid, "companion", text, reply_to=asked.id, provider="openai")


def test_a_reply_is_spoken_once_and_then_played_from_disk(store, fake_openai):
    _, reply = a_reply(store)
    vcfg = voice_config(store, fake_openai)
    prefs = audio.VoicePrefs(voice="nova", speed=1.25)

    first = speech.spoken_reply(store, vcfg, reply, prefs)
    again = speech.spoken_reply(store, vcfg, reply, prefs)

    speech_calls = [r for r in fake_openai.requests if r["path"].endswith("/audio/speech")]
    assert len(speech_calls) == 1  # the second play calls nobody
    sent = speech_calls[0]["body"]
    assert sent["input"] == "I'm right here with you."
    assert sent["voice"] == "nova" and sent["speed"] == 1.25
    assert sent["model"] == speech.DEFAULT_SPEECH_MODEL
    assert again == first
    assert audio.read(store, first) == tone_wav()
    assert first.path.startswith("audio/") and first.kind == "speech"
    # written to a temporary name and renamed: no leftovers beside it
    assert not list(store.path_of("audio").glob("*.part"))


@pytest.mark.parametrize(
    ("answer", "timeout", "words"),
    [
        (Answer(status=404), "5", "no speech endpoint"),
        (Answer(status=500), "5", "answered with an error (500)"),
        (Answer(delay=0.6), "0.2", "took too long"),
        (Answer(audio=b"<html>not audio</html>"), "5", "unusable"),
    ],
)
def test_a_failing_speech_endpoint_leaves_the_reply_and_says_so(
    store, fake_openai, monkeypatch, answer, timeout, words
):
    monkeypatch.setenv("KIZUNA_TIMEOUT", timeout)
    _, reply = a_reply(store)
    fake_openai.script(answer)
    with pytest.raises(speech.VoiceUnavailable) as caught:
        speech.spoken_reply(store, voice_config(store, fake_openai), reply, audio.VoicePrefs())
    assert words in caught.value.sentence
    assert caught.value.sentence.count(". ") == 0  # one sentence
    assert "still here as text" in caught.value.sentence
    assert messages.get(store, reply.id).content == reply.content
    assert audio.for_message(store, reply.id) is None
    # Retry works once the server is back
    kept = speech.spoken_reply(store, voice_config(store, fake_openai), reply, audio.VoicePrefs())
    assert audio.read(store, kept) == tone_wav()


def test_markup_in_a_reply_is_spoken_as_text(store, fake_openai):
    _, reply = a_reply(store, "**Hello** </script><b>you</b> [link](http://x.example)")
    speech.spoken_reply(store, voice_config(store, fake_openai), reply, audio.VoicePrefs())
    spoken = fake_openai.requests[-1]["body"]["input"]
    assert spoken == "Hello </script><b>you</b> link"


def test_her_voice_message_is_kept_then_transcribed_through_multipart(store, fake_openai):
    pid = personas.ensure_starter(store).id
    recording = tone_wav(0.5)
    fake_openai.script(Answer(chunks=["今日は", "後楽園に行ったね"]))
    message, problem = speech.receive_voice(
        store, voice_config(store, fake_openai), pid, recording, language="ja-JP"
    )
    assert problem is None
    assert message.content == "今日は後楽園に行ったね"
    assert message.role == "user" and message.source == "chat"
    sent = fake_openai.requests[-1]
    assert sent["path"].endswith("/audio/transcriptions")
    assert sent["body"]["file"]["data"] == recording
    assert sent["body"]["file"]["content_type"] == "audio/wav"
    assert sent["body"]["fields"]["model"] == speech.DEFAULT_TRANSCRIPTION_MODEL
    assert sent["body"]["fields"]["language"] == "ja"
    kept = audio.for_message(store, message.id)
    assert kept.kind == "recording" and audio.read(store, kept) == recording
    assert audio.count_voice_messages(store, pid) == 1
    assert messages.count(store, pid) == 1  # a voice message is a message like any other
    # the transcript is editable
    edited = messages.set_text(store, message.id, "今日は後楽園に行ったよ")
    assert edited.content == "今日は後楽園に行ったよ"
    assert speech.voice_note(edited) == "🎤 Voice message"


def test_a_failed_transcription_keeps_the_recording(store, fake_openai):
    pid = personas.ensure_starter(store).id
    fake_openai.script(Answer(status=404))
    message, problem = speech.receive_voice(
        store, voice_config(store, fake_openai), pid, tone_wav()
    )
    assert isinstance(problem, speech.VoiceUnavailable)
    assert "no transcription endpoint" in problem.sentence
    assert message.content == ""
    assert "could not be written out" in speech.voice_note(message)
    assert audio.read(store, audio.for_message(store, message.id)) == tone_wav()


def test_without_a_provider_the_recording_is_kept_with_a_plain_note(store, fake_openai):
    pid = personas.ensure_starter(store).id
    message, problem = speech.receive_voice(store, voice_config(store), pid, tone_wav())
    assert problem is None and message.content == ""
    assert "No model is connected" in speech.voice_note(message)
    assert fake_openai.requests == []


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "not audio"),
        (b"RIFF" + b"\0\0\0\0WAVE" + b"\0" * (audio.MAX_RECORDING_BYTES), "too long"),
    ],
)
def test_an_unusable_recording_is_refused_and_nothing_is_written(store, data, words):
    pid = personas.ensure_starter(store).id
    with pytest.raises(InvalidInput) as caught:
        speech.receive_voice(store, voice_config(store), pid, data)
    assert words in caught.value.sentence
    assert messages.count(store, pid) == 0
    assert not store.path_of("audio").exists()


def test_voice_preferences_are_kept_per_companion(store):
    first = personas.ensure_starter(store).id
    second = personas.create(store, name="Hikari").persona_id
    audio.set_prefs(store, first, audio.VoicePrefs(voice="coral", speed=0.8, read_aloud=True))
    assert audio.prefs(store, first) == audio.VoicePrefs("coral", 0.8, "", True)
    assert audio.prefs(store, second) == audio.VoicePrefs()
    with pytest.raises(InvalidInput):
        audio.set_prefs(store, first, audio.VoicePrefs(speed=3.0))
    assert audio.speech_language("日本語") == "ja-JP"
    assert audio.speech_language("English") == "en-US"
    assert audio.speech_language("") == "en-US"


def test_kept_audio_travels_in_a_backup(store, fake_openai, tmp_path):
    import zipfile

    from memory import backup

    _, reply = a_reply(store)
    kept = speech.spoken_reply(store, voice_config(store, fake_openai), reply, audio.VoicePrefs())
    info = backup.create(store, tmp_path / "b.zip")
    with zipfile.ZipFile(info.path) as zf:
        assert zf.read(f"files/{kept.path}") == tone_wav()
        assert "db/message_audio.parquet" in zf.namelist()


def test_a_transcription_cut_short_is_not_shown_as_still_going(store):
    from datetime import timedelta

    pid = personas.ensure_starter(store).id
    kept = audio.add_voice_message(store, pid, tone_wav(), transcript=None, note="transcribing")
    assert "being written out" in speech.voice_note(kept)
    later = messages.Message(
        **{**kept.__dict__, "created_at": kept.created_at - timedelta(hours=1)}
    )
    assert "could not be written out" in speech.voice_note(later)
    messages.delete(store, kept.id)
    assert audio.for_message(store, kept.id) is None
    assert audio.count_voice_messages(store) == 0


def test_deleting_a_voice_message_removes_its_recording_unless_another_message_has_it(store):
    from memory import Store

    pid = personas.ensure_starter(store).id
    clip, other = tone_wav(), tone_wav(seconds=0.4)
    first = audio.add_voice_message(store, pid, clip, transcript="the koi")
    twin = audio.add_voice_message(store, pid, clip, transcript="the koi, again")
    single = audio.add_voice_message(store, pid, other, transcript="good night")
    shared_file = audio.audio_path(store, audio.for_message(store, first.id))
    single_file = audio.audio_path(store, audio.for_message(store, single.id))

    messages.delete(store, first.id)
    assert shared_file.is_file()  # the twin still plays it
    assert audio.for_message(store, twin.id) is not None
    messages.delete(store, single.id)
    assert not single_file.exists()
    # a file no message names (left by an older version) goes at the next start
    stray = shared_file.with_name("0" * 64 + ".wav")
    stray.write_bytes(other)
    folder = store.data_dir
    store.close()
    with Store.open(folder) as reopened:
        assert not stray.exists()
        assert audio.for_message(reopened, twin.id) is not None
        assert shared_file.is_file()
