import secrets
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..imaging import check_image, clean_master
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


class LibraryImageFormField(forms.ImageField):
    """An upload field that says exactly why a file is refused.

    Django's own ImageField answers every failure with one generic message and
    accepts truncated files, renamed files and decompression bombs (measured,
    research/security.md 2.4); ``check_image`` refuses each with its reason
    before Django's check runs.
    """

    def to_python(self, data):
        if data not in self.empty_values and hasattr(data, "read"):
            check_image(data, getattr(data, "name", ""))
            data.seek(0)
        return super().to_python(data)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["accept"] = "image/jpeg,image/png,image/webp,image/gif"
        return attrs


class LibraryImageFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        """Store a cleaned copy: upright, sRGB, no EXIF/GPS, nothing appended.

        Every path that stores a photo (admin upload, importer, placeholder,
        shell) goes through here, so no original with metadata reaches the
        storage. A file that is not a valid image raises ``ValidationError``.
        """
        data, extension = clean_master(content, name)
        name = f"{PurePath(name).stem}.{extension}"
        super().save(name, ContentFile(data, name=name), save)


class LibraryImageField(models.ImageField):
    attr_class = LibraryImageFieldFile

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": LibraryImageFormField, **kwargs})


class ImageQuerySet(models.QuerySet):
    def missing_alt(self):
        """Photos without alt text: they cannot go on a published article."""
        return self.filter(alt="")

    def rights_expired(self, today=None):
        """Photos whose rights ended before ``today``: no longer shown to readers."""
        today = today or timezone.localdate()
        return self.filter(rights_expires_at__lt=today)

    def sizes_of(self, names) -> dict[str, tuple[int, int]]:
        """(width, height) of the photos stored under ``names``, by name; no
        query when ``names`` is empty (``Article.save()`` asks on every save)."""
        if not names:
            return {}
        return {
            name: (width, height)
            for name, width, height in self.filter(file__in=names).values_list(
                "file", "width", "height"
            )
        }

    def rights_of(self, names) -> dict[str, str]:
        """The last day (ISO date) of each photo in ``names`` whose rights expire,
        by name: what ``Article.body_image_rights`` keeps. No query when
        ``names`` is empty."""
        if not names:
            return {}
        return {
            name: last_day.isoformat()
            for name, last_day in self.filter(
                file__in=names, rights_expires_at__isnull=False
            ).values_list("file", "rights_expires_at")
        }


class Image(NormalizedTextModel):
    """A photo in the library, reusable in any article."""

    file = LibraryImageField(
        _("tệp ảnh"),
        upload_to=image_upload_to,
        width_field="width",
        height_field="height",
        help_text=_(
            "JPEG, PNG, WebP hoặc GIF, tối đa 20 MB. Thông tin EXIF và vị trí GPS "
            "được xóa khi tải lên."
        ),
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
    focal_x = models.PositiveSmallIntegerField(
        _("điểm nhấn ngang (%)"),
        default=50,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "0 là mép trái, 100 là mép phải. Ảnh cắt 16:9 và 1:1 giữ điểm này."
        ),
    )
    focal_y = models.PositiveSmallIntegerField(
        _("điểm nhấn dọc (%)"),
        default=50,
        validators=[MaxValueValidator(100)],
        help_text=_("0 là mép trên, 100 là mép dưới."),
    )
    rights = models.CharField(
        _("bản quyền / nguồn"),
        max_length=300,
        blank=True,
        help_text=_("Ví dụ: ảnh của tòa soạn; TTXVN, được phép đăng lại; CC BY 4.0."),
    )
    rights_expires_at = models.DateField(
        _("hết hạn bản quyền"),
        null=True,
        blank=True,
        help_text=_(
            "Sau ngày này ảnh không còn hiển thị trên trang công khai. "
            "Để trống nếu không hết hạn."
        ),
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

    objects = ImageQuerySet.as_manager()

    class Meta:
        verbose_name = _("ảnh")
        verbose_name_plural = _("ảnh")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(focal_x__lte=100, focal_y__lte=100),
                name="image_focal_point_in_range",
            ),
        ]

    def __str__(self):
        return self.caption[:80] or self.alt[:80] or PurePath(self.file.name).name

    @property
    def credit_line(self) -> str:
        """The credit as printed under a photo: "Ảnh: Thành ủy TP.HCM"."""
        return f"Ảnh: {self.credit}" if self.credit else ""

    @property
    def focal_point(self) -> tuple[int, int]:
        return (self.focal_x, self.focal_y)

    def rights_expired(self, today=None) -> bool:
        """True once the rights' last day has passed: readers no longer see it."""
        if self.rights_expires_at is None:
            return False
        return self.rights_expires_at < (today or timezone.localdate())

    rights_expired.boolean = True
    rights_expired.short_description = _("hết bản quyền")

    def used_in(self):
        """Articles that show this photo, as cover or in the body."""
        # Article through the cover relation: article.py imports this module,
        # so this one does not import it back.
        articles = self._meta.get_field("cover_of").related_model.objects
        return articles.filter(
            models.Q(cover=self) | models.Q(body__contains=self.file.name)
        ).distinct()
