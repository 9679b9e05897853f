"""Moderator notifications: one email for a batch of new pending comments.

A new pending comment enqueues ``notify_moderators_task`` (a background job,
README "Background jobs") at most once per ``COMMENT_NOTIFY_INTERVAL`` (a cache
key shared by every app server decides); comments that arrive in between wait
for the next one, or for ``manage.py notify_moderators`` run from cron. The
reader's request never talks to the mail server: it only adds the job's row.
Each comment is reported once; a send that fails or times out
(``EMAIL_TIMEOUT``) leaves its comments unreported, for the next run.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from ..models import Comment

# The name the logs have always carried, which operators filter on: the
# module moved into comments/, its log lines did not.
logger = logging.getLogger("articles.notify")
NOTIFY_KEY = "comments:notify:recent"
BATCH_SIZE = 200
# pg_try_advisory_xact_lock key of the one moderator-email sender (any
# constant bigint no other code of the site uses).
SENDER_LOCK = 0x6E6F74696679  # "notify"


def moderator_emails() -> list[str]:
    """``COMMENT_MODERATOR_EMAILS``, else every active user who may moderate."""
    if settings.COMMENT_MODERATOR_EMAILS:
        return list(settings.COMMENT_MODERATOR_EMAILS)
    perm = Permission.objects.filter(
        content_type__app_label="articles", codename="change_comment"
    ).first()
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    who = Q(is_superuser=True)
    if perm is not None:
        who |= Q(user_permissions=perm) | Q(groups__permissions=perm)
    return sorted(set(users.filter(who).values_list("email", flat=True)))


@contextmanager
def _one_sender() -> Iterator[bool]:
    """Whether this process may send now: one sender at a time, and no lock
    held through the SMTP exchange that a moderator or a reader would wait on.

    PostgreSQL: a transaction-level advisory lock taken with "try" (a second
    sender, the worker and a cron run at once, sends nothing: the first one's
    batch or the next run covers it). It locks no row, so moderators can act
    on the listed comments during the send; it is released at commit, or when
    a killed worker's connection drops; and it works behind PgBouncer's
    transaction pooling, where a session lock would not. SQLite: no lock. Its
    write lock (IMMEDIATE transactions) held through a hanging send would stall
    every comment post, and SQLite means one machine and one worker.
    """
    if connection.vendor != "postgresql":
        yield True
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SENDER_LOCK])
            (locked,) = cursor.fetchone()
        yield locked


def notify_moderators() -> int:
    """Email the moderators about pending comments not reported yet.

    Returns how many comments the email listed (0: nothing sent, or the send
    failed and they wait for the next run). Comments are marked reported only
    once the mail server has taken the email.
    """
    with _one_sender() as may_send:
        if not may_send:
            return 0
        batch = list(
            Comment.objects.pending()
            .filter(notified_at__isnull=True)
            .select_related("article")
            .order_by("created_at")[:BATCH_SIZE]
        )
        recipients = moderator_emails()
        if not batch or not recipients:
            return 0
        queue = reverse("admin:articles_comment_changelist")
        lines = [f"- {c.name} – {c.article.title}\n  {c.body[:200]}" for c in batch]
        subject = ngettext(
            "%(n)d bình luận mới chờ duyệt",
            "%(n)d bình luận mới chờ duyệt",
            len(batch),
        ) % {"n": len(batch)}
        message = "\n".join(
            [_("Các bình luận sau đang chờ kiểm duyệt:"), "", *lines, "", queue]
        )
        try:
            send_mail(subject, message, None, recipients)
        except Exception as exc:  # SMTP down or hanging: report them next time
            # One line, no traceback: a mail outage is expected weather, and
            # the next run (the next comment's job, or cron) retries.
            logger.warning(
                "moderator email not sent (%s: %s); %d comments left for the next run",
                type(exc).__name__,
                exc,
                len(batch),
            )
            return 0
        Comment.objects.filter(
            pk__in=[c.pk for c in batch], notified_at__isnull=True
        ).update(notified_at=timezone.now())
    return len(batch)


@task()
def notify_moderators_task() -> int:
    """The background job behind ``notify_moderators_soon``."""
    return notify_moderators()


def notify_moderators_soon() -> None:
    """Queue a send unless one was queued within the interval.

    Called on the comment's commit: it writes one job row and returns; the
    worker (``manage.py db_worker``) sends the email.
    """
    try:
        if cache.add(NOTIFY_KEY, 1, timeout=settings.COMMENT_NOTIFY_INTERVAL):
            notify_moderators_task.enqueue()
    except Exception:  # a reader's post must never fail on this
        logger.exception("moderator notification not queued")
