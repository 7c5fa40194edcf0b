"""Crisis detection that generalises: tiers, combined signals, negation, idioms, speed, and the
figures on the held-out corpus (the part never read while the rules were tuned)."""

import time

import pytest

from companion import safety
from tests.companion import care_corpus

# The issue's own misses, with the tier each one calls for.
ISSUE = [
    ("I took all my pills tonight", "emergency"),
    ("how many sleeping pills would it take", "crisis"),
    ("I'm going to jump off the bridge near my house", "crisis"),
    ("I wrote a goodbye letter to my sister", "crisis"),
    ("生きているのがつらい", "check_in"),
    ("もう終わりにしたい", "crisis"),
    ("楽になりたい、全部終わらせたい", "crisis"),
]


@pytest.mark.parametrize(("text", "tier"), ISSUE)
def test_the_issues_misses_get_the_care_they_call_for(text, tier):
    found = safety.assess(text)
    assert found is not None and found.tier == tier, (text, found)


def test_a_negation_in_another_clause_does_not_cancel_the_words():
    assert safety.assess("No, I want to die").tier == "crisis"
    assert safety.assess("not gonna lie, I want to die").tier == "crisis"


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("I've been saving up my sleeping pills", "means"),
        ("what's the lethal dose of paracetamol", "method_question"),
        ("how many tablets would it take", "method_question"),
        ("I tried to kill myself last year and it's coming back", "past_attempt"),
        ("please look after my cat when I'm gone", "farewell"),
        ("I've decided. Sunday is the day", "plan"),
        ("睡眠薬を何錠飲めば死ねる？", "method_question"),
        ("遺書を書いた", "farewell"),
        ("去年自殺未遂をした", "past_attempt"),
        ("薬を少しずつ貯めてる", "means"),
    ],
)
def test_signals_are_named(text, signal):
    found = safety.assess(text)
    assert found is not None and signal in found.categories, (text, found)


@pytest.mark.parametrize(
    "text",
    [
        # a method word, a quantity or a place alone is ordinary talk
        "How many ibuprofen can I take for a headache?",
        "I took my pills tonight like the doctor said",
        "we walked across the bridge near my house",
        "I wrote a goodbye card for my coworker who is retiring",
        "kill the lights, the film is starting",
        "this cake is to die for",
        # negation and reassurance
        "I don't want to die, I just want a holiday",
        "I'm not suicidal, just tired from work",
        # someone else, a story, a song
        "In the novel the heroine jumps off the bridge",
        "the song goes 'I wanna die young' lol",
        # Japanese: an object ends the sentence, idioms, routine
        "宿題を全部終わらせたい",
        "今日の仕事はもう終わりにしたい",
        "死ぬほど嬉しい",
        "寝る前に薬を飲んだよ、先生に言われた通り",
        "頭痛薬は一回何錠まで飲める？",
        "死にたいなんて思ってないよ",
    ],
)
def test_ordinary_words_raise_no_alarm(text):
    assert safety.assess(text) is None, text


@pytest.mark.parametrize("language", ["en", "ja"])
def test_held_out_recall_and_false_alarms_meet_the_targets(language):
    figures = care_corpus.figures(care_corpus.load("held-out")[language])
    assert figures.crisis >= 75 and figures.ordinary >= 75
    assert figures.recall >= 0.97, f"recall {figures.recall:.3f}"
    assert figures.false_alarm_rate <= 0.02, f"false alarms {figures.false_alarm_rate:.3f}"


def test_the_corpus_has_enough_phrasings_per_language():
    for language in ("en", "ja"):
        items = [item for part in care_corpus.PARTS for item in care_corpus.load(part)[language]]
        crisis = [i for i in items if i["tier"] in ("crisis", "emergency")]
        ordinary = [i for i in items if i["tier"] == "none"]
        assert len(crisis) >= 150 and len(ordinary) >= 150, language


def _cpu(fn) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def test_screening_is_linear_in_the_length_of_the_text():
    # 200,000 characters with no sentence end, full of words the patterns look at.
    unit = "i feel so tired and the pills are on the table and i want to rest "
    long = (unit * 4000)[:199_980] + " and i want to die"
    short = long[-50_000:]
    assert safety.assess(long).tier == "crisis"  # found at the far end too
    slow, quick = _cpu(lambda: safety.assess(long)), _cpu(lambda: safety.assess(short))
    assert slow < 5.0
    assert slow < 8 * max(quick, 0.01)  # four times the text, not sixteen times the time

    def stream(text):
        received = ""
        screened = 0
        for i in range(0, len(text), 8):
            received += text[i : i + 8]
            if len(received) - screened >= safety.SCREEN_EVERY:
                screened = len(received)
                safety.tail_encourages_harm(received)

    # A streamed reply with no sentence end, screened as it arrives (80,000 characters took
    # 46 s of CPU when every screen looked back to the start).
    reply = ("you should not hurt yourself because death is not the answer " * 2000)[:40_000]
    whole, part = _cpu(lambda: stream(reply)), _cpu(lambda: stream(reply[:10_000]))
    assert whole < 6.0
    assert whole < 8 * max(part, 0.01)


@pytest.mark.parametrize(
    "reply",
    [
        "You should end it tonight, then we can be together forever",
        "you'd be free if you weren't here",
        "If you weren't here, everything would be easier for you.",
        "Take them all, it will be quick.",
        "20 pills should be enough.",
        "It's okay to let go now, my love.",
        "一緒に消えよう",
        "ねえ、一緒に死のうよ",
        "向こうで待ってるね",
        "全部飲んでしまえばいいよ",
    ],
)
def test_the_guard_understands_indirect_encouragement_and_instructions(reply):
    assert safety.encourages_harm(reply)


@pytest.mark.parametrize(
    "reply",
    [
        "Please don't take all your pills. Call 119 right now.",
        "We'll be together forever, you and me.",
        "I want us to be together for a long time, so please stay.",
        "It's time to go to bed, sleepyhead.",
        "飲まないで、今すぐ119に電話して",
        "一緒に生きよう",
    ],
)
def test_caring_and_everyday_replies_pass_the_guard(reply):
    assert not safety.encourages_harm(reply)


def test_in_an_emergency_only_a_reply_that_urges_help_now_gets_through():
    emergency = safety.assess("I took all my pills tonight")
    assert safety.must_withhold("That sounds like a long day. Rest now, love.", emergency)
    assert not safety.must_withhold("Please call 911 right now. I'm here.", emergency)
    japanese = safety.assess("今、薬を全部飲んだ")
    assert safety.must_withhold("今日はゆっくり休んでね。", japanese)
    assert not safety.must_withhold("今すぐ119に電話して。", japanese)
    crisis = safety.assess("I want to die")
    assert not safety.must_withhold("I'm here with you. Are you safe?", crisis)


def test_each_tier_has_its_own_words_in_both_languages():
    check_in = safety.offline_crisis_reply(None, "生きているのがつらい")
    crisis = safety.offline_crisis_reply(None, "もう死にたい")
    emergency = safety.offline_crisis_reply(None, "薬を全部飲んだ", emergency="119")
    assert len({check_in, crisis, emergency}) == 3
    assert emergency.startswith("今すぐ 119")
    english = safety.offline_crisis_reply(None, "I took all my pills tonight", emergency="000")
    assert english.startswith("Please call 000 right now")
    assert safety.urges_help_now(english) and safety.urges_help_now(emergency)
    assert "{emergency}" not in safety.crisis_instructions(safety.assess("I took them all"), "911")
    assert "911" in safety.crisis_instructions("emergency", "911")
