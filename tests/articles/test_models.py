import unicodedata
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article, Category, Comment, SiteSettings, Tag
from tests.factories import (
    ApprovedCommentFactory,
    ArticleFactory,
    AuthorFactory,
    CategoryFactory,
    CommentFactory,
    PublishedArticleFactory,
)

pytestmark = pytest.mark.django_db


class TestPublishedQuerySet:
    def test_published_in_the_past_is_public(self):
        article = PublishedArticleFactory(
            published_at=timezone.now() - timedelta(minutes=1)
        )
        assert list(Article.objects.published()) == [article]
        assert article.is_published()

    def test_published_with_a_future_time_is_scheduled_not_public(self):
        article = PublishedArticleFactory(
            published_at=timezone.now() + timedelta(minutes=5)
        )
        assert not Article.objects.published().exists()
        assert not article.is_published()

    def test_scheduled_article_becomes_public_when_its_time_comes(self):
        when = timezone.now() + timedelta(hours=1)
        article = PublishedArticleFactory(published_at=when)
        with time_machine.travel(when + timedelta(seconds=1), tick=False):
            assert list(Article.objects.published()) == [article]

    @pytest.mark.parametrize(
        "status",
        [s for s in Article.Status.values if s != Article.Status.PUBLISHED],
    )
    def test_every_other_status_is_not_public_even_with_a_past_time(self, status):
        ArticleFactory(status=status, published_at=timezone.now() - timedelta(days=1))
        assert not Article.objects.published().exists()

    def test_drafts_excludes_published_and_unpublished(self):
        draft = ArticleFactory(status=Article.Status.DRAFT)
        PublishedArticleFactory()
        ArticleFactory(status=Article.Status.UNPUBLISHED)
        drafts = Article.objects.filter(status__in=Article.Status.in_progress())
        assert list(drafts) == [draft]

    def test_in_category_includes_sub_sections(self):
        parent = CategoryFactory()
        child = CategoryFactory(parent=parent)
        in_parent = PublishedArticleFactory(category=parent)
        in_child = PublishedArticleFactory(category=child)
        PublishedArticleFactory()
        assert set(Article.objects.in_category(parent)) == {in_parent, in_child}

    def test_by_author(self):
        author = AuthorFactory()
        mine = PublishedArticleFactory(authors=[author])
        PublishedArticleFactory()
        # What the author's page lists (views.AuthorView).
        assert list(Article.objects.listed_by(author)) == [mine]


class TestArticle:
    def test_slug_is_made_from_the_title_the_vietnamese_way(self):
        article = ArticleFactory(title="Thúc đẩy hợp tác Hà Nội", slug="")
        assert article.slug == "thuc-day-hop-tac-ha-noi"

    def test_canonical_url_holds_section_slug_and_id(self):
        section = CategoryFactory(slug="dong-chay")
        article = ArticleFactory(category=section, title="Đường Điện Biên Phủ")
        assert (
            article.get_absolute_url()
            == f"/dong-chay/duong-dien-bien-phu-{article.pk}.html"
        )

    def test_text_is_stored_nfc(self):
        title = unicodedata.normalize("NFD", "Hà Nội đổi mới")
        article = ArticleFactory(title=title, sapo=unicodedata.normalize("NFD", "Sapo"))
        article.refresh_from_db()
        assert article.title == "Hà Nội đổi mới"
        assert Article.objects.filter(title="Hà Nội đổi mới").exists()

    def test_body_is_sanitised_on_every_save_not_only_in_the_admin(self):
        article = ArticleFactory(
            body='<p onclick="x()">Xin chào<script>alert(1)</script></p>'
            '<img src="javascript:alert(1)"><iframe src="https://evil"></iframe>'
        )
        article.refresh_from_db()
        assert "script" not in article.body
        assert "onclick" not in article.body
        assert "iframe" not in article.body
        assert "javascript:" not in article.body
        assert "Xin chào" in article.body

    def test_body_keeps_figures_with_caption(self):
        html = (
            '<figure><img src="/media/a.jpg" alt="Ảnh" width="10" height="5">'
            "<figcaption>Chú thích. Ảnh: TTXVN</figcaption></figure>"
        )
        article = ArticleFactory(body=html)
        article.refresh_from_db()
        assert (
            '<img src="/media/a.jpg" alt="Ảnh" width="10" height="5">' in article.body
        )
        assert "<figcaption>Chú thích. Ảnh: TTXVN</figcaption>" in article.body

    def test_publishing_without_a_time_stamps_now(self):
        article = ArticleFactory(status=Article.Status.PUBLISHED, published_at=None)
        assert article.published_at is not None
        assert article.is_published()

    def test_database_refuses_published_without_time(self):
        article = ArticleFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            Article.objects.filter(pk=article.pk).update(
                status=Article.Status.PUBLISHED, published_at=None
            )

    def test_byline_keeps_author_order(self):
        first, second = AuthorFactory(name="Bình Minh"), AuthorFactory(name="An Nhiên")
        article = ArticleFactory(authors=[first, second])
        assert article.byline == [first, second]
        assert str(article) == article.title


