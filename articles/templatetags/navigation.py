"""``{% section_links as links %}``: the section menu, built once per page.

The menu appears three times on every page (the mobile menu, the bar, the
footer); as an include it was rendered three times through the template
engine. This builds it once in Python, with ``aria-current="page"`` on the
section being shown and ``aria-current="true"`` on the section (or parent
section) of the article or sub-section being shown.
"""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


def _current(section, category, article) -> str:
    if category and section.pk == category.pk:
        return ' aria-current="page"'
    related = set()
    if category:
        related.add(category.parent_id)
    if article is not None and getattr(article, "category_id", None):
        related |= {article.category_id, article.category.parent_id}
    return ' aria-current="true"' if section.pk in related else ""


@register.simple_tag(takes_context=True)
def section_links(context):
    category = context.get("category")
    article = context.get("article")
    items = format_html_join(
        "",
        '<li><a href="{}"{}>{}</a></li>',
        (
            (
                section.get_absolute_url(),
                mark_safe(_current(section, category, article)),
                section.name,
            )
            for section in context.get("menu_categories") or ()
        ),
    )
    return format_html(
        '<ul>\n  <li><a href="{}">Trang chủ</a></li>\n  {}\n</ul>',
        reverse("articles:home"),
        items,
    )
