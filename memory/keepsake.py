"""Keepsake cards: one photo and the companion's words about it, as a PNG to keep or share.

The card is composed with Pillow. Japanese must render, so the font is Noto Sans CJK JP,
shipped as a pinned PyPI package (`noto-cjk-sans-jp-regular`, SIL Open Font License) and
read from the installed package: nothing is downloaded at run time. Should that package be
missing, the system's Noto CJK and then DejaVu are tried, so a card is always produced.

The card's date is written by CLDR (Babel) in the interface language: "4 May 2025" /
"2025年5月4日".
"""

from __future__ import annotations

import io
import unicodedata
from datetime import date
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

from memory import photos as photo_store
from memory.errors import NotFound
from memory.i18n import _, format_date

WIDTH = 1080
MARGIN = 64
PHOTO_MAX_HEIGHT = 1000
BACKGROUND = (251, 247, 242)
INK = (52, 44, 40)
SOFT_INK = (128, 112, 104)
ACCENT = (214, 120, 140)

_FALLBACK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)


def font_path() -> Path | None:
    """The font file used for cards: the shipped Noto Sans CJK JP, else a system font."""
    try:
        import noto_cjk_sans_jp_regular

        path = Path(str(noto_cjk_sans_jp_regular.FONT_PATH))
        if path.is_file():
            return path
    except ImportError:
        pass
    return next((Path(p) for p in _FALLBACK_FONTS if Path(p).is_file()), None)


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = font_path()
    if path is None:
        return ImageFont.load_default(size)
    return ImageFont.truetype(str(path), size)


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _tokens(text: str) -> list[str]:
    """Break points: Latin words stay whole, each CJK character may break on its own."""
    tokens: list[str] = []
    word = ""
    for ch in text:
        if _is_wide(ch):
            if word:
                tokens.append(word)
                word = ""
            tokens.append(ch)
        elif ch == " ":
            tokens.append(word + " ")
            word = ""
        else:
            word += ch
    if word:
        tokens.append(word)
    return tokens


_NO_LINE_START = set("、。，．！？!?,.)）」』】ー…ぁぃぅぇぉっゃゅょァィゥェォッャュョ")


def _pieces(token: str, font, max_width: int) -> list[str]:
    """A token too wide for a line, cut between characters into pieces that fit."""
    if font.getlength(token.rstrip()) <= max_width:
        return [token]
    pieces, piece = [], ""
    for ch in token:
        if piece and font.getlength((piece + ch).rstrip()) > max_width:
            pieces.append(piece)
            piece = ""
        piece += ch
    return [*pieces, piece] if piece else pieces


def fit(text: str, font, max_width: int, *, cut: bool = False) -> str:
    """`text` on one line of at most `max_width` pixels, ending in “…” when cut (or `cut`)."""
    if not cut and font.getlength(text) <= max_width:
        return text
    while text and font.getlength(text + "…") > max_width:
        text = text[:-1]
    return text.rstrip() + "…"


def wrap(text: str, font, max_width: int) -> list[str]:
    """Lines of `text` that each fit `max_width` pixels (Japanese wraps between characters).

    A word wider than the line (a URL, 3,000 letters without a space) is cut between
    characters, so nothing ever runs off the card.
    """
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        tokens = [p for t in _tokens(paragraph) for p in _pieces(t, font, max_width)]
        for token in tokens:
            candidate = line + token
            fits = font.getlength(candidate.rstrip()) <= max_width
            if fits or not line.strip() or token[:1] in _NO_LINE_START:
                line = candidate
                continue
            lines.append(line.rstrip())
            line = token.lstrip()
        lines.append(line.rstrip())
    return lines


def footer_text(title: str | None, place: str | None, happened_on: date | None) -> str:
    """The card's last line: title · place · date, the date in the interface language."""
    when = format_date(happened_on, "long") if happened_on else None
    return " · ".join(p for p in (title, place, when) if p)


def card(
    photo_image: Image.Image,
    *,
    words: str,
    persona_name: str,
    place: str | None = None,
    happened_on: date | None = None,
    title: str | None = None,
    max_words_lines: int = 12,
) -> bytes:
    """A keepsake card as PNG bytes: the photo, the words, who said them, where and when."""
    inner = WIDTH - 2 * MARGIN
    photo = photo_store.to_rgb(ImageOps.exif_transpose(photo_image))
    photo.thumbnail((inner, PHOTO_MAX_HEIGHT), Image.Resampling.LANCZOS)

    words_font, name_font, small_font = _font(40), _font(32), _font(28)
    lines = wrap(words.strip(), words_font, inner)
    if len(lines) > max_words_lines:
        lines = lines[:max_words_lines]
        lines[-1] = fit(lines[-1].rstrip(), words_font, inner, cut=True)
    line_height = int(words_font.size * 1.5)
    footer = footer_text(title, place, happened_on)

    height = MARGIN + photo.height + 56 + len(lines) * line_height + 24 + 48
    height += (48 if footer else 0) + MARGIN
    canvas = Image.new("RGB", (WIDTH, height), BACKGROUND)
    draw = ImageDraw.Draw(canvas)
    x_photo = (WIDTH - photo.width) // 2
    canvas.paste(photo, (x_photo, MARGIN))
    y = MARGIN + photo.height + 56
    draw.text((MARGIN - 28, y - 30), "“", font=_font(72), fill=ACCENT)
    for line in lines:
        draw.text((MARGIN, y), line, font=words_font, fill=INK)
        y += line_height
    y += 24
    draw.text((MARGIN, y), fit(f"— {persona_name}", name_font, inner), font=name_font, fill=ACCENT)
    y += 48
    if footer:
        draw.text((MARGIN, y), fit(footer, small_font, inner), font=small_font, fill=SOFT_INK)
    out = io.BytesIO()
    canvas.save(out, "PNG", optimize=False)
    return out.getvalue()


def for_photo(store, photo_id: int, *, words: str, persona_name: str) -> bytes:
    """A keepsake card for a stored photo (read from its large derivative, never huge)."""
    from memory import outings

    photo = photo_store.get(store, photo_id)
    if photo is None:
        raise NotFound(_("That photo is no longer there."))
    outing = outings.get(store, photo.outing_id) if photo.outing_id is not None else None
    with Image.open(photo_store.large_path(store, photo)) as img:
        img.load()
        return card(
            img,
            words=words,
            persona_name=persona_name,
            place=outing.place if outing else None,
            happened_on=outing.happened_on if outing else None,
            title=outing.title if outing else None,
        )
