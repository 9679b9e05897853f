"""Page metadata for search engines and social networks.

JSON-LD is data (``<script type="application/ld+json">``), never executed, so
it is compatible with a Content-Security-Policy that forbids inline scripts.
"""

import json

from django.templatetags.static import static
from django.utils.safestring import mark_safe

from . import pictures
from .templatetags.vi_format import iso_datetime

# JSON inside <script> must not close the element or open a comment.
_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def ld_json(data) -> str:
    """``data`` as JSON safe to place inside ``<script type="application/ld+json">``."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(text.translate(_JSON_ESCAPES))


def share_image_url(request, article) -> str:
    """The cover's 16:9 social-card rendition (absolute URL), or ""."""
    url = pictures.share_image_url(article.cover)
    return request.build_absolute_uri(url) if url else ""


def _local_iso(moment):
    """ISO 8601 in the paper's time zone: ``2023-10-19T06:36:00+07:00``."""
    return iso_datetime(moment) or None


def logo_url(request, site) -> str:
    if site.logo:
        return request.build_absolute_uri(site.logo.url)
    return request.build_absolute_uri(static("img/logo.png"))


def breadcrumbs(request, category, article=None) -> dict:
    """``BreadcrumbList``: home, parent section, section (and the article)."""
    trail = [("Trang chủ", "/")]
    if category.parent_id:
        trail.append((category.parent.name, category.parent.get_absolute_url()))
    trail.append((category.name, category.get_absolute_url()))
    if article is not None:
        trail.append((article.title, article.get_absolute_url()))
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": request.build_absolute_uri(url),
            }
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def news_article(request, article, site, corrections=()) -> dict:
    """``NewsArticle`` with the fields Google News reads.

    ``dateModified`` moves only for substantive updates (``modified_at``), not
    for typo fixes; published corrections are listed as ``CorrectionComment``.
    """
    url = request.build_absolute_uri(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": article.meta_description,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": _local_iso(article.published_at),
        "dateModified": _local_iso(article.modified_at or article.published_at),
        "articleSection": article.category.name,
        "inLanguage": "vi",
        "author": [
            {
                "@type": "Person",
                "name": author.name,
                "url": request.build_absolute_uri(author.get_absolute_url()),
            }
            for author in article.byline
        ],
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": site.name,
            "url": request.build_absolute_uri("/"),
            "logo": {"@type": "ImageObject", "url": logo_url(request, site)},
        },
    }
    image = share_image_url(request, article)
    if image:
        data["image"] = [image]
    keywords = sorted(tag.name for tag in article.tags.all())
    if keywords:
        data["keywords"] = keywords
    if corrections:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": f"{item.get_kind_display()}: {item.text}",
                "datePublished": _local_iso(item.created_at),
            }
            for item in corrections
        ]
    return data
