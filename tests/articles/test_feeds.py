"""RSS 2.0 feeds, parsed by feedparser."""

import html
from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import (
    AuthorFactory,
    CategoryFactory,
    ImageFactory,
    PublishedArticleFactory,
)

pytestmark = pytest.mark.django_db


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "rss20"
    return feed


@pytest.fixture
def section():
    return CategoryFactory(name="Dòng chảy", slug="dong-chay")


def test_site_feed_items_carry_every_field(client, section):
    article = PublishedArticleFactory(
        category=section,
        title="Hà Nội và TP.HCM hợp tác toàn diện",
        sapo="Sapo của bài <viết> & thêm.",
        authors=[AuthorFactory(name="Bình Minh")],
        cover=ImageFactory(),
    )
    feed = parse(client, "/rss.xml")
    assert feed.feed.language == "vi"
    entry = feed.entries[0]
    url = f"http://testserver{article.get_absolute_url()}"
    assert entry.title == article.title
    assert entry.link == url
    assert entry.id == url
    assert entry.author == "Bình Minh"
    # Readers take <description> as HTML: the plain-text sapo arrives escaped.
    assert entry.summary == "Sapo của bài &lt;viết&gt; &amp; thêm."
    assert html.unescape(entry.summary) == article.sapo
    assert entry.published_parsed[:5] == article.published_at.utctimetuple()[:5]
    enclosure = entry.enclosures[0]
    assert enclosure.href == f"http://testserver{article.cover.file.url}"
    assert enclosure.type == "image/jpeg"
    assert int(enclosure.length) == article.cover.file.size


def test_only_published_newest_fifty(client, section):
    now = timezone.now()
    for i in range(52):
        PublishedArticleFactory(
            category=section, published_at=now - timedelta(minutes=i + 1)
        )
    PublishedArticleFactory(title="Hẹn giờ", published_at=now + timedelta(hours=1))
    PublishedArticleFactory(title="Nháp", status=Article.Status.DRAFT)
    feed = parse(client, "/rss.xml")
    titles = [e.title for e in feed.entries]
    assert len(titles) == 50
    assert "Hẹn giờ" not in titles and "Nháp" not in titles
    newest = Article.objects.published().order_by("-published_at").first()
    assert titles[0] == newest.title


def test_section_feed_has_its_section_and_subsections_only(client, section):
    child = CategoryFactory(parent=section, slug="con")
    mine = PublishedArticleFactory(category=section, title="Của mục")
    theirs = PublishedArticleFactory(category=child, title="Của mục con")
    PublishedArticleFactory(title="Mục khác")
    feed = parse(client, "/dong-chay/rss.xml")
    assert feed.feed.title.startswith("Dòng chảy")
    assert sorted(e.title for e in feed.entries) == sorted([mine.title, theirs.title])


def test_unknown_section_feed_is_404(client):
    assert client.get("/khong-co/rss.xml").status_code == 404


def test_feed_query_count_is_constant(client, section, django_assert_max_num_queries):
    for _ in range(10):
        PublishedArticleFactory(
            category=section, authors=[AuthorFactory(), AuthorFactory()]
        )
    client.get("/rss.xml")
    with django_assert_max_num_queries(2):
        client.get("/rss.xml")
