"""Media on S3-compatible object storage, against a real S3 server (moto).

Every test with ``s3_media`` runs on a fresh bucket of moto's server process
(tests/s3.py) and ends by checking that nothing was written to MEDIA_ROOT:
uploads, renditions and placeholders all go through the storage API.
"""

import io
import re
import urllib.request
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from PIL import Image as PILImage

from articles.importer import import_article_file
from articles.models import Image
from articles.pictures import responsive_body
from articles.renditions import rendition_name, spec_name, specs_for
from articles.services import images_create
from newsroom.media import IMMUTABLE, media_origins, media_storage
from newsroom.site_views import media_file
from newsroom.storage import MediaStorage
from tests import images
from tests.factories import ImageFactory, PublishedArticleFactory, StaffFactory

SEED = Path(__file__).resolve().parents[2] / "demo" / "000_acd85ecf6e6c6313.txt"
SRCSET_URL = re.compile(r"(https?://[^\s\"]+)\s\d+w")


def http_get(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers, response.read()


def keys(s3_media, prefix: str = "") -> set[str]:
    listing = s3_media["client"].list_objects_v2(
        Bucket=s3_media["bucket"], Prefix=prefix
    )
    return {item["Key"] for item in listing.get("Contents", [])}


def upload(django_capture_on_commit_callbacks, width=1000, height=640) -> Image:
    """A photo added to the library the way the admin's upload does it."""
    with django_capture_on_commit_callbacks(execute=True):
        (image,) = images_create(
            uploads=[ContentFile(images.jpeg(width, height), name="Hồ Gươm.jpg")],
            credit="Thành ủy TP.HCM",
        )
    return image


# -- configuration from the environment ------------------------------------------


def test_local_folder_without_storage_settings():
    assert media_storage({}) == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }
    assert media_origins(media_storage({})) == []


def test_media_storage_url_gives_public_immutable_s3_storage():
    storage = media_storage(
        {
            "MEDIA_STORAGE_URL": "s3://bao-anh/media?endpoint_url=https://s3.example.vn"
            "&region_name=hn-1&custom_domain=anh.baomoi.example"
        }
    )
    assert storage == {
        "BACKEND": "newsroom.storage.MediaStorage",
        "OPTIONS": {
            "bucket_name": "bao-anh",
            "location": "media",
            "endpoint_url": "https://s3.example.vn",
            "region_name": "hn-1",
            "custom_domain": "anh.baomoi.example",
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": IMMUTABLE},
        },
    }
    assert media_origins(storage) == ["https://anh.baomoi.example"]


def test_aws_variables_configure_the_same_storage():
    storage = media_storage(
        {
            "AWS_STORAGE_BUCKET_NAME": "bao-anh",
            "AWS_S3_REGION_NAME": "ap-southeast-1",
            "MEDIA_CACHE_CONTROL": "public, max-age=86400",
        }
    )
    assert storage["OPTIONS"]["bucket_name"] == "bao-anh"
    assert storage["OPTIONS"]["region_name"] == "ap-southeast-1"
    assert storage["OPTIONS"]["object_parameters"] == {
        "CacheControl": "public, max-age=86400"
    }
    assert media_origins(storage) == [
        "https://bao-anh.s3.amazonaws.com",
        "https://bao-anh.s3.ap-southeast-1.amazonaws.com",
    ]


@pytest.mark.parametrize(
    "url",
    [
        "https://bao-anh/",
        "s3:///no-bucket",
        "s3://bao-anh?secret_key=leaked",
        "s3://bao-anh?endpoint=typo",
        "s3://AKIA:secret@bao-anh",
    ],
)
def test_a_wrong_media_storage_url_stops_the_start_with_a_clear_error(url):
    with pytest.raises(ImproperlyConfigured, match="MEDIA_STORAGE_URL"):
        media_storage({"MEDIA_STORAGE_URL": url})


@pytest.mark.django_db
def test_csp_allows_the_origin_media_urls_point_at(s3_media):
    url = default_storage.url("renditions/images/2026/11/a-1a2b3c4d.jpg/w640.webp")
    origin = re.match(r"https?://[^/]+", url).group(0)
    assert origin in media_origins(media_storage_of(s3_media))


