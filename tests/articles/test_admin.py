import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.timezone import localtime

from articles.models import Article, Category, Comment, SiteSettings
from tests.admin_forms import article_form_data
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CategoryFactory,
    CommentFactory,
    ImageFactory,
    PublishedArticleFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    client.force_login(StaffFactory())
    return client


MODELS = ["article", "category", "author", "image", "tag", "comment"]


def test_admin_lives_at_admin_url():
    assert reverse("admin:index") == f"/{settings.ADMIN_URL}"


@pytest.mark.parametrize("model", MODELS)
def test_changelist_and_add_pages_load(editor, model):
    PublishedArticleFactory().tags.add("Hà Nội")
    CommentFactory()
    ImageFactory()
    assert editor.get(reverse(f"admin:articles_{model}_changelist")).status_code == 200
    assert editor.get(reverse(f"admin:articles_{model}_add")).status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_changelist_search_does_not_fail_on_vietnamese_or_odd_input(editor, model):
    for term in ["Hà Nội", "%", "_", "' OR 1=1 --"]:
        response = editor.get(
            reverse(f"admin:articles_{model}_changelist"), {"q": term}
        )
        assert response.status_code == 200


def test_article_changelist_filters_and_shows_byline(editor):
    author = AuthorFactory(name="Bình Minh")
    PublishedArticleFactory(title="Bài đã đăng", authors=[author])
    ArticleFactory(title="Bản thảo chưa đăng")
    response = editor.get(
        reverse("admin:articles_article_changelist"), {"status__exact": "published"}
    )
    html = response.content.decode()
    assert "Bài đã đăng" in html and "Bình Minh" in html
    assert "Bản thảo chưa đăng" not in html


def test_article_change_page_uses_the_vietnamese_slug_script_and_prose_editor(editor):
    article = ArticleFactory()
    html = editor.get(
        reverse("admin:articles_article_change", args=[article.pk])
    ).content.decode()
    assert "admin/js/vi_urlify.js" in html
    assert html.index("admin/js/urlify.js") < html.index("admin/js/vi_urlify.js")
    assert "django_prose_editor" in html
    assert "Xem trên trang" in html or "View on site" in html


def test_creating_an_article_in_the_admin_sanitises_and_records_the_creator(editor):
    category = CategoryFactory()
    author = AuthorFactory()
    response = editor.post(
        reverse("admin:articles_article_add"),
        article_form_data(
            category=category.pk,
            body="<p>Nội dung<script>alert(1)</script></p>",
            tags="Hà Nội, Thanh Hoá",
            status="published",  # ignored: status changes only through the workflow
            published_at_0="19/10/2023",
            published_at_1="06:36",
            featured="on",
            **{
                "bylines-TOTAL_FORMS": "1",
                "bylines-0-author": author.pk,
                "bylines-0-position": "0",
            },
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert "<script" not in article.body
    assert article.created_by is not None and article.updated_by == article.created_by
    assert article.byline == [author]
    assert sorted(t.name for t in article.tags.all()) == ["Hà Nội", "Thanh Hóa"]
    assert (
        localtime(article.published_at).strftime("%d/%m/%Y %H:%M") == "19/10/2023 06:36"
    )
    assert article.revisions.count() == 1


def test_reserved_section_slug_is_refused_in_the_admin(editor):
    response = editor.post(
        reverse("admin:articles_category_add"),
        {"name": "Tìm kiếm", "slug": "tim-kiem", "position": 0, "show_in_menu": "on"},
    )
    assert response.status_code == 200
    assert "dành riêng" in response.content.decode()
    assert not Category.objects.filter(slug="tim-kiem").exists()


def test_approve_action_publishes_comments_and_updates_the_counter(editor):
    article = PublishedArticleFactory()
    comments = CommentFactory.create_batch(2, article=article)
    response = editor.post(
        reverse("admin:articles_comment_changelist"),
        {"action": "approve", "_selected_action": [c.pk for c in comments]},
    )
    assert response.status_code == 302
    assert set(Comment.objects.values_list("status", flat=True)) == {"approved"}
    article.refresh_from_db()
    assert article.comment_count == 2


def test_site_settings_is_edited_as_one_row(editor):
    response = editor.get(reverse("admin:articles_sitesettings_changelist"))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:articles_sitesettings_change", args=[1]
    )
    assert editor.get(response["Location"]).status_code == 200
    assert SiteSettings.objects.count() == 1


def test_admin_requires_login(client):
    response = client.get(reverse("admin:articles_article_changelist"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_tag_field_suggests_existing_tags_without_tone_marks(editor):
    ArticleFactory().tags.add("Hà Nội", "Hải Phòng")
    article = ArticleFactory()
    html = editor.get(
        reverse("admin:articles_article_change", args=[article.pk])
    ).content.decode()
    assert 'data-tag-suggest="/admin/autocomplete/"' in html
    assert (
        'list="id_tags_suggestions"' in html
        and '<datalist id="id_tags_suggestions">' in html
    )
    assert "admin/js/tag_suggest.js" in html

    response = editor.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "articles",
            "model_name": "taggedarticle",
            "field_name": "tag",
            "term": "ha noi",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == ["Hà Nội"]
    response = editor.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "articles",
            "model_name": "taggedarticle",
            "field_name": "tag",
            "term": "HÀ NỘI",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == ["Hà Nội"]


def test_marking_articles_featured_in_bulk_refreshes_the_home_page(
    editor, django_capture_on_commit_callbacks
):
    from django.test import Client

    def lead(reader):
        html = reader.get("/").content.decode()
        return html.split('class="lead"', 1)[1].split("</section>", 1)[0]

    reader = Client()
    chosen = PublishedArticleFactory(title="Tin được chọn")
    PublishedArticleFactory(
        title="Tin mới nhất"
    )  # newer: the lead while none is featured
    assert "Tin mới nhất" in lead(reader)
    with django_capture_on_commit_callbacks(execute=True):  # the purge, after commit
        response = editor.post(
            reverse("admin:articles_article_changelist"),
            {"action": "mark_featured", "_selected_action": [chosen.pk]},
        )
    assert response.status_code == 302
    assert "Tin được chọn" in lead(reader)
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(
            reverse("admin:articles_article_changelist"),
            {"action": "unmark_featured", "_selected_action": [chosen.pk]},
        )
    assert "Tin mới nhất" in lead(reader)


def test_two_factor_devices_are_labelled_in_vietnamese(editor):
    """django-otp's own labels are English; the admin shows ours."""
    html = editor.get(reverse("admin:index")).content.decode()
    text = re.sub(r"<[^>]*>", " ", html)  # what is read, not class names or URLs
    assert "Xác thực hai bước" in text and "Thiết bị xác thực (TOTP)" in text
    for english in ["OTP_TOTP", "Otp_Totp", "TOTP devices", "TOTP device"]:
        assert english.casefold() not in text.casefold(), english
    listing = editor.get(reverse("admin:otp_totp_totpdevice_changelist"))
    assert "Chọn thiết bị TOTP để thay đổi" in listing.content.decode()
