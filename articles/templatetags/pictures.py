"""Responsive photos in templates: ``{% picture %}`` and ``{% article_body %}``."""

from django import template
from django.utils import timezone

from ..pictures import (
    expired_sources,
    image_picture,
    responsive_body,
    share_image_url,
)

register = template.Library()


@register.simple_tag
def picture(image, slot, eager=False, alt=None):
    """``{% picture article.cover "card" %}``: the photo as ``<picture>``.

    Slots: ``cover``, ``body``, ``lead``, ``card``, ``thumb`` (see
    ``articles.pictures.SLOTS``). Empty when there is no photo to show.
    """
    return image_picture(image, slot, alt=alt, eager=eager)


@register.simple_tag
def article_body(article, first_eager=False):
    """The article's body with responsive figures; no query on a normal page."""
    expired = expired_sources(article, timezone.localdate())
    return responsive_body(article.body, first_eager=first_eager, expired=expired)


@register.simple_tag
def share_image(image):
    """The URL of the photo's social-card rendition ("" when none may show)."""
    return share_image_url(image)
