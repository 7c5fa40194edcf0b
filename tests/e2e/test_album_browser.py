from memory import Store, outings, photos
from tests import photo_files as pf
from tests.e2e.conftest import screenshot, wait_for_app


def test_log_an_outing_with_a_jpeg_and_a_heic_and_see_the_responses(start_app, page, tmp_path):
    koi = tmp_path / "koi.jpg"
    koi.write_bytes(pf.jpeg((30, 120, 60), (1200, 900), exif_data=pf.exif(orientation=6)))
    lantern = tmp_path / "提灯.heic"  # straight from a phone
    lantern.write_bytes(pf.heic((230, 140, 40), (900, 600)))
    bad = tmp_path / "notes.jpg"
    bad.write_bytes(pf.text_named_jpg())

    app = start_app()
    page.goto(app.url)
    wait_for_app(page)
    page.get_by_text("This is the beginning of your story").wait_for()  # the chat page is up
    page.get_by_role("link", name="Album").click()
    wait_for_app(page)
    page.get_by_text("No outings yet").wait_for()
    screenshot(page, "album-empty")

    page.get_by_label("Title").fill("Korakuen Garden")
    page.get_by_label("Place").fill("Okayama")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        [str(koi), str(lantern), str(bad)]
    )
    page.get_by_text("提灯.heic").wait_for()
    page.get_by_role("button", name="Save outing").click()

    page.get_by_role("heading", name="Korakuen Garden").wait_for()
    wait_for_app(page)
    page.get_by_text("notes.jpg was not added").wait_for()
    page.get_by_text("Chat", exact=True).wait_for()  # the app's own navigation is back
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=\"stImage\"] img')]"
        ".filter(i => i.complete && i.naturalWidth > 0).length >= 2"
    )
    screenshot(page, "album-outing")
    shown = page.inner_text("[data-testid='stMain']")
    app.stop()

    s = Store.open(tmp_path / "data")
    outing = outings.get(s, 1)
    stored = photos.of_outing(s, outing.id)
    found = outings.responses(s, outing.id)
    s.close()
    assert [p.original_name for p in stored] == ["koi.jpg", "提灯.heic"]
    assert (stored[0].width, stored[0].height) == (900, 1200)  # orientation 6, upright
    assert set(found) == {None, stored[0].id, stored[1].id}
    for message in found.values():
        assert message.content.split()[0] in shown
    assert "offline voice" in shown
