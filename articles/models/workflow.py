"""The newsroom's records around an article: its transitions, revisions,
corrections and preview links."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .article import Article
from .base import NormalizedTextModel


class ArticleTransition(models.Model):
    """One step of an article through the workflow: who, when, from, to, why."""

    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("bài viết"),
        on_delete=models.CASCADE,
        related_name="transitions",
    )
    name = models.CharField(_("thao tác"), max_length=20)
    from_status = models.CharField(_("từ trạng thái"), max_length=20)
    to_status = models.CharField(_("sang trạng thái"), max_length=20)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("bước biên tập")
        verbose_name_plural = _("nhật ký biên tập")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["article", "-at"], name="transition_article_idx")
        ]

    def __str__(self):
        return f"{self.article_id}: {self.from_label} → {self.to_label}"

    @property
    def from_label(self) -> str:
        return _status_label(self.from_status)

    @property
    def to_label(self) -> str:
        return _status_label(self.to_status)


def _status_label(value: str) -> str:
    try:
        return str(Article.Status(value).label)
    except ValueError:
        return value


class Revision(models.Model):
    """A snapshot of an article's content, kept at every save in the admin."""

    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("bài viết"),
        on_delete=models.CASCADE,
        related_name="revisions",
    )
    number = models.PositiveIntegerField(_("số phiên bản"))
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người lưu"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    title = models.CharField(_("tiêu đề"), max_length=300)
    sapo = models.TextField(_("sapo"), blank=True)
    body = models.TextField(_("nội dung"), blank=True)
    category = models.ForeignKey(
        "articles.Category",
        verbose_name=_("chuyên mục"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    tags = models.JSONField(_("thẻ"), default=list)
    author_ids = models.JSONField(_("tác giả (id, theo thứ tự)"), default=list)
    author_names = models.JSONField(_("tác giả"), default=list)
    note = models.CharField(_("ghi chú"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("phiên bản")
        verbose_name_plural = _("phiên bản")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"], name="revision_number_unique"
            ),
        ]

    def __str__(self):
        return f"#{self.number} – {self.title}"


class Correction(NormalizedTextModel):
    """A published correction or substantive update, shown under the article."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Đính chính")
        UPDATE = "update", _("Cập nhật")

    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("bài viết"),
        on_delete=models.CASCADE,
        related_name="corrections",
    )
    kind = models.CharField(
        _("loại"), max_length=12, choices=Kind.choices, default=Kind.CORRECTION
    )
    text = models.TextField(_("nội dung"))
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("đính chính")
        verbose_name_plural = _("đính chính và cập nhật")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:60]}"


class PreviewLink(models.Model):
    """A shareable, expiring, revocable link to an unpublished article."""

    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("bài viết"),
        on_delete=models.CASCADE,
        related_name="preview_links",
    )
    key = models.UUIDField(_("mã"), default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("liên kết xem trước")
        verbose_name_plural = _("liên kết xem trước")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.article_id} – {self.created_at:%d/%m/%Y %H:%M}"

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class PreviewOpen(models.Model):
    """One opening of a preview link, for the editors' log."""

    link = models.ForeignKey(
        PreviewLink, on_delete=models.CASCADE, related_name="opens"
    )
    at = models.DateTimeField(_("mở lúc"), default=timezone.now)
    ip_hash = models.CharField(_("IP (đã băm)"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("lượt mở xem trước")
        verbose_name_plural = _("lượt mở xem trước")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.link_id} @ {self.at:%d/%m/%Y %H:%M}"
