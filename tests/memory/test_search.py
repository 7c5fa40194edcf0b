"""Search over messages, journal, outings and memories, in English and Japanese."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from memory import memories, messages, search
from tests import recall_corpus


@pytest.fixture
def corpus(store):
    return recall_corpus.load(store)


@pytest.mark.parametrize(
    ("query", "kind", "key"),
    [
        ("garden", "outing", "korakuen"),
        ("seagulls", "outing", "kamakura"),  # found through what the companion said
        ("violin concerto", "message", "violin"),
        ("cat on the balcony", "journal", "entry_cat"),
        ("shrimp", "memory", "memory_shrimp"),
    ],
)
def test_english_query_finds_the_expected_item_first(store, corpus, query, kind, key):
    results = search.search(store, corpus["pid"], query)
    assert results.by_kind[kind][0].id == corpus[key]


@pytest.mark.parametrize(
    ("query", "kind", "key"),
    [
        ("ラーメン", "message", "ramen"),
        ("映画", "message", "movie"),
        ("睡蓮", "outing", "ueno"),
        ("桜", "journal", "entry_ja"),
        ("誕生日", "memory", "memory_birthday"),
    ],
)
def test_japanese_query_without_spaces_finds_the_expected_item_first(
    store, corpus, query, kind, key
):
    results = search.search(store, corpus["pid"], query)
    assert results.by_kind[kind][0].id == corpus[key]


def test_a_word_finds_its_plural_but_not_a_longer_word_containing_it(store, corpus):
    pid = corpus["pid"]
    plural = messages.add(store, pid, "user", "the gardens were quiet")
    inside = messages.add(store, pid, "user", "bodyguardens everywhere")
    found = [h.id for h in search.search(store, pid, "garden").by_kind["message"]]
    assert plural.id in found
    assert inside.id not in found


def test_a_word_is_found_after_any_boundary_and_never_inside_a_word(store, corpus):
    # Each text holds "garden" once: after a boundary (start, space, line break, tab,
    # quotes, brackets, kanji, kana, a full stop) it starts a word; after letters it does
    # not. The tail of messages and the small collections (memories) are read alike.
    pid = corpus["pid"]
    starts = [
        "garden at dawn",
        "the garden",
        "first line\ngardens",
        "tab\tgarden",
        "she said “garden” twice",
        "(gardening)",
        "楽garden",
        "のgarden",
        "end.garden",
        "「garden」",
    ]
    inside = ["bodyguardens", "xgarden", "ｗgarden", "é" + "garden"]
    started = {messages.add(store, pid, "user", text).id for text in starts}
    hidden = {messages.add(store, pid, "user", text).id for text in inside}
    found = {h.id for h in search.search(store, pid, "garden", limit=50).by_kind["message"]}
    assert started <= found
    assert not hidden & found
    kept = {memories.add(store, pid, text).id: text for text in starts[4:8] + inside[:2]}
    remembered = {h.id for h in search.search(store, pid, "garden").by_kind["memory"]}
    assert {i for i, t in kept.items() if t in starts} <= remembered
    assert not {i for i, t in kept.items() if t in inside} & remembered


def test_a_full_width_word_is_found_at_the_start_of_a_word_only(store, corpus):
    pid = corpus["pid"]
    wide = messages.add(store, pid, "user", "今日は「ｇａｒｄｅｎ」に行った")
    glued = messages.add(store, pid, "user", "ｂｏｄｙｇｕａｒｄｅｎｓ")
    found = {h.id for h in search.search(store, pid, "garden", limit=50).by_kind["message"]}
    assert wide.id in found
    assert glued.id not in found


def test_results_show_the_match_in_context_with_its_day(store, corpus):
    hit = search.search(store, corpus["pid"], "ラーメン").by_kind["message"][0]
    assert hit.snippet == ("今日は新宿で", "ラーメン", "を食べたよ")
    assert hit.when.isoformat() == "2025-06-02"


def test_indexed_snapshot_and_unindexed_tail_are_both_searched(store, corpus):
    pid = corpus["pid"]
    status = search.rebuild_index(store)
    assert status.indexed_upto == store.execute("SELECT max(id) FROM messages").fetchone()[0]
    assert status.tail == 0
    later = messages.add(store, pid, "user", "another bowl of ラーメン tonight")
    assert search.index_status(store).tail == 1
    found = [h.id for h in search.search(store, pid, "ラーメン").by_kind["message"]]
    assert set(found) == {corpus["ramen"], later.id}
    english = search.search(store, pid, "violin concerto").by_kind["message"]
    assert english[0].id == corpus["violin"]


def test_words_looked_up_in_one_index_are_looked_up_again_in_the_next(store, corpus):
    # What search remembers of an index (its statistics, which words it holds) belongs to
    # that index: a word absent from it is found once a rebuild has indexed it.
    pid = corpus["pid"]
    search.rebuild_index(store)
    assert "message" not in search.search(store, pid, "zebra").by_kind
    zebras = {messages.add(store, pid, "user", f"a zebra at the zoo, {n}").id for n in range(3)}
    assert search.rebuild_index(store).tail == 0
    found = {h.id for h in search.search(store, pid, "zebra").by_kind["message"]}
    assert found == zebras
    for message_id in zebras:
        messages.delete(store, message_id)
    search.rebuild_index(store)
    assert "message" not in search.search(store, pid, "zebra").by_kind


def test_an_index_state_naming_another_table_is_ignored_and_search_still_finds(store, corpus):
    # The snapshot's name is a table name in SQL: a state row that names anything else (a
    # damaged or forged file) is not used, and search reads the messages themselves.
    pid = corpus["pid"]
    found = {messages.add(store, pid, "user", f"the heron by the pond, {n}").id for n in range(3)}
    search.rebuild_index(store)
    assert {h.id for h in search.search(store, pid, "heron").by_kind["message"]} == found
    store.execute("UPDATE search_index_state SET active = 'messages; DROP TABLE messages; --'")
    assert {h.id for h in search.search(store, pid, "heron").by_kind["message"]} == found
    assert search.index_status(store).tail == messages.count(store)
    assert search.rebuild_index(store).tail == 0  # and a rebuild makes a good index again
    assert {h.id for h in search.search(store, pid, "heron").by_kind["message"]} == found


@pytest.mark.parametrize(
    "query",
    [
        "garden",
        "violin concerto at the hall",
        "ラーメン",
        "睡蓮",
        "shrimp tempura",
        "seagulls",
        "zzz",
    ],
)
def test_recall_finds_in_one_query_what_the_two_searches_find(store, corpus, query):
    # Recall ranks the small collections and the messages' tail in one query: the hits,
    # their scores and their order are those of `small_hits` and `message_hits`.
    pid = corpus["pid"]
    search.rebuild_index(store)
    for text in ("the garden again", "ラーメン食べたい", "violin practice", "a shrimp"):
        messages.add(store, pid, "user", text)
    terms = search.query_terms(store, query, for_recall=True)
    tz = ZoneInfo("Asia/Tokyo")
    before = store.execute("SELECT max(id) - 2 FROM messages").fetchone()[0]
    for limit in (1, 3, 20):
        small, said = search.recall_hits(store, pid, terms, tz, limit, before_id=before)
        assert small == search.small_hits(store, pid, terms, tz, limit)
        assert said == search.message_hits(
            store, pid, terms, tz, limit=limit, before_id=before, common_words=False
        )


def test_saving_a_message_leaves_the_index_alone(store, corpus):
    pid = corpus["pid"]
    before = search.rebuild_index(store)
    for i in range(5):
        messages.add(store, pid, "user", f"message {i} about the garden")
    after = search.index_status(store)
    assert (after.indexed_upto, after.docs, after.built_at) == (
        before.indexed_upto,
        before.docs,
        before.built_at,
    )
    assert after.tail == 5


def test_a_deleted_message_is_not_found_even_while_still_indexed(store, corpus):
    pid = corpus["pid"]
    search.rebuild_index(store)
    messages.delete(store, corpus["violin"])
    found = [h.id for h in search.search(store, pid, "concerto").by_kind.get("message", [])]
    assert corpus["violin"] not in found


def test_background_rebuild_starts_once_the_tail_is_long(store, corpus):
    pid = corpus["pid"]
    assert not search.refresh_in_background(store, tail_limit=100)
    assert search.refresh_in_background(store, tail_limit=2)
    search._building[store].join(timeout=60)
    status = search.index_status(store)
    assert status.tail == 0
    assert status.docs == messages.count(store)
    assert search.search(store, pid, "concerto").by_kind["message"][0].id == corpus["violin"]


def test_empty_or_stopword_query_finds_nothing(store, corpus):
    assert search.search(store, corpus["pid"], "   ").total == 0
    assert search.search(store, corpus["pid"], "the and of").total == 0


def test_other_companions_messages_are_not_searched(store, corpus):
    from memory import personas

    other = personas.create(store, name="Other")
    messages.add(store, other.persona_id, "user", "a secret concerto for someone else")
    found = search.search(store, corpus["pid"], "concerto").by_kind["message"]
    assert all("secret" not in h.text for h in found)


def test_a_word_in_most_messages_lists_the_newest_holding_it(store, corpus):
    pid = corpus["pid"]
    added = [messages.add(store, pid, "user", f"tea number {i}").id for i in range(12)]
    search.rebuild_index(store)
    found = [h.id for h in search.search(store, pid, "tea").by_kind["message"]]
    assert found[:3] == added[::-1][:3]
    # recall has nothing distinctive to bring back from such a word
    assert search.message_scores(store, pid, ["tea"], common_words=False) == []


def test_stemmed_word_is_found_in_unindexed_text_too(store, corpus):
    pid = corpus["pid"]
    happy = messages.add(store, pid, "user", "I feel so happy today")
    found = [h.id for h in search.search(store, pid, "happiness").by_kind["message"]]
    assert found == [happy.id]
    search.rebuild_index(store)
    found = [h.id for h in search.search(store, pid, "happiness").by_kind["message"]]
    assert found == [happy.id]


@pytest.mark.parametrize("indexed", [False, True])
def test_other_space_separated_scripts_are_searchable(store, corpus, indexed):
    pid = corpus["pid"]
    korean = messages.add(store, pid, "user", "오늘 친구와 바다에 갔어요")
    russian = messages.add(store, pid, "user", "Мы гуляли в парке у реки")
    if indexed:
        search.rebuild_index(store)
    assert search.search(store, pid, "바다에").by_kind["message"][0].id == korean.id
    assert search.search(store, pid, "парке").by_kind["message"][0].id == russian.id


_EXIT_WHILE_INDEXING = """
import sys
from memory import Store, messages, personas, search

