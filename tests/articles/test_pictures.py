"""Responsive photos on public pages: markup, loading order, rights, queries."""

import re
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from articles.importer import figure_html
from articles.models import Article
from articles.pictures import responsive_body
from tests.admin_forms import article_form_data
from tests.factories import (
    ImageFactory,
    PublishedArticleFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

PICTURE = re.compile(r"<picture>.*?</picture>", re.DOTALL)


@pytest.fixture
def photo():
    return ImageFactory(
        file__width=2400, file__height=1600, alt="Lễ ký kết", focal_x=30, focal_y=40
    )


def pictures(html: str) -> list[str]:
    return PICTURE.findall(html)


def test_cover_is_a_picture_with_webp_and_the_original_format(client, photo):
    article = PublishedArticleFactory(cover=photo)
    html = client.get(article.get_absolute_url()).content.decode()
    cover = pictures(html)[0]
    base = default_storage.url(f"renditions/{photo.file.name}")
    assert f'<source type="image/webp" srcset="{base}/16x9-30-40-w320.webp 320w' in (
        cover
    )
    assert f"{base}/16x9-30-40-w1920.webp 1920w" in cover
    assert f'<img src="{base}/16x9-30-40-w640.jpg"' in cover
    assert 'sizes="(min-width: 48rem) 36rem, calc(100vw - 2rem)"' in cover
    assert 'alt="Lễ ký kết" width="1920" height="1080"' in cover
    assert 'fetchpriority="high"' in cover and 'loading="lazy"' not in cover


def test_share_image_is_a_16x9_rendition(client, photo):
    article = PublishedArticleFactory(cover=photo)
    html = client.get(article.get_absolute_url()).content.decode()
    url = default_storage.url(f"renditions/{photo.file.name}/16x9-30-40-w1280.jpg")
    assert f'<meta property="og:image" content="http://testserver{url}">' in html
    assert client.get(url)["Content-Type"] == "image/jpeg"


def test_cards_use_crops_and_load_lazily(client, photo):
    PublishedArticleFactory(cover=photo, featured=True)
    for i in range(3):
        PublishedArticleFactory(
            cover=photo, published_at=timezone.now() - timedelta(hours=i + 2)
        )
    html = client.get("/").content.decode()
    found = pictures(html)
    assert len(found) >= 4
    lead, *rest = found
    assert "fetchpriority" in lead and "/16x9-30-40-" in lead
    assert all('loading="lazy"' in p for p in rest)
    assert all('width="' in p and 'height="' in p for p in found)


def test_body_figures_are_responsive_and_only_the_first_may_be_eager(client, photo):
    body = "".join(figure_html(photo) + "<p>Đoạn văn.</p>" for _ in range(3))
    article = PublishedArticleFactory(body=body)
    html = client.get(article.get_absolute_url()).content.decode()
    figures = pictures(html.split('class="article__body"')[1])
    assert len(figures) == 3
    assert 'fetchpriority="high"' in figures[0]  # no cover above it
    assert all('loading="lazy"' in f for f in figures[1:])
    base = default_storage.url(f"renditions/{photo.file.name}")
    assert f"{base}/w1920.webp 1920w" in figures[0]
    assert 'width="2400" height="1600"' in figures[0]
    assert "<figcaption>" in html


def test_body_figures_below_a_cover_are_all_lazy(client, photo):
    other = ImageFactory(file__width=800, file__height=600)
    article = PublishedArticleFactory(cover=other, body=figure_html(photo))
    html = client.get(article.get_absolute_url()).content.decode()
    body = html.split('class="article__body"')[1]
    assert 'loading="lazy"' in pictures(body)[0]


def test_body_from_the_editor_gets_its_sizes_on_save(photo):
    # The editor's dialog inserts only src and alt (and the library id).
    url = photo.file.url
    article = PublishedArticleFactory(
        body=f'<figure><img src="{url}" alt="a" data-file="{photo.pk}"></figure>'
    )
    assert 'width="2400" height="1600"' in Article.objects.get(pk=article.pk).body


def test_images_from_elsewhere_are_only_made_lazy():
    html = responsive_body('<p><img src="https://example.com/a.jpg" alt="x"></p>')
    assert html == (
        '<p><img src="https://example.com/a.jpg" alt="x" loading="lazy" '
        'decoding="async"></p>'
    )


@pytest.mark.parametrize("figures", [0, 1, 10])
def test_article_page_queries_do_not_grow_with_figures(
    client, photo, django_assert_num_queries, figures
):
    body = "<p>Mở đầu.</p>" + "".join(
        figure_html(ImageFactory(alt=f"Ảnh {i}")) for i in range(figures)
    )
    article = PublishedArticleFactory(cover=photo, body=body)
    url = article.get_absolute_url()
    assert client.get(url).status_code == 200  # warms the site context and cached parts
    with django_assert_num_queries(0):  # the page is assembled from cached parts
        html = client.get(url).content.decode()
    assert len(pictures(html)) == figures + 1


# -- rights --------------------------------------------------------------------


def test_cover_whose_rights_expired_is_not_shown(client, photo):
    photo.rights_expires_at = timezone.localdate() - timedelta(days=1)
    photo.save()
    article = PublishedArticleFactory(cover=photo, featured=True)
    logo = "http://testserver/static/img/logo.png"
    for url, shared in [(article.get_absolute_url(), [logo]), ("/", [])]:
        html = client.get(url).content.decode()
        assert photo.file.name not in html
        # The share card falls back to the paper's logo, never the photo.
        assert re.findall(r'property="og:image" content="([^"]*)"', html) == shared


def test_rights_are_served_through_their_last_day(client, photo):
    photo.rights_expires_at = timezone.localdate()
    photo.save()
    article = PublishedArticleFactory(cover=photo)
    assert photo.file.name in client.get(article.get_absolute_url()).content.decode()


def test_body_figure_whose_rights_expired_is_dropped_whole(
    client, photo, django_assert_num_queries
):
    keep = ImageFactory(caption="Ảnh còn hạn")
    article = PublishedArticleFactory(
        body=figure_html(photo) + "<p>Giữa.</p>" + figure_html(keep)
    )
    assert Article.objects.get(pk=article.pk).body_image_rights == {}

    photo.rights_expires_at = timezone.localdate() - timedelta(days=1)
    photo.save()  # the article learns the date through the signal

    article.refresh_from_db()
    assert article.body_image_rights == {
        photo.file.name: photo.rights_expires_at.isoformat()
    }
    url = article.get_absolute_url()
    client.get(url)
    # The dates are in the article's row: no extra query (the article's part
    # is built from it; warm, the page is all cached parts).
    with django_assert_num_queries(0):
        html = client.get(url).content.decode()
    assert photo.file.name not in html
    assert photo.caption not in html
    assert keep.file.name in html and "Giữa." in html


# -- alt text before publishing -------------------------------------------------


def admin_post(client, article, **changes):
    data = article_form_data(
        article,
        cover=article.cover_id or "",
        published_at_0="19/10/2023",
        published_at_1="06:36:00",
        **changes,
    )
    return client.post(f"/admin/articles/article/{article.pk}/change/", data)


def publish_through_admin(client, article):
    editor = StaffFactory()
    client.force_login(editor)
    return client.post(
        f"/admin/articles/article/{article.pk}/buoc/publish/", {}, follow=True
    )


def test_a_cover_without_alt_cannot_be_published(client):
    article = PublishedArticleFactory(status="approved", cover=ImageFactory(alt=""))
    response = publish_through_admin(client, article)
    assert "Ảnh đại diện chưa có mô tả thay thế (alt)" in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == "approved"


def test_a_body_image_without_alt_cannot_be_published(client, photo):
    body = f'<figure><img src="{photo.file.url}" alt=""></figure>'
    article = PublishedArticleFactory(status="approved", body=body)
    response = publish_through_admin(client, article)
    assert "1 ảnh trong nội dung chưa có mô tả thay thế (alt)" in (
        response.content.decode()
    )
    assert Article.objects.get(pk=article.pk).status == "approved"


def test_editing_a_published_article_keeps_the_alt_rule(client, photo):
    client.force_login(StaffFactory())
    article = PublishedArticleFactory()
    body = f'<figure><img src="{photo.file.url}" alt=""></figure>'
    response = admin_post(client, article, body=body)
    assert response.status_code == 200
    assert "chưa có mô tả thay thế (alt)" in response.content.decode()


def test_a_draft_may_use_a_photo_without_alt(client):
    client.force_login(StaffFactory())
    article = PublishedArticleFactory(status="draft", cover=ImageFactory(alt=""))
    response = admin_post(client, article, status="draft")
    assert response.status_code == 302
