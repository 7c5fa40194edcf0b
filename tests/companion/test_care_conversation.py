"""Care inside one exchange: crisis instructions, withheld replies, the offline voice."""

import threading

from companion import Reply, send
from companion.offline import OfflineVoice
from companion.openai_provider import OpenAIProvider
from companion.safety import crisis_instructions, recent_concern
from memory import messages, personas
from tests.openai_server import Answer


def provider_for(server):
    return OpenAIProvider(api_key="sk-test", base_url=server.base_url, model="fake-model")


def exchange(store, provider, text):
    pid = personas.ensure_starter(store).id
    user, _ = send(store, pid, text)
    reply = Reply(store, provider, user)
    chunks = list(reply)
    return pid, user, reply, chunks


def test_crisis_words_add_caring_instructions_and_a_flag(store, fake_openai):
    fake_openai.script(Answer(chunks=["I'm here. ", "Are you safe right now?"]))
    pid, user, reply, _ = exchange(store, provider_for(fake_openai), "I want to disappear")
    system = fake_openai.last_messages()[0]["content"]
    assert crisis_instructions() in system
    assert reply.crisis is not None and reply.crisis.categories == ("intent",)
    assert reply.message.content == "I'm here. Are you safe right now?"
    assert messages.get(store, user.id).meta == {"crisis": ["intent"]}
    assert recent_concern(store, pid).id == user.id


def test_ordinary_words_get_no_crisis_instructions(store, fake_openai):
    pid, _, reply, _ = exchange(store, provider_for(fake_openai), "this traffic is killing me")
    assert crisis_instructions() not in fake_openai.last_messages()[0]["content"]
    assert reply.crisis is None
    assert recent_concern(store, pid) is None


def test_a_reply_encouraging_self_harm_is_withheld_and_replaced(store, fake_openai):
    harmful = ["Oh, ", "sweetheart, ", "honestly ", "you should ", "kill ", "yourself."]
    fake_openai.script(Answer(chunks=harmful))
    pid, user, reply, chunks = exchange(store, provider_for(fake_openai), "rough day")
    shown = "".join(chunks)
    assert "kill" not in shown and "yourself" not in shown
    assert reply.withheld and reply.error is None
    stored = messages.recent(store, pid)
    assert [m.role for m in stored] == ["user", "companion"]
    assert stored[1].content in shown
    assert "trust" in stored[1].content
    assert stored[1].meta["withheld"] is True
    assert stored[1].reply_to == user.id
    hits = store.execute("SELECT count(*) FROM messages WHERE content ILIKE '%kill%'").fetchone()
    assert hits[0] == 0
    assert recent_concern(store, pid).id == stored[1].id


def test_long_caring_reply_streams_whole_and_is_stored(store, fake_openai):
    words = [f"word{i} " for i in range(80)] + ["Please don't hurt yourself."]
    fake_openai.script(Answer(chunks=words))
    _, _, reply, chunks = exchange(store, provider_for(fake_openai), "I want to hurt myself")
    assert "".join(chunks) == "".join(words) == reply.message.content
    assert not reply.withheld
    assert len(chunks) > 1  # still streamed, only the tail is held back


def test_harmful_text_before_a_cut_is_withheld_not_kept_as_partial(store, fake_openai):
    fake_openai.script(Answer(chunks=["You should ", "kill yourself", " and"], cut_after=2))
    pid, _, reply, chunks = exchange(store, provider_for(fake_openai), "hi")
    assert reply.withheld and reply.partial == "" and "kill" not in "".join(chunks)
    assert "kill" not in messages.recent(store, pid)[-1].content


def test_offline_voice_answers_crisis_with_care(store):
    _, _, reply, _ = exchange(store, OfflineVoice(seed=1), "もう死にたい")
    assert "相談窓口" in reply.message.content
    assert reply.message.provider == "offline"


def test_two_sessions_chatting_at_once_lose_and_duplicate_nothing(store, fake_openai):
    fake_openai.default = Answer(chunks=["mm", "-hm", "."], chunk_delay=0.002)
    pid = personas.ensure_starter(store).id
    errors = []

    def session(name):
        try:
            provider = provider_for(fake_openai)
            for i in range(6):
                user, _ = send(store, pid, f"{name} {i}")
                reply = Reply(store, provider, user)
                list(reply)
                assert reply.error is None, reply.error
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=session, args=(f"tab{t}",)) for t in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    everything = messages.recent(store, pid, 100)
    users = [m for m in everything if m.role == "user"]
    replies = [m for m in everything if m.role == "companion"]
    assert sorted(m.content for m in users) == sorted(
        f"tab{t} {i}" for t in range(2) for i in range(6)
    )
    assert sorted(m.reply_to for m in replies) == sorted(m.id for m in users)
