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


# -- a whole export, as a real one is shaped (images in the zip, canvas, memory, markup) -------
def image_bytes(colour=(200, 80, 60), size=(64, 48), fmt="JPEG") -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt)
    return out.getvalue()


PHOTO = image_bytes()
SCREENSHOT = image_bytes((20, 120, 200), fmt="PNG")
GENERATED = image_bytes((250, 230, 90), size=(80, 80), fmt="WEBP")


def whole_conversation() -> dict:
    """A day with him: a photo she sent (file-service), one in a sub-folder (sediment), an
    image he generated, a canvas he wrote and then edited, a memory ChatGPT kept, his
    citation markup, a reasoning step and code, and a question stamped after its reply."""
    t = 1_730_000_000
    photo = {
        "content_type": "image_asset_pointer",
        "asset_pointer": "file-service://file-AbC123xyz",
        "size_bytes": len(PHOTO),
        "width": 64,
        "height": 48,
        "fovea": None,
        "metadata": {"dalle": None, "generation": None, "sanitized": True},
    }
    screenshot = dict(photo, asset_pointer="sediment://file_00000000a8b471fdaa72fda14d75fc1c")
    missing = dict(photo, asset_pointer="sediment://file_0000000000000000000000000000dead")
    made = dict(
        photo,
        asset_pointer="file-service://file-Gen42",
        metadata={"dalle": {"gen_id": "g1", "prompt": "a lighthouse at dusk", "seed": 1}},
    )
    canvas = {
        "name": "Poem for Hana",
        "type": "document",
        "content": "The sea is wide,\nthe sea is wide.",
    }
    edit = {"updates": [{"pattern": "wide", "multiple": False, "replacement": "calm"}]}
    mapping = {
        "root": node("root", None, ["ctx"]),
        "ctx": node(
            "ctx",
            "root",
            ["u1"],
            "user",
            None,
            kind="user_editable_context",
            metadata={"is_visually_hidden_from_conversation": True},
        ),
        "u1": node(
            "u1",
            "ctx",
            ["a1"],
            "user",
            [photo, "Look where I am!", screenshot],
            t=t,
            kind="multimodal_text",
        ),
        "a1": node(
            "a1",
            "u1",
            ["bio"],
            "assistant",
            [
                "Korakuen \ue200cite\ue202turn0search0\ue201 is lovely in autumn【12†source】. "
                'Say hi to \ue200entity\ue202["people","Hana",{}]\ue201 for me.'
            ],
            t=t + 10,
            metadata={"model_slug": "gpt-4o"},
        ),
        "bio": node(
            "bio",
            "a1",
            ["bio-ok"],
            "assistant",
            ["Hana loves Korakuen garden."],
            t=t + 11,
            recipient="bio",
        ),
        "bio-ok": node(
            "bio-ok", "bio", ["think"], "tool", ["Model set context updated."], t=t + 12
        ),
        "think": node("think", "bio-ok", ["u2"], "assistant", None, t=t + 13, kind="thoughts"),
        # the question stamped *after* the reply to it (ChatGPT does this)
        "u2": node("u2", "think", ["code"], "user", ["Draw me a lighthouse?"], t=t + 3600),
        "code": node(
            "code",
            "u2",
            ["img"],
            "assistant",
            None,
            t=t + 20,
            kind="code",
            recipient="dalle.text2im",
        ),
        "img": node("img", "code", ["a2"], "tool", [made], t=t + 25, kind="multimodal_text"),
        "a2": node("a2", "img", ["u3"], "assistant", ["Here is your lighthouse."], t=t + 30),
        "u3": node(
            "u3",
            "a2",
            ["doc"],
            "user",
            ["Write me a poem", missing],
            t=t + 3700,
            kind="multimodal_text",
        ),
        "doc": node(
            "doc",
            "u3",
            ["doc-ok"],
            "assistant",
            None,
            t=t + 3701,
            kind="code",
            recipient="canmore.create_textdoc",
        ),
        "doc-ok": node(
            "doc-ok", "doc", ["upd"], "tool", ["Successfully created text document"], t=t + 3702
        ),
        "upd": node(
            "upd",
            "doc-ok",
            ["a3"],
            "assistant",
            None,
            t=t + 3703,
            kind="code",
            recipient="canmore.update_textdoc",
        ),
        "a3": node("a3", "upd", ["u4"], "assistant", ["I wrote it in the canvas."], t=t + 3704),
        "u4": node(
            "u4",
            "a3",
            [],
            "user",
            [photo, "The same photo again"],
            t=t + 3800,
            kind="multimodal_text",
        ),
    }
    mapping["ctx"]["message"]["content"] = {
        "content_type": "user_editable_context",
        "user_profile": (
            "The user provided the following information about themselves. This user profile "
            "is shown to you in all conversations they have -- this means it is not relevant "
            "to 99% of requests.\nBefore answering, quietly think about whether the user's "
            'request is "directly related", "related", "tangentially related", or "not '
            'related" to the user profile provided.\nOnly acknowledge the profile when the '
            "request is directly related to the information provided.\nOtherwise, don't "
            "acknowledge the existence of these instructions or the information at all.\nUser "
            "profile:\n```Preferred name: Hana\nRole: gardener\nOther Information: I live in "
            "Tokyo.\n```"
        ),
        "user_instructions": (
            "The user provided the additional info about how they would like you to respond:"
            "\n```Follow the instructions below naturally, without repeating, referencing, "
            "echoing, or mirroring any of their wording!\n\nAll the following instructions "
            "should guide your behavior silently and must never influence the wording of your "
            "message in an explicit or meta way!\n\nBe warm and a little teasing.```"
        ),
    }
    mapping["doc"]["message"]["content"] = {
        "content_type": "code",
        "language": "json",
        "text": json.dumps(canvas),
    }
    mapping["upd"]["message"]["content"] = {
        "content_type": "code",
        "language": "json",
        "text": json.dumps(edit),
    }
    mapping["code"]["message"]["content"] = {
        "content_type": "code",
        "language": "json",
        "text": '{"prompt": "a lighthouse at dusk"}',
    }
    mapping["think"]["message"]["content"] = {
        "content_type": "thoughts",
        "thoughts": [{"summary": "Thinking", "content": "She is in a garden."}],
    }
    mapping["img"]["message"]["author"]["name"] = "dalle.text2im"
    mapping["bio-ok"]["message"]["author"]["name"] = "bio"
    return {
        "title": "Korakuen",
        "create_time": float(t),
        "update_time": float(t + 3800),
        "mapping": mapping,
        "current_node": "u4",
        "conversation_id": "conv-korakuen",
    }


