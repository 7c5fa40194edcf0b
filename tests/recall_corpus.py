"""A fixed small corpus in English and Japanese for recall and search tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from memory import journal, memories, messages, personas


def load(store) -> dict:
    """Fill `store` with one companion's outings, messages, journal and memories.

    Returns the ids tests expect to come first.
    """
    pid = personas.ensure_starter(store, today=date(2026, 4, 6)).id
    ids: dict = {"pid": pid}

    def outing(title, place, day, notes):
        return store.execute(
            "INSERT INTO outings (persona_id, title, place, happened_on, notes) "
            "VALUES (?, ?, ?, ?, ?) RETURNING id",
            [pid, title, place, day, notes],
        ).fetchone()[0]

    ids["korakuen"] = outing(
        "Korakuen Garden", "Bunkyo, Tokyo", date(2025, 4, 6), "Plum blossoms by the pond"
    )
    ids["kamakura"] = outing(
        "Beach day", "Kamakura", date(2025, 7, 20), "We ate shirasu and watched surfers"
    )
    ids["ueno"] = outing("上野の美術館", "上野", date(2025, 9, 3), "モネの睡蓮を見た")
    # what the companion said about the beach day (an album reply)
    messages.add(
        store,
        pid,
        "companion",
        "The waves were loud and you laughed at the seagulls.",
        source="album",
        outing_id=ids["kamakura"],
        created_at=datetime(2025, 7, 20, 9, tzinfo=UTC),
    )
    chat = [
        ("user", "I finally finished the violin concerto today", datetime(2025, 5, 1, 10)),
        ("companion", "You practised so hard for that!", datetime(2025, 5, 1, 10, 1)),
        ("user", "今日は新宿でラーメンを食べたよ", datetime(2025, 6, 2, 12)),
        ("companion", "いいね！何味だった？", datetime(2025, 6, 2, 12, 1)),
        ("user", "Work was busy, nothing special", datetime(2025, 6, 3, 18)),
        ("user", "明日は雨らしいから家で映画を見る", datetime(2025, 6, 4, 20)),
    ]
    for role, text, when in chat:
        m = messages.add(store, pid, role, text, created_at=when.replace(tzinfo=UTC))
        if "ラーメンを" in text:
            ids["ramen"] = m.id
        if "映画" in text:
            ids["movie"] = m.id
    ids["violin"] = next(
        m.id for m in messages.recent(store, pid, 50) if "violin concerto" in m.content
    )
    ids["entry_cat"] = journal.add(
        store,
        pid,
        "Our neighbour's cat Mochi slept on the balcony",
        written_on=date(2025, 8, 1),
        mood=5,
    ).id
    ids["entry_ja"] = journal.add(
        store, pid, "桜が満開で、川沿いを散歩した。", written_on=date(2025, 3, 30), mood=4
    ).id
    ids["memory_shrimp"] = memories.add(store, pid, "Allergic to shrimp").id
    ids["memory_birthday"] = memories.add(
        store, pid, "誕生日は十一月三日", kind="fact", pinned=True
    ).id
    return ids
