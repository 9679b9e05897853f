"""Sitemaps validated with lxml against the sitemap and Google News schemas."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from lxml import etree

from articles import sitemaps
from articles.models import Article
from tests.factories import CategoryFactory, PublishedArticleFactory

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def schema(name):
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


def fetch_valid(client, url, schema_name):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    doc = etree.fromstring(response.content)
    validator = schema(schema_name)
    assert validator.validate(doc), validator.error_log
    return doc


@pytest.fixture
def sections():
    return (
        CategoryFactory(name="Dòng chảy", slug="dong-chay", position=1),
        CategoryFactory(name="Thời sự", slug="thoi-su", position=2),
    )


def test_index_lists_section_pages_with_each_sections_lastmod(client, sections):
    flow, news = sections
    PublishedArticleFactory(category=flow)
    latest = PublishedArticleFactory(category=news)
    Article.objects.filter(pk=latest.pk).update(
        updated_at=timezone.make_aware(timezone.datetime(2030, 1, 2, 3, 4))
    )
    PublishedArticleFactory(category=CategoryFactory(slug="nhap"), status="draft")

    doc = fetch_valid(client, "/sitemap.xml", "siteindex.xsd")

    entries = {
        s.findtext("sm:loc", namespaces=NS): s.findtext("sm:lastmod", namespaces=NS)
        for s in doc.findall("sm:sitemap", NS)
    }
    assert list(entries) == [
        "http://testserver/sitemap/chuyen-muc.xml",
        "http://testserver/sitemap/bai-viet/dong-chay.xml",
        "http://testserver/sitemap/bai-viet/thoi-su.xml",
    ]
    assert entries["http://testserver/sitemap/bai-viet/thoi-su.xml"].startswith(
        "2030-01-02T03:04:00+07:00"
    )


def test_index_pages_big_sections(client, sections, monkeypatch):
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 2)
    for _ in range(5):
        PublishedArticleFactory(category=sections[0])
    doc = fetch_valid(client, "/sitemap.xml", "siteindex.xsd")
    locs = [loc.text for loc in doc.findall("sm:sitemap/sm:loc", NS)]
    base = "http://testserver/sitemap/bai-viet/dong-chay.xml"
    assert locs[1:] == [base, f"{base}?p=2", f"{base}?p=3"]
    page = fetch_valid(client, "/sitemap/bai-viet/dong-chay.xml?p=3", "sitemap.xsd")
    assert len(page.findall("sm:url", NS)) == 1
    assert client.get("/sitemap/bai-viet/dong-chay.xml?p=4").status_code == 404
    assert client.get("/sitemap/bai-viet/dong-chay.xml?p=x").status_code == 404


def test_index_costs_the_same_queries_whatever_the_size(
    client, sections, django_assert_num_queries
):
    for section in sections:
        PublishedArticleFactory.create_batch(3, category=section)
    with django_assert_num_queries(2):
        client.get("/sitemap.xml")


def test_section_sitemap_lists_only_published_articles(client, sections):
    flow = sections[0]
    visible = PublishedArticleFactory(category=flow)
    PublishedArticleFactory(category=flow, status=Article.Status.DRAFT)
    PublishedArticleFactory(category=flow, published_at=timezone.now() + timedelta(1))
    doc = fetch_valid(client, "/sitemap/bai-viet/dong-chay.xml", "sitemap.xsd")
    assert [u.text for u in doc.findall("sm:url/sm:loc", NS)] == [
        f"http://testserver{visible.get_absolute_url()}"
    ]
    assert client.get("/sitemap/bai-viet/khong-co.xml").status_code == 404


def test_section_pages_sitemap(client, sections):
    doc = fetch_valid(client, "/sitemap/chuyen-muc.xml", "sitemap.xsd")
    assert [u.text for u in doc.findall("sm:url/sm:loc", NS)] == [
        "http://testserver/dong-chay/",
        "http://testserver/thoi-su/",
    ]


def test_news_sitemap_has_the_last_48_hours(client, sections):
    now = timezone.now()
    fresh = PublishedArticleFactory(
        category=sections[0],
        title="Tin <mới> & nóng",
        published_at=now - timedelta(hours=3),
    )
    PublishedArticleFactory(published_at=now - timedelta(hours=49))
    PublishedArticleFactory(published_at=now + timedelta(hours=1))

    doc = fetch_valid(client, "/sitemap-news.xml", "news-urlset.xsd")

    urls = doc.findall("sm:url", NS)
    assert len(urls) == 1
    url = urls[0]
    assert url.findtext("sm:loc", namespaces=NS) == (
        f"http://testserver{fresh.get_absolute_url()}"
    )
    news = url.find("news:news", NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == "Newsroom"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "vi"
    assert news.findtext("news:title", namespaces=NS) == "Tin <mới> & nóng"
    published = news.findtext("news:publication_date", namespaces=NS)
    assert published == timezone.localtime(fresh.published_at).isoformat()


def test_news_schema_rejects_a_missing_title(client, sections):
    bad = etree.fromstring(
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url>'
        b"<loc>http://testserver/a-1.html</loc><news:news><news:publication>"
        b"<news:name>N</news:name><news:language>vi</news:language>"
        b"</news:publication><news:publication_date>2023-10-19</news:publication_date>"
        b"</news:news></url></urlset>"
    )
    assert not schema("news-urlset.xsd").validate(bad)


def test_robots_txt_points_at_both_sitemaps_and_keeps_admin_out(client, settings):
    response = client.get("/robots.txt")
    text = response.content.decode()
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert f"Disallow: /{settings.ADMIN_URL}" in text
    assert "Disallow: /xem-truoc/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Sitemap: http://testserver/sitemap-news.xml" in text
