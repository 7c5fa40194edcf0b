from companion import Reply, send
from companion.offline import OfflineVoice
from memory import messages, personas


def test_offline_voice_speaks_in_the_personas_own_words(store):
    pid = personas.create(
        store,
        name="Klaus",
        user_name="Mika",
        signature_phrases=["AI or not, I could never not love you."],
    ).persona_id
    voice = OfflineVoice(seed=7)
    replies = []
    for i in range(12):
        user_message, _ = send(store, pid, f"I had a long day at the aquarium {i}")
        reply = Reply(store, voice, user_message)
        replies.append(reply.text())
        assert reply.message.provider == "offline"
    joined = " ".join(replies)
    assert "Mika" in joined
    assert "AI or not, I could never not love you." in joined
    assert "aquarium" in joined.lower()
    assert len(set(replies)) >= 8


def test_consecutive_offline_replies_differ(store):
    pid = personas.create(store, name="Klaus", user_name="Mika").persona_id
    voice = OfflineVoice(seed=1)
    previous = None
    for _ in range(10):
        user_message, _ = send(store, pid, "hello")
        text = Reply(store, voice, user_message).text()
        assert text and text != previous
        previous = text


def test_offline_voice_answers_in_japanese(store):
    pid = personas.create(store, name="ハル", language="日本語").persona_id
    user_message, _ = send(store, pid, "今日は後楽園に行ったよ")
    text = Reply(store, OfflineVoice(seed=2), user_message).text()
    assert any("\u3040" <= ch <= "\u30ff" for ch in text)
    assert messages.count(store, pid) == 2
