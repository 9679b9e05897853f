"""The background worker as production runs it: a real ``manage.py db_worker``
process on the suite's database engine (a fresh PostgreSQL database, or a
SQLite file), real SMTP servers on 127.0.0.1.

Jobs are rows in the site's database, so a job queued while no worker runs is
kept, and a worker stopped (SIGTERM, as systemd stops it) or killed (SIGKILL)
in the middle of a job leaves the jobs behind it for the next worker.
"""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings

from tests.jobs import Inbox, SilentServer
from tests.live import (
    BASE_DIR,
    PG,
    drop_database,
    fresh_database,
    manage,
    production_env,
    require,
)

SECRET = "worker-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"

# A comment posted the way the view posts it (comment_create inside the
# request's transaction, the job queued on commit). Deleting the throttle key
# stands for "COMMENT_NOTIFY_INTERVAL is over": each comment queues a job.
POST = """
from django.core.cache import cache
from django.db import transaction
from articles.models import Article
from articles.comments.notify import NOTIFY_KEY
from articles.comments.services import comment_create
from tests.factories import PublishedArticleFactory
article = Article.objects.first() or PublishedArticleFactory()
for body in {bodies!r}:
    cache.delete(NOTIFY_KEY)
    with transaction.atomic():
        email = f"{{hash(body)}}@example.vn"
        comment_create(article=article, name="Bạn đọc", email=email, body=body)
"""
# A moderator's edit of the comments a send lists, allowed to wait half a
# second for a lock: while the worker's send hangs, nothing may hold one.
MODERATE = """
from django.db import connection, transaction
from django.db.models import F
from articles.models import Comment
if connection.vendor == "sqlite":
    connection.cursor().execute("PRAGMA busy_timeout = 500")
with transaction.atomic():
    if connection.vendor == "postgresql":
        connection.cursor().execute("SET LOCAL lock_timeout = '500ms'")
    listed = Comment.objects.select_for_update().filter(notified_at__isnull=True)
    print(listed.update(spam_score=F("spam_score")))
"""
JOBS = (
    "from django_tasks_db.models import DBTaskResult as R; "
    "print(*R.objects.order_by('enqueued_at').values_list('status', flat=True))"
)


@pytest.fixture
def database(tmp_path):
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        yield f"sqlite:///{tmp_path / 'worker.sqlite3'}"
        return
    require(PG["port"], "PostgreSQL")
    name = f"newsroom_worker_{os.getpid()}"
    url = fresh_database(name)
    try:
        yield url
    finally:
        drop_database(name)


@pytest.fixture
def start_worker():
    """Start ``manage.py db_worker`` as systemd does; none outlives the test."""
    started = []

    def start(env: dict, log):
        worker = _worker(env, log)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.poll() is None:
            worker.kill()
            worker.wait()


def _worker(env: dict, log):
    return subprocess.Popen(
        [
            *(sys.executable, "manage.py", "db_worker", "--no-reload"),
            *("--interval", "0.2", "--no-startup-delay"),
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_until(predicate, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not after {timeout} s")
        time.sleep(0.1)


def test_no_job_is_lost_while_the_worker_is_down_stopped_or_killed(
    database, start_worker, tmp_path
):
    with Inbox() as inbox, SilentServer(hang_for=120) as silent:
        env = production_env(
            SECRET,
            DATABASE_URL=database,
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(inbox.port),
            EMAIL_TIMEOUT="3",
            COMMENT_MODERATOR_EMAILS="kiem-duyet@example.vn",
        )
        env.pop("REDIS_URL", None)  # the disk cache, in a folder of its own
        hanging = {**env, "EMAIL_PORT": str(silent.port)}
        manage(env, "migrate", "--noinput", "-v0")
        log_path = tmp_path / "worker.log"
        log = log_path.open("w")

        # 1. No worker runs: the job waits in the database.
        manage(env, "shell", "-v0", "-c", POST.format(bodies=["Ý kiến thứ nhất."]))
        assert manage(env, "shell", "-v0", "-c", JOBS) == "READY"
        assert inbox.messages == []
        worker = start_worker(env, log)
        try:
            wait_until(lambda: len(inbox.messages) == 1, "the queued job's email")
        finally:
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(timeout=30) == 0
        assert manage(env, "shell", "-v0", "-c", JOBS) == "SUCCESSFUL"

        # 2. Stopped (SIGTERM) while its send hangs: the worker ends that job
        # when the send gives up (EMAIL_TIMEOUT), with one log line, and
        # leaves the next job queued; the next worker reports both comments.
        bodies = ["Ý kiến thứ hai.", "Ý kiến thứ ba."]
        manage(env, "shell", "-v0", "-c", POST.format(bodies=bodies))
        start = log_path.stat().st_size
        worker = start_worker(hanging, log)
        wait_until(lambda: silent.connections == 1, "the worker's SMTP connection")
        # Mid-send, moderators (and readers' posts) are not kept waiting.
        assert manage(env, "shell", "-v0", "-c", MODERATE) == "2"
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0  # not held by the silent server
        lines = log_path.read_bytes()[start:].decode().splitlines()
        gave_up = [line for line in lines if "left for the next run" in line]
        assert len(gave_up) == 1, lines
        assert "timed out" in gave_up[0]
        assert manage(env, "shell", "-v0", "-c", JOBS) == "SUCCESSFUL SUCCESSFUL READY"
        worker = start_worker(env, log)
        try:
            wait_until(lambda: len(inbox.messages) == 2, "the next worker's email")
        finally:
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(timeout=30) == 0
        assert inbox.messages[1]["Subject"] == "2 bình luận mới chờ duyệt"

        # 3. Killed (SIGKILL) mid-send: that job's row stays RUNNING (no
        # worker is left to finish it), its comments stay unreported (and on
        # PostgreSQL its sender lock went with its connection), and the next
        # job reports them.
        bodies = ["Ý kiến thứ tư.", "Ý kiến thứ năm."]
        manage(env, "shell", "-v0", "-c", POST.format(bodies=bodies))
        worker = start_worker(hanging, log)
        wait_until(lambda: silent.connections == 2, "the worker's SMTP connection")
        worker.kill()
        worker.wait(timeout=30)
        worker = start_worker(env, log)
        try:
            wait_until(lambda: len(inbox.messages) == 3, "the restarted worker's email")
        finally:
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(timeout=30) == 0
        log.close()
    third = inbox.messages[2]
    assert third["Subject"] == "2 bình luận mới chờ duyệt"
    assert "thứ tư" in third.get_content() and "thứ năm" in third.get_content()
    assert manage(env, "shell", "-v0", "-c", JOBS).split()[-2:] == [
        "RUNNING",
        "SUCCESSFUL",
    ]
