"""Journal, memories and search pages under AppTest, and recall inside the chat page."""

from __future__ import annotations

import re
from datetime import date

from memory import Store, journal, memories, messages, personas
from tests import recall_corpus
from tests.pages.conftest import bubbles, open_menu, open_tab


def _store(data_dir):
    return Store.open(data_dir)


def test_journal_entry_is_saved_and_the_companion_reflects(app, data_dir):
    app.switch_page("pages/journal.py").run()
    assert not app.exception
    assert any("No entries yet" in i.value for i in app.info)
    app.text_area(key="journal_body_0").input("今日は友だちと公園でピクニックをした。")
    app.radio(key="journal_mood_0").set_value(4)
    app.button[0].click().run()  # the form's "Save entry"
    assert not app.exception, [e.value for e in app.exception]
    s = _store(data_dir)
    pid = personas.list_personas(s)[0].id
    [entry] = journal.list_entries(s, pid)
    assert (entry.body, entry.mood) == ("今日は友だちと公園でピクニックをした。", 4)
    reflection = journal.reflection(s, entry.id)
    assert reflection is not None and reflection.source == "journal"
    assert any(reflection.content in m.value for m in app.markdown)
    assert app.text_area(key="journal_body_1").value == ""  # a fresh form
    assert not app.get("plotly_chart")  # the calendar is built when its tab opens
    open_tab(app, "journal_tab", "Calendar")
    assert not app.exception, [e.value for e in app.exception]
    assert app.get("plotly_chart")  # the calendar of written days
    assert any("Written on 1 day" in c.value for c in app.caption)


def test_journal_regenerate_edit_and_delete(app, data_dir):
    s = _store(data_dir)
    pid = personas.list_personas(s)[0].id
    entry = journal.add(s, pid, "first words", written_on=date(2026, 1, 2), mood=3)
    app.switch_page("pages/journal.py").run()
    app.button(key=f"journal_regen_{entry.id}").click().run()
    assert not app.exception
    first = journal.reflection(s, entry.id)
    assert first is not None
    app.button(key=f"journal_regen_{entry.id}").click().run()
    assert journal.reflection(s, entry.id).id != first.id
    assert messages.count(s, pid) == 1
    app.button(key=f"journal_edit_{entry.id}").click().run()
    app.text_area(key=f"journal_edit_body_{entry.id}").input("better words")
    app.button(key=f"journal_save_{entry.id}").click().run()
    assert journal.get(s, entry.id).body == "better words"
    app.button(key=f"journal_del_{entry.id}").click().run()
    assert journal.get(s, entry.id) is not None  # asks first
    app.button(key=f"journal_del_yes_{entry.id}").click().run()
    assert journal.get(s, entry.id) is None


def test_journal_mood_chart_appears_with_two_moods(app, data_dir):
    s = _store(data_dir)
    pid = personas.list_personas(s)[0].id
    journal.add(s, pid, "a", written_on=date(2026, 1, 2), mood=2)
    journal.add(s, pid, "b", written_on=date(2026, 1, 3), mood=5)
    app.switch_page("pages/journal.py").run()
    open_tab(app, "journal_tab", "Mood")
    specs = [c.proto.spec for c in app.get("plotly_chart")]
    assert any('"mode":"markers"' in spec.replace(" ", "") for spec in specs)


def test_memories_page_add_pin_edit_forget(app, data_dir):
    app.switch_page("pages/memories.py").run()
    assert not app.exception
    app.text_area(key="memories_new_body").input("Allergic to shrimp")
    app.button[0].click().run()  # "Remember"
    s = _store(data_dir)
    pid = personas.list_personas(s)[0].id
    [mem] = memories.list_memories(s, pid)
    assert mem.body == "Allergic to shrimp"
    app.button(key=f"memories_pin_{mem.id}").click().run()
    assert memories.get(s, mem.id).pinned
    app.button(key=f"memories_edit_{mem.id}").click().run()
    app.text_area(key=f"memories_edit_body_{mem.id}").input("Allergic to shrimp and crab")
    app.button(key=f"memories_save_{mem.id}").click().run()
    assert memories.get(s, mem.id).body == "Allergic to shrimp and crab"
    app.button(key=f"memories_forget_{mem.id}").click().run()
    assert memories.get(s, mem.id) is not None  # asks first
    app.button(key=f"memories_forget_yes_{mem.id}").click().run()
    assert memories.get(s, mem.id) is None
    assert not app.exception


def test_memories_page_offers_facts_from_the_conversation(app, data_dir):
    s = _store(data_dir)
    pid = personas.list_personas(s)[0].id
    said = messages.add(s, pid, "user", "I live in Sendai with my cat.")
    app.switch_page("pages/memories.py").run()
    [proposed] = memories.list_memories(s, pid, status="proposed")
    assert proposed.message_id == said.id
    app.button(key=f"memories_keep_{proposed.id}").click().run()
    assert [m.body for m in memories.list_memories(s, pid)] == ["I live in Sendai with my cat."]


