"""Purging groups, and the groups an article change refreshes.

A purge writes each group's purge time; a stored page or part is served only
while it was rendered after the last purge of each of its groups. So a purge
costs one write per group whatever the number of pages, a render racing a purge
is never kept, and an evicted purge time only makes pages miss.

``groups_for_article`` is the one list of what an article change refreshes; the
receivers in ``articles.signals`` call ``purge_articles_on_commit`` with it.

Scheduled articles need no purge job: every stored page expires at the next
scheduled publish or embargo time at the latest (``next_change_at``).
"""

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from newsroom.db_router import primary

from ..models import Article, ArticleAuthor, TaggedArticle
from . import groups
from .keys import GROUP_PREFIX, NEXT_CHANGE_KEY


def groups_for_article(article, *, category=None, tag_ids=(), author_ids=()):
    """Every group of pages that lists or shows ``article`` while it is public.

    Its own page; the home page; its section's page and the parent section's
    (section pages list sub-sections' articles); its tags' and authors' list
    pages; ``latest`` (feeds, sitemaps, search, and the article pages whose
    "Đừng bỏ lỡ" reaches beyond their own section); ``related:<section>`` (the
    section's article pages: "Đừng bỏ lỡ" lists the section's newest first);
    ``featured`` when it is featured (the "Nổi bật" block on article pages).

    Pages that show a tag's or an author's *name* carry ``tagname:<id>`` and
    ``byline:<id>``, purged when the tag or author changes, not when another
    article with that tag is published.
    """
    category = category or article.category
    shown = {
        groups.article(article.pk),
        groups.HOME,
        groups.LATEST,
        groups.category(category.pk),
        groups.related(category.pk),
    }
    if category.parent_id:
        shown.add(groups.category(category.parent_id))
    if article.featured:
        shown.add(groups.FEATURED)
    shown.update(groups.tag(pk) for pk in tag_ids)
    shown.update(groups.author(pk) for pk in author_ids)
    return shown


def purge(groups) -> None:
    """Stop serving every stored page that shows one of ``groups``.

    The purge time is kept in integer microseconds, rounded up, so a page
    whose render started in the same instant counts as older than the purge
    (and a Redis script can compare it without unpickling).
    """
    now = math.ceil(time.time() * 1_000_000)
    cache.set_many({GROUP_PREFIX + g: now for g in groups}, timeout=None)


def purge_all() -> None:
    purge([groups.SITE])


def next_change_at() -> float | None:
    """Epoch time of the next scheduled publish or embargo end, or None.

    Cached; ``forget_next_change`` drops it whenever an article is saved. Read
    from the primary: a lagging replica would miss the article just scheduled.
    """
    value = cache.get(NEXT_CHANGE_KEY)
    if value is None or (value and value <= time.time()):
        now = timezone.now()
        scheduled = Article.objects.filter(
            status=Article.Status.PUBLISHED, published_at__gt=now
        ).order_by("published_at")
        embargoed = Article.objects.filter(
            status=Article.Status.PUBLISHED, embargo_until__gt=now
        ).order_by("embargo_until")
        with primary():
            times = [
                t
                for t in (
                    scheduled.values_list("published_at", flat=True).first(),
                    embargoed.values_list("embargo_until", flat=True).first(),
                )
                if t
            ]
        value = min(times).timestamp() if times else 0
        cache.set(NEXT_CHANGE_KEY, value, settings.PAGE_CACHE_TIMEOUT)
    return value or None


def keep_for(timeout: int | None = None) -> int:
    """Seconds to keep something rendered now: ``timeout`` (default
    ``PAGE_CACHE_TIMEOUT``), cut short by the next scheduled publish or
    embargo end, so scheduled articles appear on time without a purge."""
    timeout = timeout or settings.PAGE_CACHE_TIMEOUT
    change = next_change_at()
    if change:
        timeout = max(1, min(timeout, int(change - time.time())))
    return timeout


def forget_next_change() -> None:
    cache.delete(NEXT_CHANGE_KEY)


def _snapshot_groups(article_ids) -> dict[int, set]:
    """Groups of each of ``article_ids`` that is public now or scheduled to be
    (read from the DB).

    A scheduled article's groups are purged too, though its pages do not show
    it yet: a page stored before it was scheduled was kept for up to
    ``PAGE_CACHE_TIMEOUT``, past its time; rendered again after the purge, it
    is kept only until that time (``keep_for``). So scheduling holds whatever
    saved the article: the admin, the importer, a script.
    """
    articles = list(
        Article.objects.published_or_scheduled()
        .filter(pk__in=list(article_ids))
        .select_related("category")
        .only("pk", "featured", "category__id", "category__parent")
    )
    if not articles:
        return {}
    ids = [a.pk for a in articles]
    tags, authors = {}, {}
    for aid, tid in TaggedArticle.objects.filter(content_object_id__in=ids).values_list(
        "content_object_id", "tag_id"
    ):
        tags.setdefault(aid, []).append(tid)
    for aid, uid in ArticleAuthor.objects.filter(article_id__in=ids).values_list(
        "article_id", "author_id"
    ):
        authors.setdefault(aid, []).append(uid)
    return {
        a.pk: groups_for_article(
            a, tag_ids=tags.get(a.pk, ()), author_ids=authors.get(a.pk, ())
        )
        for a in articles
    }


def groups_of(article_ids) -> set:
    """Every group the public ones of ``article_ids`` show now (read before a
    bulk change, for ``purge_articles_on_commit``'s ``before``)."""
    return set().union(*_snapshot_groups(article_ids).values())


def groups_before(article_id) -> set:
    """What ``article_id`` shows now, read before a change is saved.

    The purge after commit covers these groups too, so an article that leaves
    a section, a tag or "Nổi bật", or stops being public, leaves those pages.
    """
    return groups_of([article_id])


def purge_articles_on_commit(article_ids, before=(), extra=()) -> None:
    """After commit, purge every page that showed (``before``) or now shows
    the articles, plus ``extra`` groups; nothing if the transaction rolls back.
    """
    ids, names = set(article_ids), set(before) | set(extra)

    def flush():
        forget_next_change()
        now = _snapshot_groups(ids) if ids else {}
        purge(names.union(*now.values()))

    transaction.on_commit(flush)
