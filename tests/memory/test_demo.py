"""The demo year: believable volumes and rhythm, complete outings, never mixed with real data."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from memory import Store, demo, messages, personas
from memory import settings as settings_store
from memory.cli import main as cli_main
from tests.conftest import ROOT

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 20, 21, 30, tzinfo=TOKYO)
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    """One full demo year, generated once for the module (it takes a second or two)."""
    s = Store.open(tmp_path_factory.mktemp("demo") / "data-demo")
    settings_store.set(s, "timezone", "Asia/Tokyo")
    summary = demo.fill(s, now=NOW)
    yield s, summary
    s.close()


def _local_day_counts(s, role: str = "user") -> dict:
    rows = s.execute(
        "SELECT (created_at AT TIME ZONE 'Asia/Tokyo')::DATE AS day, count(*) FROM messages "
        "WHERE source = 'chat' AND role = ? GROUP BY day",
        [role],
    ).fetchall()
    return dict(rows)


def test_demo_year_holds_about_thirty_thousand_messages_both_ways(year):
    s, summary = year
    assert 27_000 <= summary.messages <= 34_000
    assert messages.count(s) == summary.messages
    by_role = dict(s.execute("SELECT role, count(*) FROM messages GROUP BY role").fetchall())
    assert by_role["user"] > 12_000
    assert by_role["companion"] > 12_000
    latest = s.execute("SELECT max(created_at) FROM messages").fetchone()[0]
    assert latest <= NOW


def test_demo_companion_is_marked_and_has_a_japanese_english_voice(year):
    s, _ = year
    (persona,) = personas.list_personas(s)
    assert persona.is_demo
    assert demo.is_demo(s) and demo.is_filled(s)
    assert settings_store.get(s, "demo") is True
    pv = personas.current(s, persona.id)
    assert pv.name == "Hikari"
    assert len(pv.signature_phrases) >= 3
    assert (NOW.date() - pv.began_on).days > 365
    assert pv.avatar_path and s.path_of(pv.avatar_path).is_file()
    contents = [r[0] for r in s.execute("SELECT content FROM messages").fetchall()]
    assert sum(1 for c in contents if JAPANESE.search(c)) > 200
    assert len(set(contents)) > 500  # varied, not one line repeated


def test_demo_days_have_a_rhythm_busy_quiet_and_silent(year):
    s, summary = year
    per_day = _local_day_counts(s)
    every_day = [summary.first_day + timedelta(days=i) for i in range(demo.DAYS)]
    counts = [per_day.get(d, 0) for d in every_day]
    # A busy day: up to about a hundred exchanges (a late evening may run past midnight
    # into the next day, hence the margin).
    assert 70 <= max(counts) <= 130
    assert sum(1 for n in counts if n >= 70) >= 20
    assert sum(1 for n in counts if 1 <= n <= 8) >= 30  # quiet days
    assert sum(1 for n in counts if n == 0) >= 5  # days with no messages at all
    hours = dict(
        s.execute(
            "SELECT hour(created_at AT TIME ZONE 'Asia/Tokyo') AS h, count(*) FROM messages "
            "WHERE source = 'chat' GROUP BY h"
        ).fetchall()
    )
    evening = sum(hours.get(h, 0) for h in range(19, 24))
    morning = sum(hours.get(h, 0) for h in range(6, 11))
    assert evening > 3 * morning
    assert hours.get(4, 0) == 0  # nobody chats at four in the morning here


def test_demo_chat_replies_answer_the_message_before_them(year):
    s, _ = year
    linked = s.execute(
        "SELECT count(*), count(*) FILTER (WHERE u.role = 'user' AND u.created_at < c.created_at) "
        "FROM messages c JOIN messages u ON u.id = c.reply_to WHERE c.source = 'chat'"
    ).fetchone()
    companion_chat = s.execute(
        "SELECT count(*) FROM messages WHERE source = 'chat' AND role = 'companion'"
    ).fetchone()[0]
    assert linked[0] == linked[1]
    assert linked[0] > 0.9 * companion_chat


def test_every_demo_outing_has_photos_and_the_companions_responses(year):
    s, summary = year
    outings = s.execute("SELECT id, title, place, happened_on FROM outings").fetchall()
    assert len(outings) == summary.outings == 12
    titles = [o[1] for o in outings]
    assert any("Korakuen" in t and "oneymoon" in t for t in titles)
    for outing_id, title, _place, happened_on in outings:
        assert summary.first_day <= happened_on <= NOW.date()
        photo_rows = s.execute(
            "SELECT id, path, taken_at FROM photos WHERE outing_id = ?", [outing_id]
        ).fetchall()
        assert 3 <= len(photo_rows) <= 6, title
        for photo_id, path, taken_at in photo_rows:
            assert taken_at is not None and taken_at.astimezone(TOKYO).date() == happened_on
            with Image.open(io.BytesIO(s.path_of(path).read_bytes())) as img:
                assert img.format == "JPEG"
                stamp = img.getexif().get_ifd(0x8769)[0x9003]
            assert stamp.startswith(happened_on.strftime("%Y:%m:%d"))
            responses = s.execute(
                "SELECT role, source, content FROM messages WHERE photo_id = ? AND outing_id = ?",
                [photo_id, outing_id],
            ).fetchall()
            assert len(responses) == 1
            assert responses[0][:2] == ("companion", "album") and responses[0][2]
        day_reply = s.execute(
            "SELECT count(*) FROM messages WHERE outing_id = ? AND photo_id IS NULL "
            "AND source = 'album'",
            [outing_id],
        ).fetchone()[0]
        assert day_reply == 1


def test_demo_milestones_tell_the_story_in_order(year):
    s, _ = year
    rows = s.execute(
        "SELECT kind, happened_on, outing_id, message_id FROM milestones ORDER BY happened_on"
    ).fetchall()
    assert [r[0] for r in rows] == ["first_talk", "confession", "proposal", "ceremony", "honeymoon"]
    honeymoon = rows[-1]
    title = s.execute("SELECT title FROM outings WHERE id = ?", [honeymoon[2]]).fetchone()[0]
    assert "Korakuen" in title
    first_message = messages.get(s, rows[0][3])
    assert first_message.role == "user"
    assert first_message.id == s.execute("SELECT min(id) FROM messages").fetchone()[0]
    proposal = messages.get(s, rows[2][3])
    assert "marry" in " ".join(
        m.content for m in messages.recent(s, 1, 4, before_id=proposal.id + 4)
    )


def test_demo_journal_has_moods_and_replies(year):
    s, summary = year
    moods = dict(s.execute("SELECT mood, count(*) FROM journal_entries GROUP BY mood").fetchall())
    assert set(moods) == {1, 2, 3, 4, 5}
    assert summary.journal_entries == sum(moods.values()) >= 80
    unanswered = s.execute(
        "SELECT count(*) FROM journal_entries j WHERE NOT EXISTS (SELECT 1 FROM messages m "
        "WHERE m.journal_entry_id = j.id AND m.source = 'journal' AND m.role = 'companion')"
    ).fetchone()[0]
    assert unanswered == 0


def test_demo_companion_keeps_memories_that_recall_brings_back(year):
    from memory import memories, recall

    s, summary = year
    kept = memories.list_memories(s, summary.persona_id)
    assert {m.kind for m in kept} == {"fact", "moment"}
    assert any(m.pinned for m in kept)
    found = recall.for_prompt(s, summary.persona_id, "do you remember the garden?")
    assert any("Korakuen" in (r.title + r.text) for r in found)


_FILL_IN_A_FRESH_PROCESS = """
import sys
from datetime import datetime
from memory import Store, demo, settings
s = Store.open(sys.argv[1])
settings.set(s, "timezone", "UTC")
demo.fill(s, now=datetime.fromisoformat(sys.argv[2]), days=40, seed=7)
s.close()
"""


def test_same_seed_gives_the_same_year_in_any_process(tmp_path):
    # one year made here, one in another process (whose set and dict hashing differ)
    here = Store.open(tmp_path / "here")
    settings_store.set(here, "timezone", "UTC")
    demo.fill(here, now=NOW, days=40, seed=7)
    here.close()
    subprocess.run(
        [sys.executable, "-c", _FILL_IN_A_FRESH_PROCESS, str(tmp_path / "there"), NOW.isoformat()],
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
        check=True,
        timeout=120,
    )
    contents = []
    for name in ("here", "there"):
        with Store.open(tmp_path / name) as s:
            contents.append(
                s.execute("SELECT role, content, created_at FROM messages ORDER BY id").fetchall()
            )
    assert contents[0] == contents[1]
    assert len(contents[0]) > 500


def test_demo_refuses_a_folder_with_your_own_data(store):
    pid = personas.ensure_starter(store).id
    messages.add(store, pid, "user", "my own words")
    with pytest.raises(demo.DemoRefused, match="already holds your own data"):
        demo.fill(store, now=NOW, days=30)
    assert [m.content for m in messages.recent(store, pid)] == ["my own words"]
    assert len(personas.list_personas(store)) == 1
    assert not demo.is_demo(store)


def test_cli_refuses_your_own_folder_with_a_plain_sentence(data_dir, capsys):
    s = Store.open(data_dir)
    messages.add(s, personas.ensure_starter(s).id, "user", "hello")
    s.close()
    assert cli_main(["demo", "--data-dir", str(data_dir)]) == 1
    err = capsys.readouterr().err
    assert "already holds your own data" in err and "Traceback" not in err
    s = Store.open(data_dir)
    assert messages.count(s) == 1
    s.close()


def test_cli_fills_an_empty_folder_in_the_terminals_language(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    target = tmp_path / "sample"
    assert cli_main(["demo", "--data-dir", str(target)]) == 0
    out = capsys.readouterr().out
    assert "デモの一年を" in out and "メッセージ" in out and "Demo year" not in out
    assert "湊と出会っています" in out  # the progress lines too
    s = Store.open(target)
    assert demo.is_filled(s) and demo.language_of(s) == "ja"
    assert messages.count(s) > 20_000
    assert personas.list_personas(s)[0].name == "湊"
    s.close()


def test_cli_language_option_wins_over_the_terminal(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    target = tmp_path / "sample"
    s = Store.open(target)
    demo.fill(s, now=NOW, days=20, language="en")  # the refill below replaces this year
    s.close()
    assert cli_main(["demo", "--data-dir", str(target), "--language", "en"]) == 0
    assert "デモの一年を" in capsys.readouterr().out  # the words are the terminal's
    with Store.open(target) as s:
        assert demo.language_of(s) == "en"
        assert personas.list_personas(s)[0].name == "Hikari"


# -- the Japanese year -----------------------------------------------------------------------
#: An English word of three letters or more (kaomoji and emoji have none).
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")


@pytest.fixture(scope="module")
def japanese_year(tmp_path_factory):
    """A Japanese demo year, just long enough to reach the first anniversary."""
    s = Store.open(tmp_path_factory.mktemp("demo-ja") / "data-demo")
    settings_store.set(s, "timezone", "Asia/Tokyo")
    summary = demo.fill(s, now=NOW, days=370, language="ja")
    yield s, summary
    s.close()


def test_japanese_demo_companion_speaks_japanese_and_says_boku(japanese_year):
    s, summary = japanese_year
    assert demo.language_of(s) == "ja"
    pv = personas.current(s, summary.persona_id)
    assert (pv.name, pv.user_name, pv.first_person, pv.reply_language) == ("湊", "美咲", "僕", "ja")
    assert pv.language == "日本語"
    for field in ("personality", "speaking_style", "mannerisms", "backstory"):
        value = getattr(pv, field)
        assert JAPANESE.search(value) and not ENGLISH_WORD.search(value), field
    assert "岡山" in pv.backstory


def test_japanese_demo_year_has_no_english_in_it(japanese_year):
    s, summary = japanese_year
    contents = [r[0] for r in s.execute("SELECT content FROM messages").fetchall()]
    assert len(contents) == summary.messages > 20_000
    english = [c for c in contents if ENGLISH_WORD.search(c) or not JAPANESE.search(c)]
    assert english == []
    assert sum("僕" in c for c in contents) > 1_000  # his word for himself
    assert len(set(contents)) > 400
    texts = [
        *(r[0] for r in s.execute("SELECT title || place || notes FROM outings").fetchall()),
        *(r[0] for r in s.execute("SELECT caption FROM photos").fetchall()),
        *(r[0] for r in s.execute("SELECT title || note FROM milestones").fetchall()),
        *(r[0] for r in s.execute("SELECT body FROM journal_entries").fetchall()),
        *(r[0] for r in s.execute("SELECT body FROM memories").fetchall()),
    ]
    assert texts and [t for t in texts if ENGLISH_WORD.search(t) or not JAPANESE.search(t)] == []


def test_japanese_demo_outings_are_around_okayama_with_the_korakuen_honeymoon(japanese_year):
    s, summary = japanese_year
    outings = s.execute("SELECT title, place, happened_on FROM outings").fetchall()
    assert len(outings) == summary.outings == 12
    assert sum("岡山" in place or "倉敷" in place for _, place, _ in outings) >= 6
    kinds = s.execute(
        "SELECT m.kind, m.title, o.place FROM milestones m LEFT JOIN outings o "
        "ON o.id = m.outing_id ORDER BY m.happened_on"
    ).fetchall()
    assert [k[0] for k in kinds] == [
        "first_talk",
        "confession",
        "proposal",
        "ceremony",
        "honeymoon",
    ]
    assert "後楽園" in kinds[-1][1] and "後楽園" in kinds[-1][2]


def test_japanese_demo_korakuen_is_found_in_romaji(japanese_year):
    from memory import search

    s, summary = japanese_year
    hits = search.search(s, summary.persona_id, "Korakuen").by_kind.get("outing", [])
    titles = [
        s.execute("SELECT title FROM outings WHERE id = ?", [h.id]).fetchone()[0] for h in hits
    ]
    assert "新婚の散歩、岡山後楽園" in titles


def test_offline_voice_answers_the_japanese_demo_in_japanese(japanese_year):
    from types import SimpleNamespace

    from companion.offline import OfflineVoice, is_japanese

    s, summary = japanese_year
    pv = personas.current(s, summary.persona_id)
    voice = OfflineVoice(seed=3)
    for said in ("How was your day?", "I'm home", "今日は疲れた"):
        reply = voice.compose(said, SimpleNamespace(persona=pv))
        assert is_japanese(reply), (said, reply)
