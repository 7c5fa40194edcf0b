"""Share a moment on a phone (390×844, touch): two taps to the photos, his answer, the album.

Tap 1 is "Share a moment"; tap 2 is the photo picker (a phone offers its camera and library
there — here Playwright hands the file input two real JPEGs with EXIF time and GPS). Then a
line and Share: the model (the loopback server) answers in the chat, and the photos are in
today's outing, named after the place, in taken-time order. In Japanese: the chat body is an
st.fragment, whose reruns skip app.py, and the outing's name must still be Japanese (岡山).
"""

from __future__ import annotations

from memory import Store, outings, personas, photos
from memory import settings as settings_store
from tests import photo_files as pf
from tests.e2e.conftest import screenshot, wait_for_app
from tests.openai_server import Answer

PHONE = {"width": 390, "height": 844}
OKAYAMA = (34.66750, 133.93583)


def test_two_taps_share_photos_he_answers_and_they_join_todays_outing(
    start_app, browser, fake_openai, tmp_path
):
    fake_openai.script(Answer(chunks=["The pond ", "is glowing today."]))
    later = tmp_path / "koi.jpg"
    later.write_bytes(
        pf.jpeg((200, 40, 40), exif_data=pf.exif(taken="2026:05:04 15:20:00", gps=OKAYAMA))
    )
    earlier = tmp_path / "bridge.jpg"
    earlier.write_bytes(
        pf.jpeg((40, 200, 40), exif_data=pf.exif(taken="2026:05:04 13:05:00", gps=OKAYAMA))
    )
    data = tmp_path / "data"
    with Store.open(data) as s:
        settings_store.set(s, "language", "ja")
    app = start_app(
        data,
        OPENAI_BASE_URL=fake_openai.base_url,
        OPENAI_API_KEY="sk-test-not-a-real-key",
        KIZUNA_MODEL="fake-model",
        KIZUNA_TIMEOUT="10",
    )
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(60_000)  # the machine may be loaded: a share is three reruns
    try:
        page.goto(app.url)
        wait_for_app(page)
        share = page.locator(".st-key-share_toggle button:visible")
        box = share.bounding_box()
        assert box["y"] + box["height"] <= PHONE["height"]  # in view without scrolling
        share.tap()  # tap 1
        picker = page.locator(".st-key-share_panel [data-testid='stFileUploaderDropzone']")
        picker.wait_for()
        assert picker.bounding_box()["y"] < PHONE["height"]  # tap 2 is in view
        page.locator(".st-key-share_panel input[type=file]").set_input_files([later, earlier])
        page.get_by_text("bridge.jpg").wait_for()
        page.locator(".st-key-share_panel input[type=text]:visible").fill("後楽園だよ")
        send = page.locator(".st-key-share_send button:visible")
        cancel = page.locator(".st-key-share_cancel button:visible")
        assert min(send.bounding_box()["height"], cancel.bounding_box()["height"]) >= 44
        send.tap()
        page.get_by_text("The pond is glowing today.").wait_for()
        page.locator(".st-key-share_panel").wait_for(state="detached")  # the form closes
        wait_for_app(page)
        screenshot(page, "phone-share-moment")
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
        link = page.locator("[class*='st-key-share_open_outing_'] button:visible")
        assert "岡山" in link.inner_text()
        for target in (share, link):  # thumb-sized, like every touch target
            assert target.bounding_box()["height"] >= 44
    finally:
        context.close()
    app.stop()  # the store is the app's while it runs
    with Store.open(data) as s:
        pid = personas.ensure_starter(s).id
        outing = outings.todays(s, pid)
        assert outing.place == "岡山" and outing.title.startswith("岡山の")
        assert [p.original_name for p in photos.of_outing(s, outing.id)] == [
            "bridge.jpg",
            "koi.jpg",
        ]
