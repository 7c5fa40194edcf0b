"""The open store and the current view's choices, for the pages."""

from __future__ import annotations

import functools
import os
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import streamlit as st

from companion import config as provider_config
from memory import DataFolderInUse, Store, StoreError, default_data_dir, personas
from memory import settings as settings_store
from ui import folder, language, lock, router

ASSETS = Path(__file__).resolve().parent.parent / "assets"
USER_AVATAR = str(ASSETS / "user.png")


def store() -> Store:
    """The store for this app's data folder; stops the page with a plain message if unusable,
    or at the lock screen when a passcode is due (see ui/lock.py)."""
    router.require_router()
    data_dir = folder.session_data_dir() or str(default_data_dir().resolve())
    try:
        s = folder.open_folder(data_dir)  # the app's one open of a data folder
    except DataFolderInUse as exc:
        _stop_with(exc.sentence, "🔒")
    except StoreError as exc:
        _stop_with(exc.sentence, "⚠️")
    # Here, not only in app.py: a page can run on its own (see ui/router.py).
    language.apply(s)
    lock.guard(s)
    return s


def _nothing() -> None:
    """The only page while the data folder cannot be used."""


def _stop_with(message: str, icon: str) -> None:
    # A navigation of one hidden page keeps Streamlit from listing the files in pages/.
    st.navigation([st.Page(_nothing, title="Kizuna")], position="hidden")
    from ui.text import escape_markdown

    st.error(escape_markdown(message), icon=icon)
    st.stop()


def secrets() -> dict:
    """`.streamlit/secrets.toml` as a dict, or {} when there is none."""
    try:
        return dict(st.secrets)
    except Exception:  # no secrets file: Streamlit raises FileNotFoundError or a parse error
        return {}


def persona_id(s: Store) -> int:
    """The companion every page is showing (chosen in the sidebar)."""
    in_session = st.session_state.get("persona_id")
    if in_session in {p.id for p in personas.list_personas(s)}:
        return in_session
    persona = personas.chosen(s, today=today(s))
    st.session_state["persona_id"] = persona.id
    return persona.id


def choose_persona(s: Store, pid: int) -> None:
    """Switch every page to companion `pid`."""
    st.session_state["persona_id"] = pid
    personas.choose(s, pid)


def tz(s: Store) -> ZoneInfo:
    return settings_store.timezone(s)


def today(s: Store) -> date:
    return datetime.now(tz(s)).date()


PROVIDER_SETTINGS = provider_config.STORED_SETTINGS


def provider_settings(s: Store, typed: dict | None = None) -> provider_config.ProviderConfig:
    """The provider configuration in force for this session (the key is never stored).

    `typed` are values on the Settings page not yet saved (for "Test connection").
    """
    session = {**st.session_state.get("provider_session", {}), **(typed or {})}
    return provider_config.for_store(s, secrets=secrets(), session=session, environ=os.environ)


def provider(s: Store):
    """A provider object for the configuration in force (one per configuration, reused)."""
    return _provider_for(provider_settings(s))


@functools.lru_cache(maxsize=8)
def _provider_for(config: provider_config.ProviderConfig):
    # Building an SDK client costs more than a page run should; configurations rarely change.
    return provider_config.make_provider(config)


def avatar_for(s: Store, pv) -> str:
    """A path Streamlit can show for a persona's avatar (the default one when unset)."""
    if pv.avatar_path:
        path = s.path_of(pv.avatar_path)
        if path.is_file():
            return str(path)
    return str(ASSETS / "avatar.png")
