import io
import stat

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles.management.commands import load_demo
from articles.models import (
    Article,
    Author,
    Category,
    Comment,
    Image,
    SiteSettings,
    TaggedArticle,
)

pytestmark = pytest.mark.django_db

SEED_TITLE = "Hà Nội và TP.HCM hợp tác toàn diện nhằm thúc đẩy kinh tế - xã hội"


@pytest.fixture(autouse=True)
def _real_password_file_untouched():
    real = settings.BASE_DIR / ".admin-password"
    before = real.read_bytes() if real.exists() else None
    yield
    assert (real.read_bytes() if real.exists() else None) == before


@pytest.fixture
def password_file(tmp_path, monkeypatch):
    """Point the command's default password file at a temporary path."""
    path = tmp_path / "admin-password"
    monkeypatch.setattr(load_demo, "default_password_file", lambda: path)
    return path


def run() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, int]:
    models = [Article, Author, Category, Comment, Image, TaggedArticle]
    counts = {model.__name__: model.objects.count() for model in models}
    counts["users"] = get_user_model().objects.count()
    return counts


def test_running_twice_creates_nothing_the_second_time(password_file):
    run()
    first = snapshot()
    run()
    assert snapshot() == first
    assert first["Article"] == load_demo.DEMO_ARTICLES + 1


def test_the_seed_article_is_published_and_featured(password_file):
    run()
    seed = Article.objects.get(title=SEED_TITLE)
    assert seed.is_published()
    assert seed.featured
    assert seed.category.slug == "dong-chay"
    assert [author.name for author in seed.byline] == ["Bình Minh"]
    assert seed.cover.is_placeholder


def test_sections_authors_and_site_settings(password_file):
    run()
    slugs = set(Category.objects.values_list("slug", flat=True))
    assert {"dong-chay", "thoi-su", "kinh-te", "van-hoa", "the-thao", "cong-nghe"} <= (
        slugs
    )
    assert Author.objects.filter(name="Bình Minh", slug="binh-minh").exists()
    site = SiteSettings.load()
    assert site.name == "Newsroom"
    assert "/GP-BTTTT" in site.licence_number
    for field in (
        "governing_body",
        "licence_date",
        "licence_issuer",
        "editor_in_chief",
        "address",
        "phone",
        "email",
    ):
        assert getattr(site, field), field


def test_an_editors_site_settings_are_kept(password_file):
    site = SiteSettings.load()
    site.name = "Báo Sài Gòn Mới"
    site.save()
    run()
    site = SiteSettings.load()
    assert site.name == "Báo Sài Gòn Mới"
    assert site.editor_in_chief  # empty fields are still filled


def test_demo_articles_span_sections_with_featured_and_comments(password_file):
    run()
    published = Article.objects.published()
    assert published.count() == load_demo.DEMO_ARTICLES + 1
    assert published.values("category").distinct().count() >= 4
    assert published.filter(featured=True).count() >= 3
    commented = published.filter(comment_count__gt=0)
    assert commented.exists()
    for article in commented:
        assert article.comment_count == article.comments.approved().count()


def test_tops_up_only_what_is_missing(password_file):
    run()
    demo = Article.objects.exclude(title=SEED_TITLE).order_by("pk")
    Article.objects.filter(pk__in=list(demo.values_list("pk", flat=True)[:5])).delete()
    run()
    assert Article.objects.count() == load_demo.DEMO_ARTICLES + 1
    assert Article.objects.filter(title=SEED_TITLE).count() == 1


def test_creates_a_superuser_with_a_random_password_in_a_private_file(
    password_file,
):
    output = run()
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff

    password = password_file.read_text().strip()
    assert len(password) >= 16
    assert password not in {"admin", "password", "changeme", "newsroom"}
    assert admin.check_password(password)
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    assert password in output
    assert f"http://127.0.0.1:8000/{settings.ADMIN_URL}" in output


def test_later_runs_keep_the_password_and_say_where_it_is(password_file):
    run()
    password = password_file.read_text().strip()
    output = run()
    assert get_user_model().objects.get(username="admin").check_password(password)
    assert str(password_file) in output
    assert password in output
    assert f"/{settings.ADMIN_URL}" in output


def test_a_fresh_database_gets_a_different_password(password_file, tmp_path):
    run()
    first = password_file.read_text().strip()
    get_user_model().objects.all().delete()
    run()
    second = password_file.read_text().strip()
    assert first != second
    assert get_user_model().objects.get(username="admin").check_password(second)


def test_missing_password_file_is_explained(password_file):
    run()
    password_file.unlink()
    output = run()
    assert "changepassword admin" in output


def test_password_file_option(tmp_path):
    path = tmp_path / "elsewhere"
    call_command("load_demo", "--password-file", str(path), stdout=io.StringIO())
    assert (
        get_user_model()
        .objects.get(username="admin")
        .check_password(path.read_text().strip())
    )
