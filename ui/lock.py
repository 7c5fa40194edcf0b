"""The lock screen: asked on every new browser session and again after idle minutes.

`guard(s)` is called by `ui.state.store()`, which every page and app.py call before anything
else, so a locked session renders nothing but the lock screen whichever way the page was
reached. `gate(s)` in app.py adds a small fragment that checks the clock every half minute,
so an idle window locks itself even when nobody touches it. Activity is any full run of the
app (a click, a message).
"""

from __future__ import annotations

import time

import streamlit as st

from memory import passcode
from memory.i18n import _, ngettext


def guard(s) -> None:
    """Stop the run at the lock screen unless this session is unlocked and recently active."""
    if not passcode.is_set(s):
        return
    now = time.time()
    limit = passcode.idle_minutes(s) * 60
    last = st.session_state.get("lock_last_active")
    if st.session_state.get("lock_unlocked") and (last is None or now - last > limit):
        st.session_state["lock_unlocked"] = False
        st.session_state["lock_reason"] = "idle"
    if st.session_state.get("lock_unlocked"):
        st.session_state["lock_last_active"] = now
        return
    _lock_screen(s, now)
    st.stop()


def gate(s) -> None:
    """For app.py: the guard, plus the watcher that locks an idle window by itself."""
    guard(s)
    if passcode.is_set(s):
        with st.sidebar:
            _idle_watch(passcode.idle_minutes(s) * 60)


def unlock_this_session() -> None:
    """Mark the current browser session as unlocked (after the passcode was typed or set)."""
    st.session_state["lock_unlocked"] = True
    st.session_state["lock_last_active"] = time.time()
    for key in ("lock_reason", "lock_failures", "lock_wait_until"):
        st.session_state.pop(key, None)


@st.fragment(run_every=30)
def _idle_watch(limit: float) -> None:
    last = st.session_state.get("lock_last_active") or 0
    if time.time() - last > limit:
        st.session_state["lock_unlocked"] = False
        st.session_state["lock_reason"] = "idle"
        st.rerun(scope="app")


def _lock_screen(s, now: float) -> None:
    # Nothing of the app shows behind the lock: not even the page list in the sidebar.
    st.html(
        "<style>[data-testid='stSidebar'],[data-testid='stSidebarCollapsedControl'],"
        "[data-testid='stExpandSidebarButton']{display:none}</style>"
    )
    _spare, middle, _spare = st.columns([1, 2, 1])
    with middle:
        st.markdown(_("## 🔒 Kizuna is locked"))
        if st.session_state.get("lock_reason") == "idle":
            st.caption(_("You were away for a while, so Kizuna locked itself."))
        else:
            st.caption(_("Type your passcode to open your conversations, album and journal."))
        with st.form("lock_form", clear_on_submit=True, border=True):
            code = st.text_input(_("Passcode"), type="password", key="lock_code")
            submitted = st.form_submit_button(_("Unlock"), type="primary", width="stretch")
        if submitted:
            _try(s, code, now)
        st.caption(
            _(
                "Forgot it? On this computer, run `python -m memory passcode --clear` and start "
                "Kizuna again. Your data stays exactly as it is."
            )
        )


def _try(s, code: str, now: float) -> None:
    # The wait is kept both in the store (every browser, every tab: see memory/passcode.py)
    # and in this session, so neither a new tab nor a cleared setting skips it.
    session_wait = st.session_state.get("lock_wait_until", 0) - now
    if session_wait > 0:
        unlocked, wait = False, max(session_wait, passcode.wait_seconds(s, now))
        checked = False
    else:
        checked = passcode.wait_seconds(s, now) <= 0
        unlocked, wait = passcode.attempt(s, code, now)
    if unlocked:
        unlock_this_session()
        st.rerun()
    if wait > 0:
        st.session_state["lock_wait_until"] = now + wait
    seconds = int(wait) + (0 if wait == int(wait) else 1)
    if not checked:
        st.warning(
            ngettext(
                "Too many wrong tries. Wait {n} second before the next one.",
                "Too many wrong tries. Wait {n} seconds before the next one.",
                seconds,
            ).format(n=seconds)
        )
    elif wait > 0:
        st.error(
            ngettext(
                "That passcode isn't right. Wait {n} second before the next try.",
                "That passcode isn't right. Wait {n} seconds before the next try.",
                seconds,
            ).format(n=seconds)
        )
    else:
        st.error(_("That passcode isn't right. Try again."))
