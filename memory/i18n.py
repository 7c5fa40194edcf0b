"""Interface language: one gettext catalog per language, chosen per session.

Every string Kizuna shows (pages, CLI output, errors, chart labels, exports) is written in
English in the code and wrapped in `_()` (or `ngettext()` for counts); the catalogs in
`locales/<lang>/LC_MESSAGES/kizuna.po` translate them, compiled to `.mo` with Babel
(`pybabel compile -d locales -D kizuna`). A string missing from a catalog falls back to
English for that string only. Adding a language needs only a new catalog.

The language is held in a context variable, so each Streamlit session (its own thread) and
each CLI run has its own; `use_language()` sets it for the current context.
"""

from __future__ import annotations

import gettext as _gettext
import re
from contextvars import ContextVar
from functools import cache
from pathlib import Path

LOCALES = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "kizuna"
DEFAULT_LANGUAGE = "en"
# The languages with a catalog (English is the source language and needs none).
LANGUAGES = {"en": "English", "ja": "日本語"}

_language: ContextVar[str] = ContextVar("kizuna_language", default=DEFAULT_LANGUAGE)


def normalize(tag: str | None) -> str:
    """The supported language for a locale tag such as 'ja-JP' or 'en_US'; English if unknown."""
    if not tag:
        return DEFAULT_LANGUAGE
    primary = str(tag).replace("_", "-").split("-")[0].strip().lower()
    return primary if primary in LANGUAGES else DEFAULT_LANGUAGE


@cache
def _translations(language: str) -> _gettext.NullTranslations:
    if language == DEFAULT_LANGUAGE:
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, localedir=LOCALES, languages=[language], fallback=True)


def use_language(language: str | None) -> str:
    """Make `language` the interface language of the current context; returns what was set."""
    lang = normalize(language)
    _language.set(lang)
    return lang


def current_language() -> str:
    """The interface language of the current context ('en', 'ja')."""
    return _language.get()


