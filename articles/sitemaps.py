"""Sitemaps sized for a million articles, and the Google News sitemap.

``/sitemap.xml`` is an index: one sitemap of section pages, then each section's
articles in pages of ``ArticleSitemap.limit`` (``/sitemap/bai-viet/<section>.xml
?p=N``), each entry with the section's last modification. The index costs one
grouped query whatever the number of articles or sections.
"""

import math
from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Count, Max
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import Article, Category
from .models.sections import site_context
from .pagecache import groups
from .pagecache.middleware import cacheable

NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000  # Google News reads at most 1,000 URLs per news sitemap.


class SectionSitemap(Sitemap):
    """The section pages themselves."""

    changefreq = "hourly"

    def items(self):
        return Category.objects.order_by("position", "name")


class ArticleSitemap(Sitemap):
    """One section's published articles, oldest first so old pages stay put."""

    limit = 10_000

    def __init__(self, section):
        self.section = section

    def items(self):
        return (
            Article.objects.published()
            .filter(category=self.section)
            .select_related("category")
            .only("slug", "updated_at", "published_at", "category__slug")
            .order_by("published_at", "id")
        )

    def lastmod(self, item):
        return item.updated_at


@cacheable([groups.LATEST])
def index(request):
    """The sitemap index: section pages, then every page of every section."""
    sections = {c.pk: c for c in Category.objects.all()}
    stats = (
        Article.objects.published()
        .order_by()
        .values("category")
        .annotate(n=Count("pk"), last=Max("updated_at"))
    )
    entries = [{"location": request.build_absolute_uri(reverse("sitemap-sections"))}]
    limit = ArticleSitemap.limit
    for row in sorted(stats, key=lambda r: sections[r["category"]].slug):
        section = sections[row["category"]]
        url = request.build_absolute_uri(
            reverse("sitemap-section", kwargs={"slug": section.slug})
        )
        for page in range(1, math.ceil(row["n"] / limit) + 1):
            entries.append(
                {
                    "location": url if page == 1 else f"{url}?p={page}",
                    "lastmod": row["last"],
                }
            )
    return _xml("sitemaps/index.xml", {"sitemaps": entries})


@cacheable([groups.LATEST])
def sections(request):
    return sitemap_views.sitemap(
        request, sitemaps={"chuyen-muc": SectionSitemap()}, section="chuyen-muc"
    )


@cacheable([groups.LATEST])
def section_articles(request, slug):
    section = get_object_or_404(Category, slug=slug)
    return sitemap_views.sitemap(
        request, sitemaps={slug: ArticleSitemap(section)}, section=slug
    )


@cacheable([groups.LATEST])
def news(request):
    """Google News sitemap: articles published in the last 48 hours."""
    since = timezone.now() - NEWS_WINDOW
    articles = (
        Article.objects.published()
        .filter(published_at__gte=since)
        .select_related("category")
        .only("title", "slug", "published_at", "category__slug")
        .order_by("-published_at", "-id")[:NEWS_LIMIT]
    )
    return _xml(
        "sitemaps/news.xml",
        {
            "articles": articles,
            "base": request.build_absolute_uri("/").rstrip("/"),
            "publication": site_context()["settings"].name,
        },
    )


def _xml(template, context):
    # No request: the site's context processors (menu, settings) are not needed.
    return HttpResponse(
        render_to_string(template, context), content_type="application/xml"
    )
