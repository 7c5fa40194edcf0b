"""Search and relevance over everything kept with a companion, in English and in Japanese.

Design (measured in benchmarks/bench_recall.py):

* Words. `kizuna_search_words` (a DuckDB macro, migration m031) turns text into words:
  space-separated words (English, French, Russian, Korean, …) as they are, and Japanese runs
  as overlapping character pairs (後楽園 → 後楽 楽園), since Japanese has no spaces.
  Queries go through the same macro, then words are stemmed with the fts extension's Porter
  stemmer and English stop words are dropped.
* Messages (up to millions) are ranked with BM25 from DuckDB's fts extension
  (`duckdb-extension-fts`, loaded from its PyPI package, no download). The fts index is a
  snapshot: it is built over a copy of the messages' words up to `indexed_upto` and never
  touched when a message is saved. Messages after the snapshot — the "tail" — are searched
  directly with `contains` on their text, which is cheap while the tail is small. When the
  tail passes `TAIL_LIMIT` messages, the next search starts a rebuild in a background thread
  into the *other* of two snapshot tables and switches over in one transaction, so searches
  never wait for a build and saving a message never costs more than saving a message.
* Outings, journal entries and memories are small tables (thousands of rows): they are
  scanned directly with the same matching and the same BM25 weighting, so their text can be
  edited freely without any index to maintain.
"""

from __future__ import annotations

import functools
import math
import os
import re
import threading
import time
import unicodedata
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from memory import settings as settings_store
from memory.i18n import _

#: Messages after the indexed snapshot above which a background rebuild starts.
TAIL_LIMIT = 20_000

# BM25 parameters (the fts extension's defaults).
K1 = 1.2
B = 0.75

KINDS = ("memory", "outing", "journal", "message")

_SNAPSHOTS = ("search_snap_a", "search_snap_b")
# The words are already clean and space-separated: the fts tokenizer only splits on spaces.
_IGNORE = r"(\s)+"
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff々ー]")
_KANA_ONLY = re.compile(r"^[\u3040-\u309fー]+$")

#: English words too common to search for (also kept out of the fts index).
STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is
    it its itself just me more most my myself no nor not now of off on once only or other our
    ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours yourself
    yourselves s t don didn doesn isn wasn aren im ive id ill youre thats whats lets""".split()
)
#: Words that ask for a memory rather than name one ("do you remember the garden?").
RECALL_WORDS = frozenset(
    """remember remembered remembering recall recalled forget forgot forgotten think thought
    know knew tell told say said hey oh yes yeah please maybe really""".split()
)
#: The same for Japanese character pairs (覚えてる？ 思い出して).
RECALL_PAIRS = frozenset("覚え 憶え 思い い出 出し 出せ 出す 知っ 覚て".split())


@dataclass(frozen=True)
class Hit:
    """One thing found: a message, a journal entry, an outing or a memory."""

    kind: str
    id: int
    score: float
    title: str
    text: str
    when: date | None
    role: str | None = None  # for messages: 'user' or 'companion'
    snippet: tuple[str, str, str] = ("", "", "")  # before, match, after

    @property
    def day(self) -> date | None:
        return self.when


@dataclass
class Results:
    """Search results by kind, best first within each kind."""

    query: str
    terms: list[str]
    by_kind: dict[str, list[Hit]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.by_kind.values())

    def __iter__(self):
        for kind in KINDS:
            yield from self.by_kind.get(kind, [])


@dataclass(frozen=True)
class IndexStatus:
    """What the messages' full-text index covers."""

    active: str | None
    indexed_upto: int
    docs: int
    tail: int
    built_at: datetime | None
    build_seconds: float | None
    building: bool


# -- the fts extension ------------------------------------------------------------------------
_loaded: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_building: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_guard = threading.Lock()


def fts_extension_path() -> str:
    """The fts extension shipped inside the `duckdb-extension-fts` package (no download)."""
    import duckdb
    import duckdb_extension_fts

    version = duckdb.__version__
    return os.path.join(
        os.path.dirname(duckdb_extension_fts.__file__),
        "extensions",
        f"v{version}",
        "fts.duckdb_extension",
    )


def _load_fts(store) -> bool:
    """Load the fts extension once per store; False when it cannot be loaded here.

    Without it search still works — unstemmed words, every message scanned directly —
    only slower on a large history.
    """
    if store in _loaded:
        return _loaded[store]
    import duckdb

    try:
        path = fts_extension_path()
        # LOAD takes no parameters; the path comes from the installed package, not input.
        store.execute(f"LOAD '{path}'")
        _loaded[store] = True
    except (ImportError, OSError, duckdb.Error):
        _loaded[store] = False
    return _loaded[store]


# -- words ------------------------------------------------------------------------------------
def is_latin(term: str) -> bool:
    return not _CJK.search(term)


def query_terms(store, text: str, *, for_recall: bool = False) -> list[str]:
    """The search terms in `text`: stemmed English words and Japanese character pairs.

    For recall, words that only ask for a memory ("remember", "think") are dropped, and
    pairs made only of hiragana (mostly grammar: て, いる, した) are dropped when the text also
    has kanji or katakana pairs, which carry the meaning in Japanese.
    """
    if not text or not text.strip():
        return []
    stemming = _load_fts(store)
    text = unicodedata.normalize("NFKC", text[:2000])  # ＡＢＣ → ABC, ｶﾀｶﾅ → カタカナ
    words = _words(store, text)
    stop = STOP_WORDS | RECALL_WORDS if for_recall else STOP_WORDS
    latin = [w for w in words if is_latin(w) and w not in stop and (len(w) > 1 or w.isdigit())]
    cjk = [w for w in words if not is_latin(w) and not (for_recall and w in RECALL_PAIRS)]
    if any(not _KANA_ONLY.match(w) for w in cjk):
        cjk = [w for w in cjk if not _KANA_ONLY.match(w)]
    latin, cjk = _japanese_variants(store, text, latin, cjk, romaji_too=not for_recall)
    stems = latin
    if latin and stemming:
        stems = _stems(store, latin)
    seen: dict[str, None] = {}
    for term in stems + cjk:
        if term and term not in seen:
            seen[term] = None
    return list(seen)[:24]


