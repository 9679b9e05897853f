"""Cached parts of the article page refresh with the changes they show.

``articles.fragments`` keeps "Nổi bật", "Đọc nhiều" and "Đừng bỏ lỡ" in the
shared cache; each test renders a page first (filling the parts), changes
something, and expects the next render to show it.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, MostRead
from tests.factories import CategoryFactory, PublishedArticleFactory, StaffFactory

# Purges run after commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def reader_page(client):
    article = PublishedArticleFactory(title="Bài đang đọc")
    page(client, article)  # fills the parts
    return article


def sidebar(html):
    return html[html.index('<aside class="sidebar"') :]


def test_a_newly_featured_article_enters_nổi_bật(client, reader_page):
    other = PublishedArticleFactory(title="Bài mới nổi bật")
    assert "Bài mới nổi bật" not in sidebar(page(client, reader_page))
    other.featured = True
    other.save()
    assert "Bài mới nổi bật" in sidebar(page(client, reader_page))


def test_an_unpublished_article_leaves_đọc_nhiều(client, reader_page):
    popular = PublishedArticleFactory(title="Bài đọc nhiều nhất")
    MostRead.objects.create(window=MostRead.Window.DAY, position=1, article=popular)
    assert "Bài đọc nhiều nhất" in sidebar(page(client, reader_page))

    popular.status = Article.Status.UNPUBLISHED
    popular.save()
    assert "Bài đọc nhiều nhất" not in sidebar(page(client, reader_page))


def test_a_renamed_featured_article_is_renamed_in_nổi_bật(client, reader_page):
    star = PublishedArticleFactory(title="Tên cũ", featured=True)
    assert "Tên cũ" in sidebar(page(client, reader_page))
    star.title = "Tên mới"
    star.save()
    html = sidebar(page(client, reader_page))
    assert "Tên mới" in html and "Tên cũ" not in html


def test_a_new_article_in_the_section_enters_đừng_bỏ_lỡ(client, reader_page):
    assert "Tin cùng mục" not in page(client, reader_page)
    PublishedArticleFactory(title="Tin cùng mục", category=reader_page.category)
    assert "Tin cùng mục" in page(client, reader_page)


def test_a_scheduled_article_enters_đừng_bỏ_lỡ_on_time(client, time_machine):
    section = CategoryFactory()
    reader = PublishedArticleFactory(title="Bài đang đọc", category=section)
    PublishedArticleFactory(
        title="Tin hẹn giờ",
        category=section,
        published_at=timezone.now() + timedelta(minutes=10),
    )
    time_machine.move_to(timezone.now(), tick=False)
    assert "Tin hẹn giờ" not in page(client, reader)
    time_machine.shift(timedelta(minutes=11))
    assert "Tin hẹn giờ" in page(client, reader)


def test_staff_see_the_same_parts_as_readers(client, reader_page):
    PublishedArticleFactory(title="Tin cùng mục", category=reader_page.category)
    client.force_login(StaffFactory())
    assert "Tin cùng mục" in page(client, reader_page)
