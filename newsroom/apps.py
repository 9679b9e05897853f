from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPDefaultConfig


class NewsroomAdminConfig(AdminConfig):
    default_site = "newsroom.admin_site.NewsroomAdminSite"


class TwoFactorConfig(TOTPDefaultConfig):
    """django-otp's TOTP devices, labelled in Vietnamese in the admin.

    The library's labels are plain English strings, so no translation reaches
    them. Only the runtime labels change: ``Meta.original_attrs`` keeps the
    library's, so ``makemigrations`` sees nothing to migrate.
    """

    verbose_name = _("Xác thực hai bước")

    def ready(self):
        super().ready()
        opts = self.get_model("TOTPDevice")._meta
        opts.verbose_name = _("thiết bị TOTP")
        opts.verbose_name_plural = _("thiết bị xác thực (TOTP)")
