"""The read replica: which database each kind of request reads.

Two real, separate test databases stand in for the primary and the replica
(``default`` and ``replica`` in newsroom/settings_test.py; on PostgreSQL
``test_<name>`` and ``test_<name>_ro``). The same content is copied into both,
then the article's title is changed in the replica only, so a page says which
database it came from; ``CaptureQueriesContext`` on each connection counts the
queries each one answered.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.db import connection, connections, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import pagecache
from articles.models import Article, Category, Comment, SiteSettings
from newsroom import db_router
from tests.factories import (
    AuthorFactory,
    CategoryFactory,
    PublishedArticleFactory,
    StaffFactory,
    UserFactory,
    with_token,
)
from tests.live import free_port

BASE_DIR = Path(__file__).resolve().parents[2]
BOTH = ["default", "replica"]
PRIMARY_TITLE = "Hà Nội và TP.HCM hợp tác toàn diện"
REPLICA_MARK = "Bản sao"
REPLICA_TITLE = f"{REPLICA_MARK}: Hà Nội và TP.HCM hợp tác toàn diện"
ORIGIN = "http://testserver"

pytestmark = pytest.mark.django_db(databases=BOTH)


@pytest.fixture(autouse=True)
def _router_on(settings):
    settings.DATABASE_ROUTERS = ["newsroom.db_router.ReplicaRouter"]
    db_router._replica_down_until = 0.0
    yield
    db_router._replica_down_until = 0.0


def copy_to_replica():
    """Copy every row of the site's tables from the primary to the replica.

    What streaming replication would do; ``bulk_create`` sends no signals, so
    nothing is purged or written back to the primary on the way.
    """
    articles = apps.get_app_config("articles")
    models = [get_user_model(), *serializers.sort_dependencies([(articles, None)])]
    for model in models:
        through = [
            f.remote_field.through
            for f in model._meta.local_many_to_many
            if f.remote_field.through._meta.auto_created
            and model._meta.app_label == "articles"
        ]
        for table in (model, *through):
            rows = list(table._base_manager.using("default").order_by("pk"))
            table._base_manager.using("replica").bulk_create(rows)


@pytest.fixture
def site():
    SiteSettings.load()
    section = CategoryFactory(name="Dòng chảy", slug="dong-chay")
    article = PublishedArticleFactory(
        category=section,
        title=PRIMARY_TITLE,
        authors=[AuthorFactory(name="Bình Minh", slug="binh-minh")],
    )
    copy_to_replica()
    Article.objects.using("replica").filter(pk=article.pk).update(title=REPLICA_TITLE)
    return {"section": section, "article": article}


def read(client, url, method="get", **kwargs):
    """(response, queries on the primary, queries on the replica)."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = getattr(client, method)(url, **kwargs)
    return response, len(primary), len(replica)


def public_urls(site):
    return {
        "home": "/",
        "article": site["article"].get_absolute_url(),
        "section": site["section"].get_absolute_url(),
        "search": reverse("articles:search") + "?q=ha+noi",
        "feed": "/rss.xml",
    }


@pytest.mark.parametrize("page", ["home", "article", "section", "search", "feed"])
def test_anonymous_reads_of_public_pages_go_to_the_replica(client, site, page):
    url = public_urls(site)[page]
    client.get(url)  # fills the site cache (read from the primary on purpose)

    response, on_primary, on_replica = read(client, url)

    assert response.status_code == 200
    assert on_primary == 0
    body = response.content.decode()
    if page in ("home", "article"):
        # These pages are assembled from cached parts, built from the primary
        # on purpose (articles.pagecache.parts): warm, they read no database.
        assert on_replica == 0
        assert PRIMARY_TITLE in body
    else:
        assert on_replica > 0
        assert REPLICA_MARK in body
    assert "Cookie" not in response.get("Vary", "")


def test_head_requests_go_to_the_replica_too(client, site):
    url = site["section"].get_absolute_url()
    client.get(url)
    response, on_primary, on_replica = read(client, url, method="head")
    assert response.status_code == 200
    assert (on_primary, on_replica > 0) == (0, True)


def test_a_logged_in_reader_reads_the_primary(client, site):
    client.force_login(UserFactory())
    for name, url in public_urls(site).items():
        response, on_primary, on_replica = read(client, url)
        assert response.status_code == 200, name
        assert on_replica == 0, name
        assert on_primary > 0, name
        assert REPLICA_MARK not in response.content.decode(), name
    article_page = client.get(site["article"].get_absolute_url()).content.decode()
    assert PRIMARY_TITLE in article_page


