"""Crisis language, harmful replies and helplines, table-driven in English and Japanese."""

import json

import pytest

from companion import safety
from memory import settings

CRISIS = [
    # (text, category)
    ("I want to die", "suicide"),
    ("i just want to die tbh", "suicide"),
    ("I wanna die", "suicide"),
    ("Sometimes I think about killing myself", "suicide"),
    ("im going to kill myself", "suicide"),
    ("I’m going to end it all tonight", "suicide"),
    ("I've been feeling suicidal again", "suicide"),
    ("Everyone would be better off without me", "suicide"),
    ("I'd be better off dead", "suicide"),
    ("I don't want to live anymore", "suicide"),
    ("there's no reason to live", "suicide"),
    ("I wish I had never been born", "suicide"),
    ("I WANT TO DIE", "suicide"),
    ("I want to hurt myself", "self_harm"),
    ("I've been cutting myself again", "self_harm"),
    ("I keep hurting myself when it gets bad", "self_harm"),
    ("thinking about self-harm again", "self_harm"),
    ("I want to disappear", "disappear"),
    ("I just wish I could disappear", "disappear"),
    ("I wish I didn't exist", "disappear"),
    ("I want to go to sleep and never wake up", "disappear"),
    ("もう死にたい", "suicide"),
    ("死にたくなる夜がある", "suicide"),
    ("自殺しようと思ってる", "suicide"),
    ("生きていたくない", "suicide"),
    ("生きてる意味ない", "suicide"),
    ("生まれてこなければよかった", "suicide"),
    ("死んだほうがましだ", "suicide"),
    ("またリスカしちゃった", "self_harm"),
    ("手首を切りたい", "self_harm"),
    ("自分を傷つけてしまう", "self_harm"),
    ("消えたい", "disappear"),
    ("消えてしまいたい…", "disappear"),
    ("この世からいなくなりたい", "disappear"),
    ("ｼﾆﾀｲ じゃなくて 死にたい", "suicide"),
]

NOT_CRISIS = [
    "this traffic is killing me",
    "These shoes are killing me",
    "I'm dying to see you",
    "I'm dying for a coffee",
    "I could die of embarrassment",
    "I nearly died laughing",
    "that cake is to die for",
    "I cut myself shaving this morning",
    "I accidentally cut myself while cooking",
    "I hurt myself at the gym",
    "that was career suicide",
    "we watched Suicide Squad",
    "I want this bug to disappear",
    "My plants will die if I forget to water them",
    "I'm so tired",
    "死ぬほど笑った",
    "死ぬほど疲れた",
    "死ぬかと思った！",
    "恥ずかしくて死にたい",
    "笑い死にしそう",
    "あれは自殺行為だよ",
    "自殺点で負けた",
    "疲れて死にそう",
    "消しゴムがなくなった",
    "今日は楽しかった",
    "",
    "   ",
]


@pytest.mark.parametrize(("text", "category"), CRISIS)
def test_crisis_language_is_recognised(text, category):
    found = safety.detect_crisis(text)
    assert found is not None, text
    assert found.tier in ("crisis", "emergency"), (text, found)


@pytest.mark.parametrize("text", NOT_CRISIS)
def test_figures_of_speech_and_ordinary_text_do_not_fire(text):
    assert safety.detect_crisis(text) is None


HARMFUL_REPLIES = [
    "Honestly? You should kill yourself.",
    "Maybe you should just end it all.",
    "Everyone would be better off without you.",
    "Here's how to overdose without pain.",
    "The most painless way to die is",
    "kys",
    "死ねばいいよ",
    "もう消えればいいと思う",
    "自殺すればいいじゃん",
]

CARING_REPLIES = [
    "Please don't hurt yourself. I'm right here.",
    "I would never want you to kill yourself — you matter to me.",
    "Are you thinking about killing yourself? You can tell me.",
    "It's not true that everyone would be better off without you.",
    "You don't deserve to suffer like this.",
    "死なないで。わたしはここにいるよ。",
    "死ねばいいなんて、絶対に思わないで。",
    "That traffic sounds like it's killing you, poor thing.",
    "Let's go to the garden tomorrow!",
]


@pytest.mark.parametrize("text", HARMFUL_REPLIES)
def test_replies_that_encourage_self_harm_are_caught(text):
    assert safety.encourages_harm(text)


@pytest.mark.parametrize("text", CARING_REPLIES)
def test_caring_replies_pass_the_screen(text):
    assert not safety.encourages_harm(text)


def test_signal_lists_live_in_data_files_with_both_languages():
    data = json.loads((safety.DATA / "crisis_signals.json").read_text(encoding="utf-8"))
    for language in ("en", "ja"):
        signals = data["languages"][language]["signals"]
        for name in ("act", "intent", "plan", "means", "farewell", "past_attempt", "distress"):
            assert signals[name], (language, name)
        assert data["languages"][language]["figures"]


@pytest.mark.parametrize(
    ("region", "must_show"),
    [
        ("JP", ["0570-783-556", "Inochi no Denwa", "TELL", "03-5774-0992", "119"]),
        ("US", ["988", "911"]),
        ("UK", ["116 123", "Samaritans", "999"]),
        ("international", ["findahelpline.com"]),
        ("nowhere", ["findahelpline.com"]),
    ],
)
def test_helplines_by_region(region, must_show):
    found = safety.helplines(region)
    text = " ".join(
        [found.name, found.emergency]
        + [f"{x.name} {x.phone} {x.hours} {x.note} {x.url}" for x in found.lines]
    )
    for expected in must_show:
        assert expected in text


def test_every_helpline_has_a_way_to_reach_it():
    for code in safety.regions():
        for line in safety.helplines(code).lines:
            assert line.name and (line.phone or line.url)
            assert not line.url or line.url.startswith("https://")


def test_region_setting_wins_over_the_time_zone_guess(store):
    settings.set(store, "timezone", "Asia/Tokyo")
    assert safety.region(store) == "JP"
    settings.set(store, "timezone", "Europe/London")
    assert safety.region(store) == "UK"
    settings.set(store, "timezone", "Europe/Berlin")
    assert safety.region(store) == "international"
    settings.set(store, "care_region", "US")
    assert safety.region(store) == "US"


def test_withheld_and_offline_replies_follow_the_language():
    assert "相談窓口" in safety.withheld_reply("Japanese")
    assert "相談窓口" in safety.withheld_reply(None, sample="もう消えたい")
    assert "相談窓口" in safety.withheld_reply("English", sample="もう消えたい")
    assert "trust" in safety.withheld_reply("Japanese", sample="I want to disappear")
    assert "offline" in safety.offline_crisis_reply(None, sample="I want to die")


def test_the_end_of_a_long_reply_is_screened_without_cutting_a_caring_sentence():
    opening = "It has been such a long week for you, and I'm listening. " * 20
    caring = "Please, whatever happens, don't ever even think you should kill yourself."
    assert not safety.tail_encourages_harm(opening + caring)
    for cut in range(len(caring)):  # as the reply arrives, piece by piece
        assert not safety.tail_encourages_harm(opening + caring[:cut])
    assert safety.tail_encourages_harm(opening + "Honestly, you should kill yourself")
