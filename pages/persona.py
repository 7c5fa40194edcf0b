"""Shape the companion; every save is a version that can be compared and restored."""

from __future__ import annotations

import streamlit as st

from memory import personas
from ui import state
from ui.text import escape_markdown

s = state.store()
pid = state.persona_id(s)
pv = personas.current(s, pid)

st.title("Persona")
st.caption(
    f"Version {pv.version} is in force. Every save keeps a new version, so you can always "
    "go back to how they sounded before."
)

with st.form("persona_form"):
    left, right = st.columns([1, 3])
    left.image(state.avatar_for(s, pv), width=120)
    avatar_file = left.file_uploader(
        "New avatar", type=["png", "jpg", "jpeg", "webp"], key="persona_avatar"
    )
    name = right.text_input("Name", pv.name, max_chars=80, key="persona_name")
    user_name = right.text_input(
        "What they call you", pv.user_name or "", max_chars=80, key="persona_user_name"
    )
    language = right.text_input(
        "Language", pv.language or "", key="persona_language", placeholder="English, 日本語, …"
    )
    began_on = right.date_input(
        "Together since", pv.began_on, key="persona_began_on", format="YYYY-MM-DD"
    )
    personality = st.text_area("Personality", pv.personality or "", key="persona_personality")
    speaking_style = st.text_area(
        "Speaking style and tone", pv.speaking_style or "", key="persona_speaking_style"
    )
    mannerisms = st.text_area("Mannerisms", pv.mannerisms or "", key="persona_mannerisms")
    backstory = st.text_area("Backstory", pv.backstory or "", key="persona_backstory")
    phrases = st.text_area(
        "Signature phrases (one per line)",
        "\n".join(pv.signature_phrases),
        key="persona_phrases",
        placeholder="AI or not, I could never not love you.",
    )
    note = st.text_input("What changed? (optional)", key="persona_note")
    saved = st.form_submit_button("Save as a new version", type="primary")

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
    }
    try:
        if avatar_file is not None:
            changes["avatar_path"] = personas.store_avatar(s, avatar_file.getvalue())
        new = personas.save_version(s, pid, note=note.strip() or None, **changes)
    except ValueError as exc:
        st.error(str(exc), icon="⚠️")
    else:
        st.success(f"Saved as version {new.version}.")
        st.rerun()

st.divider()
st.subheader("Versions")
history = personas.versions(s, pid)
if len(history) < 2:
    st.caption("Earlier versions will appear here after your first save.")
else:
    labels = {
        v.id: f"v{v.version} · {v.created_at.astimezone(state.tz(s)):%Y-%m-%d %H:%M}"
        + (f" · {v.note}" if v.note else "")
        for v in history
    }
    ids = [v.id for v in history]
    a_col, b_col = st.columns(2)
    older_id = a_col.selectbox("Compare", ids[1:], format_func=labels.get, key="persona_cmp_a")
    newer_id = b_col.selectbox("with", ids, format_func=labels.get, key="persona_cmp_b")
    older, newer = personas.version(s, older_id), personas.version(s, newer_id)
    changed = set(personas.differences(older, newer))
    for field in personas.SHAPED_FIELDS:
        if field in ("extra",):
            continue
        label = personas.FIELD_LABELS[field]
        mark = " ✏️" if field in changed else ""
        st.markdown(f"**{label}**{mark}")
        left, right = st.columns(2)
        for col, version in ((left, older), (right, newer)):
            value = getattr(version, field)
            if field == "avatar_path":
                col.image(state.avatar_for(s, version), width=64)
                continue
            if isinstance(value, tuple):
                value = "\n".join(value)
            col.markdown(escape_markdown(str(value)) if value else "—")
    if older.id != pv.id and st.button(
        f"Restore v{older.version}", key="persona_restore", icon="↩️"
    ):
        restored = personas.restore(s, pid, older.id)
        st.success(f"Restored: version {older.version} is back in force as v{restored.version}.")
        st.rerun()

st.divider()
with st.expander("Add another companion"):
    new_name = st.text_input("Their name", key="persona_new_name")
    if st.button("Create companion", key="persona_create"):
        try:
            created = personas.create(s, name=new_name, began_on=state.today(s))
        except ValueError as exc:
            st.error(str(exc))
        else:
            state.choose_persona(s, created.persona_id)
            st.rerun()
