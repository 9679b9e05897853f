"""Image files made by Pillow in the test run: no binary fixtures in the repo.

Each function returns the bytes of one kind of upload an editor (or an
attacker with an editor's password) could send.
"""

import io
import random
import struct
import zlib

from PIL import Image, ImageDraw

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def encode(picture: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, fmt, **options)
    return buffer.getvalue()


def photo(width=1200, height=800, seed=1) -> Image.Image:
    """Something with a photo's texture: gradients, shapes and grain."""
    rng = random.Random(seed)
    gradient = Image.linear_gradient("L").resize((width, height))
    picture = Image.merge(
        "RGB",
        (gradient, gradient.rotate(90).resize((width, height)), gradient.transpose(0)),
    )
    draw = ImageDraw.Draw(picture)
    for _ in range(40):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randrange(10, max(11, width // 6))
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    grain = Image.effect_noise((width, height), 24).convert("RGB")
    return Image.blend(picture, grain, 0.15)


def jpeg(width=1200, height=800, **options) -> bytes:
    return encode(photo(width, height), "JPEG", quality=92, **options)


def jpeg_with_gps_and_rotation() -> bytes:
    """A 400x300 phone photo, left half red, tagged "rotate 90° clockwise"
    (orientation 6) and with the GPS position of Hoàn Kiếm lake."""
    picture = Image.new("RGB", (400, 300), "blue")
    picture.paste("red", (0, 0, 200, 300))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "PhoneMaker"  # Make
    exif[GPS_IFD] = {1: "N", 2: (21.0, 1.0, 44.0), 3: "E", 4: (105.0, 51.0, 7.0)}
    return encode(picture, "JPEG", quality=90, exif=exif)


def png_with_transparency() -> bytes:
    """A 800x600 PNG: a red square on a fully transparent background."""
    picture = Image.new("RGBA", (800, 600), (0, 0, 0, 0))
    ImageDraw.Draw(picture).rectangle((300, 200, 500, 400), fill=(255, 0, 0, 255))
    return encode(picture, "PNG")


def cmyk_jpeg() -> bytes:
    return encode(Image.new("CMYK", (640, 480), (0, 255, 255, 0)), "JPEG")


def gif_1x1() -> bytes:
    return encode(Image.new("P", (1, 1), 0), "GIF")


def gif_polyglot() -> bytes:
    """A valid GIF that is also meant to run as a script if served as one."""
    return gif_1x1() + b";alert(document.domain);//<script>alert(1)</script>"


def animated_gif(frames: int, size=(64, 64)) -> bytes:
    """``frames`` different frames (a moving bar), so none are merged."""
    pictures = []
    for i in range(frames):
        picture = Image.new("L", size, 0)
        ImageDraw.Draw(picture).line((i % size[0], 0, i % size[0], size[1]), 255)
        pictures.append(picture)
    return encode(
        pictures[0], "GIF", save_all=True, append_images=pictures[1:], optimize=False
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_bomb(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels.

    A few hundred bytes that would need gigabytes once decoded.
    """
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (width + 1) * 16, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", rows)
        + _chunk(b"IEND", b"")
    )


def truncated_jpeg() -> bytes:
    data = jpeg(800, 600)
    return data[: len(data) // 2]


def svg_with_script() -> bytes:
    return (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
        b"<script>alert(document.cookie)</script></svg>"
    )


def html_page() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def eps() -> bytes:
    return b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n"
