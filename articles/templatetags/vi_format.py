"""Dates and times as Vietnamese newspapers print them.

Pages print absolute times only: they are cached (for minutes, by nginx or a
CDN too), and "5 phút trước" would be wrong by the time a reader saw it.
``static/js/site.js`` rewrites recent ``<time data-relative>`` elements as
"5 phút trước" in the reader's browser, and keeps them current.
"""

from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def iso_datetime(value: datetime | None) -> str:
    """``2023-10-19T06:36:00+07:00``: the site's time zone, whole seconds.

    HTML's ``datetime`` attribute takes at most three digits of a second, and a
    time stamped by ``timezone.now()`` carries six.
    """
    if not value:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


@register.filter
def vi_datetime(value: datetime | None) -> str:
    """``19/10/2023 06:36`` in the site's time zone."""
    if not value:
        return ""
    # strftime, not Django's date format: the same digits at a tenth of the
    # cost, and pages print dozens (comments, cards).
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")


@register.filter
def vi_date(value: datetime | None) -> str:
    """``19/10/2023`` in the site's time zone."""
    if not value:
        return ""
    return timezone.localtime(value).strftime("%d/%m/%Y")
