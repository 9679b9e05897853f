"""No comment lost, none duplicated, and a counter that stays right under load.

Real concurrency needs a database that serves many connections at once, so
these run on PostgreSQL (``DATABASE_URL``); on SQLite, where the live server
shares one in-memory connection between threads, they are skipped.
"""

import http.client
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode, urlsplit

import pytest
from django.db import connection, connections

from articles.comments.services import comments_set_status
from articles.models import Article, Comment
from tests.factories import (
    ApprovedCommentFactory,
    CommentFactory,
    PublishedArticleFactory,
    with_token,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"
    ),
]

POSTS = 200
THREADS = 20
APPROVALS = 50
DELETIONS = 10


def test_200_posts_from_20_threads_are_all_stored_once(live_server, settings):
    # One client address posts everything here; lift the per-IP limit.
    settings.COMMENT_RATE_LIMITS = [(10 * POSTS, 60)]
    article = PublishedArticleFactory()
    server = urlsplit(live_server.url)

    def send(i: int) -> int:
        data = with_token(
            article,
            {
                "name": f"Bạn đọc {i}",
                "email": f"ban.doc.{i}@example.com",
                "body": f"Ý kiến số {i} về chuyện hợp tác của hai thành phố.",
            },
        )
        conn = http.client.HTTPConnection(server.hostname, server.port, timeout=60)
        try:
            conn.request(
                "POST",
                f"/binh-luan/{article.pk}/",
                body=urlencode(data),
                headers={
                    "Origin": live_server.url,
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            return conn.getresponse().status
        finally:
            conn.close()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        statuses = list(pool.map(send, range(POSTS)))

    assert statuses == [302] * POSTS
    stored = list(Comment.objects.filter(article=article).values_list("name", "body"))
    assert len(stored) == POSTS
    assert {name for name, _ in stored} == {f"Bạn đọc {i}" for i in range(POSTS)}
    assert len({body for _, body in stored}) == POSTS


def test_50_concurrent_approvals_and_deletions_keep_the_counter_exact():
    article = PublishedArticleFactory()
    pending = CommentFactory.create_batch(APPROVALS, article=article)
    doomed = ApprovedCommentFactory.create_batch(DELETIONS, article=article)
    assert Article.objects.get(pk=article.pk).comment_count == DELETIONS
    start = threading.Barrier(APPROVALS + DELETIONS)
    errors = []

    def approve(comment):
        try:
            start.wait()
            comments_set_status(
                comments=Comment.objects.filter(pk=comment.pk),
                status=Comment.Status.APPROVED,
            )
        except Exception as exc:  # reported below, with the thread's error
            errors.append(exc)
        finally:
            connections.close_all()

    def delete(comment):
        try:
            start.wait()
            Comment.objects.get(pk=comment.pk).delete()
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(c,)) for c in pending]
    threads += [threading.Thread(target=delete, args=(c,)) for c in doomed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    approved = Comment.objects.filter(article=article, status="approved").count()
    assert approved == APPROVALS
    assert Article.objects.get(pk=article.pk).comment_count == approved
