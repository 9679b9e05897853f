"""Loading the settings at a process's start, with a one-line refusal.

A production process without a setting it needs (``SECRET_KEY`` with
``DEBUG`` off) must refuse to start, and say why in one line on stderr
rather than in a traceback an operator has to read from the bottom.
"""

import os
import sys

# gunicorn's arbiter reads a worker's exit code 4 as "App failed to load" and
# stops, instead of starting new workers that fail the same way forever.
APP_LOAD_ERROR = 4


def load_settings_or_exit(code: int = 1) -> None:
    """Load the settings; on ``ImproperlyConfigured``, one line and exit ``code``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 (the first read imports the module)
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"newsroom: {exc}\n")
        sys.stderr.flush()
        sys.exit(code)
