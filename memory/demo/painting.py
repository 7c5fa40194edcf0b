"""The demo's photos and avatar, painted with Pillow (gardens, sea, city, fireworks, …)."""

from __future__ import annotations

import io
import math
import random
from datetime import datetime

from PIL import Image, ImageDraw

# -- photos ----------------------------------------------------------------------------------
PHOTO_SIZE = (800, 600)
_SCALE = 2  # drawn at twice the size and scaled down, for smooth edges


def _mix(a, b, t: float) -> tuple[int, int, int]:
    return tuple(int(a[i] + (b[i] - a[i]) * t) for i in range(3))


def _sky(img: Image.Image, top, bottom, until: float = 1.0) -> None:
    width, height = img.size
    gradient = Image.linear_gradient("L").resize((1, int(height * until)))
    band = Image.composite(
        Image.new("RGB", gradient.size, bottom), Image.new("RGB", gradient.size, top), gradient
    )
    # one pixel wide, stretched sideways: every row is a single colour
    img.paste(band.resize((width, gradient.size[1]), Image.Resampling.NEAREST), (0, 0))


def _tree(draw, x, y, size, leaves, rng, trunk=(90, 62, 45)) -> None:
    draw.rectangle([x - size // 10, y - size // 3, x + size // 10, y + size // 2], fill=trunk)
    for _ in range(9):
        dx, dy = rng.uniform(-0.6, 0.6) * size, rng.uniform(-0.9, -0.1) * size
        r = rng.uniform(0.3, 0.5) * size
        colour = _mix(leaves, (255, 255, 255), rng.uniform(0, 0.25))
        draw.ellipse([x + dx - r, y + dy - r, x + dx + r, y + dy + r], fill=colour)


def _draw_water(draw, w, h, horizon, colour, rng) -> None:
    draw.rectangle([0, horizon, w, h], fill=colour)
    light = _mix(colour, (255, 255, 255), 0.35)
    for _ in range(60):
        y = rng.uniform(horizon + 10, h)
        x = rng.uniform(0, w)
        length = rng.uniform(30, 140) * (y - horizon) / (h - horizon) + 10
        draw.line([x, y, x + length, y], fill=light, width=3)


def _draw_garden(img, draw, rng, leaves=(58, 120, 70), flowers=None) -> None:
    w, h = img.size
    _sky(img, (150, 200, 240), (225, 238, 250), until=0.5)
    draw.rectangle([0, h * 0.45, w, h], fill=(110, 160, 90))
    # the pond
    draw.ellipse([w * 0.15, h * 0.62, w * 0.85, h * 0.95], fill=(90, 140, 170))
    draw.ellipse([w * 0.3, h * 0.7, w * 0.6, h * 0.8], fill=(130, 175, 200))
    # an arched bridge
    draw.arc([w * 0.35, h * 0.6, w * 0.65, h * 0.9], 180, 360, fill=(170, 60, 50), width=18)
    # a tea house
    draw.rectangle([w * 0.68, h * 0.38, w * 0.86, h * 0.5], fill=(200, 180, 150))
    draw.polygon(
        [(w * 0.64, h * 0.39), (w * 0.77, h * 0.3), (w * 0.9, h * 0.39)], fill=(60, 60, 70)
    )
    # a stone lantern
    lx, ly = w * 0.12, h * 0.55
    draw.rectangle([lx - 10, ly - 40, lx + 10, ly + 30], fill=(150, 150, 145))
    draw.polygon([(lx - 35, ly - 40), (lx, ly - 70), (lx + 35, ly - 40)], fill=(120, 120, 118))
    for _ in range(rng.randint(4, 7)):
        _tree(draw, rng.uniform(0, w), rng.uniform(h * 0.4, h * 0.55), rng.uniform(110, 190),
              leaves, rng)  # fmt: skip
    if flowers:
        for _ in range(220):
            x, y, r = rng.uniform(0, w), rng.uniform(h * 0.5, h), rng.uniform(6, 16)
            if not (w * 0.15 < x < w * 0.85 and h * 0.62 < y):
                colour = _mix(rng.choice(flowers), (255, 255, 255), rng.uniform(0, 0.3))
                draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)


def _draw_blossoms(img, draw, rng) -> None:
    w, h = img.size
    _sky(img, (160, 205, 245), (235, 240, 250), until=0.65)
    draw.rectangle([0, h * 0.62, w, h], fill=(140, 185, 110))
    draw.rectangle([0, h * 0.8, w, h], fill=(205, 190, 160))  # the path
    for _ in range(rng.randint(3, 5)):
        _tree(draw, rng.uniform(0, w), rng.uniform(h * 0.45, h * 0.6), rng.uniform(130, 200),
              (245, 185, 205), rng, trunk=(80, 55, 50))  # fmt: skip
    for _ in range(300):
        x, y, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(3, 7)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=(252, 215, 228))


def _draw_sea(img, draw, rng, sky=((110, 170, 230), (230, 240, 250)), sun=None) -> None:
    w, h = img.size
    horizon = h * rng.uniform(0.5, 0.6)
    _sky(img, sky[0], sky[1], until=horizon / h)
    if sun:
        r = 70
        sx, sy = w * rng.uniform(0.3, 0.7), horizon - rng.uniform(20, 120)
        draw.ellipse([sx - r * 1.8, sy - r * 1.8, sx + r * 1.8, sy + r * 1.8], fill=sun[1])
        draw.ellipse([sx - r, sy - r, sx + r, sy + r], fill=sun[0])
    # an island with a little lighthouse
    ix = w * rng.uniform(0.6, 0.85)
    draw.ellipse([ix - 160, horizon - 50, ix + 160, horizon + 40], fill=(70, 105, 80))
    draw.rectangle([ix - 8, horizon - 110, ix + 8, horizon - 40], fill=(240, 240, 235))
    _draw_water(draw, w, h, horizon, _mix(sky[0], (20, 60, 110), 0.5), rng)
    draw.polygon([(0, h), (0, h * 0.85), (w * 0.4, h)], fill=(220, 200, 160))  # the beach
    for _ in range(3):  # gulls
        gx, gy = rng.uniform(0, w), rng.uniform(h * 0.1, horizon - 80)
        draw.arc([gx - 20, gy, gx, gy + 14], 200, 340, fill=(60, 60, 70), width=4)
        draw.arc([gx, gy, gx + 20, gy + 14], 200, 340, fill=(60, 60, 70), width=4)


def _draw_city(img, draw, rng) -> None:
    w, h = img.size
    _sky(img, (12, 16, 45), (70, 50, 110))
    moon = rng.uniform(0.1, 0.9) * w
    draw.ellipse([moon - 35, 50, moon + 35, 120], fill=(250, 245, 215))
    for _ in range(80):
        x, y = rng.uniform(0, w), rng.uniform(0, h * 0.4)
        draw.point((x, y), fill=(255, 255, 240))
    x = -20
    while x < w:
        bw, bh = rng.uniform(70, 170), rng.uniform(h * 0.25, h * 0.75)
        shade = rng.randint(20, 45)
        draw.rectangle([x, h - bh, x + bw, h], fill=(shade, shade, shade + 20))
        for wy in range(int(h - bh + 15), h - 20, 26):
            for wx in range(int(x + 10), int(x + bw - 14), 22):
                if rng.random() < 0.45:
                    lit = rng.choice([(255, 220, 130), (255, 240, 190), (180, 220, 255)])
                    draw.rectangle([wx, wy, wx + 10, wy + 14], fill=lit)
        x += bw + rng.uniform(4, 20)
    for _ in range(40):  # street lights and signs
        x, y = rng.uniform(0, w), rng.uniform(h * 0.8, h * 0.97)
        r = rng.uniform(4, 10)
        colour = rng.choice([(255, 90, 120), (90, 200, 255), (255, 210, 90), (160, 255, 160)])
        draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)


def _draw_fireworks(img, draw, rng) -> None:
    w, h = img.size
    _sky(img, (8, 10, 35), (35, 30, 70), until=0.7)
    draw.rectangle([0, h * 0.7, w, h], fill=(20, 25, 50))
    for _ in range(rng.randint(4, 6)):
        cx, cy, radius = (
            rng.uniform(0.1, 0.9) * w,
            rng.uniform(0.12, 0.45) * h,
            rng.uniform(60, 150),
        )
        colour = rng.choice([(255, 120, 150), (255, 220, 100), (130, 220, 255), (200, 150, 255)])
        for i in range(36):
            angle = i * math.tau / 36
            x2, y2 = cx + math.cos(angle) * radius, cy + math.sin(angle) * radius
            draw.line([cx, cy, x2, y2], fill=colour, width=3)
            draw.ellipse([x2 - 5, y2 - 5, x2 + 5, y2 + 5], fill=_mix(colour, (255, 255, 255), 0.5))
            # the reflection on the river
            ry = h * 1.4 - y2 * 0.5
            if ry > h * 0.72:
                draw.line([x2 - 8, ry, x2 + 8, ry], fill=_mix(colour, (20, 25, 50), 0.5), width=2)
    draw.polygon([(0, h * 0.74), (w, h * 0.68), (w, h * 0.72), (0, h * 0.78)], fill=(10, 10, 20))


def _draw_mountain(img, draw, rng) -> None:
    w, h = img.size
    _sky(img, (140, 180, 225), (230, 236, 245), until=0.7)
    for i, shade in enumerate([(150, 160, 185), (110, 125, 150)]):
        peak = w * rng.uniform(0.25, 0.75)
        base = h * (0.75 + i * 0.1)
        top = h * rng.uniform(0.15, 0.3) + i * 80
        draw.polygon([(peak - w * 0.7, base), (peak, top), (peak + w * 0.7, base)], fill=shade)
        draw.polygon(
            [
                (peak - w * 0.7 * 0.18, top + (base - top) * 0.18),
                (peak, top),
                (peak + w * 0.7 * 0.18, top + (base - top) * 0.18),
            ],
            fill=(250, 250, 252),
        )
    draw.rectangle([0, h * 0.8, w, h], fill=(238, 242, 248))
    for _ in range(8):
        x, y, s = rng.uniform(0, w), rng.uniform(h * 0.78, h * 0.95), rng.uniform(50, 90)
        draw.polygon([(x - s / 3, y), (x, y - s * 1.4), (x + s / 3, y)], fill=(40, 85, 60))
        draw.polygon([(x - s / 6, y - s * 0.9), (x, y - s * 1.4), (x + s / 6, y - s * 0.9)],
                     fill=(250, 250, 252))  # fmt: skip
    for _ in range(200):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        draw.ellipse([x - 3, y - 3, x + 3, y + 3], fill=(255, 255, 255))


def _painting(kind: str, rng: random.Random) -> Image.Image:
    w, h = PHOTO_SIZE
    img = Image.new("RGB", (w * _SCALE, h * _SCALE), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    if kind == "garden":
        _draw_garden(img, draw, rng)
    elif kind == "autumn":
        _draw_garden(img, draw, rng, leaves=(205, 70, 40), flowers=[(230, 140, 40), (200, 60, 40)])
    elif kind == "hydrangea":
        _draw_garden(
            img, draw, rng, leaves=(60, 110, 70), flowers=[(110, 120, 220), (160, 110, 210)]
        )
    elif kind == "blossoms":
        _draw_blossoms(img, draw, rng)
    elif kind == "sea":
        _draw_sea(img, draw, rng, sky=((95, 150, 220), (250, 200, 170)))
    elif kind == "sunrise":
        _draw_sea(img, draw, rng, sky=((60, 80, 150), (255, 190, 130)),
                  sun=((255, 230, 160), (255, 200, 140)))  # fmt: skip
    elif kind == "fireworks":
        _draw_fireworks(img, draw, rng)
    elif kind == "mountain":
        _draw_mountain(img, draw, rng)
    else:
        _draw_city(img, draw, rng)
    return img.reduce(_SCALE)


def draw_photo(kind: str, taken_at: datetime, seed: int) -> bytes:
    """A procedurally drawn JPEG of `kind` (garden, sea, city…) with EXIF DateTimeOriginal."""
    img = _painting(kind, random.Random(seed))
    exif = Image.Exif()
    stamp = taken_at.strftime("%Y:%m:%d %H:%M:%S")
    offset = taken_at.strftime("%z")
    exif[0x0132] = stamp  # DateTime
    exif[0x010F] = "Kizuna demo"  # Make
    exif_ifd = exif.get_ifd(0x8769)
    exif_ifd[0x9003] = stamp  # DateTimeOriginal
    if offset:
        exif_ifd[0x9011] = f"{offset[:3]}:{offset[3:]}"  # OffsetTimeOriginal
    out = io.BytesIO()
    img.save(out, "JPEG", quality=86, exif=exif)
    return out.getvalue()


def draw_avatar() -> bytes:
    """Hikari's avatar: a warm sunrise disc (the name means 'light')."""
    size = 512
    img = Image.new("RGB", (size, size), (255, 240, 235))
    _sky(img, (255, 190, 170), (255, 235, 200))
    draw = ImageDraw.Draw(img)
    draw.ellipse([96, 96, 416, 416], fill=(255, 215, 140))
    draw.ellipse([150, 150, 362, 362], fill=(255, 236, 190))
    for i in range(12):
        angle = i * math.tau / 12
        x, y = 256 + math.cos(angle) * 200, 256 + math.sin(angle) * 200
        draw.ellipse([x - 14, y - 14, x + 14, y + 14], fill=(255, 170, 150))
    # a small heart
    draw.ellipse([214, 220, 258, 264], fill=(235, 90, 110))
    draw.ellipse([254, 220, 298, 264], fill=(235, 90, 110))
    draw.polygon([(218, 252), (294, 252), (256, 306)], fill=(235, 90, 110))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()