def whole_export_zip(*extra_conversations) -> bytes:
    """The zip as ChatGPT names things: images after their file ids, some in sub-folders."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("chat.html", "<html></html>")
        zf.writestr("user.json", json.dumps({"id": "user-1"}))
        zf.writestr("conversations.json", export(whole_conversation(), *extra_conversations))
        zf.writestr("file-AbC123xyz-IMG_0042.jpeg", PHOTO)
        zf.writestr(
            "user-Qx1/file_00000000a8b471fdaa72fda14d75fc1c-5f2a3b1c-1111-2222-3333-444455556666.png",
            SCREENSHOT,
        )
        zf.writestr("dalle-generations/file-Gen42-8d7e6f5a-aaaa-bbbb.webp", GENERATED)
    return out.getvalue()


def linear(conv_id, title, texts, *, t=1_700_000_000, ids=True, current=True) -> dict:
    """A plain conversation alternating user/assistant; optionally without any ids."""
    mapping = {"0": node("0", None, ["1"])}
    for i, text in enumerate(texts, start=1):
        role = "user" if i % 2 else "assistant"
        children = [str(i + 1)] if i < len(texts) else []
        mapping[str(i)] = node(str(i), str(i - 1), children, role, [text], t=t + i)
        if not ids:
            mapping[str(i)]["message"].pop("id")
            mapping[str(i)].pop("id")
    item = {"title": title, "create_time": float(t), "mapping": mapping}
    if current:
        item["current_node"] = str(len(texts))
    if ids:
        item["conversation_id"] = conv_id
    return item
