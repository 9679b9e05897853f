"""A comment body as readers see it: escaped, line breaks kept.

Addresses become links only in comments a moderator has allowed links in
(``Comment.links_allowed``), and then with ``rel="nofollow ugc noopener"``.
"""

from django import template
from django.utils import timezone
from django.utils.html import escape, format_html, linebreaks, urlize
from django.utils.safestring import mark_safe

from ..text import visible_text
from .vi_format import iso_datetime, vi_datetime

register = template.Library()


@register.filter
def comment_body(comment) -> str:
    # Comments are cleaned when stored (Comment.save); cleaning again on the
    # way out covers rows stored before that (tens of microseconds each).
    body = visible_text(comment.body, keep_newlines=True)
    if comment.links_allowed:
        html = urlize(body, nofollow=True, autoescape=True).replace(
            'rel="nofollow"', 'rel="nofollow ugc noopener"'
        )
    else:
        html = escape(body)
    # Safe: the body was escaped (or urlized with escaping) just above.
    return mark_safe(linebreaks(html, autoescape=False))


@register.simple_tag(takes_context=True)
def comment_item(context, comment):
    """One comment's meta line, body and "Trả lời" link, built in Python.

    An article page shows up to a few dozen comments and replies; as an include
    each cost the template engine more than the rest of the comment section.
    """
    article = context.get("article")
    created = timezone.localtime(comment.created_at)
    waiting = getattr(comment, "waiting", False)
    actions = ""
    if not waiting and article is not None and article.comments_enabled:
        if not context.get("preview"):
            actions = format_html(
                '<p class="comment__actions"><a href="{}" class="comment__reply">'
                "Trả lời</a></p>",
                comment.reply_url,
            )
    return format_html(
        '<p class="comment__meta"><strong>{}</strong> · <time datetime="{}">{}</time>'
        "{}</p>\n"
        '      <div class="comment__body">{}</div>\n      {}',
        visible_text(comment.name, keep_newlines=False),
        iso_datetime(created),
        vi_datetime(created),
        mark_safe(
            ' · <span class="comment__waiting">Đang chờ duyệt (chỉ bạn thấy)</span>'
        )
        if waiting
        else "",
        comment_body(comment),
        actions,
    )
