"""ChatGPT import at scale: a real-shaped export zip with 100,000 messages (1,000
conversations of 100, a regenerated reply in each) and 2,000 photos named as ChatGPT names
them (`file-<id>-IMG_….jpeg` at the top, `file_<hex>-<uuid>.png` in a sub-folder), imported
into a fresh store by the command she runs for a big export, `python -m memory import-chatgpt
EXPORT --data-dir DATA`, then imported again by the same command (adds nothing).

The data folder and its companion are made first, in a process of their own, as she has them
when she imports. The command's memory is read from `/proc/<pid>/status` while it runs:
VmHWM (the peak of that process) when it reports the import complete, and again just before it
exits (after the search index over the new messages, which the command waits for).

Printed: the import's wall time (the command's start to "Import complete"; target < 15 s) and
the command's peak RSS at that point against twice the largest single file in the zip
(target: under it), since the export is streamed, never loaded whole; how much of that peak
the import itself added (VmHWM at its first progress line, before any message is read); and
the command's peak once the search index is built (reference).
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

from benchmarks.common import Result, print_table, scratch_dir

TARGET_S = 15.0
ROOT = Path(__file__).resolve().parent.parent

_SETUP = """
import sys
from memory import Store, personas

with Store.open(sys.argv[1]) as store:
    personas.ensure_starter(store)
