"""Public pages. Each renders with a fixed number of queries (see tests)."""

import logging
import mimetypes
from collections import OrderedDict
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)
from django.views.generic import ListView, TemplateView

from newsroom.media import IMMUTABLE

from . import readership, seo
from . import search as fulltext
from .client_ip import client_ip
from .comments import comment_section, section_name
from .forms import CommentForm, SearchForm
from .middleware import RETRY_AFTER_SECONDS
from .models import Article, Author, Category, Image, MostRead, Tag
from .models.sections import site_context
from .origin import same_origin_required
from .pagecache import groups
from .pagecache.keys import NOTICE_PARAM, OWN_PARAM, REPLY_PARAM
from .pagecache.middleware import mark_cacheable
from .pagecache.parts import Part, build_part, cached_parts, lookup_parts
from .pagination import WindowPaginator
from .preview import preview_link_open
from .renditions import PREFIX as RENDITION_PREFIX
from .renditions import cache_control, parse_name, rendition_bytes, spec_allowed
from .search import highlight as highlight_terms
from .search import marked_terms, search_terms, snippet
from .services import CommentRefused, comment_create
from .spam import form_token, own_comment_token, rate_limit_retry_after

logger = logging.getLogger(__name__)

SECTION_BLOCK_SIZE = 4
# How many articles a "Đọc nhiều" list and the sidebar's "Nổi bật" show.
MOST_READ_SHOWN = 5
FEATURED_SHOWN = 5
# "Đọc nhiều" parts follow each flush of the view counts (its group); this
# bounds them when no flush runs.
SIDEBAR_SECONDS = 60
SEARCH_PAGE_SIZE = 20
COMMENT_NOTICE_VALUE = "cho-duyet"


class HomeView(TemplateView):
    """Home: the lead story, "Nổi bật", "Tin mới" and a block per section.

    Template ``articles/home.html``; context ``lead``, ``featured``, ``latest``,
    ``sections`` (a list of (category, articles) pairs in menu order) and
    ``most_read`` (``{"day": [...], "week": [...]}``).
    """

    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        top, sections, most_read = cached_parts(
            # Every publish purges "home"; a section's block waits for its own.
            Part("home:top", (groups.HOME,), self.top),
            Part("home:sections", lambda v: v["groups"], self.sections),
            Part(
                "home:most-read",
                (groups.LATEST, groups.MOST_READ),
                self.most_read,
                timeout=SIDEBAR_SECONDS,
            ),
        )
        return super().get_context_data(
            top=top, sections=sections["html"], most_read=most_read, **kwargs
        )

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        return mark_cacheable(response, [groups.HOME])

    @staticmethod
    def top():
        """The lead story, "Nổi bật" and "Tin mới", rendered."""
        published = Article.objects.published().for_listing()
        featured = list(published.filter(featured=True)[:5])
        latest = list(published[:11])
        lead = featured[0] if featured else (latest[0] if latest else None)
        context = {
            "lead": lead,
            "featured": [a for a in featured if a != lead][:4],
            "latest": [a for a in latest if a != lead][:10],
        }
        if lead is None:
            return {"lead": False, "html": ""}  # an empty site says so
        return {
            "lead": True,
            "html": render_to_string("articles/parts/home_top.html", context),
        }

    @classmethod
    def sections(cls):
        """The section blocks, rendered, with the sections they show."""
        blocks = cls.section_blocks()
        html = render_to_string(
            "articles/parts/home_sections.html", {"sections": blocks}
        )
        shown = {groups.category(c.pk) for c in site_context()["menu"]}
        return {"html": html, "groups": shown}

    @staticmethod
    def most_read():
        """ "Đọc nhiều" for 24 hours and 7 days: the lists and their HTML."""
        published = Article.objects.published().for_listing()
        lists = readership.split_most_read(
            published.ranked().with_rankings(), MOST_READ_SHOWN
        )
        html = render_to_string(
            "includes/most_read.html", {"most_read": lists, "show_week": True}
        )
        return {**lists, "html": html}

    @staticmethod
    def section_blocks():
        """The newest articles of each menu section, sub-sections included.

        One query whatever the number of sections: a ``LIMIT`` query per
        section, each walking an index from the newest end, joined with
        ``UNION ALL``. (A window function numbering every published article of
        the menu sections reads them all: at a million articles, a full scan.)
        """
        data = site_context()
        menu = data["menu"]
        if not menu:
            return []
        children = data.get("children", {})
        published = Article.objects.published()
        parts = {
            c.pk: published.filter(category__in=[c.pk, *children.get(c.pk, ())])
            .order_by("-published_at", "-id")
            .values("pk")[:SECTION_BLOCK_SIZE]
            for c in menu
        }
        if connection.features.supports_slicing_ordering_in_compound:
            # PostgreSQL: each part walks its index and stops after a few rows.
            first, *rest = parts.values()
            rows = Article.objects.for_listing().filter(
                pk__in=first.union(*rest, all=True) if rest else first
            )
        else:
            # SQLite allows no LIMIT inside UNION, but does inside IN.
            cond = Q()
            for q in parts.values():
                cond |= Q(pk__in=q)
            rows = Article.objects.for_listing().filter(cond)
        section_of = {pk: pk for pk in parts}
        for pk, subs in children.items():
            for sub in subs:
                section_of[sub] = pk
        by_section = OrderedDict((c.pk, (c, [])) for c in menu)
        for article in rows:  # newest first (for_listing's order)
            by_section[section_of[article.category_id]][1].append(article)
        return [block for block in by_section.values() if block[1]]


