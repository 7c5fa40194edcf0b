"""Every page in Japanese has no English left on screen, and in English no Japanese."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from streamlit.testing.v1 import AppTest

from memory import Store, journal, messages, milestones, outings, personas
from memory import settings as settings_store
from tests.pages.conftest import (
    APP,
    bubble_labels,
    open_expander,
    open_tab,
    svg_charts,
    svg_strings,
    tooltips,
)

ALL_PAGES = [
    "pages/chat.py",
    "pages/album.py",
    "pages/timeline.py",
    "pages/dashboard.py",
    "pages/journal.py",
    "pages/memories.py",
    "pages/search.py",
    "pages/persona.py",
    "pages/settings.py",
    "pages/data.py",
]
#: Names and brand or technical words that stay as they are in a Japanese interface.
ALLOWED = set(
    """kizuna sora openai api url ollama studio llama cpp openrouter duckdb chatgpt sillytavern
    chub risuai charx json jsonl markdown png jpeg webp gif heic csv zip utc xreal esc gpt
    mini tokyo asia kizuna_data_dir openai_api_key kizuna_vision secrets toml streamlit
    conversations tavernai pygmalion korakuen garden rainy walk bold message demo proposal
    english google kyoko alloy ash ballad coral echo fable nova onyx sage shimmer verse
    marin cedar https qr tailscale wireguard carto""".split()
)
ZONE = "Asia/Tokyo"
#: Pages whose tabs are built only when open: the tabs' key and how many tabs it has.
LAZY_TABS = {"pages/journal.py": {"journal_tab": 3}, "pages/persona.py": {"persona_tab": 6}}
#: And sections built only when open, by key.
LAZY_EXPANDERS = {"pages/timeline.py": ["timeline_adding"]}


def history(data_dir, language: str) -> None:
    s = Store.open(data_dir)
    settings_store.set(s, "timezone", ZONE)
    settings_store.set(s, "language", language)
    tz = ZoneInfo(ZONE)
    today = datetime.now(tz).date()
    since = today - timedelta(days=400)
    pid = personas.ensure_starter(s, today=since).id
    for i in range(12):
        when = datetime.combine(since + timedelta(days=i * 30), datetime.min.time(), tz)
        messages.add(s, pid, "user", f"message {i}", created_at=when)
        messages.add(s, pid, "companion", f"message {i}", created_at=when + timedelta(minutes=1))
    outings.create(s, pid, "Korakuen Garden", place="Tokyo", happened_on=today - timedelta(20))
    journal.add(s, pid, "Rainy walk", written_on=today - timedelta(days=3), mood=4)
    milestones.add(s, pid, "Proposal", date(today.year, 1, 1), kind="proposal")
    s.close()


def screen_text(at: AppTest) -> list[str]:
    """Every label, text, help and option the run put on screen (main area and sidebar)."""
    texts: list[str] = []
    # The companion's own words are in the persona's language, not the interface's.
    said = {m.value for chat in at.chat_message for m in chat.markdown}
    kinds = (
        "title header subheader markdown caption info warning error success toast button "
        "text_input text_area selectbox radio toggle checkbox number_input slider "
        "expander tabs metric date_input segmented_control multiselect download_button "
        "chat_input"
    ).split()
    for kind in kinds:
        for element in at.get(kind):
            for attr in ("value", "label", "help", "placeholder", "body"):
                value = (
                    getattr(element, attr, None)
                    if attr != "value"
                    or kind
                    in (
                        "title header subheader markdown caption info warning error success "
                        "toast metric"
                    ).split()
                    else None
                )
                if isinstance(value, str):
                    texts.append(value)
            if getattr(element, "key", None) != "settings_timezone":  # IANA zone names
                for option in getattr(element, "options", None) or []:
                    texts.append(str(option))
    texts += bubble_labels(at)  # the chat's messages drawn as one element
    # The SVG charts' words: titles, axes, legends and every hover text.
    for chart in svg_charts(at).values():
        texts += svg_strings(chart)
    return [t for t in texts if t not in said]


def english_words(texts: list[str]) -> set[str]:
    found = set()
    for text in texts:
        text = re.sub(
            r"`[^`]*`|https?://\S+|\S*/\S*|\S+\.(?:zip|json|jsonl|png|md|csv)\b|\{[^}]*\}|:\w+\[|:material/\w+:",
            " ",
            text,
        )
        for word in re.findall(r"[A-Za-z][A-Za-z_]{2,}", text):
            if word.lower() not in ALLOWED:
                found.add(word)
    return found


@pytest.mark.parametrize("page", ALL_PAGES)
def test_every_page_in_japanese_shows_no_english(data_dir, page):
    history(data_dir, "ja")
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    texts = screen_text(at)
    # A page that builds only its open tab: every tab's words, one tab at a time (each in a
    # fresh session: AppTest formats a Japanese form's options in English on a rerun).
    for key, count in LAZY_TABS.get(page, {}).items():
        for label in [t.label for t in at.tabs][1:count]:
            other = AppTest.from_file(str(APP), default_timeout=60).run()
            other.session_state[key] = label
            other.switch_page(page).run()
            assert not other.exception, [e.value for e in other.exception]
            texts += screen_text(other)
    for key in LAZY_EXPANDERS.get(page, []):
        open_expander(at, key)
        assert not at.exception, [e.value for e in at.exception]
        texts += screen_text(at)
    assert any(re.search(r"[\u3040-\u30ff]", t) for t in texts), texts[:5]
    assert not english_words(texts), sorted(english_words(texts))


@pytest.mark.parametrize("page", ["pages/timeline.py", "pages/settings.py"])
def test_the_same_pages_in_english_show_no_japanese_interface(data_dir, page):
    history(data_dir, "en")
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.switch_page(page).run()
    assert not at.exception
    # Japanese may appear only where it is the user's own (placeholders name both languages,
    # the language choice names itself).
    japanese = [
        t for t in screen_text(at) if re.search(r"[\u3040-\u30ff]", t) and "日本語" not in t
    ]
    assert not japanese, japanese


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_chart_speaks_the_interface_language(data_dir, language):
    import json

    history(data_dir, language)
    s = Store.open(data_dir)
    pid = personas.list_personas(s)[0].id
    journal.add(s, pid, "Sunny", written_on=datetime.now(ZoneInfo(ZONE)).date(), mood=2)
    s.close()
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.switch_page("pages/dashboard.py").run()
    assert not at.exception, [e.value for e in at.exception]
    # the Dashboard's charts are SVG: each day's hover text names the day, weekday included
    daily = next(c for c in svg_charts(at).values() if c[1]["data-chart"] == "daily")
    first_line = tooltips(daily)[-1].split("\n")[0]
    pattern = {"ja": r"\d{4}年\d{1,2}月\d{1,2}日\([日月火水木金土]\)", "en": r"[A-Z][a-z]{2}, \d"}
    assert re.fullmatch(pattern[language] + ".*", first_line), first_line
    calendar = next(c for c in svg_charts(at).values() if c[1]["data-chart"] == "calendar")
    assert {"ja": "12月", "en": "Dec"}[language] in svg_strings(calendar)
    # the Journal's calendar is plotly: it carries plotly's locale in the interface language
    at.switch_page("pages/journal.py").run()
    open_tab(at, "journal_tab", at.tabs[1].label)
    assert not at.exception, [e.value for e in at.exception]
    charts = [json.loads(chart.proto.config) for chart in at.get("plotly_chart")]
    assert charts
    months = {"ja": "12月", "en": "Dec"}[language]
    for config in charts:
        assert config["locale"] == language
        assert config["locales"][language]["format"]["shortMonths"][11] == months