def _stems(store, words: list[str]) -> list[str]:
    """The Porter stems of English words, as the index stems them."""
    known = {w: _stem_cache.get(w) for w in words}
    missing = [w for w, stem in known.items() if stem is None]
    if missing:
        found = dict(
            store.execute(
                "SELECT w, stem(w, 'porter') FROM (SELECT unnest(?::VARCHAR[]) AS w)", [missing]
            ).fetchall()
        )
        known.update(found)
        with _guard:
            if len(_stem_cache) >= 4096:
                _stem_cache.clear()
            _stem_cache.update(found)
    return [known[w] or w for w in words]


#: Word -> its Porter stem (a pure function of the word).
_stem_cache: dict[str, str] = {}


# -- Japanese variants: width, kana and romaji -----------------------------------------------
# A query is widened, never the stored text: full-width and half-width forms (NFKC, and the
# full-width twin of a Latin word), hiragana and katakana spellings of a kana word, and a
# place in kanji and in romaji (後楽園 ↔ Korakuen) through pykakasi, whose dictionaries ship
# inside its package (nothing is downloaded). Romaji → kanji looks up the Japanese words of
# the outings' titles and places, the names a user searches for in romaji.
_HIRA_TO_KATA = {c: c + 0x60 for c in range(0x3041, 0x3097)}
_KATA_TO_HIRA = {c + 0x60: c for c in range(0x3041, 0x3097)}
_KATAKANA_ONLY = re.compile(r"^[\u30a1-\u30faー]+$")
_JAPANESE_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff々ー]+")


def _words(store, text: str) -> list[str]:
    """The words of `text` as the index sees them (the same macro builds the index)."""
    words = _words_cache.get(text)
    if words is None:
        words = store.execute("SELECT kizuna_search_words(?)", [text]).fetchone()[0].split()
        with _guard:
            if len(_words_cache) >= 512:  # a reply asks for the same text several times
                _words_cache.clear()
            _words_cache[text] = words
    return list(words)


#: Text -> its words. The macro is the same in every store and depends on nothing stored.
_words_cache: dict[str, list[str]] = {}


_kakasi_lock = threading.Lock()


@functools.cache
def _kakasi():
    with _kakasi_lock:  # its dictionaries take a second or two to load: load them once
        import pykakasi

        return pykakasi.kakasi()


def warm_up() -> None:
    """Load the transliteration dictionaries in the background, so the first search that
    needs romaji does not wait for them (the app calls this at start)."""
    if _kakasi.cache_info().currsize or any(
        t.name == "kizuna-kakasi" for t in threading.enumerate()
    ):
        return
    threading.Thread(target=_kakasi, name="kizuna-kakasi", daemon=True).start()


@functools.lru_cache(maxsize=4096)
def romaji(run: str) -> tuple[str, ...]:
    """The romaji spellings of each word in a Japanese run that carries meaning (kanji or
    katakana; hiragana alone is mostly grammar), lower case, without spaces:
    後楽園に行った → ('itta', 'korakuen', 'kourakuen', …)."""
    spellings: set[str] = set()
    parts = _kakasi().convert(run)
    words = [[p] for p in parts if not _KANA_ONLY.match(p["orig"])]
    if len(parts) > 1 and not re.search(r"[\u3040-\u309f]", run):
        words.append(parts)  # the whole run too: 岡山後楽園 → okayamakorakuen
    for word in words:
        for kind in ("passport", "hepburn"):
            spelling = "".join(p[kind] for p in word).lower().replace(" ", "")
            if spelling.isascii() and spelling.isalnum():
                spellings.add(spelling)
    return tuple(sorted(spellings))


def _plain_romaji(word: str) -> str:
    """Romaji as people type it: ō/ou/oo → o, ū/uu → u, no hyphens (Kōraku-en → korakuen)."""
    word = unicodedata.normalize("NFKD", word.lower())
    word = "".join(c for c in word if c.isascii() and c.isalnum())
    return re.sub(r"ou|oo", "o", word).replace("uu", "u")


def _romaji_vocabulary(store) -> dict[str, str]:
    """Plain romaji → the Japanese word, for every Japanese run in the outings' titles and
    places (a few hundred rows)."""
    vocabulary: dict[str, str] = {}
    for title, place in store.execute("SELECT title, place FROM outings").fetchall():
        for run in _JAPANESE_RUN.findall(f"{title or ''} {place or ''}"):
            for spelling in romaji(run):
                vocabulary.setdefault(_plain_romaji(spelling), run)
    return vocabulary


def _full_width(word: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in word)


def _japanese_variants(store, text, latin: list[str], cjk: list[str], *, romaji_too: bool):
    """`latin` and `cjk` terms widened with their other spellings (see the section above).
    Recall (every chat message) skips romaji, which needs the transliteration dictionaries."""
    more_latin = [_full_width(w) for w in latin if w.isascii() and _full_width(w) != w]
    # Kōrakuen → korakuen: romaji with long-vowel marks finds the plain spelling
    more_latin += [_plain_romaji(w) for w in latin if not w.isascii() and _plain_romaji(w)]
    more_cjk: list[str] = []
    for pair in cjk:
        if not (_KANA_ONLY.match(pair) or _KATAKANA_ONLY.match(pair)):
            continue  # 園に stays as it is: only a word wholly in kana has another spelling
        for table in (_HIRA_TO_KATA, _KATA_TO_HIRA):
            other = pair.translate(table)
            if other != pair and other not in cjk:
                more_cjk.append(other)
    if not romaji_too:
        return latin + more_latin, cjk + more_cjk
    for run in _JAPANESE_RUN.findall(text):
        more_latin.extend(w for w in romaji(run) if len(w) > 2)
    if latin:
        vocabulary = _romaji_vocabulary(store)
        for word in re.findall(r"[a-z0-9āīūēō-]+", text.lower()):
            run = vocabulary.get(_plain_romaji(word))
            if run is not None and len(_plain_romaji(word)) > 2:
                more_cjk.extend(_words(store, run))
    return latin + more_latin, cjk + more_cjk


