from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import NormalizedTextModel
from .media import LibraryImageField, image_upload_to


def logo_upload_to(instance, filename: str) -> str:
    """``site/<slug>-<random>.<ext>``: the uploader's name never picks the path."""
    return "site/" + image_upload_to(instance, filename).rsplit("/", 1)[1]


class SiteSettings(NormalizedTextModel):
    """The paper's name, logo and the legal footer, kept in one row.

    Luật Báo chí 2016, Điều 46 requires an online paper to show its governing
    body, licence (number, date, issuer), editor-in-chief and contacts.
    """

    name = models.CharField(_("tên báo"), max_length=120, default="Newsroom")
    tagline = models.CharField(_("khẩu hiệu"), max_length=200, blank=True)
    # Checked and cleaned like library photos (no SVG: it can carry script).
    logo = LibraryImageField(_("logo"), upload_to=logo_upload_to, blank=True)
    governing_body = models.CharField(_("cơ quan chủ quản"), max_length=200, blank=True)
    licence_number = models.CharField(_("số giấy phép"), max_length=100, blank=True)
    licence_date = models.DateField(_("ngày cấp giấy phép"), null=True, blank=True)
    licence_issuer = models.CharField(_("cơ quan cấp phép"), max_length=200, blank=True)
    editor_in_chief = models.CharField(_("tổng biên tập"), max_length=120, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    copyright = models.CharField(_("dòng bản quyền"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("cấu hình trang")
        verbose_name_plural = _("cấu hình trang")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=1), name="site_settings_single_row"
            ),
        ]

    def __str__(self):
        return str(self.name)

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> "SiteSettings":
        """The settings row, created with defaults on first use."""
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj
