"""Start-up checks that leave the data folder consistent after a crash or a kill.

A photo file is renamed into place before the row that names it is committed (see
`memory.photos`), so a process killed between the two leaves a file no row refers to. Such
files are not deleted — nothing is lost — but moved out of `photos/` into `unreferenced/`,
where the user can look at them; every file under `photos/` is then named by a row.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

UNREFERENCED = "unreferenced"

_CONTENT_NAME = re.compile(r"^([0-9a-f]{64})(?:\.[A-Za-z0-9]+)?$")


def set_aside_unreferenced_photos(store) -> list[Path]:
    """Move content-named files under `photos/` whose hash no photo row holds to `unreferenced/`.

    Only files named `<sha256>.<ext>` are considered (files derived from a photo and named by
    its hash count as referenced). Returns the new paths of the files moved.
    """
    folder = store.photos_dir
    if not folder.is_dir():
        return []
    files: list[tuple[str, str]] = []  # (directory, file name) of content-named files
    for directory, _, names in os.walk(folder):
        files.extend((directory, name) for name in names if _CONTENT_NAME.match(name))
    if not files:
        return []
    known = {row[0] for row in store.execute("SELECT DISTINCT sha256 FROM photos").fetchall()}
    moved: list[Path] = []
    for directory, name in sorted(files):
        if name[:64] in known:
            continue
        path = Path(directory) / name
        target = store.data_dir / UNREFERENCED / path.relative_to(folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            # Same content-hash name: the copy already set aside is the same file.
            path.unlink()
        else:
            os.replace(path, target)
        moved.append(target)
    return moved