#: What a word may follow for a term to match at its start (the start of the text counts
#: too): white space, punctuation, symbols, kanji and kana — the characters that end a word
#: for `kizuna_search_words`.
_BOUNDARY = r"[\s\p{P}\p{S}\p{Han}\p{Hiragana}\p{Katakana}]"


def _prefix(term: str) -> str:
    """What a Latin term must start a word with: Porter turns a final y into i ("happy" →
    "happi"), and the text still says "happy"."""
    return term[:-1] if term.endswith("i") and len(term) > 3 else term


def _plain(prefix: str) -> bool:
    """True when no character of `prefix` can be a word boundary (letters and digits of
    space-separated scripts, full-width ones too: every word `kizuna_search_words` makes)."""
    return bool(prefix) and all(
        ch.isalnum() and (ord(ch) < 0x2E80 or "\uff10" <= ch <= "\uff5a") for ch in prefix
    )


@dataclass(frozen=True)
class _Matchers:
    """SQL testing each term against the lower-cased text `t` of a row, in one pass.

    A Latin term matches a word starting with it ("garden" finds "gardens", not
    "bodyguardens"); any other term matches anywhere. Rows are first narrowed with the cheap
    `contains` (`candidate`). A plain term (no boundary character of its own) starts a word
    when it starts the text or follows a space or a line break, which string functions
    tell; only a row where some term occurs otherwise (“garden, 楽garden, bodyguardens) is
    looked at with `_BOUNDARY`, once for all terms: `bounded` is its text with every
    boundary character turned into a space and a space in front, so the term starts a word
    exactly when the bounded text contains a space and the term. One regular expression per
    query instead of one per term: compiling `_BOUNDARY` costs about a millisecond, each
    time, per thread, and a reply's recall runs two of these queries with up to 24 terms.
    A term with a boundary character of its own keeps its own regular expression.
    """

    candidate: str
    candidate_params: list
    bounded: str
    bounded_params: list
    flags: list[str]
    flag_params: list


def _matchers(terms: Sequence[str]) -> _Matchers:
    candidate, candidate_params, flags, flag_params = [], [], [], []
    unsure, unsure_params = [], []
    for term in terms:
        if not is_latin(term):
            candidate_params.append(term)
            flags.append("contains(t, ?)")
            flag_params.append(term)
        elif _plain(_prefix(term)):
            prefix = _prefix(term)
            candidate_params.append(prefix)
            easy = "(starts_with(t, ?) OR contains(t, ?) OR contains(t, ?))"
            easy_params = [prefix, " " + prefix, "\n" + prefix]
            # `w` is NULL when every term found in the row was found the easy way
            flags.append("(CASE WHEN w IS NULL THEN contains(t, ?) ELSE contains(w, ?) END)")
            flag_params += [prefix, " " + prefix]
            unsure.append(f"(contains(t, ?) AND NOT {easy})")
            unsure_params += [prefix, *easy_params]
        else:
            candidate_params.append(_prefix(term))
            flags.append("(CASE WHEN contains(t, ?) THEN regexp_matches(t, ?) ELSE false END)")
            flag_params += [_prefix(term), "(^|" + _BOUNDARY + ")" + re.escape(_prefix(term))]
        candidate.append("contains(t, ?)")
    bounded = "NULL::VARCHAR"
    if unsure:
        bounded = (
            f"CASE WHEN {' OR '.join(unsure)} "
            f"THEN ' ' || regexp_replace(t, '{_BOUNDARY}', ' ', 'g') END"
        )
    return _Matchers(
        " OR ".join(candidate), candidate_params, bounded, unsure_params, flags, flag_params
    )


def _idf(n_docs: int, df: int) -> float:
    return math.log((n_docs - df + 0.5) / (df + 0.5) + 1.0)


# -- direct scoring (small tables and the messages' unindexed tail) ----------------------------
def _direct(
    store,
    source_sql: str,
    source_params: list,
    terms: Sequence[str],
    limit: int,
    *,
    extra_docs: int = 0,
    extra_df: dict[str, int] | None = None,
) -> list[tuple[int, float]]:
    """BM25-weighted matches of `terms` over rows `(id, text)` of `source_sql`, in one pass.

    `source_sql` is a fixed query (never user text); terms travel as parameters. Each term
    counts once per row; length normalisation uses characters. `extra_docs`/`extra_df` add
    the statistics of an index that covers the rest of the same collection.
    """
    if not terms:
        return []
    extra_df = extra_df or {}
    k = len(terms)
    match = _matchers(terms)
    flags = ", ".join(f"{sql} AS m{i}" for i, sql in enumerate(match.flags))
    counts = ", ".join(f"count_if(m{i}) + ? AS d{i}" for i in range(k))
    weight = " + ".join(
        f"CASE WHEN m{i} THEN ln((n_docs - d{i} + 0.5) / (d{i} + 0.5) + 1) ELSE 0 END"
        for i in range(k)
    )
    sql = f"""
        WITH src AS MATERIALIZED (
            SELECT id, lower(text) AS t, length(text) AS n FROM ({source_sql})
        ),
        totals AS (SELECT count(*) + ? AS n_docs, coalesce(avg(n), 1) AS avg_n FROM src),
        flagged AS MATERIALIZED (
            SELECT id, n, {flags}
            FROM (SELECT id, n, t, {match.bounded} AS w FROM src WHERE {match.candidate})
        ),
        df AS (SELECT {counts} FROM flagged)
        SELECT id, ({weight}) * {K1 + 1} / (1 + {K1} * (1 - {B} + {B} * n / avg_n)) AS score
        FROM flagged, totals, df
        ORDER BY score DESC, id DESC LIMIT ?
    """
    params: list = [*source_params, extra_docs, *match.flag_params, *match.bounded_params]
    params += match.candidate_params
    params += [extra_df.get(t, 0) for t in terms]
    params.append(limit)
    rows = store.execute(sql, params).fetchall()
    return [(int(i), float(sc)) for i, sc in rows if sc and sc > 0]


