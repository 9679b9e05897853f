from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import NormalizedTextModel


class CommentQuerySet(models.QuerySet):
    def approved(self):
        """Comments readers may see."""
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        """Comments waiting for a moderator."""
        return self.filter(status=Comment.Status.PENDING)


class Comment(NormalizedTextModel):
    """A reader's comment. Nothing shows on the site until a moderator approves it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ duyệt")
        APPROVED = "approved", _("Đã duyệt")
        REJECTED = "rejected", _("Từ chối")
        SPAM = "spam", _("Spam")

    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("bài viết"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("trả lời bình luận"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
    )
    name = models.CharField(_("họ tên"), max_length=80)
    email = models.EmailField(_("email"), max_length=254)
    body = models.TextField(_("nội dung"), max_length=5000)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("thời gian"), auto_now_add=True)
    ip_hash = models.CharField(
        _("IP (đã băm)"), max_length=64, blank=True, editable=False
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("bình luận")
        verbose_name_plural = _("bình luận")
        ordering = ["-created_at"]
        indexes = [
            # The article page's approved comments, oldest first.
            models.Index(
                fields=["article", "status", "created_at"], name="comment_article_idx"
            ),
            # The moderation queue.
            models.Index(fields=["status", "-created_at"], name="comment_queue_idx"),
        ]

    def __str__(self):
        return f"{self.name} – {self.article}"
