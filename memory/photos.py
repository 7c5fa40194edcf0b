"""Photos on disk: stored once by content hash, written atomically, downscaled for models.

Files live under `photos/` in the data folder, named by the SHA-256 of the bytes as uploaded;
uploaded file names never form paths. A file is written to `*.part` and renamed into place
before the row that names it is committed.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from memory.store import write_file_atomically

#: Refuse images whose pixel count would exhaust memory (decompression bombs).
Image.MAX_IMAGE_PIXELS = 120_000_000

MODEL_MAX_SIDE = 1024


class PhotoRejected(ValueError):
    """A file that is not a photo Kizuna can keep; the message says why, plainly."""


@dataclass(frozen=True)
class Photo:
    id: int
    outing_id: int | None
    sha256: str
    path: str
    taken_at: datetime | None
    original_name: str | None
    caption: str | None
    width: int | None
    height: int | None


_COLUMNS = "id, outing_id, sha256, path, taken_at, original_name, caption, width, height"


def _format_of(data: bytes) -> tuple[str, int, int]:
    if not data:
        raise PhotoRejected("The file is empty.")
    try:
        with Image.open(io.BytesIO(data)) as img:
            fmt = (img.format or "").lower()
            width, height = img.size
            img.verify()
    except Image.DecompressionBombError as exc:
        raise PhotoRejected("The image is far too large to open safely.") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise PhotoRejected("The file is not an image Kizuna can read.") from exc
    ext = {"jpeg": "jpg", "mpo": "jpg"}.get(fmt, fmt or "img")
    return ext, width, height


def add(
    store,
    data: bytes,
    *,
    original_name: str | None = None,
    outing_id: int | None = None,
    caption: str | None = None,
) -> Photo:
    """Store a photo's bytes (once per content) and record a row for it."""
    ext, width, height = _format_of(data)
    sha = hashlib.sha256(data).hexdigest()
    rel = f"photos/{sha[:2]}/{sha}.{ext}"
    target = store.path_of(rel)
    if not target.exists():
        write_file_atomically(target, data)
    row = store.execute(
        f"""INSERT INTO photos (outing_id, sha256, path, original_name, caption, width, height)
            VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING {_COLUMNS}""",
        [outing_id, sha, rel, original_name, caption, width, height],
    ).fetchone()
    return Photo(*row)


def get(store, photo_id: int) -> Photo | None:
    """One photo row by id."""
    row = store.execute(f"SELECT {_COLUMNS} FROM photos WHERE id = ?", [photo_id]).fetchone()
    return Photo(*row) if row else None


def for_model(store, photo_id: int, max_side: int = MODEL_MAX_SIDE) -> bytes:
    """The photo as a JPEG no larger than `max_side` on its long edge (never the full file)."""
    photo = get(store, photo_id)
    if photo is None:
        raise LookupError(f"No photo {photo_id}")
    with Image.open(store.path_of(photo.path)) as img:
        img.draft("RGB", (max_side, max_side))
        img = ImageOps.exif_transpose(img)
        img = img.convert("RGB")
        img.thumbnail((max_side, max_side))
        out = io.BytesIO()
        img.save(out, "JPEG", quality=85)
    return out.getvalue()


#: Long edge of the thumbnails shown in chat and the album (made once, kept in `thumbs/`).
THUMB_SIDE = 480


def thumbnail_path(store, photo: Photo) -> Path:
    """A small JPEG of the photo for display, made once and kept under `thumbs/`.

    Pages show this, never the original file (which may be a 12-megapixel HEIC).
    """
    rel = f"thumbs/{photo.sha256[:2]}/{photo.sha256}_{THUMB_SIDE}.jpg"
    target = store.path_of(rel)
    if target.exists():
        return target
    with Image.open(store.path_of(photo.path)) as img:
        img.draft("RGB", (THUMB_SIDE, THUMB_SIDE))
        upright = ImageOps.exif_transpose(img).convert("RGB")
        upright.thumbnail((THUMB_SIDE, THUMB_SIDE))
        out = io.BytesIO()
        upright.save(out, "JPEG", quality=85)
    write_file_atomically(target, out.getvalue())
    return target
