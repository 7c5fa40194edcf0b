"""Hand-built ChatGPT exports in the real export's shape (a tree per conversation)."""

from __future__ import annotations

import io
import json
import zipfile


def node(node_id, parent, children, role=None, parts=None, *, t=None, kind="text", **extra):
    message = None
    if role is not None:
        message = {
            "id": node_id,
            "author": {"role": role, "name": None, "metadata": {}},
            "create_time": t,
            "update_time": None,
            "content": {"content_type": kind, "parts": parts or []},
            "status": "finished_successfully",
            "end_turn": True,
            "weight": 1.0,
            "metadata": extra.pop("metadata", {}),
            "recipient": extra.pop("recipient", "all"),
        }
        message.update(extra)
    return {"id": node_id, "message": message, "parent": parent, "children": children}


def regenerated_conversation() -> dict:
    """Root → hidden system → user → two assistant replies (the second regenerated, active)."""
    mapping = {
        "root": node("root", None, ["sys"]),
        "sys": node(
            "sys",
            "root",
            ["u1"],
            "system",
            [""],
            metadata={"is_visually_hidden_from_conversation": True},
        ),
        "u1": node("u1", "sys", ["a1", "a2"], "user", ["Shall we go to the sea?"], t=1700000000.0),
        "a1": node("a1", "u1", [], "assistant", ["Old answer (regenerated away)"], t=1700000010),
        "a2": node(
            "a2",
            "u1",
            ["u2"],
            "assistant",
            ["Yes! Let's go 🌊"],
            t=1700000020,
            metadata={"model_slug": "gpt-4o"},
        ),
        "u2": node("u2", "a2", ["tool-call"], "user", ["海が見たい"], t=1700000030),
        "tool-call": node(
            "tool-call",
            "u2",
            ["tool"],
            "assistant",
            ["search(sea)"],
            t=1700000031,
            recipient="browser",
        ),
        "tool": node("tool", "tool-call", ["a3"], "tool", ["results"], t=1700000032),
        "a3": node("a3", "tool", [], "assistant", ["見に行こう"], t=1700000040),
    }
    return {
        "title": "Trip to the sea",
        "create_time": 1699999990.0,
        "update_time": 1700000040.0,
        "mapping": mapping,
        "current_node": "a3",
        "conversation_id": "conv-sea",
        "id": "conv-sea",
    }


def multimodal_conversation() -> dict:
    mapping = {
        "r": node("r", None, ["u"]),
        "u": node(
            "u",
            "r",
            ["a"],
            "user",
            [
                {"content_type": "image_asset_pointer", "asset_pointer": "file-service://x"},
                "What flower is this?",
            ],
            t=None,
            kind="multimodal_text",
        ),
        "a": node("a", "u", ["e"], "assistant", ["A hydrangea."], t=None),
        "e": node("e", "a", ["only-image"], "assistant", ["   "], t=1710000100),
        "only-image": node(
            "only-image",
            "e",
            [],
            "user",
            [{"content_type": "image_asset_pointer", "asset_pointer": "file-service://y"}],
            t=None,
            kind="multimodal_text",
        ),
    }
    return {
        "title": "Flowers",
        "create_time": 1710000000.0,
        "update_time": None,
        "mapping": mapping,
        "current_node": "only-image",
        "conversation_id": "conv-flowers",
    }


def instructions_conversation() -> dict:
    mapping = {
        "r": node("r", None, ["ctx"]),
        "ctx": node(
            "ctx",
            "r",
            ["u"],
            "user",
            None,
            kind="user_editable_context",
            t=1720000000,
            metadata={"is_visually_hidden_from_conversation": True},
        ),
        "u": node("u", "ctx", [], "user", ["Hello again"], t=1720000001),
    }
    mapping["ctx"]["message"]["content"] = {
        "content_type": "user_editable_context",
        "user_profile": "I live in Tokyo and love gardens.",
        "user_instructions": "Be warm and playful; call me Hana.",
    }
    return {
        "title": "Hello",
        "create_time": None,
        "mapping": mapping,
        "current_node": "u",
        "id": "conv-hello",
    }


def export(*conversations) -> bytes:
    return json.dumps(list(conversations), ensure_ascii=False).encode()


def export_zip(payload: bytes, name: str = "conversations.json") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("chat.html", "<html></html>")
        zf.writestr(name, payload)
    return out.getvalue()