def _direct_by_kind(
    store, sources: Sequence[tuple], terms: Sequence[str], limit: int
) -> dict[str, list[tuple[int, float]]]:
    """`_direct` over several collections at once, each scored with its own statistics.

    `sources` are `(kind, sql, params)`, or `(kind, sql, params, extra_docs, extra_df)` for a
    collection the index covers in part (the messages' tail, as `_direct` takes them).
    One query instead of one per collection: DuckDB's planning of this query costs more than
    scanning a few thousand rows, and recall runs it before every reply. So the query is
    only the matching (which terms each candidate row holds, by `_matchers`) and each
    collection's size and average length; the document frequencies, the BM25 weights and
    each collection's best rows are worked out here, with `_direct`'s arithmetic in the
    same order (the same scores to the bit; tests/memory/test_search.py compares them).
    Planning the counts, the joins and the window in SQL took as long as all of that. The
    rows come to Python, so only bounded collections belong here (the small tables, the
    messages' unindexed tail); a full scan of a million messages stays `_direct`'s.
    """
    if not terms or not sources:
        return {}
    k = len(terms)
    union = " UNION ALL ".join(
        f"SELECT '{source[0]}' AS kind, id, lower(text) AS t, length(text) AS n FROM ({source[1]})"
        for source in sources
    )
    match = _matchers(terms)
    flags = ", ".join(f"{sql} AS m{i}" for i, sql in enumerate(match.flags))
    sql = f"""
        WITH src AS MATERIALIZED ({union})
        SELECT kind, id, n, NULL::DOUBLE, {flags}
        FROM (SELECT kind, id, n, t, {match.bounded} AS w FROM src WHERE {match.candidate})
        UNION ALL
        SELECT kind, NULL, count(*), coalesce(avg(n), 1), {", ".join(["NULL"] * k)}
        FROM src GROUP BY kind
    """
    params: list = [p for source in sources for p in source[2]]
    params += [*match.flag_params, *match.bounded_params, *match.candidate_params]
    sizes: dict[str, tuple[int, float]] = {}
    flagged: dict[str, list[tuple]] = {}
    for row in store.execute(sql, params).fetchall():
        if row[1] is None:
            sizes[row[0]] = (row[2], row[3])
        else:
            flagged.setdefault(row[0], []).append(row)
    k1_plus_1 = float(f"{K1 + 1}")  # as the SQL of `_direct` writes it
    found: dict[str, list[tuple[int, float]]] = {}
    for source in sources:
        rows = flagged.get(source[0])
        if not rows:
            continue
        extra_docs = source[3] if len(source) > 3 else 0
        extra_df = (source[4] if len(source) > 4 else None) or {}
        count, avg_n = sizes[source[0]]
        n_docs = count + extra_docs
        weights = []
        for i, term in enumerate(terms):
            df = sum(1 for row in rows if row[4 + i]) + extra_df.get(term, 0)
            weights.append(math.log((n_docs - df + 0.5) / (df + 0.5) + 1))
        scored = []
        for row in rows:
            weight = 0.0
            for i in range(k):
                weight += weights[i] if row[4 + i] else 0
            score = weight * k1_plus_1 / (1 + K1 * (1 - B + B * row[2] / avg_n))
            scored.append((int(row[1]), float(score)))
        scored.sort(key=lambda item: (-item[1], -item[0]))
        best = [(i, sc) for i, sc in scored[:limit] if sc and sc > 0]
        if best:
            found[source[0]] = best
    return found


# -- the messages index -----------------------------------------------------------------------
def _state(store):
    """The index's state row; None when there is none or it names no snapshot of ours.

    The snapshot's name goes into SQL as a table name (no placeholder can stand there), so
    only the two fixed names are ever taken from the row.
    """
    row = store.execute(
        "SELECT active, indexed_upto, docs, built_at, build_seconds "
        "FROM search_index_state WHERE id = 1"
    ).fetchone()
    return row if row is not None and row[0] in _SNAPSHOTS else None


def index_status(store) -> IndexStatus:
    """How much of the message history the full-text index covers, and how much is tail."""
    state = _state(store)
    upto = state[1] if state else 0
    tail = store.execute("SELECT count(*) FROM messages WHERE id > ?", [upto]).fetchone()[0]
    if state is None:
        return IndexStatus(None, 0, 0, tail, None, None, _is_building(store))
    return IndexStatus(state[0], state[1], state[2], tail, state[3], state[4], _is_building(store))


def _is_building(store) -> bool:
    thread = _building.get(store)
    return thread is not None and thread.is_alive()


