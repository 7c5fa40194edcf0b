"""Every page is drawn through app.py, whichever URL a browser opens first.

Streamlit still knows its old "pages/ folder" multipage mode: until some run in the process
has called `st.navigation`, a browser opening a page's own URL on a fresh server (a restored
tab on /album, a bookmark, a phone's home-screen icon) runs `pages/album.py` on its own,
without the router, the sidebar and the idle lock. Kizuna keeps the `pages/` folder, so
instead of patching Streamlit's private page manager each page asks `require_router()` (via
`ui.state.store()`), which, in a session the router has not run in yet, runs app.py right
there — its `st.navigation` call switches Streamlit to router mode for good and draws the
page the URL named, with the sidebar and the lock — and ends the page's own run. Only
public API: `st.navigation`, `st.session_state`, `st.stop`.
"""

from __future__ import annotations

import runpy
import sys
import threading
from pathlib import Path

import streamlit as st

APP = Path(__file__).resolve().parent.parent / "app.py"
SEEN = "router_seen"
_running = threading.local()


def mark() -> None:
    """For app.py, after its `st.navigation` call: this session's runs go through the router."""
    st.session_state[SEEN] = True


def require_router() -> None:
    """Draw this run through app.py when the session has not been through the router yet."""
    if st.session_state.get(SEEN) or getattr(_running, "app", False) or not _serving_app():
        return
    # The page script was started on its own: run the router in its place. (A locked session
    # stops inside app.py before its `st.navigation` call and comes back here on the next run,
    # so even the run after unlocking is drawn through the router.)
    _running.app = True
    try:
        runpy.run_path(str(APP), run_name="__main__")
    finally:
        _running.app = False
    st.stop()


def _serving_app() -> bool:
    # Streamlit runs the app's main script as `__main__`; a test that runs a lone function
    # (AppTest.from_function) has no router to send the page through.
    main = getattr(sys.modules.get("__main__"), "__file__", None)
    return main is not None and Path(main).resolve() == APP
