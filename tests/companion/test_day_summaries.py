"""Day summaries: written by the model (resumable), stored, editable, reached by recall."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from companion import Reply, day_summary, send
from companion.openai_provider import OpenAIProvider
from memory import day_summaries, messages, personas, recall
from tests.openai_server import Answer

TODAY = date(2026, 12, 1)


def provider_for(server):
    return OpenAIProvider(api_key="sk-test", base_url=server.base_url, model="fake-model")


def three_days(store):
    pid = personas.create(store, name="Lune", user_name="Mika").persona_id
    for offset, (hers, his) in enumerate(
        [
            ("We walked around Korakuen Garden on our honeymoon", "The koi were enormous!"),
            ("Work was long today", "Come here, rest."),
            ("I made curry", "Save me a bite?"),
        ]
    ):
        when = datetime(2025, 5, 3 + offset, 12, tzinfo=UTC)
        messages.add(store, pid, "user", hers, created_at=when)
        messages.add(store, pid, "companion", his, created_at=when + timedelta(minutes=1))
    return pid


def test_summaries_are_written_stored_resumed_and_never_over_her_edit(store, fake_openai):
    pid = three_days(store)
    tz = UTC
    assert len(day_summaries.pending_days(store, pid, tz, TODAY)) == 3
    # the model fails on the second day: the first is kept, the run says why
    fake_openai.script(Answer(chunks=["We talked about curry."]), Answer(status=401))
    first = day_summary.write_pending(store, provider_for(fake_openai), pid, today=TODAY)
    assert first.done == 1 and first.error
    sent = fake_openai.requests[0]["body"]["messages"]
    assert "She: I made curry" in sent[1]["content"]  # newest day first
    # resumed: only the two missing days are asked for
    fake_openai.script(
        Answer(chunks=["Work was long; he told her to rest."]),
        Answer(chunks=["They walked around Korakuen Garden on their honeymoon."]),
    )
    second = day_summary.write_pending(store, provider_for(fake_openai), pid, today=TODAY)
    assert (second.done, second.total, second.error) == (2, 2, None)
    assert day_summaries.pending_days(store, pid, tz, TODAY) == []
    honeymoon = day_summaries.get(store, pid, date(2025, 5, 3))
    assert "Korakuen" in honeymoon.body and honeymoon.model == "fake-model"
    day_summaries.edit(store, pid, date(2025, 5, 4), "A long day at work. I rested.")
    assert not day_summaries.save(store, pid, date(2025, 5, 4), "overwrite", model="m")
    assert day_summaries.get(store, pid, date(2025, 5, 4)).edited


def test_recall_reaches_the_right_day_and_the_prompt_carries_it(store, fake_openai):
    pid = three_days(store)
    day_summaries.save(
        store, pid, date(2025, 5, 3), "Honeymoon walk around Korakuen Garden.", model="m"
    )
    found = recall.for_prompt(store, pid, "Do you remember our honeymoon?")
    days = [r for r in found if r.kind == "day"]
    assert days and days[0].when == date(2025, 5, 3)
    fake_openai.script(Answer(chunks=["Of course."]))
    user, _ = send(store, pid, "Do you remember our honeymoon?")
    Reply(store, provider_for(fake_openai), user).text()
    assert "Honeymoon walk around Korakuen Garden." in fake_openai.last_messages()[0]["content"]


def test_without_a_model_nothing_is_written(store):
    from companion.offline import OfflineVoice

    pid = three_days(store)
    assert not day_summary.start(store, OfflineVoice(), pid)
    assert day_summaries.count(store, pid) == 0