def test_staff_read_the_primary_on_public_pages_and_in_the_admin(client, site):
    client.force_login(StaffFactory())
    for url in [
        site["article"].get_absolute_url(),
        "/admin/",
        "/admin/articles/article/",
        f"/admin/articles/article/{site['article'].pk}/change/",
    ]:
        response, on_primary, on_replica = read(client, url)
        assert response.status_code == 200, url
        assert (on_primary > 0, on_replica) == (True, 0), url
        body = response.content.decode()
        assert REPLICA_MARK not in body, url


def test_an_editors_change_is_on_their_next_page_at_once(client, site):
    """The replica has not caught up (it never does here): the editor still
    sees the change, because their requests read the primary."""
    client.force_login(StaffFactory())
    Article.objects.filter(pk=site["article"].pk).update(title="Tiêu đề mới")
    response, _, on_replica = read(client, site["article"].get_absolute_url())
    assert "Tiêu đề mới" in response.content.decode()
    assert on_replica == 0


def test_anonymous_admin_login_page_reads_the_primary(client, site):
    response, on_primary, on_replica = read(client, "/admin/login/")
    assert response.status_code == 200
    assert on_replica == 0


def test_a_post_reads_and_writes_the_primary(client, site):
    """Any POST, e.g. a login attempt: nothing is read from the replica."""
    StaffFactory(username="bientap")
    response, on_primary, on_replica = read(
        client,
        "/admin/login/",
        method="post",
        data={"username": "bientap", "password": "sai mật khẩu"},
    )
    assert response.status_code == 200  # the form again, with its error
    assert on_primary > 0
    assert on_replica == 0


def test_a_comment_and_the_page_that_shows_it_to_its_poster_read_the_primary(site):
    reader = Client(enforce_csrf_checks=True, headers={"Origin": ORIGIN})
    article = site["article"]
    data = {"name": "Nguyễn Văn An", "email": "an@example.com", "body": "Hay quá."}

    url = f"/binh-luan/{article.pk}/"
    posted = with_token(article, data)
    response, on_primary, on_replica = read(reader, url, method="post", data=posted)

    assert response.status_code == 302
    assert (on_primary > 0, on_replica) == (True, 0)
    comment = Comment.objects.get()
    assert not Comment.objects.using("replica").exists()  # not replicated yet
    # The poster is sent to the article with a token that shows their waiting
    # comment: it is only on the primary, and the page finds it there.
    page, on_primary, on_replica = read(reader, response["Location"])
    assert page.status_code == 200
    assert on_replica == 0
    assert "Hay quá." in page.content.decode()
    assert f'id="bl-{comment.pk}"' in page.content.decode()
    # Everyone else gets the page from its cached parts, built from the
    # primary (articles.pagecache.parts), where the comment waits for moderation.
    other = Client().get(article.get_absolute_url())
    assert "Hay quá." not in other.content.decode()


def test_reads_after_a_write_and_inside_a_transaction_use_the_primary(rf, site):
    seen = {}

    def view(request):
        seen["first"] = Category.objects.all().db
        with transaction.atomic():
            seen["in_atomic"] = Category.objects.all().db
            seen["in_atomic_rows"] = Article.objects.get(pk=site["article"].pk).title
        seen["after_atomic"] = Category.objects.all().db
        Category.objects.create(name="Thể thao", slug="the-thao")
        seen["after_write"] = Category.objects.all().db
        seen["after_write_rows"] = Category.objects.filter(slug="the-thao").count()
        return HttpResponse()

    db_router.ReplicaMiddleware(view)(rf.get("/"))

    assert seen == {
        "first": "replica",
        "in_atomic": "default",
        "in_atomic_rows": PRIMARY_TITLE,
        "after_atomic": "replica",
        "after_write": "default",
        "after_write_rows": 1,
    }


def test_outside_a_request_everything_uses_the_primary(site):
    """Management commands, migrations, cron jobs: no request, no replica."""
    assert Category.objects.all().db == "default"
    assert Article.objects.get(pk=site["article"].pk).title == PRIMARY_TITLE


@pytest.mark.parametrize(
    ("method", "path", "cookies", "expected"),
    [
        ("GET", "/", {}, True),
        ("HEAD", "/dong-chay/", {}, True),
        ("GET", "/tim-kiem/?q=x&utm_source=zalo", {}, True),
        ("GET", "/", {"csrftoken": "x"}, True),
        ("POST", "/tim-kiem/", {}, False),
        ("PUT", "/", {}, False),
        ("GET", "/admin/", {}, False),
        ("GET", "/admin/login/", {}, False),
        ("GET", "/", {"sessionid": "abc"}, False),
        ("GET", "/a/b-1.html?cua-ban=tok", {}, False),
        ("GET", "/a/b-1.html?binh-luan=cho-duyet", {}, False),
        ("GET", "/xem-truoc/abc/", {}, False),
    ],
)
def test_which_requests_may_read_the_replica(rf, method, path, cookies, expected):
    request = rf.generic(method, path)
    request.COOKIES.update(cookies)
    assert db_router.may_read_replica(request) is expected


