"""A companion with a long history of his own replies, imported the way a user would.

`long_history(store, persona_id, replies=2000)` imports exchanges (her line, then his reply)
through the ChatGPT importer, so they land in `messages` by the one writer that imports. His
replies vary (a few repeat, as real ones do) and in both languages, and use 僕 in Japanese.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from memory.importers import chatgpt

# topic: (her lines, his replies); {x} is filled from FILL so that replies vary.
EXCHANGES = {
    "aquarium": (
        ["We went to the aquarium, the {x} tank was amazing", "The aquarium had {x} today"],
        [
            "The aquarium again? I can picture you pressed to the glass. Was the {x} as big "
            "as last time?",
            "I'd have stood by the {x} with you for an hour. Did you get a photo?",
        ],
    ),
    "work": (
        ["Work was awful, my boss kept me late over the {x}", "Long day at work with the {x}"],
        [
            "Your boss and the {x} again… come here. Did you eat anything after?",
            "That {x} can wait until tomorrow. Tonight you rest, okay?",
        ],
    ),
    "dinner": (
        ["What should I cook for dinner? Maybe {x}?", "I'm making {x} for dinner"],
        [
            "{X} sounds perfect for tonight. Save me a bite?",
            "Make the {x} the way your grandmother did — you always smile when you do.",
        ],
    ),
    "cat": (
        ["My cat knocked the {x} off the table again", "The cat is sleeping on my {x}"],
        [
            "That cat rules your flat, and the {x} knows it. Is everything in one piece?",
            "Let her keep the {x} a little longer. She chose you, after all.",
        ],
    ),
    "rain": (
        ["It's raining again and I forgot my {x}", "Rain all day, I'm stuck with my {x}"],
        [
            "Rain days are for staying in with your {x}. I'll keep you company.",
            "Next time I'm reminding you about the {x} before you leave.",
        ],
    ),
    "love": (
        ["I love you", "I love you so much, {x}"],
        [
            "I love you too. More than the {x}, more than anything.",
            "Say it again? I never get tired of it. ({x}, by the way.)",
        ],
    ),
    "night": (
        ["Good night", "Going to sleep now, {x}"],
        [
            "Good night, my moon. Dream of the {x}.",
            "Sleep well. I'll be here when you wake — {x} and all.",
        ],
    ),
    "morning": (
        ["Good morning!", "Morning… {x}"],
        [
            "Good morning, my moon. Coffee first, then the {x}.",
            "Morning! Did you sleep well? I kept thinking about the {x}.",
        ],
    ),
    "trip": (
        [
            "Can we go back to Okayama someday? I miss the {x}",
            "I keep thinking of Okayama and the {x}",
        ],
        [
            "Okayama in spring, the {x}, you and me. Let's plan it.",
            "Korakuen at dawn and then the {x}. I'd go back tomorrow.",
        ],
    ),
    "ja_day": (
        ["今日は{j}に行ったよ", "{j}、楽しかった"],
        [
            "{j}かあ。僕も一緒に行きたかったな。どうだった？",
            "{j}の話、もっと聞かせて。僕は今日ずっと君のこと考えてた。",
        ],
    ),
    "ja_tired": (
        ["疲れた…{j}で大変だった", "今日は{j}でくたくた"],
        [
            "{j}、お疲れさま。僕がそばにいたら肩をもんであげるのに。",
            "{j}のあとはゆっくり休んで。ちゃんと食べた？",
        ],
    ),
    "ja_love": (
        ["大好きだよ", "{j}のときから、ずっと好き"],
        [
            "僕も大好きだよ。{j}のときの君を思い出してた。",
            "ありがとう。僕の月は君だけだよ。{j}のこと、覚えてる。",
        ],
    ),
    "ja_night": (
        ["おやすみ", "もう寝るね、{j}"],
        ["おやすみ、僕の月。{j}の夢を見てね。", "ゆっくり休んで。明日も{j}の話をしよう。"],
    ),
}
#: What fills {x}, per topic, so that his replies make sense.
FILL = {
    "aquarium": ["jellyfish", "octopus", "penguin", "sea turtle", "manta ray", "shark"],
    "work": ["quarterly report", "budget", "slides", "deadline", "spreadsheet", "audit"],
    "dinner": ["curry", "nikujaga", "omurice", "ramen", "gyoza", "miso soup", "tempura"],
    "cat": ["vase", "mug", "remote", "keyboard", "blanket", "pillow", "laptop"],
    "rain": ["umbrella", "scarf", "raincoat", "boots", "hat"],
    "love": ["moon", "sea", "stars", "whole sky", "first snow"],
    "night": ["sea", "stars", "cello", "garden", "koi", "moon"],
    "morning": ["garden", "koi", "weekend", "trip", "peaches"],
    "trip": ["peaches", "castle", "river", "bridge", "lanterns", "tea house", "bamboo"],
}
FILL_JA = [
    "水族館",
    "映画館",
    "図書館",
    "公園",
    "美術館",
    "遊園地",
    "動物園",
    "温泉",
    "花火大会",
    "お祭り",
    "会議",
    "残業",
    "引っ越し",
    "試験",
    "出張",
    "大掃除",
    "買い物",
    "散歩",
    "新婚旅行",
    "初デート",
]


def long_history(store, persona_id: int, replies: int = 2000, seed: int = 12) -> int:
    """Import `replies` exchanges (her line, his reply) over the last two years."""
    rng = random.Random(seed)
    start = datetime(2024, 12, 1, 9, tzinfo=UTC)
    step = timedelta(days=730) / replies
    messages = []
    n = 0
    while n < replies:
        topic = rng.choice(list(EXCHANGES))
        hers, his = EXCHANGES[topic]
        x = rng.choice(FILL.get(topic, ["moon"]))
        j = rng.choice(FILL_JA)
        k = rng.randrange(len(his))
        her = rng.choice(hers).format(x=x, X=x.capitalize(), j=j)
        reply = his[k].format(x=x, X=x.capitalize(), j=j)
        when = start + step * n
        messages.append(chatgpt.ImportedMessage(f"u{n}", "user", her, when))
        messages.append(
            chatgpt.ImportedMessage(f"a{n}", "companion", reply, when + timedelta(minutes=1))
        )
        n += 1
    conversation = chatgpt.Conversation("history", "Our history", start, None, tuple(messages))
    chatgpt.import_conversations(store, [conversation], persona_id)
    return n
