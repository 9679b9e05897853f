"""Image files made by Pillow in the test run: no binary fixtures in the repo.

Each function returns the bytes of one kind of upload an editor (or an
attacker with an editor's password) could send.
"""

import io
import random
import struct
import zlib

from PIL import Image, ImageCms, ImageDraw, PngImagePlugin

GPS_IFD = 0x8825
ORIENTATION = 0x0112
# Every planted metadata value carries this, so a served file can be searched
# for it byte by byte; ``acsp`` is the signature inside every ICC profile.
SECRET = b"SECRET"
MARKERS = (SECRET, b"acsp")
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf='
    b'"http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'photographer="SECRETXMP"/></rdf:RDF></x:xmpmeta>'
)


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


def _planted_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "SECRETEXIF"  # Make
    exif[0x010E] = "SECRETEXIF description"  # ImageDescription
    exif[GPS_IFD] = {
        1: "N",
        2: (21.0, 1.0, 44.0),
        3: "E",
        4: (105.0, 51.0, 7.0),
        0x12: "SECRETGPS",  # GPSMapDatum
    }
    return exif


def _icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


def jpeg_with_every_marker(*, icc: bool = True) -> bytes:
    """A 640x480 JPEG carrying EXIF (with GPS), XMP, an ICC profile (unless
    ``icc`` is false), a COM comment and a Photoshop/IPTC block, each holding
    ``SECRET``. Without a profile no colour conversion makes a new image, so
    whatever Pillow read from the file stays attached to the pixels."""
    iptc = b"\x1c\x02\x50" + struct.pack(">H", 12) + b"SECRETBYLINE"  # By-line
    photoshop = (
        b"Photoshop 3.0\x00"
        + b"8BIM"
        + struct.pack(">HBxI", 0x0404, 0, len(iptc))  # IPTC, unnamed
        + iptc
        + b"\x00" * (len(iptc) % 2)
    )
    return encode(
        photo(640, 480),
        "JPEG",
        quality=90,
        exif=_planted_exif(),
        xmp=XMP,
        icc_profile=_icc() if icc else None,
        comment=b"SECRETCOMMENT",
        extra=_segment(0xED, photoshop),
        dpi=(300, 300),
    )


def mpo_with_every_marker() -> bytes:
    """A multi-picture JPEG, as phones write with a depth or gain map: a
    640x480 photo with a COM comment, then a second picture after it."""
    second = photo(320, 240, seed=2)
    return encode(
        photo(640, 480),
        "MPO",
        save_all=True,
        append_images=[second],
        quality=90,
        comment=b"SECRETMPOCOMMENT",
    )


def png_with_every_chunk() -> bytes:
    """A 640x480 RGBA PNG with tEXt, zTXt and iTXt chunks (XMP among them),
    eXIf and iCCP, each holding ``SECRET``."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "SECRETTEXT")
    info.add_text("Comment", "SECRETZTXT " * 20, zip=True)
    info.add_itxt("Description", "SECRETITXT Hà Nội")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    picture = photo(640, 480).convert("RGBA")
    return encode(
        picture,
        "PNG",
        pnginfo=info,
        exif=_planted_exif(),
        icc_profile=_icc(),
        dpi=(300, 300),
    )


def webp_with_every_chunk() -> bytes:
    """A 640x480 WebP with EXIF, XMP and ICCP chunks holding ``SECRET``."""
    return encode(
        photo(640, 480),
        "WEBP",
        quality=90,
        exif=_planted_exif(),
        xmp=XMP,
        icc_profile=_icc(),
    )


def gif_with_comment_and_xmp(frames: int = 1) -> bytes:
    """A GIF (animated when ``frames`` > 1) with a comment extension and an
    XMP application extension, both holding ``SECRET``."""
    pictures = [Image.new("P", (64, 48), i % 4) for i in range(frames)]
    for picture in pictures:
        picture.putpalette([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255])
    options = {"save_all": True, "append_images": pictures[1:]} if frames > 1 else {}
    data = encode(pictures[0], "GIF", comment=b"SECRETGIFCOMMENT", **options)
    # Pillow writes no XMP to a GIF: splice the application extension in
    # after the header, logical screen descriptor and global colour table.
    packed = data[10]
    table = 3 * 2 ** ((packed & 7) + 1) if packed & 0x80 else 0
    at = 13 + table
    xmp = (
        b"!\xff\x0bXMP DataXMP"
        + b"".join(
            bytes((len(part),)) + part
            for part in (XMP[i : i + 255] for i in range(0, len(XMP), 255))
        )
        + b"\x00"
    )
    return data[:at] + xmp + data[at:]


def png_with_transparency() -> bytes:
    """A 800x600 PNG: a red square on a fully transparent background."""
    picture = Image.new("RGBA", (800, 600), (0, 0, 0, 0))
    ImageDraw.Draw(picture).rectangle((300, 200, 500, 400), fill=(255, 0, 0, 255))
    return encode(picture, "PNG")


def png_with_colour_key() -> bytes:
    """A 400x300 RGB PNG whose white is transparent (a tRNS colour key, no
    alpha channel), with a red square in the middle."""
    picture = Image.new("RGB", (400, 300), "white")
    ImageDraw.Draw(picture).rectangle((150, 100, 250, 200), fill="red")
    return encode(picture, "PNG", transparency=(255, 255, 255))


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
