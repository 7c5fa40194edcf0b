"""Album benchmarks: photo import against a full decode, and the album page at scale.

1. Importing 20 photos of 12 megapixels (hash, EXIF, orientation, thumbnail, row, files
   written) must take less time than fully decoding the same 20 files once with Pillow.
   JPEG draft mode makes that possible: the import decodes at 1/4 scale.
2. The album page (AppTest) with 1,000 outings and 20,000 photos must render in at most
   1.5× its time with 10 outings: it shows one page of outings, with thumbnails.

    python -m benchmarks.bench_album            # full run (figures for the README/notes)
    python -m benchmarks.bench_album --quick    # small smoke run
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import time
from pathlib import Path

from PIL import Image, ImageDraw

from benchmarks.common import Result, print_table, scratch_dir, timed
from memory import Store, outings, personas

ROOT = Path(__file__).resolve().parent.parent


def photo_like_jpeg(size: tuple[int, int], seed: int) -> bytes:
    """A photo-like JPEG: a landscape with sensor-like noise, EXIF orientation and date."""
    w, h = size
    img = Image.new("RGB", size, (90 + seed * 7 % 100, 150, 220))
    draw = ImageDraw.Draw(img)
    draw.ellipse([w * 0.6, h * 0.1, w * 0.8, h * 0.35], fill=(255, 220, 120))
    draw.polygon([(0, h * 0.65), (w * 0.35, h * 0.3), (w * 0.7, h * 0.65)], fill=(40, 110, 50))
    draw.rectangle([0, h * 0.65, w, h], fill=(60, 140 + seed % 60, 70))
    noise = Image.effect_noise(size, 24).convert("RGB")
    img = Image.blend(img, noise, 0.18)
    exif = Image.Exif()
    exif[0x010F] = "Bench Camera"
    exif[0x0112] = 6
    exif.get_ifd(0x8769)[0x9003] = f"2025:05:04 1{seed % 10}:00:00"
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def bench_import(quick: bool) -> list[Result]:
    count, size = (4, (2000, 1500)) if quick else (20, (4000, 3000))
    files = [(f"IMG_{i:04d}.jpg", photo_like_jpeg(size, i)) for i in range(count)]
    megabytes = sum(len(d) for _, d in files) / 1e6

    def decode_all() -> None:
        for _, data in files:
            with Image.open(io.BytesIO(data)) as img:
                img.load()

    def import_all() -> None:
        store = Store.open(scratch_dir("album-import"))
        pid = personas.ensure_starter(store).id
        outing = outings.create(store, pid, "Bench")
        start = time.perf_counter()
        results = outings.add_files(store, outing.id, files)
        imports.append(time.perf_counter() - start)
        assert all(r.status == "stored" for r in results), [r.line() for r in results]
        store.close()

    # Rounds alternate a full decode and an import so both meet the same machine load
    # (this machine is shared); the figure is the median of the per-round ratios.
    decode_all()
    decodes: list[float] = []
    imports: list[float] = []
    for _ in range(5):
        start = time.perf_counter()
        decode_all()
        decodes.append(time.perf_counter() - start)
        import_all()
    decode = statistics.median(decodes)
    imported = statistics.median(imports)
    ratio = statistics.median(i / d for i, d in zip(imports, decodes, strict=True))
    label = f"{count} photos of {size[0] * size[1] / 1e6:.0f} MP ({megabytes:.0f} MB)"
    return [
        Result(f"full decode of {label}", decode, "s", "—", True),
        Result(f"import of {label}", imported, "s", "—", True),
        Result("import ÷ full decode", ratio, "×", "< 1×", ratio < 1),
    ]


def album_store(data_dir: Path, n_outings: int, photos_per_outing: int) -> None:
    """A data folder with `n_outings` outings of `photos_per_outing` photos, loaded with SQL.

    Twenty real photos are imported so thumbnails exist; the bulk rows reuse their files.
    """
    store = Store.open(data_dir)
    pid = personas.ensure_starter(store).id
    seed = outings.create(store, pid, "Seed")
    outings.add_files(
        store, seed.id, [(f"s{i}.jpg", photo_like_jpeg((640, 480), i)) for i in range(20)]
    )
    real = store.execute("SELECT sha256, path, thumb_path FROM photos ORDER BY id").fetchall()
    store.execute("DELETE FROM photos")
    store.execute("DELETE FROM outings")
    store.execute(
        """INSERT INTO outings (persona_id, title, place, happened_on, notes)
           SELECT ?, 'Outing ' || i, 'Place ' || (i % 40),
                  DATE '2015-01-01' + CAST(i * 3 AS INTEGER), 'notes for outing ' || i
           FROM range(?) t(i)""",
        [pid, n_outings],
    )
    store.execute(
        """INSERT INTO photos (outing_id, sha256, path, thumb_path, position, width, height)
           SELECT o.id, r.sha256, r.path, r.thumb_path, k, 480, 640
           FROM outings o, range(?) t(k),
                (SELECT unnest(?::VARCHAR[]) AS sha256, unnest(?::VARCHAR[]) AS path,
                        unnest(?::VARCHAR[]) AS thumb_path,
                        generate_subscripts(?::VARCHAR[], 1) - 1 AS j) r
           WHERE r.j = (o.id + k) % 20""",
        [
            photos_per_outing,
            [r[0] for r in real],
            [r[1] for r in real],
            [r[2] for r in real],
            [r[0] for r in real],
        ],
    )
    store.close()


def page_time(data_dir: Path, repeat: int, expected_cards: int) -> float:
    from streamlit.testing.v1 import AppTest

    os.environ["KIZUNA_DATA_DIR"] = str(data_dir)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/album.py")

    def render() -> None:
        at.run()
        assert not at.exception, [e.value for e in at.exception]

    seconds = timed(render, repeat=repeat, warmup=1)
    cards = [m for m in at.markdown if m.value.startswith("**")]
    assert len(cards) == expected_cards, len(cards)
    return seconds


def bench_page(quick: bool) -> list[Result]:
    big_outings = 100 if quick else 1000
    small_dir, big_dir = scratch_dir("album-small"), scratch_dir("album-big")
    album_store(small_dir, 10, 20)
    album_store(big_dir, big_outings, 20)
    repeat = 3 if quick else 7
    small = page_time(small_dir, repeat, 10)
    big = page_time(big_dir, repeat, 12)
    ratio = big / small
    return [
        Result("album page, 10 outings / 200 photos", small * 1000, "ms", "—", True),
        Result(
            f"album page, {big_outings:,} outings / {big_outings * 20:,} photos",
            big * 1000,
            "ms",
            "—",
            True,
        ),
        Result("album page, large ÷ small", ratio, "×", "≤ 1.5×", ratio <= 1.5),
    ]


def run(quick: bool = False) -> list[Result]:
    return bench_import(quick) + bench_page(quick)


if __name__ == "__main__":
    print_table(run("--quick" in sys.argv))
