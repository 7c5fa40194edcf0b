"""A small real disk for tests of a full disk: a tmpfs mounted for the test's length."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def small_tmpfs(mount: Path, size: str) -> Iterator[bool]:
    """Mount a tmpfs of `size` (e.g. "24m") on `mount`; yields whether it could be mounted
    (it needs root, as here and in CI; callers fall back to an injected full disk)."""
    mount.mkdir(parents=True, exist_ok=True)
    mounted = (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)],
            capture_output=True,
        ).returncode
        == 0
    )
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(mount)], capture_output=True)
