"""The catalogs: complete, compiled, and the language/date helpers built on them."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from memory import i18n
from memory import settings as settings_store

ROOT = i18n.LOCALES.parent
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def source_msgids() -> set[str]:
    """Every string wrapped for translation in the code, extracted as pybabel would."""
    method_map = [
        (pattern.strip("[]").split(": ", 1)[1], "python")
        for pattern in (ROOT / "babel.cfg").read_text().splitlines()
        if pattern.startswith("[python:")
    ]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalog(language: str):
    with open(i18n.LOCALES / language / "LC_MESSAGES" / "kizuna.po", "rb") as fh:
        return read_po(fh, locale=language)


@pytest.mark.parametrize("language", [lang for lang in i18n.LANGUAGES if lang != "en"])
def test_every_wrapped_string_is_translated(language):
    cat = catalog(language)
    translated = {
        (m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in cat
        if m.id and all(m.string if isinstance(m.string, tuple) else [m.string])
    }
    missing = sorted(source_msgids() - translated)
    assert not missing, f"{len(missing)} strings lack a {language} translation:\n" + "\n".join(
        missing
    )


@pytest.mark.parametrize("language", [lang for lang in i18n.LANGUAGES if lang != "en"])
def test_compiled_catalog_matches_its_po(language):
    def table(cat):
        return {
            tuple(m.id) if isinstance(m.id, (list, tuple)) else m.id: (
                tuple(m.string) if isinstance(m.string, (list, tuple)) else m.string
            )
            for m in cat
            if m.id and not m.fuzzy
        }

    with open(i18n.LOCALES / language / "LC_MESSAGES" / "kizuna.mo", "rb") as fh:
        compiled = table(read_mo(fh))
    written = table(catalog(language))
    stale = sorted(
        map(str, {k for k in written.keys() | compiled.keys() if written.get(k) != compiled.get(k)})
    )
    assert not stale, "kizuna.mo is out of date (run pybabel compile, see README):\n" + "\n".join(
        stale[:30]
    )


def test_a_string_missing_from_the_catalog_falls_back_to_english():
    i18n.use_language("ja")
    try:
        assert i18n._("Settings") == "設定"
        assert i18n._("A sentence no catalog holds") == "A sentence no catalog holds"
    finally:
        i18n.use_language("en")


@pytest.mark.parametrize(
    ("tag", "language"),
    [
        ("ja-JP", "ja"),
        ("ja", "ja"),
        ("en-US", "en"),
        ("fr-FR", "en"),
        ("xx", "en"),
        ("", "en"),
        (None, "en"),
        ("JA_jp", "ja"),
    ],
)
def test_locale_tags_map_to_a_catalog_or_english(tag, language):
    assert i18n.normalize(tag) == language


def test_language_setting_wins_over_the_browser(store):
    assert settings_store.interface_language(store, "ja-JP") == "ja"
    assert settings_store.interface_language(store, "de-DE") == "en"
    settings_store.set(store, "language", "en")
    assert settings_store.interface_language(store, "ja-JP") == "en"
    assert settings_store.language_chosen(store)


def test_dates_in_both_languages_across_year_and_dst_boundaries():
    tokyo, london = ZoneInfo("Asia/Tokyo"), ZoneInfo("Europe/London")
    # 23:30 UTC on New Year's Eve is already 1 January in Tokyo.
    moment = datetime(2026, 12, 31, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert i18n.format_date(moment.astimezone(tokyo), "day", language="ja") == "2027年1月1日(金)"
    assert i18n.format_date(moment.astimezone(london), "day", language="en") == "Thu, 31 Dec 2026"
    # London leaves summer time at 01:00 UTC on 25 October 2026: 00:30 and 01:30 UTC are
    # both 01:30 local, on the same local day.
    before = datetime(2026, 10, 25, 0, 30, tzinfo=ZoneInfo("UTC")).astimezone(london)
    after = datetime(2026, 10, 25, 1, 30, tzinfo=ZoneInfo("UTC")).astimezone(london)
    assert i18n.format_time(before) == i18n.format_time(after) == "01:30"
    assert i18n.format_date(after, "full", language="en") == "Sunday, 25 October 2026"
    assert i18n.format_date(after, "full", language="ja") == "2026年10月25日日曜日"
    assert i18n.format_date(date(2026, 12, 1), "day", language="ja") == "2026年12月1日(火)"
    assert i18n.format_date(date(2027, 1, 1), "month", language="ja") == "2027年1月"
    assert i18n.format_date(date(2027, 1, 1), "month", language="en") == "January 2027"


def test_relative_days_and_numbers():
    assert i18n.relative_days(31, language="ja") == "31日後"
    assert i18n.relative_days(-3, language="ja") == "3日前"
    assert i18n.relative_days(31, language="en") == "in 31 days"
    assert i18n.relative_days(400, language="en") == "in 400 days"
    assert i18n.format_number(1000, language="ja") == "1,000"


def test_plotly_date_formats_follow_cldr_with_names_the_chart_carries():
    assert i18n.d3_date_format("short", language="ja") == "%Y年%-m月%-d日"
    assert i18n.d3_date_format("day", language="ja") == "%Y年%-m月%-d日(%a)"
    assert i18n.d3_date_format("month", language="en") == "%B %Y"
    assert i18n.d3_date_format("day", language="en") == "%a, %-d %b %Y"
    # %a and %b are spelled by plotly from the locale each chart carries (plotly.js config)
    ja = i18n.plotly_config("ja")
    assert ja["locale"] == "ja"
    names = ja["locales"]["ja"]["format"]
    assert names["shortMonths"][11] == "12月" and names["months"][0] == "1月"
    assert names["shortDays"] == ["日", "月", "火", "水", "木", "金", "土"]  # d3: Sunday first
    assert names["days"][2] == "火曜日"
    assert ja["locales"]["ja"]["dictionary"]["Double-click to zoom back out"] != (
        "Double-click to zoom back out"
    )
    en = i18n.plotly_config("en")["locales"]["en"]["format"]
    assert en["shortDays"][:2] == ["Sun", "Mon"] and en["months"][11] == "December"
