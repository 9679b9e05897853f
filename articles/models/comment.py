import ipaddress
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..client_ip import hash_ip
from ..text import strip_invisible, visible_text
from .base import NormalizedTextModel


class CommentQuerySet(models.QuerySet):
    def approved(self):
        """Comments readers may see."""
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        """Comments waiting for a moderator."""
        return self.filter(status=Comment.Status.PENDING)

    def top_level(self):
        """Comments that start a thread (not replies)."""
        return self.filter(parent__isnull=True)


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
        help_text=_("Chỉ một cấp: trả lời cho một trả lời được gắn vào bình luận gốc."),
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
    body_hash = models.CharField(
        _("mã nội dung"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("Băm của nội dung đã chuẩn hóa, để nhận ra bình luận trùng."),
    )
    link_count = models.PositiveSmallIntegerField(
        _("số liên kết"), default=0, editable=False
    )
    spam_score = models.PositiveSmallIntegerField(
        _("điểm spam"), default=0, editable=False
    )
    spam_reasons = models.CharField(
        _("lý do nghi spam"), max_length=300, blank=True, editable=False
    )
    links_allowed = models.BooleanField(
        _("cho phép liên kết"),
        default=False,
        help_text=_(
            "Khi được duyệt, các địa chỉ web trong bình luận thành liên kết bấm được."
        ),
    )
    moderated_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người duyệt"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    notified_at = models.DateTimeField(
        _("đã báo kiểm duyệt lúc"), null=True, blank=True, editable=False
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
            # Replies under their parent.
            models.Index(fields=["parent", "status"], name="comment_parent_idx"),
            # Repeat posters and duplicates, by email and by IP.
            models.Index(fields=["email", "created_at"], name="comment_email_idx"),
            models.Index(fields=["ip_hash", "created_at"], name="comment_ip_idx"),
            models.Index(fields=["body_hash"], name="comment_body_idx"),
        ]

    def __str__(self):
        # Shown in the admin (titles, checkbox labels); a row stored before
        # Comment.save() cleaned names may still hold invisible characters.
        return f"{visible_text(self.name, keep_newlines=False)} – {self.article}"

    def save(self, *args, **kwargs):
        # Here and not only in the form, so the admin, the importer, scripts
        # and an API store the same: nothing a moderator or reader cannot see
        # (tag characters, soft hyphens, bidi controls...), no Zalgo stacks.
        self.name = visible_text(self.name, keep_newlines=False)
        self.body = visible_text(self.body, keep_newlines=True)
        self.email = strip_invisible(self.email)
        super().save(*args, **kwargs)


def normalise_blocked_value(kind: str, value: str) -> str:
    """What a blocklist entry stores: words as typed, emails lower-case, IP hashed."""
    value = visible_text(value, keep_newlines=False).strip()
    if kind == "email":
        return value.lower()
    if kind == "ip":
        try:
            return hash_ip(str(ipaddress.ip_address(value)))
        except ValueError:
            return value.lower()  # already a hash (blocked from a comment)
    return " ".join(value.split())


class BlockedTerm(models.Model):
    """A word, email or IP that counts against a comment.

    Words match without tone marks, case, invisible characters or look-alike
    letters ("lua dao" catches "lừa đảo" and "lừa.đả0"; ``text.match_key``).
    Emails match whole, or by domain when written as "@example.com" (its
    subdomains, and the domain named in a comment's text, too); a blocked
    word or email sends a comment straight to spam, until the entry is removed.
    IPs are stored only as the same keyed hash comments keep, so nobody reads
    them back; many readers can share one (a mobile network's NAT), so a
    blocked IP only adds to the spam score, and only until ``expires_at``.
    """

    class Kind(models.TextChoices):
        WORD = "word", _("Từ ngữ")
        EMAIL = "email", _("Email")
        IP = "ip", _("IP")

    kind = models.CharField(_("loại"), max_length=5, choices=Kind.choices)
    value = models.CharField(
        _("giá trị"),
        max_length=254,
        help_text=_(
            "Từ hoặc cụm từ (không phân biệt dấu, hoa thường); email hoặc "
            "@tên-miền; địa chỉ IP (được lưu dưới dạng băm)."
        ),
    )
    note = models.CharField(_("ghi chú"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    expires_at = models.DateTimeField(
        _("hết hạn lúc"),
        null=True,
        blank=True,
        help_text=_(
            "Chỉ với IP, và IP luôn có hạn: nhiều bạn đọc có thể dùng chung một "
            "IP (mạng di động). Để trống là hạn mặc định. Từ ngữ và email bị "
            "chặn đến khi xóa."
        ),
    )

    class Meta:
        verbose_name = _("từ/địa chỉ bị chặn")
        verbose_name_plural = _("danh sách chặn bình luận")
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "value"], name="blockedterm_unique_value"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="ip", expires_at__isnull=False)
                | (~models.Q(kind="ip") & models.Q(expires_at__isnull=True)),
                name="blockedterm_only_ip_expires",
                violation_error_message=_(
                    "Chỉ chặn IP mới có hạn; từ ngữ và email bị chặn đến khi xóa."
                ),
            ),
        ]

    def __str__(self):
        if self.kind == self.Kind.IP:
            return f"{self.get_kind_display()}: {self.value[:8]}…"
        return f"{self.get_kind_display()}: {self.value}"

    def save(self, *args, **kwargs):
        self.value = normalise_blocked_value(self.kind, self.value)
        self.set_default_expiry()
        super().save(*args, **kwargs)

    def clean(self):
        self.set_default_expiry()

    def set_default_expiry(self) -> None:
        """Give an IP block without an end the default one
        (``COMMENT_IP_BLOCK_DAYS``)."""
        if self.kind == self.Kind.IP and self.expires_at is None:
            self.expires_at = self.default_ip_expiry()

    @staticmethod
    def default_ip_expiry():
        return timezone.now() + timedelta(days=settings.COMMENT_IP_BLOCK_DAYS)

    def is_active(self) -> bool:
        """Return True while the entry counts against comments."""
        return self.expires_at is None or self.expires_at > timezone.now()

    is_active.boolean = True
