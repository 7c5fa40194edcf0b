"""`python -m memory phone`: serve Kizuna to your phone on the local network (HTTPS, passcode)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from memory import phone
from memory.cli import open_store
from memory.i18n import _

APP = Path(__file__).resolve().parents[2] / "app.py"


def register(sub) -> None:
    p = sub.add_parser(
        "phone", help=_("serve Kizuna on the local network over HTTPS (needs a passcode)")
    )
    p.add_argument("--data-dir", default=None, help=_("data folder"))
    p.add_argument("--port", type=int, default=phone.DEFAULT_PORT, help=_("the port to serve on"))
    p.add_argument(
        "--host",
        default=None,
        help=_("the name or address the phone uses (default: this computer's LAN address)"),
    )
    p.set_defaults(run=run)


def run(args) -> int:
    with open_store(args) as store:
        phone.check_ready(store)
        data_dir = Path(store.data_dir)
    host = args.host or phone.lan_address()
    phone.check_port(args.port)
    cert, key = phone.certificate(data_dir, host)
    url = phone.address(host, args.port)
    print(phone.qr_text(url))
    print(_("Open {url} on your phone (same Wi-Fi), or scan the code above.").format(url=url))
    print(
        _(
            "The first time, the phone warns that the certificate is not from a known "
            "authority: it is Kizuna's own, made on this computer. Press Ctrl+C to stop."
        )
    )
    env = {**os.environ, "KIZUNA_DATA_DIR": str(data_dir)}
    try:
        return subprocess.call(
            phone.streamlit_command(APP, host, args.port, cert, key), cwd=APP.parent, env=env
        )
    except KeyboardInterrupt:
        return 0
