import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from articles.html import sanitize_body
from articles.management.commands.generate_content import SECTIONS, generate_articles
from articles.models import Article, ArticleAuthor, Category, Image, TaggedArticle
from articles.text import vi_slugify
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def generate(*args) -> str:
    out = io.StringIO()
    call_command("generate_content", *args, stdout=out)
    return out.getvalue()


def titles() -> list[str]:
    return list(Article.objects.order_by("pk").values_list("title", flat=True))


def test_creates_the_requested_number_of_published_articles():
    output = generate("--articles", "40", "--seed", "1")
    assert "40" in output
    assert Article.objects.count() == 40
    assert Article.objects.published().count() == 40
    assert not Article.objects.filter(published_at__gt=timezone.now()).exists()


def test_same_seed_gives_the_same_titles_in_the_same_order():
    generate("--articles", "25", "--seed", "7")
    first = titles()
    Article.objects.all().delete()
    generate("--articles", "25", "--seed", "7")
    assert titles() == first


def test_a_different_seed_gives_different_articles():
    generate("--articles", "25", "--seed", "1")
    first = titles()
    Article.objects.all().delete()
    generate("--articles", "25", "--seed", "2")
    assert titles() != first


def test_rows_are_what_save_would_have_stored():
    generate("--articles", "30", "--seed", "3")
    for article in Article.objects.all():
        assert article.slug.isascii()
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", article.slug)
        assert article.slug == vi_slugify(article.title, max_length=200)
        assert article.body == sanitize_body(article.body)
        assert article.body.startswith("<p>")
        assert article.sapo and "<" not in article.sapo
        assert article.get_absolute_url().endswith(f"-{article.pk}.html")


def test_every_article_has_a_byline_and_at_most_four_tags():
    articles = generate_articles(30, seed=4)
    for article in articles:
        assert 1 <= ArticleAuthor.objects.filter(article=article).count() <= 2
        assert TaggedArticle.objects.filter(content_object=article).count() <= 4
    assert TaggedArticle.objects.exists()


def test_some_are_featured_and_some_have_one_of_a_few_shared_covers():
    generate_articles(50, seed=5)
    assert Article.objects.filter(featured=True).count() == 5
    with_cover = Article.objects.filter(cover__isnull=False)
    assert with_cover.count() == 15
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


def test_zero_articles_is_fine_and_negative_is_refused():
    generate("--articles", "0")
    assert not Article.objects.exists()
    with pytest.raises(CommandError):
        generate("--articles", "-1")
