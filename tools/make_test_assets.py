"""Generate the binary assets of the requisites test site (tests/sites/assets/), once.

Needs Pillow and fontTools (with brotli for WOFF2), which the project itself does not use:
``pip install pillow fonttools brotli && python -m tools.make_test_assets``. The outputs are
committed, so tests never need these libraries.
"""

from __future__ import annotations

from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "tests" / "sites" / "assets"


def make_font() -> None:
    """A font whose every Latin letter and digit is a filled box: renders the same everywhere."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    chars = [chr(c) for c in range(0x20, 0x7F)]
    names = [".notdef"] + [f"g{ord(c)}" for c in chars]
    glyphs = {}
    for name in names:
        pen = TTGlyphPen(None)
        if name not in (".notdef", "g32"):
            pen.moveTo((60, 0))
            pen.lineTo((60, 700))
            pen.lineTo((540, 700))
            pen.lineTo((540, 0))
            pen.closePath()
        glyphs[name] = pen.glyph()
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({ord(c): f"g{ord(c)}" for c in chars})
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics({n: (600, 60) for n in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Req Box", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    builder.save(str(OUT / "box.ttf"))
    builder.font.flavor = "woff2"
    builder.save(str(OUT / "box.woff2"))


def make_images() -> None:
    """A JPEG photo-like gradient and a two-frame GIF."""
    from PIL import Image

    photo = Image.new("RGB", (320, 180))
    photo.putdata([(x % 256, (y * 2) % 256, (x + y) % 256) for y in range(180) for x in range(320)])
    photo.save(OUT / "photo.jpg", quality=80)
    frames = [Image.new("P", (96, 64), color) for color in (3, 9)]
    frames[0].save(OUT / "anim.gif", save_all=True, append_images=frames[1:], duration=500,
                   loop=0)


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    make_font()
    make_images()
    for path in sorted(OUT.iterdir()):
        print(path.name, path.stat().st_size)
