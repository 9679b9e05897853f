"""Uploads, cleaned originals and renditions, with real files made by Pillow."""

import io
import re

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
