"""Kizuna — the router: page config, the store opened once, the sidebar, the pages."""

import streamlit as st

from ui import demo, lock, router, sidebar, state

st.set_page_config(page_title="Kizuna", page_icon="💞", layout="centered")

store = state.store()

pages = {
    "": [
        st.Page("pages/chat.py", title="Chat", icon="💬", default=True),
        st.Page("pages/album.py", title="Album", icon="📷"),
        st.Page("pages/timeline.py", title="Timeline", icon="🗓️"),
        st.Page("pages/dashboard.py", title="Dashboard", icon="📈"),
        st.Page("pages/journal.py", title="Journal", icon="📔"),
        st.Page("pages/memories.py", title="Memories", icon="💭"),
        st.Page("pages/search.py", title="Search", icon="🔎"),
        st.Page("pages/ceremony.py", title="Ceremony", icon="💒"),
    ],
    "Your companion": [
        st.Page("pages/persona.py", title="Persona", icon="🪞"),
        st.Page("pages/settings.py", title="Settings", icon="⚙️"),
        st.Page("pages/data.py", title="Backup & import", icon="💾"),
    ],
}
page = st.navigation(pages)
router.mark()
demo.banner(store)
lock.gate(store)
sidebar.render(store)
page.run()
