"""RSS 2.0 feeds: the whole paper at /rss.xml, each section at /<section>/rss.xml."""

import mimetypes

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import escape

from .models import Article, ArticleAuthor, Category
from .models.sections import site_context
from .pagecache import groups
from .pagecache.middleware import mark_cacheable

FEED_SIZE = 50


class LatestArticlesFeed(Feed):
    """The newest published articles, sapo as description, cover as enclosure."""

    feed_type = Rss201rev2Feed
    language = "vi"

    def articles(self):
        return Article.objects.published().for_listing()

    def items(self):
        byline = ArticleAuthor.objects.select_related("author").order_by("position")
        return self.articles().prefetch_related(Prefetch("bylines", queryset=byline))[
            :FEED_SIZE
        ]

    def title(self):
        return site_context()["settings"].name

    def link(self):
        return "/"

    def description(self):
        site = site_context()["settings"]
        return site.tagline or f"Tin mới nhất từ {site.name}"

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Readers treat <description> as HTML; the sapo is plain text.
        return escape(item.sapo)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return ", ".join(author.name for author in item.byline) or None

    def item_categories(self, item):
        return [item.category.name]

    def item_enclosure_url(self, item):
        # A cover whose rights have ended is withheld, like on the pages.
        if item.cover and item.cover.file and not item.cover.rights_expired():
            return self.request.build_absolute_uri(item.cover.file.url)
        return None

    def item_enclosure_length(self, item):
        try:
            return item.cover.file.size
        except (OSError, ValueError):
            return 0

    def item_enclosure_mime_type(self, item):
        return mimetypes.guess_type(item.cover.file.name)[0] or "image/jpeg"

    def __call__(self, request, *args, **kwargs):
        self.request = request
        response = super().__call__(request, *args, **kwargs)
        return mark_cacheable(response, [groups.LATEST])


class SectionFeed(LatestArticlesFeed):
    """One section's newest articles, its sub-sections included."""

    def get_object(self, request, slug):
        self.section = get_object_or_404(Category, slug=slug)
        return self.section

    def articles(self):
        return super().articles().in_category(self.section)

    def title(self, obj):
        return f"{obj.name} – {site_context()['settings'].name}"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return obj.description or f"Tin mới nhất chuyên mục {obj.name}"
