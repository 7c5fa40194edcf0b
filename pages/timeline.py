"""Timeline page (being built: see the open issue)."""

import streamlit as st

st.title("Timeline")
st.info("This part of Kizuna is on its way. Your chats are already being kept safely.")
