"""Uploads, cleaned originals and renditions, with real files made by Pillow."""

import io
import re
import struct

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage

from articles.models import Image
from articles.renditions import (
    parse_name,
    rendition_name,
    widths_for,
)
from tests import images as make
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

SRCSET_URL = re.compile(r"(/media/renditions/[^\s\"]+)\s\d+w")


@pytest.fixture
def editor(client):
    client.force_login(StaffFactory())
    return client


def upload(client, data: bytes, name: str, **fields):
    """POST a file to the image library's add form, as an editor would."""
    payload = {
        "file": SimpleUploadedFile(name, data),
        "alt": "Ảnh thử",
        "caption": "",
        "credit": "",
        "focal_x": 50,
        "focal_y": 50,
        "rights": "",
        "rights_expires_at": "",
        **fields,
    }
    return client.post(reverse("admin:articles_image_add"), payload)


def form_errors(response) -> str:
    return " ".join(
        " ".join(errors)
        for errors in response.context["adminform"].form.errors.values()
    )


def served_files(image: Image) -> list[bytes]:
    """Every file a reader can get for ``image``: the original and each
    rendition of every slot, fetched through the rendition view."""
    from django.test import Client

    files = [default_storage.open(image.file.name).read()]
    reader = Client()
    for ratio in (None, "16x9", "1x1"):
        for width in widths_for(image.width, image.height, ratio):
            for ext in ("webp", "jpg" if image.file.name.endswith("jpg") else "png"):
                name = rendition_name(
                    image.file.name,
                    width=width,
                    ext=ext,
                    ratio=ratio,
                    focal=image.focal_point,
                )
                response = reader.get(default_storage.url(name))
                assert response.status_code == 200, name
                files.append(response.content)
    return files


def _jpeg_carriers(data: bytes) -> list[str]:
    found, i = [], 2
    # Entropy-coded data escapes 0xFF as FF 00, so every other FF starts a marker
    # (progressive files have several scans, with tables and maybe more between).
    while i < len(data) - 1:
        if (
            data[i] != 0xFF
            or data[i + 1] in (0x00, 0xFF)
            or 0xD0 <= data[i + 1] <= 0xD7
        ):
            i += 1
            continue
        marker = data[i + 1]
        if marker == 0xD9:  # EOI
            if data[i + 2 :]:
                found.append("bytes after EOI")
            break
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        if marker == 0xFE:
            found.append("COM")
        elif 0xE1 <= marker <= 0xEF:
            found.append(f"APP{marker - 0xE0} {data[i + 4 : i + 16]!r}")
        elif marker == 0xE0 and not data[i + 4 :].startswith(b"JFIF\x00"):
            found.append(f"APP0 {data[i + 4 : i + 16]!r}")
        i += 2 + length
    return found


def _png_carriers(data: bytes) -> list[str]:
    found, i = [], 8
    while i < len(data):
        length, kind = struct.unpack(">I4s", data[i : i + 8])
        if kind not in {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}:
            found.append(kind.decode("latin-1"))
        i += 12 + length
        if kind == b"IEND" and data[i:]:
            found.append("bytes after IEND")
            break
    return found


def _webp_carriers(data: bytes) -> list[str]:
    found, i = [], 12
    while i < len(data):
        kind, length = struct.unpack("<4sI", data[i : i + 8])
        if kind not in {b"VP8 ", b"VP8L", b"VP8X", b"ALPH"}:
            found.append(kind.decode("latin-1"))
        elif kind == b"VP8X" and data[i + 8] & 0b00101100:  # ICC, EXIF, XMP flags
            found.append(f"VP8X flags {data[i + 8]:#010b}")
        i += 8 + length + length % 2
    return found


def _sub_blocks_end(data: bytes, i: int) -> int:
    while data[i]:
        i += 1 + data[i]
    return i + 1


def _gif_carriers(data: bytes) -> list[str]:
    found = []
    packed = data[10]
    i = 13 + (3 * 2 ** ((packed & 7) + 1) if packed & 0x80 else 0)
    while data[i] != 0x3B:  # trailer
        if data[i] == 0x2C:  # image: descriptor, local table, LZW data
            packed = data[i + 9]
            i += 10 + (3 * 2 ** ((packed & 7) + 1) if packed & 0x80 else 0)
            i = _sub_blocks_end(data, i + 1)
            continue
        label = data[i + 1]
        if label == 0xFF and data[i + 3 : i + 14] != b"NETSCAPE2.0":
            found.append(f"application {data[i + 3 : i + 14]!r}")
        elif label not in {0xF9, 0xFF}:  # graphic control, looping
            found.append({0xFE: "comment", 0x01: "plain text"}.get(label, hex(label)))
        i = _sub_blocks_end(data, i + 2)
    if data[i + 1 :]:
        found.append("bytes after the trailer")
    return found