class ArticleListView(ListView):
    """A paginated list of published articles; bad page numbers are 404s."""

    paginate_by = 20
    paginator_class = WindowPaginator
    template_name = "articles/article_list.html"
    context_object_name = "articles"

    cache_group = None

    def base_queryset(self):
        return Article.objects.published().for_listing()

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        return mark_cacheable(response, [self.cache_group()])


class CategoryView(ArticleListView):
    template_name = "articles/category.html"

    def get_queryset(self):
        self.category = get_object_or_404(
            Category.objects.select_related("parent"), slug=self.kwargs["slug"]
        )
        return self.base_queryset().in_category(self.category)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            category=self.category,
            structured_data=seo.ld_json(seo.breadcrumbs(self.request, self.category)),
            **kwargs,
        )

    def cache_group(self):
        return groups.category(self.category.pk)


class TagView(ArticleListView):
    template_name = "articles/tag.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return self.base_queryset().listed_under(self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)

    def cache_group(self):
        return groups.tag(self.tag.pk)


class AuthorView(ArticleListView):
    template_name = "articles/author.html"

    def get_queryset(self):
        self.author = get_object_or_404(
            Author.objects.select_related("photo"), slug=self.kwargs["slug"]
        )
        return self.base_queryset().listed_by(self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)

    def cache_group(self):
        return groups.author(self.author.pk)


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


