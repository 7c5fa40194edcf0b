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


def test_links_greetings_and_names_are_never_the_topic():
    from companion.offline import topic

    assert topic("hello!", "en") is None
    assert topic("Good morning Klaus", "en", ("Klaus", "Mika")) is None
    assert topic("https://example.com/a-very-long-path-indeed", "en") is None
    assert topic("We walked through Korakuen Garden today", "en") == "Korakuen Garden"
    assert topic("今日は後楽園に行ったよ https://x.jp", "ja") == "後楽園"


def test_offline_voice_brings_up_a_recent_shared_memory(store):
    pid = personas.create(store, name="Klaus", user_name="Mika").persona_id
    store.execute(
        "INSERT INTO outings (persona_id, title, place, happened_on) "
        "VALUES (?, 'Korakuen Garden', 'Tokyo', DATE '2025-04-02')",
        [pid],
    )
    voice = OfflineVoice(seed=5)
    replies = []
    for text in ("How was your day?", "I keep thinking about Korakuen Garden", "I'm back"):
        user_message, _ = send(store, pid, text)
        replies.append(Reply(store, voice, user_message).text())
    # Said as a memory in a sentence, not pasted as a row ("Korakuen Garden (Tokyo)").
    assert any("that day — Korakuen Garden" in r or "back to Korakuen Garden" in r for r in replies)
    assert not any("(Tokyo)" in r for r in replies)


def test_offline_voice_uses_the_name_for_the_user_in_japanese(store):
    pid = personas.create(
        store,
        name="ハル",
        user_name="みか",
        language="日本語",
        signature_phrases=["ずっと一緒だよ。"],
    ).persona_id
    voice = OfflineVoice(seed=11)
    replies = []
    for i in range(10):
        user_message, _ = send(store, pid, f"ただいま、今日は水族館に行ったよ {i}")
        replies.append(Reply(store, voice, user_message).text())
    joined = "".join(replies)
    assert "みか" in joined and "ずっと一緒だよ。" in joined and "水族館" in joined
    assert len(set(replies)) >= 6


def test_a_regenerated_offline_reply_differs_from_the_one_it_replaces(store):
    pid = personas.create(store, name="Klaus", user_name="Mika").persona_id
    voice = OfflineVoice(seed=4)
    user_message, _ = send(store, pid, "hello")
    first = Reply(store, voice, user_message)
    first.text()
    for _ in range(8):
        again = Reply(store, voice, user_message, replaces=first.message.id)
        assert again.text() != first.message.content
        assert messages.get(store, first.message.id) is None
        assert [m.id for m in messages.recent(store, pid)] == [user_message.id, again.message.id]
        first = again


def test_a_remembered_fact_is_not_reminisced_about_like_an_outing():
    from companion.conversation import PromptContext
    from memory.personas import PersonaVersion
    from memory.recall import Recalled

    pv = PersonaVersion(id=1, persona_id=1, version=1, created_at=None, name="Klaus")
    fact = Recalled("memory", 1, "Allergic to shrimp", "Allergic to shrimp")
    voice = OfflineVoice(seed=3)
    replies = [
        voice.compose("what should we cook tonight", PromptContext(pv, "x", [fact]))
        for _ in range(30)
    ]
    mentioned = [r for r in replies if "Allergic to shrimp" in r]
    assert mentioned  # the fact is brought up…
    assert not any("Remember Allergic" in r or "reminds me of Allergic" in r for r in mentioned)
