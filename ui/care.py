"""Care on screen: the helpline panel in the chat, the wellbeing note and the dashboard panel."""

from __future__ import annotations

import streamlit as st

from companion import safety
from memory import personas, wellbeing
from ui import state
from ui.text import escape_markdown


def render_chat(s, persona_id: int) -> None:
    """Everything care shows in the chat: helplines after crisis language, the budget note."""
    helpline_panel(s, persona_id)
    budget_note(s, persona_id)


def helpline_panel(s, persona_id: int) -> None:
    """Real crisis lines for the user's region, while a recent message calls for them."""
    concern = safety.recent_concern(s, persona_id)
    if concern is None or st.session_state.get("care_hidden_for") == concern.id:
        return
    region = safety.helplines(safety.region(s))
    # Her words, or his caring reply: either is in the language the panel should speak.
    words = safety.panel_text(concern.content)
    with st.container(border=True, key="care_helplines"):
        st.markdown(f"#### 💗 {words['heading']}")
        st.markdown(words["intro"])
        for line in region.lines:
            parts = [f"**{escape_markdown(line.name)}**"]
            if line.phone:
                parts.append(f"📞 **{escape_markdown(line.phone)}**")
            if line.hours:
                parts.append(escape_markdown(line.hours))
            text = " · ".join(parts)
            if line.note:
                text += f"  \n{escape_markdown(line.note)}"
            if line.url:
                text += f"  \n[{escape_markdown(line.url)}]({line.url})"
            st.markdown(text)
        st.markdown(words["danger"].format(emergency=escape_markdown(region.emergency)))
        left, right = st.columns([3, 1], vertical_alignment="center")
        left.caption(
            f"Showing lines for {escape_markdown(region.name)}. Choose your region on "
            "Settings → Care and privacy."
        )
        if right.button("Hide for now", key="care_hide_helplines"):
            st.session_state["care_hidden_for"] = concern.id
            st.rerun()


def budget_note(s, persona_id: int) -> None:
    """A gentle note once the user has sent more messages today than the budget they chose."""
    budget = wellbeing.budget(s)
    if budget is None:
        return
    tz = state.tz(s)
    sent = wellbeing.sent_today(s, persona_id, tz)
    if sent <= budget or st.session_state.get("care_budget_seen") == (str(state.today(s)), budget):
        return
    name = personas.current(s, persona_id).name
    left, right = st.columns([5, 1], vertical_alignment="center")
    left.info(
        f"You've sent {sent:,} messages today — past the {budget:,} you chose as a gentle "
        f"limit. Nothing stops here; it might just be a good moment for a stretch, a glass "
        f"of water or some fresh air. {escape_markdown(name)} will be here when you're back.",
        icon="🌿",
    )
    if right.button("Okay", key="care_budget_ok"):
        st.session_state["care_budget_seen"] = (str(state.today(s)), budget)
        st.rerun()


def wellbeing_panel(s, persona_id: int) -> None:
    """Time spent together today and how the day compares with the soft budget."""
    today = wellbeing.today(s, persona_id, state.tz(s))
    with st.container(border=True, key="care_wellbeing"):
        st.markdown("**Today, gently**")
        left, right = st.columns(2)
        left.metric("Time together today", wellbeing.describe(today.time_together))
        sent = f"{today.sent:,}" + (f" of {today.budget:,}" if today.budget else "")
        right.metric("Messages you sent", sent)
        if today.over_budget:
            st.caption(
                "🌿 Past your daily budget — no rush to stop, just a nudge to look after yourself."
            )
        elif today.budget is None:
            st.caption("You can set a gentle daily message budget in Settings → Care and privacy.")
        else:
            st.caption(f"{today.budget - today.sent:,} to go before your gentle daily limit.")
