"""Workflows that touch more than one row or the outside world."""

import hashlib

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Article, Comment, Image
from .pictures import body_rights


class CommentsClosed(Exception):
    """The article does not accept comments (closed, or not public)."""


def hash_ip(ip: str) -> str:
    """A keyed hash of the poster's IP: enough to spot repeats, useless if leaked."""
    if not ip:
        return ""
    return hashlib.blake2b(
        ip.encode(), key=settings.SECRET_KEY.encode()[:64], digest_size=16
    ).hexdigest()


@transaction.atomic
def comment_create(
    *, article: Article, name: str, email: str, body: str, ip: str = ""
) -> Comment:
    """Store a reader's comment as pending; a moderator decides if it shows."""
    if not (article.is_published() and article.comments_enabled):
        raise CommentsClosed(_("Bài viết này không nhận bình luận."))
    return Comment.objects.create(
        article=article,
        name=name,
        email=email,
        body=body,
        ip_hash=hash_ip(ip),
        status=Comment.Status.PENDING,
    )


@transaction.atomic
def comments_set_status(*, comments, status: str) -> int:
    """Move ``comments`` to ``status`` and recount their articles' counters."""
    article_ids = set(comments.values_list("article_id", flat=True))
    changed = comments.update(status=status)
    Article.objects.filter(pk__in=article_ids).refresh_comment_counts()
    return changed


@transaction.atomic
def images_create(*, uploads, credit: str = "", rights: str = "", by=None) -> list:
    """Add each upload to the library; alt text is left for the editor to write.

    Each file is cleaned on the way to the storage (``LibraryImageFieldFile``).
    If one fails, the rows roll back and the files already written are removed.
    """
    created: list[Image] = []
    try:
        for upload in uploads:
            image = Image(credit=credit, rights=rights, uploaded_by=by)
            image.file.save(upload.name, upload, save=False)
            created.append(image)
            image.save()
    except BaseException:
        for image in created:
            image.file.delete(save=False)
        raise
    return created


def articles_refresh_rights(*, image: Image) -> int:
    """Recompute ``body_image_rights`` of the articles that show ``image``.

    Called when a photo is saved, so a page knows without a query which photos
    in its body have expired.
    """
    changed = 0
    for article in Article.objects.filter(body__contains=image.file.name).only(
        "pk", "body", "body_image_rights"
    ):
        rights = body_rights(article.body)
        if rights != article.body_image_rights:
            Article.objects.filter(pk=article.pk).update(body_image_rights=rights)
            changed += 1
    return changed
