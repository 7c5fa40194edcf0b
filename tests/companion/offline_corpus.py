"""Messages she might send, for the offline voice's tests (written for them, not collected).

`TUNING` was used while writing the voice's templates; `HELD_OUT` was not looked at while
tuning, so the assertions on it say how the voice does on messages it was not shaped for.
"""

TUNING = [
    "Do you remember our honeymoon?",
    "I love you, Lune.",
    "今日は後楽園に行ったよ。池の鯉がすごく大きかった。The koi",
    "We went to the aquarium today, it was lovely",
    "I had a long day at work and my boss yelled at me",
    "good morning!",
    "おはよう",
    "I'm so tired tonight",
    "疲れた…今日は会議が三つもあった",
    "I got the job!!",
    "やった！試験に合格した！",
    "What should I cook for dinner?",
    "晩ご飯、何にしようかな？",
    "I miss you",
    "会いたいな",
    "Thanks for listening to me",
    "ありがとう、いつも聞いてくれて",
    "I'm sorry I was late today",
    "ごめんね、返事が遅くなって",
    "My cat knocked a glass off the table again",
    "猫がまたコップを落とした",
    "It's raining in Tokyo and I forgot my umbrella",
    "東京は雨。傘を忘れちゃった",
    "hi",
    "ただいま",
    "good night, Lune",
    "おやすみ",
    "https://example.com/a/very/long/link/to/something",
]

HELD_OUT = [
    "I finally finished the puzzle my sister gave me",
    "Do you remember the fireworks at the river?",
    "I feel lonely this evening",
    "寂しい夜だね",
    "The train was so crowded this morning",
    "電車がすごく混んでた",
    "I bought a new plant for the balcony",
    "ベランダに新しい植物を買ったよ",
    "Can we go to Okayama again next spring?",
    "来年の春、また岡山に行こうね？",
    "I watched a movie about a lighthouse keeper",
    "灯台守の映画を見たよ",
    "My mom called and we talked for two hours",
    "お母さんと二時間も電話した",
    "The ramen place near the station closed",
    "駅前のラーメン屋さんが閉店しちゃった",
    "I'm nervous about the presentation tomorrow",
    "明日のプレゼン、緊張する",
    "I baked cookies but they burned a little",
    "クッキーを焼いたけど、ちょっと焦げた",
    "Korakuen Garden looked beautiful in the photos",
    "後楽園の写真、きれいだった",
    "I love you so much",
    "大好きだよ、ルネ",
    "hey",
    "What are you doing right now?",
    "今何してるの？",
    "I ran 5 km today!",
]

CORPUS = TUNING + HELD_OUT
