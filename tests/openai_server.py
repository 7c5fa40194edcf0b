"""A real HTTP server on 127.0.0.1 that speaks the OpenAI Chat Completions wire format.

It also answers the audio endpoints: `/v1/audio/speech` (JSON in, audio bytes out: the
scripted `Answer.audio`, else a short real WAV) and `/v1/audio/transcriptions` (real
multipart/form-data in, parsed into `body["fields"]` and `body["file"]`; the transcript is
the scripted answer's chunks joined).

Tests script what it answers (`server.script(...)`) and read what it received
(`server.requests`). It is the edge we fake: the real `openai` SDK talks to it over a real
socket, with real server-sent events.
"""

from __future__ import annotations

import io
import json
import math
import struct
import threading
import time
import wave
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Answer:
    """One scripted answer: a stream of chunks, an HTTP error, or a stream that is cut."""

    chunks: list[str] = field(default_factory=lambda: ["Hello", " there", "!"])
    status: int = 200
    error_body: dict | None = None
    cut_after: int | None = None  # close the socket after this many chunks, no [DONE]
    delay: float = 0.0  # seconds to wait before answering (for timeouts)
    chunk_delay: float = 0.0
    audio: bytes | None = None  # what /audio/speech answers (default: `tone_wav()`)


def tone_wav(seconds: float = 0.3, rate: int = 16_000, hz: float = 440.0) -> bytes:
    """A short, real WAV file (a quiet sine tone) — what a speech server might send."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        frames = b"".join(
            struct.pack("<h", int(3000 * math.sin(2 * math.pi * hz * i / rate)))
            for i in range(int(seconds * rate))
        )
        w.writeframes(frames)
    return out.getvalue()


def parse_multipart(content_type: str, raw: bytes) -> dict:
    """A multipart/form-data body as {"fields": {name: text}, "file": {name, filename, ...}}."""
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw
    )
    fields: dict[str, str] = {}
    file: dict | None = None
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        payload = part.get_payload(decode=True) or b""
        if filename is not None:
            file = {
                "name": name,
                "filename": filename,
                "content_type": part.get_content_type(),
                "data": payload,
            }
        else:
            fields[name] = payload.decode("utf-8", "replace")
    return {"fields": fields, "file": file}


@dataclass
class Moderation:
    """What /v1/moderations answers: flags per category (self-harm ones by default off),
    or an HTTP status (404: a server without a moderation endpoint)."""

    flagged: dict[str, bool] = field(default_factory=dict)
    status: int = 200


SELF_HARM = ("self-harm", "self-harm/intent", "self-harm/instructions")


def _completion(body: dict, text: str) -> dict:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 0,
        "model": body.get("model", "fake"),
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": text},
            }
        ],
    }


class FakeOpenAI:
    """The server plus its script; use as a context manager or call start()/stop().

    Chat requests land in `requests` and take scripted `Answer`s in order. The care second
    opinion has its own lanes so it never takes a chat answer: `/moderations` requests land
    in `moderation_requests` and are answered from `moderation`; a chat request asking for
    structured output (`response_format`, the classification fallback) lands in
    `classification_requests` and is answered with `classification` (JSON text).
    """

    def __init__(self):
        self.requests: list[dict] = []
        self.moderation = Moderation()
        self.moderation_requests: list[dict] = []
        self.classification = '{"tier": "none"}'
        self.classification_requests: list[dict] = []
        self.gets: list[str] = []  # every GET path, e.g. an image a page should never load
        self._script: list[Answer] = []
        self.default = Answer()
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def script(self, *answers: Answer) -> None:
        """Queue answers for the next requests (then the default answer)."""
        with self._lock:
            self._script.extend(answers)

    def next_answer(self) -> Answer:
        with self._lock:
            return self._script.pop(0) if self._script else self.default

    def start(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def last_messages(self) -> list[dict]:
        return self.requests[-1]["body"]["messages"]

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output quiet
                pass

            def do_GET(self):
                server.gets.append(self.path)
                if self.path.rstrip("/").endswith("/models"):
                    self._json(
                        200, {"object": "list", "data": [{"id": "fake-model", "object": "model"}]}
                    )
                else:
                    self._json(404, {"error": {"message": "not found"}})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                content_type = self.headers.get("Content-Type") or ""
                if content_type.startswith("multipart/form-data"):
                    body = parse_multipart(content_type, raw)
                else:
                    try:
                        body = json.loads(raw or b"{}")
                    except json.JSONDecodeError:
                        body = {"_raw": raw.decode("utf-8", "replace")}
                if self.path.rstrip("/").endswith("/moderations"):
                    server.moderation_requests.append(body)
                    self._moderate(body)
                    return
                wants_json = isinstance(body.get("response_format"), dict)
                if wants_json and self.path.rstrip("/").endswith("/chat/completions"):
                    server.classification_requests.append(body)
                    self._json(200, _completion(body, server.classification))
                    return
                server.requests.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": body,
                    }
                )
                answer = server.next_answer()
                if answer.delay:
                    time.sleep(answer.delay)
                if answer.status != 200:
                    payload = answer.error_body or {
                        "error": {
                            "message": f"scripted {answer.status}",
                            "type": "error",
                            "code": answer.status,
                        }
                    }
                    self._json(answer.status, payload)
                    return
                if self.path.rstrip("/").endswith("/audio/speech"):
                    self._bytes(answer.audio if answer.audio is not None else tone_wav())
                    return
                if self.path.rstrip("/").endswith("/audio/transcriptions"):
                    self._json(200, {"text": "".join(answer.chunks)})
                    return
                if not body.get("stream"):
                    text = "".join(answer.chunks)
                    self._json(
                        200,
                        {
                            "id": "chatcmpl-1",
                            "object": "chat.completion",
                            "created": 0,
                            "model": body.get("model", "fake"),
                            "choices": [
                                {
                                    "index": 0,
                                    "finish_reason": "stop",
                                    "message": {"role": "assistant", "content": text},
                                }
                            ],
                        },
                    )
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()
                model = body.get("model", "fake")
                for i, text in enumerate(answer.chunks):
                    if answer.cut_after is not None and i >= answer.cut_after:
                        self.wfile.flush()
                        self.close_connection = True
                        return
                    self._event(
                        {
                            "id": "chatcmpl-1",
                            "object": "chat.completion.chunk",
                            "created": 0,
                            "model": model,
                            "choices": [
                                {"index": 0, "delta": {"content": text}, "finish_reason": None}
                            ],
                        }
                    )
                    if answer.chunk_delay:
                        time.sleep(answer.chunk_delay)
                if answer.cut_after is not None:
                    self.close_connection = True
                    return
                self._event(
                    {
                        "id": "chatcmpl-1",
                        "object": "chat.completion.chunk",
                        "created": 0,
                        "model": model,
                        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                    }
                )
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

            def _moderate(self, body: dict) -> None:
                scripted = server.moderation
                if scripted.status != 200:
                    self._json(scripted.status, {"error": {"message": "no such endpoint"}})
                    return
                names = (
                    "harassment", "harassment/threatening", "hate", "hate/threatening",
                    "illicit", "illicit/violent", "self-harm", "self-harm/instructions",
                    "self-harm/intent", "sexual", "sexual/minors", "violence", "violence/graphic",
                )  # fmt: skip
                categories = {name: bool(scripted.flagged.get(name)) for name in names}
                scores = {name: 0.97 if flag else 0.001 for name, flag in categories.items()}
                result = {
                    "flagged": any(categories.values()),
                    "categories": categories,
                    "category_scores": scores,
                    "category_applied_input_types": {name: ["text"] for name in names},
                }
                self._json(
                    200,
                    {"id": "modr-1", "model": body.get("model", "fake"), "results": [result]},
                )

            def _event(self, payload: dict) -> None:
                self.wfile.write(b"data: " + json.dumps(payload).encode() + b"\n\n")
                self.wfile.flush()

            def _bytes(self, data: bytes) -> None:
                self.send_response(200)
                kind = "audio/wav" if data[:4] == b"RIFF" else "audio/mpeg"
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _json(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler
