"""Photos on disk: stored once by content hash, written atomically, downscaled for models.

Files live under `photos/` in the data folder, named by the SHA-256 of the bytes as uploaded;
uploaded file names never form paths (they are kept, cleaned, only as a label). A file is
written to `*.part` and renamed into place before the row that names it is committed.

Import reads everything it needs in one pass over a *reduced* decode: JPEGs are opened in
draft mode (the decoder scales by 1/2, 1/4 or 1/8 while decoding), which is why importing a
12-megapixel photo costs less than decoding it fully. From that pass come the EXIF facts
(orientation, taken-at time, GPS), the dominant colours and a thumbnail, made once and
reused. Browsers cannot show HEIC, so the album only ever shows the thumbnail or the
`large` JPEG derivative, never the original.

Several rows may name the same file (the same photo in two outings, or attached in chat):
a file is removed only when no row names it any more. A crash between writing a file and
committing its row leaves a file no row names; `sweep_unreferenced_files` (run at start-up)
removes it.
"""

from __future__ import annotations

import colorsys
import errno
import hashlib
import io
import os
import re
import struct
import threading
import unicodedata
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image, ImageOps, UnidentifiedImageError

from memory import settings
from memory.errors import InvalidInput, KizunaError, NotEnoughSpace
from memory.files import write_file_atomically
from memory.i18n import _, ngettext

try:  # HEIC/HEIF straight from a phone
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover - pillow-heif is pinned in requirements.txt
    pass

#: Pixels decoded in full at most (decompression bombs): about 360 MB of RGB.
FULL_DECODE_PIXELS = 120_000_000
#: Pixels a photo may declare at most. Current phones make 200-megapixel photos
#: (12240×16320); JPEGs that large are decoded at 1/8 scale (draft mode) and HEIC at its
#: embedded thumbnail where one fits, else in full within this ceiling (about 770 MB).
PHONE_MAX_PIXELS = 256_000_000
#: Formats Kizuna decodes past FULL_DECODE_PIXELS (the ones phones write).
_LARGE_FORMATS = {"jpeg", "mpo", "heif", "heic"}
#: Fewer file bytes per declared pixel than this, past FULL_DECODE_PIXELS, means the header
#: lies about the size: a real 200-MP photo from a phone is 10–40 MB (0.05–0.2 bytes a pixel).
MIN_BYTES_PER_PIXEL = 0.01
Image.MAX_IMAGE_PIXELS = PHONE_MAX_PIXELS
#: Largest file accepted, in bytes (a 12-bit RAW-ish JPEG from a good phone is ~25 MB).
MAX_BYTES = 60 * 1024 * 1024

MODEL_MAX_SIDE = 1024
THUMB_SIDE = 480
LARGE_SIDE = 1600
ACCEPTED_FORMATS = {"jpeg", "mpo", "png", "webp", "heif", "heic", "gif", "avif", "bmp", "tiff"}


class PhotosNotSaved(KizunaError, OSError):
    """Photo files could not be written (other than a full disk); nothing was added."""


class PhotoRejected(InvalidInput):
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
    gps_lat: float | None = None
    gps_lon: float | None = None
    thumb_path: str | None = None
    position: int = 0
    size_bytes: int | None = None
    format: str | None = None
    colours: str | None = None
    created_at: datetime | None = None

    @property
    def label(self) -> str:
        """What to call this photo on screen: its caption, else its file name."""
        return self.caption or self.original_name or f"Photo {self.id}"


_COLUMNS = (
    "id, outing_id, sha256, path, taken_at, original_name, caption, width, height, gps_lat, "
    "gps_lon, thumb_path, position, size_bytes, format, colours, created_at"
)


@dataclass(frozen=True)
class Prepared:
    """Everything read from a file before anything is written."""

    data: bytes
    sha256: str
    ext: str
    fmt: str
    width: int
    height: int
    orientation: int
    taken_at: datetime | None
    gps_lat: float | None
    gps_lon: float | None
    colours: str
    thumb_jpeg: bytes
    #: True when the image library warned while reading (damaged EXIF, a malformed MPO…).
    damaged_details: bool = False


