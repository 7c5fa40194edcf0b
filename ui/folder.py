"""Which data folder this browser session uses, and the app's one `open` of it.

`open_folder` is the app's start-up: `Store.open` (migrations, interrupted writes removed,
photo files without rows swept) and the daily backup, once per folder per server process.
`ui.state` and `ui.demo` both use it, so neither imports the other.
"""

from __future__ import annotations

import streamlit as st

from memory import Store
from memory.backup import daily_on_start

#: The session key naming the demo folder this session looks at (None: the real folder).
SESSION_KEY = "demo_data_dir"


@st.cache_resource(show_spinner=False)
def open_folder(data_dir: str) -> Store:
    """The open store for `data_dir`, housekeeping done (cached for the server process)."""
    return daily_on_start(Store.open(data_dir))


def session_data_dir() -> str | None:
    """The demo folder this browser session is looking at, or None for the real folder."""
    return st.session_state.get(SESSION_KEY)
