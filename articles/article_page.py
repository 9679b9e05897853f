"""The article page, assembled from cached parts (``pagecache.parts``).

Which parts the page is built from, what each one holds and which page-cache
groups it shows: the article itself (``article_main_part``), the sidebar,
"Đừng bỏ lỡ" and the comment section. ``article_context`` puts them
together; the views in ``articles.views`` decide what to answer with it.
"""

from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string

from . import readership, seo
from .comments.forms import CommentForm
from .comments.section import comment_section, section_name
from .models import Article, Category, MostRead
from .models.sections import site_context
from .pagecache import groups
from .pagecache.parts import Part, build_part, lookup_parts

# How many articles a "Đọc nhiều" list and the sidebar's "Nổi bật" show (the
# home page's "Đọc nhiều" too).
MOST_READ_SHOWN = 5
FEATURED_SHOWN = 5
# "Đọc nhiều" parts follow each flush of the view counts (its group); this
# bounds them when no flush runs.
SIDEBAR_SECONDS = 60


def _sidebar():
    """ "Nổi bật" and "Đọc nhiều" (24 hours) in one query, split in Python.

    One more featured article than shown, so the page can leave itself out.
    The part keeps the rows and the HTML every other article page shows.
    """
    published = Article.objects.published()
    featured_ids = (
        published.filter(featured=True)
        .order_by("-published_at", "-id")
        .values("pk")[: FEATURED_SHOWN + 1]
    )
    day_ranked = MostRead.objects.filter(window=MostRead.Window.DAY).values("article")
    rows = list(published.for_listing().among(featured_ids, day_ranked).with_rankings())
    shown = [a.pk for a in rows if a.featured][:FEATURED_SHOWN]
    return {"rows": rows, "featured_ids": shown, "html": _sidebar_html(rows, None)}


def _sidebar_html(rows, article_id):
    return render_to_string(
        "articles/parts/sidebar.html",
        {
            "featured": [a for a in rows if a.featured and a.pk != article_id][
                :FEATURED_SHOWN
            ],
            "most_read": readership.split_most_read(rows, MOST_READ_SHOWN),
        },
    )


# What the page around the cached parts reads of the article: its status for
# the public check, its address, and the comment section's switches.
ARTICLE_STATE = (
    "id",
    "status",
    "slug",
    "category_id",
    "published_at",
    "embargo_until",
    "featured",
    "comments_enabled",
    "comment_count",
)


def _slim(article):
    """A copy of ``article`` holding only ``ARTICLE_STATE`` and its section's
    id, slug and parent (for its address): small to keep in a cached part."""
    db = article._state.db
    # Model.from_db takes the values in the model's field order.
    fields = Article._meta.concrete_fields
    kept = [f.attname for f in fields if f.attname in ARTICLE_STATE]
    slim = Article.from_db(db, kept, [getattr(article, name) for name in kept])
    section = article.category
    slim.category = Category.from_db(
        db, ["id", "slug", "parent_id"], [section.pk, section.slug, section.parent_id]
    )
    return slim


def article_main_part(request, article):
    """The article itself, rendered: ``<head>`` tags, the article from its
    breadcrumb to its tags, structured data, and what the page around it needs
    (a slim copy of the article, its section's slug, the groups it shows)."""
    tags = list(article.tags.all())
    corrections = list(article.corrections.all())
    site = site_context()["settings"]
    context = {
        "request": request,
        "site": site,
        "article": article,
        "tags": tags,
        "corrections": corrections,
        "share_image": seo.share_image_url(request, article),
    }
    shown = {groups.article(article.pk)}
    shown.update(groups.byline(a.pk) for a in article.byline)
    shown.update(groups.tagname(t.pk) for t in tags)
    return {
        "article": _slim(article),
        "category_slug": article.category.slug,
        "title": article.meta_title,
        "head": render_to_string("articles/parts/article_head.html", context),
        "main": render_to_string("articles/parts/article_main.html", context),
        "structured_data": seo.ld_json(
            [
                seo.news_article(request, article, site, corrections=corrections),
                seo.breadcrumbs(request, article.category, article),
            ]
        ),
        "tag_ids": [t.pk for t in tags],
        "groups": shown,
    }


