"""The ceremony view's pieces: full screen on pure black, the Escape key, the steps."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

_escape_key = components.declare_component(
    "kizuna_escape_key", path=str(Path(__file__).parent / "escape_key")
)


def full_screen() -> None:
    """Hide everything but the stage, on pure black (a fixed stylesheet, no user text).

    AR glasses such as XREAL show black as transparent, so he appears beside her. The
    sidebar, header, toolbar and everything else on the page are hidden behind the stage.
    """
    st.html(
        """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"], footer { display: none !important; }
html, body, .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {
  background: #000 !important;
}
.st-key-ceremony_stage {
  position: fixed; inset: 0; z-index: 1000000; background: #000; color: #f4f0ea;
  overflow-y: auto; padding: 2vh 4vw 3vh 4vw; display: flex; flex-direction: column;
  align-items: center; justify-content: flex-start; gap: 1.2vh;
}
.st-key-ceremony_stage p, .st-key-ceremony_stage h1, .st-key-ceremony_stage h2,
.st-key-ceremony_stage h3, .st-key-ceremony_stage span, .st-key-ceremony_stage div {
  color: #f4f0ea;
}
.st-key-ceremony_stage [data-testid="stImage"] img {
  height: 62vh; width: auto; max-width: 92vw; object-fit: contain;
}
.st-key-ceremony_words { max-width: 60rem; width: 100%; align-items: center; margin: 0 auto; }
.st-key-ceremony_words * { text-align: center; }
.st-key-ceremony_stage [data-testid="stElementToolbar"] { display: none !important; }
.st-key-ceremony_words p { font-size: clamp(1.1rem, 2.4vw, 2rem); line-height: 1.5; }
.st-key-ceremony_stage button {
  background: transparent !important; color: #d8cfc4 !important;
  border: 1px solid #5a514a !important;
}
.st-key-ceremony_stage [data-testid="stCaptionContainer"] p { color: #a89f95 !important; }
</style>

"""
    )


def escape_pressed() -> bool:
    """True in the run after Escape was pressed anywhere on the page."""
    return bool(_escape_key(key="ceremony_escape", default=0))