def metadata_carriers(data: bytes) -> list[str]:
    """Every segment or chunk in ``data`` that holds something besides pixels
    (EXIF, XMP, ICC, comments, text chunks, bytes after the end), read from
    the container itself rather than through Pillow, which hides what it skips.
    """
    if data.startswith(b"\xff\xd8"):
        return _jpeg_carriers(data)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _png_carriers(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp_carriers(data)
    if data[:6] in {b"GIF87a", b"GIF89a"}:
        return _gif_carriers(data)
    raise AssertionError(f"not a file we serve: {data[:12]!r}")


# -- what is accepted and what is refused ---------------------------------------

REFUSED = [
    (
        "decompression bomb, 20000x20000 header",
        make.png_bomb(20000, 20000),
        "a.png",
        "Ảnh quá lớn",
    ),
    (
        "64 MP header, under Pillow's limit",
        make.png_bomb(8000, 8000),
        "b.png",
        "8000 × 8000 điểm ảnh",
    ),
    ("truncated JPEG", make.truncated_jpeg(), "c.jpg", "bị hỏng hoặc không trọn vẹn"),
    (
        "PNG renamed .jpg",
        make.png_with_transparency(),
        "d.jpg",
        "Đuôi tệp .jpg không khớp nội dung: đây là ảnh PNG",
    ),
    ("SVG with a script", make.svg_with_script(), "e.svg", "không phải ảnh JPEG"),
    ("SVG renamed .png", make.svg_with_script(), "f.png", "không phải ảnh JPEG"),
    ("HTML renamed .png", make.html_page(), "g.png", "không phải ảnh JPEG"),
    ("EPS renamed .jpg (Ghostscript)", make.eps(), "h.jpg", "không phải ảnh JPEG"),
    ("empty file", b"", "i.jpg", ""),
]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [case[1:] for case in REFUSED],
    ids=[case[0] for case in REFUSED],
)
def test_hostile_upload_is_refused_with_a_clear_message(editor, data, name, message):
    response = upload(editor, data, name)

    assert response.status_code == 200  # the form again, not a 500
    assert message in form_errors(response)
    assert not Image.objects.exists()
    assert not default_storage.exists("images")


ACCEPTED = [
    (
        "JPEG with EXIF GPS and rotation",
        make.jpeg_with_gps_and_rotation(),
        "a.jpg",
        (300, 400),
    ),
    ("PNG with transparency", make.png_with_transparency(), "b.png", (800, 600)),
    ("CMYK JPEG", make.cmyk_jpeg(), "c.jpg", (640, 480)),
    ("1x1 GIF", make.gif_1x1(), "d.gif", (1, 1)),
    ("GIF with a script appended", make.gif_polyglot(), "e.gif", (1, 1)),
]


@pytest.mark.parametrize(
    ("data", "name", "size"),
    [case[1:] for case in ACCEPTED],
    ids=[case[0] for case in ACCEPTED],
)
def test_real_image_is_accepted_and_no_served_file_carries_metadata(
    editor, data, name, size
):
    response = upload(editor, data, name)

    assert response.status_code == 302, form_errors(response)
    image = Image.objects.get()
    assert (image.width, image.height) == size
    for content in served_files(image):
        with PILImage.open(io.BytesIO(content)) as served:
            assert not served.getexif(), "EXIF left in a served file"
            assert not served.getexif().get_ifd(make.GPS_IFD)
            assert "icc_profile" not in served.info
            assert "exif" not in served.info
            assert served.mode in {"RGB", "RGBA", "P", "L"}
        assert b"<script" not in content and b"alert(" not in content
        assert not metadata_carriers(content)


PLANTED = [
    ("JPEG", make.jpeg_with_every_marker(), "a.jpg", "jpg"),
    ("JPEG without a profile", make.jpeg_with_every_marker(icc=False), "f.jpg", "jpg"),
    ("multi-picture JPEG", make.mpo_with_every_marker(), "g.jpg", "jpg"),
    ("PNG", make.png_with_every_chunk(), "b.png", "png"),
    ("WebP", make.webp_with_every_chunk(), "c.webp", "webp"),
    ("GIF", make.gif_with_comment_and_xmp(), "d.gif", "png"),
    ("animated GIF", make.gif_with_comment_and_xmp(frames=5), "e.gif", "gif"),
]