def test_remember_this_from_the_chat_and_what_i_remembered(app, data_dir):
    app.chat_input[0].set_value("My favourite season is autumn").run()
    s = _store(data_dir)
    pid = personas.list_personas(s)[0].id
    user_message, _reply = messages.recent(s, pid)
    open_menu(app, user_message.id)
    app.button(key=f"chat_remember_{user_message.id}").click().run()
    assert not app.exception
    assert memories.is_remembered(s, user_message.id)
    app.chat_input[0].set_value("which season do I like?").run()
    last = messages.recent(s, pid)[-1]
    assert any(r["kind"] == "memory" for r in last.meta["recalled"])
    labels = [e.label for e in app.expander]
    labels += [b["recalled"]["label"] for b in bubbles(app) if b.get("recalled")]
    assert any(label.startswith("What I remembered") for label in labels)


def test_search_page_finds_both_languages_and_jumps_to_the_day(app, data_dir):
    s = _store(data_dir)
    recall_corpus.load(s)
    app.switch_page("pages/search.py").run()
    assert not app.exception
    app.text_input(key="search_query").input("ラーメン").run()
    assert not app.exception
    assert any("**ラーメン**" in m.value for m in app.markdown)
    app.text_input(key="search_query").input("garden").run()
    assert any("Korakuen Garden" in c.value for c in app.caption)
    app.text_input(key="search_query").input("violin concerto").run()
    jump = next(b for b in app.button if b.key and b.key.startswith("search_jump_message_"))
    jump.click().run()
    assert not app.exception
    assert any("Thursday, 1 May 2025" in m.value for m in app.markdown)
    assert any("violin concerto" in m.value for m in app.markdown)
    # AppTest keeps rerunning the page it was switched to; the browser follows st.switch_page
    app.switch_page("pages/chat.py")
    app.button(key="chat_jump_back").click().run()
    assert not any("Thursday, 1 May 2025" in m.value for m in app.markdown)
    assert app.chat_input  # the latest conversation is back


def test_leaving_for_search_ends_the_day_view(app, data_dir):
    s = _store(data_dir)
    recall_corpus.load(s)
    app.switch_page("pages/search.py").run()
    app.text_input(key="search_query").input("violin concerto").run()
    next(b for b in app.button if b.key.startswith("search_jump_message_")).click().run()
    assert any("Thursday, 1 May 2025" in m.value for m in app.markdown)
    app.switch_page("pages/search.py").run()
    app.switch_page("pages/chat.py").run()
    assert not any("Thursday, 1 May 2025" in m.value for m in app.markdown)


def test_journal_entry_with_a_photo_keeps_the_photo(app, data_dir):
    import io

    from PIL import Image

    from memory import photos

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 200)).save(buffer, "PNG")
    app.switch_page("pages/journal.py").run()
    app.text_area(key="journal_body_0").input("Sunset at the river")
    app.file_uploader(key="journal_photo_0").upload("sunset.png", buffer.getvalue(), "image/png")
    app.button[0].click().run()
    assert not app.exception, [e.value for e in app.exception]
    s = _store(data_dir)
    [entry] = journal.list_entries(s, personas.list_personas(s)[0].id)
    photo = photos.get(s, entry.photo_id)
    assert photo.original_name == "sunset.png"
    assert s.path_of(photo.path).is_file()


def test_journal_refuses_a_file_that_is_not_a_photo_and_keeps_the_words(app, data_dir):
    app.switch_page("pages/journal.py").run()
    app.text_area(key="journal_body_0").input("Words worth keeping")
    app.file_uploader(key="journal_photo_0").upload("fake.png", b"not an image", "image/png")
    app.button[0].click().run()
    assert any("not an image" in e.value for e in app.error)
    assert app.text_area(key="journal_body_0").value == "Words worth keeping"
    s = _store(data_dir)
    assert journal.count(s, personas.list_personas(s)[0].id) == 0


def test_search_results_read_in_japanese(data_dir):
    # The section titles, the count and "You" were English on a Japanese page.
    from streamlit.testing.v1 import AppTest

    from memory import settings
    from tests.pages.conftest import APP

    s = _store(data_dir)
    recall_corpus.load(s)
    settings.set(s, "language", "ja")
    s.close()
    app = AppTest.from_file(str(APP), default_timeout=60).run()
    app.switch_page("pages/search.py").run()
    app.text_input(key="search_query").input("ラーメン").run()
    assert not app.exception
    headings = [h.value for h in app.subheader]
    captions = [c.value for c in app.caption]
    assert headings and any("メッセージ" in h for h in headings), headings
    english = ("Memories", "Outings", "Journal", "Messages")
    assert not [h for h in headings if any(word in h for word in english)], headings
    assert any("件(種類ごとに" in c for c in captions), captions
    assert not [c for c in captions if "result" in c or c.startswith("You")], captions
    # A journal hit's line was "Journal, 30 March 2025 · 2025年3月30日(日)": an English
    # title repeating the date after it. An entry has no title of its own: the date alone.
    app.text_input(key="search_query").input("桜").run()
    assert [h.value for h in app.subheader] == ["📔 日記 (1)"]
    assert app.caption[1].value == "2025年3月30日(日)", [c.value for c in app.caption]
    # A memory's line named its kind in English ("Something I know about you").
    app.text_input(key="search_query").input("誕生日").run()
    [line] = [c.value for c in app.caption[1:]]
    assert line.startswith("あなたについてのこと · "), line
    assert not re.search(r"[A-Za-z]", line), line
