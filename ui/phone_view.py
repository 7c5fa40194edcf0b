"""Settings → Use Kizuna on your phone: what phone mode is, the command, the QR code.

The page starts no server: phone mode is `python -m memory phone` (see memory/phone.py),
which serves the app on the local network over HTTPS only when a passcode is set.
"""

from __future__ import annotations

import streamlit as st

from memory import passcode, phone
from memory.i18n import _


def settings_section(s) -> None:
    with st.container(border=True):
        st.subheader(_("Use Kizuna on your phone"))
        st.caption(
            _(
                "Kizuna listens on this computer only. To open it from your phone on the same "
                "Wi-Fi, stop Kizuna and start it in phone mode from a terminal: it is served "
                "over HTTPS with a certificate made on this computer, and only with a passcode."
            )
        )
        st.code(f"python -m memory phone --data-dir {s.data_dir}", language="bash")
        if not passcode.is_set(s):
            st.info(_("Set a passcode first (Care and privacy, above): phone mode needs one."))
            return
        url = phone.address(phone.lan_address(), phone.DEFAULT_PORT)
        left, right = st.columns([1, 2], vertical_alignment="center")
        left.image(phone.qr_png(url, scale=6), width=160)
        right.markdown(_("Then scan this code with your phone's camera, or open:"))
        right.code(url, language=None)
        right.caption(
            _(
                "The first time, the phone warns that the certificate is not from a known "
                "authority: it is Kizuna's own. Away from home, see the README's “Away from "
                "home” (a private overlay network, never an open port)."
            )
        )