@pytest.mark.parametrize(
    ("data", "name", "stored"),
    [case[1:] for case in PLANTED],
    ids=[case[0] for case in PLANTED],
)
def test_no_planted_metadata_survives_in_any_stored_or_served_file(
    editor, data, name, stored
):
    """EXIF with GPS, XMP, an ICC profile, comments, Photoshop/IPTC and PNG text
    chunks, each planted with a marker: none is in the stored original or in any
    rendition (JPEG or PNG, and WebP), byte for byte."""
    planted = metadata_carriers(data)
    assert make.SECRET in data and len(planted) >= 2, planted
    response = upload(editor, data, name)

    assert response.status_code == 302, form_errors(response)
    image = Image.objects.get()
    assert image.file.name.endswith(f".{stored}")
    files = served_files(image)
    assert len(files) > 1
    for content in files:
        for marker in make.MARKERS:
            assert marker not in content, marker
        assert not metadata_carriers(content)


def test_orientation_is_applied_to_the_pixels(editor):
    upload(editor, make.jpeg_with_gps_and_rotation(), "xoay.jpg")
    image = Image.objects.get()
    with default_storage.open(image.file.name) as handle, PILImage.open(handle) as m:
        # Orientation 6: the red left half of the sensor is now on top.
        assert m.size == (300, 400)
        red, green, blue = m.convert("RGB").getpixel((150, 20))
        assert red > 200 and blue < 60
        red, green, blue = m.convert("RGB").getpixel((150, 380))
        assert blue > 200 and red < 60


def test_png_renditions_keep_transparency(editor):
    upload(editor, make.png_with_transparency(), "trong-suot.png")
    image = Image.objects.get()
    for ext in ("png", "webp"):
        name = rendition_name(image.file.name, width=320, ext=ext)
        content = editor.get(default_storage.url(name)).content
        with PILImage.open(io.BytesIO(content)) as rendition:
            assert rendition.mode == "RGBA"
            assert rendition.getpixel((5, 5))[3] == 0  # corner stays transparent
            assert rendition.getpixel((160, 120))[3] == 255


def test_a_png_colour_key_becomes_alpha_in_every_rendition(editor):
    upload(editor, make.png_with_colour_key(), "mau-khoa.png")
    image = Image.objects.get()
    for ext in ("png", "webp"):
        name = rendition_name(image.file.name, width=320, ext=ext)
        content = editor.get(default_storage.url(name)).content
        with PILImage.open(io.BytesIO(content)) as rendition:
            assert rendition.mode == "RGBA", ext
            assert rendition.getpixel((5, 5))[3] == 0, ext
            assert rendition.getpixel((160, 120))[3] == 255, ext


def test_cmyk_is_converted_to_rgb(editor):
    upload(editor, make.cmyk_jpeg(), "cmyk.jpg")
    image = Image.objects.get()
    with default_storage.open(image.file.name) as handle, PILImage.open(handle) as m:
        assert m.mode == "RGB"
        red, green, blue = m.getpixel((10, 10))
        assert red > 200 and green < 60 and blue < 60  # cyan 0, magenta+yellow: red


