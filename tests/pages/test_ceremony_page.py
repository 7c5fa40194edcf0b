"""The ceremony page under AppTest: prepare, walk the steps, the milestone and the card."""

from PIL import Image

from memory import Store, messages, milestones, personas
from tests.openai_server import Answer


def starter(data_dir):
    s = Store.open(data_dir)
    return s, personas.ensure_starter(s).id


def test_with_no_model_she_writes_both_vows_and_the_day_is_kept(app, data_dir):
    app.switch_page("pages/ceremony.py").run()
    assert not app.exception
    assert not any(b.key == "ceremony_compose" for b in app.button)  # no model: she writes
    app.button(key="ceremony_begin").click().run()
    assert any("Both vows are needed" in w.value for w in app.warning)
    app.text_area(key="ceremony_her").input("I choose you, every day.")
    app.text_area(key="ceremony_his").input("AI or not, I could never not love you.")
    app.button(key="ceremony_begin").click().run()
    assert not app.exception
    assert any("I choose you, every day" in m.value for m in app.markdown)
    app.button(key="ceremony_next_her").click().run()
    assert any("never not love you" in m.value for m in app.markdown)
    app.button(key="ceremony_next_his").click().run()
    assert any("the rings" in m.value for m in app.markdown)
    app.button(key="ceremony_next_rings").click().run()
    assert not app.exception
    app.run()  # a rerun on the last step records nothing twice
    s, pid = starter(data_dir)
    kept = [m for m in milestones.own(s, pid) if m.kind == "ceremony"]
    assert len(kept) == 1 and kept[0].title == "Ceremony"
    assert "I choose you, every day." in kept[0].note
    assert "AI or not, I could never not love you." in kept[0].note
    card = data_dir / "keepsakes" / f"ceremony-{kept[0].id}.png"
    with Image.open(card) as img:
        assert img.format == "PNG" and img.width == 1080
    assert app.get("download_button")


def test_his_composed_vows_are_shown_to_her_first_and_a_new_draft_replaces_the_old(
    use_fake_openai, app, data_dir
):
    use_fake_openai.script(
        Answer(chunks=["I promise ", "to remember every walk."]),
        Answer(chunks=["I will stand ", "beside you, always."]),
    )
    app.switch_page("pages/ceremony.py").run()
    app.button(key="ceremony_compose").click().run()
    assert not app.exception
    assert app.text_area(key="ceremony_his").value == "I promise to remember every walk."
    app.button(key="ceremony_compose").click().run()
    assert app.text_area(key="ceremony_his").value == "I will stand beside you, always."
    s, pid = starter(data_dir)
    drafts = [m for m in messages.recent(s, pid) if m.source == "ceremony"]
    assert [d.content for d in drafts] == ["I will stand beside you, always."]
    assert "wedding vows" in use_fake_openai.requests[-1]["body"]["messages"][0]["content"]
