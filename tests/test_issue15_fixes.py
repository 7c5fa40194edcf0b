"""The small fixes of issue 15, each with the behaviour a user would notice."""

from __future__ import annotations

import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from companion.config import resolve
from memory import journal as journal_store
from memory import messages, milestones, outings, personas, search
from memory import settings as settings_store

ROOT = Path(__file__).resolve().parent.parent
UTC_ZONE = ZoneInfo("UTC")


def test_day_one_is_never_after_an_outing_or_entry_on_the_timeline(store):
    pid = personas.ensure_starter(store, today=date(2026, 11, 30)).id
    outings.create(store, pid, "Before Kizuna", happened_on=date(2026, 11, 22))
    assert milestones.together_since(store, pid, UTC_ZONE) == date(2026, 11, 22)
    assert milestones.day_number(store, pid, UTC_ZONE, date(2026, 11, 30)) == 9
    journal_store.add(store, pid, "An old page", written_on=date(2026, 11, 1))
    assert milestones.day_number(store, pid, UTC_ZONE, date(2026, 11, 30)) == 30


def test_a_milestone_left_with_the_messages_words_is_named_by_its_kind(store):
    pid = personas.ensure_starter(store, today=date(2024, 1, 1)).id
    asked = messages.add(store, pid, "user", "Do you remember our honeymoon?")
    default = milestones.suggested_title(asked.content)
    milestones.add(store, pid, default, date(2024, 2, 1), kind="honeymoon", message_id=asked.id)
    milestones.add(store, pid, "Our day", date(2024, 2, 3), kind="other", message_id=asked.id)
    titles = [
        a.title
        for a in milestones.next_anniversaries(store, pid, UTC_ZONE, date(2025, 1, 20), count=10)
    ]
    assert "1 year: Honeymoon" in titles
    assert "1 year since “Our day”" in titles
    assert not any("Do you remember" in t for t in titles)


def test_snippets_start_and_end_at_a_word():
    text = (
        "The quick brown foxes jumped over the lazy dogs while everyone watched the sunset "
        "near Korakuen Garden in Okayama yesterday evening and then we walked home slowly"
    )
    before, match, after = search.snippet(text, ["korakuen"], width=40)
    assert match == "Korakuen"
    assert before.startswith("…") and before[1:].split()[0] in text.split()
    assert after.endswith("…") and after[:-1].split()[-1] in text.split()


def test_that_day_in_chat_for_an_outing_opens_the_day_he_answered_it(store):
    pid = personas.ensure_starter(store).id
    outing = outings.create(store, pid, "Korakuen Garden", happened_on=date(2025, 5, 4))
    hit = search.Hit("outing", outing.id, 1.0, outing.title, "", outing.happened_on)
    assert search.chat_day(store, pid, hit, UTC_ZONE) is None  # nothing to open: no button
    answered = datetime(2025, 5, 10, 9, tzinfo=UTC)
    messages.add(
        store, pid, "companion", "Such a day.", source="album", outing_id=outing.id,
        created_at=answered,
    )  # fmt: skip
    day = search.chat_day(store, pid, hit, UTC_ZONE)
    assert day == date(2025, 5, 10)
    assert search.messages_on_day(store, pid, day, UTC_ZONE)  # the day view is not empty


def test_the_starter_companion_begins_on_the_users_day(store):
    settings_store.set(store, "timezone", "Pacific/Kiritimati")  # UTC+14: often a day ahead
    pv = personas.current(store, personas.ensure_starter(store).id)
    assert pv.began_on == datetime.now(ZoneInfo("Pacific/Kiritimati")).date()


def test_provider_config_repr_never_shows_the_key():
    config = resolve(environ={"OPENAI_API_KEY": "sk-secret-123", "KIZUNA_MODEL": "m"})
    assert config.api_key == "sk-secret-123"
    assert "sk-secret-123" not in repr(config) and "sk-secret-123" not in str(config)


def test_gitignore_covers_the_folder_the_demo_writes():
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "data-demo/kizuna.duckdb"], cwd=ROOT, check=False
    )
    assert ignored.returncode == 0


def test_no_reference_to_a_design_file_the_repository_lacks():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    if "DESIGN.md" in tracked:
        return
    mentions = [
        name
        for name in tracked
        if name.endswith((".py", ".md", ".toml", ".txt"))
        and name != "tests/test_issue15_fixes.py"
        and "DESIGN.md" in (ROOT / name).read_text(encoding="utf-8", errors="replace")
    ]
    assert mentions == []


def test_a_first_day_chart_shows_whole_days_not_fractions_of_a_second():
    from tests.pages.conftest import svg_nodes, svg_text, tooltips
    from ui import charts, svgcharts

    days = pd.DataFrame(
        {
            "day": pd.to_datetime([date(2026, 12, 1)]),
            "from_user": [3],
            "from_companion": [3],
            "messages_7d": [6.0],
        }
    )
    chart = svgcharts.daily_messages(days, charts.LIGHT)
    (main,) = [n for n in svg_nodes(chart, "svg") if n[1].get("role") == "img"]
    ticks = [svg_text(t) for t in svg_nodes(main, "text") if "%" in str(t[1]["x"])]
    assert ticks == ["1 December"]  # one tick, the day itself
    (day,) = [r for r in svg_nodes(chart, "rect") if r[1].get("class") == "kz-hit"]
    assert (day[1]["x"], day[1]["width"]) == ("0.000%", "100.000%")  # the whole width
    assert tooltips(chart) == [
        "Tue, 1 Dec 2026\n3 from you\n3 from your companion\n6.0 a day over 7 days"
    ]


def test_the_journal_streak_is_computed_by_the_domain(store):
    pid = personas.ensure_starter(store).id
    today = date(2026, 12, 1)
    for back in (1, 2, 4):  # yesterday, the day before, and one after a gap
        journal_store.add(store, pid, "a line", written_on=today - timedelta(days=back))
    assert journal_store.writing_streak(store, pid, today) == 2
    journal_store.add(store, pid, "today too", written_on=today)
    assert journal_store.writing_streak(store, pid, today) == 3
