"""Shareable preview links: signed, expiring, revocable, with an open log.

The URL carries the link's key signed with SECRET_KEY, so keys cannot be
guessed or altered; the database row says when it expires, whether it was
revoked, and who opened it.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .client_ip import hash_ip
from .models import Article, PreviewLink, PreviewOpen
from .templatetags.vi_format import vi_datetime

SALT = "articles.preview"
DEFAULT_LIFETIME = timedelta(hours=getattr(settings, "PREVIEW_LINK_HOURS", 48))


def preview_url(link: PreviewLink) -> str:
    token = signing.dumps(str(link.key), salt=SALT, compress=False)
    return reverse("articles:preview", kwargs={"token": token})


@transaction.atomic
def preview_link_create(
    *, article: Article, by, lifetime: timedelta = DEFAULT_LIFETIME
):
    """A new preview link for ``article``, valid for ``lifetime``."""
    return PreviewLink.objects.create(
        article=article, created_by=by, expires_at=timezone.now() + lifetime
    )


def preview_link_revoke(*, link: PreviewLink) -> PreviewLink:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


def preview_link_open(token: str, *, ip: str = "") -> PreviewLink | None:
    """The active link behind ``token``, logging the opening; None if invalid."""
    try:
        key = signing.loads(token, salt=SALT)
        link = PreviewLink.objects.select_related("article").get(key=key)
    except (
        signing.BadSignature,
        PreviewLink.DoesNotExist,
        ValidationError,
        ValueError,
        TypeError,
    ):
        return None
    if not link.is_active():
        return None
    PreviewOpen.objects.create(link=link, ip_hash=hash_ip(ip))
    return link


def preview_state(article: Article) -> str:
    """Why readers do not see ``article`` yet, for the preview banner.

    A published article is hidden only while its time or an embargo lies
    ahead, so "Đã xuất bản" would mislead: the banner names the wait and its
    end ("Hẹn giờ xuất bản 19/10/2023 06:36"). Other statuses are their name.
    """
    if article.status != Article.Status.PUBLISHED:
        return article.get_status_display()
    now = timezone.now()
    waits = []
    if article.published_at is not None and article.published_at > now:
        waits.append(
            _("Hẹn giờ xuất bản %(time)s") % {"time": vi_datetime(article.published_at)}
        )
    if article.is_embargoed(now):
        waits.append(
            _("Cấm đăng đến %(time)s") % {"time": vi_datetime(article.embargo_until)}
        )
    return "; ".join(waits) or article.get_status_display()
