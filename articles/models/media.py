import secrets
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..text import vi_slugify
from .base import NormalizedTextModel


def image_upload_to(instance, filename: str) -> str:
    """Store uploads under a name we choose: ASCII slug plus a random part.

    The client's file name never decides the path ("../", NUL bytes, "ảnh.JPG"
    and two uploads called "photo.jpg" are all handled the same way).
    """
    path = PurePath(filename)
    stem = vi_slugify(path.stem, max_length=60) or "anh"
    suffix = path.suffix.lower().lstrip(".")
    suffix = {"jpeg": "jpg"}.get(suffix, suffix)
    if suffix not in {"jpg", "png", "webp", "gif"}:
        suffix = "jpg"
    now = timezone.now()
    return f"images/{now:%Y/%m}/{stem}-{secrets.token_hex(4)}.{suffix}"


class Image(NormalizedTextModel):
    """A photo in the library, reusable in any article."""

    file = models.ImageField(
        _("tệp ảnh"),
        upload_to=image_upload_to,
        width_field="width",
        height_field="height",
    )
    alt = models.CharField(
        _("mô tả thay thế (alt)"),
        max_length=250,
        blank=True,
        help_text=_("Mô tả ảnh cho người không nhìn thấy ảnh."),
    )
    caption = models.TextField(_("chú thích"), blank=True)
    credit = models.CharField(
        _("nguồn ảnh"),
        max_length=200,
        blank=True,
        help_text=_("Ví dụ: Thành ủy TP.HCM"),
    )
    width = models.PositiveIntegerField(_("chiều rộng"), editable=False, default=0)
    height = models.PositiveIntegerField(_("chiều cao"), editable=False, default=0)
    is_placeholder = models.BooleanField(
        _("ảnh giữ chỗ"),
        default=False,
        help_text=_("Tạo tự động khi nhập bài thiếu tệp ảnh; cần thay bằng ảnh thật."),
    )
    created_at = models.DateTimeField(_("ngày tải lên"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("ảnh")
        verbose_name_plural = _("ảnh")
        ordering = ["-created_at"]

    def __str__(self):
        return self.caption[:80] or self.alt[:80] or PurePath(self.file.name).name

    @property
    def credit_line(self) -> str:
        """The credit as printed under a photo: "Ảnh: Thành ủy TP.HCM"."""
        return f"Ảnh: {self.credit}" if self.credit else ""
