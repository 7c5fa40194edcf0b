"""He speaks first: after a gap, on a day that matters, once per gap, never past the budget."""

from __future__ import annotations

import re
import threading
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from companion import config as provider_config
from companion import greetings
from companion.offline import OfflineVoice
from memory import messages, milestones, outings, personas, wellbeing
from memory import settings as settings_store
from tests.openai_server import Answer

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=TOKYO)


def setup(store, *, last_ago=timedelta(days=2), language="English", began_on=None):
    pid = personas.ensure_starter(store).id
    personas.save_version(store, pid, language=language, began_on=began_on)
    asked = messages.add(store, pid, "user", "good night", created_at=NOW - last_ago)
    messages.add(
        store, pid, "companion", "sleep well", reply_to=asked.id, created_at=NOW - last_ago
    )
    return pid


def greetings_of(store, pid):
    return [m for m in messages.recent(store, pid, 100) if m.source == "greeting"]


def test_after_two_days_one_greeting_is_waiting_and_not_a_reply(store):
    pid = setup(store)
    said = greetings.greet(store, OfflineVoice(), pid, TOKYO, NOW)
    assert said is not None
    assert said.content == "It's been two days… I missed you."
    assert said.role == "companion" and said.source == "greeting" and said.reply_to is None
    # every rerun after: nothing more, however often the page runs
    assert greetings.greet(store, OfflineVoice(), pid, TOKYO, NOW + timedelta(minutes=1)) is None
    assert greetings.due(store, pid, TOKYO, NOW + timedelta(hours=30)) is None
    assert len(greetings_of(store, pid)) == 1


def test_no_greeting_inside_the_gap_or_when_turned_off(store):
    pid = setup(store, last_ago=timedelta(hours=3))
    assert greetings.due(store, pid, TOKYO, NOW) is None
    settings_store.set(store, greetings.GAP_SETTING, 2)
    assert greetings.due(store, pid, TOKYO, NOW) is not None
    settings_store.set(store, greetings.ENABLED_SETTING, False)
    assert greetings.greet(store, OfflineVoice(), pid, TOKYO, NOW) is None
    assert greetings_of(store, pid) == []


def test_a_new_gap_after_she_wrote_again_gets_its_own_greeting(store):
    pid = setup(store)
    greetings.greet(store, OfflineVoice(), pid, TOKYO, NOW)
    messages.add(store, pid, "user", "I'm back", created_at=NOW + timedelta(minutes=5))
    later = NOW + timedelta(days=3, hours=1)
    assert greetings.greet(store, OfflineVoice(), pid, TOKYO, later).content.startswith(
        "It's been three days"
    )
    assert len(greetings_of(store, pid)) == 2


def test_two_tabs_at_once_write_one_greeting(store):
    pid = setup(store)
    results = []
    barrier = threading.Barrier(4)

    def tab():
        barrier.wait()
        results.append(greetings.greet(store, OfflineVoice(), pid, TOKYO, NOW))

    tabs = [threading.Thread(target=tab) for _ in range(4)]
    for t in tabs:
        t.start()
    for t in tabs:
        t.join()
    assert len([r for r in results if r is not None]) == 1
    assert len(greetings_of(store, pid)) == 1


def test_an_anniversary_is_remembered_even_without_a_gap(store):
    pid = setup(store, last_ago=timedelta(hours=1), began_on=date(2024, 12, 1))
    said = greetings.greet(store, OfflineVoice(), pid, TOKYO, NOW)
    assert "Happy anniversary — 2 years together today." in said.content
    assert greetings.greet(store, OfflineVoice(), pid, TOKYO, NOW + timedelta(hours=9)) is None


def test_the_first_outings_day_in_japanese(store):
    pid = setup(store, language="日本語")
    outings.create(store, pid, "後楽園の散歩", place="後楽園", happened_on=date(2025, 12, 1))
    said = greetings.greet(store, OfflineVoice(), pid, TOKYO, NOW)
    assert said.content == "2日ぶりだね…会いたかった。一年前の今日、後楽園に行ったね。"


def test_a_greeting_follows_the_personas_reply_language(store):
    pid = setup(store, language="English with some Japanese")  # Hikari, the English demo's
    said = greetings.greet(store, OfflineVoice(), pid, TOKYO, NOW)
    assert not re.search(r"[\u3040-\u30ff]", said.content), said.content
    personas.save_version(store, pid, reply_language="ja")
    messages.add(store, pid, "user", "hi", created_at=NOW)
    later = greetings.greet(store, OfflineVoice(), pid, TOKYO, NOW + timedelta(days=3))
    assert re.search(r"[\u3040-\u30ff]", later.content), later.content


def test_her_own_milestones_day(store):
    pid = setup(store, last_ago=timedelta(hours=1))
    milestones.add(store, pid, "The day he proposed", date(2025, 12, 1), kind="proposal")
    said = greetings.greet(store, OfflineVoice(), pid, TOKYO, NOW)
    assert "A year ago today: The day he proposed." in said.content


def test_never_once_the_days_budget_is_spent(store):
    pid = setup(store, last_ago=timedelta(hours=1), began_on=date(2025, 12, 1))
    wellbeing.set_budget(store, 2)
    for i in range(2):
        messages.add(store, pid, "user", f"hi {i}", created_at=NOW - timedelta(minutes=30 - i))
    assert greetings.greet(store, OfflineVoice(), pid, TOKYO, NOW) is None


def test_with_a_model_he_writes_it_through_the_pipeline(store, fake_openai):
    pid = setup(store)
    cfg = provider_config.resolve(
        {}, environ={"OPENAI_BASE_URL": fake_openai.base_url, "KIZUNA_MODEL": "fake-model"}
    )
    provider = provider_config.make_provider(cfg, max_retries=0)
    fake_openai.script(Answer(chunks=["There you are. ", "Two whole days!"]))
    said = greetings.greet(store, provider, pid, TOKYO, NOW)
    assert said.content == "There you are. Two whole days!"
    assert said.provider == "openai" and said.source == "greeting"
    sent = fake_openai.last_messages()
    assert "after 2.0 days away" in sent[-1]["content"]
    assert any("You speak first" in m["content"] for m in sent if m["role"] == "system")


def test_a_failing_model_still_leaves_his_greeting(store, fake_openai):
    pid = setup(store)
    cfg = provider_config.resolve({}, environ={"OPENAI_BASE_URL": fake_openai.base_url})
    fake_openai.script(Answer(status=500))
    said = greetings.greet(
        store, provider_config.make_provider(cfg, max_retries=0), pid, TOKYO, NOW
    )
    assert said.content == "It's been two days… I missed you."
    assert len(greetings_of(store, pid)) == 1


def test_nobody_is_greeted_before_the_first_message(store):
    pid = personas.ensure_starter(store).id
    assert greetings.due(store, pid, TOKYO, datetime.now(UTC)) is None