def _related(article, tag_ids):
    """ "Đừng bỏ lỡ", rendered, with the groups it shows."""
    rows = list(Article.objects.related_to(article, tag_ids=tag_ids)[:6])
    shown = {
        groups.article(article.pk),
        groups.related(article.category_id),
        groups.LATEST,
    }
    return {
        "html": render_to_string("articles/parts/related.html", {"related": rows}),
        "groups": shown,
        # Reaching beyond the section, it changes with every publish.
        "beyond_section": any(a.category_id != article.category_id for a in rows),
    }


class NotPublic(Exception):
    """The article exists but readers may not see it now."""

    def __init__(self, article):
        self.article = article


def article_context(
    request, pk, query, *, load, preview=False, form=None, notice=False
):
    """The article page's context, from its cached parts (``pagecache.parts``).

    ``load()`` returns the full article row; it runs only when the article's own
    part is missing, and raises ``NotPublic`` for an article readers cannot see
    (the caller decides between a preview and a 404). A ``preview`` reads
    nothing from the cache and stores nothing: a draft's parts must not
    outlive its next edit, which purges nothing.
    """
    origin = f"{request.scheme}://{request.get_host()}"
    main_part = Part(
        f"article-main:{pk}:{origin}",
        lambda v: v["groups"],
        lambda: article_main_part(request, load()),
    )
    sidebar_part = Part(
        "sidebar",
        (groups.FEATURED, groups.LATEST, groups.MOST_READ),
        _sidebar,
        SIDEBAR_SECONDS,
    )
    related_part = Part(f"article-related:{pk}", lambda v: v["groups"], None)
    parts = [main_part, sidebar_part, related_part]
    # The comment section (with its empty form) changes with every approval:
    # its own part, purged with the article's group. A form with a reader's
    # errors and the poster's own waiting comment are never kept.
    comments_name = None if form else section_name(query)
    if comments_name:
        comments_part = Part(
            f"comments:{pk}:{comments_name}:{int(notice)}",
            (groups.article(pk),),
            None,
        )
        parts.append(comments_part)
    found = {} if preview else lookup_parts(*parts)

    def fresh_or_built(part):
        value = found.get(part.name)
        return value if value is not None else build_part(part, keep=not preview)

    page = found.get(main_part.name)
    if page is None or not page["article"].is_published():
        page = build_part(main_part, keep=not preview)
    article = page["article"]
    related_part.build = lambda: _related(article, page["tag_ids"])
    sidebar = fresh_or_built(sidebar_part)
    related = fresh_or_built(related_part)

    def comments():
        return render_to_string(
            "includes/comments.html",
            {
                "article": article,
                "comments": comment_section(article, query),
                "comment_form": form or CommentForm(article=article),
                "comment_notice": notice,
                "preview": preview,
            },
        )

    if comments_name:
        comments_part.build = comments
        comments_html = fresh_or_built(comments_part)
    else:
        comments_html = comments()
    if article.pk in sidebar["featured_ids"]:
        sidebar_html = _sidebar_html(sidebar["rows"], article.pk)
    else:
        sidebar_html = sidebar["html"]
    return {
        "article": article,
        "page": page,
        "structured_data": page["structured_data"],
        "comments": comments_html,
        "sidebar": sidebar_html,
        "related": related["html"],
        "related_beyond_section": related["beyond_section"],
        "preview": preview,
    }


def article_loader(queryset, pk, *, public=True):
    """``load()`` for ``article_context``: the full row, read once."""
    rows = []

    def load():
        if not rows:
            rows.append(get_object_or_404(queryset, pk=pk))
        if public and not rows[0].is_published():
            raise NotPublic(rows[0])
        return rows[0]

    return load


def article_page_groups(article, context):
    """What an article page shows, as page-cache groups (``pagecache.groups``)."""
    shown = {
        *context["page"]["groups"],
        groups.related(article.category_id),
        groups.FEATURED,
    }
    if context["related_beyond_section"]:
        shown.add(groups.LATEST)  # "Đừng bỏ lỡ" reaches beyond the section
    return shown
