"""Places as places: an outing's place by name, on a small map only when tiles are allowed.

Map tiles come from a tile server on the internet (st.map's CARTO basemap), so the map is
drawn only after she turned tiles on in Settings → Places. Without them the outing shows its
place by name — her own words, else the nearest named place from the offline gazetteer
(`memory.places`) — and never raw coordinates.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from memory import places
from memory.i18n import _

MAP_HEIGHT = 220
MAP_ZOOM = 12


def outing_place(s, outing) -> None:
    """Under an outing's title: a small map of where its photos were taken (tiles on), or a
    note that the map is off (tiles off, with GPS)."""
    points = places.points_of(s, outing.id)
    if not points:
        return
    if places.tiles_on(s):
        st.map(
            pd.DataFrame({"lat": [p.lat for p in points], "lon": [p.lon for p in points]}),
            zoom=MAP_ZOOM,
            height=MAP_HEIGHT,
            size=40,
            color="#c2185b",
        )
    else:
        st.caption(_("🗺️ Map off: turn on map tiles in Settings → Places to see it on a map."))


def card_places(s, cards) -> dict[int, str]:
    """A name for each album card without a typed place but with GPS photos (one query)."""
    missing = [c.id for c in cards if not c.place]
    found = places.first_points(s, missing)
    named = {oid: places.name_for(p.lat, p.lon) for oid, p in found.items()}
    return {oid: name for oid, name in named.items() if name}


def photo_place(photo) -> str | None:
    """A photo's place by name (from its GPS), or None: never coordinates."""
    return places.name_for(photo.gps_lat, photo.gps_lon)


def settings_section(s) -> None:
    """Settings → Places: map tiles, off by default, and why."""
    with st.container(border=True):
        st.subheader(_("Places"))
        on = st.toggle(
            _("Show outings on a map"),
            value=places.tiles_on(s),
            key="settings_map_tiles",
        )
        st.caption(
            _(
                "Off by default. A map needs map tiles from a tile server on the internet "
                "(CARTO, through Streamlit's map): turning this on makes a network call each "
                "time a map is shown, which tells that server roughly where your outings were. "
                "Off, places are named on this computer from a bundled list of towns and cities."
            )
        )
        if on != places.tiles_on(s):
            places.set_tiles(s, on)
            st.rerun()
