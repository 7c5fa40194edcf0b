"""Print the offline voice's figures on the test corpus (the README's table).

python -m tests.companion.offline_figures
"""

from __future__ import annotations

import re
import tempfile

from companion.offline import is_japanese
from memory import Store, personas
from tests.companion.offline_corpus import CORPUS, HELD_OUT
from tests.companion.test_offline_corpus import LUNE, converse, her_clauses
from tests.companion.voice_history import long_history


def figures(pairs, his: set[str]) -> dict:
    replies = [r for _, r in pairs]
    n = len(replies)
    repeats = sum(1 for i, r in enumerate(replies) if r in replies[max(0, i - 20) : i])
    language = sum(1 for t, r in pairs if is_japanese(t) == is_japanese(r))
    echoed = sum(1 for t, r in pairs if any(c in r.lower() for c in her_clauses(t)))
    glued = sum(1 for r in replies if re.search(r"[\u3040-\u30ff\u4e00-\u9fff][A-Za-z]", r))
    phrase = sum(1 for r in replies if "You are my whole sky." in r)
    return {
        "replies": n,
        "his own past replies": f"{sum(r in his for r in replies) / n:.0%}",
        "same language as hers": f"{language / n:.0%}",
        "signature phrase": f"{phrase / n:.0%}",
        "repeated within 20": repeats,
        "her sentence echoed": echoed,
        "English glued to Japanese": glued,
    }


def main() -> None:
    for label, replies in (("fresh", 0), ("2,000 past replies", 2000)):
        store = Store.open(tempfile.mkdtemp())
        pv = personas.create(store, **LUNE)
        if replies:
            long_history(store, pv.persona_id, replies)
        his = {
            r[0]
            for r in store.execute(
                "SELECT content FROM messages WHERE role = 'companion'"
            ).fetchall()
        }
        pairs = converse(store, pv, CORPUS * 2)
        held = [p for p in pairs if p[0] in HELD_OUT]
        print(label, "all:", figures(pairs, his))
        print(label, "held out:", figures(held, his))
        store.close()


if __name__ == "__main__":
    main()
