"""Hostile requests against every public URL: each gets a clear 4xx (or the
normal page), never a 500 or a traceback.

The table is the suite: one request per row, each with the statuses that are
a correct answer to it.
"""

import pytest
from django.test import Client

from articles.models import Comment
from tests.factories import ArticleFactory, CategoryFactory, PublishedArticleFactory

pytestmark = pytest.mark.django_db
ORIGIN = {"HTTP_ORIGIN": "http://testserver"}
COMMENT = {"name": "Bạn đọc", "email": "a@example.com", "body": "Xin chào"}


@pytest.fixture
def site():
    section = CategoryFactory(slug="dong-chay")
    article = PublishedArticleFactory(category=section, slug="bai-mau")
    drafts = [ArticleFactory(category=section, slug="nhap") for _ in range(3)]
    return article, drafts


# (method, path, extra request arguments, acceptable statuses)
CASES = [
    # Paths: traversal, encodings, junk.
    ("get", "/../../etc/passwd", {}, {404}),
    ("get", "/static/../../newsroom/settings.py", {}, {404}),
    ("get", "/static/%2e%2e/%2e%2e/newsroom/settings.py", {}, {404}),
    ("get", "/static/admin/../../../../etc/passwd", {}, {404}),
    ("get", "/media/../db.sqlite3", {}, {404}),
    ("get", "/media/%2e%2e/%2e%2e/etc/passwd", {}, {404}),
    ("get", "/media/images/", {}, {404}),
    ("get", "/%C0%AE%C0%AE/%C0%AE%C0%AE/", {}, {404}),
    ("get", "/dong-chay/%FF%FE-1.html", {}, {404}),
    ("get", "/%00/", {}, {404}),
    ("get", "/" + "a" * 5000 + "/", {}, {404}),
    ("get", "//dong-chay/", {}, {200, 404}),
    ("get", "/dòng-chảy/", {}, {404}),
    ("get", "/chu-de/<script>alert(1)</script>/", {}, {404}),
    ("get", "/chu-de/../", {}, {404}),
    ("get", "/tac-gia/' OR 1=1 --/", {}, {404}),
    ("get", "/tac-gia/%27%20OR%201%3D1--/", {}, {404}),
    ("get", "/khong-co/", {}, {404}),
    # Article URLs: ids, slugs, sizes.
    ("get", "/dong-chay/bai-mau-99999999999999999999.html", {}, {404}),
    ("get", "/dong-chay/bai-mau--1.html", {}, {301, 404}),
    ("get", "/dong-chay/bai-mau-0.html", {}, {404}),
    ("get", "/dong-chay/bai-mau-1.html/", {}, {404}),
    ("get", "/dong-chay/" + "x" * 3000 + "-1.html", {}, {301, 404}),
    ("get", "/dong-chay/BAI-MAU-{id}.html", {}, {301}),
    ("get", "/khong-co/bai-mau-{id}.html", {}, {301}),
    ("get", "/dong-chay/bai-mau-{id}.html?%FF=%FE", {}, {200}),
    # Query strings and page numbers.
    ("get", "/dong-chay/?page=-1", {}, {404}),
    ("get", "/dong-chay/?page=0", {}, {404}),
    ("get", "/dong-chay/?page=9999999999999999999999", {}, {404}),
    ("get", "/dong-chay/?page=1e3", {}, {404}),
    ("get", "/dong-chay/?page=%D9%A1", {}, {200, 404}),  # Arabic-Indic 1
    ("get", "/dong-chay/?page=1%00", {}, {404}),
    ("get", "/dong-chay/?page[]=1", {}, {200}),
    ("get", "/dong-chay/?page=1&page=2", {}, {404}),
    ("get", "/?q=%FF%FE%FD", {}, {200}),
    ("get", "/?" + "&".join(f"a{n}=1" for n in range(300)), {}, {200, 400, 414}),
    ("get", "/?x=" + "a" * 5000, {}, {414}),
    ("get", "/tim-kiem/?q=ha+noi&den=9999-12-31", {}, {400}),
    ("get", "/tim-kiem/?q=ha+noi&den=31/12/9999", {}, {400}),
    ("get", "/tim-kiem/?q=ha+noi&tu=0001-01-01", {}, {400}),
    ("get", "/tim-kiem/?q=ha+noi&tu=9999-12-31", {}, {400}),
    ("get", "/tim-kiem/?q=ha+noi&tu=2023-02-30", {}, {400}),
    ("get", "/tim-kiem/?q=ha+noi&den=99999-01-01", {}, {400}),
    ("get", "/tim-kiem/?q=ha+noi&den=%FF%FE", {}, {400}),
    # Methods.
    ("post", "/", {}, {405}),
    ("put", "/", {}, {405}),
    ("delete", "/dong-chay/bai-mau-{id}.html", {}, {405}),
    ("patch", "/dong-chay/", {}, {405}),
    ("trace", "/", {}, {405}),
    ("post", "/dong-chay/bai-mau-{id}.html", {}, {405}),
    ("post", "/healthz", {}, {405}),
    ("get", "/binh-luan/{id}/", {}, {302}),  # back to the comment section
    ("head", "/", {}, {200}),
    # Headers.
    ("get", "/", {"HTTP_HOST": "evil.example"}, {400}),
    ("get", "/", {"HTTP_HOST": "testserver:abc"}, {400}),
    ("get", "/", {"HTTP_COOKIE": "sessionid=" + "A" * 20000}, {200}),
    ("get", "/", {"HTTP_COOKIE": "sessionid=../../etc/passwd; csrftoken=<x>"}, {200}),
    ("get", "/", {"HTTP_ACCEPT_LANGUAGE": "x" * 5000}, {200}),
    ("get", "/", {"HTTP_USER_AGENT": "<script>alert(1)</script>"}, {200}),
    # The comment form.
    ("post", "/binh-luan/{id}/", {"data": COMMENT}, {403}),
    (
        "post",
        "/binh-luan/{id}/",
        {"data": COMMENT, "HTTP_ORIGIN": "https://evil.example"},
        {403},
    ),
    ("post", "/binh-luan/{id}/", {"data": COMMENT, "HTTP_ORIGIN": "null"}, {403}),
    (
        "post",
        "/binh-luan/{id}/",
        {"data": {**COMMENT, "name": "A" * 81}, **ORIGIN},
        {400},
    ),
    (
        "post",
        "/binh-luan/{id}/",
        {"data": {**COMMENT, "email": "a@b.c\nBcc: x@y.z"}, **ORIGIN},
        {400},
    ),
    (
        "post",
        "/binh-luan/{id}/",
        {"data": {**COMMENT, "body": "x" * 70_000}, **ORIGIN},
        {413},
    ),
    (
        "post",
        "/binh-luan/{id}/",
        {"data": {**COMMENT, "body": "a\x00b"}, **ORIGIN},
        {400},
    ),
    ("post", "/binh-luan/{id}/", {"data": {}, **ORIGIN}, {400}),
    ("post", "/binh-luan/{draft}/", {"data": COMMENT, **ORIGIN}, {404}),
    ("post", "/binh-luan/99999999999999999999/", {"data": COMMENT, **ORIGIN}, {404}),
    (
        "post",
        "/binh-luan/{id}/",
        {"data": "{}", "content_type": "application/json", **ORIGIN},
        {400},
    ),
    (
        "post",
        "/binh-luan/{id}/",
        {
            "data": b"--x\r\nbroken",
            "content_type": "multipart/form-data; boundary=x",
            **ORIGIN,
        },
        {400},
    ),
    (
        "post",
        "/binh-luan/{id}/",
        {"data": COMMENT, "CONTENT_LENGTH": "abc", **ORIGIN},
        {400},
    ),
    # Preview links.
    ("get", "/xem-truoc/khong-hop-le/", {}, {404}),
    ("get", "/xem-truoc/" + "A" * 1500 + "/", {}, {404}),
    ("get", "/xem-truoc/..%2F..%2Fadmin/", {}, {404}),
    ("post", "/xem-truoc/abc/", {}, {405}),
    # The admin's edges.
    ("get", "/admin/articles/article/{id}/change/", {}, {302}),
    ("get", "/admin/logout/", {}, {302, 405}),
]


