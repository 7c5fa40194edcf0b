from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from memory import Store, messages, milestones, personas
from memory import settings as settings_store
from memory.i18n import format_date
from tests.pages.conftest import open_expander, open_menu, svg_charts, svg_nodes, svg_text, tooltips

ZONE = "Europe/London"


@pytest.fixture
def history(data_dir):
    """A companion together for 14 months, with messages, an outing and a journal entry."""
    s = Store.open(data_dir)
    settings_store.set(s, "timezone", ZONE)
    today = datetime.now(ZoneInfo(ZONE)).date()
    since = today - timedelta(days=430)
    pid = personas.ensure_starter(s, today=since).id
    personas.save_version(s, pid, began_on=since)
    s.execute(
        "INSERT INTO messages (persona_id, role, content, created_at) "
        "SELECT ?, 'user', 'message ' || i, ? + to_hours(i * 9) FROM range(150) t(i)",
        [pid, datetime.combine(since, datetime.min.time()).replace(tzinfo=ZoneInfo(ZONE))],
    )
    s.execute(
        "INSERT INTO outings (persona_id, title, place, happened_on) VALUES (?, ?, ?, ?)",
        [pid, "Korakuen Garden", "Tokyo", today - timedelta(days=20)],
    )
    s.execute(
        "INSERT INTO journal_entries (persona_id, written_on, mood, body) VALUES (?, ?, 4, ?)",
        [pid, today - timedelta(days=3), "Rainy walk\n<b>not bold</b>"],
    )
    s.close()
    return {"pid": pid, "today": today, "since": since}


def stored_milestones(data_dir, pid):
    s = Store.open(data_dir)
    return milestones.own(s, pid)


def test_new_user_sees_a_welcome_and_no_strip(app):
    app.switch_page("pages/timeline.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("just beginning" in i.value for i in app.info)
    assert app.get("bidi_component") == []


def test_timeline_shows_everything_newest_first_with_the_strip(history, app):
    app.switch_page("pages/timeline.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert any(m.value == "### Day 431 together with Sora" for m in app.markdown)
    strip = svg_charts(app)["timeline"]
    (rows,) = [n for n in svg_nodes(strip, "svg") if n[1].get("class") == "kz-axis"]
    assert [svg_text(label) for label in rows[2:]] == ["Milestones", "Outings", "Journal"]
    marks = tooltips(strip)
    assert f"{format_date(history['today'] - timedelta(days=3), 'short')}\n🙂 Rainy walk" in marks
    assert any(tip.endswith("🚶 Korakuen Garden") for tip in marks)
    shown = [m.value for m in app.markdown]
    titles = [v for v in shown if v.startswith(("🙂", "🚶", "🌙", "🎉", "💯", "💬"))]
    assert titles[0] == "🙂 **Rainy walk**"
    assert titles.index("🚶 **Korakuen Garden**") < titles.index("🎉 **1 year together**")
    assert "💬 **Our first message**" not in titles  # 15 months: the first 12 are shown
    app.button(key="timeline_more").click().run()
    titles = [m.value for m in app.markdown if m.value.startswith(("🌙", "💬"))]
    assert titles[-1] == "💬 **Our first message**"
    assert "\\<b\\>not bold\\</b\\>" in shown  # journal text is escaped, never HTML
    months = [h.value for h in app.subheader]
    # The newest item (the journal entry, 3 days ago) opens the list: its month comes first.
    assert months[0] == f"{history['today'] - timedelta(days=3):%B %Y}"


def test_add_edit_and_delete_a_milestone(history, app, data_dir):
    app.switch_page("pages/timeline.py").run()
    assert not app.get("text_input")  # the form is built when its section opens
    open_expander(app, "timeline_adding")
    app.text_input(key="timeline_add_title").set_value("The confession")
    app.selectbox(key="timeline_add_kind").set_value("confession")
    app.date_input(key="timeline_add_date").set_value(history["today"] - timedelta(days=100))
    app.text_area(key="timeline_add_note").set_value("Under the cherry trees")
    app.button(key="timeline_add_save").click().run()
    assert not app.exception, [e.value for e in app.exception]
    (added,) = stored_milestones(data_dir, history["pid"])
    assert (added.title, added.kind, added.note) == (
        "The confession",
        "confession",
        "Under the cherry trees",
    )
    assert "💌 **The confession**" in [m.value for m in app.markdown]

    app.button(key=f"timeline_edit_{added.id}").click().run()
    app.text_input(key=f"timeline_edit_{added.id}_title").set_value("He confessed")
    app.button(key=f"timeline_edit_{added.id}_save").click().run()
    assert not app.exception
    assert stored_milestones(data_dir, history["pid"])[0].title == "He confessed"

    app.button(key=f"timeline_delete_{added.id}").click().run()
    assert any("Delete this milestone?" in w.value for w in app.warning)
    app.button(key=f"timeline_delete_yes_{added.id}").click().run()
    assert not app.exception
    assert stored_milestones(data_dir, history["pid"]) == []


def test_a_milestone_without_a_title_is_refused_plainly(history, app, data_dir):
    app.switch_page("pages/timeline.py").run()
    open_expander(app, "timeline_adding")
    app.button(key="timeline_add_save").click().run()
    assert any("needs a title" in e.value for e in app.error)
    assert stored_milestones(data_dir, history["pid"]) == []


def test_a_chat_message_becomes_a_milestone(app, data_dir):
    app.chat_input[0].set_value("Will you marry me?").run()
    s = Store.open(data_dir)
    pid = personas.list_personas(s)[0].id
    question = messages.recent(s, pid)[0]
    open_menu(app, question.id)
    app.button(key=f"chat_milestone_{question.id}").click().run()
    assert app.text_input(key=f"chat_milestone_{question.id}_title").value == "Will you marry me?"
    app.selectbox(key=f"chat_milestone_{question.id}_kind").set_value("proposal")
    app.button(key=f"chat_milestone_{question.id}_save").click().run()
    assert not app.exception, [e.value for e in app.exception]
    (saved,) = milestones.own(s, pid)
    assert (saved.title, saved.kind, saved.message_id) == (
        "Will you marry me?",
        "proposal",
        question.id,
    )
    assert saved.happened_on == question.created_at.astimezone(settings_store.timezone(s)).date()

    app.switch_page("pages/timeline.py").run()
    assert "💍 **Will you marry me?**" in [m.value for m in app.markdown]
    assert any("Will you marry me?" in c.value and c.value.startswith("💬") for c in app.caption)


def test_showing_only_outings_hides_the_rest(history, app):
    app.switch_page("pages/timeline.py").run()
    app.get("button_group")[0].set_value(["outing"]).run()
    assert not app.exception, [e.value for e in app.exception]
    titles = [m.value for m in app.markdown if m.value[:1] in "🙂🚶🌙🎉💯💬"]
    assert titles == ["🚶 **Korakuen Garden**"]
