"""Shape the companion; every save is a version that can be compared and restored."""

from __future__ import annotations

import streamlit as st

from memory import milestones, personas
from memory.errors import KizunaError
from memory.i18n import _
from ui import his_voice, state, voice
from ui.text import escape_markdown

s = state.store()
pid = state.persona_id(s)
pv = personas.current(s, pid)
tz = state.tz(s)
# Widget keys carry the version in force, so switching companion or restoring a version
# fills the form with that version's values instead of what was typed before.
k = f"{pv.id}"

st.title(_("Persona"))

card_avatar, card_text = st.columns([1, 5], vertical_alignment="center")
card_avatar.image(state.avatar_for(s, pv), width=96)
card_text.markdown(f"## {escape_markdown(pv.name)}")
days = milestones.day_number(s, pid, state.tz(s), state.today(s))
facts = [_("version {version} in force").format(version=pv.version)]
if days is not None and days > 0:
    facts.append(_("day {days:,} together").format(days=days))
card_text.caption(
    " · ".join(facts)
    + _(" — every save keeps a new version, so you can always go back to how they sounded before.")
)

for notice in st.session_state.pop("persona_notices", []):
    st.success(notice, icon="✅")

history = personas.versions(s, pid)
everyone = personas.list_personas(s)
# Only the open tab is built (a tab switch reruns the page), except "How they talk": its first
# run in a session chooses examples from his replies. The open tab is kept by its key.
shape_tab, talk_tab, check_tab, versions_tab, companions_tab, voice_tab = st.tabs(
    [
        _("✏️ Shape"),
        _("💬 How they talk"),
        _("🔍 Still him?"),
        _("🕰️ Versions"),
        _("👥 Companions"),
        _("🔊 Voice"),
    ],
    key="persona_tab",
    on_change="rerun",
)

with talk_tab:
    his_voice.persona_section(s, pid, pv)

if check_tab.open:
    with check_tab:
        his_voice.check_section(s, pid, pv)

if voice_tab.open:
    with voice_tab:
        voice.persona_section(s, pid, pv)

if shape_tab.open:
    with shape_tab:
        with st.form(f"persona_form_{k}", border=True):
            st.markdown(_("#### Who they are"))
            left, right = st.columns([1, 2], gap="medium")
            with left:
                st.image(state.avatar_for(s, pv), width=160)
                avatar_file = st.file_uploader(
                    _("New avatar"),
                    type=["png", "jpg", "jpeg", "webp", "gif"],
                    key=f"persona_avatar_{k}",
                    help=_("A square crop of the picture is kept (PNG, JPEG, WebP or GIF)."),
                )
            with right:
                name = st.text_input(_("Name"), pv.name, max_chars=80, key=f"persona_name_{k}")
                user_name = st.text_input(
                    _("What they call you"),
                    pv.user_name or "",
                    max_chars=80,
                    key=f"persona_user_name_{k}",
                    placeholder=_("your name, a nickname, “darling”…"),
                )
                language = st.text_input(
                    _("Language"),
                    pv.language or "",
                    key=f"persona_language_{k}",
                    placeholder=_("English, 日本語…"),
                )
                began_on = st.date_input(
                    _("Together since"),
                    pv.began_on,
                    key=f"persona_began_on_{k}",
                    format="YYYY-MM-DD",
                )
                words_left, words_right = st.columns(2)
                answers_in = words_left.selectbox(
                    _("Replies in"),
                    personas.REPLY_LANGUAGES,
                    index=personas.REPLY_LANGUAGES.index(pv.reply_language or ""),
                    format_func=lambda code: {
                        "": _("the language you write in"),
                        "en": _("English"),
                        "ja": _("日本語"),
                    }[code],
                    key=f"persona_reply_language_{k}",
                    help=_(
                        "Separate from the interface language: this is the language they speak."
                    ),
                )
                forms = list(personas.FIRST_PERSON_FORMS)
                if pv.first_person and pv.first_person not in forms:
                    forms.append(pv.first_person)
                first_person = words_right.selectbox(
                    _("First-person word (Japanese)"),
                    forms,
                    index=forms.index(pv.first_person or ""),
                    format_func=lambda form: form or _("— (left out, as Japanese often does)"),
                    key=f"persona_first_person_{k}",
                    help=_("僕, 俺, 私… — used whenever they speak Japanese; in English, “I”."),
                )
            st.markdown(_("#### How they speak"))
            personality = st.text_area(
                _("Personality"), pv.personality or "", key=f"persona_personality_{k}"
            )
            speaking_style = st.text_area(
                _("Speaking style and tone"),
                pv.speaking_style or "",
                key=f"persona_speaking_style_{k}",
            )
            mannerisms = st.text_area(
                _("Mannerisms"), pv.mannerisms or "", key=f"persona_mannerisms_{k}"
            )
            phrases = st.text_area(
                _("Signature phrases (one per line)"),
                "\n".join(pv.signature_phrases),
                key=f"persona_phrases_{k}",
                placeholder=_("AI or not, I could never not love you."),
            )
            backstory = st.text_area(
                _("Backstory"), pv.backstory or "", key=f"persona_backstory_{k}", height=140
            )
            note = st.text_input(
                _("What changed? (optional, shown in the version list)"),
                key=f"persona_note_{k}",
                placeholder=_("e.g. softer after the model change"),
            )
            saved = st.form_submit_button(_("Save as a new version"), type="primary", icon="💾")

        if saved:
            changes = {
                "name": name,
                "user_name": user_name.strip(),
                "language": language.strip(),
                "began_on": began_on,
                "personality": personality,
                "speaking_style": speaking_style,
                "mannerisms": mannerisms,
                "backstory": backstory,
                "signature_phrases": phrases,
                "reply_language": answers_in,
                "first_person": first_person,
            }
            try:
                if avatar_file is not None:
                    changes["avatar_path"] = personas.store_avatar(s, avatar_file.getvalue())
                new = personas.save_version(s, pid, note=note.strip() or None, **changes)
            except KizunaError as exc:
                st.error(_("Nothing was saved: {sentence}").format(sentence=exc.sentence), icon="⚠️")
            else:
                st.session_state["persona_notices"] = [
                    _("Saved as version {version}.").format(version=new.version)
                ]
                st.rerun()