_build_locks: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def rebuild_index(store) -> IndexStatus:
    """Build the full-text index over every message saved so far, then switch to it.

    The build goes into the snapshot table not in use and the switch is one transaction, so
    searches running meanwhile keep using the previous snapshot and the unindexed tail.
    Takes seconds for a million messages; call it from a background thread or the CLI.
    """
    if not _load_fts(store):
        raise RuntimeError(
            "DuckDB's full-text extension could not be loaded (is duckdb-extension-fts "
            "installed at the same version as duckdb?). Search still works, more slowly."
        )
    with _guard:
        lock = _build_locks.setdefault(store, threading.Lock())
    with lock:
        state = _state(store)
        target = _SNAPSHOTS[1] if state and state[0] == _SNAPSHOTS[0] else _SNAPSHOTS[0]
        started = time.perf_counter()
        # Each step commits on its own: DuckDB holds a transaction's new tables uncompressed
        # in memory until its commit, so one transaction for the whole build peaked at the
        # sum of all of them (words + fts tables + postings: 475 MB for 100,000 messages,
        # 383 MB step by step). `target` is not the snapshot in use, so searches never see
        # it half-built; only the last transaction, which switches to it, is seen, and an
        # interrupted build leaves the previous snapshot in use.
        upto = store.execute("SELECT coalesce(max(id), 0) FROM messages").fetchone()[0]
        with store.transaction() as cur:
            cur.execute("CREATE OR REPLACE TABLE search_stopwords (sw VARCHAR)")
            cur.execute(
                "INSERT INTO search_stopwords SELECT unnest(?::VARCHAR[])", [sorted(STOP_WORDS)]
            )
            # `target` is one of two fixed table names; no user text reaches this SQL.
            cur.execute(
                f"CREATE OR REPLACE TABLE {target} AS "
                "SELECT id, persona_id, kizuna_search_words(content) AS words "
                "FROM messages WHERE id <= ?",
                [upto],
            )
        with store.transaction() as cur:
            cur.execute(
                f"PRAGMA create_fts_index('{target}', 'id', 'words', stemmer='porter', "
                f"stopwords='search_stopwords', ignore='{_IGNORE}', strip_accents=0, "
                "lower=1, overwrite=1)"
            )
        with store.transaction() as cur:
            # Copies of the index's postings and dictionary sorted by term, so that DuckDB's
            # min/max zone maps let a lookup for a few terms skip almost every row group.
            cur.execute(
                f"CREATE OR REPLACE TABLE {target}_postings AS SELECT termid, docid "
                f"FROM fts_main_{target}.terms ORDER BY termid, docid"
            )
            cur.execute(
                f"CREATE OR REPLACE TABLE {target}_dict AS SELECT term, termid, df "
                f"FROM fts_main_{target}.dict ORDER BY term"
            )
        with store.transaction() as cur:
            docs = cur.execute(f"SELECT count(*) FROM {target}").fetchone()[0]
            seconds = time.perf_counter() - started
            cur.execute(
                "INSERT OR REPLACE INTO search_index_state "
                "(id, active, indexed_upto, docs, built_at, build_seconds) "
                "VALUES (1, ?, ?, ?, current_timestamp, ?)",
                [target, upto, docs, seconds],
            )
    return index_status(store)


def refresh_in_background(store, *, tail_limit: int | None = None) -> bool:
    """Start a background rebuild when the unindexed tail has grown past `tail_limit`
    (`TAIL_LIMIT` unless given).

    Cheap to call (one count over the tail); returns True when a rebuild was started.
    """
    return _refresh(store, _state(store), None, tail_limit)


def _refresh(store, state, tail: int | None, tail_limit: int | None = None) -> bool:
    """`refresh_in_background` from an index state (and its tail's count) read already."""
    tail_limit = TAIL_LIMIT if tail_limit is None else tail_limit
    if tail is None:
        upto = state[1] if state else 0
        tail = store.execute("SELECT count(*) FROM messages WHERE id > ?", [upto]).fetchone()[0]
    if tail <= tail_limit:
        return False
    with _guard:
        if _is_building(store):
            return False
        _building[store] = store.start_background(
            lambda: _rebuild_quietly(store), name="kizuna-search-index"
        )
    return True


def _rebuild_quietly(store) -> None:
    import contextlib

    # A failed background build leaves the previous snapshot in use and is retried by a
    # later search; nothing the user typed depends on it.
    with contextlib.suppress(Exception):
        rebuild_index(store)


def _indexed_messages(
    store,
    state,
    persona_id: int,
    weights: dict[int, float],
    before_id: int | None,
    limit: int,
) -> list[tuple[int, float]]:
    """BM25 over the fts index's own tables, for term ids with their idf weights."""
    snapshot = state[0]
    schema = f"fts_main_{snapshot}"
    avgdl = _index_stats(store, state)[1] or 1.0
    termids = list(weights)
    any_term = " OR ".join(["t.termid = ?"] * len(termids))
    sql = f"""
        WITH qt AS (SELECT unnest(?::BIGINT[]) AS termid, unnest(?::DOUBLE[]) AS idf),
        tf AS (
            SELECT t.docid, t.termid, count(*) AS tf FROM {snapshot}_postings t
            WHERE {any_term} GROUP BY t.docid, t.termid
        ),
        scored AS (
            SELECT tf.docid, sum(qt.idf * tf.tf * {K1 + 1}
                / (tf.tf + {K1} * (1 - {B} + {B} * d.len / ?))) AS score
            FROM tf JOIN qt USING (termid) JOIN {schema}.docs d ON d.docid = tf.docid
            GROUP BY tf.docid
        )
        SELECT d.name, scored.score FROM scored
        JOIN {schema}.docs d ON d.docid = scored.docid
        JOIN {snapshot} s ON s.id = d.name
        WHERE s.persona_id = ? AND s.id < ?
        ORDER BY scored.score DESC, d.name DESC LIMIT ?
    """
    rows = store.execute(
        sql,
        [
            termids,
            [weights[t] for t in termids],
            *termids,
            float(avgdl),
            persona_id,
            before_id if before_id is not None else 2**62,
            limit,
        ],
    ).fetchall()
    return [(int(i), float(s)) for i, s in rows]


def _latest_with_term(
    store, snapshot: str, persona_id: int, termid: int, weight: float, before_id, limit: int
) -> list[tuple[int, float]]:
    """The newest indexed messages holding one (very common) term."""
    schema = f"fts_main_{snapshot}"
    rows = store.execute(
        f"""
        SELECT DISTINCT s.id FROM (
            SELECT docid FROM {snapshot}_postings WHERE termid = ?
            ORDER BY docid DESC LIMIT ?
        ) t
        JOIN {schema}.docs d ON d.docid = t.docid
        JOIN {snapshot} s ON s.id = d.name
        WHERE s.persona_id = ? AND s.id < ?
        ORDER BY s.id DESC LIMIT ?
        """,
        [termid, limit * 20, persona_id, before_id if before_id is not None else 2**62, limit],
    ).fetchall()
    # All of them hold the word about equally; newest first, all below any rarer match.
    return [(int(r[0]), weight * 0.5 * (1 - i / (10 * limit))) for i, r in enumerate(rows)]