def media_storage_of(s3_media) -> dict:
    return media_storage(
        {"MEDIA_STORAGE_URL": s3_media["server"].storage_url(s3_media["bucket"])}
    )


@pytest.mark.django_db
def test_fast_urls_are_the_ones_django_storages_builds(s3_media):
    default_storage.url("x")  # set the lazy object up
    storage = default_storage._wrapped
    assert isinstance(storage, MediaStorage)
    for name in [
        "images/2026/11/ha-noi-1a2b3c4d.jpg",
        "renditions/images/2026/11/ha-noi-1a2b3c4d.jpg/16x9-50-30-w640.webp",
        "site/logo 1.png",
    ]:
        assert storage.url(name) == super(MediaStorage, storage).url(name), name
    # S3Storage cannot build the bare prefix (an empty key); pages need it to
    # recognise library photos in article bodies.
    assert storage.url("") == f"{s3_media['server'].endpoint}/{s3_media['bucket']}/"


# -- uploads, renditions and pages on the bucket ---------------------------------


@pytest.mark.django_db
def test_upload_is_stored_cleaned_in_the_bucket_with_cache_headers(
    s3_media, django_capture_on_commit_callbacks
):
    image = upload(django_capture_on_commit_callbacks)
    assert keys(s3_media, "images/") == {image.file.name}
    head = s3_media["client"].head_object(
        Bucket=s3_media["bucket"], Key=image.file.name
    )
    assert head["CacheControl"] == IMMUTABLE
    assert head["ContentType"] == "image/jpeg"
    assert (image.width, image.height) == (1000, 640)

    status, headers, body = http_get(image.file.url)
    assert image.file.url.startswith(s3_media["server"].endpoint)
    assert status == 200
    assert headers["Cache-Control"] == IMMUTABLE
    with PILImage.open(io.BytesIO(body)) as stored:
        assert stored.getexif() == {}  # cleaned on the way in


@pytest.mark.django_db
def test_every_rendition_a_page_may_list_is_in_the_bucket_after_upload(
    s3_media, django_capture_on_commit_callbacks
):
    image = upload(django_capture_on_commit_callbacks)
    expected = {spec_name(spec) for spec in specs_for(image)}
    # 1000x640: 320, 640, 960 and 1000 uncropped and 16:9, 320 and 640 square;
    # each in WebP and JPEG.
    assert len(expected) == 20
    assert keys(s3_media, "renditions/") == expected
    head = s3_media["client"].head_object(
        Bucket=s3_media["bucket"],
        Key=rendition_name(image.file.name, width=640, ext="webp"),
    )
    assert head["CacheControl"] == IMMUTABLE
    assert head["ContentType"] == "image/webp"


@pytest.mark.django_db
def test_a_new_focal_point_makes_its_crops_and_keeps_the_rest(
    s3_media, django_capture_on_commit_callbacks
):
    image = upload(django_capture_on_commit_callbacks)
    before = keys(s3_media, "renditions/")
    image.focal_x, image.focal_y = 20, 70
    with django_capture_on_commit_callbacks(execute=True):
        image.save()
    after = keys(s3_media, "renditions/")
    new = after - before
    assert new == {spec_name(s) for s in specs_for(image) if s.ratio}
    assert all("-20-70-w" in name for name in new)


@pytest.mark.django_db
def test_article_page_links_renditions_at_the_bucket_and_they_load(
    client, s3_media, django_capture_on_commit_callbacks
):
    image = upload(django_capture_on_commit_callbacks)
    article = PublishedArticleFactory(cover=image)
    page = client.get(article.get_absolute_url()).content.decode()
    urls = set(SRCSET_URL.findall(page))
    assert urls, "no srcset on the page"
    for url in urls:
        assert url.startswith(f"{s3_media['server'].endpoint}/{s3_media['bucket']}/")
        status, headers, body = http_get(url)
        assert status == 200, url
        assert headers["Cache-Control"] == IMMUTABLE
        assert body


@pytest.mark.django_db
def test_rendition_view_serves_what_another_server_already_stored(
    client, s3_media, settings
):
    settings.MEDIA_RENDITIONS_ON_SAVE = False
    image = ImageFactory(file__width=1200, file__height=800)
    name = rendition_name(image.file.name, width=640, ext="webp")
    # Another app server made this rendition: its exact bytes must come back,
    # not a copy made again here.
    theirs = images.encode(images.photo(640, 427, seed=9), "WEBP", quality=50)
    s3_media["client"].put_object(Bucket=s3_media["bucket"], Key=name, Body=theirs)
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert response.content == theirs
    assert response["Cache-Control"] == IMMUTABLE


