"""The article page's comment section: threads, order, "Xem thêm", replies.

Everything is driven by query-string links, so it all works without
JavaScript: ``?binh-luan-moi-nhat=1`` (newest first), ``?trang-binh-luan=2``
("Xem thêm"), ``?tra-loi=<id>`` (reply to a comment), ``?cua-ban=<token>``
(the poster's own comment, still waiting). The section costs one query however
many comments there are.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Q
from django.http import Http404

from ..models import Comment
from ..pagecache.keys import COMMENT_PAGE_PARAM as PAGE_PARAM
from ..pagecache.keys import NEWEST_PARAM, OWN_PARAM, REPLY_PARAM
from .tokens import own_comment_id

MAX_PAGE = 10_000


@dataclass
class Thread:
    comment: Comment
    replies: list = field(default_factory=list)


@dataclass
class CommentSection:
    threads: list
    newest_first: bool
    page: int
    has_next: bool
    reply_to: Comment | None
    own: Comment | None
    params: dict

    def url(self, **changes) -> str:
        """This page's comment query string with ``changes`` (None drops a key)."""
        params = {**self.params, **changes}
        query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
        return f"?{query}#binh-luan" if query else "#binh-luan"

    @property
    def next_url(self) -> str:
        return self.url(**{PAGE_PARAM: self.page + 1, REPLY_PARAM: None})

    @property
    def previous_url(self) -> str:
        page = self.page - 1 if self.page > 2 else None
        return self.url(**{PAGE_PARAM: page, REPLY_PARAM: None})

    @property
    def oldest_url(self) -> str:
        return self.url(**{NEWEST_PARAM: None, PAGE_PARAM: None, REPLY_PARAM: None})

    @property
    def newest_url(self) -> str:
        return self.url(**{NEWEST_PARAM: 1, PAGE_PARAM: None, REPLY_PARAM: None})

    def reply_url(self, comment) -> str:
        return self.url(**{REPLY_PARAM: comment.pk}).replace(
            "#binh-luan", "#gui-binh-luan"
        )

    @property
    def cancel_reply_url(self) -> str:
        return self.url(**{REPLY_PARAM: None})


def section_name(query) -> str | None:
    """Which comment section ``query`` shows, as a short name for its cached
    part; None for a personal one (the poster's own waiting comment)."""
    if OWN_PARAM in query:
        return None
    newest = int(query.get(NEWEST_PARAM) == "1")
    page = _positive_int(query.get(PAGE_PARAM), 1)
    reply = _positive_int(query.get(REPLY_PARAM), 0)
    return f"{newest}:{page}:{reply}"


def _positive_int(value, default=None):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if number > 0 else default


def comment_section(article, query) -> CommentSection:
    """Build the comment section of ``article`` for the request's ``query``.

    One query: the page's top-level approved comments (a LIMIT subquery, one
    row more than a page to know if there is a next one), their approved
    replies, and the poster's own waiting comment if the URL carries its token.
    A page number past the end is a 404, so crawlers do not index empty pages.
    """
    per_page = settings.COMMENTS_PER_PAGE
    newest_first = query.get(NEWEST_PARAM) == "1"
    page = _positive_int(query.get(PAGE_PARAM), 1)
    if page > MAX_PAGE:
        raise Http404
    own_id = own_comment_id(query.get(OWN_PARAM, "")) if OWN_PARAM in query else None

    order = ["-created_at", "-pk"] if newest_first else ["created_at", "pk"]
    top = (
        Comment.objects.approved()
        .top_level()
        .filter(article=article)
        .order_by(*order)
        .values("pk")[(page - 1) * per_page : page * per_page + 1]
    )
    shown = Q(status=Comment.Status.APPROVED) & (Q(pk__in=top) | Q(parent__in=top))
    if own_id:
        shown |= Q(pk=own_id, status__in=[Comment.Status.PENDING, Comment.Status.SPAM])
    rows = list(
        Comment.objects.filter(article=article)
        .filter(shown)
        .order_by("created_at", "pk")
        .defer("email", "ip_hash", "body_hash", "spam_reasons")
    )

    own = next((c for c in rows if c.pk == own_id), None)
    if own is not None:
        own.waiting = True
    tops = [
        c for c in rows if c.parent_id is None and c.status == Comment.Status.APPROVED
    ]
    if newest_first:
        tops.reverse()
    has_next = len(tops) > per_page
    tops = tops[:per_page]
    if page > 1 and not tops:
        raise Http404
    threads = {c.pk: Thread(c) for c in tops}
    for comment in rows:
        if comment.parent_id in threads:
            threads[comment.parent_id].replies.append(comment)
    ordered = list(threads.values())
    if own is not None and own.parent_id is None and page == 1:
        ordered.insert(0, Thread(own))

    reply_to = None
    reply_id = _positive_int(query.get(REPLY_PARAM))
    if reply_id:
        reply_to = next(
            (c for c in rows if c.pk == reply_id and not getattr(c, "waiting", False)),
            None,
        )
    params = {
        NEWEST_PARAM: 1 if newest_first else None,
        PAGE_PARAM: page if page > 1 else None,
        REPLY_PARAM: reply_to.pk if reply_to else None,
    }
    section = CommentSection(
        threads=ordered,
        newest_first=newest_first,
        page=page,
        has_next=has_next,
        reply_to=reply_to,
        own=own,
        params=params,
    )
    for comment in rows:
        comment.reply_url = section.reply_url(comment)
    return section
