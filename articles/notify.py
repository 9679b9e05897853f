"""Moderator notifications: one email for a batch of new pending comments.

A new pending comment triggers a send at most once per
``COMMENT_NOTIFY_INTERVAL`` (a cache key shared by every app server decides);
comments that arrive in between wait for the next one, or for
``manage.py notify_moderators`` run from cron. Each comment is reported once.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Comment

logger = logging.getLogger(__name__)
NOTIFY_KEY = "comments:notify:recent"
BATCH_SIZE = 200


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


def notify_moderators() -> int:
    """Email the moderators about pending comments not reported yet.

    Returns how many comments the email listed (0: nothing sent).
    """
    with transaction.atomic():
        batch = list(
            Comment.objects.pending()
            .filter(notified_at__isnull=True)
            .select_for_update(skip_locked=True, of=("self",))
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
        except Exception:  # SMTP down: report them next time, never fail a post
            logger.exception("moderator notification failed")
            return 0
        Comment.objects.filter(pk__in=[c.pk for c in batch]).update(
            notified_at=timezone.now()
        )
    return len(batch)


def notify_moderators_soon() -> None:
    """Send now unless a notification went out within the interval."""
    if cache.add(NOTIFY_KEY, 1, timeout=settings.COMMENT_NOTIFY_INTERVAL):
        try:
            notify_moderators()
        except Exception:  # a reader's post must never fail on this
            logger.exception("moderator notification failed")
