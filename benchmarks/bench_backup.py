"""Backup and restore at scale: 1,000,000 messages and 200 photos, backed up through the live
connection, then restored into a fresh folder (checksums verified, sequences continued)."""

from __future__ import annotations

import io
import sys
import time

from PIL import Image

from benchmarks.common import Result, print_table, scratch_dir, store_with_messages
from memory import backup, photos


def run(quick: bool = False) -> list[Result]:
    n = 20_000 if quick else 1_000_000
    folder = scratch_dir("backup")
    store = store_with_messages(folder / "data", n)
    for i in range(20 if quick else 200):
        out = io.BytesIO()
        Image.new("RGB", (800, 600), (i % 256, 80, 160)).save(out, "JPEG")
        photos.add(store, out.getvalue(), original_name=f"{i}.jpg")
    start = time.perf_counter()
    info = backup.create(store, folder / "b.zip")
    made = time.perf_counter() - start
    store.close()
    start = time.perf_counter()
    backup.restore(folder / "b.zip", folder / "restored")
    restored = time.perf_counter() - start
    size = info.size / 1e6
    print(f"{n:,} messages → {size:,.0f} MB zip", file=sys.stderr)
    return [
        Result(f"backup, {n:,} messages + photos", made, "s", "< 30 s", made < 30),
        Result(f"restore, {n:,} messages + photos", restored, "s", "< 60 s", restored < 60),
    ]


if __name__ == "__main__":
    print_table(run("--quick" in sys.argv))
