"""Responsive photos in templates: ``{% picture %}`` and ``{% article_body %}``."""

from django import template
from django.utils import timezone

from .. import seo
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
    return responsive_body(
        article.body,
        first_eager=first_eager,
        expired=expired,
        rights=article.body_image_rights,
    )


@register.simple_tag
def share_image(image):
    """The URL of the photo's social-card rendition ("" when none may show)."""
    return share_image_url(image)


@register.simple_tag(takes_context=True)
def share_card(context):
    """The picture a shared link shows: ``url``, ``alt`` and ``large``.

    The cover's 16:9 rendition (``share_image`` in the context) with the
    cover's alt text; without a photo to share, the paper's logo, named by the
    paper's name, so the card still shows whose story it is.
    """
    site, url = context["site"], context["share_image"]
    if url:
        article = context["article"]
        return {"url": url, "alt": article.cover.alt or article.title, "large": True}
    return {"url": seo.logo_url(context["request"], site), "alt": site.name}
