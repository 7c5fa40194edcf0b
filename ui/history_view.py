"""A run of plain chat messages drawn as one page element.

Each message drawn with Streamlit's own elements is five or six of them (bubble, text, footer
row, time, 🔊, ⋯), so a screenful of forty was some 220 elements and "Show earlier" some 450
deltas; the browser's cost per element, not the server, was most of the time those took. Here
the messages of a screenful that need nothing but text (no photo, recording, import details,
long-text fold, open menu or question) are one custom component (the public
`st.components.v2.component`) that builds its bubbles in the page itself.

Her words never become markup: the script builds every node with `textContent`, so nothing
she typed (or a model wrote) is parsed as HTML. His replies keep the light emphasis
`ui.text.reply_markdown` allows (`**bold**`, `*italics*`); nothing else is interpreted.
A bubble's "⋯" and 🔊 send back which message and what was asked; the page then draws that
message with Streamlit's own menu, open, or speaks it.
"""

from __future__ import annotations

import base64
import functools
import mimetypes
import re
from collections.abc import Callable
from pathlib import Path

import streamlit as st

#: The bubbles' look: close to Streamlit's chat messages, in the theme's colours.
_CSS = """
.kzm-list { display: flex; flex-direction: column; gap: 0.5rem; font-family: var(--st-font);
  color: var(--st-text-color); }
.kzm-day { text-align: center; font-size: 0.875rem; color: var(--st-text-color);
  opacity: 0.6; margin: 0.25rem 0; }
.kzm-msg { display: flex; gap: 0.5rem; padding: 0.35rem 1rem;
  border-radius: 0.5rem; align-items: flex-start; }
.kzm-user { background: var(--st-secondary-background-color); }
.kzm-avatar { width: 2rem; height: 2rem; border-radius: 0.5rem; flex: none; object-fit: cover; }
.kzm-body { flex: 1; min-width: 0; display: flex; flex-direction: column; gap: 0.15rem; }
.kzm-text { white-space: pre-wrap; overflow-wrap: anywhere; line-height: 1.6; margin: 0; }
.kzm-foot { display: flex; align-items: center; gap: 0.25rem; }
.kzm-stamp { flex: 1; min-width: 0; font-size: 0.875rem; opacity: 0.6; overflow-wrap: anywhere; }
.kzm-foot button { background: none; border: none; color: inherit; cursor: pointer;
  font-size: 1rem; padding: 0.25rem 0.5rem; border-radius: 0.5rem; min-height: 2rem; }
.kzm-foot button:hover { background: var(--st-secondary-background-color); }
.kzm-foot button:focus-visible { outline: 2px solid var(--st-primary-color); }
details.kzm-recall { font-size: 0.875rem; }
details.kzm-recall summary { cursor: pointer; }
.kzm-recall p { margin: 0.25rem 0; }
.kzm-recall .kzm-detail { display: block; opacity: 0.6; }
@media (max-width: 767.98px), (pointer: coarse) {
  .kzm-foot button { min-width: 44px; min-height: 44px; }
}
"""

#: Builds the bubbles from `data` with DOM nodes and `textContent` only (no HTML parsing).
_JS = """
function emphasised(parent, text) {
  // **bold** and *italics* (or _italics_); everything else is text as written.
  const pattern =
    /(\\*\\*([^*\\n]+?)\\*\\*|\\*([^*\\s][^*\\n]*?)\\*|(?<![\\p{L}\\p{N}_])_([^_\\n]+?)_(?![\\p{L}\\p{N}_]))/gu;
  let at = 0;
  for (const found of text.matchAll(pattern)) {
    if (found.index > at) parent.append(text.slice(at, found.index));
    const node = document.createElement(found[2] !== undefined ? "strong" : "em");
    node.textContent = found[2] ?? found[3] ?? found[4];
    parent.append(node);
    at = found.index + found[0].length;
  }
  if (at < text.length) parent.append(text.slice(at));
}

function bubble(m, data) {
  const row = document.createElement("div");
  row.className = "kzm-msg " + (m.user ? "kzm-user" : "kzm-companion");
  row.dataset.testid = "chatBubble";
  row.setAttribute("role", "article");
  row.setAttribute("aria-label", m.user ? data.labels.hers : data.labels.his);
  row.dataset.messageId = m.id;
  const avatar = document.createElement("img");
  avatar.className = "kzm-avatar";
  avatar.alt = "";
  avatar.src = m.user ? data.avatars.user : data.avatars.companion;
  const body = document.createElement("div");
  body.className = "kzm-body";
  const text = document.createElement("p");
  text.className = "kzm-text";
  if (m.typed) text.textContent = m.text; else emphasised(text, m.text);
  body.append(text);
  if (m.recalled) {
    const box = document.createElement("details");
    box.className = "kzm-recall";
    const title = document.createElement("summary");
    title.textContent = "💭 " + m.recalled.label;
    box.append(title);
    for (const item of m.recalled.items) {
      const line = document.createElement("p");
      line.textContent = item.title;
      if (item.detail) {
        const detail = document.createElement("span");
        detail.className = "kzm-detail";
        detail.textContent = item.detail;
        line.append(detail);
      }
      box.append(line);
    }
    body.append(box);
  }
  const foot = document.createElement("div");
  foot.className = "kzm-foot";
  const stamp = document.createElement("span");
  stamp.className = "kzm-stamp";
  stamp.textContent = m.stamp;
  foot.append(stamp);
  const actions = m.speak ? [["speak", "🔊", data.labels.speak], ["more", "⋯", data.labels.more]]
    : [["more", "⋯", data.labels.more]];
  for (const [act, glyph, help] of actions) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = glyph;
    button.title = help;
    button.setAttribute("aria-label", help);
    button.dataset.act = act;
    foot.append(button);
  }
  body.append(foot);
  row.append(avatar, body);
  return row;
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let list = parentElement.querySelector(".kzm-list");
  if (!list) {
    list = document.createElement("div");
    list.className = "kzm-list";
    parentElement.append(list);
  }
  list.onclick = (event) => {
    const button = event.target.closest("button[data-act]");
    if (!button) return;
    const row = button.closest("[data-message-id]");
    setTriggerValue("action", { id: Number(row.dataset.messageId), act: button.dataset.act });
  };
  const nodes = [];
  for (const item of data.items) {
    if (item.day !== undefined) {
      const day = document.createElement("div");
      day.className = "kzm-day";
      day.textContent = "— " + item.day + " —";
      nodes.push(day);
    } else {
      nodes.push(bubble(item, data));
    }
  }
  list.replaceChildren(...nodes);
}
"""

