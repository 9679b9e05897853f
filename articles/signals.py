"""Decoupled reactions to saves: cache invalidation and the comment counter.

The comment counter is recomputed in the database after every save or delete of
a comment, whichever path made it (admin, bulk action, cascade, shell).

``events.comment_counts_changed`` is sent after commit whenever an article's
visible comments, counter or comment form may have changed (a comment
approved, rejected, deleted; comments opened or closed), with ``article_ids``;
the page cache's receiver here purges those articles' pages.
"""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from . import events, pagecache, rights_expiry
from .comments.blocklist import forget_blocklist
from .comments.services import comments_changed as recount
from .models import (
    Article,
    ArticleAuthor,
    Author,
    BlockedTerm,
    Category,
    Comment,
    Image,
    SiteSettings,
    Tag,
    TaggedArticle,
)
from .models.sections import forget_site_context
from .pagecache import groups
from .renditions import ensure_renditions
from .roles import sync_roles
from .services import articles_refresh_rights

# -- page cache (articles.pagecache.purging): purge exactly what a change shows


# Saving only these fields changes nothing a cached page shows.
UNSEEN_FIELDS = {"view_count", "comment_count", "updated_at", "updated_by"}


def _pages_unchanged(raw, update_fields) -> bool:
    return raw or bool(update_fields and set(update_fields) <= UNSEEN_FIELDS)


@receiver(pre_save, sender=Article)
@receiver(pre_delete, sender=Article)
def remember_article_pages(sender, instance, raw=False, update_fields=None, **kw):
    if instance.pk and not _pages_unchanged(raw, update_fields):
        instance._pages_before = pagecache.groups_before(instance.pk)


@receiver(post_save, sender=Article)
@receiver(post_delete, sender=Article)
def purge_article_pages(sender, instance, raw=False, update_fields=None, **kw):
    if _pages_unchanged(raw, update_fields):
        return
    before = getattr(instance, "_pages_before", set())
    pagecache.purge_articles_on_commit([instance.pk], before=before)


# -- listing times: tag and byline rows carry the article's publish time ------


@receiver(pre_save, sender=ArticleAuthor)
def list_byline(sender, instance, raw=False, **kwargs):
    if not raw:
        instance.listed_at = instance.article.listed_at


@receiver(pre_save, sender=TaggedArticle)
def list_tagging(sender, instance, raw=False, **kwargs):
    if not raw:
        instance.listed_at = instance.content_object.listed_at


@receiver(post_save, sender=Article)
def relist_article(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields and not {"status", "published_at"} & set(update_fields)):
        return
    listed_at = instance.listed_at
    ArticleAuthor.objects.filter(article=instance.pk).update(listed_at=listed_at)
    TaggedArticle.objects.filter(content_object=instance.pk).update(listed_at=listed_at)


@receiver([post_save, post_delete], sender=TaggedArticle)
def purge_tag_listing(sender, instance, raw=False, **kwargs):
    # The article's other pages are purged by its own save; the tag page that
    # gains or loses it is this one.
    if not raw:
        pagecache.purge_articles_on_commit(
            [instance.content_object_id], extra=[groups.tag(instance.tag_id)]
        )


@receiver([post_save, post_delete], sender=ArticleAuthor)
def purge_author_listing(sender, instance, raw=False, **kwargs):
    if not raw:
        pagecache.purge_articles_on_commit(
            [instance.article_id], extra=[groups.author(instance.author_id)]
        )


@receiver([post_save, post_delete], sender=Author)
def purge_author_pages(sender, instance, **kwargs):
    names = [groups.author(instance.pk), groups.byline(instance.pk)]
    transaction.on_commit(lambda: pagecache.purge(names))


@receiver([post_save, post_delete], sender=Tag)
def purge_tag_pages(sender, instance, **kwargs):
    names = [groups.tag(instance.pk), groups.tagname(instance.pk)]
    transaction.on_commit(lambda: pagecache.purge(names))


@receiver([post_save, post_delete], sender=Category)
@receiver([post_save, post_delete], sender=SiteSettings)
def purge_every_page(sender, **kwargs):
    # A section's name is in the menu and on every card; the paper's settings
    # in every header and footer: every page shows them.
    transaction.on_commit(pagecache.purge_all)


@receiver(events.comment_counts_changed)
def purge_comment_pages(sender, article_ids, **kwargs):
    # The article's page, and every listing whose card shows its "(N) Bình luận".
    pagecache.purge(
        {groups.article(pk) for pk in article_ids} | pagecache.groups_of(article_ids)
    )


@receiver([post_save, post_delete], sender=SiteSettings)
@receiver([post_save, post_delete], sender=Category)
def drop_site_context(sender, **kwargs):
    # Now, and again after commit: a request that re-cached the old rows
    # between the save and the commit must not keep them.
    forget_site_context()
    transaction.on_commit(forget_site_context)


@receiver([post_save, post_delete], sender=BlockedTerm)
def drop_blocklist(sender, **kwargs):
    forget_blocklist()
    transaction.on_commit(forget_blocklist)


@receiver([post_save, post_delete], sender=Comment)
def recount_comments(sender, instance, created=False, **kwargs):
    if created and instance.status != Comment.Status.APPROVED:
        return  # a new pending or spam comment changes nothing a reader sees
    recount([instance.article_id])


@receiver(post_save, sender=Image)
def refresh_articles_rights(sender, instance, created, **kwargs):
    if not created and instance.file:
        articles_refresh_rights(image=instance)


@receiver(pre_save, sender=Image)
def remember_rights_date(sender, instance, raw=False, **kwargs):
    if instance.pk and not raw:
        instance._rights_before = (
            Image.objects.filter(pk=instance.pk)
            .values_list("rights_expires_at", "file")
            .first()
        )


@receiver(post_save, sender=Image)
def apply_photo_rights(sender, instance, created, raw=False, **kwargs):
    """A new or changed rights date (or a new file for a photo with one):
    withhold or restore the files now and queue the job for the rights moment
    (``articles.rights_expiry``). Connected before ``make_renditions_on_save``
    so a restored original is in place before renditions are made from it."""
    if raw or not instance.file or (created and instance.rights_expires_at is None):
        return
    before = None if created else getattr(instance, "_rights_before", None)
    if before == (instance.rights_expires_at, instance.file.name):
        return
    rights_expiry.schedule(instance)


@receiver(post_save, sender=Image)
def make_renditions_on_save(sender, instance, raw=False, **kwargs):
    """With ``MEDIA_RENDITIONS_ON_SAVE`` (object storage), store the photo's
    renditions once the row is committed, before the admin answers, so pages
    never link a rendition the bucket lacks. A failure is logged, not raised:
    the photo is saved, and ``manage.py make_renditions`` makes what is missing.
    """
    if raw or not settings.MEDIA_RENDITIONS_ON_SAVE or not instance.file:
        return
    transaction.on_commit(lambda: ensure_renditions(instance), robust=True)


def sync_role_groups(sender, **kwargs):
    sync_roles(Group, Permission)
