"""The one HTML allow-list for article bodies.

django-prose-editor's ``sanitize=True`` cleans what the admin form submits, but a
body written through the ORM (the importer, a script, a shell) would be stored as
given. ``Article.save()`` therefore runs every body through this same cleaner,
built from the same extension list that configures the editor.
"""

from functools import cache

from django.conf import settings
from django_prose_editor.fields import create_sanitizer

from .text import nfc


@cache
def _sanitizer():
    return create_sanitizer(settings.PROSE_EDITOR_EXTENSIONS)


def sanitize_body(html: str) -> str:
    """Return ``html`` in NFC with everything outside the allow-list removed."""
    return _sanitizer()(nfc(html or ""))
