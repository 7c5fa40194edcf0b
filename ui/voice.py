"""His voice aloud in the pages: the play button, the browser's voice, the voice settings.

With a provider, a reply is read by the provider's speech endpoint once and played from the
file kept with it ever after (`companion.speech.spoken_reply`). Without one, the browser
speaks it (Web Speech API) through a tiny component made with the public
`st.components.v1.declare_component` over a static page (`ui/speaker/index.html`): the words
travel as data in Streamlit's render message and reach the page only as an utterance's text,
never as markup, so a reply containing `</script>` is spoken as those words. The component
speaks through the top window's `speechSynthesis` when it can (the click that asked for it
happened there, which is what the browser's autoplay rules look at) and through its own
otherwise.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

from companion import speech
from memory import audio, messages, personas
from memory import settings as settings_store
from memory.i18n import _
from ui import state

#: The speaker component: a static page served by Streamlit from `ui/speaker/`.
_speaker = components.declare_component(
    "kizuna_speaker", path=str(Path(__file__).parent / "speaker")
)


def browser_speak(text: str, *, lang: str, rate: float = 1.0, voice: str = "", nonce: int = 0):
    """Have the browser read `text` aloud (a zero-height component; nothing is shown)."""
    _speaker(text=text, lang=lang, rate=rate, voice=voice, nonce=nonce, default=None)


def ask_to_play(message_id: int) -> None:
    """Read one of his replies aloud in this run (as its 🔊 does)."""
    previous = st.session_state.get("voice_play") or {}
    st.session_state["voice_play"] = {
        "id": message_id,
        "nonce": int(previous.get("nonce", 0)) + 1,
        "fresh": True,  # play once; later runs show the player without starting it again
    }


def play_button(container, m: messages.Message) -> None:
    """The 🔊 button beside one of his replies."""
    container.button(
        "🔊",
        key=f"voice_play_{m.id}",
        type="tertiary",
        help=_("Read aloud"),
        on_click=ask_to_play,
        args=(m.id,),
    )


def play_new_reply(s, persona_id: int) -> None:
    """After a reply arrived: ask for it to be read aloud when she chose "read new replies"."""
    if not audio.prefs(s, persona_id).read_aloud:
        return
    latest = messages.last(s, persona_id)
    if latest is not None and latest.role == "companion":
        ask_to_play(latest.id)


def voice_config(s) -> speech.VoiceConfig:
    return speech.resolve(s, state.provider_settings(s))


def render_playback(s, m: messages.Message, pv, recordings: dict | None = None) -> None:
    """Inside a bubble: a voice message's recording, and his reply read aloud when asked.

    `recordings` is `audio.with_audio` for the whole screenful (one query, not one per
    message); without it the message's own row is read.
    """
    if m.role == "user":
        if recordings is None:
            kept = audio.for_message(s, m.id)
        else:
            kept = recordings.get(m.id)
            if kept is not None and not s.path_of(kept.path).is_file():
                kept = None
        if kept is not None:
            st.audio(str(audio.audio_path(s, kept)), format=kept.mime)
        note = speech.voice_note(m)
        if note:
            st.caption(note)
        return
    asked = st.session_state.get("voice_play") or {}
    if asked.get("id") != m.id:
        return
    fresh = bool(asked.get("fresh"))
    st.session_state["voice_play"] = {**asked, "fresh": False}
    prefs = audio.prefs(s, m.persona_id)
    vcfg = voice_config(s)
    kept = audio.for_message(s, m.id)
    if kept is None and not vcfg.uses_provider:
        if fresh:  # spoken by the speaker at the foot of the page (see `speaker`)
            st.session_state["voice_utterance"] = {
                "text": speech.speakable(m.content),
                "lang": audio.speech_language(pv.language),
                "rate": prefs.speed,
                "voice": prefs.browser_voice,
                "nonce": int(asked.get("nonce", 0)),
            }
        return
    if kept is None:
        try:
            with st.spinner(_("Finding his voice…")):
                kept = speech.spoken_reply(s, vcfg, m, prefs)
        except speech.VoiceUnavailable as exc:
            warn, retry = st.columns([5, 1], vertical_alignment="center")
            warn.warning(exc.sentence, icon="🔇")
            retry.button(_("Retry"), key=f"voice_retry_{m.id}", on_click=ask_to_play, args=(m.id,))
            return
    st.audio(str(audio.audio_path(s, kept)), format=kept.mime, autoplay=fresh)


def speaker() -> None:
    """At the foot of a page: speak the utterance asked for in this run, once."""
    utterance = st.session_state.pop("voice_utterance", None)
    if utterance:
        browser_speak(
            utterance["text"],
            lang=utterance["lang"],
            rate=utterance["rate"],
            voice=utterance["voice"],
            nonce=utterance["nonce"],
        )


# -- the Persona page's Voice tab ---------------------------------------------------------
def persona_section(s, pid: int, pv) -> None:
    """Voice, speed, the browser voice and "read new replies aloud", with a sample."""
    prefs = audio.prefs(s, pid)
    vcfg = voice_config(s)
    k = f"{pid}"
    if vcfg.uses_provider:
        st.caption(
            _("His voice comes from the model server's speech endpoint ({model}).").format(
                model=vcfg.speech_model
            )
        )
    else:
        st.caption(
            _(
                "No speech server is in use, so this browser's own voice reads his replies "
                "(in {lang}). Phones and computers ship several; pick one by name below."
            ).format(lang=audio.speech_language(pv.language))
        )
    voices = list(audio.PROVIDER_VOICES)
    if prefs.voice not in voices:
        voices.insert(0, prefs.voice)
    voice = st.selectbox(
        _("Voice"),
        voices,
        index=voices.index(prefs.voice),
        key=f"voice_voice_{k}",
        disabled=not vcfg.uses_provider,
        accept_new_options=True,
        help=_("The speech endpoint's voice (OpenAI's names; local speech servers accept most)."),
    )
    speed = st.slider(
        _("Speed"), 0.5, 2.0, float(prefs.speed), 0.05, key=f"voice_speed_{k}", format="%.2f×"
    )
    browser_voice = st.text_input(
        _("Browser voice (optional)"),
        prefs.browser_voice,
        key=f"voice_browser_{k}",
        placeholder=_("e.g. Kyoko, Google 日本語 — empty lets the browser choose"),
        max_chars=120,
    )
    read_aloud = st.toggle(
        _("Read new replies aloud"), prefs.read_aloud, key=f"voice_read_aloud_{k}"
    )
    chosen = audio.VoicePrefs(voice, float(speed), browser_voice.strip(), bool(read_aloud))
    save, sample, _space = st.columns([1, 1, 2])
    if save.button(_("Save voice"), key=f"voice_save_{k}", type="primary", icon="💾"):
        audio.set_prefs(s, pid, chosen)
        st.toast(_("Voice saved."), icon="✅")
    if sample.button(_("Play a sample"), key=f"voice_sample_{k}", icon="🔊"):
        words = (pv.signature_phrases[0] if pv.signature_phrases else "") or _(
            "Hi, it's {name}. I'm right here with you."
        ).format(name=pv.name)
        if vcfg.uses_provider:
            try:
                with st.spinner(_("Finding his voice…")):
                    data = speech.synthesize(vcfg, words, voice=voice, speed=float(speed))
            except speech.VoiceUnavailable as exc:
                st.warning(exc.sentence, icon="🔇")
            else:
                st.audio(data, format=audio.sniff_mime(data), autoplay=True)
        else:
            nonce = int(st.session_state.get("voice_sample_nonce", 0)) + 1
            st.session_state["voice_sample_nonce"] = nonce
            browser_speak(
                words,
                lang=audio.speech_language(pv.language),
                rate=float(speed),
                voice=browser_voice.strip(),
                nonce=nonce,
            )


# -- the Settings page's Voice section ----------------------------------------------------
def settings_section(s) -> None:
    """Where his voice comes from, and the speech and transcription models."""
    with st.container(border=True):
        st.subheader(_("Voice"))
        current = settings_store.get(s, speech.VOICE_SOURCE_SETTING) or "provider"
        choices = {
            "provider": _("The model server's speech endpoint, when a model is connected"),
            "browser": _("This browser's own voice (nothing leaves this device)"),
        }
        source = st.radio(
            _("Read his replies with"),
            list(choices),
            index=list(choices).index(current) if current in choices else 0,
            format_func=choices.get,
            key="settings_voice_source",
        )
        left, right = st.columns(2)
        speech_model = left.text_input(
            _("Speech model"),
            settings_store.get(s, speech.SPEECH_MODEL_SETTING) or speech.DEFAULT_SPEECH_MODEL,
            key="settings_speech_model",
        )
        transcription_model = right.text_input(
            _("Transcription model"),
            settings_store.get(s, speech.TRANSCRIPTION_MODEL_SETTING)
            or speech.DEFAULT_TRANSCRIPTION_MODEL,
            key="settings_transcription_model",
            help=_("Writes out the voice messages you record in the chat."),
        )
        if st.button(_("Save voice settings"), key="settings_voice_save", icon="💾"):
            settings_store.set(s, speech.VOICE_SOURCE_SETTING, source)
            settings_store.set(s, speech.SPEECH_MODEL_SETTING, speech_model.strip() or None)
            settings_store.set(
                s, speech.TRANSCRIPTION_MODEL_SETTING, transcription_model.strip() or None
            )
            st.success(_("Voice settings saved."), icon="✅")


def persona_language(s, pid: int) -> str:
    """The browser-voice language of a companion."""
    return audio.speech_language(personas.current(s, pid).language)


# -- her voice in -------------------------------------------------------------------------
def receive_recording(s, pid: int, pv, recording) -> messages.Message | None:
    """Keep a voice message from the chat input (transcribed when a provider can).

    Shows a plain refusal and returns None when the recording cannot be kept.
    """
    from memory.errors import InvalidInput

    data = recording.getvalue() if recording is not None else b""
    try:
        with st.spinner(_("Keeping your voice message…")):
            kept, problem = speech.receive_voice(
                s, voice_config(s), pid, data, language=audio.speech_language(pv.language)
            )
    except InvalidInput as exc:
        st.session_state["voice_notices"] = [exc.sentence]
        return None
    if problem is not None:
        st.session_state["voice_notices"] = [problem.sentence]
    return kept


def show_notices() -> None:
    """Refusals and transcription problems from the last voice message."""
    for notice in st.session_state.pop("voice_notices", []):
        st.warning(notice, icon="🎤")


def edit_words(s, m: messages.Message) -> None:
    """In a voice message's menu: correct (or type) the words she said."""
    if m.role != "user" or not (m.meta or {}).get("voice"):
        return
    words = st.text_area(
        _("What you said"), m.content, key=f"voice_words_{m.id}", max_chars=messages.MAX_CHARS
    )
    if st.button(_("Save the words"), key=f"voice_words_save_{m.id}", icon="✏️"):
        messages.set_text(s, m.id, words, transcribed=bool(words.strip()), voice_note=None)
        st.rerun()
