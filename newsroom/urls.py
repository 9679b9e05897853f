from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from articles import sitemaps
from articles.feeds import LatestArticlesFeed
from newsroom.site_views import healthz, media_file, rendition, robots_txt

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots"),
    path("rss.xml", LatestArticlesFeed(), name="feed"),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-news.xml", sitemaps.news, name="sitemap-news"),
    path("sitemap/chuyen-muc.xml", sitemaps.sections, name="sitemap-sections"),
    path(
        "sitemap/bai-viet/<slug:slug>.xml",
        sitemaps.section_articles,
        name="sitemap-section",
    ),
    path("", include("articles.urls")),
]

media_patterns = []
if settings.MEDIA_URL.startswith("/"):
    # Renditions missing from the storage are made on their first request: a
    # web server in front serves the files that exist and passes misses here.
    media_patterns.append(
        path(
            f"{settings.MEDIA_URL.strip('/')}/renditions/<path:path>",
            rendition,
            name="rendition",
        )
    )
if settings.SERVE_MEDIA and settings.MEDIA_URL.startswith("/"):
    # Through the storage API, so this works with object storage too.
    media_patterns.append(
        path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media_file)
    )
urlpatterns = media_patterns + urlpatterns

if settings.BENCH_BARE_VIEW:
    # `make bench` only: the framework's ceiling on the same server and settings.
    from django.http import HttpResponse

    urlpatterns.insert(0, path("__bench__/ok", lambda request: HttpResponse("ok")))

handler404 = "articles.errors.page_not_found"
handler500 = "articles.errors.server_error"
