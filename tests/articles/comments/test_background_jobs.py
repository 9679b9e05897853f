"""The moderator email is a background job: the comment POST only queues it,
and the worker's send gives up on a hanging mail server (EMAIL_TIMEOUT),
leaving the comments for the next run. Real SMTP servers on 127.0.0.1."""

import logging
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult

from articles.comments.notify import NOTIFY_KEY
from articles.models import Comment
from tests.factories import PublishedArticleFactory, with_token
from tests.jobs import Inbox, SilentServer, StallingServer, run_pending_jobs, use_smtp

pytestmark = pytest.mark.django_db


def post(article, name: str, body: str):
    reader = Client(enforce_csrf_checks=True, headers={"Origin": "http://testserver"})
    data = {"name": name, "email": f"{name.lower()}@example.com", "body": body}
    return reader.post(f"/binh-luan/{article.pk}/", with_token(article, data))


@pytest.mark.parametrize("hanging", [SilentServer, StallingServer])
def test_comment_post_never_waits_for_the_mail_server(
    hanging, settings, caplog, django_capture_on_commit_callbacks
):
    article = PublishedArticleFactory()
    with hanging() as server, Inbox() as inbox:
        use_smtp(settings, server.port, timeout=1)
        with django_capture_on_commit_callbacks(execute=True):
            response = post(article, "An", "Bài viết rất có ích cho tôi.")
        assert response.status_code == 302
        # The request only queued the job: it never spoke to the mail server.
        assert server.connections == 0
        assert DBTaskResult.objects.ready().count() == 1

        with caplog.at_level(logging.WARNING, logger="articles.notify"):
            assert run_pending_jobs() == 1
        lines = [r for r in caplog.records if r.name == "articles.notify"]
        assert len(lines) == 1, "one log line for the failed send"
        assert "left for the next run" in lines[0].getMessage()
        assert lines[0].exc_info is None  # no traceback for mail weather
        assert Comment.objects.get().notified_at is None  # still to report
        assert DBTaskResult.objects.get().status == "SUCCESSFUL"

        # The mail server is back; the interval is over: the next comment's
        # job reports both, in one email.
        use_smtp(settings, inbox.port, timeout=1)
        cache.delete(NOTIFY_KEY)
        with django_capture_on_commit_callbacks(execute=True):
            post(article, "Binh", "Tôi cũng nghĩ như vậy.")
        assert run_pending_jobs() == 1
    assert len(inbox.messages) == 1
    assert inbox.messages[0]["Subject"] == "2 bình luận mới chờ duyệt"
    text = inbox.messages[0].get_content()
    assert "Bài viết rất có ích" in text and "Tôi cũng nghĩ như vậy" in text
    assert not Comment.objects.filter(notified_at__isnull=True).exists()
    out = StringIO()
    call_command("notify_moderators", stdout=out)
    assert out.getvalue().startswith("0 ")  # each comment is reported once
    assert len(inbox.messages) == 1


def test_one_job_per_interval_and_cron_reports_the_rest(
    settings, django_capture_on_commit_callbacks
):
    article = PublishedArticleFactory()
    with Inbox() as inbox:
        use_smtp(settings, inbox.port)
        with django_capture_on_commit_callbacks(execute=True):
            for name in ["An", "Binh", "Chi"]:
                post(article, name, f"Ý kiến của {name} về bài này.")
        # Three comments within COMMENT_NOTIFY_INTERVAL: one job.
        assert DBTaskResult.objects.count() == 1
        run_pending_jobs()
        assert len(inbox.messages) == 1
        assert inbox.messages[0]["Subject"] == "3 bình luận mới chờ duyệt"
        with django_capture_on_commit_callbacks(execute=True):
            post(article, "Dung", "Một ý kiến đến sau.")
        assert DBTaskResult.objects.ready().count() == 0
        call_command("notify_moderators", stdout=StringIO())  # cron
    assert len(inbox.messages) == 2
    assert "Dung" in inbox.messages[1].get_content()
