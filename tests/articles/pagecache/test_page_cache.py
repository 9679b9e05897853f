"""The page cache: public headers, conditional GET, and purges that are precise.

These tests run with the cache on and real commits (``transaction=True``), so
the purge runs where it runs in production: after commit.
"""

import time
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import pagecache
from articles.comments.services import comments_set_status
from articles.models import Comment, SiteSettings
from tests.factories import (
    AuthorFactory,
    CategoryFactory,
    CommentFactory,
    PublishedArticleFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True
    SiteSettings.load()  # its first load creates the row, which purges all


@pytest.fixture
def section():
    return CategoryFactory(name="Dòng chảy", slug="dong-chay")


@pytest.fixture
def other_section():
    return CategoryFactory(name="Thể thao", slug="the-thao")


@pytest.fixture
def article(section):
    story = PublishedArticleFactory(
        category=section, title="Tin gốc", authors=[AuthorFactory(slug="binh-minh")]
    )
    story.tags.add("Hà Nội")
    return story


def is_hit(response):
    return response.get("X-Page-Cache") == "hit"


def test_anonymous_page_is_public_with_validators_and_no_cookie(client, article):
    response = client.get(article.get_absolute_url())
    cache_control = response["Cache-Control"]
    assert "public" in cache_control
    assert "max-age=30" in cache_control and "s-maxage=1" in cache_control
    assert response["ETag"].startswith('"')
    assert response.has_header("Last-Modified")
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


@pytest.mark.parametrize("url", ["/", "/dong-chay/", "/chu-de/ha-noi/"])
def test_second_get_is_served_from_cache_without_a_query(client, article, url):
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    assert not is_hit(first) and is_hit(second)
    assert len(queries) == 0
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert not second.cookies and "public" in second["Cache-Control"]


@time_machine.travel(timezone.now(), tick=False)
def test_conditional_get_answers_304_from_cache_and_from_a_render(client, article):
    # The clock stands still: the comment form's signed timestamp changes every
    # second, so two renders a second apart are different bytes.
    url = article.get_absolute_url()
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and not again.content
    since = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304
    pagecache.purge_all()
    rerendered = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert rerendered.status_code == 304  # same bytes, same ETag


def test_tracking_parameters_share_the_cached_page(client, article):
    url = article.get_absolute_url()
    client.get(url)
    assert is_hit(client.get(f"{url}?utm_source=facebook&fbclid=abc"))


def test_edit_to_a_published_article_is_visible_at_once(client, article):
    """Publish-to-visible: every cached page that shows the article (its page,
    home, section, tag, author, the feeds, the news sitemap) shows the edit on
    the very next request after the commit, with no wait at all."""
    urls = [
        article.get_absolute_url(),
        "/",
        "/dong-chay/",
        "/chu-de/ha-noi/",
        "/tac-gia/binh-minh/",
        "/rss.xml",
        "/dong-chay/rss.xml",
        "/sitemap-news.xml",
    ]
    for url in urls:
        client.get(url)
        assert is_hit(client.get(url))
    article.title = "Tin đã sửa"
    article.save()
    for url in urls:
        response = client.get(url)
        assert not is_hit(response), url
        assert "Tin đã sửa" in response.content.decode(), url


def test_unpublishing_removes_the_article_everywhere(client, article):
    client.get("/")
    client.get(article.get_absolute_url())
    article.status = article.Status.UNPUBLISHED
    article.save()
    assert "Tin gốc" not in client.get("/").content.decode()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_moving_an_article_refreshes_the_section_it_left(
    client, article, other_section
):
    client.get("/dong-chay/")
    article.category = other_section
    article.save()
    assert "Tin gốc" not in client.get("/dong-chay/").content.decode()
    assert "Tin gốc" in client.get("/the-thao/").content.decode()


def test_publishing_leaves_pages_that_do_not_show_it_cached(
    client, article, other_section
):
    client.get(article.get_absolute_url())
    client.get("/dong-chay/")
    client.get("/chu-de/ha-noi/")
    PublishedArticleFactory(category=other_section, title="Tin thể thao")
    assert is_hit(client.get("/dong-chay/"))
    assert is_hit(client.get("/chu-de/ha-noi/"))
    assert is_hit(client.get(article.get_absolute_url()))
    assert "Tin thể thao" in client.get("/").content.decode()


def test_marking_articles_featured_in_bulk_refreshes_their_pages(client, article):
    from articles.models import Article
    from articles.services import articles_set_featured

    client.get("/")
    assert is_hit(client.get("/"))
    articles_set_featured(articles=Article.objects.filter(pk=article.pk), featured=True)
    home = client.get("/")
    assert not is_hit(home)
    top = home.content.decode().split('id="noi-bat"')[0]
    assert "Tin gốc" in top  # the lead story: the newest featured one
    articles_set_featured(
        articles=Article.objects.filter(pk=article.pk), featured=False
    )
    assert not is_hit(client.get("/"))


def test_editing_a_cover_photo_refreshes_the_pages_that_show_it(client, section):
    from tests.factories import ImageFactory

    photo = ImageFactory(alt="Mô tả cũ", credit="Ảnh: Tác giả cũ")
    story = PublishedArticleFactory(category=section, cover=photo)
    url = story.get_absolute_url()
    client.get(url)
    assert is_hit(client.get(url))
    photo.alt = "Mô tả mới"
    photo.credit = "Ảnh: Tác giả mới"
    photo.save()
    page = client.get(url)
    assert not is_hit(page)
    html = page.content.decode()
    assert "Mô tả mới" in html and "Tác giả mới" in html
    assert "Mô tả cũ" not in html


def test_a_draft_edit_purges_nothing(client, article, section):
    draft = PublishedArticleFactory(category=section, status="draft")
    client.get("/")
    draft.title = "Nháp sửa"
    draft.save()
    assert is_hit(client.get("/"))


def test_approving_a_comment_refreshes_its_article_and_the_cards_counting_it(
    client, article, section, other_section
):
    elsewhere = PublishedArticleFactory(category=other_section)
    comment = CommentFactory(article=article, body="Bình luận mới được duyệt")
    urls = [article.get_absolute_url(), "/", "/dong-chay/", "/chu-de/ha-noi/"]
    for url in [*urls, "/the-thao/"]:
        client.get(url)
    assert "(1) Bình luận" not in client.get("/").content.decode()
    comments_set_status(
        comments=Comment.objects.filter(pk=comment.pk),
        status=Comment.Status.APPROVED,
    )
    page = client.get(article.get_absolute_url())
    assert not is_hit(page)
    assert "Bình luận mới được duyệt" in page.content.decode()
    for url in urls[1:]:
        listing = client.get(url)
        assert not is_hit(listing), url
        assert "(1) Bình luận" in listing.content.decode(), url
    # A section that does not list the article keeps its cached page.
    assert is_hit(client.get("/the-thao/"))
    assert elsewhere.comment_count == 0


def test_renaming_an_author_refreshes_their_pages_only(client, article, section):
    other = PublishedArticleFactory(category=section, authors=[AuthorFactory()])
    client.get(article.get_absolute_url())
    client.get(other.get_absolute_url())
    author = article.byline[0]
    author.name = "Bút danh mới"
    author.save()
    assert "Bút danh mới" in client.get(article.get_absolute_url()).content.decode()
    assert is_hit(client.get(other.get_absolute_url()))


def test_renaming_a_section_refreshes_every_page(client, article, section):
    client.get("/")
    client.get(article.get_absolute_url())
    section.name = "Dòng chảy mới"
    section.save()
    assert "Dòng chảy mới" in client.get("/").content.decode()
    assert not is_hit(client.get(article.get_absolute_url()))


def test_scheduled_article_appears_on_time_without_a_purge(client, article, section):
    PublishedArticleFactory(
        category=section,
        title="Tin hẹn giờ",
        published_at=timezone.now() + timedelta(seconds=2),
    )
    assert "Tin hẹn giờ" not in client.get("/").content.decode()
    assert is_hit(client.get("/"))
    time.sleep(2.1)  # the stored page expires at the scheduled time
    assert "Tin hẹn giờ" in client.get("/").content.decode()


# Pages and their parts cached *before* an article is scheduled must not
# outlive its time: whatever saved it (a script, the importer, the admin).
SCHEDULED_PAGES = ("/", "/dong-chay/")


def cache_pages(client):
    for url in SCHEDULED_PAGES:
        client.get(url)
        assert is_hit(client.get(url))


def shows(client, title):
    return {url: title in client.get(url).content.decode() for url in SCHEDULED_PAGES}


def test_article_scheduled_through_the_model_appears_on_time(client, article, section):
    cache_pages(client)
    PublishedArticleFactory(
        category=section,
        title="Tin hẹn giờ qua script",
        published_at=timezone.now() + timedelta(seconds=2),
    )
    assert shows(client, "Tin hẹn giờ qua script") == dict.fromkeys(
        SCHEDULED_PAGES, False
    )
    time.sleep(2.2)  # a real clock: nothing but the pages' own expiry moves
    assert shows(client, "Tin hẹn giờ qua script") == dict.fromkeys(
        SCHEDULED_PAGES, True
    )


def test_article_rescheduled_in_the_admin_appears_on_time(client, article, section):
    from django.contrib.auth.models import Group

    from articles.roles import EDITOR
    from tests.factories import ArticleFactory

    editor = StaffFactory()
    editor.groups.add(Group.objects.get(name=EDITOR))
    approved = ArticleFactory(
        category=section, title="Tin hẹn giờ qua admin", status="approved"
    )
    cache_pages(client)
    editor_client = type(client)()
    editor_client.force_login(editor)
    at = timezone.localtime() + timedelta(seconds=3)
    response = editor_client.post(
        f"/admin/articles/article/{approved.pk}/buoc/publish/",
        {"note": "", "publish_at": at.strftime("%d/%m/%Y %H:%M:%S")},
    )
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.is_scheduled()
    assert shows(client, "Tin hẹn giờ qua admin") == dict.fromkeys(
        SCHEDULED_PAGES, False
    )
    time.sleep(max(0, (approved.published_at - timezone.now()).total_seconds()) + 0.2)
    assert shows(client, "Tin hẹn giờ qua admin") == dict.fromkeys(
        SCHEDULED_PAGES, True
    )


def test_embargo_lifted_through_the_model_shows_the_article_on_time(
    client, article, section
):
    held = PublishedArticleFactory(category=section, title="Tin bị cấm đăng")
    held.embargo_until = timezone.now() + timedelta(days=1)
    held.save()
    cache_pages(client)
    held.embargo_until = timezone.now() + timedelta(seconds=2)
    held.save()
    assert shows(client, "Tin bị cấm đăng") == dict.fromkeys(SCHEDULED_PAGES, False)
    time.sleep(2.2)
    assert shows(client, "Tin bị cấm đăng") == dict.fromkeys(SCHEDULED_PAGES, True)


def test_article_scheduled_by_the_importer_bounds_the_pages_by_its_time(
    client, article, section, tmp_path
):
    from articles.importer import import_article_file

    seed = Path(__file__).resolve().parents[3] / "demo" / "000_acd85ecf6e6c6313.txt"
    lines = seed.read_text(encoding="utf-8").splitlines()
    at = (timezone.localtime() + timedelta(minutes=2)).replace(second=0, microsecond=0)
    assert lines[4].startswith("Bình Minh ")  # the byline line
    lines[4] = f"Bình Minh {at:%d/%m/%Y %H:%M}"
    source = tmp_path / "hen-gio.txt"
    source.write_text("\n".join(lines), encoding="utf-8")
    cache_pages(client)
    imported, _created = import_article_file(source, publish=True)
    assert imported.is_scheduled()
    # Minutes are the importer's resolution, too coarse for a real clock here
    # (and Redis keeps its own): the import purged the pages cached before it,
    # and what they are rendered again with is bounded by its time, as the
    # model's save above shows on a real clock.
    for url in SCHEDULED_PAGES:
        page = client.get(url)
        assert not is_hit(page), url
        assert lines[2] not in page.content.decode(), url
    assert pagecache.next_change_at() == at.timestamp()
    assert pagecache.keep_for() <= at.timestamp() - time.time() + 1


def test_own_pending_comment_url_is_never_cached(client, article):
    url = f"{article.get_absolute_url()}?cua-ban=x"
    first = client.get(url)
    assert "no-cache" in first["Cache-Control"] or "max-age=0" in first["Cache-Control"]
    assert not is_hit(client.get(url))


def test_staff_get_private_uncached_pages(client, article):
    client.get("/")
    client.force_login(StaffFactory())
    response = client.get("/")
    assert not is_hit(response)
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_a_purge_during_a_render_is_not_lost(client, article, monkeypatch):
    """A page rendered before a purge finished is not stored as fresh."""
    url = article.get_absolute_url()
    real_store = pagecache.PageCacheMiddleware._store

    def purge_then_store(self, key, response, groups, started):
        pagecache.purge([f"article:{article.pk}"])
        real_store(self, key, response, groups, started)

    monkeypatch.setattr(pagecache.PageCacheMiddleware, "_store", purge_then_store)
    client.get(url)
    monkeypatch.undo()
    assert not is_hit(client.get(url))
