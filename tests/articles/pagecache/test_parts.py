"""Cached parts of the article page refresh with the changes they show.

``articles.pagecache.parts`` keeps "Nổi bật", "Đọc nhiều" and "Đừng bỏ lỡ" in the
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


# The article's own part: head, body, byline, tags (``article_main_part``).


def test_an_edit_to_the_article_is_on_its_page_at_once(client, reader_page):
    reader_page.title = "Tiêu đề đã sửa"
    reader_page.body = "<p>Thân bài đã sửa.</p>"
    reader_page.save()
    html = page(client, reader_page)
    assert "Tiêu đề đã sửa" in html and "Thân bài đã sửa." in html
    assert "<title>Tiêu đề đã sửa" in html


def test_an_approved_comment_updates_the_count_and_list(client, reader_page):
    from articles.comments.services import comments_set_status
    from articles.models import Comment
    from tests.factories import CommentFactory

    comment = CommentFactory(article=reader_page, body="Bình luận mới duyệt")
    assert "Bình luận mới duyệt" not in page(client, reader_page)
    comments_set_status(
        comments=Comment.objects.filter(pk=comment.pk), status=Comment.Status.APPROVED
    )
    html = page(client, reader_page)
    assert "Bình luận mới duyệt" in html and "(1) Bình luận" in html


def test_a_renamed_author_is_renamed_on_the_article(client):
    from tests.factories import AuthorFactory

    author = AuthorFactory(name="Tên tác giả cũ")
    article = PublishedArticleFactory(authors=[author])
    assert "Tên tác giả cũ" in page(client, article)
    author.name = "Tên tác giả mới"
    author.save()
    html = page(client, article)
    assert "Tên tác giả mới" in html and "Tên tác giả cũ" not in html


def test_a_deleted_article_is_gone_at_once(client, reader_page):
    url = reader_page.get_absolute_url()
    reader_page.delete()
    assert client.get(url).status_code == 404


def test_an_unpublished_article_is_gone_at_once(client, reader_page):
    reader_page.status = Article.Status.UNPUBLISHED
    reader_page.save()
    assert client.get(reader_page.get_absolute_url()).status_code == 404


def test_a_draft_preview_is_never_kept(client, django_user_model):
    """A draft edit purges nothing, so a preview must not leave parts behind."""
    from tests.factories import ArticleFactory

    editor = StaffFactory(is_superuser=True)
    client.force_login(editor)
    draft = ArticleFactory(title="Bản nháp một")
    url = draft.get_absolute_url()
    assert "Bản nháp một" in client.get(url).content.decode()
    draft.title = "Bản nháp hai"
    draft.save()
    html = client.get(url).content.decode()
    assert "Bản nháp hai" in html and "Bản nháp một" not in html
    draft.status = Article.Status.PUBLISHED
    draft.published_at = timezone.now() - timedelta(minutes=1)
    draft.save()
    client.logout()
    html = client.get(draft.get_absolute_url()).content.decode()
    assert "Bản nháp hai" in html and "Bản xem trước" not in html


def test_parts_are_kept_per_site_address(client, reader_page, settings):
    settings.ALLOWED_HOSTS = ["testserver", "bao.example.vn"]
    canonical = 'rel="canonical" href="http://bao.example.vn/'
    assert canonical not in page(client, reader_page)
    html = client.get(
        reader_page.get_absolute_url(), HTTP_HOST="bao.example.vn"
    ).content.decode()
    assert canonical in html


# The home page's parts: top, section blocks, "Đọc nhiều".


def test_a_new_article_enters_the_home_page_at_once(client):
    section = CategoryFactory(name="Kinh tế", slug="kinh-te", show_in_menu=True)
    PublishedArticleFactory(title="Tin cũ", category=section)
    assert "Tin vừa đăng" not in client.get("/").content.decode()
    PublishedArticleFactory(title="Tin vừa đăng", category=section)
    html = client.get("/").content.decode()
    assert html.count("Tin vừa đăng") >= 2  # the lead story and its section's block


def test_an_edit_in_one_section_leaves_the_others_blocks_cached(client):
    from articles.models import SiteSettings
    from articles.pagecache.keys import PART_PREFIX as PREFIX
    from articles.pagecache.store import page_store

    SiteSettings.load()  # its first load purges every page
    news = CategoryFactory(name="Thời sự", slug="thoi-su", show_in_menu=True)
    hidden = CategoryFactory(name="Ẩn", slug="an", show_in_menu=False)
    PublishedArticleFactory(category=news)
    client.get("/")
    store = page_store()
    key = PREFIX + "home:sections"
    assert key in store.get_parts([key])
    PublishedArticleFactory(category=hidden)  # not in the menu: no block shows it
    assert key in store.get_parts([key])
    PublishedArticleFactory(category=news)
    assert key not in store.get_parts([key])
