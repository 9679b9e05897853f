import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from articles.comments.scoring import body_fingerprint, count_links
from articles.html import sanitize_body
from articles.models import (
    Article,
    ArticleAuthor,
    Category,
    Comment,
    Image,
    TaggedArticle,
)
from articles.pictures import body_sources
from articles.sample.bulkload import generate_articles
from articles.sample.generator import (
    ARTICLE_COLUMNS,
    BYLINE_COLUMNS,
    COMMENT_COLUMNS,
    TAGGING_COLUMNS,
)
from articles.sample.vocabulary import SECTIONS
from articles.search import search_words
from articles.text import nfc, vi_slugify
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY and bulk mode are PostgreSQL's"
)


def generate(*args, verbosity=1) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("generate_content", *args, stdout=out, stderr=err, verbosity=verbosity)
    return out.getvalue(), err.getvalue()


def titles() -> list[str]:
    return list(Article.objects.order_by("pk").values_list("title", flat=True))


def comments() -> list[tuple]:
    return list(
        Comment.objects.order_by("pk").values_list("name", "email", "body", "status")
    )


# A small run in many batches, shared by most tests below.
SMALL = ["--articles", "60", "--comments", "400", "--batch-size", "7", "--seed", "3"]


def test_counts_in_several_batches_with_a_progress_line_on_stderr():
    out, err = generate(*SMALL)
    assert Article.objects.count() == 60
    assert Comment.objects.count() == 400
    assert "60 bài viết" in out and "400 bình luận" in out
    assert "60/60 bài viết (100%)" in err
    for article in Article.objects.all():
        assert 1 <= ArticleAuthor.objects.filter(article=article).count() <= 2
        assert TaggedArticle.objects.filter(content_object=article).count() <= 4
    assert TaggedArticle.objects.exists()
    assert Article.objects.filter(featured=True).count() == 6  # 10% exactly


def test_verbosity_zero_is_quiet():
    out, err = generate(*SMALL, verbosity=0)
    assert err == ""
    assert Comment.objects.count() == 400


def test_comment_counts_are_what_the_recount_gives():
    generate(*SMALL)
    stored = dict(Article.objects.values_list("pk", "comment_count"))
    assert sum(stored.values()) > 0
    Article.objects.all().refresh_comment_counts()
    assert dict(Article.objects.values_list("pk", "comment_count")) == stored
    for pk, count in stored.items():
        assert count == Comment.objects.approved().filter(article=pk).count()


def test_comments_follow_their_article_and_replies_their_parent():
    generate(*SMALL)
    now = timezone.now()
    comments = Comment.objects.select_related("article", "parent")
    assert {c.status for c in comments} == set(Comment.Status.values)
    assert comments.filter(parent__isnull=False).exists()
    for comment in comments:
        assert comment.article.is_published()
        assert comment.article.published_at < comment.created_at <= now
        if comment.parent:
            assert comment.parent.article_id == comment.article_id
            assert comment.parent.parent_id is None
            assert comment.parent.status == Comment.Status.APPROVED
            assert comment.parent.created_at < comment.created_at
        if comment.moderated_at:
            assert comment.created_at < comment.moderated_at <= now
        else:
            assert comment.status == Comment.Status.PENDING


def test_some_articles_draw_many_comments():
    generate("--articles", "50", "--comments", "1000", "--seed", "5")
    counts = sorted(
        Article.objects.values_list("comment_count", flat=True), reverse=True
    )
    assert counts[0] >= 3 * (sum(counts) / len(counts))
    assert min(counts) <= (sum(counts) / len(counts)) / 3


def test_comment_rows_are_what_the_service_would_store():
    generate(*SMALL)
    emails = set()
    for comment in Comment.objects.all():
        for text in (comment.name, comment.body):
            assert text == nfc(text)
        assert comment.body_hash == body_fingerprint(comment.body)
        assert comment.link_count == count_links(comment.body)
        assert comment.spam_score == 2 * comment.link_count
        assert re.fullmatch(r"[0-9a-f]{32}", comment.ip_hash)
        assert re.fullmatch(r"[a-z.]+\d+@example\.(com|net|org)", comment.email)
        emails.add(comment.email)
    assert len(emails) < Comment.objects.count()  # some readers write again