def _request(client, site, method, path, extra):
    article, drafts = site
    path = path.format(id=article.pk, draft=drafts[0].pk)
    extra = dict(extra)
    data = extra.pop("data", None)
    kwargs = {"data": data} if data is not None else {}
    if "content_type" in extra:
        kwargs["content_type"] = extra.pop("content_type")
    if method == "trace":
        return client.generic("TRACE", path, **extra)
    return getattr(client, method)(path, **kwargs, **extra)


@pytest.mark.parametrize(("method", "path", "extra", "expected"), CASES)
def test_hostile_request_gets_a_clear_answer(site, method, path, extra, expected):
    client = Client(raise_request_exception=False)
    response = _request(client, site, method, path, extra)
    assert response.status_code != 500
    assert response.status_code in expected, (method, path[:80], response.status_code)
    body = getattr(response, "content", b"")
    assert b"Traceback" not in body


def test_guessing_draft_ids_in_sequence_finds_only_published_articles(client, site):
    article, drafts = site
    statuses = {
        pk: client.get(f"/dong-chay/nhap-{pk}.html").status_code
        for pk in range(1, max(d.pk for d in drafts) + 5)
    }
    public = {pk for pk, status in statuses.items() if status in (200, 301)}
    assert public == {article.pk}
    assert set(statuses.values()) <= {301, 404}


def test_login_next_cannot_redirect_off_site(client, admin_user):
    response = client.post(
        "/admin/login/?next=https://evil.example/",
        {"username": admin_user.username, "password": "password"},
    )
    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil.example")


def test_no_comment_was_stored_by_any_hostile_post(site):
    assert not Comment.objects.exists()


def test_the_suite_sends_at_least_sixty_hostile_requests():
    assert len(CASES) >= 60
    assert sum(1 for case in CASES if min(case[3]) >= 400) >= 50
