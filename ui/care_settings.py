"""Settings → Care and privacy: helpline region, the gentle daily budget, the passcode."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from companion import safety
from memory import care_log, passcode, settings, wellbeing
from memory.i18n import _, format_date, format_time, ngettext, territory_name
from ui import lock, state

AUTOMATIC = "auto"


def render(s) -> None:
    """The Care and privacy section of the Settings page."""
    st.subheader(_("Care and privacy"))
    _region(s)
    _care_log(s)
    _budget(s)
    _passcode(s)


def region_label(code: str, fallback: str) -> str:
    """A helpline region's name in the interface language (CLDR's country names)."""
    if code == "international":
        return _("Anywhere else")
    return territory_name(code) or fallback


def _region(s) -> None:
    names = {AUTOMATIC: _("Automatic (from your time zone and language)")} | {
        code: region_label(code, name) for code, name in safety.regions().items()
    }
    chosen = settings.get(s, "care_region")
    codes = list(names)
    index = codes.index(chosen) if chosen in names else 0

    def save() -> None:
        picked = st.session_state["settings_care_region"]
        settings.set(s, "care_region", None if picked == AUTOMATIC else picked)
        st.toast(_("Helpline region saved."))

    st.markdown(_("**Helplines**"))
    st.selectbox(
        _("Show crisis lines for"),
        codes,
        index=index,
        format_func=names.get,
        key="settings_care_region",
        on_change=save,
        help=_(
            "If you write about wanting to die or hurt yourself, the chat shows crisis lines "
            "for this region."
        ),
    )
    if chosen not in names or chosen == AUTOMATIC:
        code = safety.region(s)
        st.caption(
            _("Now showing: {name}").format(name=region_label(code, safety.helplines(code).name))
        )


def _tier_names() -> dict[str, str]:
    return {
        "check_in": _("A gentle check-in"),
        "crisis": _("Crisis care with helplines"),
        "emergency": _("Emergency number shown first"),
    }


def _care_log(s) -> None:
    """When care was shown — the date and the tier, never the words — kept on this computer."""
    st.markdown(_("**When care was shown**"))
    days = care_log.by_day(s, state.tz(s))
    with st.container(border=True, key="settings_care_log"):
        st.caption(
            _(
                "Only the date and the kind of care are kept — never what was written — and "
                "only in this app's data folder. Nothing is sent anywhere. You, or someone you "
                "trust, can look here."
            )
        )
        if not days:
            st.markdown(_("Care has not been shown yet."))
            return
        names = _tier_names()
        icons = {"check_in": "🌿", "crisis": "💗", "emergency": "🚑"}
        lines = []
        for day, tier, times in days:
            count = ngettext("once", "{n} times", times).format(n=times)
            lines.append(f"- {icons[tier]} **{format_date(day)}** · {names[tier]} · {count}")
        st.markdown("\n".join(lines))
        if st.session_state.get("settings_care_log_confirm"):
            st.warning(_("Forget every entry of the care log? This cannot be undone."))
            yes, no, _spacer = st.columns([1, 1, 3])
            if yes.button(_("Yes, forget it"), key="settings_care_log_clear_yes", type="primary"):
                removed = care_log.clear(s)
                st.session_state.pop("settings_care_log_confirm", None)
                st.toast(
                    ngettext("{n} entry forgotten.", "{n} entries forgotten.", removed).format(
                        n=removed
                    )
                )
                st.rerun()
            if no.button(_("Keep it"), key="settings_care_log_clear_no"):
                st.session_state.pop("settings_care_log_confirm", None)
                st.rerun()
        elif st.button(_("Forget the care log…"), key="settings_care_log_clear"):
            st.session_state["settings_care_log_confirm"] = True
            st.rerun()


def _budget(s) -> None:
    current = wellbeing.budget(s)

    def save() -> None:
        on = st.session_state["settings_budget_on"]
        amount = st.session_state.get("settings_budget", current or 100)
        wellbeing.set_budget(s, amount if on else None)
        st.toast(_("Daily budget saved.") if on else _("Daily budget turned off."))

    st.markdown(_("**Wellbeing**"))
    on = st.toggle(
        _("Gentle daily message budget"),
        value=current is not None,
        key="settings_budget_on",
        on_change=save,
        help=_(
            "Opt-in. Past the number you choose, the chat shows a soft note — nothing is "
            "ever blocked."
        ),
    )
    if on:
        st.number_input(
            _("Messages you send per day"),
            min_value=1,
            max_value=10_000,
            value=current or 100,
            step=10,
            key="settings_budget",
            on_change=save,
        )


def _passcode(s) -> None:
    if not passcode.is_set(s):
        st.markdown(_("**Passcode**"))
        st.caption(
            _(
                "Off. Turn it on to be asked for a passcode in every new browser session and after "
                "a while away. It keeps the app's pages private on a shared computer; it does not "
                "encrypt the data folder."
            )
        )
        with st.form("settings_passcode_new", clear_on_submit=True, border=False):
            code = st.text_input(_("New passcode"), type="password", key="settings_passcode_new1")
            again = st.text_input(_("Type it again"), type="password", key="settings_passcode_new2")
            if st.form_submit_button(_("Turn on passcode"), key="settings_passcode_set"):
                problem = passcode.check_new(code, again)
                if problem:
                    st.error(problem)
                else:
                    passcode.set_passcode(s, code)
                    lock.unlock_this_session()
                    st.toast(
                        _("Passcode on. Kizuna will ask for it in every new session."), icon="🔒"
                    )
                    st.rerun()
        return

    st.markdown(_("**Passcode**"))
    st.caption(
        _(
            "🔒 On — asked in every new browser session and after the idle minutes below. It "
            "does not encrypt the data folder."
        )
    )
    _failed_tries(s)

    def save_idle() -> None:
        passcode.set_idle_minutes(s, st.session_state["settings_passcode_idle"])
        st.toast(_("Saved."))

    st.number_input(
        _("Ask again after this many idle minutes"),
        min_value=1,
        max_value=24 * 60,
        value=passcode.idle_minutes(s),
        key="settings_passcode_idle",
        on_change=save_idle,
    )
    with (
        st.expander(_("Change or turn off the passcode")),
        st.form("settings_passcode_change", clear_on_submit=True, border=False),
    ):
        current = st.text_input(_("Current passcode"), type="password", key="settings_passcode_old")
        code = st.text_input(_("New passcode"), type="password", key="settings_passcode_new1")
        again = st.text_input(_("Type it again"), type="password", key="settings_passcode_new2")
        left, right = st.columns(2)
        change = left.form_submit_button(_("Change passcode"), key="settings_passcode_change")
        off = right.form_submit_button(_("Turn passcode off"), key="settings_passcode_off")
        if change or off:
            if not passcode.verify(s, current):
                st.error(_("The current passcode isn't right; nothing was changed."))
            elif off:
                passcode.clear(s)
                st.toast(_("Passcode off. Kizuna opens without asking."), icon="🔓")
                st.rerun()
            else:
                problem = passcode.check_new(code, again)
                if problem:
                    st.error(problem)
                else:
                    passcode.set_passcode(s, code)
                    lock.unlock_this_session()
                    st.toast(_("Passcode changed."), icon="🔒")
                    st.rerun()


def _failed_tries(s) -> None:
    """The log of wrong passcodes, so she sees if somebody has been trying."""
    count, since = passcode.failed_tries(s)
    if not count:
        st.caption(_("No wrong passcode has been typed."))
        return
    when = datetime.fromtimestamp(since, state.tz(s))
    left, right = st.columns([3, 1], vertical_alignment="center")
    left.warning(
        ngettext(
            "{n} failed try since {day}, {time}.",
            "{n} failed tries since {day}, {time}.",
            count,
        ).format(n=f"{count:,}", day=format_date(when), time=format_time(when)),
        icon="⚠️",
    )
    if right.button(_("Clear the log"), key="settings_passcode_clear_log"):
        passcode.clear_failed_tries(s)
        st.rerun()
