"""A comment body as readers see it: escaped, line breaks kept.

Addresses become links only in comments a moderator has allowed links in
(``Comment.links_allowed``), and then with ``rel="nofollow ugc noopener"``.
"""

from django import template
from django.utils.html import escape, linebreaks, urlize
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def comment_body(comment) -> str:
    if comment.links_allowed:
        html = urlize(comment.body, nofollow=True, autoescape=True).replace(
            'rel="nofollow"', 'rel="nofollow ugc noopener"'
        )
    else:
        html = escape(comment.body)
    # Safe: the body was escaped (or urlized with escaping) just above.
    return mark_safe(linebreaks(html, autoescape=False))
