"""Kizuna's look on every page: one stylesheet and the phone's one-tap navigation.

The stylesheet (`ui/style.css`) is sent as style-only HTML, which Streamlit keeps out of the
layout. It makes touch targets at least 44 px, chat bubbles compact, tabs wrap at phone width
and long words wrap instead of scrolling sideways.

On a phone the sidebar is an overlay over most of the screen. Streamlit closes it after a page
is chosen only when the browser's user agent says "mobile", so a phone asking for the desktop
site, a small tablet or a narrow window kept it open and each page took three taps. A small
script (public `st.html(..., unsafe_allow_javascript=True)`, fixed text, no user input) closes
it after a choice whenever the window is narrow enough for the sidebar to cover the page, with
the sidebar's own collapse button, so Streamlit remembers it as closed.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

STYLESHEET = Path(__file__).with_name("style.css")
#: Streamlit shows the sidebar as an overlay below its `md` breakpoint (768 px).
NARROW = "(max-width: 767.98px)"

_CLOSE_AFTER_CHOICE = """
<script>
(() => {
  if (window.__kizunaNavCloses) return;
  window.__kizunaNavCloses = true;
  document.addEventListener("click", (event) => {
    const link = event.target.closest('[data-testid="stSidebarNav"] a');
    if (!link || !window.matchMedia("NARROW").matches) return;
    setTimeout(() => {
      const bar = document.querySelector('[data-testid="stSidebar"]');
      const close = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
      if (bar && bar.getAttribute("data-collapsed") === "false" && close) close.click();
    }, 0);
  }, true);
})();
</script>
""".replace("NARROW", NARROW)


def apply() -> None:
    """For app.py, once per run before anything is drawn: the stylesheet and the nav script."""
    st.html(STYLESHEET)
    with st.sidebar.container(key="kizuna_phone_nav"):
        st.html(_CLOSE_AFTER_CHOICE, unsafe_allow_javascript=True)
