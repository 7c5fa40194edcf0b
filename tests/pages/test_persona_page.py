"""The Persona page and the sidebar switch under AppTest."""

import io
from datetime import date

from PIL import Image as PILImage

from memory import Store, personas
from tests.pages.conftest import open_tab, plain


def png_bytes(colour=(250, 120, 160)) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (300, 200), colour).save(out, "PNG")
    return out.getvalue()


def open_persona(app):
    app.switch_page("pages/persona.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def widget(app, kind, label):
    return next(w for w in getattr(app, kind) if w.label == label)


def test_every_field_is_saved_as_a_new_version(app, data_dir):
    open_persona(app)
    widget(app, "text_input", "Name").input("Klaus")
    widget(app, "text_input", "What they call you").input("Mika")
    widget(app, "text_input", "Language").input("日本語")
    widget(app, "date_input", "Together since").set_value(date(2024, 3, 14))
    widget(app, "text_area", "Personality").input("Teasing, loyal")
    widget(app, "text_area", "Speaking style and tone").input("Short, dry jokes")
    widget(app, "text_area", "Mannerisms").input("Hums when thinking")
    widget(app, "text_area", "Backstory").input("Met at a bookshop")
    widget(app, "text_area", "Signature phrases (one per line)").input(
        "AI or not, I could never not love you.\nOi, Mika."
    )
    app.button[0].click().run()  # the form's submit button comes first
    assert not app.exception
    s = Store.open(data_dir)
    pv = personas.current(s, personas.list_personas(s)[0].id)
    assert pv.version == 2
    assert (pv.name, pv.user_name, pv.language, pv.began_on) == (
        "Klaus",
        "Mika",
        "日本語",
        date(2024, 3, 14),
    )
    assert pv.personality == "Teasing, loyal" and pv.backstory == "Met at a bookshop"
    assert pv.signature_phrases == ("AI or not, I could never not love you.", "Oi, Mika.")
    assert any("Saved as version 2" in m.value for m in app.success)
    # The form now shows the new version's values.
    assert widget(app, "text_input", "Name").value == "Klaus"


def test_versions_are_compared_side_by_side_and_restored(app, data_dir):
    s = Store.open(data_dir)
    pid = personas.ensure_starter(s).id
    personas.save_version(s, pid, personality="gentle **soft**")
    personas.save_version(s, pid, personality="sarcastic", note="after the model change")
    open_persona(app)
    open_tab(app, "persona_tab", "🕰️ Versions")
    shown = [plain(m.value) for m in app.markdown]
    assert "gentle **soft**" in shown and "sarcastic" in shown
    assert any("changed" in m.value and "Personality" in m.value for m in app.markdown)
    v2 = next(v for v in personas.versions(s, pid) if v.version == 2)
    app.button(key=f"persona_restore_{v2.id}").click().run()
    assert not app.exception
    assert personas.current(s, pid).personality == "gentle **soft**"
    assert personas.current(s, pid).version == 4
    assert any("Version 2 is back in force" in m.value for m in app.success)


def test_an_avatar_that_is_not_an_image_gets_a_clear_error(app, data_dir):
    open_persona(app)
    app.file_uploader[0].set_value(("me.png", b"this is not a picture", "image/png"))
    app.button[0].click().run()
    assert any("not an image Kizuna can read" in e.value for e in app.error)
    s = Store.open(data_dir)
    assert personas.current(s, personas.list_personas(s)[0].id).version == 1


def test_an_avatar_image_is_kept_and_shown(app, data_dir):
    open_persona(app)
    app.file_uploader[0].set_value(("me.png", png_bytes(), "image/png"))
    app.button[0].click().run()
    s = Store.open(data_dir)
    pv = personas.current(s, personas.list_personas(s)[0].id)
    assert pv.avatar_path and (data_dir / pv.avatar_path).is_file()
    with PILImage.open(data_dir / pv.avatar_path) as avatar:
        assert avatar.size == (personas.AVATAR_SIZE, personas.AVATAR_SIZE)


def test_a_new_companion_is_created_and_shown(app, data_dir):
    open_persona(app)
    open_tab(app, "persona_tab", "👥 Companions")
    app.text_input(key="persona_new_name").input("Klaus")
    app.button(key="persona_create").click().run()
    open_tab(app, "persona_tab", "✏️ Shape")
    assert widget(app, "text_input", "Name").value == "Klaus"
    app.switch_page("pages/chat.py").run()
    assert any(m.value == "### Klaus" for m in app.markdown)
    s = Store.open(data_dir)
    sora, _ = personas.list_personas(s)
    assert [p.name for p in personas.list_personas(s)] == ["Sora", "Klaus"]
    app.switch_page("pages/persona.py").run()
    open_tab(app, "persona_tab", "👥 Companions")
    app.button(key=f"persona_switch_{sora.id}").click().run()
    open_tab(app, "persona_tab", "✏️ Shape")
    assert widget(app, "text_input", "Name").value == "Sora"


def test_the_sidebar_switch_moves_every_page(data_dir):
    from streamlit.testing.v1 import AppTest

    from tests.pages.conftest import APP

    s = Store.open(data_dir)
    personas.ensure_starter(s)
    klaus = personas.create(s, name="Klaus", user_name="Mika").persona_id
    s.close()
    # (AppTest drops the sidebar from the element tree after a rerun under st.navigation,
    # so the switch is made on the first run's widget.)
    app = AppTest.from_file(str(APP), default_timeout=60).run()
    assert any(m.value == "### Sora" for m in app.markdown)
    app.sidebar.selectbox(key="sidebar_persona").select(klaus).run()
    assert any(m.value == "### Klaus" for m in app.markdown)
    app.switch_page("pages/persona.py").run()
    assert widget(app, "text_input", "Name").value == "Klaus"
    app.switch_page("pages/settings.py").run()
    app.switch_page("pages/chat.py").run()
    assert any(m.value == "### Klaus" for m in app.markdown)
