import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, SiteSettings
from tests.factories import (
    ApprovedCommentFactory,
    ArticleFactory,
    AuthorFactory,
    CategoryFactory,
    CommentFactory,
    CorrectionFactory,
    ImageFactory,
    PublishedArticleFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

LATER = timezone.make_aware(timezone.datetime(2099, 10, 19, 6, 36))


@pytest.fixture
def section():
    return CategoryFactory(name="Dòng chảy", slug="dong-chay")


@pytest.fixture
def article(section):
    return PublishedArticleFactory(
        category=section,
        title="Hà Nội và TP.HCM hợp tác toàn diện",
        sapo="Sapo bài viết.",
        authors=[AuthorFactory(name="Bình Minh", slug="binh-minh")],
        published_at=timezone.make_aware(timezone.datetime(2023, 10, 19, 6, 36)),
    )


class TestArticlePage:
    def test_shows_every_element(self, client, article, section):
        article.tags.add("Hà Nội")
        cover = ImageFactory(caption="Lễ ký kết", credit="Thành ủy TP.HCM")
        article.cover = cover
        article.save()
        ApprovedCommentFactory(article=article, body="Rất hữu ích")
        CommentFactory(article=article, body="Chưa duyệt")
        other = PublishedArticleFactory(
            category=section, title="Bài khác cùng chuyên mục"
        )

        response = client.get(article.get_absolute_url())

        html = response.content.decode()
        assert response.status_code == 200
        assert f'href="{section.get_absolute_url()}"' in html
        assert (
            '<h1 class="article__title">Hà Nội và TP.HCM hợp tác toàn diện</h1>' in html
        )
        assert 'href="/tac-gia/binh-minh/"' in html and "Bình Minh" in html
        assert "19/10/2023 06:36" in html
        assert "Sapo bài viết." in html
        assert "Lễ ký kết" in html and "Ảnh: Thành ủy TP.HCM" in html
        assert 'href="/chu-de/ha-noi/"' in html
        assert "(1) Bình luận" in html
        assert "Rất hữu ích" in html
        assert "Chưa duyệt" not in html
        assert 'action="/binh-luan/' in html
        assert "Đừng bỏ lỡ" in html and other.title in html

    def test_stale_slug_redirects_permanently_to_canonical(self, client, article):
        response = client.get(f"/dong-chay/ten-cu-{article.pk}.html")
        assert response.status_code == 301
        assert response["Location"] == article.get_absolute_url()

    def test_stale_section_redirects_permanently_to_canonical(self, client, article):
        CategoryFactory(slug="thoi-su")
        response = client.get(f"/thoi-su/{article.slug}-{article.pk}.html?utm=x")
        assert response.status_code == 301
        assert response["Location"] == f"{article.get_absolute_url()}?utm=x"

    def test_unknown_id_is_404(self, client, article):
        assert client.get(f"/dong-chay/{article.slug}-999999.html").status_code == 404

    @pytest.mark.parametrize(
        "status",
        [Article.Status.DRAFT, Article.Status.SUBMITTED, Article.Status.UNPUBLISHED],
    )
    def test_unpublished_is_404_to_the_public(self, client, section, status):
        draft = ArticleFactory(category=section, status=status)
        response = client.get(draft.get_absolute_url())
        assert response.status_code == 404
        assert "Không tìm thấy trang" in response.content.decode()

    def test_scheduled_is_404_until_its_time(self, client, section):
        scheduled = PublishedArticleFactory(
            category=section, published_at=timezone.now() + timedelta(hours=1)
        )
        assert client.get(scheduled.get_absolute_url()).status_code == 404

    def test_staff_can_preview_a_draft_uncached(self, client, section):
        draft = ArticleFactory(category=section, title="Bài nháp bí mật")
        client.force_login(StaffFactory())
        response = client.get(draft.get_absolute_url())
        assert response.status_code == 200
        assert "Bản xem trước" in response.content.decode()
        assert (
            "no-cache" in response["Cache-Control"]
            or "max-age=0" in response["Cache-Control"]
        )

    @pytest.mark.parametrize(
        ("fields", "state"),
        [
            ({"status": Article.Status.DRAFT}, "Bài nháp"),
            ({"status": Article.Status.SUBMITTED}, "Chờ biên tập"),
            ({"status": Article.Status.APPROVED}, "Chờ xuất bản"),
            ({"status": Article.Status.UNPUBLISHED}, "Đã gỡ"),
            (
                {"status": Article.Status.PUBLISHED, "published_at": LATER},
                "Hẹn giờ xuất bản 19/10/2099 06:36",
            ),
            (
                {
                    "status": Article.Status.PUBLISHED,
                    "published_at": timezone.now() - timedelta(hours=1),
                    "embargo_until": LATER,
                },
                "Cấm đăng đến 19/10/2099 06:36",
            ),
            (
                {
                    "status": Article.Status.PUBLISHED,
                    "published_at": LATER,
                    "embargo_until": LATER + timedelta(hours=2),
                },
                "Hẹn giờ xuất bản 19/10/2099 06:36; Cấm đăng đến 19/10/2099 08:36",
            ),
        ],
    )
    def test_preview_banner_says_why_readers_do_not_see_it(
        self, client, section, fields, state
    ):
        from articles.preview import preview_link_create, preview_url

        story = ArticleFactory(category=section, **fields)
        banner = f"bài viết chưa hiển thị với bạn đọc ({state})."
        client.force_login(StaffFactory())
        assert banner in client.get(story.get_absolute_url()).content.decode()
        link = preview_link_create(article=story, by=StaffFactory())
        client.logout()
        assert banner in client.get(preview_url(link)).content.decode()
        assert "Đã xuất bản" not in client.get(preview_url(link)).content.decode()

    def test_taken_down_is_gone_even_to_staff(self, client, section):
        story = ArticleFactory(category=section, status=Article.Status.TAKEN_DOWN)
        client.force_login(StaffFactory())
        response = client.get(story.get_absolute_url())
        assert response.status_code == 410
        assert "Bản xem trước" not in response.content.decode()

    def test_body_html_is_rendered_not_escaped(self, client, section):
        story = PublishedArticleFactory(
            category=section, body="<p><strong>Nhãn:</strong> nội dung</p>"
        )
        html = client.get(story.get_absolute_url()).content.decode()
        assert "<p><strong>Nhãn:</strong> nội dung</p>" in html

    def test_closed_comments_say_so_and_show_no_form(self, client, section):
        story = PublishedArticleFactory(category=section, comments_enabled=False)
        html = client.get(story.get_absolute_url()).content.decode()
        assert "Bình luận đã đóng" in html
        assert "comment-form" not in html


class TestListings:
    def test_home_has_featured_latest_and_section_blocks(self, client, section):
        lead = PublishedArticleFactory(
            category=section, featured=True, title="Tin chính"
        )
        featured = PublishedArticleFactory(
            category=section, featured=True, title="Tin nổi bật"
        )
        latest = PublishedArticleFactory(category=section, title="Tin mới nhất")
        ArticleFactory(category=section, title="Bản nháp không hiện")
        lead.published_at = timezone.now()
        lead.save()
        html = client.get("/").content.decode()
        assert "Nổi bật" in html and "Tin mới" in html
        for story in (lead, featured, latest):
            assert story.title in html
        assert "Bản nháp không hiện" not in html
        assert 'id="cm-dong-chay"' in html

    def test_section_page_lists_its_published_articles_newest_first(
        self, client, section
    ):
        old = PublishedArticleFactory(
            category=section, published_at=timezone.now() - timedelta(days=2)
        )
        new = PublishedArticleFactory(
            category=section, published_at=timezone.now() - timedelta(hours=1)
        )
        elsewhere = PublishedArticleFactory()
        ArticleFactory(category=section, title="Nháp")
        response = client.get(section.get_absolute_url())
        assert list(response.context["articles"]) == [new, old]
        assert elsewhere.title not in response.content.decode()

    def test_tag_page(self, client, article):
        article.tags.add("Hà Nội")
        response = client.get(reverse("articles:tag", kwargs={"slug": "ha-noi"}))
        assert response.status_code == 200
        assert list(response.context["articles"]) == [article]

    def test_author_page(self, client, article):
        response = client.get("/tac-gia/binh-minh/")
        assert response.status_code == 200
        assert list(response.context["articles"]) == [article]

    @pytest.mark.parametrize(
        "url", ["/khong-co/", "/chu-de/khong-co/", "/tac-gia/khong-co/"]
    )
    def test_unknown_listing_is_404(self, client, url):
        assert client.get(url).status_code == 404


class TestPagination:
    @pytest.fixture
    def many(self, section):
        for i in range(25):
            PublishedArticleFactory(
                category=section, published_at=timezone.now() - timedelta(hours=i + 1)
            )

    def test_second_page_exists(self, client, many, section):
        response = client.get(f"{section.get_absolute_url()}?page=2")
        assert response.status_code == 200
        assert len(response.context["articles"]) == 5
        assert 'rel="prev"' in response.content.decode()

    @pytest.mark.parametrize(
        "page", ["3", "0", "-1", "abc", "1.5", "99999999999999999999", "%00"]
    )
    def test_bad_page_numbers_are_404_never_500(self, client, many, section, page):
        response = client.get(section.get_absolute_url(), {"page": page})
        assert response.status_code == 404

    def test_pages_need_no_count_and_stop_at_the_window(
        self, client, many, section, django_assert_num_queries
    ):
        client.get(section.get_absolute_url())  # fills the site cache
        with django_assert_num_queries(2):  # the section, one page of rows
            first = client.get(section.get_absolute_url())
        assert 'rel="next"' in first.content.decode()
        assert "Trang 1" in first.content.decode()
        response = client.get(section.get_absolute_url(), {"page": "2001"})
        assert response.status_code == 404

    @pytest.mark.parametrize("kind", ["section", "tag", "author"])
    def test_deep_pages_read_ids_first_and_show_the_same_rows(
        self, client, section, monkeypatch, django_assert_num_queries, kind
    ):
        author = AuthorFactory(slug="sau")
        stamp = timezone.now() - timedelta(hours=1)
        for i in range(30):  # ties on the time: the id breaks them, as in SQL
            story = PublishedArticleFactory(
                category=section,
                authors=[author],
                published_at=stamp - timedelta(minutes=i // 3),
            )
            story.tags.add("Sâu")
        url = {
            "section": section.get_absolute_url(),
            "tag": "/chu-de/sau/",
            "author": "/tac-gia/sau/",
        }[kind]
        shallow = client.get(url, {"page": 2}).context["articles"]
        monkeypatch.setattr("articles.pagination.DEFERRED_FROM", 0)
        with django_assert_num_queries(3):  # the listing's owner, the ids, the rows
            deep = client.get(url, {"page": 2})
        assert deep.status_code == 200
        assert [a.pk for a in deep.context["articles"]] == [a.pk for a in shallow]
        assert deep.context["page_obj"].has_next() is False
        assert 'rel="prev"' in deep.content.decode()

    def test_the_windows_last_page_renders_without_a_next_link(
        self, client, many, section, monkeypatch
    ):
        monkeypatch.setattr("articles.pagination.MAX_PAGES", 1)  # 25 rows beyond
        response = client.get(section.get_absolute_url(), {"page": 1})
        assert response.status_code == 200
        assert 'rel="next"' not in response.content.decode()

    def test_last_keyword_is_the_last_page(self, client, many, section):
        response = client.get(f"{section.get_absolute_url()}?page=last")
        assert response.status_code == 200
        assert response.context["page_obj"].number == 2


class TestCacheability:
    """An anonymous GET of a public page sets no cookie and does not vary on it."""

    def test_public_pages_set_no_cookie(self, client, article):
        article.tags.add("Hà Nội")
        for url in [
            "/",
            "/dong-chay/",
            article.get_absolute_url(),
            "/chu-de/ha-noi/",
            "/tac-gia/binh-minh/",
            "/khong-co/",
        ]:
            response = client.get(url)
            assert not response.cookies, url
            assert "Cookie" not in response.get("Vary", ""), url
            assert "csrfmiddlewaretoken" not in response.content.decode(), url

    def test_public_pages_have_no_inline_scripts(self, client, article):
        """Scripts come from our own static files (CSP ``script-src 'self'``).

        A data block (JSON-LD) is not executed, so the CSP allows it.
        """
        for url in ["/", "/dong-chay/", article.get_absolute_url(), "/tim-kiem/?q=a"]:
            html = client.get(url).content.decode()
            scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
            assert scripts, url
            for attributes, body in scripts:
                if 'type="application/ld+json"' in attributes:
                    continue
                assert re.search(r'\bsrc="/static/[^"]+\.js"', attributes), url
                assert body.strip() == "", url
            assert " style=" not in html, url
            assert "<style" not in html, url


class TestTimes:
    """Pages print absolute times: cached, "5 phút trước" would soon be wrong."""

    RELATIVE = re.compile(r"vừa xong|\d+\s+(phút|giờ|ngày)\s+trước")
    # HTML's valid global date and time: at most three digits of a second.
    DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?[+-]\d\d:\d\d")

    def test_no_page_prints_a_relative_time(self, client, section):
        now = timezone.now()
        author = AuthorFactory(slug="gan-day")
        stories = [
            PublishedArticleFactory(
                category=section,
                authors=[author],
                featured=True,
                title=f"Tin Hà Nội số {i}",
                published_at=now - age,
            )
            for i, age in enumerate(
                [timedelta(seconds=20), timedelta(minutes=5), timedelta(hours=2)]
            )
        ]
        for story in stories:
            story.tags.add("Gần đây")
        ApprovedCommentFactory(article=stories[0])
        CorrectionFactory(article=stories[0])
        for url in [
            "/",
            section.get_absolute_url(),
            "/chu-de/gan-day/",
            "/tac-gia/gan-day/",
            stories[0].get_absolute_url(),
            "/tim-kiem/?q=ha+noi",
        ]:
            html = client.get(url).content.decode()
            assert not self.RELATIVE.search(html), (url, self.RELATIVE.search(html))
            stamps = re.findall(r'<time\b[^>]*\bdatetime="([^"]*)"', html)
            assert stamps, url
            for stamp in stamps:
                assert self.DATETIME.fullmatch(stamp), (url, stamp)
        home = client.get("/").content.decode()
        local = timezone.localtime(stories[1].published_at)
        assert (
            f'<time datetime="{local.replace(microsecond=0).isoformat()}" '
            f"data-relative>{local:%d/%m/%Y %H:%M}</time>"
        ) in home


class TestQueryBudget:
    """Each page makes a fixed number of queries whatever the content size.

    The budget (at most 8) is per request, with the shared site cache warm: the
    paper's settings and section menu are read once per change or per hour for
    the whole site, and that fill adds exactly two queries to one request. An
    article page is assembled from cached parts (``articles.pagecache.parts``): with
    them warm it makes no query. Building them adds the article with its byline
    and tags and its corrections (four), the sidebar shared by every article
    page (one), the article's "Đừng bỏ lỡ" (one), its comments (one), plus two
    for the next scheduled change that bounds their life. The home page too:
    warm, no query; its parts add the featured and newest articles (two), the
    section blocks (one) and "Đọc nhiều" (one).
    """

    def build(self, section, n):
        author = AuthorFactory(slug="tac-gia-dem")
        stories = []
        for i in range(n):
            story = PublishedArticleFactory(
                category=CategoryFactory() if i % 2 else section,
                authors=[author, AuthorFactory()],
                featured=i % 3 == 0,
                cover=ImageFactory() if i < 3 else None,
                published_at=timezone.now() - timedelta(minutes=i + 1),
            )
            story.tags.add(*[f"Chủ đề {j}" for j in range(min(n, 10))], "Hà Nội")
            stories.append(story)
        target = stories[0]
        ApprovedCommentFactory.create_batch(n, article=target)
        CorrectionFactory.create_batch(n, article=target)
        return target

    @pytest.mark.parametrize("n", [1, 50])
    @pytest.mark.parametrize(
        ("page", "queries"),
        [
            ("home", 0),
            ("section", 2),
            ("article", 0),
            ("tag", 2),
            ("author", 2),
            ("search", 4),
            ("search with marks", 4),
        ],
    )
    def test_query_count_is_constant(
        self, client, section, django_assert_num_queries, n, page, queries
    ):
        target = self.build(section, n)
        url = {
            "home": "/",
            "section": section.get_absolute_url(),
            "article": target.get_absolute_url(),
            "tag": "/chu-de/ha-noi/",
            "author": "/tac-gia/tac-gia-dem/",
            "search": f"/tim-kiem/?q=ha+noi&chuyen_muc={section.slug}",
            "search with marks": f"/tim-kiem/?q=hà+nội&chuyen_muc={section.slug}",
        }[page]
        assert client.get(url).status_code == 200  # warms the site context
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200

    def test_filling_the_caches_adds_a_fixed_number_of_queries(self, client, section):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        target = self.build(section, 5)
        SiteSettings.load()
        for url, fill in [
            ("/", 2 + 2 + 4),
            (section.get_absolute_url(), 2),
            (target.get_absolute_url(), 2 + 2 + 7),
            ("/tim-kiem/?q=ha+noi", 2),
        ]:
            client.get(url)
            with CaptureQueriesContext(connection) as warm:
                client.get(url)
            cache.clear()
            with CaptureQueriesContext(connection) as cold:
                client.get(url)
            assert len(cold) == len(warm) + fill, url
            assert len(warm) <= 8, url


class TestSiteChrome:
    def test_footer_shows_the_legal_information(self, client):
        settings = SiteSettings.load()
        settings.name = "Báo Thử Nghiệm"
        settings.governing_body = "Hội Nhà báo Việt Nam"
        settings.licence_number = "123/GP-BTTTT"
        settings.licence_date = timezone.datetime(2021, 8, 21).date()
        settings.licence_issuer = "Bộ Thông tin và Truyền thông"
        settings.editor_in_chief = "Nguyễn Văn A"
        settings.address = "1 Tràng Tiền, Hà Nội"
        settings.phone = "024 1234 5678"
        settings.email = "toasoan@example.vn"
        settings.save()
        html = client.get("/").content.decode()
        for text in [
            "Báo Thử Nghiệm",
            "Hội Nhà báo Việt Nam",
            "Số 123/GP-BTTTT ngày 21/08/2021 do Bộ Thông tin và Truyền thông cấp",
            "Nguyễn Văn A",
            "1 Tràng Tiền, Hà Nội",
            "toasoan@example.vn",
        ]:
            assert text in html

    def test_menu_follows_a_section_rename(self, client, section):
        client.get("/")
        section.name = "Dòng chảy mới"
        section.save()
        assert "Dòng chảy mới" in client.get("/").content.decode()

    def test_custom_404_page_in_the_site_look(self, client):
        response = client.get("/khong-ton-tai/")
        assert response.status_code == 404
        html = response.content.decode()
        assert "Không tìm thấy trang" in html and 'lang="vi"' in html

    def test_healthz(self, client):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.content == b"ok\n"


def test_comment_count_is_grouped_with_dots(client):
    article = PublishedArticleFactory()
    Article.objects.filter(pk=article.pk).update(comment_count=1234)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "(1.234) Bình luận" in html


def test_server_error_page_renders_without_the_database(rf, django_assert_num_queries):
    from articles.errors import server_error

    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Xin lỗi, trang đang gặp sự cố" in response.content.decode()


def test_unexpected_error_answers_with_the_500_page(client, monkeypatch):
    from articles import views

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.HomeView, "get_context_data", explode)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert "Xin lỗi, trang đang gặp sự cố" in response.content.decode()
    assert "boom" not in response.content.decode()
