"""Most read ("Đọc nhiều"): views counted in the cache, written in batches."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import readership
from articles.models import Article, HourlyViews, MostRead
from tests.factories import PublishedArticleFactory

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


def writes(captured):
    return [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith(WRITES)]


def most_read_titles(client, window="day"):
    return [a.title for a in client.get("/").context["most_read"][window]]


@pytest.fixture
def stories():
    return [
        PublishedArticleFactory(
            title=f"Tin số {i}", published_at=timezone.now() - timedelta(hours=i + 1)
        )
        for i in range(3)
    ]


def test_home_most_read_changes_after_views_without_a_write_per_view(client, stories):
    first, second, third = stories
    readership.flush_views()  # starts the flush clock: none is due below
    assert most_read_titles(client) == []

    with CaptureQueriesContext(connection) as captured:
        for _ in range(3):
            assert client.get(third.get_absolute_url()).status_code == 200
        assert client.get(second.get_absolute_url()).status_code == 200
    assert writes(captured) == []
    assert HourlyViews.objects.count() == 0
    assert most_read_titles(client) == []  # not flushed yet

    assert readership.flush_views() == 4
    assert most_read_titles(client) == [third.title, second.title]
    assert most_read_titles(client, "week") == [third.title, second.title]
    third.refresh_from_db()
    assert third.view_count == 3


def test_flush_adds_to_earlier_counts(client, stories):
    article = stories[0]
    for _ in range(2):
        readership.record_view(article.pk)
    readership.flush_views()
    readership.record_view(article.pk)
    readership.flush_views()
    assert HourlyViews.objects.get(article=article).views == 3
    assert Article.objects.get(pk=article.pk).view_count == 3


def test_flush_command_reports_views(stories):
    from io import StringIO

    readership.record_view(stories[0].pk)
    out = StringIO()
    call_command("flush_views", stdout=out)
    assert "1 lượt xem đã ghi." in out.getvalue()


def test_windows_count_only_their_hours(client, stories):
    recent, old, _ = stories
    now = timezone.now()
    readership.record_view(old.pk, now=now - timedelta(days=3))
    readership.record_view(old.pk, now=now - timedelta(days=3))
    readership.record_view(recent.pk, now=now)
    readership.flush_views(now=now)
    assert most_read_titles(client, "day") == [recent.title]
    assert most_read_titles(client, "week") == [old.title, recent.title]


def test_old_hours_are_pruned(stories):
    now = timezone.now()
    readership.record_view(stories[0].pk, now=now - timedelta(days=9))
    readership.flush_views(now=now - timedelta(days=9))
    assert HourlyViews.objects.count() == 1
    readership.flush_views(now=now)
    assert HourlyViews.objects.count() == 0


def test_withdrawn_articles_leave_the_list_at_once(
    client, stories, django_capture_on_commit_callbacks
):
    article = stories[0]
    readership.record_view(article.pk)
    readership.flush_views()
    assert most_read_titles(client) == [article.title]
    article.status = Article.Status.UNPUBLISHED
    with django_capture_on_commit_callbacks(execute=True):  # the purge
        article.save()
    assert most_read_titles(client) == []


def test_views_of_a_deleted_article_are_dropped(stories):
    article = stories[0]
    readership.record_view(article.pk)
    article.delete()
    assert readership.flush_views() == 0
    assert MostRead.objects.count() == 0


def test_preview_is_not_counted(client, stories, django_user_model):
    draft = PublishedArticleFactory(status=Article.Status.DRAFT)
    staff = django_user_model.objects.create_superuser("bt", "bt@example.com", "x")
    client.force_login(staff)
    client.get(draft.get_absolute_url())
    assert readership.flush_views() == 0


def test_opportunistic_flush_runs_after_a_view_once_due(client, stories, settings):
    settings.VIEW_FLUSH_INTERVAL = 60
    now = timezone.now()
    readership.flush_views(now=now - timedelta(minutes=2))  # last flush: 2 minutes ago
    client.get(stories[0].get_absolute_url())
    assert HourlyViews.objects.filter(article=stories[0]).get().views == 1


def test_article_sidebar_shows_most_read(client, stories):
    readership.record_view(stories[1].pk)
    readership.flush_views()
    html = client.get(stories[0].get_absolute_url()).content.decode()
    assert "Đọc nhiều" in html and stories[1].title in html


def test_a_repeat_view_costs_two_cache_round_trips(stories, monkeypatch):
    """It runs on every page-cache hit of an article: its cost is behaviour."""
    from django.core.cache import cache

    readership.flush_views()
    readership.record_view(stories[0].pk)  # the article's first view this hour
    calls, depth = [], [0]

    def spy(name, real):
        def counted(*args, **kwargs):
            if not depth[0]:  # the backend's own inner calls are not round trips
                calls.append(name)
            depth[0] += 1
            try:
                return real(*args, **kwargs)
            finally:
                depth[0] -= 1

        return counted

    for name in ("get", "get_many", "set", "add", "incr", "set_many", "delete"):
        monkeypatch.setattr(cache, name, spy(name, getattr(cache, name)))
    readership.record_view(stories[0].pk)
    assert calls == ["get_many", "incr"]
    monkeypatch.undo()
    readership.flush_views()
    assert Article.objects.get(pk=stories[0].pk).view_count == 2