def test_article_rows_are_what_save_would_have_stored():
    generate(*SMALL)
    for article in Article.objects.all():
        assert article.slug == vi_slugify(article.title, max_length=200)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", article.slug)
        assert article.body == sanitize_body(article.body)
        assert article.body.startswith("<p>")
        for text in (article.title, article.sapo, article.body):
            assert text == nfc(text)
        assert article.sapo and "<" not in article.sapo
        rights = Image.objects.rights_of(body_sources(article.body))
        assert article.body_image_rights == rights == {}
        assert article.version == 1
        assert article.created_at <= article.updated_at
        assert article.get_absolute_url().endswith(f"-{article.pk}.html")
        listed = article.listed_at
        assert set(article.bylines.values_list("listed_at", flat=True)) == {listed}
        tagged = TaggedArticle.objects.filter(content_object=article)
        assert set(tagged.values_list("listed_at", flat=True)) <= {listed}


def test_some_articles_are_drafts_or_scheduled_and_draw_no_comments():
    generate(*SMALL, "--unpublished-ratio", "0.5")
    hidden = Article.objects.exclude(pk__in=Article.objects.published())
    assert Article.objects.filter(status__in=Article.Status.in_progress()).exists()
    assert Article.objects.scheduled().exists()
    assert not Comment.objects.filter(article__in=hidden).exists()
    assert not hidden.exclude(comment_count=0).exists()
    assert Comment.objects.count() == 400


def test_publish_times_rise_with_the_id_over_the_days_asked():
    generate("--articles", "30", "--days", "10", "--unpublished-ratio", "0")
    times = list(Article.objects.order_by("pk").values_list("published_at", flat=True))
    now = timezone.now()
    assert all(now - time <= timezone.timedelta(days=10) for time in times)
    assert times[-1] - times[0] >= timezone.timedelta(days=8)
    assert sum(b > a for a, b in zip(times, times[1:], strict=False)) >= 25


def test_the_site_shows_generated_articles(client):
    generate(*SMALL)
    article = (
        Article.objects.published().filter(comment_count__gt=0).order_by("?").first()
    )
    assert client.get(article.category.get_absolute_url()).status_code == 200
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    assert f"({article.comment_count}) Bình luận" in page.content.decode()
    approved = Comment.objects.approved().filter(article=article, parent=None)
    assert approved.first().body.split(".")[0] in page.content.decode()
    author = article.bylines.first().author
    assert client.get(author.get_absolute_url()).status_code == 200


def test_search_finds_generated_articles(client):
    generate("--articles", "20", "--seed", "9", "--unpublished-ratio", "0")
    article = Article.objects.order_by("pk").first()
    query = " ".join(search_words(article.title))  # folded: no tone marks
    page = client.get(reverse("articles:search"), {"q": query})
    assert page.status_code == 200
    assert article.get_absolute_url() in page.content.decode()


def test_same_seed_gives_the_same_rows_in_the_same_order():
    generate(*SMALL)
    first, first_comments = titles(), comments()
    Article.objects.all().delete()
    generate(*SMALL)
    assert titles() == first
    assert comments() == first_comments


def test_a_different_seed_gives_different_articles():
    generate("--articles", "25", "--seed", "1")
    first = titles()
    Article.objects.all().delete()
    generate("--articles", "25", "--seed", "2")
    assert titles() != first


def test_every_column_of_the_loaded_tables_is_written():
    """A field added to a model must be added here too, or bulk rows miss it."""
    for model, columns in [
        (Article, ARTICLE_COLUMNS),
        (Comment, COMMENT_COLUMNS),
        (ArticleAuthor, ["id", *BYLINE_COLUMNS]),
        (TaggedArticle, ["id", *TAGGING_COLUMNS]),
    ]:
        assert {f.attname for f in model._meta.concrete_fields} == set(columns)


def test_demo_helper_returns_published_articles_with_featured_and_covers():
    articles = generate_articles(50, seed=5)
    assert [a.pk for a in articles] == sorted(a.pk for a in articles)
    assert all(article.is_published() for article in articles)
    assert Article.objects.filter(featured=True).count() == 5
    assert Article.objects.filter(cover__isnull=False).count() == 15
    assert Image.objects.count() <= 6
    assert all(image.is_placeholder for image in Image.objects.all())


