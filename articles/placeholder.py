"""Placeholder photos: a grey card that says plainly it is not the real photo.

The importer makes one when an article names a photo file that is not on disk,
so the page keeps its layout and the admin can list what still needs a photo
(``Image.is_placeholder``).
"""

import io
import textwrap
from functools import cache

from django.core.files.base import ContentFile
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from .models import Image
from .text import fold, vi_slugify

SIZE = (1200, 675)
TITLE = "ẢNH GIỮ CHỖ"
SUBTITLE = "Placeholder – chưa có ảnh thật"

# Fonts with Vietnamese glyphs that Linux distributions commonly ship. Pillow's
# built-in font (Aileron) has none, so without one of these the text is drawn
# without diacritics rather than as boxes.
_VIETNAMESE_FONTS = (
    "DejaVuSans.ttf",
    "LiberationSans-Regular.ttf",
    "NotoSans-Regular.ttf",
)


@cache
def _font(size: int) -> tuple[ImageFont.FreeTypeFont, bool]:
    """Return a font of ``size`` and whether it can draw Vietnamese."""
    for name in _VIETNAMESE_FONTS:
        try:
            return ImageFont.truetype(name, size), True
        except OSError:
            continue
    return ImageFont.load_default(size=size), False


def _draw_centered(draw, y: int, text: str, size: int, fill: str) -> int:
    font, vietnamese = _font(size)
    if not vietnamese:
        text = "".join(fold(ch).upper() if ch.isupper() else fold(ch) for ch in text)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    draw.text(((SIZE[0] - (right - left)) / 2, y), text, font=font, fill=fill)
    return y + (bottom - top) + size // 2


def placeholder_jpeg(
    label: str,
    *,
    title: str = TITLE,
    subtitle: str = SUBTITLE,
    background: str = "#c8c8c8",
) -> bytes:
    """Draw the placeholder card with ``label`` (e.g. the missing file name)."""
    card = PILImage.new("RGB", SIZE, background)
    draw = ImageDraw.Draw(card)
    width, height = SIZE
    # A cross and a frame: nobody mistakes this for a photo, even as a thumbnail.
    draw.line((0, 0, width, height), fill="#b4b4b4", width=6)
    draw.line((0, height, width, 0), fill="#b4b4b4", width=6)
    draw.rectangle((12, 12, width - 13, height - 13), outline="#8c8c8c", width=6)

    y = _draw_centered(draw, 190, title, 96, "#333333")
    y = _draw_centered(draw, y, subtitle, 40, "#444444")
    for line in textwrap.wrap(label, width=56)[:3]:
        y = _draw_centered(draw, y, line, 30, "#555555")

    buffer = io.BytesIO()
    card.save(buffer, format="JPEG", quality=80, optimize=True)
    return buffer.getvalue()


def create_placeholder_image(
    missing_name: str,
    *,
    caption: str = "",
    credit: str = "",
    alt: str = "",
    **drawing,
) -> Image:
    """Store a placeholder photo standing in for ``missing_name`` and return it.

    ``drawing`` goes to ``placeholder_jpeg`` (title, subtitle, background).
    The file is written before the row; if the row cannot be saved the file is
    removed again, so a failure leaves no orphan in MEDIA_ROOT.
    """
    image = Image(caption=caption, credit=credit, alt=alt, is_placeholder=True)
    stem = vi_slugify(missing_name.rsplit(".", 1)[0], max_length=40) or "anh"
    name = f"giu-cho-{stem}.jpg"
    # The content needs a name: ImageField reads the dimensions only from a
    # named file and would otherwise store width and height as NULL.
    content = ContentFile(placeholder_jpeg(missing_name, **drawing), name=name)
    image.file.save(name, content, save=False)
    try:
        image.save()
    except BaseException:
        image.file.delete(save=False)
        raise
    return image
