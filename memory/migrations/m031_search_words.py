"""The words search sees in a text, for English and Japanese alike.

`kizuna_search_words(text)` lower-cases the text and returns its words separated by spaces:
runs of letters and digits of space-separated scripts (Latin, Cyrillic, Hangul, …) as they
are, and runs of kanji, hiragana and katakana as
overlapping character pairs (後楽園 → 後楽 楽園), because Japanese has no spaces between words
and DuckDB's full-text index splits only on spaces. The same macro makes the words of the
indexed messages and of every query, so both sides always agree.

`search_index_state` records which snapshot of the messages the full-text index covers;
messages after `indexed_upto` are searched directly (see memory/search.py).
"""


def up(cur) -> None:
    cur.execute(r"""
        CREATE MACRO kizuna_search_words(s) AS array_to_string(list_concat(
            regexp_extract_all(
                lower(s), '[^\s\p{P}\p{S}\p{Z}\p{C}\p{Han}\p{Hiragana}\p{Katakana}ー々]+'
            ),
            flatten(list_transform(
                regexp_extract_all(s, '[\p{Han}\p{Hiragana}\p{Katakana}ー々]+'),
                r -> CASE WHEN length(r) = 1 THEN [r]
                          ELSE list_transform(range(1, length(r)), i -> substr(r, i, 2)) END
            ))
        ), ' ');

        CREATE TABLE search_index_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            active VARCHAR NOT NULL,
            indexed_upto BIGINT NOT NULL,
            docs BIGINT NOT NULL,
            built_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            build_seconds DOUBLE
        );
    """)
