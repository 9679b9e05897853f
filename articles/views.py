"""Public pages. Each renders with a fixed number of queries (see tests).

Request and response only: the article page is assembled from its cached parts
in ``articles.article_page``, listings are queryset methods, the search filters
are in ``articles.search``, and robots.txt, the health check and media files
are in ``newsroom.site_views``.
"""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)
from django.views.generic import ListView, TemplateView

from . import readership, seo
from . import search as fulltext
from .article_page import (
    MOST_READ_SHOWN,
    SIDEBAR_SECONDS,
    NotPublic,
    article_context,
    article_loader,
    article_page_groups,
)
from .client_ip import client_ip
from .comments.forms import CommentForm
from .comments.limits import rate_limit_retry_after
from .comments.services import CommentRefused, comment_create
from .comments.tokens import form_token, own_comment_token
from .forms import SearchForm
from .models import Article, Author, Category, Tag
from .models.sections import site_context
from .origin import same_origin_required
from .pagecache import groups
from .pagecache.keys import NOTICE_PARAM, OWN_PARAM, REPLY_PARAM
from .pagecache.middleware import mark_cacheable
from .pagecache.parts import Part, cached_parts
from .pagination import WindowPaginator
from .preview import preview_link_open
from .search import highlight as highlight_terms
from .search import marked_terms, search_terms, snippet

SECTION_BLOCK_SIZE = 4
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
        blocks = Article.objects.section_blocks(SECTION_BLOCK_SIZE)
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


@require_safe
def article_detail(request, category, slug, pk):
    """The article page at ``/<section>/<slug>-<id>.html``.

    The id decides; a stale slug or section answers 301 to the canonical URL.
    An article taken down for legal reasons answers 410 Gone. Other unpublished
    articles are 404 except to staff who may open them in the admin, who see an
    uncached preview. The comment section reads its own query parameters
    (``articles.comments``); a URL showing a reader's waiting comment is never
    cached. The page is assembled from cached parts (``article_context``):
    with them warm, it makes no query.
    """
    detail = Article.objects.for_detail().select_related("category__parent")
    notice = request.GET.get(NOTICE_PARAM) == COMMENT_NOTICE_VALUE
    try:
        context = article_context(
            request, pk, request.GET, load=article_loader(detail, pk), notice=notice
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
        load = article_loader(detail, pk, public=False)
        context = article_context(request, pk, request.GET, load=load, preview=True)
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
        load = article_loader(detail, article.pk, public=False)
        context = article_context(
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
    context = article_context(
        request,
        article.pk,
        {REPLY_PARAM: request.POST.get("parent", "")},
        load=article_loader(
            Article.objects.for_detail().select_related("category"), pk
        ),
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
            results = fulltext.filtered(
                Article.objects.published().select_related("category", "cover"),
                section=data["chuyen_muc"],
                since=data["tu"],
                until=data["den"],
            )
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
