"""Photo rights: what editors are warned about before a photo stops showing."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Image
from .pictures import body_sources

RIGHTS_WARN_DAYS = 30


def rights_warning(image, today=None) -> str:
    """What an editor should know about a photo's rights, or ""."""
    today = today or timezone.localdate()
    if image.rights_expires_at is None:
        return ""
    if image.rights_expired(today):
        return _(
            "Ảnh “%(image)s” đã hết hạn bản quyền từ %(date)s và không còn hiển thị "
            "với bạn đọc."
        ) % {"image": image, "date": vi_date_only(image.rights_expires_at)}
    if image.rights_expires_at <= today + timedelta(days=RIGHTS_WARN_DAYS):
        return _(
            "Ảnh “%(image)s” hết hạn bản quyền sau ngày %(date)s; sau ngày đó ảnh "
            "sẽ không hiển thị với bạn đọc."
        ) % {"image": image, "date": vi_date_only(image.rights_expires_at)}
    return ""


def vi_date_only(value) -> str:
    return value.strftime("%d/%m/%Y")


def article_image_warnings(article) -> list[str]:
    """Rights warnings for the article's cover and body photos."""
    images = list(Image.objects.filter(file__in=body_sources(article.body)))
    if article.cover is not None and article.cover not in images:
        images.insert(0, article.cover)
    today = timezone.localdate()
    return [w for w in (rights_warning(image, today) for image in images) if w]