#: Per store, what was read of the snapshot in use: its statistics and the dictionary entry
#: (or its absence) of every term looked up. A snapshot never changes once built; a rebuild
#: builds the other one and switches `search_index_state`, which is the key.
_index_facts: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _facts(store, state) -> dict:
    key = tuple(state)
    with _guard:
        facts = _index_facts.get(store)
        if facts is None or facts["state"] != key:
            facts = {"state": key, "stats": None, "terms": {}}
            _index_facts[store] = facts
    return facts


def _index_stats(store, state) -> tuple[int, float]:
    """(documents in the snapshot, their average length in words)."""
    facts = _facts(store, state)
    if facts["stats"] is None:
        row = store.execute(f"SELECT num_docs, avgdl FROM fts_main_{state[0]}.stats").fetchone()
        facts["stats"] = (int(row[0]), row[1])
    return facts["stats"]


def _index_df(store, state, terms: Sequence[str]) -> tuple[int, dict[str, tuple[int, int]]]:
    """(documents in the index, {term: (termid, document frequency)}) for the snapshot of
    `state` (a row of `search_index_state`); only terms not looked up before are queried."""
    n_docs = _index_stats(store, state)[0]
    known = _facts(store, state)["terms"]
    missing = [t for t in dict.fromkeys(terms) if t not in known]
    if missing:
        rows = store.execute(
            f"SELECT term, termid, df FROM fts_main_{state[0]}.dict "
            "WHERE term IN (SELECT unnest(?::VARCHAR[]))",
            [missing],
        ).fetchall()
        found = {t: (int(tid), int(df)) for t, tid, df in rows}
        with _guard:
            if len(known) >= 4096:
                known.clear()
            known.update({t: found.get(t) for t in missing})
    found = [(t, known[t]) for t in dict.fromkeys(terms) if known.get(t) is not None]
    # In the dictionary's own order (by term id), as its table gives them: the rarest
    # term's ties are broken the same way.
    return n_docs, dict(sorted(found, key=lambda item: item[1][0]))


#: A term found in more than this share of the indexed messages barely ranks anything
#: (its BM25 weight is near zero) yet costs a pass over its whole posting list, so it is
#: left out of the indexed query whenever the query has a rarer term.
COMMON_SHARE = 0.2


def message_scores(
    store,
    persona_id: int,
    terms: Sequence[str],
    *,
    limit: int = 20,
    before_id: int | None = None,
    use_index: bool = True,
    common_words: bool = True,
) -> list[tuple[int, float]]:
    """(message id, score) of the best-matching messages with a companion.

    Uses the full-text index for the indexed snapshot and a direct scan for the tail;
    `use_index=False` scans everything directly (the benchmark's baseline). When every term
    is in a large share of the messages, BM25 cannot tell them apart: with `common_words`
    the newest messages holding the rarest term are returned, without it (recall) none.
    """
    if not terms:
        return []
    plan = _message_plan(store, persona_id, terms, before_id=before_id, use_index=use_index)
    tail = plan.scan_tail(store, terms, limit)
    return _with_indexed(store, persona_id, plan, tail, limit, before_id, common_words)


_TAIL_SQL = "SELECT id, content AS text FROM messages WHERE persona_id = ? AND id > ? AND id < ?"


@dataclass
class _MessagePlan:
    """What scoring messages needs before the tail is scanned: the index in use (a row of
    `search_index_state`, or None), its statistics for the terms, and the tail's rows."""

    state: tuple | None
    n_index: int
    in_index: dict[str, tuple[int, int]]
    tail_sql: str
    tail_params: list
    n_tail: int | None = None  # the messages after the index, once counted (`tail_count`)

    @property
    def df_index(self) -> dict[str, int]:
        return {t: df for t, (_, df) in self.in_index.items()}

    def scan_tail(self, store, terms, limit) -> list[tuple[int, float]]:
        """The tail's messages scored in DuckDB, with the index's counts (`_direct`)."""
        return _direct(
            store,
            self.tail_sql,
            self.tail_params,
            terms,
            limit,
            extra_docs=self.n_index,
            extra_df=self.df_index,
        )

    def tail_count(self, store) -> int:
        """How many messages the index does not cover (counted once per plan)."""
        if self.n_tail is None:
            upto = self.state[1] if self.state else 0
            self.n_tail = store.execute(
                "SELECT count(*) FROM messages WHERE id > ?", [upto]
            ).fetchone()[0]
        return self.n_tail


def _message_plan(store, persona_id, terms, *, before_id, use_index=True) -> _MessagePlan:
    state = _state(store) if use_index and _load_fts(store) else None
    upto = state[1] if state else 0
    before = before_id if before_id is not None else 2**62
    n_index, in_index = _index_df(store, state, terms) if state else (0, {})
    return _MessagePlan(state, n_index, in_index, _TAIL_SQL, [persona_id, upto, before])


def _with_indexed(
    store, persona_id, plan: _MessagePlan, tail, limit, before_id, common_words
) -> list[tuple[int, float]]:
    """The tail's scores joined with the index's, best first (see `message_scores`)."""
    state, n_index, in_index = plan.state, plan.n_index, plan.in_index
    found = dict(tail)
    if state and in_index:
        total = n_index + plan.tail_count(store)
        rare = {
            tid: _idf(total, df) for tid, df in in_index.values() if df <= COMMON_SHARE * n_index
        }
        if rare:
            indexed = _indexed_messages(store, state, persona_id, rare, before_id, limit)
        elif common_words:
            tid, df = min(in_index.values(), key=lambda v: v[1])
            indexed = _latest_with_term(
                store, state[0], persona_id, tid, _idf(total, df), before_id, limit
            )
        else:
            indexed = []
        for message_id, score in indexed:
            found[message_id] = max(score, found.get(message_id, 0.0))
    ranked = sorted(found.items(), key=lambda kv: (-kv[1], -kv[0]))
    return ranked[:limit]