def test_a_second_run_reuses_the_cover_images():
    generate_articles(10, seed=1)
    images = set(Image.objects.values_list("pk", flat=True))
    generate_articles(10, seed=2)
    assert set(Image.objects.values_list("pk", flat=True)) == images


def test_uses_existing_sections_and_creates_them_when_there_are_none():
    generate_articles(5, seed=1)
    assert set(Category.objects.values_list("slug", flat=True)) == {
        slug for _name, slug, _position in SECTIONS
    }
    Article.objects.all().delete()
    Category.objects.all().delete()

    only = CategoryFactory(name="Giáo dục", slug="giao-duc")
    generate_articles(5, seed=1)
    assert set(Article.objects.values_list("category", flat=True)) == {only.pk}
    assert Category.objects.count() == 1


@pytest.mark.parametrize(
    "args",
    [
        ["--articles", "-1"],
        ["--articles", "5", "--comments", "-1"],
        ["--articles", "5", "--batch-size", "0"],
        ["--articles", "5", "--days", "0"],
        ["--articles", "5", "--unpublished-ratio", "1.5"],
    ],
)
def test_bad_numbers_are_refused(args):
    with pytest.raises(CommandError):
        generate(*args)
    assert not Article.objects.exists()


def test_zero_articles_is_fine():
    generate("--articles", "0", "--comments", "10")
    assert not Article.objects.exists()
    assert not Comment.objects.exists()


# --- PostgreSQL bulk mode --------------------------------------------------------

TRIGGER_VECTOR = """
    setweight(to_tsvector('vi_unaccent', articles_search_clean(title)), 'A')
    || setweight(to_tsvector('vi_unaccent', articles_search_clean(sapo)), 'B')
    || setweight(to_tsvector('vi_unaccent', articles_search_clean(
           regexp_replace(coalesce(body, ''), '<[^>]*>', ' ', 'g'))), 'C')
"""


def indexes() -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)",
            [
                [
                    m._meta.db_table
                    for m in (Article, ArticleAuthor, TaggedArticle, Comment)
                ]
            ],
        )
        return set(cursor.fetchall())


@postgres_only
def test_bulk_mode_restores_indexes_and_writes_the_triggers_search_vector(client):
    before = indexes()
    out, err = generate(*SMALL, "--bulk", "on")
    assert "Tạm bỏ" in err and "Đã tạo lại" in err
    assert indexes() == before
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"
        cursor.execute(
            f"SELECT count(*), count(*) FILTER (WHERE search_vector IS DISTINCT "
            f"FROM ({TRIGGER_VECTOR})) FROM articles_article"
        )
        assert cursor.fetchone() == (60, 0)
    # The foreign keys the skipped checks would have enforced all hold.
    assert not Comment.objects.exclude(article__in=Article.objects.all()).exists()
    replies = Comment.objects.filter(parent__isnull=False)
    assert replies.exists()
    assert replies.filter(parent__article=F("article")).count() == len(replies)
    article = Article.objects.published().order_by("pk").first()
    query = " ".join(search_words(article.title))
    page = client.get(reverse("articles:search"), {"q": query})
    assert article.get_absolute_url() in page.content.decode()


def loaded() -> tuple:
    counts = Article.objects.order_by("pk").values_list("comment_count", flat=True)
    return titles(), comments(), list(counts)


@postgres_only
def test_bulk_and_plain_loads_store_the_same_rows():
    # Bulk first: a plain load leaves deferred foreign-key checks pending in
    # the test's transaction, and PostgreSQL refuses CREATE INDEX until commit.
    generate(*SMALL, "--bulk", "on")
    bulk = loaded()
    Article.objects.all().delete()
    generate(*SMALL, "--bulk", "off")
    assert loaded() == bulk


def test_generated_articles_reach_pages_cached_before_the_command(client, settings):
    # The rows go in with bulk writes, past the signals that purge.
    settings.PAGE_CACHE_ENABLED = True
    client.get("/")
    assert client.get("/").get("X-Page-Cache") == "hit"
    generate("--articles", "20", "--seed", "7")
    home = client.get("/")
    assert home.get("X-Page-Cache") != "hit"
    newest = Article.objects.published().order_by("-published_at").first()
    assert newest.title in home.content.decode()