@dataclass(frozen=True)
class Added:
    """The outcome of adding one file: the photo row and whether it was already there."""

    photo: Photo
    duplicate: bool = False
    shared_file: bool = False


# -- names -----------------------------------------------------------------------------------
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean_name(name: str | None) -> str | None:
    """An uploaded file name made safe to show and store: no folders, no control characters.

    `../../etc/passwd.jpg` becomes `passwd.jpg`; `写真 1.heic` stays as it is (NFC).
    The name is a label only: paths are always built from the content hash.
    """
    if not name:
        return None
    name = unicodedata.normalize("NFC", str(name))
    name = re.split(r"[\\/]", name)[-1]
    name = _CONTROL.sub("", name).strip().lstrip(".").strip()
    return name[:200] or None


# -- reading a file ----------------------------------------------------------------------------
def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def _orientation(exif) -> int:
    try:
        value = int(exif.get(0x0112, 1))
    except (TypeError, ValueError):
        return 1
    return value if 1 <= value <= 8 else 1


def _taken_at(exif, tz: ZoneInfo) -> datetime | None:
    """DateTimeOriginal (else DateTime), with its recorded offset or else the user's zone."""
    try:
        sub = exif.get_ifd(0x8769)
    except Exception:  # malformed EXIF must never stop an import
        sub = {}
    raw = sub.get(0x9003) or sub.get(0x9004) or exif.get(0x0132)
    if not raw:
        return None
    try:
        text = raw.decode() if isinstance(raw, bytes) else str(raw)
        stamp = datetime.strptime(text.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except (ValueError, UnicodeDecodeError):
        return None
    offset = sub.get(0x9011) or sub.get(0x9010)
    if offset:
        match = re.fullmatch(r"([+-])(\d{2}):(\d{2})", str(offset).strip("\x00 "))
        if match:
            sign = 1 if match.group(1) == "+" else -1
            delta = timedelta(hours=int(match.group(2)), minutes=int(match.group(3)))
            return stamp.replace(tzinfo=timezone(sign * delta)).astimezone(UTC)
    return stamp.replace(tzinfo=tz).astimezone(UTC)


def _gps(exif) -> tuple[float | None, float | None]:
    try:
        gps = exif.get_ifd(0x8825)
    except Exception:
        return None, None
    if not gps:
        return None, None

    def degrees(value, ref) -> float | None:
        try:
            d, m, s = (float(x) for x in value)
        except (TypeError, ValueError, ZeroDivisionError):
            return None
        result = d + m / 60 + s / 3600
        if str(ref).strip("\x00 ").upper() in ("S", "W"):
            result = -result
        return round(result, 7)

    lat = degrees(gps.get(2), gps.get(1, "N"))
    lon = degrees(gps.get(4), gps.get(3, "E"))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    return lat, lon


def to_rgb(img: Image.Image) -> Image.Image:
    """Any mode (16-bit, CMYK, palette, alpha) as 8-bit RGB; transparency over white."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        # 16-bit greyscale: scale to 8 bits instead of clipping everything to white.
        img = img.convert("I").point(lambda v: v / 256).convert("L")
    if img.mode == "P":
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return img.convert("RGB") if img.mode != "RGB" else img


_COLOUR_NAMES = [
    (15, "red"),
    (40, "orange"),
    (65, "yellow"),
    (160, "green"),
    (195, "teal"),
    (255, "blue"),
    (290, "purple"),
    (335, "pink"),
    (360, "red"),
]


def colour_name(rgb: tuple[int, int, int]) -> str:
    """A plain English name for a colour ("deep blue", "pale green", "white")."""
    r, g, b = (c / 255 for c in rgb)
    h, lightness, s = colorsys.rgb_to_hls(r, g, b)
    if lightness > 0.9:
        return "white"
    if lightness < 0.12:
        return "black"
    if s < 0.15:
        return "grey"
    hue = h * 360
    name = next(n for limit, n in _COLOUR_NAMES if hue <= limit)
    if name == "orange" and lightness < 0.4:
        name = "brown"
    if lightness < 0.3:
        return f"deep {name}"
    if lightness > 0.75:
        return f"pale {name}"
    return name


def dominant_colours(img: Image.Image, n: int = 3) -> list[str]:
    """The names of the colours covering most of an RGB image, most common first."""
    small = img.resize((32, 32), Image.Resampling.BOX)
    quantized = small.quantize(colors=6, method=Image.Quantize.MEDIANCUT)
    palette = quantized.getpalette() or []
    names: list[str] = []
    for _count, index in sorted(quantized.getcolors() or [], reverse=True):
        name = colour_name(tuple(palette[index * 3 : index * 3 + 3]))
        if name not in names:
            names.append(name)
    return names[:n]


def _jpeg(img: Image.Image, quality: int = 82) -> bytes:
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality, optimize=False, progressive=False)
    return out.getvalue()


def prepare(data: bytes, *, tz: ZoneInfo | None = None) -> Prepared:
    """Check a file and read all it holds, writing nothing; raise `PhotoRejected` if unusable."""
    if not data:
        raise PhotoRejected("The file is empty (0 bytes).")
    if len(data) > MAX_BYTES:
        raise PhotoRejected(
            f"The file is {_megabytes(len(data))}; Kizuna keeps photos up to "
            f"{_megabytes(MAX_BYTES)}."
        )
    tz = tz or ZoneInfo("UTC")
    try:
        with warnings.catch_warnings(record=True) as heard:
            warnings.simplefilter("always")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            fmt = (img.format or "").lower()
            if fmt not in ACCEPTED_FORMATS:
                raise PhotoRejected(f"Kizuna does not keep {fmt.upper() or 'this kind of'} files.")
            width, height = img.size
            _check_size(fmt, width, height, len(data))
            exif = img.getexif()
            orientation = _orientation(exif)
            taken_at = _taken_at(exif, tz)
            gps_lat, gps_lon = _gps(exif)
            scale = THUMB_SIDE / max(width, height)
            box = (max(1, round(width * scale)), max(1, round(height * scale)))
            if fmt in ("jpeg", "mpo", "heif", "heic"):
                # Draft mode: the JPEG decoder scales by 1/2, 1/4 or 1/8 while decoding — the
                # import's speed, and bounded memory for 200 MP (decoded as 3 MP). For HEIF the
                # decoder uses the embedded thumbnail instead when one is at least this large.
                img.draft("RGB", box)
            img.seek(0)  # animated GIF/WebP: the first frame stands for the photo
            img.load()
        damaged_details = any(
            not issubclass(w.category, Image.DecompressionBombWarning) for w in heard
        )
    except PhotoRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoRejected(
            "The image declares more pixels than Kizuna opens safely "
            f"(over {PHONE_MAX_PIXELS // 1_000_000} megapixels)."
        ) from exc
    except UnidentifiedImageError as exc:
        raise PhotoRejected("The file is not an image Kizuna can read.") from exc
    except (OSError, SyntaxError, ValueError, EOFError, struct.error) as exc:
        if "truncated" in str(exc).lower() or isinstance(exc, EOFError):
            raise PhotoRejected("The image is cut short (the file is incomplete).") from exc
        raise PhotoRejected("The image is damaged and cannot be read.") from exc
    try:
        upright = to_rgb(ImageOps.exif_transpose(img))
    except (OSError, ValueError) as exc:
        raise PhotoRejected("The image is damaged and cannot be read.") from exc
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    thumb = upright
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.BILINEAR)
    sha = hashlib.sha256(data).hexdigest()
    ext = {"jpeg": "jpg", "mpo": "jpg", "heif": "heic"}.get(fmt, fmt)
    return Prepared(
        data=data,
        sha256=sha,
        ext=ext,
        fmt=fmt,
        width=width,
        height=height,
        orientation=orientation,
        taken_at=taken_at,
        gps_lat=gps_lat,
        gps_lon=gps_lon,
        colours=", ".join(dominant_colours(thumb)),
        thumb_jpeg=_jpeg(thumb),
        damaged_details=damaged_details,
    )


def _check_size(fmt: str, width: int, height: int, size: int) -> None:
    """Refuse what cannot be decoded within bounded memory, or whose header lies."""
    pixels = width * height
    if pixels <= FULL_DECODE_PIXELS:
        return
    if fmt not in _LARGE_FORMATS:
        raise PhotoRejected(
            "The image declares more pixels than Kizuna opens safely "
            f"(over {FULL_DECODE_PIXELS // 1_000_000} megapixels)."
        )
    if size < pixels * MIN_BYTES_PER_PIXEL:
        raise PhotoRejected(
            f"The image claims to be {width:,}×{height:,} pixels, far more than its "
            f"{_megabytes(size) if size >= 1 << 20 else f'{size / 1024:,.0f} KB'} could hold, "
            "so Kizuna does not open it."
        )


# -- storing ---------------------------------------------------------------------------------
def _rel_paths(sha: str, ext: str) -> tuple[str, str]:
    return f"photos/{sha[:2]}/{sha}.{ext}", f"thumbs/{sha[:2]}/{sha}_{THUMB_SIDE}.jpg"


def _write_files(store, prepared: Prepared, sync: bool = True) -> tuple[str, str]:
    rel, thumb_rel = _rel_paths(prepared.sha256, prepared.ext)
    for path, data in ((rel, prepared.data), (thumb_rel, prepared.thumb_jpeg)):
        target = store.path_of(path)
        if target.exists():  # stored once, reused by every row of this content
            continue
        try:
            if sync:
                write_file_atomically(target, data)
            else:
                write_file_atomically(target, data, sync=False)
        except BaseException:
            # a write that failed part-way (a full disk, say) leaves no `.part` behind
            target.with_name(target.name + ".part").unlink(missing_ok=True)
            raise
    return rel, thumb_rel


def _not_saved(exc: OSError, count: int) -> KizunaError:
    """The sentence for photo files that could not be written; nothing was added."""
    if exc.errno == errno.ENOSPC:
        return NotEnoughSpace(
            ngettext(
                "The disk is full, so the photo could not be saved and nothing was added. "
                "Free some space and try again.",
                "The disk is full, so the {n} photos could not be saved and nothing was added. "
                "Free some space and try again.",
                count,
            ).format(n=count)
        )
    return PhotosNotSaved(
        _("Kizuna could not save the photos ({reason}), so nothing was added.").format(
            reason=exc.strerror or exc
        )
    )


_INSERT = f"""
    INSERT INTO photos (outing_id, sha256, path, taken_at, original_name, caption, width,
        height, gps_lat, gps_lon, thumb_path, position, size_bytes, format, colours, orientation)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING {_COLUMNS}
"""


#: Content hashes whose files are written but whose rows are not yet committed, in this
#: process. Another process cannot be importing: DuckDB lets one process open the folder.
_IN_FLIGHT: set[str] = set()
_IN_FLIGHT_LOCK = threading.Lock()


@dataclass(frozen=True)
class Outcome:
    """What became of one file given to `ingest_many`: `added`, or `rejected` with a reason."""

    name: str
    added: Added | None = None
    rejected: str | None = None
    #: One sentence naming the file when it was kept but its details could not all be read.
    note: str | None = None


def damaged_details_note(name: str) -> str:
    """The sentence for a photo kept although the image library warned while reading it."""
    return _(
        "{name} was kept, but some of its details (such as the date or the place) are damaged "
        "and could not be read."
    ).format(name=name)


def ingest_many(
    store,
    files,
    *,
    outing_id: int | None = None,
    caption: str | None = None,
    progress=None,
    new_outing=None,
    sync_each: bool = True,
    empty_outing: bool = True,
) -> list[Outcome]:
    """Check, read and store many files; one `Outcome` per file, in order.

    Each file is read and its files written (once per content) as it comes, calling
    `progress(done, total, name)`; then every new row is committed in one transaction.
    A bad file is reported and skipped. In an outing, content already there (or twice in
    this batch) is recognised as a duplicate and not added again.

    `new_outing(cur) -> id` creates the outing the photos go into inside that same
    transaction, so an outing and its photos land together or not at all (a full disk or a
    killed process leaves no empty outing). With `empty_outing=False` no outing is made
    when no file could be kept (a share of only damaged files makes nothing). A file that
    cannot be written raises `NotEnoughSpace` (a full disk) or `PhotosNotSaved`, after
    removing what was written.

    `sync_each=False` (an import of thousands of files) flushes the batch to disk with one
    `os.sync()` before the commit instead of one fsync per file.
    """
    files = list(files)
    written: set[str] = set()
    try:
        return _ingest_many(
            store,
            files,
            outing_id,
            caption,
            progress,
            written,
            new_outing,
            sync_each,
            empty_outing,
        )
    except BaseException as exc:
        # Nothing half-done stays: files whose rows did not commit are removed now.
        remove_unreferenced_files(store, written)
        if isinstance(exc, OSError) and not isinstance(exc, KizunaError):
            raise _not_saved(exc, len(files)) from exc
        raise
    finally:
        with _IN_FLIGHT_LOCK:
            _IN_FLIGHT.difference_update(written)


#: Photos are read on this many threads at once: decoding, scaling, encoding the thumbnail
#: and hashing run in Pillow's and hashlib's C code without holding the GIL.
PREPARE_THREADS = max(1, min(2, os.cpu_count() or 1))


def _prepare_in_order(datas: list[bytes], tz) -> Iterator[Prepared | PhotoRejected]:
    """`prepare` for each file, in order, working ahead on `PREPARE_THREADS` threads."""

    def one(data: bytes) -> Prepared | PhotoRejected:
        try:
            return prepare(data, tz=tz)
        except PhotoRejected as exc:
            return exc

    if len(datas) < 2 or PREPARE_THREADS < 2:
        yield from map(one, datas)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(PREPARE_THREADS, thread_name_prefix="kizuna-photos") as pool:
        # At most a few files ahead of the one being stored: memory stays bounded by the
        # batch already in memory, and progress follows the files as they are stored.
        ahead = PREPARE_THREADS * 2
        pending = [pool.submit(one, d) for d in datas[:ahead]]
        for i in range(len(datas)):
            result = pending[i].result()
            pending[i] = None  # type: ignore[call-overload]
            if i + ahead < len(datas):
                pending.append(pool.submit(one, datas[i + ahead]))
            yield result


def _ingest_many(
    store,
    files,
    outing_id,
    caption,
    progress,
    written,
    new_outing=None,
    sync_each=True,
    empty_outing=True,
) -> list[Outcome]:
    in_outing = outing_id is not None or new_outing is not None
    tz = settings.timezone(store)
    known: dict[str, int] = {}
    if outing_id is not None:
        known = dict(
            store.execute(
                "SELECT sha256, min(id) FROM photos WHERE outing_id = ? GROUP BY sha256",
                [outing_id],
            ).fetchall()
        )
    pending: list[tuple[int, str, Prepared, str | None, str]] = []
    outcomes: list[Outcome | None] = [None] * len(files)
    duplicates: dict[int, str] = {}  # index -> content hash, resolved after the commit
    batch: set[str] = set()
    for index, ((raw_name, _data), prepared) in enumerate(
        zip(files, _prepare_in_order([data for _name, data in files], tz), strict=True)
    ):
        name = clean_name(raw_name) or f"file {index + 1}"
        if isinstance(prepared, PhotoRejected):
            outcomes[index] = Outcome(name, rejected=str(prepared))
        else:
            if in_outing and (prepared.sha256 in known or prepared.sha256 in batch):
                outcomes[index] = Outcome(name)
                duplicates[index] = prepared.sha256
            else:
                batch.add(prepared.sha256)
                with _IN_FLIGHT_LOCK:  # the start-up sweep must not take these files
                    _IN_FLIGHT.add(prepared.sha256)
                written.add(prepared.sha256)
                _, thumb_rel = _write_files(store, prepared, sync=sync_each)
                pending.append((index, name, prepared, raw_name, thumb_rel))
        if progress is not None:
            progress(index + 1, len(files), name)
    if new_outing is not None and not pending and (empty_outing or duplicates):
        with store.transaction() as cur:
            new_outing(cur)
    if pending and not sync_each:
        os.sync()  # every file of the batch is on disk before a row names it
    if pending:
        shas = [p.sha256 for _, _, p, _, _ in pending]
        shared = {
            r[0]
            for r in store.execute(
                "SELECT DISTINCT sha256 FROM photos WHERE sha256 IN (SELECT unnest(?::VARCHAR[]))",
                [shas],
            ).fetchall()
        }
        with store.transaction() as cur:
            if new_outing is not None:
                outing_id = new_outing(cur)
            position = 0
            if outing_id is not None:
                position = cur.execute(
                    "SELECT coalesce(max(position) + 1, 0) FROM photos WHERE outing_id = ?",
                    [outing_id],
                ).fetchone()[0]
            for offset, (index, name, prepared, raw_name, thumb_rel) in enumerate(pending):
                rel = _rel_paths(prepared.sha256, prepared.ext)[0]
                row = cur.execute(
                    _INSERT,
                    [
                        outing_id,
                        prepared.sha256,
                        rel,
                        prepared.taken_at,
                        clean_name(raw_name),
                        caption,
                        prepared.width,
                        prepared.height,
                        prepared.gps_lat,
                        prepared.gps_lon,
                        thumb_rel,
                        position + offset,
                        len(prepared.data),
                        prepared.fmt,
                        prepared.colours,
                        prepared.orientation,
                    ],
                ).fetchone()
                photo = Photo(*row)
                known.setdefault(prepared.sha256, photo.id)
                outcomes[index] = Outcome(
                    name,
                    Added(photo, shared_file=prepared.sha256 in shared),
                    note=damaged_details_note(name) if prepared.damaged_details else None,
                )
            if outing_id is not None:
                cur.execute(
                    "UPDATE outings SET cover_photo_id = ? WHERE id = ? AND cover_photo_id IS NULL",
                    [known[pending[0][2].sha256], outing_id],
                )
    for index, sha in duplicates.items():
        original = get(store, known[sha])
        outcomes[index] = Outcome(outcomes[index].name, Added(original, duplicate=True))
    return outcomes


def ingest(
    store,
    data: bytes,
    *,
    original_name: str | None = None,
    outing_id: int | None = None,
    caption: str | None = None,
) -> Added:
    """Check, read and store one file; raise `PhotoRejected` with a plain reason if unusable."""
    (outcome,) = ingest_many(store, [(original_name, data)], outing_id=outing_id, caption=caption)
    if outcome.rejected is not None:
        raise PhotoRejected(outcome.rejected)
    return outcome.added


def add(
    store,
    data: bytes,
    *,
    original_name: str | None = None,
    outing_id: int | None = None,
    caption: str | None = None,
) -> Photo:
    """Store a photo's bytes (once per content) and return its row (see `ingest`)."""
    return ingest(
        store, data, original_name=original_name, outing_id=outing_id, caption=caption
    ).photo


# -- reading ---------------------------------------------------------------------------------
def get(store, photo_id: int) -> Photo | None:
    """One photo row by id."""
    row = store.execute(f"SELECT {_COLUMNS} FROM photos WHERE id = ?", [photo_id]).fetchone()
    return Photo(*row) if row else None


def of_outing(store, outing_id: int, *, limit: int | None = None, offset: int = 0) -> list[Photo]:
    """The photos of an outing in album order."""
    sql = f"SELECT {_COLUMNS} FROM photos WHERE outing_id = ? ORDER BY position, id"
    params: list = [outing_id]
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [limit, offset]
    return [Photo(*r) for r in store.execute(sql, params).fetchall()]


def _derivative(store, photo: Photo, side: int) -> Path:
    """A JPEG of the photo no larger than `side`, made once and kept beside the thumbnails."""
    rel = f"thumbs/{photo.sha256[:2]}/{photo.sha256}_{side}.jpg"
    target = store.path_of(rel)
    if target.exists():
        return target
    with _quiet(), Image.open(store.path_of(photo.path)) as img:
        img.draft("RGB", (side, side))
        img.seek(0)
        upright = to_rgb(ImageOps.exif_transpose(img))
        upright.thumbnail((side, side))
        write_file_atomically(target, _jpeg(upright, quality=88))
    return target


@contextmanager
def _quiet():
    """Pillow's own warnings about a kept photo (already told at import) are not printed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        yield


def thumbnail_path(store, photo: Photo) -> Path:
    """The thumbnail's file (made at import; remade if it went missing)."""
    if photo.thumb_path and store.path_of(photo.thumb_path).is_file():
        return store.path_of(photo.thumb_path)
    return _derivative(store, photo, THUMB_SIDE)


def large_path(store, photo: Photo) -> Path:
    """A large JPEG for the full view (browsers cannot show HEIC; originals can be huge)."""
    return _derivative(store, photo, LARGE_SIDE)


def viewable(store, photo: Photo, *, large: bool = False) -> Path | None:
    """The thumbnail (or large JPEG) to show, or None when the photo's file has gone missing."""
    try:
        return large_path(store, photo) if large else thumbnail_path(store, photo)
    except (OSError, ValueError):
        return None


def for_model(store, photo_id: int, max_side: int = MODEL_MAX_SIDE) -> bytes:
    """The photo as a JPEG no larger than `max_side` on its long edge (never the full file)."""
    photo = get(store, photo_id)
    if photo is None:
        raise LookupError(f"No photo {photo_id}")
    with _quiet(), Image.open(store.path_of(photo.path)) as img:
        img.draft("RGB", (max_side, max_side))
        img.seek(0)
        img = to_rgb(ImageOps.exif_transpose(img))
        img.thumbnail((max_side, max_side))
        return _jpeg(img, quality=85)


# -- changing --------------------------------------------------------------------------------
def set_caption(store, photo_id: int, caption: str | None) -> None:
    """Change (or clear, with None or blanks) a photo's caption."""
    caption = caption.strip() if caption else None
    store.execute("UPDATE photos SET caption = ? WHERE id = ?", [caption or None, photo_id])


def remove_rows(cur, photo_ids: list[int]) -> None:
    """Delete photo rows and everything that hangs on them, inside the caller's transaction.

    The album's responses to these photos go with them; chat messages that showed them lose
    the attachment (their words stay); a journal entry or outing cover pointing at them is
    cleared. Files are not touched here: see `remove_unreferenced_files`.
    """
    if not photo_ids:
        return
    ids = list(photo_ids)
    from memory import messages

    messages.delete_where(cur, photo_ids=ids)
    cur.execute(
        "UPDATE journal_entries SET photo_id = NULL WHERE photo_id IN "
        "(SELECT unnest(?::INTEGER[]))",
        [ids],
    )
    cur.execute(
        "UPDATE outings SET cover_photo_id = NULL WHERE cover_photo_id IN "
        "(SELECT unnest(?::INTEGER[]))",
        [ids],
    )
    cur.execute("DELETE FROM photos WHERE id IN (SELECT unnest(?::INTEGER[]))", [ids])


def remove_unreferenced_files(store, sha256s) -> int:
    """Delete the files (original, thumbnail, derivatives) of hashes no row names any more."""
    removed = 0
    for sha in set(sha256s):
        still = store.execute("SELECT count(*) FROM photos WHERE sha256 = ?", [sha]).fetchone()[0]
        if still:
            continue
        for folder in (store.photos_dir, store.thumbs_dir):
            for path in (folder / sha[:2]).glob(f"{sha}*"):
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def delete(store, photo_id: int) -> bool:
    """Delete one photo: its row, its album responses and, if no other row uses it, its files."""
    photo = get(store, photo_id)
    if photo is None:
        return False
    with store.transaction() as cur:
        remove_rows(cur, [photo_id])
    remove_unreferenced_files(store, [photo.sha256])
    return True


_HASHED = re.compile(r"^[0-9a-f]{64}(\.[a-z0-9]+|_\d+\.jpg)$")


def sweep_unreferenced_files(store) -> int:
    """Remove photo and thumbnail files that no row names (left by a crash mid-import).

    Only files named by content hash are considered, so nothing else in those folders is
    ever touched. Run at start-up, before any import can be in flight.
    """
    folders = [f for f in (store.photos_dir, store.thumbs_dir) if f.is_dir()]
    if not folders:
        return 0
    known = {
        row[0] for row in store.execute("SELECT DISTINCT sha256 FROM photos").fetchall() if row[0]
    }
    with _IN_FLIGHT_LOCK:
        in_flight = set(_IN_FLIGHT)
    removed = 0
    for folder in folders:
        for path in folder.glob("??/*"):
            if not path.is_file() or not _HASHED.match(path.name):
                continue
            if path.name[:64] not in known and path.name[:64] not in in_flight:
                path.unlink(missing_ok=True)
                removed += 1
    return removed