@pytest.mark.django_db
def test_rendition_view_makes_a_missing_rendition_into_the_bucket(
    client, s3_media, settings
):
    settings.MEDIA_RENDITIONS_ON_SAVE = False
    image = ImageFactory(file__width=1200, file__height=800)
    assert keys(s3_media, "renditions/") == set()
    name = rendition_name(image.file.name, width=320, ext="jpg")
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert keys(s3_media, "renditions/") == {name}
    status, _headers, body = http_get(default_storage.url(name))
    assert status == 200 and body == response.content


@pytest.mark.django_db
def test_make_renditions_command_fills_in_what_is_missing(s3_media, settings):
    settings.MEDIA_RENDITIONS_ON_SAVE = False
    first = ImageFactory(file__width=700, file__height=500)
    second = ImageFactory(file__width=400, file__height=400)
    out = io.StringIO()
    call_command("make_renditions", stdout=out)
    expected = {spec_name(s) for image in (first, second) for s in specs_for(image)}
    assert keys(s3_media, "renditions/") == expected
    assert f"Đã tạo {len(expected)} rendition cho 2 ảnh." in out.getvalue()
    out = io.StringIO()
    call_command("make_renditions", stdout=out)
    assert "Đã tạo 0 rendition cho 2 ảnh." in out.getvalue()


@pytest.mark.django_db
def test_import_with_a_missing_photo_stores_the_placeholder_in_the_bucket(
    s3_media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article, created = import_article_file(SEED, publish=True, create_section=True)
    assert created and article.cover.is_placeholder
    name = article.cover.file.name
    assert name in keys(s3_media, "images/")
    assert f'src="{default_storage.url(name)}"' in article.body
    assert {spec_name(s) for s in specs_for(article.cover)} <= keys(
        s3_media, "renditions/"
    )
    # Importing again finds the photo by its bucket URL and reuses it.
    with django_capture_on_commit_callbacks(execute=True):
        again, created = import_article_file(SEED, publish=True)
    assert not created and again.cover == article.cover
    assert len(keys(s3_media, "images/")) == 1


@pytest.mark.django_db
def test_bodies_written_before_the_move_to_s3_still_get_bucket_renditions(s3_media):
    image = ImageFactory(file__width=1200, file__height=800)
    body = (
        f'<figure><img src="/media/{image.file.name}" alt="Hồ Gươm" '
        'width="1200" height="800"></figure>'
    )
    html = responsive_body(body)
    urls = SRCSET_URL.findall(html)
    assert urls and all(url.startswith(s3_media["server"].endpoint) for url in urls)


@pytest.mark.django_db
def test_admin_image_upload_goes_to_the_bucket(
    client, s3_media, django_capture_on_commit_callbacks
):
    client.force_login(StaffFactory(is_superuser=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:articles_image_add"),
            {
                "file": ContentFile(images.jpeg(800, 600), name="phong-vien.jpg"),
                "alt": "Phóng viên tác nghiệp",
                "focal_x": 50,
                "focal_y": 50,
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    image = Image.objects.get()
    assert keys(s3_media, "images/") == {image.file.name}
    assert {spec_name(s) for s in specs_for(image)} == keys(s3_media, "renditions/")


# -- the app's own media view (SERVE_MEDIA) --------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("on_s3", [False, True], ids=["folder", "s3"])
def test_media_view_reads_through_the_storage(on_s3, request):
    if on_s3:
        request.getfixturevalue("s3_media")
    name = default_storage.save("images/2026/11/tep-1a2b3c4d.jpg", ContentFile(b"x"))
    factory = RequestFactory()
    response = media_file(factory.get("/media/x"), name)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"x"
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == IMMUTABLE
    for hostile in ["images/2026/11/none.jpg", "../settings.py", "images", ""]:
        with pytest.raises(Exception) as raised:
            media_file(factory.get("/media/x"), hostile)
        assert raised.type.__name__ == "Http404", hostile
