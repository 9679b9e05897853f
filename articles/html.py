"""The one HTML allow-list for article bodies.

django-prose-editor's ``sanitize=True`` cleans what the admin form submits, but a
body written through the ORM (the importer, a script, a shell) would be stored
as given. ``Article.save()`` therefore runs every body through this same
cleaner, built from the same extension list that configures the editor.

One change to the editor's list: ``rel`` on links is not taken from the input
(an author could write ``rel="opener"``); every link to another site gets
``rel="noopener noreferrer"`` here instead, and links within the site none.
"""

import re
from functools import cache

import nh3
from django.conf import settings
from django_prose_editor.config import allowlist_from_extensions, expand_extensions

from .text import nfc

EXTERNAL_LINK_RE = re.compile(r'<a href="(?:https?:)?//[^"]*"')
EXTERNAL_REL = ' rel="noopener noreferrer"'
EMPTY_RE = re.compile(r"^(?:<(?P<tag>\w+)></(?P=tag)>)?$")


@cache
def _cleaner() -> nh3.Cleaner:
    options = allowlist_from_extensions(
        expand_extensions(settings.PROSE_EDITOR_EXTENSIONS)
    )
    attributes = {tag: set(names) for tag, names in options["attributes"].items()}
    attributes["a"] = attributes.get("a", set()) - {"rel", "target"}
    return nh3.Cleaner(**{**options, "attributes": attributes, "link_rel": None})


def _mark_external(match: re.Match) -> str:
    return match.group(0) + EXTERNAL_REL


def sanitize_body(html: str) -> str:
    """Return ``html`` in NFC with everything outside the allow-list removed."""
    cleaned = _cleaner().clean(nfc(html or ""))
    if EMPTY_RE.match(cleaned):
        # The editor always leaves one empty paragraph: store "" instead.
        return ""
    return EXTERNAL_LINK_RE.sub(_mark_external, cleaned)
