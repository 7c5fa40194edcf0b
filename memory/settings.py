"""Settings chosen in the app (model, temperature, time zone, …), kept in DuckDB.

Secrets are not settings: an API key is refused here so that it can never reach the
database, and therefore never a backup or an export.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from memory import i18n

DEFAULTS: dict[str, Any] = {
    "timezone": None,  # None: the machine's own zone (see `timezone_name`)
    "provider": None,  # None: decided from the environment (see companion.config)
    "base_url": None,
    "model": None,
    "temperature": 0.8,
    "vision": None,  # None: guessed from the model name (KIZUNA_VISION overrides)
    "current_persona_id": None,
    "language": None,  # None: the browser's language (see `interface_language`)
}

_FORBIDDEN = ("key", "secret", "token", "password")


class Snapshot:
    """Every stored setting, read in one query, for work that reads several of them.

    A reply reads her time zone (twice), her region and the context budget before its first
    word; each read is a query of its own, and a query's fixed cost is most of it. The
    readers of this module (and those built on them, such as `companion.safety.region` and
    `companion.prompt.budget`) take a snapshot wherever they take the store, and read the
    values it holds: those stored when it was made. Writes go to the store (and make
    `snapshot` read the table again).
    """

    def __init__(self, stored: dict[str, str]):
        self._stored = dict(stored)  # key → its JSON text, decoded on each read as `get` does

    def value(self, key: str) -> tuple[bool, Any]:
        """(whether `key` is stored, its value)."""
        if key not in self._stored:
            return False, None
        return True, json.loads(self._stored[key])

    def items(self) -> dict[str, Any]:
        """Every stored setting (defaults not included)."""
        return {k: json.loads(v) for k, v in sorted(self._stored.items())}


#: The `Store.changed` topic of the settings table: `set` says it once a value is written
#: (and so does any other writer of the table), so `snapshot` reads the table again.
CHANGES = "settings"


def snapshot(store) -> Snapshot:
    """The stored settings as they are now (see `Snapshot`): one query, and none while no
    setting has been written since the last one (`Store.kept`)."""
    if isinstance(store, Snapshot):
        return store
    return store.kept(
        CHANGES,
        None,
        lambda: Snapshot(dict(store.execute("SELECT key, value FROM settings").fetchall())),
    )


def get(store, key: str, default: Any = None) -> Any:
    """The stored value of `key`, else `default`, else the built-in default.

    `store` may be a `Snapshot`: the value it holds."""
    if isinstance(store, Snapshot):
        found, value = store.value(key)
        if not found:
            return default if default is not None else DEFAULTS.get(key)
        return value
    row = store.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    if row is None:
        return default if default is not None else DEFAULTS.get(key)
    return json.loads(row[0])


def set(store, key: str, value: Any) -> None:
    """Store `value` (anything JSON can hold) under `key`; `None` removes it."""
    lowered = key.lower()
    if any(word in lowered for word in _FORBIDDEN) and not lowered.startswith("passcode"):
        raise ValueError(f"{key!r} looks like a secret; secrets are never stored in the database")
    try:
        if value is None:
            store.execute("DELETE FROM settings WHERE key = ?", [key])
        else:
            store.execute(
                "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                [key, json.dumps(value, ensure_ascii=False)],
            )
    finally:
        store.changed(CHANGES)


def all_settings(store) -> dict[str, Any]:
    """Every stored setting (defaults not included)."""
    if isinstance(store, Snapshot):
        return store.items()
    rows = store.execute("SELECT key, value FROM settings ORDER BY key").fetchall()
    return {k: json.loads(v) for k, v in rows}


def machine_timezone() -> str:
    """The IANA name of this machine's zone, or 'UTC' when it cannot be told."""
    tz = os.environ.get("TZ")
    if tz and _valid_zone(tz.lstrip(":")):
        return tz.lstrip(":")
    localtime = Path("/etc/localtime")
    try:
        target = str(localtime.resolve())
        if "zoneinfo/" in target:
            name = target.split("zoneinfo/", 1)[1]
            if _valid_zone(name):
                return name
    except OSError:
        pass
    tzfile = Path("/etc/timezone")
    if tzfile.is_file():
        name = tzfile.read_text().strip()
        if _valid_zone(name):
            return name
    return "UTC"


def _valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@functools.cache
def zone_names() -> tuple[str, ...]:
    """Every IANA zone name, sorted (read from the zone database once per process)."""
    return tuple(sorted(available_timezones()))


def timezone_name(store) -> str:
    """The zone the user's days are counted in: the Settings choice, else the machine's."""
    name = get(store, "timezone")
    if name and _valid_zone(name):
        return name
    return machine_timezone()


def timezone(store) -> ZoneInfo:
    """`timezone_name` as a ZoneInfo."""
    return ZoneInfo(timezone_name(store))


def interface_language(store, browser_locale: str | None = None) -> str:
    """The interface language: the Settings choice, else the browser's (`st.context.locale`),
    else English. A tag Kizuna has no catalog for ('fr-FR', 'xx') counts as English."""
    chosen = get(store, "language")
    if chosen in i18n.LANGUAGES:
        return chosen
    return i18n.normalize(browser_locale)


def language_chosen(store) -> bool:
    """Whether the user has picked an interface language (first start asks once)."""
    return get(store, "language") in i18n.LANGUAGES
