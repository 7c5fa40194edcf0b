"""The chat opens at her latest message and follows new ones while she is at the bottom.

Streamlit keeps a page scrolled to its end when the page's chat box is drawn by the page
itself. Kizuna's chat box lives inside the chat's fragment (so a send reruns the chat only),
and there Streamlit leaves the page at its top: she saw "Show earlier messages" and the
oldest of forty lines, and had to scroll to the end of every conversation.

`stick_to_bottom()` adds a fixed script (public `st.html(..., unsafe_allow_javascript=True)`;
no user text) that scrolls the page's own scroller to the end when the chat opens and keeps it
there as lines are added, for as long as she has not scrolled up to read (then it lets her
be, until she comes back down to the end). When the emergency banner appears at the top of the
chat, it is scrolled into view instead and the page stays there: the number to call comes
before anything else.
"""

from __future__ import annotations

import streamlit as st

#: How close to the end (px) still counts as "at the end".
NEAR_END = 120
#: Room left above the emergency banner for Streamlit's header bar (px).
HEADER = 72

_SCRIPT = """
<script>
(() => {
  const marker = document.querySelector('.st-key-kizuna_chat_stick');
  const scroller = () => document.querySelector('[data-testid="stMain"]');
  const main = scroller();
  if (!marker || !main) return;
  if (window.__kizunaStick) window.__kizunaStick.disconnect();
  let stuck = true;
  let ours = false;
  const seen = new WeakSet();
  const end = () => {
    const m = scroller();
    const alarm = document.querySelector('.st-key-care_emergency');
    if (alarm && !seen.has(alarm)) {  // the emergency number comes first: show it, stay there
      seen.add(alarm);
      stuck = false;
      ours = true;
      if (m) {  // below Streamlit's header bar, which covers the top of the page
        const top = alarm.getBoundingClientRect().top - m.getBoundingClientRect().top;
        m.scrollTop = Math.max(0, m.scrollTop + top - HEADER);
      }
      requestAnimationFrame(() => { ours = false; });
      return;
    }
    if (!m || !stuck) return;
    ours = true;
    m.scrollTop = m.scrollHeight;
    requestAnimationFrame(() => { ours = false; });
  };
  const onScroll = () => {
    if (ours) return;
    const m = scroller();
    stuck = m.scrollHeight - m.scrollTop - m.clientHeight < NEAR_END;
  };
  main.addEventListener("scroll", onScroll, { passive: true });
  const watch = new MutationObserver(() => {
    if (!document.querySelector('.st-key-kizuna_chat_stick')) {  // she left the chat
      watch.disconnect();
      main.removeEventListener("scroll", onScroll);
      return;
    }
    end();
  });
  watch.observe(main, { childList: true, subtree: true, characterData: true });
  window.__kizunaStick = {
    disconnect: () => { watch.disconnect(); main.removeEventListener("scroll", onScroll); },
  };
  end();
  setTimeout(end, 100);
  setTimeout(end, 400);
})();
</script>
""".replace("NEAR_END", str(NEAR_END)).replace("HEADER", str(HEADER))


def stick_to_bottom() -> None:
    """For the chat page, once per run of the whole page: open at the end, follow new lines."""
    with st.sidebar.container(key="kizuna_chat_stick"):  # out of the chat's own layout
        st.html(_SCRIPT, unsafe_allow_javascript=True)
