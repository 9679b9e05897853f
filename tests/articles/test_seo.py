"""Page metadata: title, description, canonical, Open Graph, Twitter, JSON-LD."""

import json
import re

import pytest
from django.utils import timezone

from articles.models import Article, SiteSettings
from articles.pictures import share_image_url
from tests.factories import (
    AuthorFactory,
    CategoryFactory,
    ImageFactory,
    PublishedArticleFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

LD_RE = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def json_ld(html):
    blocks = [json.loads(block) for block in LD_RE.findall(html)]
    flat = []
    for block in blocks:
        flat.extend(block if isinstance(block, list) else [block])
    return {item["@type"]: item for item in flat}


def meta(html, key):
    match = re.search(
        rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', html
    )
    return match and match.group(1)


def metas(html, key):
    return re.findall(rf'<meta property="{re.escape(key)}" content="([^"]*)"', html)


@pytest.fixture
def parent():
    return CategoryFactory(name="Thời sự", slug="thoi-su")


@pytest.fixture
def section(parent):
    return CategoryFactory(name="Dòng chảy", slug="dong-chay", parent=parent)


@pytest.fixture
def article(section):
    story = PublishedArticleFactory(
        category=section,
        title="Hà Nội và TP.HCM hợp tác toàn diện",
        sapo="Sapo bài viết.",
        authors=[AuthorFactory(name="Bình Minh", slug="binh-minh")],
        cover=ImageFactory(alt="Lễ ký kết"),
        published_at=timezone.make_aware(timezone.datetime(2023, 10, 19, 6, 36)),
    )
    story.tags.add("Hà Nội", "Kinh tế")
    return story


def test_article_json_ld_news_article_has_every_field(client, article):
    url = f"http://testserver{article.get_absolute_url()}"
    data = json_ld(client.get(article.get_absolute_url()).content.decode())

    news = data["NewsArticle"]
    assert news["@context"] == "https://schema.org"
    assert news["headline"] == article.title
    assert news["image"] == [f"http://testserver{share_image_url(article.cover)}"]
    assert "/renditions/" in news["image"][0] and "16x9" in news["image"][0]
    assert news["datePublished"] == "2023-10-19T06:36:00+07:00"
    # Only a substantive update moves dateModified; a plain save does not.
    assert news["dateModified"] == "2023-10-19T06:36:00+07:00"
    assert news["author"] == [
        {
            "@type": "Person",
            "name": "Bình Minh",
            "url": "http://testserver/tac-gia/binh-minh/",
        }
    ]
    assert news["publisher"]["@type"] == "NewsMediaOrganization"
    assert news["publisher"]["name"] == SiteSettings.load().name
    assert news["publisher"]["logo"]["@type"] == "ImageObject"
    assert news["publisher"]["logo"]["url"].startswith("http://testserver/static/")
    assert news["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert news["keywords"] == ["Hà Nội", "Kinh tế"]


def test_article_breadcrumb_list(client, article):
    data = json_ld(client.get(article.get_absolute_url()).content.decode())
    items = data["BreadcrumbList"]["itemListElement"]
    assert [(i["position"], i["name"], i["item"]) for i in items] == [
        (1, "Trang chủ", "http://testserver/"),
        (2, "Thời sự", "http://testserver/thoi-su/"),
        (3, "Dòng chảy", "http://testserver/dong-chay/"),
        (4, article.title, f"http://testserver{article.get_absolute_url()}"),
    ]


def test_section_breadcrumb_list(client, section):
    data = json_ld(client.get("/dong-chay/").content.decode())
    names = [i["name"] for i in data["BreadcrumbList"]["itemListElement"]]
    assert names == ["Trang chủ", "Thời sự", "Dòng chảy"]


def test_json_ld_cannot_close_its_script_element(client, section):
    story = PublishedArticleFactory(category=section, title="</script><b>x</b> & y")
    html = client.get(story.get_absolute_url()).content.decode()
    assert json_ld(html)["NewsArticle"]["headline"] == "</script><b>x</b> & y"
    assert "</script><b>" not in html


def test_open_graph_and_twitter_tags(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    url = f"http://testserver{article.get_absolute_url()}"
    image = f"http://testserver{share_image_url(article.cover)}"
    assert f'<link rel="canonical" href="{url}">' in html
    assert meta(html, "og:type") == "article"
    assert meta(html, "og:url") == url
    assert meta(html, "og:title") == article.title
    assert meta(html, "og:description") == "Sapo bài viết."
    assert meta(html, "og:image") == image
    assert meta(html, "article:published_time") == "2023-10-19T06:36:00+07:00"
    assert meta(html, "article:modified_time")
    assert meta(html, "article:section") == "Dòng chảy"
    assert metas(html, "article:tag") == ["Hà Nội", "Kinh tế"]
    assert meta(html, "twitter:card") == "summary_large_image"
    assert meta(html, "twitter:image") == image
    assert 'name="robots"' not in html


def test_share_image_carries_the_covers_alt_text(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert meta(html, "og:image:alt") == "Lễ ký kết"
    assert meta(html, "twitter:image:alt") == "Lễ ký kết"


def test_without_a_photo_the_logo_is_shared_and_named(client, section):
    story = PublishedArticleFactory(category=section, cover=None)
    html = client.get(story.get_absolute_url()).content.decode()
    logo = "http://testserver/static/img/logo.png"
    name = SiteSettings.load().name
    assert meta(html, "og:image") == logo
    assert meta(html, "og:image:alt") == name
    assert meta(html, "twitter:image") == logo
    assert meta(html, "twitter:image:alt") == name
    assert meta(html, "twitter:card") == "summary"


def test_seo_fields_win_when_set(client, article):
    article.seo_title = "Tiêu đề cho Google"
    article.seo_description = "Mô tả cho Google"
    article.save()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<title>Tiêu đề cho Google – " in html
    assert meta(html, "description") == "Mô tả cho Google"
    assert meta(html, "og:title") == "Tiêu đề cho Google"


def test_preview_and_search_are_noindex(client, section):
    draft = PublishedArticleFactory(category=section, status=Article.Status.DRAFT)
    client.force_login(StaffFactory())
    preview = client.get(draft.get_absolute_url()).content.decode()
    assert meta(preview, "robots") == "noindex, nofollow"
    client.logout()
    search = client.get("/tim-kiem/", {"q": "ha noi"}).content.decode()
    assert meta(search, "robots") == "noindex, follow"


def test_pages_announce_their_feeds(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert (
        'type="application/rss+xml" title="Dòng chảy" href="/dong-chay/rss.xml"' in html
    )
    assert 'href="/rss.xml"' in html
