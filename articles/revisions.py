"""Revisions of an article's content: snapshot, readable diff, restore.

We keep our own small ``Revision`` model rather than django-reversion or
django-simple-history: we need the content an editor writes (title, sapo, body,
section, tags, byline) and nothing else, in a form we can diff word by word and
restore through the same save path as the admin. Both libraries would record
every model and field (counters included) and restore by deserialising rows,
which bypasses our sanitising and NFC rules.
"""

import difflib
import re
from dataclasses import dataclass
from html import unescape

from django.db import transaction
from django.db.models import Max
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .models import Article, ArticleAuthor, Author, Category, Revision

_BLOCK_END_RE = re.compile(r"</(p|h[1-6]|li|blockquote|figcaption|tr)>|<br\s*/?>", re.I)


@transaction.atomic
def revision_create(*, article: Article, by, note: str = "") -> Revision:
    """Keep a snapshot of ``article``'s current content (after its m2m are saved)."""
    bylines = list(
        ArticleAuthor.objects.filter(article=article)
        .select_related("author")
        .order_by("position")
    )
    last = (
        Revision.objects.select_for_update()
        .filter(article=article)
        .aggregate(n=Max("number"))["n"]
    )
    return Revision.objects.create(
        article=article,
        number=(last or 0) + 1,
        created_by=by,
        title=article.title,
        sapo=article.sapo,
        body=article.body,
        category=article.category,
        tags=sorted(article.tags.names()),
        author_ids=[line.author_id for line in bylines],
        author_names=[line.author.name for line in bylines],
        note=note[:200],
    )


@transaction.atomic
def revision_restore(*, revision: Revision, by) -> Article:
    """Put ``revision``'s content back on its article, as a new revision."""
    article = Article.objects.select_for_update().get(pk=revision.article_id)
    if article.status == Article.Status.TAKEN_DOWN:
        raise ValueError(_("Bài đã gỡ vì lý do pháp lý: lịch sử bị khóa."))
    article.title = revision.title
    article.sapo = revision.sapo
    article.body = revision.body
    if (
        revision.category_id
        and Category.objects.filter(pk=revision.category_id).exists()
    ):
        article.category_id = revision.category_id
    article.updated_by = by
    article.save()
    article.tags.set(revision.tags)
    authors = Author.objects.in_bulk(revision.author_ids)
    if authors:
        ArticleAuthor.objects.filter(article=article).delete()
        ArticleAuthor.objects.bulk_create(
            ArticleAuthor(
                article=article,
                author=authors[pk],
                position=position,
                listed_at=article.listed_at,
            )
            for position, pk in enumerate(revision.author_ids)
            if pk in authors
        )
    revision_create(
        article=article,
        by=by,
        note=_("Khôi phục từ phiên bản #%(n)d") % {"n": revision.number},
    )
    return article


def body_text(html: str) -> str:
    """The body as plain text, one line per paragraph, for diffing."""
    text = _BLOCK_END_RE.sub("\n", html or "")
    return "\n".join(
        line.strip() for line in unescape(strip_tags(text)).splitlines() if line.strip()
    )


def word_diff(old: str, new: str) -> SafeString:
    """``new`` with words removed since ``old`` in <del> and added in <ins>."""
    old_words, new_words = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    out = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            out.append(escape("".join(old_words[a1:a2])))
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(''.join(old_words[a1:a2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(''.join(new_words[b1:b2]))}</ins>")
    return mark_safe("".join(out).replace("\n", "<br>"))


@dataclass
class FieldDiff:
    label: str
    changed: bool
    html: SafeString


def revision_diff(revision: Revision, article: Article) -> list[FieldDiff]:
    """Field by field: what changed from ``revision`` to the current ``article``."""
    current = {
        "title": article.title,
        "sapo": article.sapo,
        "body": body_text(article.body),
        "category": str(article.category),
        "tags": ", ".join(sorted(article.tags.names())),
        "authors": ", ".join(a.name for a in article.byline),
    }
    then = {
        "title": revision.title,
        "sapo": revision.sapo,
        "body": body_text(revision.body),
        "category": str(revision.category or ""),
        "tags": ", ".join(revision.tags),
        "authors": ", ".join(revision.author_names),
    }
    labels = {
        "title": _("Tiêu đề"),
        "sapo": _("Sapo"),
        "body": _("Nội dung"),
        "category": _("Chuyên mục"),
        "tags": _("Thẻ"),
        "authors": _("Tác giả"),
    }
    return [
        FieldDiff(
            labels[key], then[key] != current[key], word_diff(then[key], current[key])
        )
        for key in labels
    ]
