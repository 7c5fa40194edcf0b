"""Phone mode: refused without a passcode; with one, HTTPS on the LAN with Kizuna's certificate.

The server is reached on 127.0.0.1 only (it listens on every interface, which is what the
test checks from its sockets); no traffic goes to any other address.
"""

from __future__ import annotations

import socket
import ssl
import subprocess
import sys

from cryptography import x509

from memory import Store, passcode, phone
from tests.conftest import ROOT
from tests.e2e.conftest import wait_for_app
from tests.e2e.test_private_server import listening_addresses


def run_cli(*args, data_dir):
    return subprocess.run(
        [sys.executable, "-m", "memory", "phone", "--data-dir", str(data_dir), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_phone_mode_refuses_without_a_passcode(tmp_path):
    data = tmp_path / "data"
    Store.open(data).close()
    done = run_cli(data_dir=data)
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "Phone mode needs a passcode first: set one on Settings → Care and privacy, "
        "then start phone mode again."
    )
    assert not (data / phone.CERT_FOLDER).exists()


def test_port_in_use_and_unwritable_certificate_folder_are_one_sentence_each(tmp_path):
    data = tmp_path / "data"
    with Store.open(data) as s:
        passcode.set_passcode(s, "garden-2468")
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_cli("--port", str(port), data_dir=data)
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"Port {port} is already in use; start phone mode with --port and another number."
    )
    (data / phone.CERT_FOLDER).write_text("not a folder")  # a file where the folder goes
    done = run_cli("--port", "0", data_dir=data)
    assert done.returncode == 1
    assert done.stderr.strip().startswith("Kizuna cannot write its certificate in ")
    assert done.stderr.count("\n") == 1


def test_phone_mode_serves_https_on_the_lan_with_its_own_certificate(start_app, browser, tmp_path):
    data = tmp_path / "data"
    with Store.open(data) as s:
        passcode.set_passcode(s, "garden-2468")
    host = "127.0.0.1"  # the address in the certificate and QR code; reached on loopback only
    cert, key = phone.certificate(data, host)
    command = phone.streamlit_command(ROOT / "app.py", host, 0, cert, key)[1:]
    command = (
        command[: command.index("--server.port")] + command[command.index("--server.port") + 2 :]
    )
    app = start_app(data, command=command, scheme="https")
    bound = listening_addresses(app.proc.pid)
    assert {addr for addr, _ in bound} <= {"0.0.0.0", "::"}, bound
    # the certificate the server presents is the one Kizuna made, naming the address
    pem = ssl.get_server_certificate(("127.0.0.1", app.port))
    served = x509.load_pem_x509_certificate(pem.encode())
    assert served == x509.load_pem_x509_certificate(cert.read_bytes())
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(app.url + "/album")
        wait_for_app(page)
        page.get_by_text("Kizuna is locked").wait_for()
    finally:
        context.close()
    qr = phone.qr_png(phone.address(host, app.port))
    assert qr.startswith(b"\x89PNG")
