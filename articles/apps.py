from django.apps import AppConfig
from django.core.signals import request_finished
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Tòa soạn")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Here, not at the top: they import the models, and Django imports
        # this module before any model is loaded.
        from . import (
            checks,  # noqa: F401 (importing it registers the checks)
            readership,
            search,
            signals,
        )

        connection_created.connect(search.register_sqlite_functions)
        request_finished.connect(readership.flush_after_response)
        post_migrate.connect(_ensure_search_index, sender=self)
        # Keep the role groups exactly as articles/roles.py lists them.
        post_migrate.connect(signals.sync_role_groups, sender=self)


def _ensure_search_index(sender, using, **kwargs):
    # SQLite rebuilds a table when a later migration alters a column, and its
    # triggers go with it; put them back (and refill the index) if so.
    from django.db import connections

    # Not at the top, as in ready(): Django imports this module before any
    # model is loaded, so it takes no app module at load time.
    from .search import install_search_index

    install_search_index(connections[using])