def _article_context(
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


def _loader(queryset, pk, *, public=True):
    """``load()`` for ``_article_context``: the full row, read once."""
    rows = []

    def load():
        if not rows:
            rows.append(get_object_or_404(queryset, pk=pk))
        if public and not rows[0].is_published():
            raise NotPublic(rows[0])
        return rows[0]

    return load


@require_safe
def article_detail(request, category, slug, pk):
    """The article page at ``/<section>/<slug>-<id>.html``.

    The id decides; a stale slug or section answers 301 to the canonical URL.
    An article taken down for legal reasons answers 410 Gone. Other unpublished
    articles are 404 except to staff who may open them in the admin, who see an
    uncached preview. The comment section reads its own query parameters
    (``articles.comments``); a URL showing a reader's waiting comment is never
    cached. The page is assembled from cached parts (``_article_context``):
    with them warm, it makes no query.
    """
    detail = Article.objects.for_detail().select_related("category__parent")
    notice = request.GET.get(NOTICE_PARAM) == COMMENT_NOTICE_VALUE
    try:
        context = _article_context(
            request, pk, request.GET, load=_loader(detail, pk), notice=notice
        )
    except NotPublic as hidden:
        article = hidden.article
        if article.status == Article.Status.TAKEN_DOWN:
            return gone(request)
        # Only here is request.user read: touching it on a public page would add
        # "Vary: Cookie" and make the page uncacheable.
        user = request.user
        if not (
            user.is_staff
            and user.has_perm("articles.view_article")
            and Article.objects.editable_by(user).filter(pk=article.pk).exists()
        ):
            raise Http404(_("Không tìm thấy bài viết.")) from None
        load = _loader(detail, pk, public=False)
        context = _article_context(request, pk, request.GET, load=load, preview=True)
        response = render(request, "articles/article_detail.html", context)
        add_never_cache_headers(response)
        return response
    article = context["article"]
    if category != context["page"]["category_slug"] or slug != article.slug:
        url = article.get_absolute_url()
        if request.META.get("QUERY_STRING"):
            url = f"{url}?{request.META['QUERY_STRING']}"
        return HttpResponsePermanentRedirect(url)
    response = render(request, "articles/article_detail.html", context)
    if OWN_PARAM in request.GET:
        add_never_cache_headers(response)
        return response
    readership.record_view(article.pk)
    response.counts_view = article.pk  # hits from the page cache count too
    return mark_cacheable(response, article_page_groups(article, context))


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


def gone(request):
    """410 for an article taken down for legal reasons: a short notice, no content."""
    response = render(request, "articles/gone.html", status=410)
    return response


@require_safe
def preview(request, token):
    """An unpublished article through a shareable preview link (no login).

    Signed, expiring and revocable (``articles.preview``); never cached and
    never indexed. A link to an article that has since been published sends the
    reader to the public page.
    """
    link = preview_link_open(token, ip=client_ip(request))
    if link is None:
        raise Http404(_("Liên kết xem trước không hợp lệ hoặc đã hết hạn."))
    detail = Article.objects.for_detail().select_related("category__parent")
    article = detail.get(pk=link.article_id)
    if article.status == Article.Status.TAKEN_DOWN:
        return gone(request)
    if article.is_published():
        response = redirect(article.get_absolute_url())
    else:
        load = _loader(detail, article.pk, public=False)
        context = _article_context(
            request, article.pk, request.GET, load=load, preview=True
        )
        response = render(request, "articles/article_detail.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@same_origin_required
def comment_post(request, pk):
    """Take a reader's comment; valid ones wait for moderation.

    In order: the rate limit (429), the honeypot (a bot's post is discarded
    behind the same redirect a person gets), the form with its time trap,
    then ``comment_create`` (closed, duplicate, blocklist, spam score).
    A stored post redirects back to the article with the moderation notice and
    a token that shows the poster their own comment; anything else re-renders
    the article with the errors (400), at this URL. A GET here (that page
    reloaded, or one of its links followed) redirects to the article's comment
    section with the same query.
    """
    article = get_object_or_404(Article.objects.for_detail(), pk=pk)
    if not article.is_published():
        raise Http404(_("Không tìm thấy bài viết."))
    if request.method != "POST":
        query = request.META.get("QUERY_STRING", "")
        anchor = "#gui-binh-luan" if REPLY_PARAM in request.GET else "#binh-luan"
        return redirect(
            f"{article.get_absolute_url()}{'?' if query else ''}{query}{anchor}"
        )
    ip = client_ip(request)
    retry_after = rate_limit_retry_after(ip=ip, email=request.POST.get("email", ""))
    if retry_after:
        response = render(request, "429.html", {"retry_after": retry_after}, status=429)
        response["Retry-After"] = str(retry_after)
        add_never_cache_headers(response)
        return response
    notice = f"{NOTICE_PARAM}={COMMENT_NOTICE_VALUE}"
    form = CommentForm(request.POST, article=article)
    if form.is_bot:
        return redirect(f"{article.get_absolute_url()}?{notice}#binh-luan")
    if form.is_valid() and form.claim_token():
        data = form.cleaned_data
        comment = None
        try:
            comment = comment_create(
                article=article,
                name=data["name"],
                email=data["email"],
                body=data["body"],
                parent_id=data.get("parent"),
                ip=ip,
                timed=form.timed,
            )
        except CommentRefused as exc:
            form.add_error(None, str(exc))
        finally:
            if comment is None:
                form.release_token()
        if comment is not None:
            own = f"{OWN_PARAM}={own_comment_token(comment.pk)}"
            return redirect(
                f"{article.get_absolute_url()}?{notice}&{own}#bl-{comment.pk}"
            )
    context = _article_context(
        request,
        article.pk,
        {REPLY_PARAM: request.POST.get("parent", "")},
        load=_loader(Article.objects.for_detail().select_related("category"), pk),
        form=form,
    )
    response = render(request, "articles/article_detail.html", context, status=400)
    add_never_cache_headers(response)
    return response


@require_POST
@same_origin_required
@never_cache
def comment_token(request, pk):
    """The time trap's token for article ``pk``'s comment form, as JSON
    ``{"token": ...}``.

    ``static/js/comment_form.js`` asks for it when the reader first touches
    the form: the article page is cached and shared, so only a request of this
    reader's own can say when they started writing. Sets no cookie; never
    cached.
    """
    if not Article.objects.published().filter(pk=pk, comments_enabled=True).exists():
        raise Http404(_("Bài viết này không nhận bình luận."))
    return JsonResponse({"token": form_token(pk)})


@require_safe
def search(request):
    """Search at ``/tim-kiem/?q=``: tone marks and case ignored, paginated;
    words typed with marks rank the articles that hold them so first.

    Template ``articles/search.html``; context ``form``, ``query``, ``terms``,
    ``page_obj`` (results with ``title_html`` and ``snippet_html``) and
    ``paginator``. Invalid filters answer 400 with the form's errors.
    """
    form = SearchForm(request.GET or None)
    context = {
        "form": form,
        "query": "",
        "terms": [],
        "page_obj": None,
        "max_results": fulltext.MAX_RESULTS,
    }
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound:
        data = form.cleaned_data
        terms = search_terms(data["q"])
        context.update(query=data["q"], terms=terms)
        if terms:
            results = Article.objects.published().select_related("category", "cover")
            if data["chuyen_muc"]:
                results = results.in_category(data["chuyen_muc"])
            if data["tu"]:
                results = results.filter(published_at__gte=_day_start(data["tu"]))
            if data["den"]:
                end = _day_start(data["den"]) + timedelta(days=1)
                results = results.filter(published_at__lt=end)
            # The matching ids once (the heavy query), then the ranked page;
            # the count is the list's length.
            ids = fulltext.newest_match_ids(results, terms)
            paginator = Paginator(
                fulltext.ranked(results, ids, terms, marked_terms(data["q"])),
                SEARCH_PAGE_SIZE,
            )
            paginator.count = len(ids)
            page_obj = paginator.get_page(request.GET.get("page"))
            for article in page_obj:
                article.title_html = highlight_terms(article.title, terms)
                article.snippet_html = snippet(article, terms)
            context.update(page_obj=page_obj, paginator=paginator)
    response = render(request, "articles/search.html", context, status=status)
    return mark_cacheable(response, [groups.LATEST]) if status == 200 else response


def _day_start(day):
    """Midnight of ``day`` in the paper's time zone (Vietnam)."""
    return timezone.make_aware(datetime.combine(day, time.min))


@require_safe
def robots_txt(request):
    """Crawl rules: admin and previews out, both sitemaps announced."""
    lines = [
        "User-agent: *",
        f"Disallow: /{settings.ADMIN_URL}",
        "Disallow: /xem-truoc/",
        "Disallow: /binh-luan/",
        "",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
        f"Sitemap: {request.build_absolute_uri('/sitemap-news.xml')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
def healthz(request):
    """200 when the database answers, 503 otherwise (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        response = HttpResponse(
            "database unavailable\n", status=503, content_type="text/plain"
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    else:
        response = HttpResponse("ok\n", content_type="text/plain")
    add_never_cache_headers(response)
    return response


@require_safe
def rendition(request, path):
    """A library photo's rendition, made and stored on its first request.

    The web server serves renditions that exist; this view answers the rest.
    Only renditions a page could list are made (the width, crop and focal point
    must match the photo's row), and anything else, or a photo whose rights
    have ended, is a 404 rather than an error.
    """
    spec = parse_name(f"{RENDITION_PREFIX}{path}")
    if spec is None:
        raise Http404(_("Không tìm thấy ảnh."))
    image = Image.objects.filter(file=spec.source).first()
    if image is None or image.rights_expired() or not spec_allowed(spec, image):
        raise Http404(_("Không tìm thấy ảnh."))
    try:
        data = rendition_bytes(spec)
    except Exception:
        # A broken or vanished original (or a Pillow failure) must not show
        # readers a 500: the page keeps its layout, the log keeps the cause.
        logger.exception("Cannot make rendition %s", path)
        raise Http404(_("Không tìm thấy ảnh.")) from None
    response = HttpResponse(data, content_type=spec.content_type)
    # A year, or for a photo whose rights end, until the rights moment.
    response["Cache-Control"] = cache_control(spec.until)
    return response


@require_safe
def media_file(request, path):
    """A stored media file, read through the storage (``SERVE_MEDIA``).

    For development and one-machine installs with nothing in front; a web
    server, the bucket or a CDN serves media otherwise. Stored names are never
    reused for other content, so the file is cacheable for a year.
    """
    if not path or path.endswith("/"):
        raise Http404(_("Không tìm thấy tệp."))
    try:
        handle = default_storage.open(path, "rb")
    except (OSError, SuspiciousOperation, ValueError):
        # Missing, a folder, or a path outside the storage ("../"): all 404.
        raise Http404(_("Không tìm thấy tệp.")) from None
    content_type, _encoding = mimetypes.guess_type(path)
    response = FileResponse(
        handle, content_type=content_type or "application/octet-stream"
    )
    response["Cache-Control"] = IMMUTABLE
    return response