# -- the small tables -------------------------------------------------------------------------
# Each source is fixed SQL giving (id, text) for one companion; titles count twice.
_OUTINGS_PARTS_SQL = """
    SELECT o.id, o.title, o.place, o.notes, c.captions, r.replies
    FROM outings o
    LEFT JOIN (SELECT outing_id, string_agg(caption, ' ') AS captions FROM photos
               WHERE outing_id IS NOT NULL AND caption IS NOT NULL GROUP BY outing_id) c
        ON c.outing_id = o.id
    LEFT JOIN (SELECT outing_id, string_agg(content, ' ') AS replies FROM messages
               WHERE outing_id IS NOT NULL AND role = 'companion' GROUP BY outing_id) r
        ON r.outing_id = o.id
    WHERE o.persona_id = ?
"""
_OUTINGS_SQL = f"""
    SELECT id, concat_ws(' ', title, title, place, notes, captions, replies) AS text
    FROM ({_OUTINGS_PARTS_SQL})
"""
_JOURNAL_SQL = """
    SELECT j.id, concat_ws(' ', j.body, r.replies) AS text
    FROM journal_entries j
    LEFT JOIN (SELECT journal_entry_id, string_agg(content, ' ') AS replies FROM messages
               WHERE journal_entry_id IS NOT NULL GROUP BY journal_entry_id) r
        ON r.journal_entry_id = j.id
    WHERE j.persona_id = ?
"""
_MEMORIES_SQL = """
    SELECT id, concat_ws(' ', body, keywords) AS text FROM memories
    WHERE persona_id = ? AND status = 'kept'
"""


def _local_day(value, tz: ZoneInfo) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(tz).date()
    return value


