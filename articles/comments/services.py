"""Comment services: store a reader's comment, moderate, recount.

Keyword-only entry points for the views and the admin; a refused comment is a
``CommentRefused`` whose message the reader sees. The defences it calls are
split by what they touch: ``limits`` (the cache), ``blocklist`` (the database,
cached) and ``scoring`` (pure).
"""

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import events
from ..client_ip import hash_ip
from ..models import Article, Comment
from ..text import strip_invisible, visible_text
from .blocklist import load_blocklist
from .limits import claim_post
from .notify import notify_moderators_soon
from .scoring import assess, body_fingerprint

__all__ = [
    "CommentRefused",
    "CommentsClosed",
    "DuplicateComment",
    "InvalidParent",
    "comment_approve",
    "comment_create",
    "comments_changed",
    "comments_set_status",
    "lock_articles",
]


class CommentRefused(Exception):
    """A comment that is not stored; the message is shown to the reader."""


class CommentsClosed(CommentRefused):
    """The article does not accept comments (closed, or not public)."""


class DuplicateComment(CommentRefused):
    """The same text was already sent."""


class InvalidParent(CommentRefused):
    """The comment being replied to is not shown on this article."""


def _thread_parent(article: Article, parent_id: int | None) -> Comment | None:
    """The top-level comment a reply belongs under (replies are one level deep)."""
    if not parent_id:
        return None
    parent = (
        Comment.objects.approved()
        .filter(article=article, pk=parent_id)
        .select_related("parent")
        .first()
    )
    if parent is None:
        raise InvalidParent(_("Bình luận bạn muốn trả lời không còn hiển thị."))
    return parent.parent or parent


@transaction.atomic
def comment_create(
    *,
    article: Article,
    name: str,
    email: str,
    body: str,
    ip: str = "",
    parent_id: int | None = None,
    timed: bool = True,
) -> Comment:
    """Store a reader's comment as pending, or as spam when the checks say so.

    Refuses (``CommentRefused``) a closed or unpublished article, a reply to a
    comment that is not shown, and the same text sent again: by the same poster
    (email or IP) anywhere within a day, or, when it is longer than a few
    words, by anyone on the same article. ``timed`` is False when the form's
    time trap measured nothing (no JavaScript): it scores a little worse.
    """
    if not article.is_published():
        raise CommentsClosed(_("Bài viết này không nhận bình luận."))
    if not article.comments_enabled:
        raise CommentsClosed(_("Bình luận đã đóng: bài viết không nhận thêm ý kiến."))
    parent = _thread_parent(article, parent_id)
    ip_hash = hash_ip(ip)
    # What Comment.save() will store, so the checks judge the same text.
    name = visible_text(name, keep_newlines=False)
    body = visible_text(body, keep_newlines=True)
    email = strip_invisible(email).strip().lower()
    fingerprint = body_fingerprint(body)
    since = timezone.now() - timedelta(seconds=settings.COMMENT_DUPLICATE_WINDOW)
    same_poster = Q(email=email) | (Q(ip_hash=ip_hash) if ip_hash else Q(pk__in=[]))
    duplicate = Q(same_poster)
    if len(body) >= 30:
        duplicate |= Q(article=article)
    if not claim_post(fingerprint=fingerprint, email=email, ip_hash=ip_hash) or (
        Comment.objects.filter(body_hash=fingerprint, created_at__gte=since)
        .filter(duplicate)
        .exists()
    ):
        raise DuplicateComment(_("Bình luận này đã được gửi trước đó."))
    blocklist = load_blocklist()
    earlier_spam = (
        Comment.objects.filter(same_poster)
        .filter(status=Comment.Status.SPAM)
        .aggregate(by_email=Count("pk", filter=Q(email=email)), by_ip=Count("pk"))
    )
    verdict = assess(
        name=name,
        email=email,
        body=body,
        ip_hash=ip_hash,
        blocklist=blocklist,
        spam_by_email=earlier_spam["by_email"],
        spam_by_ip=earlier_spam["by_ip"],
        timed=timed,
    )
    comment = Comment.objects.create(
        article=article,
        parent=parent,
        name=name,
        email=email,
        body=body,
        ip_hash=ip_hash,
        body_hash=fingerprint,
        link_count=verdict.links,
        spam_score=min(verdict.score, 32767),
        spam_reasons="; ".join(verdict.reasons)[:300],
        status=Comment.Status.SPAM if verdict.spam else Comment.Status.PENDING,
    )
    if comment.status == Comment.Status.PENDING:
        transaction.on_commit(notify_moderators_soon)
    return comment


def lock_articles(article_ids: Iterable[int]) -> None:
    """Lock the articles' rows in id order (one order for every writer, so two
    moderators cannot deadlock). Call inside a transaction."""
    list(
        Article.objects.select_for_update()
        .filter(pk__in=article_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def comments_changed(article_ids: Iterable[int]) -> None:
    """Recount the articles' approved comments and tell the page cache.

    Locks the articles' rows first (in id order, so two moderators cannot
    deadlock), then recounts with one UPDATE ... (SELECT COUNT(*)) statement.
    Under PostgreSQL's READ COMMITTED a statement sees rows committed before it
    started, so the lock makes every recount wait for the previous one to
    commit and then count everything it did: concurrent approvals and
    deletions cannot leave a stale count (tested with 50 threads).

    After commit, ``articles.events.comment_counts_changed`` is sent with the ids:
    the one hook the page cache listens to (``signals.purge_comment_pages``),
    to purge those pages.
    """
    ids = sorted(set(article_ids))
    if not ids:
        return
    with transaction.atomic():
        lock_articles(ids)
        Article.objects.filter(pk__in=ids).refresh_comment_counts()

    transaction.on_commit(
        lambda: events.comment_counts_changed.send(sender=Article, article_ids=ids)
    )


@transaction.atomic
def comments_set_status(*, comments, status: str, by=None) -> int:
    """Move ``comments`` to ``status``, record who did it, recount their articles."""
    pks = list(comments.values_list("pk", flat=True))
    article_ids = set(
        Comment.objects.filter(pk__in=pks).values_list("article_id", flat=True)
    )
    # Lock before touching the comments, so the recount below is never based
    # on a stale view.
    lock_articles(article_ids)
    changed = (
        Comment.objects.filter(pk__in=pks)
        .exclude(status=status)
        .update(status=status, moderated_at=timezone.now(), moderated_by=by)
    )
    comments_changed(article_ids)
    return changed


def comment_approve(*, comment: Comment, by=None) -> bool:
    """Approve one comment; True if its status changed."""
    return bool(
        comments_set_status(
            comments=Comment.objects.filter(pk=comment.pk),
            status=Comment.Status.APPROVED,
            by=by,
        )
    )
