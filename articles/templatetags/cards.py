"""``{% card %}``: an article card, built in Python.

A listing page shows 20 to 40 cards; as an ``{% include %}`` each card cost
about a hundred template variable lookups, the largest share of an uncached
render. This builds the same markup with ``format_html``, so every value is
escaped exactly as the template escaped it.
"""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from ..pictures import image_picture
from .vi_format import iso_datetime, vi_datetime

register = template.Library()

HEADINGS = {"h2", "h3", "h4"}


def _image(article, variant, loading):
    if variant == "compact":
        return image_picture(article.cover, "thumb", alt="")
    if variant == "lead":
        return image_picture(article.cover, "lead", alt="", eager=True)
    return image_picture(article.cover, "card", alt="", eager=loading == "eager")


@register.simple_tag
def card(
    article,
    heading="h3",
    variant="",
    show_image=False,
    show_section=False,
    show_sapo=False,
    loading="",
):
    """``{% card item heading="h3" variant="compact" show_image=True %}``.

    Variants: ``lead``, ``compact`` (thumbnail), ``text`` (no image), ``row``
    (listing pages), or none. ``loading="eager"`` for the first card on screen.
    """
    heading = heading if heading in HEADINGS else "h3"
    url = article.get_absolute_url()
    cover = article.cover
    image = ""
    if cover and show_image and not cover.rights_expired():
        image = format_html(
            '<a class="card__image" href="{}" tabindex="-1" aria-hidden="true">{}</a>',
            url,
            _image(article, variant, loading),
        )
    section = ""
    if show_section:
        section = format_html(
            '<a class="card__section" href="{}">{}</a>',
            article.category.get_absolute_url(),
            article.category.name,
        )
    sapo = ""
    if show_sapo and article.sapo:
        sapo = format_html(
            '<p class="card__sapo">{}</p>',
            Truncator(article.sapo).words(40, truncate=" …"),
        )
    published = article.published_at
    comments = ""
    if article.comment_count:
        comments = format_html(
            " · <span>({}) Bình luận</span>", intcomma(article.comment_count)
        )
    return format_html(
        '<article class="card{}">\n  {}\n  <div class="card__text">\n    {}\n'
        '    <{} class="card__title"><a href="{}">{}</a></{}>\n    {}\n'
        '    <p class="card__meta"><time datetime="{}" data-relative>{}</time>{}</p>\n'
        "  </div>\n</article>",
        f" card--{variant}" if variant else "",
        image,
        section,
        mark_safe(heading),
        url,
        article.title,
        mark_safe(heading),
        sapo,
        iso_datetime(published),
        vi_datetime(published),
        comments,
    )