def _spans(lowered: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    spans = []
    for term in terms:
        if is_latin(term):
            pattern = r"(?<![^\W_])" + re.escape(term) + r"[\w'’]*"
        else:
            pattern = re.escape(term)
        spans.extend(m.span() for m in re.finditer(pattern, lowered))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def snippet(text: str, terms: Sequence[str], width: int = 70) -> tuple[str, str, str]:
    """The part of `text` around its first match: (before, match, after), trimmed with '…'.

    Overlapping matches are joined, so 後楽 + 楽園 show as one match 後楽園.
    """
    flat = " ".join(text.split())
    lowered = flat.lower()
    if len(lowered) != len(flat):
        flat = lowered
    spans = _spans(lowered, terms)
    if not spans:
        head = flat[: width * 2]
        return ("", "", head + ("…" if len(flat) > len(head) else ""))
    start, end = spans[0]
    cut = max(0, start - width)
    before = flat[cut:start]
    after = flat[end : end + width]
    if cut > 0:
        # Start at a word, not in the middle of one (text without spaces is cut anywhere).
        space = before.find(" ")
        if flat[cut - 1] != " " and 0 <= space < len(before) - 1:
            before = before[space + 1 :]
        before = "…" + before.lstrip()
    if end + width < len(flat):
        space = after.rfind(" ")
        if flat[end + width] != " " and space > 0:
            after = after[:space]
        after = after.rstrip() + "…"
    return (before, flat[start:end], after)


def _small_sources(persona_id: int) -> list[tuple]:
    return [
        ("memory", _MEMORIES_SQL, [persona_id]),
        ("outing", _OUTINGS_SQL, [persona_id]),
        ("journal", _JOURNAL_SQL, [persona_id]),
    ]


def small_hits(store, persona_id: int, terms, tz, limit: int) -> dict[str, list[Hit]]:
    """The best memories, outings and journal entries for `terms`, by kind."""
    scored = _direct_by_kind(store, _small_sources(persona_id), terms, limit)
    return _small_hits_for(store, scored, terms)


def recall_hits(
    store,
    persona_id: int,
    terms: Sequence[str],
    tz: ZoneInfo,
    limit: int,
    *,
    before_id: int | None = None,
    refresh: bool = False,
) -> tuple[dict[str, list[Hit]], list[Hit]]:
    """`small_hits` and `message_hits` (without common words) for recall, with the small
    collections and the messages' tail scanned in one query: the same hits as the two
    calls, one query's planning less before every reply. With `refresh`, then
    `refresh_in_background`, from the index state (and tail count) read for the hits."""
    if not terms:
        return {}, []
    plan = _message_plan(store, persona_id, terms, before_id=before_id)
    small = _small_sources(persona_id)
    if plan.state is not None and plan.tail_count(store) <= TAIL_LIMIT:
        tail = ("message", plan.tail_sql, plan.tail_params, plan.n_index, plan.df_index)
        scored = _direct_by_kind(store, [*small, tail], terms, limit)
        said = scored.pop("message", [])
    else:  # no index yet (or a long tail): the messages are scored in DuckDB (`_direct`)
        scored = _direct_by_kind(store, small, terms, limit)
        said = plan.scan_tail(store, terms, limit)
    scores = _with_indexed(store, persona_id, plan, said, limit, before_id, False)
    hits = _small_hits_for(store, scored, terms), _message_hits_for(store, scores, terms, tz)
    if refresh:
        if plan.state is None:  # no index, or DuckDB's fts missing: as refresh_in_background
            refresh_in_background(store)
        else:
            _refresh(store, plan.state, plan.tail_count(store))
    return hits


def _small_hits_for(store, scored, terms) -> dict[str, list[Hit]]:
    out: dict[str, list[Hit]] = {}
    scores = scored.get("memory", [])
    if scores:
        rows = _rows_by_id(
            store,
            "SELECT id, body, coalesce(happened_on, created_at::DATE), kind FROM memories "
            "WHERE id IN (SELECT unnest(?::INTEGER[]))",
            [[i for i, _ in scores]],
        )
        out["memory"] = [
            Hit(
                "memory",
                i,
                s,
                # the Memories page's words for its kinds (the page shows this title)
                _("A moment we shared") if rows[i][3] == "moment" else _("A fact about you"),
                rows[i][1],
                rows[i][2],
                snippet=snippet(rows[i][1], terms),
            )
            for i, s in scores
            if i in rows
        ]
    scores = scored.get("outing", [])
    if scores:
        ids = [i for i, _ in scores]
        rows = _rows_by_id(
            store,
            f"""
            SELECT o.id, o.title, o.place, o.happened_on,
                   concat_ws(' — ', o.notes, c.captions, r.replies)
            FROM outings o
            LEFT JOIN (SELECT outing_id, string_agg(caption, ' ') AS captions FROM photos
                       WHERE outing_id IN ({_marks(ids)}) AND caption IS NOT NULL
                       GROUP BY outing_id) c ON c.outing_id = o.id
            LEFT JOIN (SELECT outing_id, string_agg(content, ' ' ORDER BY id) AS replies
                       FROM messages WHERE outing_id IN ({_marks(ids)}) AND role = 'companion'
                       GROUP BY outing_id) r ON r.outing_id = o.id
            WHERE o.id IN ({_marks(ids)})
            """,
            [*ids, *ids, *ids],
        )
        hits = []
        for i, s in scores:
            if i not in rows:
                continue
            _oid, title, place, day, details = rows[i]
            label = f"{title} ({place})" if place else title
            shown = f"{title} — {details}" if details else title
            found = Hit("outing", i, s, label, details or "", day, snippet=snippet(shown, terms))
            hits.append(found)
        out["outing"] = hits
    scores = scored.get("journal", [])
    if scores:
        ids = [i for i, _ in scores]
        rows = _rows_by_id(
            store,
            f"""
            SELECT j.id, j.body, j.written_on, concat_ws(' ', j.body, r.replies)
            FROM journal_entries j
            LEFT JOIN (SELECT journal_entry_id, string_agg(content, ' ') AS replies
                       FROM messages WHERE journal_entry_id IN ({_marks(ids)})
                       GROUP BY journal_entry_id) r ON r.journal_entry_id = j.id
            WHERE j.id IN ({_marks(ids)})
            """,
            [*ids, *ids],
        )
        out["journal"] = [
            Hit(
                "journal",
                i,
                s,
                "",  # an entry has no title of its own; the page shows its date
                rows[i][1],
                rows[i][2],
                snippet=snippet(rows[i][3], terms),
            )
            for i, s in scores
            if i in rows
        ]
    return out


def _marks(values: Sequence) -> str:
    """`?, ?, …` for an IN list of `values` (passed as parameters)."""
    return ", ".join("?" * len(values))


def _rows_by_id(store, sql: str, params: list) -> dict:
    return {r[0]: r for r in store.execute(sql, params).fetchall()}


def message_hits(
    store,
    persona_id: int,
    terms: Sequence[str],
    tz: ZoneInfo,
    *,
    limit: int = 20,
    before_id: int | None = None,
    common_words: bool = True,
) -> list[Hit]:
    """The best-matching messages as hits (with their local day and a snippet)."""
    scores = message_scores(
        store, persona_id, terms, limit=limit, before_id=before_id, common_words=common_words
    )
    return _message_hits_for(store, scores, terms, tz)


def _message_hits_for(store, scores, terms, tz) -> list[Hit]:
    if not scores:
        return []
    ids = [i for i, _ in scores]
    # a literal IN list (not a subquery) lets DuckDB skip row groups by their id range
    rows = _rows_by_id(
        store,
        f"SELECT id, role, content, created_at FROM messages WHERE id IN ({_marks(ids)})",
        ids,
    )
    hits = []
    for i, s in scores:
        if i not in rows:  # deleted since it was indexed
            continue
        _, role, content, created = rows[i]
        day = _local_day(created, tz)
        who = "You" if role == "user" else "Companion"
        hits.append(
            Hit("message", i, s, who, content, day, role=role, snippet=snippet(content, terms))
        )
    return hits


def search(store, persona_id: int, text: str, *, limit: int = 20) -> Results:
    """Search messages, journal entries, outings and memories with one companion.

    Best first within each kind. Also starts a background index rebuild when many
    messages have been saved since the last one.
    """
    terms = query_terms(store, text)
    results = Results(text, terms)
    if not terms:
        return results
    tz = settings_store.timezone(store)
    results.by_kind.update(small_hits(store, persona_id, terms, tz, limit))
    results.by_kind["message"] = message_hits(store, persona_id, terms, tz, limit=limit)
    results.by_kind = {k: v for k, v in results.by_kind.items() if v}
    refresh_in_background(store)
    return results


#: Most messages shown for one day reached from search.
DAY_LIMIT = 300


def messages_on_day(store, persona_id: int, day: date, tz: ZoneInfo, *, limit: int = DAY_LIMIT):
    """The messages of one local day with a companion, oldest first (for the jump to a day)."""
    from datetime import time as clock
    from datetime import timedelta

    from memory import messages

    start = datetime.combine(day, clock(), tz)
    end = datetime.combine(day + timedelta(days=1), clock(), tz)
    return messages.between(store, persona_id, start, end, limit=limit)


def chat_day(store, persona_id: int, hit: Hit, tz: ZoneInfo) -> date | None:
    """The day to open in the chat for a search result, or None when the chat holds nothing.

    A message opens on its own day. An outing, entry or memory opens on its own date when
    the chat has messages that day, else on the day he first answered it (an outing's album
    responses, an entry's reflection), since that is where it was talked about.
    """
    from datetime import time as clock
    from datetime import timedelta

    if hit.when is None:
        return None
    if hit.kind == "message":
        return hit.when
    start = datetime.combine(hit.when, clock(), tz)
    end = datetime.combine(hit.when + timedelta(days=1), clock(), tz)
    that_day = store.execute(
        "SELECT count(*) FROM messages WHERE persona_id = ? AND created_at >= ? AND created_at < ?",
        [persona_id, start, end],
    ).fetchone()[0]
    if that_day:
        return hit.when
    column = {"outing": "outing_id", "journal": "journal_entry_id"}.get(hit.kind)
    if column is None:
        return None
    first = store.execute(
        f"SELECT min(created_at) FROM messages WHERE persona_id = ? AND {column} = ?",
        [persona_id, hit.id],
    ).fetchone()[0]
    return first.astimezone(tz).date() if first is not None else None
