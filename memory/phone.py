"""Phone mode: Kizuna on the local network, only with a passcode, only over HTTPS.

`streamlit run app.py` listens on 127.0.0.1 (`.streamlit/config.toml`). To reach Kizuna from
a phone on the same Wi-Fi, `python -m memory phone` starts the same app listening on every
interface with a certificate Kizuna made on this computer (`cryptography`; kept in the data
folder, valid for this computer's address and `localhost`), prints the address and a QR code
to scan. It refuses when no passcode is set, so the journal is never open to the network.
Nothing here starts a server inside the app: the command runs `streamlit run` with the right
flags, and the Settings page only explains and shows the QR code.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
import sys
from pathlib import Path

from memory import passcode
from memory.errors import KizunaError
from memory.i18n import _

DEFAULT_PORT = 8443
CERT_FOLDER = "tls"
CERT_DAYS = 825  # the longest lifetime phones accept for a certificate


class PhoneModeRefused(KizunaError):
    """Phone mode cannot start as asked (no passcode, port taken, certificate folder)."""


def lan_address() -> str:
    """This computer's address on the local network (127.0.0.1 when it has none).

    A UDP socket "connected" to a public address reveals which interface would be used; UDP
    connect sends no packet, so this makes no network call.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed, never contacted
            return sock.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def address(host: str, port: int = DEFAULT_PORT) -> str:
    """The https:// address a phone opens."""
    return f"https://{host}:{port}"


def check_ready(store) -> None:
    """Raise PhoneModeRefused (one sentence) unless a passcode is set."""
    if not passcode.is_set(store):
        raise PhoneModeRefused(
            _(
                "Phone mode needs a passcode first: set one on Settings → Care and privacy, "
                "then start phone mode again."
            )
        )


def check_port(port: int) -> None:
    """Raise PhoneModeRefused when another program already listens on `port`."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("0.0.0.0", port))
        except OSError:
            raise PhoneModeRefused(
                _(
                    "Port {port} is already in use; start phone mode with --port and another "
                    "number."
                ).format(port=port)
            ) from None


def certificate(data_dir: Path, host: str) -> tuple[Path, Path]:
    """(certificate, key) files for `host`, made on this computer on first use.

    A certificate is made again when the computer's address changed. Raises
    PhoneModeRefused when the folder cannot be written.
    """
    folder = Path(data_dir) / CERT_FOLDER
    cert_path, key_path = folder / "kizuna.crt", folder / "kizuna.key"
    if cert_path.is_file() and key_path.is_file() and _covers(cert_path, host):
        return cert_path, key_path
    try:
        folder.mkdir(parents=True, exist_ok=True)
        cert_pem, key_pem = _make(host)
        tmp_key = key_path.with_suffix(".key.tmp")
        with open(os.open(tmp_key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as fh:
            fh.write(key_pem)
        tmp_key.replace(key_path)
        tmp_cert = cert_path.with_suffix(".crt.tmp")
        tmp_cert.write_bytes(cert_pem)
        tmp_cert.replace(cert_path)
    except OSError:
        raise PhoneModeRefused(
            _(
                "Kizuna cannot write its certificate in {folder}; check that folder's permissions."
            ).format(folder=folder)
        ) from None
    return cert_path, key_path


def _names(host: str):
    from cryptography import x509

    names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    try:
        ip = ipaddress.ip_address(host)
        if str(ip) != "127.0.0.1":
            names.append(x509.IPAddress(ip))
    except ValueError:
        names.append(x509.DNSName(host))
    return names


def _make(host: str) -> tuple[bytes, bytes]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Kizuna on this computer")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=CERT_DAYS))
        .add_extension(x509.SubjectAlternativeName(_names(host)), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def _covers(cert_path: Path, host: str) -> bool:
    from cryptography import x509

    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (ValueError, x509.ExtensionNotFound, OSError):
        return False
    if cert.not_valid_after_utc < dt.datetime.now(dt.UTC) + dt.timedelta(days=1):
        return False
    return {str(n.value) for n in _names(host)} <= {str(n.value) for n in sans}


def qr_png(text: str, *, scale: int = 8) -> bytes:
    """A QR code of `text` as PNG bytes (segno)."""
    import io

    import segno

    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def qr_text(text: str) -> str:
    """The same QR code drawn with block characters, for the terminal."""
    import io

    import segno

    out = io.StringIO()
    segno.make(text, error="m").terminal(out=out, compact=True, border=2)
    return out.getvalue()


def streamlit_command(app: Path, host: str, port: int, cert: Path, key: str | Path) -> list[str]:
    """The `streamlit run` command line for phone mode (Streamlit's own options only)."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.address",
        "0.0.0.0",
        "--server.port",
        str(port),
        "--server.sslCertFile",
        str(cert),
        "--server.sslKeyFile",
        str(key),
        "--browser.serverAddress",
        host,
        "--browser.serverPort",
        str(port),
        "--server.headless",
        "true",
    ]
