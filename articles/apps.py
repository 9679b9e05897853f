from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Tòa soạn")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import signals

        # Keep the role groups exactly as articles/roles.py lists them.
        post_migrate.connect(signals.sync_role_groups, sender=self)