class TestCategory:
    @pytest.mark.parametrize(
        "slug", ["tim-kiem", "chu-de", "tac-gia", "admin", "static", "healthz"]
    )
    def test_reserved_paths_are_refused_as_section_slugs(self, slug):
        category = Category(name="Thử", slug=slug)
        with pytest.raises(ValidationError) as excinfo:
            category.full_clean()
        assert "slug" in excinfo.value.message_dict

    def test_database_refuses_reserved_slugs_from_scripts_too(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            Category.objects.create(name="Tìm kiếm", slug="tim-kiem")

    def test_slug_is_made_from_the_name(self):
        assert CategoryFactory(name="Đời sống", slug="").slug == "doi-song"

    def test_a_section_cannot_be_its_own_parent(self):
        category = CategoryFactory()
        category.parent = category
        with pytest.raises(ValidationError):
            category.clean()


class TestTags:
    def test_tag_slug_is_ascii_vietnamese(self):
        article = ArticleFactory()
        article.tags.add("Hà Nội", "Thúc đẩy kinh tế")
        assert sorted(Tag.objects.values_list("slug", flat=True)) == [
            "ha-noi",
            "thuc-day-kinh-te",
        ]

    def test_tone_placement_variants_are_one_tag(self):
        first, second = ArticleFactory(), ArticleFactory()
        first.tags.add("Thanh Hoá", "thuỷ điện")
        second.tags.add("Thanh Hóa", "thủy điện")
        assert Tag.objects.count() == 2
        assert set(first.tags.all()) == set(second.tags.all())

    def test_tag_field_splits_on_commas_only(self):
        from taggit.utils import edit_string_for_tags, parse_tags

        assert parse_tags("Hà Nội") == ["Hà Nội"]
        assert parse_tags("Hà Nội, kinh tế xã hội, Hà Nội") == [
            "Hà Nội",
            "kinh tế xã hội",
        ]
        article = ArticleFactory()
        article.tags.add("Hà Nội", "Huế")
        assert edit_string_for_tags(article.tags.all()) == "Huế, Hà Nội"

    def test_decomposed_tag_name_is_the_same_tag(self):
        first, second = ArticleFactory(), ArticleFactory()
        first.tags.add("Hà Nội")
        second.tags.add(unicodedata.normalize("NFD", "Hà Nội"))
        assert Tag.objects.count() == 1


class TestCommentCounter:
    def test_counts_only_approved_comments(self):
        article = PublishedArticleFactory()
        ApprovedCommentFactory.create_batch(2, article=article)
        CommentFactory(article=article)
        CommentFactory(article=article, status=Comment.Status.SPAM)
        article.refresh_from_db()
        assert article.comment_count == 2

    def test_follows_approval_and_deletion(self):
        article = PublishedArticleFactory()
        comment = CommentFactory(article=article)
        article.refresh_from_db()
        assert article.comment_count == 0
        comment.status = Comment.Status.APPROVED
        comment.save()
        article.refresh_from_db()
        assert article.comment_count == 1
        comment.delete()
        article.refresh_from_db()
        assert article.comment_count == 0

    def test_bulk_status_change_recounts(self):
        from articles.comments.services import comments_set_status

        article = PublishedArticleFactory()
        CommentFactory.create_batch(3, article=article)
        comments_set_status(
            comments=Comment.objects.all(), status=Comment.Status.APPROVED
        )
        article.refresh_from_db()
        assert article.comment_count == 3


def test_site_settings_is_a_single_row():
    first = SiteSettings.load()
    again = SiteSettings(name="Báo khác")
    again.save()
    assert SiteSettings.objects.count() == 1
    assert first.pk == again.pk == 1