store = Store.open(sys.argv[1])
pid = personas.ensure_starter(store).id
for i in range(300):
    messages.add(store, pid, "user", f"the koi in the pond, number {i}")
assert search.refresh_in_background(store, tail_limit=10)
if sys.argv[2] == "close":
    store.close()
# otherwise the interpreter ends with the build still running
"""


@pytest.mark.parametrize("ending", ["close", "exit"])
def test_ending_while_the_index_is_built_waits_for_it(tmp_path, ending):
    # Closing the store (or ending the process) under a running build used to abort the
    # process ("terminate called without an active exception") after an import.
    import subprocess
    import sys
    from pathlib import Path

    from memory import Store

    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", _EXIT_WHILE_INDEXING, str(tmp_path), ending],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "terminate called" not in done.stderr
    with Store.open(tmp_path) as store:
        status = search.index_status(store)
        assert status.docs == 300 and status.tail == 0


class _FailsAt:
    """A cursor that fails at the first statement of one step of the index build."""

    def __init__(self, cur, step: str):
        self._cur, self._step = cur, step

    def execute(self, sql, *args):
        if self._step in sql:
            raise RuntimeError(f"the build was interrupted at {self._step}")
        return self._cur.execute(sql, *args)


@pytest.mark.parametrize(
    "step",
    ["kizuna_search_words(content)", "create_fts_index", "_postings AS", "search_index_state"],
)
def test_a_build_interrupted_at_any_step_leaves_the_previous_index_in_use(
    store, corpus, monkeypatch, step
):
    # The build commits step by step (its memory); until its last step, searches go on using
    # the previous snapshot and the messages saved since, and the next build mends it.
    import contextlib

    pid = corpus["pid"]
    before = search.rebuild_index(store)
    zebra = messages.add(store, pid, "user", "a zebra at the zoo").id
    real = store.transaction

    @contextlib.contextmanager
    def interrupted():
        with real() as cur:
            yield _FailsAt(cur, step)

    monkeypatch.setattr(store, "transaction", interrupted)
    with pytest.raises(RuntimeError, match="interrupted"):
        search.rebuild_index(store)
    monkeypatch.undo()

    status = search.index_status(store)
    assert (status.indexed_upto, status.docs, status.tail) == (
        before.indexed_upto,
        before.docs,
        1,
    )
    assert {h.id for h in search.search(store, pid, "zebra").by_kind["message"]} == {zebra}
    assert search.search(store, pid, "violin concerto").by_kind["message"][0].id == corpus["violin"]
    assert search.rebuild_index(store).tail == 0
    assert {h.id for h in search.search(store, pid, "zebra").by_kind["message"]} == {zebra}
    assert search.search(store, pid, "violin concerto").by_kind["message"][0].id == corpus["violin"]


def test_scores_worked_out_beside_the_query_equal_duckdbs_to_the_bit(store):
    # `_direct_by_kind` leaves the counting and the BM25 arithmetic out of its SQL; on text
    # with every kind of word boundary, each collection's best rows and their scores are
    # `_direct`'s (DuckDB's own arithmetic, one collection at a time), ties and all.
    import random
    from datetime import date

    from memory import journal, outings, personas

    rng = random.Random(17)
    pid = personas.ensure_starter(store).id
    words = [
        "garden",
        "gardens",
        "bodyguardens",
        "went",
        "twenty",
        "aquarium",
        "lovely",
        "love",
        "today",
        "happy",
        "happiness",
        "sea",
        "ｇａｒｄｅｎ",
        "ｗｅｎｔ",
        "庭",
        "水族館",
        "楽しかった",
        "カフェ",
        "ラーメン",
        "dinner",
        "Dinner",
        "GARDEN",
        "e-mail",
        "café",
        "naïve",
        "42",
    ]
    glue = [
        " ",
        "  ",
        "\n",
        ", ",
        ". ",
        "!",
        "、",
        "。",
        "「",
        "」",
        "—",
        "(",
        ")",
        "#",
        "🌸",
        "",
        "楽",
    ]

    def text() -> str:
        return "".join(rng.choice(words) + rng.choice(glue) for _ in range(rng.randint(1, 14)))

    for _ in range(40):
        memories.add(store, pid, text(), keywords=rng.choice([None, text()]))
    for _ in range(30):
        outings.create(store, pid, text()[:60], place=rng.choice([None, "Ueno"]), notes=text())
    for i in range(30):
        journal.add(store, pid, text(), written_on=date(2026, 1, 1 + i))
    for _ in range(300):
        messages.add(store, pid, rng.choice(["user", "companion"]), text())
    tail = ("message", search._TAIL_SQL, [pid, 0, 2**62], 5000, {"went": 40, "garden": 7})
    sources = [*search._small_sources(pid), tail]
    queries = [
        "We went to the aquarium today, it was lovely",
        "the garden",
        "庭でラーメン",
        "happy dinner at the sea",
        "ｇａｒｄｅｎ café",
        "e-mail naïve 42",
    ]
    compared = 0
    for query in queries:
        terms = search.query_terms(store, query, for_recall=True)
        for limit in (1, 3, 500):
            together = search._direct_by_kind(store, sources, terms, limit)
            for kind, sql, params, *extra in sources:
                alone = search._direct(
                    store,
                    sql,
                    params,
                    terms,
                    limit,
                    extra_docs=extra[0] if extra else 0,
                    extra_df=extra[1] if extra else None,
                )
                assert together.get(kind, []) == alone, (query, kind, limit)
                compared += len(alone)
    assert compared > 1000