#: What the page shows as a link (Streamlit's frontend makes a bare address clickable).
_ADDRESS = re.compile(r"://|www\.", re.IGNORECASE)
#: In his replies, everything `ui.text.reply_markdown` shows otherwise than as written, apart
#: from the emphasis drawn here: links and images, code, HTML, maths, entities, shortcodes,
#: lists, quotes, rules and indented lines.
_RICH = re.compile(
    r"[\\`\[\]#|<>$~&@]|:(?=[\w/+-]+[:\[])"
    r"|^[ \t]*([-*+]|\d{1,9}[.)])[ \t]|^[ \t]{4}|^[ \t]*([-*_=+][ \t]*){3,}$",
    re.MULTILINE,
)


#: The emphasis the script below draws (the same pattern as its `emphasised`).
_EMPHASIS = re.compile(r"\*\*([^*\n]+?)\*\*|\*([^*\s][^*\n]*?)\*|(?<!\w)_([^_\n]+?)_(?!\w)")
#: An underscore Markdown could read as emphasis: not between two letters or digits.
_LOOSE_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")


def shows_as_text(text: str, *, as_typed: bool) -> bool:
    """Whether the bubbles here show `text` as the page's Markdown would: always for what
    she typed (shown as written) unless it holds an address; for his replies, when it holds
    no Markdown beyond plain **bold** and *italics* (nothing nested, no stray marker)."""
    if _ADDRESS.search(text):
        return False
    if as_typed:
        return True
    if _RICH.search(text):
        return False
    for found in _EMPHASIS.finditer(text):
        inner = next(g for g in found.groups() if g is not None)
        if inner != inner.strip():
            return False
    rest = _EMPHASIS.sub("", text)
    return "*" not in rest and not _LOOSE_UNDERSCORE.search(rest)


# Not in a shadow root: the bubbles are part of the page, found and read like its other text.
_component = st.components.v2.component("kizuna_history", css=_CSS, js=_JS, isolate_styles=False)


@functools.lru_cache(maxsize=16)
def _data_uri(path: str, mtime_ns: int) -> str:
    mime = mimetypes.guess_type(path)[0] or "image/png"
    return f"data:{mime};base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def image_uri(path: str) -> str:
    """An avatar as a data address (read once per file version)."""
    return _data_uri(path, Path(path).stat().st_mtime_ns)


def draw(
    items: list[dict],
    *,
    key: str,
    avatars: dict[str, str],
    labels: dict[str, str],
    on_action: Callable[[dict], None],
) -> None:
    """Draw `items` (day lines `{"day": label}` and messages) as one element.

    A message is `{"id", "user", "text", "typed", "stamp", "speak", "recalled"}`; `on_action`
    gets `{"id": message id, "act": "more" | "speak"}` when a bubble's button is pressed.
    """

    def changed() -> None:
        action = (st.session_state.get(key) or {}).get("action")  # the event just sent
        if action:
            on_action(action)

    _component(
        key=key,
        data={"items": items, "avatars": avatars, "labels": labels},
        on_action_change=changed,
    )
