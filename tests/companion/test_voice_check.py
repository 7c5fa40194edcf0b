""" "Does he still sound like him?" through the loopback OpenAI-format server."""

from __future__ import annotations

from companion import voice_check
from companion.openai_provider import OpenAIProvider
from memory import messages, personas
from tests.companion.voice_history import long_history
from tests.openai_server import Answer


def provider_for(server, model="fake-model"):
    return OpenAIProvider(api_key="sk-test", base_url=server.base_url, model=model)


def lune(store):
    pv = personas.create(
        store,
        name="Lune Klaus",
        user_name="Mika",
        first_person="僕",
        signature_phrases=["You are my whole sky."],
    )
    long_history(store, pv.persona_id, 400)
    return pv


def test_check_answers_her_real_messages_side_by_side_with_measures(store, fake_openai):
    pv = lune(store)
    before = messages.count(store, pv.persona_id)
    fake_openai.script(
        *[Answer(chunks=["Mika! ", "Did you eat? 🌙"]) for _ in range(4)],
        *[Answer(chunks=["僕も", "大好きだよ。"]) for _ in range(4)],
    )
    assert voice_check.should_offer(store, pv.persona_id, provider_for(fake_openai))
    check = voice_check.run(store, provider_for(fake_openai), pv.persona_id)
    assert check.status == "done" and len(check.probes) == voice_check.PROBES
    # drawn across the history, each with his original reply
    ids = [p.her_message_id for p in check.probes]
    assert ids == sorted(ids) and ids[-1] - ids[0] > 400
    for probe in check.probes:
        stored = messages.get(store, probe.her_message_id)
        assert stored.role == "user" and stored.content == probe.her_text
        assert probe.original and probe.answer
    first = check.probes[0]
    assert first.answer == "Mika! Did you eat? 🌙"
    assert first.answer_measures["her_name"] is True
    assert first.answer_measures["emoji"] == 1 and first.answer_measures["questions"] == 1
    assert check.probes[-1].answer_measures["first_person"] == "僕"
    assert check.probes[-1].answer_measures["japanese"] == 1.0
    summary = voice_check.summary(check.probes)
    assert set(summary) == set(voice_check.MEASURE_LABELS)
    assert summary["her_name"][1] == "50%"
    # the model saw the persona and her message, and nothing of it became a chat message
    sent = fake_openai.requests[-1]["body"]["messages"]
    assert "Lune Klaus" in sent[0]["content"] and sent[-1]["content"] == check.probes[-1].her_text
    assert messages.count(store, pv.persona_id) == before
    # stored per model and persona version; not offered again for the same model
    again = voice_check.checks(store, pv.persona_id)[0]
    assert (again.model, again.persona_version_id) == ("fake-model", pv.id)
    assert not voice_check.should_offer(store, pv.persona_id, provider_for(fake_openai))
    assert voice_check.should_offer(store, pv.persona_id, provider_for(fake_openai, "other"))


def test_a_model_failing_midway_keeps_what_it_finished_and_names_the_probe(store, fake_openai):
    pv = lune(store)
    fake_openai.script(
        Answer(chunks=["one"]), Answer(chunks=["two"]), Answer(status=401), Answer(chunks=["x"])
    )
    check = voice_check.run(store, provider_for(fake_openai), pv.persona_id)
    assert check.status == "failed" and check.failed_probe == 3
    assert [p.answer for p in check.probes] == ["one", "two"]
    assert check.error  # one plain sentence from the provider
    assert voice_check.get(store, check.id).probes[1].answer == "two"


def test_no_history_or_one_message_is_no_crash(store, fake_openai):
    pid = personas.create(store, name="X").persona_id
    assert not voice_check.should_offer(store, pid, provider_for(fake_openai))
    assert voice_check.run(store, provider_for(fake_openai), pid).probes == []
    messages.add(store, pid, "user", "hi")
    check = voice_check.run(store, provider_for(fake_openai), pid)
    assert check.status == "done" and check.probes == []
