"""Kizuna — the router: page config, the store opened once, the sidebar, the pages."""

import streamlit as st

from companion import safety
from memory import search
from memory.i18n import _
from ui import demo, language, lock, router, sidebar, state, style

st.set_page_config(page_title="Kizuna", page_icon="💞", layout="centered")

language.apply()  # the browser's language, for anything said before the store is open
store = state.store()  # and, from there on, the language chosen in Settings
style.apply()  # one stylesheet; on a phone the sidebar closes once a page is chosen
search.warm_up()  # romaji ↔ kanji dictionaries, loaded in the background once per process
safety.warm_up()  # and the crisis patterns, compiled once

pages = {
    "": [
        st.Page("pages/chat.py", title=_("Chat"), icon="💬", default=True),
        st.Page("pages/album.py", title=_("Album"), icon="📷"),
        st.Page("pages/timeline.py", title=_("Timeline"), icon="🗓️"),
        st.Page("pages/dashboard.py", title=_("Dashboard"), icon="📈"),
        st.Page("pages/journal.py", title=_("Journal"), icon="📔"),
        st.Page("pages/memories.py", title=_("Memories"), icon="💭"),
        st.Page("pages/search.py", title=_("Search"), icon="🔎"),
        st.Page("pages/ceremony.py", title=_("Ceremony"), icon="💒"),
    ],
    _("Your companion"): [
        st.Page("pages/persona.py", title=_("Persona"), icon="🪞"),
        st.Page("pages/settings.py", title=_("Settings"), icon="⚙️"),
        st.Page("pages/data.py", title=_("Backup & import"), icon="💾"),
    ],
}
page = st.navigation(pages)
router.mark()
demo.banner(store)
lock.gate(store)
sidebar.render(store)
page.run()
