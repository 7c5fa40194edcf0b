"""One read of the settings for a whole reply (`memory.settings.Snapshot`)."""

from __future__ import annotations

from companion import prompt, safety
from memory import settings


def _readers(source) -> dict:
    return {
        "timezone": settings.timezone_name(source),
        "zone": settings.timezone(source),
        "region": safety.region(source),
        "budget": prompt.budget(source),
        "temperature": settings.get(source, "temperature"),
        "model": settings.get(source, "model", "fallback"),
        "language": settings.interface_language(source, "ja-JP"),
        "all": settings.all_settings(source),
    }


def test_a_snapshot_answers_every_reader_as_the_store_does(store):
    cases = [
        {},
        {"timezone": "Asia/Tokyo", "context_budget": 2500, "language": "en"},
        {"timezone": "Nowhere/Atlantis", "care_region": "GB", "context_budget": "lots"},
        {"care_region": "XX", "temperature": 0.3, "model": "llama3", "context_budget": 10},
    ]
    for values in cases:
        for key in settings.all_settings(store):
            settings.set(store, key, None)
        for key, value in values.items():
            settings.set(store, key, value)
        assert _readers(settings.snapshot(store)) == _readers(store), values


def test_a_snapshot_keeps_the_values_of_its_moment_and_writes_reach_the_store(store):
    settings.set(store, "timezone", "Asia/Tokyo")
    taken = settings.snapshot(store)
    settings.set(store, "timezone", "Europe/London")
    assert settings.timezone_name(taken) == "Asia/Tokyo"
    assert settings.timezone_name(store) == "Europe/London"
    assert settings.timezone_name(settings.snapshot(store)) == "Europe/London"
    # a value read from it is its own copy, as each read of the store is
    settings.set(store, "greetings", {"on": True})
    taken = settings.snapshot(store)
    settings.get(taken, "greetings")["on"] = False
    assert settings.get(taken, "greetings") == {"on": True}


def test_a_setting_saved_is_in_the_very_next_reply(store, fake_openai):
    # The settings a reply reads are kept between replies until one is saved again.
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from companion.conversation import Reply, send
    from companion.openai_provider import OpenAIProvider
    from memory import personas

    pid = personas.ensure_starter(store).id
    provider = OpenAIProvider(api_key="sk-test", base_url=fake_openai.base_url, model="fake")
    for i in range(40):
        send(store, pid, f"an earlier message, number {i}, " + "with many words in it " * 12)

    def reply():
        user, _ = send(store, pid, "hello")
        Reply(store, provider, user).text()
        return fake_openai.last_messages()

    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):  # 25 hours apart: never one day
        settings.set(store, "timezone", zone)
        today = datetime.now(ZoneInfo(zone)).date().isoformat()
        assert f"Today is {today}." in reply()[0]["content"]
    roomy = len(reply())
    settings.set(store, prompt.BUDGET_SETTING, 1000)
    assert len(reply()) < roomy
    settings.set(store, prompt.BUDGET_SETTING, None)
    assert len(reply()) >= roomy