def test_a_page_from_the_replica_soon_after_a_purge_is_not_kept(
    client, site, settings, time_machine
):
    """The replica may lag: a page it rendered within DATABASE_REPLICA_MAX_LAG
    of a purge could miss the change that caused the purge, so the page cache
    renders it again; later renders are kept as usual."""
    settings.PAGE_CACHE_ENABLED = True
    settings.DATABASE_REPLICA_MAX_LAG = 5
    time_machine.move_to("2025-01-01 08:00:00+07:00", tick=False)
    url = site["section"].get_absolute_url()  # a page that reads the replica
    client.get(url)
    pagecache.purge([f"category:{site['section'].pk}"])

    time_machine.shift(1)
    assert client.get(url).get("X-Page-Cache") != "hit"
    assert client.get(url).get("X-Page-Cache") != "hit"

    time_machine.shift(10)
    assert client.get(url).get("X-Page-Cache") != "hit"
    assert client.get(url).get("X-Page-Cache") == "hit"


def test_the_next_scheduled_time_is_read_from_the_primary(client, site):
    """A lagging replica would miss an article scheduled a moment ago and the
    page cache would keep pages past its publishing time."""
    client.get("/")  # the site cache
    scheduled = PublishedArticleFactory(
        category=site["section"],
        published_at=site["article"].published_at.replace(year=2999),
    )
    pagecache.forget_next_change()
    with CaptureQueriesContext(connections["default"]) as primary:
        assert pagecache.next_change_at() == scheduled.published_at.timestamp()
    assert len(primary) > 0


def _require_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs a PostgreSQL server to stop and kill connections")


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_an_unreachable_replica_falls_back_to_the_primary(client, site):
    _require_postgresql()
    replica = connections["replica"]
    replica.close()
    port = replica.settings_dict["PORT"]
    replica.settings_dict["PORT"] = free_port()  # nobody listens there
    try:
        for url in public_urls(site).values():
            # (CaptureQueriesContext would connect to the replica itself.)
            with CaptureQueriesContext(connections["default"]) as on_primary:
                response = client.get(url)
            assert response.status_code == 200, url
            assert len(on_primary) > 0, url
            assert replica.connection is None, url
            assert REPLICA_MARK not in response.content.decode()
        assert db_router.replica_is_down()
    finally:
        replica.close()
        replica.settings_dict["PORT"] = port

    # Back after the retry interval: reads return to the replica.
    db_router._replica_down_until = 0.0
    response, _, on_replica = read(client, site["section"].get_absolute_url())
    assert on_replica > 0 and REPLICA_MARK in response.content.decode()


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_a_replica_lost_mid_request_is_answered_from_the_primary(client, site):
    """The replica's server ends the connection (a restart, a failover): the
    query fails inside the view, and the view runs again on the primary."""
    _require_postgresql()
    # A section page: it reads the database on every render (an article page
    # warm is all cached parts).
    url = site["section"].get_absolute_url()
    assert REPLICA_TITLE in client.get(url).content.decode()
    replica = connections["replica"]
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])

    response = client.get(url)

    assert response.status_code == 200
    assert PRIMARY_TITLE in response.content.decode()
    assert REPLICA_MARK not in response.content.decode()
    assert db_router.replica_is_down()
    replica.close()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "[] False"),
        (
            {"DATABASE_REPLICA_URL": "postgres://u@db2:5432/newsroom"},
            "['newsroom.db_router.ReplicaRouter'] 2",
        ),
    ],
)
def test_the_replica_is_configured_only_by_database_replica_url(env, expected):
    """Without DATABASE_REPLICA_URL there is one database and no router."""
    script = (
        "from django.conf import settings as s; "
        "print(getattr(s, 'DATABASE_ROUTERS', []), "
        "s.DATABASES.get('replica', {}).get('OPTIONS', {}).get('connect_timeout',"
        " 'replica' in s.DATABASES))"
    )
    clean = {k: v for k, v in os.environ.items() if k != "DATABASE_REPLICA_URL"}
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=BASE_DIR,
        env={
            **clean,
            **env,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DEBUG": "1",
        },
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert out == expected
