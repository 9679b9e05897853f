"""Tag and byline rows carry their article's publish time, and stay in step.

The tag and author pages read their newest articles off these copies
(``ArticleQuerySet.listed_under`` / ``listed_by``), so a copy that lags its
article would hide a story from those pages or show a withdrawn one.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleAuthor, Tag, TaggedArticle
from articles.revisions import revision_create, revision_restore
from articles.workflow import article_transition
from tests.factories import (
    AuthorFactory,
    DraftArticleFactory,
    PublishedArticleFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db


def listed(article):
    """The listing times of ``article``'s byline and tag rows, as one set."""
    bylines = ArticleAuthor.objects.filter(article=article)
    tags = TaggedArticle.objects.filter(content_object=article)
    return set(bylines.values_list("listed_at", flat=True)) | set(
        tags.values_list("listed_at", flat=True)
    )


def tag_page(client, name="Hà Nội"):
    tag = Tag.objects.get(name=name)
    return client.get(reverse("articles:tag", kwargs={"slug": tag.slug}))


def test_a_published_articles_rows_copy_its_publish_time():
    article = PublishedArticleFactory()
    article.tags.add("Hà Nội", "Kinh tế số")
    assert listed(article) == {article.published_at}


def test_a_drafts_rows_are_not_listed():
    article = DraftArticleFactory()
    article.tags.add("Hà Nội")
    assert listed(article) == {None}


def test_publishing_rescheduling_and_unpublishing_move_every_row(client):
    editor = StaffFactory()
    article = DraftArticleFactory(status=Article.Status.APPROVED)
    article.tags.add("Hà Nội")
    later = timezone.now() + timedelta(hours=3)

    article_transition(article=article, name="publish", by=editor, publish_at=later)
    assert listed(article) == {later}
    assert article.title not in tag_page(client).content.decode()

    article.refresh_from_db()
    article.published_at = timezone.now() - timedelta(minutes=5)
    article.save()
    assert listed(article) == {article.published_at}
    assert article.title in tag_page(client).content.decode()

    article_transition(
        article=article, name="unpublish", by=editor, note="Sai thông tin"
    )
    assert listed(article) == {None}
    assert article.title not in tag_page(client).content.decode()


def test_saving_only_counters_leaves_the_rows_alone(django_assert_num_queries):
    article = PublishedArticleFactory()
    article.view_count = 7
    with django_assert_num_queries(1):  # the UPDATE of the article, nothing else
        article.save(update_fields=["view_count"])


def test_a_restored_revision_keeps_its_byline_listed():
    editor = StaffFactory()
    article = PublishedArticleFactory(authors=[AuthorFactory()])
    revision = revision_create(article=article, by=editor, note="")
    revision_restore(revision=revision, by=editor)
    assert listed(article) == {article.published_at}


def test_tag_and_author_pages_list_newest_first_with_ties_by_id(client):
    author = AuthorFactory(slug="binh-minh")
    moment = timezone.now() - timedelta(hours=2)
    older = PublishedArticleFactory(
        title="Bài cũ", published_at=moment - timedelta(hours=1), authors=[author]
    )
    first_tie = PublishedArticleFactory(
        title="Bài cùng giờ một", published_at=moment, authors=[author]
    )
    second_tie = PublishedArticleFactory(
        title="Bài cùng giờ hai", published_at=moment, authors=[author]
    )
    for article in (older, first_tie, second_tie):
        article.tags.add("Hà Nội")
    expected = [second_tie.title, first_tie.title, older.title]

    for response in (
        tag_page(client),
        client.get(reverse("articles:author", kwargs={"slug": "binh-minh"})),
    ):
        html = response.content.decode()
        assert [html.index(title) for title in expected] == sorted(
            html.index(title) for title in expected
        )
