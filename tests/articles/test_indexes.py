"""Every listing the site shows is served by an index, read from EXPLAIN.

On PostgreSQL the table holds 100,000+ articles (inserted with one
``INSERT ... SELECT generate_series``) and is ANALYZEd, so the planner chooses
as it would in production; on SQLite, ``EXPLAIN QUERY PLAN`` must name the index
and need no temporary B-tree for the ORDER BY.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Author, Category, Tag
from articles.views import SECTION_BLOCK_SIZE
from tests.factories import AuthorFactory, CategoryFactory, PublishedArticleFactory

# Transactional, so the fixture can VACUUM as production's autovacuum would:
# the visibility map decides whether an index-only scan pays.
pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 100_000
SECTIONS = 7


def is_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture
def newspaper():
    sections = [CategoryFactory(slug=f"muc-{i}") for i in range(SECTIONS)]
    author = AuthorFactory(slug="binh-minh")
    story = PublishedArticleFactory(category=sections[0], authors=[author])
    story.tags.add("Hà Nội")
    if not is_postgres():
        return
    tag = Tag.objects.get()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO articles_article (title, slug, sapo, body, cover_caption,
              status, published_at, featured, comments_enabled, seo_title,
              seo_description, view_count, comment_count, created_at, updated_at,
              category_id, version, body_image_rights)
            SELECT 'Bài ' || n, 'bai-' || n, '', '', '',
              CASE WHEN n %% 20 = 0 THEN 'draft' ELSE 'published' END,
              now() - n * interval '1 minute', n %% 50 = 0, true, '', '', 0, 0,
              now(), now(), %s + n %% %s, 1, '{}'::jsonb
            FROM generate_series(1, %s) AS n
            """,
            [sections[0].pk, SECTIONS, ROWS],
        )
        cursor.execute(
            "INSERT INTO articles_taggedarticle (content_object_id, tag_id, listed_at) "
            "SELECT id, %s, CASE WHEN status = 'published' THEN published_at END "
            "FROM articles_article WHERE id %% 10 = 0 "
            "ON CONFLICT DO NOTHING",
            [tag.pk],
        )
        cursor.execute(
            "INSERT INTO articles_articleauthor "
            "(article_id, author_id, position, listed_at) "
            "SELECT id, %s, 0, CASE WHEN status = 'published' THEN published_at END "
            "FROM articles_article WHERE id %% 8 = 0 "
            "ON CONFLICT DO NOTHING",
            [author.pk],
        )
        for table in ("article", "taggedarticle", "articleauthor"):
            cursor.execute(f"VACUUM ANALYZE articles_{table}")


def listings():
    published = Article.objects.published().for_listing()
    section = Category.objects.get(slug="muc-0")
    return {
        "home latest": published[:11],
        "home featured": published.filter(featured=True)[:5],
        "category": published.in_category(section)[:20],
        "tag": published.listed_under(Tag.objects.get())[:20],
        "author": published.listed_by(Author.objects.get())[:20],
        "related": Article.objects.related_to(Article.objects.first())[:6],
    }


def plan(queryset) -> str:
    return queryset.explain()


def test_every_listing_reads_an_index_in_order(newspaper):
    # One test for all listings: the 100,000 rows are inserted once.
    for name, queryset in listings().items():
        text = plan(queryset)
        if is_postgres():
            # \b: a scan of articles_article_related_articles (the editor's
            # picks, a tiny table) is not a scan of the articles.
            assert not re.search(r"Seq Scan on articles_article\b", text), (name, text)
            assert "Index Scan" in text and "_idx" in text, (name, text)
            if name != "related":  # "same section first" is computed per row
                # Rows come out of the index already ordered: no sort step.
                assert "Sort Key" not in text, (name, text)
            if name == "tag":
                assert "tagged_listing_idx" in text, text
            if name == "author":
                assert "byline_listing_idx" in text, text
        else:
            assert "USING INDEX article_" in text or "COVERING INDEX" in text, name
            if name in ("home latest", "home featured", "category"):
                assert "TEMP B-TREE FOR ORDER BY" not in text, (name, text)


def test_home_section_blocks_read_a_few_rows_per_section(newspaper):
    # Fills the site cache (settings and menu).
    Article.objects.section_blocks(SECTION_BLOCK_SIZE)
    with CaptureQueriesContext(connection) as queries:
        blocks = Article.objects.section_blocks(SECTION_BLOCK_SIZE)
    assert len(queries) == 1  # whatever the number of sections
    sql = queries[-1]["sql"]
    with connection.cursor() as cursor:
        prefix = "EXPLAIN " if is_postgres() else "EXPLAIN QUERY PLAN "
        cursor.execute(prefix + sql)
        text = "\n".join(str(row) for row in cursor.fetchall())
    assert not re.search(r"Seq Scan on articles_article\b", text), text
    if is_postgres():
        assert text.count("article_section_idx") == SECTIONS, text
        assert [len(articles) for _, articles in blocks] == [4] * SECTIONS


def test_section_blocks_match_each_sections_newest_articles(newspaper):
    for section, articles in Article.objects.section_blocks(SECTION_BLOCK_SIZE):
        expected = list(
            Article.objects.published().in_category(section).for_listing()[:4]
        )
        assert articles == expected


def test_a_deep_section_page_reads_its_ids_off_the_index(newspaper):
    """Page 500 of a section: the ids query walks the index, with no sort.

    Its filter columns are all in the index (``PUBLIC_FILTER_COLUMNS``), so
    PostgreSQL answers it from the index alone, touching no skipped row.
    """
    section = Category.objects.get(slug="muc-0")
    listing = Article.objects.published().for_listing().in_category(section)
    text = plan(listing.values_list("pk", flat=True)[10_000:10_021])
    if is_postgres():
        assert "Index Only Scan using article_section_idx" in text, text
        assert "Sort" not in text and "Seq Scan" not in text, text
        index = Article._meta.get_field("embargo_until").column
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
                ["article_section_idx"],
            )
            assert f"INCLUDE ({index})" in cursor.fetchone()[0]
    else:
        assert "article_section_idx" in text, text