def test_upload_over_the_size_limit_is_refused(editor, settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 10_000
    errors = form_errors(upload(editor, make.jpeg(1200, 800), "lon.jpg"))
    assert re.search(r"Tệp quá lớn \(.+\); giới hạn là 9,8\sKB\.", errors), errors
    assert not Image.objects.exists()


def test_animated_gif_counts_every_frame_against_the_pixel_limit(editor, settings):
    settings.IMAGE_MAX_PIXELS = 64 * 64 * 100
    response = upload(editor, make.animated_gif(200), "dong.gif")
    assert "× 200 khung hình" in form_errors(response)
    assert not Image.objects.exists()


def test_a_client_chosen_file_name_never_chooses_the_path(editor):
    upload(editor, make.jpeg(400, 300), "../../Ảnh Đẹp <script>.JPEG")
    name = Image.objects.get().file.name
    assert re.fullmatch(r"images/\d{4}/\d{2}/anh-dep-script-[0-9a-f]{8}\.jpg", name)


# -- renditions ------------------------------------------------------------------


@pytest.fixture
def landscape(editor):
    upload(editor, make.jpeg(2400, 1600), "phong-canh.jpg", focal_x=80, focal_y=20)
    return Image.objects.get()


def test_widths_are_fixed_and_never_upscaled():
    assert widths_for(2400, 1600, None) == [320, 640, 960, 1280, 1920]
    assert widths_for(1000, 800, None) == [320, 640, 960, 1000]
    assert widths_for(200, 100, None) == [200]
    # A 16:9 crop of 1000x800 is 1000x562; a 1:1 crop is 800x800.
    assert widths_for(1000, 800, "16x9") == [320, 640, 960, 1000]
    assert widths_for(1000, 800, "1x1") == [320, 640, 800]


def test_rendition_is_made_once_and_kept_on_the_storage(client, landscape):
    name = rendition_name(landscape.file.name, width=640, ext="webp")
    assert not default_storage.exists(name)

    first = client.get(default_storage.url(name))

    assert first.status_code == 200
    assert first["Content-Type"] == "image/webp"
    assert "immutable" in first["Cache-Control"]
    assert default_storage.exists(name)
    modified = default_storage.get_modified_time(name)
    second = client.get(default_storage.url(name))
    assert second.content == first.content
    assert default_storage.get_modified_time(name) == modified
    with PILImage.open(io.BytesIO(first.content)) as rendition:
        assert rendition.size == (640, 427)


def test_crop_keeps_the_focal_point(client, landscape):
    name = rendition_name(
        landscape.file.name, width=640, ext="jpg", ratio="1x1", focal=(80, 20)
    )
    response = client.get(default_storage.url(name))
    assert response.status_code == 200
    with PILImage.open(io.BytesIO(response.content)) as rendition:
        assert rendition.size == (640, 640)
    # The 1:1 box of 2400x1600 around x=80% is 1600 wide, pushed to the right edge.
    from articles.imaging import crop_box

    assert crop_box(2400, 1600, (1, 1), (80, 20)) == (800, 0, 2400, 1600)
    assert crop_box(2400, 1600, (16, 9), (80, 20)) == (0, 0, 2400, 1350)
    assert crop_box(2400, 1600, (16, 9), (50, 90)) == (0, 250, 2400, 1600)


@pytest.mark.parametrize(
    "path",
    [
        "renditions/{src}/w641.webp",  # a width we do not make
        "renditions/{src}/w3840.webp",  # upscaling
        "renditions/{src}/w640.png",  # not the original's format
        "renditions/{src}/w640.gif",
        "renditions/{src}/16x9-50-50-w640.webp",  # not the photo's focal point
        "renditions/{src}/4x3-80-20-w640.webp",
        "renditions/{src}/16x9-800-20-w640.webp",
        "renditions/images/2026/01/khong-co-1234abcd.jpg/w640.webp",
        "renditions/images/../../etc/passwd/w640.webp",
        "renditions/%2e%2e/%2e%2e/settings.py/w640.webp",
        "renditions/{src}/w640.webp/../../../x",
        "renditions/x",
    ],
)
def test_a_rendition_nobody_lists_is_a_404_never_a_500(client, landscape, path):
    url = "/media/" + path.format(src=landscape.file.name)
    response = client.get(url)
    assert response.status_code == 404


def test_a_missing_original_is_a_404_not_a_500(client, landscape):
    default_storage.delete(landscape.file.name)
    name = rendition_name(landscape.file.name, width=320, ext="webp")
    assert client.get(default_storage.url(name)).status_code == 404


def test_a_corrupted_original_is_a_404_not_a_500(client, landscape):
    with default_storage.open(landscape.file.name, "wb") as handle:
        handle.write(b"\xff\xd8\xff garbage")
    name = rendition_name(landscape.file.name, width=320, ext="webp")
    assert client.get(default_storage.url(name)).status_code == 404


def test_rendition_of_a_photo_whose_rights_expired_is_not_served(client, landscape):
    landscape.rights_expires_at = "2020-01-01"
    landscape.save()
    name = rendition_name(landscape.file.name, width=320, ext="webp")
    assert client.get(default_storage.url(name)).status_code == 404


def test_rendition_names_round_trip():
    name = rendition_name(
        "images/2026/11/a-1234abcd.png",
        width=640,
        ext="webp",
        ratio="16x9",
        focal=(10, 90),
    )
    spec = parse_name(name)
    assert name == "renditions/images/2026/11/a-1234abcd.png/16x9-10-90-w640.webp"
    assert (spec.source, spec.width, spec.ratio, spec.focal) == (
        "images/2026/11/a-1234abcd.png",
        640,
        "16x9",
        (10, 90),
    )
