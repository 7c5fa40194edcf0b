"""Recall and search with a million messages (issue 5).

Targets: recall for one prompt ≤ 100 ms, a search ≤ 200 ms, and saving a message costs the
same with a million messages as with a thousand (no work proportional to the history).
The ratio to an unindexed scan shows what the fts index buys.

The shared loader writes the same English sentence a million times ("… about the garden,
the sea and dinner"), the worst case for an index: every query word is in every message.
A varied tail (English and Japanese) is added after the index snapshot, as would happen
between two background rebuilds.
"""

from __future__ import annotations

import sys
import time

from benchmarks.common import Result, print_table, scratch_dir, store_with_messages, timed
from memory import messages, personas, recall, search

TAIL = 5_000


def _add_corpus(store, pid: int, n_outings: int, n_entries: int) -> None:
    store.execute(
        """
        INSERT INTO outings (persona_id, title, place, happened_on, notes)
        SELECT ?, 'Outing ' || i, 'Place ' || (i % 97), DATE '2021-01-01' + (i % 1800)::INT,
               'We walked and talked, day ' || i
        FROM range(?) t(i)
        """,
        [pid, n_outings],
    )
    store.execute(
        "INSERT INTO outings (persona_id, title, place, happened_on, notes) VALUES "
        "(?, 'Korakuen Garden', 'Bunkyo, Tokyo', DATE '2024-04-06', "
        "'Plum blossoms by the pond; 後楽園の池のまわりを歩いた')",
        [pid],
    )
    store.execute(
        """
        INSERT INTO journal_entries (persona_id, written_on, mood, body)
        SELECT ?, DATE '2021-01-01' + (i % 1800)::INT, 1 + i % 5,
               'Entry ' || i || ': work, a walk, dinner with friends. 今日は仕事が忙しかった。'
        FROM range(?) t(i)
        """,
        [pid, n_entries],
    )
    store.execute(
        """
        INSERT INTO memories (persona_id, body, pinned)
        SELECT ?, 'Fact number ' || i || ' about the user', i < 3 FROM range(500) t(i)
        """,
        [pid],
    )


def _add_tail(store, pid: int, n: int) -> None:
    store.execute(
        """
        INSERT INTO messages (persona_id, role, content, created_at, source)
        SELECT ?, CASE WHEN i % 2 = 0 THEN 'user' ELSE 'companion' END,
               CASE i % 3 WHEN 0 THEN 'tail message ' || i || ' about the cinema and ramen'
                          WHEN 1 THEN '今日はラーメンを食べに行った ' || i
                          ELSE 'we should plan a picnic ' || i END,
               TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_seconds(i * 60), 'chat'
        FROM range(?) t(i)
        """,
        [pid, n],
    )


def _save_cost(store, pid: int) -> float:
    return timed(lambda: messages.add(store, pid, "user", "one more message"), repeat=20)


def run(quick: bool = False) -> list[Result]:
    n = 20_000 if quick else 1_000_000
    small = store_with_messages(scratch_dir("recall-small"), 1_000)
    small_pid = personas.ensure_starter(small).id
    save_small = _save_cost(small, small_pid)

    store = store_with_messages(scratch_dir("recall"), n)
    pid = personas.ensure_starter(store).id
    _add_corpus(store, pid, 200 if quick else 10_000, 200 if quick else 5_000)

    started = time.perf_counter()
    search.rebuild_index(store)
    build_s = time.perf_counter() - started
    _add_tail(store, pid, TAIL)
    save_large = _save_cost(store, pid)

    prompt = "do you remember the garden?"
    first = recall.for_prompt(store, pid, prompt)
    assert first and first[0].title.startswith("Korakuen Garden"), first[:1]
    recall_s = timed(lambda: recall.for_prompt(store, pid, prompt), repeat=7)
    recall_ja_s = timed(lambda: recall.for_prompt(store, pid, "後楽園の庭を覚えてる？"), repeat=7)

    def searched(text):
        return lambda: search.search(store, pid, text)

    search_s = timed(searched("garden sea dinner"), repeat=7)
    search_rare_s = timed(searched("message number 123456"), repeat=7)
    search_ja_s = timed(searched("ラーメン"), repeat=7)

    terms = search.query_terms(store, "message number 123456")
    indexed_s = timed(lambda: search.message_scores(store, pid, terms), repeat=7)
    scan_s = timed(lambda: search.message_scores(store, pid, terms, use_index=False), repeat=3)

    ms = 1000.0
    return [
        Result(
            f"recall, one English prompt, {n:,} messages",
            recall_s * ms,
            "ms",
            "≤ 100 ms",
            recall_s <= 0.1,
        ),
        Result(
            "recall, one Japanese prompt", recall_ja_s * ms, "ms", "≤ 100 ms", recall_ja_s <= 0.1
        ),
        Result("search, words in every message", search_s * ms, "ms", "≤ 200 ms", search_s <= 0.2),
        Result("search, rare words", search_rare_s * ms, "ms", "≤ 200 ms", search_rare_s <= 0.2),
        Result("search, Japanese (tail)", search_ja_s * ms, "ms", "≤ 200 ms", search_ja_s <= 0.2),
        Result(
            "messages: unindexed scan ÷ indexed", scan_s / indexed_s, "×", "> 1", scan_s > indexed_s
        ),
        Result("messages: unindexed scan", scan_s * ms, "ms", "(baseline)", True),
        Result("index build (background)", build_s, "s", "(off the save path)", True),
        Result(
            "save a message, 1M ÷ 1k messages",
            save_large / save_small,
            "×",
            "≤ 2×",
            save_large / save_small <= 2.0,
        ),
    ]


if __name__ == "__main__":
    print_table(run("--quick" in sys.argv))
