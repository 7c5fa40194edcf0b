"""Private by default: the README's command listens on this computer only and calls nobody.

The sockets are read from the running process itself (/proc/<pid>/fd → /proc/net/tcp*), so the
test sees what a neighbour on the Wi-Fi could reach. Any HTTP call Streamlit would make on start
(its external-IP lookup uses `requests`, which honours HTTP(S)_PROXY) goes to a loopback proxy
that records it.
"""

from __future__ import annotations

import http.server
import ipaddress
import os
import threading
import typing
from pathlib import Path

import pytest

# `streamlit run app.py` as the README says, headless only because no desktop browser can open.
README_COMMAND = ["-m", "streamlit", "run", "app.py", "--server.headless", "true"]


def listening_addresses(pid: int) -> set[tuple[str, int]]:
    """(address, port) of every TCP socket `pid` listens on."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = set()
    for table, width in (("/proc/net/tcp", 4), ("/proc/net/tcp6", 16)):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state != "0A" or inode not in inodes:  # 0A = LISTEN
                continue
            hex_addr, hex_port = local.split(":")
            raw = bytes.fromhex(hex_addr)
            # /proc stores each 32-bit word in host (little-endian) order.
            raw = b"".join(raw[i : i + 4][::-1] for i in range(0, width, 4))
            found.add((str(ipaddress.ip_address(raw)), int(hex_port, 16)))
    return found


class _RecordingProxy(http.server.BaseHTTPRequestHandler):
    seen: typing.ClassVar[list[str]] = []

    def _record(self) -> None:
        self.seen.append(f"{self.command} {self.path}")
        self.send_response(502)
        self.end_headers()

    do_GET = do_POST = do_CONNECT = _record

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def recording_proxy():
    _RecordingProxy.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _RecordingProxy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _RecordingProxy.seen
    server.shutdown()


def test_readme_command_listens_on_loopback_only_and_calls_nobody(start_app, recording_proxy):
    proxy, seen = recording_proxy
    app = start_app(
        command=README_COMMAND,
        HTTP_PROXY=proxy,
        HTTPS_PROXY=proxy,
        http_proxy=proxy,
        https_proxy=proxy,
        NO_PROXY="",
    )
    bound = listening_addresses(app.proc.pid)
    assert (("127.0.0.1", app.port)) in bound
    assert {addr for addr, _ in bound} == {"127.0.0.1"}, bound
    log = app.log.read_text()
    assert "Network URL" not in log and "External URL" not in log
    assert "external IP" not in log
    assert seen == []  # no external-IP lookup, no other call on start
