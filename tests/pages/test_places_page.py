"""Places as places: names, never coordinates; a map only once tiles are allowed."""

from __future__ import annotations

import re
from datetime import date

from memory import Store, outings, personas, photos, places
from tests import photo_files as pf
from tests.pages.conftest import plain

OKAYAMA = (34.66750, 133.93583)
COORDINATES = re.compile(r"\d+\.\d{3,}")


def _gps_outing(data_dir, place=None, day=date(2025, 5, 4)):
    with Store.open(data_dir) as s:
        pid = personas.ensure_starter(s).id
        files = [
            ("koi.jpg", pf.jpeg((200, 40, 40), exif_data=pf.exif(gps=OKAYAMA))),
            ("bridge.jpg", pf.jpeg((40, 200, 40), exif_data=pf.exif(gps=(34.6690, 133.9370)))),
        ]
        outing, _ = outings.log(
            s, pid, "Korakuen Garden", place=place, happened_on=day, files=files
        )
        return outing.id, photos.of_outing(s, outing.id)[0].id


def _shown(app) -> str:
    parts = [m.value for m in app.markdown] + [c.value for c in app.caption]
    return "\n".join(plain(p) for p in parts)


def _maps(app):
    return app.get("deck_gl_json_chart")


def test_gps_without_a_typed_place_is_named_and_mapped_only_with_tiles_on(app, data_dir):
    outing_id, photo_id = _gps_outing(data_dir)
    app.switch_page("pages/album.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert "Okayama" in _shown(app)  # the grid card
    app.session_state["album_outing"] = outing_id
    app.run()
    shown = _shown(app)
    assert "Okayama · " in shown
    assert "Map off" in shown
    assert not _maps(app)  # tiles off: no map, so no call to a tile server
    assert not COORDINATES.search(shown)
    app.session_state["album_photo"] = photo_id
    app.run()
    shown = _shown(app)
    assert "📍 Okayama" in shown and not COORDINATES.search(shown)

    # Settings → Places: tiles on.
    app.switch_page("pages/settings.py").run()
    assert app.toggle(key="settings_map_tiles").value is False
    app.toggle(key="settings_map_tiles").set_value(True).run()
    with Store.open(data_dir) as s:
        assert places.tiles_on(s)
    app.switch_page("pages/album.py")
    app.session_state["album_outing"] = outing_id
    app.session_state["album_photo"] = None
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert len(_maps(app)) == 1
    assert "Map off" not in _shown(app)


def test_her_own_place_words_win_over_the_gazetteer(app, data_dir):
    outing_id, _ = _gps_outing(data_dir, place="Korakuen, by the pond")
    app.switch_page("pages/album.py").run()
    app.session_state["album_outing"] = outing_id
    app.run()
    shown = _shown(app)
    assert "Korakuen, by the pond · " in shown
    assert "Okayama" not in shown


def test_the_timeline_names_the_place_of_gps_photos(app, data_dir):
    _gps_outing(data_dir, day=date.today())
    app.switch_page("pages/timeline.py").run()
    assert not app.exception, [e.value for e in app.exception]
    shown = _shown(app)
    assert "Okayama" in shown and not COORDINATES.search(shown)