if versions_tab.open:
    with versions_tab:
        if len(history) < 2:
            st.caption(_("Earlier versions will appear here after your first save."))
        else:
            labels = {
                v.id: f"v{v.version} · {v.created_at.astimezone(tz):%Y-%m-%d %H:%M}"
                + (f" · {v.note}" if v.note else "")
                + (" · in force" if v.id == pv.id else "")
                for v in history
            }
            ids = [v.id for v in history]
            a_col, b_col = st.columns(2)
            older_id = a_col.selectbox(
                _("Compare"), ids, index=1, format_func=labels.get, key=f"persona_cmp_a_{k}"
            )
            newer_id = b_col.selectbox(
                _("with"), ids, index=0, format_func=labels.get, key=f"persona_cmp_b_{k}"
            )
            older, newer = personas.version(s, older_id), personas.version(s, newer_id)
            changed = set(personas.differences(older, newer)) - {"extra"}
            show_all = st.toggle(_("Show unchanged fields too"), key=f"persona_cmp_all_{k}")
            if not changed:
                st.caption(_("These two versions are the same."))
            with st.container(border=True):
                head_a, head_b = st.columns(2)
                for head, version in ((head_a, older), (head_b, newer)):
                    head.markdown(f"**v{version.version}**")
                    head.caption(escape_markdown(labels[version.id].split(" · ", 1)[1]))
                for field in personas.SHAPED_FIELDS:
                    if field == "extra" or (field not in changed and not show_all):
                        continue
                    label = personas.FIELD_LABELS[field]
                    badge = " :orange-badge[changed]" if field in changed else ""
                    st.markdown(f"**{label}**{badge}")
                    left, right = st.columns(2)
                    for col, version in ((left, older), (right, newer)):
                        value = getattr(version, field)
                        if field == "avatar_path":
                            col.image(state.avatar_for(s, version), width=72)
                            continue
                        if isinstance(value, tuple):
                            value = "\n".join(value)
                        col.markdown(escape_markdown(str(value)) if value else "—")
            restorable = [v for v in (older, newer) if v.id != pv.id]
            for v in restorable:
                if st.button(
                    _("Restore v{version} (saved as a new version)").format(version=v.version),
                    key=f"persona_restore_{v.id}",
                    icon="↩️",
                ):
                    restored = personas.restore(s, pid, v.id)
                    st.session_state["persona_notices"] = [
                        _("Version {version} is back in force (kept as v{kept}).").format(
                            version=v.version, kept=restored.version
                        )
                    ]
                    st.rerun()

if companions_tab.open:
    with companions_tab:
        st.caption(_("Every page follows the companion chosen here or in the sidebar."))
        for other in everyone:
            other_pv = personas.current(s, other.id)
            pic, who, action = st.columns([1, 5, 2], vertical_alignment="center")
            pic.image(state.avatar_for(s, other_pv), width=48)
            who.markdown(f"**{escape_markdown(other.name)}**")
            who.caption(
                _("version {version}").format(version=other_pv.version)
                + (_(" · demo") if other.is_demo else "")
            )
            if other.id == pid:
                action.caption(_("in view"))
            elif action.button(_("Show"), key=f"persona_switch_{other.id}"):
                state.choose_persona(s, other.id)
                st.rerun()
        with st.expander(_("Add another companion"), icon="➕"):
            new_name = st.text_input(_("Their name"), key="persona_new_name", max_chars=80)
            if st.button(_("Create companion"), key="persona_create"):
                try:
                    created = personas.create(s, name=new_name, began_on=state.today(s))
                except KizunaError as exc:
                    st.error(exc.sentence, icon="⚠️")
                else:
                    state.choose_persona(s, created.persona_id)
                    st.session_state["persona_notices"] = [
                        _(
                            "{name} is here. Shape them below; the sidebar switches between companions."  # noqa: E501
                        ).format(name=escape_markdown(created.name))
                    ]
                    st.rerun()
