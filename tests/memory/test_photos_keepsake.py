import io
from datetime import date

from PIL import Image, ImageChops

from memory import keepsake, outings, personas, photos
from tests import photo_files as pf

WORDS = "ねえ、後楽園の鯉、覚えてる？ The koi were enormous."


def test_card_font_is_shipped_with_the_app_not_found_on_this_machine():
    path = keepsake.font_path()
    assert "site-packages" in str(path) or "dist-packages" in str(path)
    assert path.name == "NotoSansCJKjp-Regular.otf"


def test_japanese_characters_have_real_glyphs():
    font = keepsake._font(40)
    missing = font.getmask("\U0010ffff").getbbox()  # a code point no font draws: .notdef
    for ch in "ねえ後楽園鯉覚花火":
        mask = font.getmask(ch)
        assert mask.getbbox() is not None, ch
        assert mask.size != font.getmask("\U0010ffff").size or mask.getbbox() != missing, ch


def test_japanese_wraps_between_characters_and_latin_between_words():
    font = keepsake._font(40)
    lines = keepsake.wrap("あ" * 60 + " hello wonderful world", font, 600)
    assert all(font.getlength(line) <= 600 for line in lines)
    assert "".join(lines).replace(" ", "") == "あ" * 60 + "hellowonderfulworld"
    assert not any(line.startswith("、") for line in keepsake.wrap("あ" * 14 + "、" * 3, font, 600))


def test_card_for_a_stored_photo_holds_photo_words_and_footer(store):
    pid = personas.ensure_starter(store).id
    outing, _ = outings.log(
        store, pid, "花見", place="上野公園", happened_on=date(2025, 4, 1),
        files=[("a.jpg", pf.jpeg(size=(1600, 1200)))],
    )  # fmt: skip
    photo = photos.of_outing(store, outing.id)[0]
    png = keepsake.for_photo(store, photo.id, words=WORDS, persona_name="空")
    card = Image.open(io.BytesIO(png))
    assert card.format == "PNG" and card.width == keepsake.WIDTH
    blank = Image.new("RGB", card.size, keepsake.BACKGROUND)
    below_photo = (0, card.height - 300, card.width, card.height)
    ink = ImageChops.difference(card.convert("RGB"), blank).crop(below_photo).getbbox()
    assert ink is not None, "the words and footer are drawn under the photo"
    # the photo's red top-left quarter is on the card, upright
    r, g, _b = card.convert("RGB").getpixel((keepsake.MARGIN + 20, keepsake.MARGIN + 20))
    assert r > 180 and g < 80


def test_a_3000_character_word_wraps_inside_the_card():
    word = "すごい" + "a" * 3000 + "!"
    photo = Image.new("RGB", (800, 600), (40, 120, 60))
    png = keepsake.card(
        photo, words=word, persona_name="Sora" * 80, title="t" * 500, place="Kamakura"
    )
    card = Image.open(io.BytesIO(png)).convert("RGB")
    blank = Image.new("RGB", card.size, keepsake.BACKGROUND)
    below_photo = (0, keepsake.MARGIN + 600 + 10, card.width, card.height)
    ink = ImageChops.difference(card, blank).crop(below_photo).getbbox()
    assert ink is not None
    # nothing is drawn in the right-hand margin: every line stopped inside the card
    assert ink[2] <= card.width - keepsake.MARGIN + 2
    font = keepsake._font(40)
    lines = keepsake.wrap(word, font, keepsake.WIDTH - 2 * keepsake.MARGIN)
    assert "".join(lines) == word and len(lines) > 12


def test_card_footer_date_is_in_the_interface_language():
    from memory import i18n

    day = date(2025, 5, 4)
    assert keepsake.footer_text("花見", "上野公園", day) == "花見 · 上野公園 · 4 May 2025"
    i18n.use_language("ja")
    try:
        assert keepsake.footer_text("花見", "上野公園", day) == "花見 · 上野公園 · 2025年5月4日"
        assert keepsake.footer_text(None, None, day) == "2025年5月4日"
    finally:
        i18n.use_language("en")
    assert keepsake.footer_text("Picnic", None, None) == "Picnic"
