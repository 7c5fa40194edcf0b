"""ChatGPT import at scale: 100,000 messages (1,000 conversations of 100) from a real-shaped
conversations.json, read and imported into a fresh store, then imported again (no-op)."""

from __future__ import annotations

import json
import sys
import time

from benchmarks.common import Result, print_table, scratch_dir
from memory import Store, personas
from memory.importers import chatgpt

TARGET_S = 10.0


def build_export(conversations: int, per_conversation: int) -> bytes:
    """A conversations.json with a regenerated reply in every conversation (a real tree)."""
    items = []
    for c in range(conversations):
        mapping = {"root": {"id": "root", "message": None, "parent": None, "children": ["n0"]}}
        parent = "root"
        start = 1_600_000_000 + c * 86_400
        for i in range(per_conversation):
            node_id = f"n{i}"
            role = "user" if i % 2 == 0 else "assistant"
            mapping[node_id] = {
                "id": node_id,
                "parent": parent,
                "children": [f"n{i + 1}"] if i + 1 < per_conversation else [],
                "message": {
                    "id": node_id,
                    "author": {"role": role, "name": None, "metadata": {}},
                    "create_time": start + i * 30.0,
                    "update_time": None,
                    "content": {
                        "content_type": "text",
                        "parts": [f"message {i} of conversation {c}: the sea, the garden, 海"],
                    },
                    "status": "finished_successfully",
                    "weight": 1.0,
                    "metadata": {"model_slug": "gpt-4o"} if role == "assistant" else {},
                    "recipient": "all",
                },
            }
            if i == 1:  # a regenerated-away sibling that must not be imported
                mapping["old"] = dict(mapping[node_id], id="old", children=[])
                mapping[parent]["children"].append("old")
            parent = node_id
        items.append(
            {
                "title": f"Conversation {c}",
                "create_time": float(start),
                "update_time": float(start + per_conversation * 30),
                "mapping": mapping,
                "current_node": parent,
                "conversation_id": f"conv-{c}",
            }
        )
    return json.dumps(items).encode()


def run(quick: bool = False) -> list[Result]:
    conversations = 20 if quick else 1_000
    payload = build_export(conversations, 100)
    total = conversations * 100
    store = Store.open(scratch_dir("import"))
    pid = personas.ensure_starter(store).id
    start = time.perf_counter()
    export = chatgpt.read(payload)
    result = chatgpt.import_conversations(store, export.conversations, pid)
    elapsed = time.perf_counter() - start
    assert result.messages_imported == total, result
    start = time.perf_counter()
    again = chatgpt.import_conversations(store, chatgpt.read(payload).conversations, pid)
    elapsed_again = time.perf_counter() - start
    assert again.messages_imported == 0
    store.close()
    print(f"{len(payload) / 1e6:.0f} MB conversations.json, {total:,} messages", file=sys.stderr)
    return [
        Result(
            f"ChatGPT import, {total:,} messages",
            elapsed,
            "s",
            f"< {TARGET_S:.0f} s",
            elapsed < TARGET_S,
        ),
        Result(
            f"ChatGPT re-import (adds nothing), {total:,} messages",
            elapsed_again,
            "s",
            f"< {TARGET_S:.0f} s",
            elapsed_again < TARGET_S,
        ),
    ]


if __name__ == "__main__":
    print_table(run("--quick" in sys.argv))