def _(message: str) -> str:
    """`message` in the current interface language (English where the catalog lacks it)."""
    return _translations(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n`, in the current interface language."""
    return _translations(_language.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a string for extraction without translating it now (module-level constants)."""
    return message


# --- Dates, numbers and relative times, from CLDR (Babel) --------------------------------
#
# The words of dates (month and weekday names, "in 31 days", "2026年12月1日(火)") come from
# Babel's CLDR data for the interface language, not from the catalogs and never from the
# machine's C locale (strftime's %B would say "December" on every machine).

#: CLDR locale used for each interface language (English dates are written the British way,
#: "Tuesday, 1 December 2026", as Kizuna always has).
_CLDR = {"en": "en_GB", "ja": "ja_JP"}

#: Named date styles → a CLDR format ("full"/"long"/"medium") or a skeleton.
_STYLES = {
    "full": ("format", "full"),  # Tuesday, 1 December 2026 · 2026年12月1日火曜日
    "long": ("format", "long"),  # 1 December 2026 · 2026年12月1日
    "day": ("skeleton", "yMMMEd"),  # Tue, 1 Dec 2026 · 2026年12月1日(火)
    "short": ("skeleton", "yMMMd"),  # 1 Dec 2026 · 2026年12月1日
    "month": ("skeleton", "yMMMM"),  # December 2026 · 2026年12月
    "month_abbr": ("skeleton", "MMM"),  # Dec · 12月
    "weekday": ("pattern", "EEEE"),  # Tuesday · 火曜日
    "weekday_abbr": ("pattern", "EEE"),  # Tue · 火
    "day_month": ("skeleton", "MMMMd"),  # 1 December · 12月1日
}


def cldr_locale(language: str | None = None) -> str:
    """The CLDR (Babel) locale for an interface language; the current one by default."""
    lang = normalize(language) if language else _language.get()
    return _CLDR.get(lang, lang)


def format_date(value, style: str = "long", *, language: str | None = None) -> str:
    """`value` (a date or datetime, already in the user's zone) written in the interface
    language: `style` is one of full, long, day, short, month, month_abbr, weekday,
    weekday_abbr, day_month."""
    from babel import dates

    kind, spec = _STYLES[style]
    loc = cldr_locale(language)
    if kind == "skeleton":
        return dates.format_skeleton(spec, value, locale=loc)
    return dates.format_date(value, spec, locale=loc)


def format_time(value, *, language: str | None = None) -> str:
    """The clock time of `value` (a datetime in the user's zone): 14:05 in every language."""
    from babel import dates

    return dates.format_time(value, "HH:mm", locale=cldr_locale(language))


def format_number(value, *, decimals: int | None = None, language: str | None = None) -> str:
    """`value` with the interface language's grouping: 1,000 · 1,234.5."""
    from babel import numbers

    fmt = None if decimals is None else "#,##0" + ("." + "0" * decimals if decimals else "")
    return numbers.format_decimal(value, format=fmt, locale=cldr_locale(language))


def relative_days(days: int, *, language: str | None = None) -> str:
    """A whole number of days from today, said in the interface language: "in 31 days",
    "3 days ago", "31日後", "3日前"; "today" for 0."""
    from datetime import timedelta

    from babel import dates

    if days == 0:
        return _("today")
    text = dates.format_timedelta(
        timedelta(days=days),
        granularity="day",
        threshold=10**9,  # always in days: "in 400 days", never "in 1 year"
        add_direction=True,
        locale=cldr_locale(language),
    )
    return _tight(text)


def _tight(text: str) -> str:
    # CLDR writes "31 日後"; Japanese puts no space between a number and its counter.
    return re.sub(r"(?<=\d) (?=[^\x00-\x7f])", "", text)


def d3_date_format(style: str = "short", *, language: str | None = None) -> str:
    """A d3 time format (plotly hover text and axes) for a date `style`, made from the same
    CLDR pattern as `format_date`: "%Y年%-m月%-d日(%a)" / "%a, %-d %b %Y". Month and weekday
    names (%b, %a) are plotly's, so a chart must carry `plotly_config()` to spell them in the
    interface language."""
    return _d3_date_format(style, cldr_locale(language))


@cache  # a chart asks for the same few formats on every run
def _d3_date_format(style: str, cldr: str) -> str:
    from babel import dates

    kind, spec = _STYLES[style]
    loc = dates.Locale.parse(cldr)
    if kind == "format":
        pattern = loc.date_formats[spec].pattern
    elif kind == "skeleton":
        known = loc.datetime_skeletons
        matched = dates.match_skeleton(spec, known)
        pattern = known[matched].pattern if matched in known else spec
    else:
        pattern = spec
    out: list[str] = []
    for literal, field in _fields(pattern):
        out.append(literal if literal is not None else _d3_field(field))
    return "".join(out).strip(" ,")


#: plotly.js's own words that can show on a chart with the mode bar hidden (its tips).
PLOTLY_WORDS = (
    N_("Double-click to zoom back out"),
    N_("Double-click on legend to isolate one trace"),
)


def plotly_config(language: str | None = None) -> dict:
    """plotly.js config keys that make a chart speak the interface language: `locale` and a
    `locales` definition carried by the chart itself (plotly.js's public config; nothing is
    registered globally or loaded from elsewhere). Month and weekday names, decimal and
    thousands marks come from CLDR, plotly's tips from the catalog."""
    from babel import Locale

    lang = normalize(language) if language else _language.get()
    loc = Locale.parse(cldr_locale(lang))
    months, days = loc.months["stand-alone"], loc.days["stand-alone"]
    sunday_first = [6, 0, 1, 2, 3, 4, 5]  # CLDR counts from Monday, d3 from Sunday
    symbols = loc.number_symbols.get("latn", loc.number_symbols)
    translations = _translations(lang)
    return {
        "locale": lang,
        "locales": {
            lang: {
                "dictionary": {w: translations.gettext(w) for w in PLOTLY_WORDS},
                "format": {
                    "months": [months["wide"][m] for m in range(1, 13)],
                    "shortMonths": [months["abbreviated"][m] for m in range(1, 13)],
                    "days": [days["wide"][d] for d in sunday_first],
                    "shortDays": [days["abbreviated"][d] for d in sunday_first],
                    "decimal": symbols.get("decimal", "."),
                    "thousands": symbols.get("group", ","),
                },
            }
        },
    }


def _fields(pattern: str) -> list[tuple[str | None, str]]:
    """A CLDR date pattern split into (literal, None) and (None, field) pieces."""
    pieces: list[tuple[str | None, str]] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "'":
            end = pattern.find("'", i + 1)
            end = len(pattern) if end < 0 else end
            pieces.append((pattern[i + 1 : end] or "'", ""))
            i = end + 1
        elif ch.isalpha() and ch.isascii():
            j = i
            while j < len(pattern) and pattern[j] == ch:
                j += 1
            pieces.append((None, pattern[i:j]))
            i = j
        else:
            pieces.append((ch, ""))
            i += 1
    return pieces


def _d3_field(field: str) -> str:
    letter, width = field[0], len(field)
    if letter == "y":
        return "%Y"
    if letter in "ML":
        if width >= 3:
            return "%B" if width >= 4 else "%b"
        return "%m" if width == 2 else "%-m"
    if letter == "d":
        return "%d" if width == 2 else "%-d"
    if letter in "Ec":
        return "%A" if width >= 4 else "%a"
    return ""


def territory_name(code: str, *, language: str | None = None) -> str | None:
    """A country's name from CLDR in the interface language (JP → 日本 / Japan), or None for
    a code CLDR does not know. 'UK' is accepted for GB."""
    from babel import Locale

    territory = {"UK": "GB"}.get(code.upper(), code.upper())
    return Locale.parse(cldr_locale(language)).territories.get(territory)
