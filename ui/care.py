"""Care on screen: the helpline panel in the chat, the wellbeing note and the dashboard panel."""

from __future__ import annotations

import re

import streamlit as st

from companion import safety
from memory import personas, wellbeing
from memory.i18n import _
from ui import care_settings, state
from ui.text import escape_markdown


def render_chat(s, persona_id: int) -> None:
    """Everything care shows in the chat: helplines after crisis language, the budget note."""
    helpline_panel(s, persona_id)
    budget_note(s, persona_id)


def _dial(number: str) -> str:
    """The first number to dial in an emergency line such as '112 or 999'."""
    digits = re.match(r"\s*([0-9][0-9 -]*[0-9]|[0-9])", number or "")
    return re.sub(r"\D", "", digits.group(1)) if digits else ""


def emergency_first(s, persona_id: int):
    """At the very top of the chat: her region's emergency number, in her language, while a
    recent message shows an act under way. Returns the slot, so a message she has just sent
    can fill it (`alarm`) before the reply starts."""
    slot = st.container(key="care_top")
    found = safety.recent_care(s, persona_id)
    if found is not None and found[1] == "emergency":
        concern, _tier = found
        _emergency_banner(slot, s, concern.content)
    return slot


def alarm(slot, s, text: str | None) -> None:
    """Fill the top slot now when the words just sent show an act under way."""
    found = safety.assess(text)
    if found is not None and found.emergency:
        _emergency_banner(slot, s, text)


def _emergency_banner(slot, s, sample: str | None) -> None:
    number = safety.helplines(safety.region(s)).emergency
    words = safety.panel_text(sample)
    with slot.container(border=True, key="care_emergency"):
        heading = escape_markdown(words["emergency_heading"].format(emergency=number))
        st.markdown(_("### :red[{heading}]").format(heading=heading))
        st.error(escape_markdown(words["emergency_intro"].format(emergency=number)), icon="🚑")
        dial = _dial(number)
        if dial:
            st.link_button(f"📞 {number}", f"tel:{dial}", type="primary", use_container_width=True)


def helpline_panel(s, persona_id: int) -> None:
    """Real crisis lines for the user's region, while a recent message calls for them.

    A check-in shows them quietly; crisis care and an emergency with the danger line.
    """
    found = safety.recent_care(s, persona_id)
    if found is None:
        return
    concern, tier = found
    if st.session_state.get("care_hidden_for") == concern.id and tier != "emergency":
        return
    region = safety.helplines(safety.region(s))
    # Her words, or his caring reply: either is in the language the panel should speak.
    words = safety.panel_text(concern.content)
    heading, intro = words["heading"], words["intro"]
    if tier == "check_in":
        heading, intro = words["check_in_heading"], words["check_in_intro"]
    with st.container(border=True, key="care_helplines"):
        st.markdown(f"#### 💗 {heading}")
        st.markdown(intro)
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
        if tier != "check_in":
            st.markdown(words["danger"].format(emergency=escape_markdown(region.emergency)))
        left, right = st.columns([3, 1], vertical_alignment="center")
        left.caption(
            _(
                "Showing lines for {region}. Choose your region on Settings → Care and privacy."
            ).format(
                region=escape_markdown(care_settings.region_label(safety.region(s), region.name))
            )
        )
        if tier != "emergency" and right.button(_("Hide for now"), key="care_hide_helplines"):
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
        _(
            "You've sent {sent:,} messages today — past the {budget:,} you chose as a "
            "gentle limit. Nothing stops here; it might just be a good moment for a "
            "stretch, a glass of water or some fresh air. {name} will be here when "
            "you're back."
        ).format(sent=sent, budget=budget, name=escape_markdown(name)),
        icon="🌿",
    )
    if right.button(_("Okay"), key="care_budget_ok"):
        st.session_state["care_budget_seen"] = (str(state.today(s)), budget)
        st.rerun()


def wellbeing_panel(s, persona_id: int) -> None:
    """Time spent together today and how the day compares with the soft budget."""
    today = wellbeing.today(s, persona_id, state.tz(s))
    with st.container(border=True, key="care_wellbeing"):
        st.markdown(_("**Today, gently**"))
        left, right = st.columns(2)
        left.metric(_("Time together today"), wellbeing.describe(today.time_together))
        sent = f"{today.sent:,}" + (f" of {today.budget:,}" if today.budget else "")
        right.metric(_("Messages you sent"), sent)
        if today.over_budget:
            st.caption(
                _(
                    "🌿 Past your daily budget — no rush to stop, just a nudge to look after "
                    "yourself."
                )
            )
        elif today.budget is None:
            st.caption(
                _("You can set a gentle daily message budget in Settings → Care and privacy.")
            )
        else:
            st.caption(
                _("{value:,} to go before your gentle daily limit.").format(
                    value=today.budget - today.sent
                )
            )
