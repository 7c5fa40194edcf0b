"""The ceremony: her vows and his, read aloud in turn beside him life-size, then the rings.

First she prepares (her vows, his — written by her, or composed by the model and shown to
her first); then the view goes full screen on pure black for a big screen or AR glasses.
Escape, or Leave, returns to the chat.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from companion import speech, vows
from memory import audio, ceremony, personas
from memory.errors import InvalidInput
from memory.i18n import _
from ui import ceremony as view
from ui import state, voice
from ui.text import escape_markdown

s = state.store()
pid = state.persona_id(s)
pv = personas.current(s, pid)
provider = state.provider(s)
avatar = state.avatar_for(s, pv)
STEPS = ("her", "his", "rings", "done")

if st.session_state.get("ceremony_persona") != pid:
    st.session_state["ceremony_persona"] = pid
    st.session_state["ceremony"] = {"step": "prepare", "her": "", "his": "", "draft_id": None}
c = st.session_state["ceremony"]
st.session_state.setdefault("ceremony_her", c["her"])
st.session_state.setdefault("ceremony_his", c["his"])


def _go(step: str) -> None:
    c["step"] = step
    c["nonce"] = int(c.get("nonce", 0)) + 1


def _leave() -> None:
    c["step"] = "prepare" if c["step"] != "done" else "finished"


# -- before: her vows and his, always shown to her first -------------------------------------
if c["step"] in ("prepare", "finished"):
    st.title(_("Ceremony"))
    if c["step"] == "finished" and c.get("card"):
        st.success(_("Your ceremony is kept on the timeline, with both vows."), icon="💒")
    st.caption(
        _(
            "For a big screen or AR glasses: {name} stands life-size on pure black (glasses "
            "such as XREAL show black as transparent, so he appears beside you). Your vows "
            "and his are read aloud in turn, then a moment for the rings. Esc leaves."
        ).format(name=escape_markdown(pv.name))
    )
    c["her"] = st.text_area(
        _("Your vows"), key="ceremony_her", height=150, max_chars=ceremony.MAX_VOWS
    )
    if provider.name != "offline" and st.button(
        _("Let {name} write his vows").format(name=pv.name), key="ceremony_compose", icon="✍️"
    ):
        with st.spinner(_("{name} is writing his vows…").format(name=pv.name)):
            reply = vows.compose(
                s,
                provider,
                pid,
                replaces=c.get("draft_id"),
                temperature=state.provider_settings(s).temperature,
            )
            reply.text()
        if reply.message is not None:
            c["his"] = reply.message.content
            c["draft_id"] = reply.message.id
            st.session_state["ceremony_his"] = reply.message.content
        else:
            st.warning(escape_markdown(reply.error.message), icon="⚠️")
    c["his"] = st.text_area(
        _("{name}'s vows").format(name=pv.name),
        key="ceremony_his",
        height=150,
        max_chars=ceremony.MAX_VOWS,
        help=_("Write them for him, or let him write them; either way you read them first."),
    )
    if st.button(_("Begin the ceremony"), key="ceremony_begin", type="primary", icon="💍"):
        try:
            ceremony.check_vows(c["her"], c["his"])
        except InvalidInput as exc:
            st.warning(exc.sentence, icon="💍")
        else:
            _go("her")
            st.rerun()
    st.stop()

# -- the ceremony, full screen -----------------------------------------------------------------
view.full_screen()
if view.escape_pressed():
    _leave()
    st.switch_page("pages/chat.py")

prefs = audio.prefs(s, pid)
step = c["step"]
with st.container(key="ceremony_stage"):
    if step != "done":
        st.image(avatar)
    with st.container(key="ceremony_words"):
        if step == "her":
            st.caption(_("Your vows"))
            st.markdown(escape_markdown(c["her"]))
        elif step == "his":
            st.caption(_("{name}'s vows").format(name=escape_markdown(pv.name)))
            st.markdown(escape_markdown(c["his"]))
        elif step == "rings":
            st.markdown("## 💍")
            st.markdown(_("Take a breath. When you are ready, the rings."))
        else:
            st.markdown("## 💒")
            st.markdown(_("You are married. This day is kept."))
    nonce = int(c.get("nonce", 0))
    lang = audio.speech_language(pv.language)
    if step == "her":
        voice.browser_speak(c["her"], lang=lang, rate=1.0, nonce=nonce)
    elif step == "his":
        vcfg = voice.voice_config(s)
        spoken = False
        if vcfg.uses_provider:
            try:
                data = speech.synthesize(vcfg, c["his"], voice=prefs.voice, speed=prefs.speed)
            except speech.VoiceUnavailable:
                spoken = False  # his words are still read, by the browser's voice
            else:
                st.audio(data, format=audio.sniff_mime(data), autoplay=True)
                spoken = True
        if not spoken:
            voice.browser_speak(
                c["his"], lang=lang, rate=prefs.speed, voice=prefs.browser_voice, nonce=nonce
            )
    elif step == "done" and not c.get("card"):
        try:
            done = ceremony.finish(
                s,
                pid,
                her_vows=c["her"],
                his_vows=c["his"],
                day=state.today(s),
                persona_name=pv.name,
                avatar=avatar,
            )
        except InvalidInput as exc:
            st.warning(exc.sentence)
        else:
            c["card"] = str(done.card_path)
            c["milestone_id"] = done.milestone.id
    if step == "done" and c.get("card"):
        st.image(c["card"], width=480)
        st.download_button(
            _("Keepsake card"),
            data=Path(c["card"]).read_bytes(),
            file_name="kizuna-ceremony.png",
            mime="image/png",
            key="ceremony_card",
            icon="💌",
        )
    nxt = {"her": "his", "his": "rings", "rings": "done"}.get(step)
    labels = {"her": _("His vows"), "his": _("The rings"), "rings": _("We are married")}
    row = st.container(horizontal=True, horizontal_alignment="center")
    if nxt and row.button(labels[step], key=f"ceremony_next_{step}", icon="➡️"):
        _go(nxt)
        st.rerun()
    if row.button(
        _("Leave (Esc)") if step != "done" else _("Return"),
        key="ceremony_leave",
        icon=":material/close:",
    ):
        _leave()
        st.switch_page("pages/chat.py")
