"""The image library in the admin: upload many, search, "used in", rights, picker."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from articles import roles
from articles.importer import figure_html
from articles.models import Image
from tests import images as make
from tests.factories import (
    ArticleFactory,
    ImageFactory,
    PublishedArticleFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

UPLOAD_MANY = "/admin/articles/image/tai-nhieu-anh/"
PICKER = "/admin/articles/image/chon-anh/"


@pytest.fixture
def editor(client):
    client.force_login(StaffFactory())
    return client


def test_upload_several_photos_at_once(editor):
    files = [
        SimpleUploadedFile("Ảnh một.jpg", make.jpeg(800, 600)),
        SimpleUploadedFile("hai.png", make.png_with_transparency()),
        SimpleUploadedFile("ba.gif", make.gif_1x1()),
    ]
    response = editor.post(
        UPLOAD_MANY, {"files": files, "credit": "Bình Minh", "rights": "Tòa soạn"}
    )

    assert response.status_code == 302
    assert response["Location"].endswith("?alt=thieu")  # next: write the alt texts
    images = Image.objects.order_by("file")
    assert images.count() == 3
    assert {i.credit for i in images} == {"Bình Minh"}
    assert {i.rights for i in images} == {"Tòa soạn"}
    assert all(i.uploaded_by is not None for i in images)
    assert {i.file.name.rsplit(".", 1)[1] for i in images} == {"jpg", "png"}
    listing = editor.get(response["Location"]).content.decode()
    assert listing.count("<picture>") == 3


def test_one_bad_file_refuses_the_whole_batch_with_its_name(editor):
    files = [
        SimpleUploadedFile("tot.jpg", make.jpeg(400, 300)),
        SimpleUploadedFile("xau.jpg", make.png_with_transparency()),
    ]
    response = editor.post(UPLOAD_MANY, {"files": files})
    assert response.status_code == 200
    assert "xau.jpg: Đuôi tệp .jpg không khớp nội dung" in response.content.decode()
    assert not Image.objects.exists()


def test_upload_many_page_loads_and_needs_files(editor):
    assert editor.get(UPLOAD_MANY).status_code == 200
    response = editor.post(UPLOAD_MANY, {})
    assert response.status_code == 200
    assert not Image.objects.exists()


def test_list_filters_photos_without_alt_and_searches_credit(editor):
    ImageFactory(alt="", caption="Không có alt", credit="TTXVN")
    ImageFactory(alt="Có alt", caption="Có alt", credit="Thành ủy")
    html = editor.get("/admin/articles/image/?alt=thieu").content.decode()
    assert "Không có alt" in html and "Có alt</a>" not in html
    html = editor.get("/admin/articles/image/?q=TTXVN").content.decode()
    assert "Không có alt" in html and "Thành ủy" not in html


def test_change_page_lists_the_articles_that_use_the_photo(editor):
    photo = ImageFactory()
    as_cover = PublishedArticleFactory(title="Bài dùng làm ảnh đại diện", cover=photo)
    in_body = PublishedArticleFactory(title="Bài dùng trong nội dung")
    in_body.body = figure_html(photo)
    in_body.save()
    PublishedArticleFactory(title="Bài không dùng")

    html = editor.get(f"/admin/articles/image/{photo.pk}/change/").content.decode()

    assert as_cover.title in html and in_body.title in html
    assert "Bài không dùng" not in html


def test_editors_are_warned_about_expired_and_expiring_rights(editor):
    today = timezone.localdate()
    expired = ImageFactory(
        caption="Ảnh hết hạn", rights_expires_at=today - timedelta(1)
    )
    soon = ImageFactory(caption="Ảnh sắp hết", rights_expires_at=today + timedelta(5))
    article = PublishedArticleFactory(cover=expired, body=figure_html(soon))

    html = editor.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "Ảnh “Ảnh hết hạn” đã hết hạn bản quyền" in html
    assert "Ảnh “Ảnh sắp hết” hết hạn bản quyền sau ngày" in html

    html = editor.get("/admin/articles/image/?ban-quyen=het-han").content.decode()
    assert "Ảnh hết hạn" in html and "Ảnh sắp hết" not in html


def test_picker_hands_the_photo_back_to_the_editor(editor):
    photo = ImageFactory(alt="Lễ ký kết", caption="Ký kết", credit="Thành ủy TP.HCM")
    ImageFactory(caption="Ảnh khác", credit="Khác")

    html = editor.get(PICKER, {"CKEditorFuncNum": "-3", "q": "Thành ủy"}).content
    html = html.decode()

    assert f'data-url="{photo.file.url}"' in html
    assert 'data-alt="Lễ ký kết"' in html
    assert 'data-caption="Ký kết Ảnh: Thành ủy TP.HCM"' in html
    assert 'data-func-num="-3"' in html
    assert "Ảnh khác" not in html


def test_picker_ignores_a_hostile_callback_number(editor):
    ImageFactory()
    html = editor.get(PICKER, {"CKEditorFuncNum": '1"><script>'}).content.decode()
    assert 'data-func-num=""' in html and "<script>" not in html.split("</h1>")[-1]


def test_editor_is_configured_with_the_picker():
    from django.conf import settings

    assert settings.PROSE_EDITOR_EXTENSIONS["Figure"]["pickerUrl"] == PICKER
    assert reverse("admin:articles_image_picker") == PICKER


def test_admin_image_pages_need_a_login(client):
    for url in [UPLOAD_MANY, PICKER]:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


# -- who may edit a photo: its uploader until readers see it, editors always ----


def member(role, **kwargs):
    from django.contrib.auth.models import Group

    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=role))
    return user


def photo_form_data(photo, **overrides):
    return {
        "alt": photo.alt,
        "caption": photo.caption,
        "credit": photo.credit,
        "focal_x": photo.focal_x,
        "focal_y": photo.focal_y,
        "rights": photo.rights,
        "rights_expires_at": "",
        **overrides,
    }


def edit_photo(client, photo):
    """Post a new caption, alt, credit and focal point; True if it was saved."""
    url = reverse("admin:articles_image_change", args=[photo.pk])
    response = client.post(
        url,
        photo_form_data(
            photo,
            caption="Chú thích sửa",
            alt="Alt sửa",
            credit="Nguồn sửa",
            focal_x=20,
        ),
    )
    photo.refresh_from_db()
    saved = (photo.caption, photo.alt, photo.credit, photo.focal_x) == (
        "Chú thích sửa",
        "Alt sửa",
        "Nguồn sửa",
        20,
    )
    assert response.status_code == (302 if saved else 403)
    return saved


# Whether each role may edit a photo it did not upload, in each place it is used.
USES = ["unused", "in_a_draft", "in_a_published_article", "in_a_scheduled_article"]
OTHERS_PHOTO = {
    roles.REPORTER: dict.fromkeys(USES, False),
    roles.EDITOR: dict.fromkeys(USES, True),
    roles.MANAGING_EDITOR: dict.fromkeys(USES, True),
    roles.MODERATOR: dict.fromkeys(USES, False),
}
# ... and a photo it uploaded itself.
OWN_PHOTO = {
    **OTHERS_PHOTO,
    roles.REPORTER: {
        "unused": True,
        "in_a_draft": True,
        "in_a_published_article": False,
        "in_a_scheduled_article": False,
    },
}


def photo_used(use, **kwargs):
    photo = ImageFactory(**kwargs)
    if use == "in_a_draft":
        ArticleFactory(cover=photo)
    elif use == "in_a_published_article":
        PublishedArticleFactory(body=figure_html(photo))
    elif use == "in_a_scheduled_article":
        PublishedArticleFactory(
            cover=photo, published_at=timezone.now() + timedelta(hours=2)
        )
    return photo


def test_every_role_is_in_the_photo_matrix():
    assert set(OWN_PHOTO) == set(OTHERS_PHOTO) == set(roles.ROLES)


@pytest.mark.parametrize("use", USES)
@pytest.mark.parametrize("role", list(roles.ROLES))
def test_who_may_edit_a_photo_they_uploaded(client, role, use):
    user = member(role)
    photo = photo_used(use, uploaded_by=user)
    client.force_login(user)
    assert edit_photo(client, photo) is OWN_PHOTO[role][use]


@pytest.mark.parametrize("use", USES)
@pytest.mark.parametrize("role", list(roles.ROLES))
def test_who_may_edit_someone_elses_photo(client, role, use):
    photo = photo_used(use, uploaded_by=member(roles.REPORTER))
    client.force_login(member(role))
    assert edit_photo(client, photo) is OTHERS_PHOTO[role][use]


def test_a_reporter_lands_on_an_editable_page_after_uploading(client):
    reporter = member(roles.REPORTER)
    client.force_login(reporter)
    response = client.post(
        reverse("admin:articles_image_add"),
        {
            **photo_form_data(Image(), caption="", alt="", credit=""),
            "file": SimpleUploadedFile("anh.jpg", make.jpeg(400, 300)),
            "_continue": "1",
        },
    )
    photo = Image.objects.get()
    assert photo.uploaded_by == reporter
    assert response["Location"] == reverse(
        "admin:articles_image_change", args=[photo.pk]
    )
    html = client.get(response["Location"]).content.decode()
    assert 'name="caption"' in html and 'name="alt"' in html and 'name="_save"' in html
    assert edit_photo(client, photo)


def test_the_uploader_is_told_why_a_published_photo_is_locked(client):
    reporter = member(roles.REPORTER)
    photo = photo_used("in_a_published_article", uploaded_by=reporter)
    client.force_login(reporter)
    html = client.get(
        reverse("admin:articles_image_change", args=[photo.pk])
    ).content.decode()
    assert 'name="caption"' not in html
    assert "Ảnh đã dùng trong bài đã xuất bản: chỉ biên tập viên sửa được" in html
