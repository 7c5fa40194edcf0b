"""Real image files made with Pillow for the album tests: good photos and every bad case."""

from __future__ import annotations

import io
import os
import struct
import zlib

from PIL import Image


def exif(
    *,
    orientation: int | None = None,
    taken: str | None = None,
    offset: str | None = None,
    gps: tuple[float, float] | None = None,
) -> Image.Exif:
    """EXIF with the given orientation, DateTimeOriginal, OffsetTimeOriginal and GPS."""
    data = Image.Exif()
    data[0x010F] = "Kizuna Test Camera"  # Make: phones always write one
    if orientation is not None:
        data[0x0112] = orientation
    if taken is not None:
        sub = data.get_ifd(0x8769)
        sub[0x9003] = taken
        if offset is not None:
            sub[0x9011] = offset
    if gps is not None:
        lat, lon = gps

        def dms(value: float) -> tuple[float, float, float]:
            value = abs(value)
            d = int(value)
            m = int((value - d) * 60)
            s = round(((value - d) * 60 - m) * 60, 4)
            return (float(d), float(m), float(s))

        ifd = data.get_ifd(0x8825)
        ifd[1] = "N" if lat >= 0 else "S"
        ifd[2] = dms(lat)
        ifd[3] = "E" if lon >= 0 else "W"
        ifd[4] = dms(lon)
    return data


def jpeg(
    colour=(40, 120, 60), size=(640, 480), *, exif_data: Image.Exif | None = None, quality=85
) -> bytes:
    """A plain-colour JPEG (top-left quarter red, so orientation can be checked)."""
    img = Image.new("RGB", size, colour)
    img.paste((220, 20, 20), (0, 0, size[0] // 2, size[1] // 2))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality, exif=exif_data or Image.Exif())
    return out.getvalue()


def noise_jpeg(size=(4000, 3000), quality=92) -> bytes:
    """A photo-like (incompressible) JPEG: random pixels."""
    img = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality)
    return out.getvalue()


def png(colour=(10, 60, 200), size=(300, 200), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, "PNG")
    return out.getvalue()


def png_16bit(size=(200, 100)) -> bytes:
    """A 16-bit greyscale PNG with mid-grey pixels (32768 of 65535)."""
    img = Image.new("I;16", size, 32768)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def cmyk_jpeg(size=(300, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("CMYK", size, (0, 200, 200, 0)).save(out, "JPEG")
    return out.getvalue()


def animated(fmt: str = "GIF", frames=((200, 30, 30), (30, 30, 200), (30, 200, 30))) -> bytes:
    """An animated GIF or WebP whose first frame is red."""
    images = [Image.new("RGB", (120, 90), c) for c in frames]
    out = io.BytesIO()
    images[0].save(out, fmt, save_all=True, append_images=images[1:], duration=100, loop=0)
    return out.getvalue()


def webp(colour=(200, 160, 30), size=(320, 240)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "WEBP")
    return out.getvalue()


def heic(colour=(90, 30, 160), size=(320, 240), *, exif_data: Image.Exif | None = None) -> bytes:
    """A HEIC photo as a phone would send it (encoded by pillow-heif)."""
    from pillow_heif import register_heif_opener

    register_heif_opener()
    out = io.BytesIO()
    img = Image.new("RGB", size, colour)
    img.save(out, "HEIF", exif=(exif_data or Image.Exif()).tobytes())
    return out.getvalue()


def truncated_jpeg() -> bytes:
    data = jpeg(size=(800, 600))
    return data[: len(data) // 2]


def text_named_jpg() -> bytes:
    return b"This is a shopping list, not a photo.\nmilk\neggs\n"


def png_bomb(width: int = 30000, height: int = 30000) -> bytes:
    """A tiny PNG whose header declares `width`×`height` pixels (a decompression bomb)."""
    raw = zlib.compress(b"\x00" * 10)

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
