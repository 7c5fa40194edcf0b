"""Settings: the model connection, time zone and where the data lives."""

from __future__ import annotations

from zoneinfo import available_timezones

import streamlit as st

from companion import ProviderError, make_provider
from companion.openai_provider import check_connection
from memory import settings
from ui import care_settings, state

s = state.store()
cfg = state.provider_settings(s)

st.title("Settings")

st.subheader("Companion's voice")
provider = st.radio(
    "Provider",
    ["openai", "offline"],
    index=0 if cfg.provider == "openai" else 1,
    format_func={
        "openai": "A model (OpenAI or any OpenAI-compatible server)",
        "offline": "Offline voice (no model)",
    }.get,
    key="settings_provider",
)
base_url = st.text_input(
    "Base URL",
    cfg.base_url or "",
    key="settings_base_url",
    placeholder="empty for OpenAI · http://localhost:11434/v1 for Ollama · "
    "http://localhost:1234/v1 for LM Studio",
)
model = st.text_input("Model", cfg.model, key="settings_model")
api_key = st.text_input(
    "API key (kept for this browser session only, never saved)",
    type="password",
    key="settings_api_key",
    help="Set OPENAI_API_KEY or .streamlit/secrets.toml to keep a key between sessions.",
)
temperature = st.slider(
    "Temperature", 0.0, 2.0, float(cfg.temperature), 0.05, key="settings_temperature"
)

zones = sorted(available_timezones())
current_zone = settings.timezone_name(s)
zone = st.selectbox(
    "Time zone (for your days and the dashboard)",
    zones,
    index=zones.index(current_zone) if current_zone in zones else 0,
    key="settings_timezone",
)

left, right = st.columns(2)
if left.button("Save settings", type="primary", key="settings_save"):
    settings.set(s, "provider", provider)
    settings.set(s, "base_url", base_url.strip() or None)
    settings.set(s, "model", model.strip() or None)
    settings.set(s, "temperature", temperature)
    settings.set(s, "timezone", zone)
    session = {"provider": provider}
    if api_key.strip():
        session["api_key"] = api_key.strip()
    st.session_state["provider_session"] = session
    st.success("Saved.")
    st.rerun()

if right.button("Test connection", key="settings_test"):
    trial = state.provider_settings(s)
    if trial.provider == "offline":
        st.info("The offline voice needs no connection. Choose a model provider to test one.")
    else:
        with st.spinner(f"Asking {trial.describe()}…"):
            try:
                st.success(check_connection(make_provider(trial)))
            except ProviderError as exc:
                st.error(exc.message)

st.caption(f"In use: {state.provider_settings(s).describe()}")

care_settings.render(s)

st.subheader("Your data")
st.markdown(f"Data folder: `{s.data_dir}`")
st.caption(
    "Everything — conversations, photos, journal — lives in this folder on your disk. "
    "Set KIZUNA_DATA_DIR to use another one."
)
