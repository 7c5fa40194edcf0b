"""Search for Japanese users: width (NFKC), kana spellings and kanji ↔ romaji places."""

from __future__ import annotations

from datetime import date

import pytest

from memory import messages, outings, personas, search


@pytest.fixture
def pid(store):
    return personas.ensure_starter(store, today=date(2026, 12, 1)).id


def index_with_others(store, pid):
    """Index the messages among enough unrelated ones that no search word is common."""
    for i in range(20):
        messages.add(store, pid, "companion", f"a quiet evening number {i}")
    search.rebuild_index(store)


def found(store, pid, query: str, kind: str) -> list[int]:
    return [hit.id for hit in search.search(store, pid, query).by_kind.get(kind, [])]


@pytest.mark.parametrize("indexed", [False, True])
def test_full_width_and_half_width_find_each_other(store, pid, indexed):
    full = messages.add(store, pid, "user", "ＡＢＣマートで靴を買った")
    half = messages.add(store, pid, "user", "new shoes from the ABC store")
    if indexed:
        index_with_others(store, pid)
    assert set(found(store, pid, "abc", "message")) == {full.id, half.id}
    assert set(found(store, pid, "ＡＢＣ", "message")) == {full.id, half.id}


@pytest.mark.parametrize("indexed", [False, True])
def test_katakana_and_hiragana_spellings_find_each_other(store, pid, indexed):
    kata = messages.add(store, pid, "user", "名前をカタカナで書いた")
    hira = messages.add(store, pid, "user", "ぜんぶかたかなにしよう")
    if indexed:
        index_with_others(store, pid)
    assert set(found(store, pid, "カタカナ", "message")) == {kata.id, hira.id}
    assert set(found(store, pid, "かたかな", "message")) == {kata.id, hira.id}


def test_a_place_in_kanji_and_in_romaji_find_each_other(store, pid):
    kanji = outings.create(store, pid, "秋の散歩", place="後楽園", happened_on=date(2026, 11, 3))
    latin = outings.create(
        store, pid, "Plum blossoms", place="Korakuen", happened_on=date(2026, 3, 1)
    )
    said = messages.add(store, pid, "user", "Korakuen-en was beautiful today")
    assert set(found(store, pid, "後楽園", "outing")) == {kanji.id, latin.id}
    assert set(found(store, pid, "Korakuen", "outing")) == {kanji.id, latin.id}
    assert set(found(store, pid, "Kōrakuen", "outing")) == {kanji.id, latin.id}
    assert said.id in found(store, pid, "後楽園", "message")


def test_mixed_script_names_are_found_by_either_part(store, pid):
    both = outings.create(
        store, pid, "後楽園 Korakuen-en", place="岡山", happened_on=date(2026, 5, 5)
    )
    assert found(store, pid, "Okayama", "outing") == [both.id]
    assert found(store, pid, "korakuen", "outing") == [both.id]
    assert found(store, pid, "後楽園", "outing") == [both.id]


def test_recall_widens_kana_but_skips_romaji(store, pid):
    terms = search.query_terms(store, "カタカナ覚えてる？", for_recall=True)
    assert "かた" in terms and "katakana" not in terms
