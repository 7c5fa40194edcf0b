"""The open store and the current view's choices, for the pages."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import streamlit as st

from companion import config as provider_config
from memory import DataFolderInUse, Store, StoreError, default_data_dir, personas
from memory import settings as settings_store
from ui import lock

ASSETS = Path(__file__).resolve().parent.parent / "assets"
USER_AVATAR = str(ASSETS / "user.png")


@st.cache_resource(show_spinner=False)
def _open_store(data_dir: str) -> Store:
    return Store.open(data_dir)


def store() -> Store:
    """The store for this app's data folder; stops the page with a plain message if unusable,
    or at the lock screen when a passcode is due (see ui/lock.py)."""
    lock.require_router()
    data_dir = str(default_data_dir().resolve())
    try:
        s = _open_store(data_dir)
    except DataFolderInUse as exc:
        st.error(str(exc), icon="🔒")
        st.stop()
    except StoreError as exc:
        st.error(str(exc), icon="⚠️")
        st.stop()
    lock.guard(s)
    return s


def secrets() -> dict:
    """`.streamlit/secrets.toml` as a dict, or {} when there is none."""
    try:
        return dict(st.secrets)
    except Exception:  # no secrets file: Streamlit raises FileNotFoundError or a parse error
        return {}


def persona_id(s: Store) -> int:
    """The companion every page is showing (chosen in the sidebar)."""
    chosen = st.session_state.get("persona_id")
    known = {p.id for p in personas.list_personas(s)}
    if chosen in known:
        return chosen
    stored = settings_store.get(s, "current_persona_id")
    if stored in known:
        st.session_state["persona_id"] = stored
        return stored
    starter = personas.ensure_starter(s, today=today(s))
    st.session_state["persona_id"] = starter.id
    return starter.id


def choose_persona(s: Store, pid: int) -> None:
    """Switch every page to companion `pid`."""
    st.session_state["persona_id"] = pid
    settings_store.set(s, "current_persona_id", pid)


def tz(s: Store) -> ZoneInfo:
    return settings_store.timezone(s)


def today(s: Store) -> date:
    return datetime.now(tz(s)).date()


def provider_settings(s: Store) -> provider_config.ProviderConfig:
    """The provider configuration in force for this session (key never stored)."""
    stored = {k: settings_store.get(s, k) for k in ("provider", "base_url", "model", "temperature")}
    session = st.session_state.get("provider_session", {})
    return provider_config.resolve(stored, secrets=secrets(), session=session, environ=os.environ)


def provider(s: Store):
    """A provider object for the configuration in force."""
    return provider_config.make_provider(provider_settings(s))


def avatar_for(s: Store, pv) -> str:
    """A path Streamlit can show for a persona's avatar (the default one when unset)."""
    if pv.avatar_path:
        path = s.path_of(pv.avatar_path)
        if path.is_file():
            return str(path)
    return str(ASSETS / "avatar.png")