"""


def _status_kb(pid: int, field: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def run_command(data: Path, export: Path) -> dict:
    """`python -m memory import-chatgpt` on the export, as she runs it: its wall times and
    its VmHWM (this process image's own peak; ru_maxrss would carry the parent's across
    exec) at its first progress line, at "Import complete" (100 %) and just before it exits."""
    import threading

    cmd = [sys.executable, "-m", "memory", "import-chatgpt", str(export), "--data-dir", str(data)]
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    env["LANG"] = "C.UTF-8"
    with tempfile.TemporaryFile("w+") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=ROOT, stdout=out, stderr=subprocess.PIPE, text=True, env=env
        )
        last = {"hwm": 0}
        stop = threading.Event()

        def sample() -> None:  # the last reading before it exits is its peak
            while not stop.is_set():
                kb = _status_kb(proc.pid, "VmHWM")
                if kb:
                    last["hwm"] = max(last["hwm"], kb)
                stop.wait(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        found: dict = {}
        errors = []
        for line in proc.stderr:
            if re.match(r"\s*\d+%", line):
                kb = _status_kb(proc.pid, "VmHWM") or 0
                found.setdefault("before_kb", kb)
                if line.lstrip().startswith("100%"):
                    found["seconds"] = time.perf_counter() - start
                    found["rss_kb"] = kb
            else:
                errors.append(line)
        rc = proc.wait()
        found["total_seconds"] = time.perf_counter() - start
        stop.set()
        sampler.join()
        out.seek(0)
        said = out.read()
    if rc != 0 or "seconds" not in found:
        raise RuntimeError(f"import-chatgpt exited {rc}: {said[-500:]} {''.join(errors)[-2000:]}")
    found["indexed_kb"] = max(last["hwm"], found["rss_kb"])
    found["said"] = said.strip()
    return found


def _counts(data: Path) -> tuple[int, int]:
    from memory import Store

    with Store.open(data) as store:
        return (
            store.execute(
                "SELECT count(*) FROM messages WHERE source = 'import:chatgpt'"
            ).fetchone()[0],
            store.execute("SELECT count(*) FROM photos").fetchone()[0],
        )


def _node(node_id, parent, children, role, parts, t, kind="text", realistic=True):
    node = {
        "id": node_id,
        "parent": parent,
        "children": children,
        "message": {
            "id": node_id,
            "author": {"role": role, "name": None, "metadata": {}},
            "create_time": t,
            "update_time": None,
            "content": {"content_type": kind, "parts": parts},
            "status": "finished_successfully",
            "end_turn": True,
            "weight": 1.0,
            # the metadata real exports carry on every message (field names as found in them)
            "metadata": (
                {
                    "finish_details": {"type": "stop", "stop_tokens": [200002]},
                    "is_complete": True,
                    "citations": [],
                    "content_references": [],
                    "search_result_groups": [],
                    "safe_urls": [],
                    "message_type": "next",
                    "model_slug": "gpt-4o",
                    "default_model_slug": "auto",
                    "parent_id": parent,
                    "request_id": f"{node_id[:8]}-cafe-4b0d-9ccb-{node_id[-12:]}",
                    "turn_exchange_id": f"{node_id[::-1]}",
                    "timestamp_": "absolute",
                    "model_switcher_deny": [],
                }
                if role == "assistant"
                else {
                    "selected_github_repos": [],
                    "serialization_metadata": {"custom_symbol_offsets": []},
                    "request_id": f"{node_id[:8]}-beef-4b0d-9ccb-{node_id[-12:]}",
                    "message_source": None,
                    "timestamp_": "absolute",
                    "message_type": None,
                    "turn_exchange_id": f"{node_id[::-1]}",
                }
            ),
            "recipient": "all",
            "channel": None,
        },
    }
    if not realistic:
        node["message"]["metadata"] = {"model_slug": "gpt-4o"} if role == "assistant" else {}
    return node


def _image(rng: random.Random, i: int) -> bytes:
    from PIL import Image

    img = Image.effect_noise((320, 240), 48).convert("RGB")
    tint = Image.new("RGB", img.size, (rng.randrange(256), rng.randrange(256), i % 256))
    out = io.BytesIO()
    Image.blend(img, tint, 0.6).save(out, "JPEG", quality=85)
    return out.getvalue()


def build_export(
    conversations: int,
    per_conversation: int,
    images: int = 0,
    path: Path | None = None,
    *,
    realistic: bool = False,
):
    """A conversations.json (bytes), or with `path` a whole export zip written there.
    `realistic` gives messages the length and metadata of real exports (the benchmark);
    without it they are lean (tests that only need many messages)."""
    rng = random.Random(11)
    pointers: list[tuple[str, str]] = []  # (asset pointer, zip name)
    for i in range(images):
        if i % 2:
            file_id = f"file-{i:08d}Ab{rng.randrange(10**6):06d}"
            pointers.append((f"file-service://{file_id}", f"{file_id}-IMG_{i:04d}.jpeg"))
        else:
            file_id = f"file_{i:032x}"
            pointers.append((f"sediment://{file_id}", f"user-abc/{file_id}-{i:08d}-aaaa.jpeg"))
    every = max((conversations * per_conversation // 2) // max(images, 1), 1)
    items = []
    user_turns = 0
    for c in range(conversations):
        parent = "root"
        start = 1_600_000_000 + c * 86_400
        ids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(per_conversation)]
        mapping = {"root": {"id": "root", "message": None, "parent": None, "children": [ids[0]]}}
        for i in range(per_conversation):
            node_id = ids[i]
            role = "user" if i % 2 == 0 else "assistant"
            # her lines short, his longer (a few sentences), as in real chats
            text = f"message {i} of conversation {c}: the sea, the garden, 海. " * (
                (2 if role == "user" else 12) if realistic else 1
            )
            parts: list = [text]
            kind = "text"
            if role == "user":
                if images and user_turns % every == 0 and user_turns // every < images:
                    pointer = pointers[user_turns // every][0]
                    parts = [
                        {
                            "content_type": "image_asset_pointer",
                            "asset_pointer": pointer,
                            "size_bytes": 30_000,
                            "width": 320,
                            "height": 240,
                            "fovea": None,
                            "metadata": {"dalle": None, "generation": None, "sanitized": True},
                        },
                        text,
                    ]
                    kind = "multimodal_text"
                user_turns += 1
            children = [ids[i + 1]] if i + 1 < per_conversation else []
            mapping[node_id] = _node(
                node_id, parent, children, role, parts, start + i * 30.0, kind, realistic
            )
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
                "moderation_results": [],
                "current_node": parent,
                "conversation_id": f"conv-{c}",
                "id": f"conv-{c}",
            }
        )
    payload = json.dumps(items, ensure_ascii=False).encode()
    if path is None:
        return payload
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("chat.html", "<html></html>")
        zf.writestr("conversations.json", payload)
        for i, (_pointer, name) in enumerate(pointers):
            zf.writestr(name, _image(rng, i), compress_type=zipfile.ZIP_STORED)
    with zipfile.ZipFile(path) as zf:
        largest = max(zf.infolist(), key=lambda i: i.file_size)
    return largest.filename, largest.file_size


def run(quick: bool = False) -> list[Result]:
    conversations, images = (20, 40) if quick else (1_000, 2_000)
    total = conversations * 100
    work = scratch_dir("import")
    export = work / "export.zip"
    largest_name, largest = build_export(conversations, 100, images, export, realistic=True)
    subprocess.run(  # her data folder, with its companion, as it is before she imports
        [sys.executable, "-c", _SETUP, str(work / "data")], cwd=ROOT, check=True
    )
    base = _counts(work / "data")
    found = run_command(work / "data", export)
    imported = _counts(work / "data")
    again = run_command(work / "data", export)
    assert (imported[0] - base[0], imported[1] - base[1]) == (total, images), found["said"]
    assert _counts(work / "data") == imported, again["said"]  # the second import adds nothing
    found["again"] = again["seconds"]
    found["rss_after_again_kb"] = again["indexed_kb"]
    rss = found["rss_kb"] * 1024
    grown = rss - found["before_kb"] * 1024
    print(
        f"{export.stat().st_size / 1e6:.0f} MB export zip; largest file {largest_name} "
        f"{largest / 1e6:.0f} MB; {total:,} messages, {images:,} photos; import "
        f"{found['seconds']:.1f} s, peak RSS {rss / 1e6:.0f} MB, of which the import added "
        f"{grown / 1e6:.0f} MB ({found['indexed_kb'] * 1024 / 1e6:.0f} MB once the search "
        f"index is built, {found['rss_after_again_kb'] * 1024 / 1e6:.0f} MB after the "
        "re-import)",
        file=sys.stderr,
    )
    return [
        Result(
            f"ChatGPT import, {total:,} messages + {images:,} photos (zip)",
            found["seconds"],
            "s",
            f"< {TARGET_S:.0f} s",
            found["seconds"] < TARGET_S,
        ),
        Result(
            f"ChatGPT import peak RSS ÷ largest file in the zip ({rss / 1e6:.0f} MB ÷ "
            f"{largest / 1e6:.0f} MB)",
            rss / largest,
            "×",
            "< 2×",
            rss < 2 * largest,
        ),
        Result(
            f"ChatGPT import's own growth of RSS ÷ largest file ({grown / 1e6:.0f} MB ÷ "
            f"{largest / 1e6:.0f} MB; the command's process is at "
            f"{found['before_kb'] * 1024 / 1e6:.0f} MB before it reads a message)",
            grown / largest,
            "×",
            "(reference)",
            True,
        ),
        Result(
            "the command's peak RSS ÷ largest file once the search index over the imported "
            f"messages is built (it waits for it; {found['indexed_kb'] * 1024 / 1e6:.0f} MB)",
            found["indexed_kb"] * 1024 / largest,
            "×",
            "(reference)",
            True,
        ),
        Result(
            "the command until it exits, the search index build included",
            found["total_seconds"],
            "s",
            "(reference)",
            True,
        ),
        Result(
            f"ChatGPT re-import (adds nothing), {total:,} messages",
            found["again"],
            "s",
            f"< {TARGET_S:.0f} s",
            found["again"] < TARGET_S,
        ),
    ]


if __name__ == "__main__":
    start = time.perf_counter()
    print_table(run("--quick" in sys.argv))
    print(f"(took {time.perf_counter() - start:.0f} s with setup)", file=sys.stderr)
