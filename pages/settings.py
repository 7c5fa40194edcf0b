"""Settings: the model connection, time zone and where the data lives."""

from __future__ import annotations

import os

import streamlit as st

from companion import ProviderError, check, make_provider
from memory import messages
from memory import settings as settings_store
from memory.i18n import _
from ui import care_settings, greeting, his_voice, language, phone_view, places_view, state, voice
from ui.text import escape_markdown

s = state.store()
cfg = state.provider_settings(s)
session = st.session_state.get("provider_session", {})

st.title(_("Settings"))

VISION_CHOICES = {"guess": _("Guess from the model name"), "yes": _("Yes"), "no": _("No")}

with st.container(border=True):
    st.subheader(_("Language"))
    language.selector(s, key="settings_language")


with st.container(border=True):
    st.subheader(_("Companion's voice"))
    provider = st.radio(
        _("Who answers"),
        ["openai", "offline"],
        index=0 if cfg.provider == "openai" else 1,
        format_func={
            "openai": _("A model — OpenAI or any OpenAI-compatible server"),
            "offline": _("The offline voice — no model, composed from the persona's own words"),
        }.get,
        key="settings_provider",
    )
    if provider == "openai":
        base_url = st.text_input(
            _("Base URL"),
            cfg.base_url or "",
            key="settings_base_url",
            placeholder=_("empty for OpenAI · http://localhost:11434/v1 for Ollama"),
            help=_(
                "Ollama: http://localhost:11434/v1 · LM Studio: http://localhost:1234/v1 · "
                "llama.cpp server: http://localhost:8080/v1 · OpenRouter: "
                "https://openrouter.ai/api/v1"
            ),
        )
        model = st.text_input(_("Model"), cfg.model, key="settings_model")
        api_key = st.text_input(
            _("API key"),
            type="password",
            key="settings_api_key",
            placeholder=_("kept in this browser session only — never saved"),
            help=_(
                "To keep a key between sessions, set OPENAI_API_KEY or put it in "
                ".streamlit/secrets.toml. Local servers usually need no key."
            ),
        )
        if session.get("api_key"):
            key_note, key_forget = st.columns([4, 1], vertical_alignment="center")
            key_note.caption(_("🔑 A key typed here is in use for this session."))
            if key_forget.button(_("Forget it"), key="settings_forget_key"):
                st.session_state["provider_session"] = {
                    k: v for k, v in session.items() if k != "api_key"
                }
                st.rerun()
        elif os.environ.get("OPENAI_API_KEY") or state.secrets().get("OPENAI_API_KEY"):
            st.caption(_("🔑 A key from OPENAI_API_KEY / secrets.toml is in use."))
        stored_vision = {True: "yes", False: "no"}.get(settings_store.get(s, "vision"), "guess")
        vision_choice = st.selectbox(
            _("Send photos to the model"),
            list(VISION_CHOICES),
            index=list(VISION_CHOICES).index(stored_vision),
            format_func=VISION_CHOICES.get,
            key="settings_vision",
            help=_(
                "Photos go as downscaled images only when the model takes them. "
                "KIZUNA_VISION=1/0 in the environment overrides this."
            ),
        )
        vision = {"yes": True, "no": False}.get(vision_choice)
        temperature = st.slider(
            _("Temperature"),
            0.0,
            2.0,
            float(cfg.temperature),
            0.05,
            key="settings_temperature",
            help=_("Lower is steadier, higher is more playful."),
        )
        his_voice.budget_setting(s)
        his_voice.offer_check(s, state.persona_id(s))
    else:
        base_url, model, api_key = cfg.base_url or "", cfg.model, ""
        temperature = cfg.temperature
        vision = settings_store.get(s, "vision")
        st.caption(
            _(
                "🌙 The offline voice answers from your companion's own words, what you just said "
                "and your shared memories. Replies are labelled, so nobody mistakes it for a model."
            )
        )
with st.container(border=True):
    st.subheader(_("Time"))
    zones = list(settings_store.zone_names())
    current_zone = settings_store.timezone_name(s)
    zone = st.selectbox(
        _("Time zone"),
        zones,
        index=zones.index(current_zone) if current_zone in zones else 0,
        key="settings_timezone",
        help=_("Your days — day separators, 'messages today', the dashboard — follow this zone."),
    )

typed = {"provider": provider, "base_url": base_url.strip(), "model": model.strip()}
if api_key.strip():
    typed["api_key"] = api_key.strip()

save_col, test_col, _spare = st.columns([1, 1, 2])
if save_col.button(_("Save settings"), type="primary", key="settings_save", icon="💾"):
    settings_store.set(s, "provider", provider)
    settings_store.set(s, "base_url", typed["base_url"] or None)
    settings_store.set(s, "model", typed["model"] or None)
    settings_store.set(s, "temperature", temperature)
    settings_store.set(s, "vision", vision)
    settings_store.set(s, "timezone", zone)
    # What was typed is in force now, even over the environment, for this session only.
    st.session_state["provider_session"] = {
        **{k: v for k, v in typed.items() if v},
        **(
            {"api_key": session["api_key"]}
            if "api_key" in session and "api_key" not in typed
            else {}
        ),
    }
    st.session_state["settings_saved"] = True
    st.rerun()

if test_col.button(_("Test connection"), key="settings_test", icon="🔌"):
    trial = state.provider_settings(s, typed)
    if trial.provider == "offline":
        st.info(_("The offline voice needs no connection. Choose a model above to test one."))
    else:
        with st.spinner(_("Asking {trial}…").format(trial=trial.describe())):
            try:
                result = check(make_provider(trial, timeout=20, max_retries=0))
            except ProviderError as exc:
                st.error(escape_markdown(exc.message), icon="⚠️")
            else:
                st.success(escape_markdown(result), icon="✅")

if st.session_state.pop("settings_saved", False):
    st.success(_("Saved."), icon="✅")
in_force = state.provider_settings(s)
photos_note = ""
if in_force.provider == "openai":
    photos_note = " · " + (_("photos sent") if in_force.vision else _("photos not sent"))
st.caption(
    escape_markdown(
        _("In use now: {in_force}{photos_note}").format(
            in_force=in_force.describe(), photos_note=photos_note
        )
    )
)

care_settings.render(s)
phone_view.settings_section(s)
places_view.settings_section(s)
voice.settings_section(s)
greeting.settings_section(s)

with st.container(border=True):
    st.subheader(_("Your data"))
    st.markdown(_("Everything — conversations, photos, journal — lives in this folder:"))
    st.code(str(s.data_dir), language=None)
    size_mb = s.db_path.stat().st_size / 1_000_000 if s.db_path.is_file() else 0
    st.caption(
        _(
            "{messages:,} messages · database {size_mb:,.1f} MB · set KIZUNA_DATA_DIR to "
            "use another folder."
        ).format(messages=messages.count(s), size_mb=size_mb)
    )
