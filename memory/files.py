"""Writing files so that a crash never leaves half of one under its real name."""

from __future__ import annotations

import os
from pathlib import Path


def write_file_atomically(path: Path, data: bytes, *, sync: bool = True) -> None:
    """Write `data` to `path` via a temporary `.part` file renamed into place.

    `sync=False` leaves the flush to disk to the caller (one `os.sync()` for a batch of files,
    before the rows naming them are committed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        if sync:
            os.fsync(fh.fileno())
    os.replace(tmp, path)
