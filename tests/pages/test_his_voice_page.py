"""Persona → How he talks, under AppTest: see, pin, remove and write examples of his voice."""

from memory import Store, personas, voice
from tests.companion.voice_history import long_history
from tests.pages.conftest import open_tab, plain


def test_examples_are_chosen_shown_pinned_removed_and_written(app, data_dir):
    s = Store.open(data_dir)
    pv = personas.current(s, personas.ensure_starter(s).id)
    long_history(s, pv.persona_id, 200)
    app.switch_page("pages/persona.py").run()
    assert not app.exception, [e.value for e in app.exception]
    chosen = voice.examples(s, pv.persona_id)
    assert chosen  # chosen from his replies on the first visit
    shown = [plain(m.value) for m in app.markdown]
    assert chosen[0].body in shown
    app.button(key=f"his_voice_pin_{chosen[1].id}").click().run()
    assert voice.examples(s, pv.persona_id)[0].id == chosen[1].id
    app.button(key=f"his_voice_remove_{chosen[2].id}").click().run()
    assert chosen[2].id not in [e.id for e in voice.examples(s, pv.persona_id)]
    app.text_area(key=f"his_voice_text_{pv.persona_id}").input("Okaeri, my moon.")
    next(b for b in app.button if b.label == "Keep this example").click().run()
    assert not app.exception
    written = voice.examples(s, pv.persona_id)
    assert any(e.body == "Okaeri, my moon." and e.pinned for e in written)
    assert any("Kept, and pinned." in m.value for m in app.success)


def test_voice_check_runs_from_the_persona_page_and_shows_both_side_by_side(
    data_dir, fake_openai, monkeypatch
):
    from streamlit.testing.v1 import AppTest

    from tests.openai_server import Answer
    from tests.pages.conftest import APP

    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("KIZUNA_MODEL", "fake-model")
    s = Store.open(data_dir)
    pid = personas.ensure_starter(s).id
    long_history(s, pid, 50)
    fake_openai.script(*[Answer(chunks=["Okaeri! ", "Did you eat?"]) for _ in range(8)])
    app = AppTest.from_file(str(APP), default_timeout=60).run()
    app.switch_page("pages/persona.py").run()
    open_tab(app, "persona_tab", "🔍 Still him?")
    assert any("No check yet with fake-model" in m.value for m in app.info)
    app.button(key=f"voice_check_run_{pid}").click().run()
    assert not app.exception, [e.value for e in app.exception]
    shown = [plain(m.value) for m in app.markdown]
    assert "Okaeri! Did you eat?" in shown
    assert app.table  # the measures, his replies beside the model's
    assert not any("No check yet" in m.value for m in app.info)
