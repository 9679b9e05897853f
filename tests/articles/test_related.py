""" "Đừng bỏ lỡ": editor's picks, then shared tags, then same section, newest first."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import CategoryFactory, PublishedArticleFactory

pytestmark = pytest.mark.django_db


def ago(hours):
    return timezone.now() - timedelta(hours=hours)


@pytest.fixture
def section():
    return CategoryFactory(slug="dong-chay")


@pytest.fixture
def article(section):
    story = PublishedArticleFactory(category=section, published_at=ago(1))
    story.tags.add("Hà Nội", "Kinh tế")
    return story


def related(article):
    return list(Article.objects.related_to(article))


def test_shared_tags_then_same_section_newest_first(article, section):
    elsewhere = CategoryFactory()
    two_tags = PublishedArticleFactory(category=elsewhere, published_at=ago(30))
    two_tags.tags.add("Hà Nội", "Kinh tế")
    one_tag_old = PublishedArticleFactory(category=elsewhere, published_at=ago(20))
    one_tag_old.tags.add("Kinh tế")
    one_tag_new = PublishedArticleFactory(category=elsewhere, published_at=ago(10))
    one_tag_new.tags.add("Hà Nội", "Thể thao")
    same_section_old = PublishedArticleFactory(category=section, published_at=ago(5))
    same_section_new = PublishedArticleFactory(category=section, published_at=ago(2))
    unrelated = PublishedArticleFactory(category=elsewhere, published_at=ago(1))

    result = related(article)

    assert result[:5] == [
        two_tags,
        one_tag_new,
        one_tag_old,
        same_section_new,
        same_section_old,
    ]
    assert unrelated not in result
    assert article not in result


def test_editor_picks_come_first_and_must_be_published(article, section):
    auto = PublishedArticleFactory(category=section, published_at=ago(2))
    picked = PublishedArticleFactory(category=CategoryFactory(), published_at=ago(100))
    hidden = PublishedArticleFactory(status=Article.Status.DRAFT)
    article.related_articles.add(picked, hidden)
    assert related(article) == [picked, auto]


def test_article_page_shows_picks_in_dung_bo_lo(client, article):
    picked = PublishedArticleFactory(title="Bài biên tập viên chọn")
    article.related_articles.add(picked)
    html = client.get(article.get_absolute_url()).content.decode()
    block = html.split('id="dung-bo-lo"', 1)[1]
    assert "Bài biên tập viên chọn" in block


def test_without_tags_falls_back_to_the_section(section):
    lonely = PublishedArticleFactory(category=section)
    neighbour = PublishedArticleFactory(category=section, published_at=ago(3))
    PublishedArticleFactory()
    assert related(lonely) == [neighbour]


def test_editors_pick_related_articles_in_the_admin(client, article):
    from tests.factories import StaffFactory

    client.force_login(StaffFactory())
    html = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert 'name="related_articles"' in html
    assert "Đừng bỏ lỡ" in html
