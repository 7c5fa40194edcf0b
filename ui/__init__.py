"""Streamlit-side helpers shared by the pages: the open store, the current companion,
the sidebar and safe text rendering. Only this package and `pages/` import streamlit."""
