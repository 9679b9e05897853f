"""Decoupled reactions to saves: cache invalidation and the comment counter.

The comment counter is recomputed in the database after every save or delete of
a comment, whichever path made it (admin, bulk action, cascade, shell).

``comments_changed`` is sent after commit whenever an article's visible
comments, counter or comment form may have changed (a comment approved,
rejected, deleted; comments opened or closed), with ``article_ids``. A page
cache connects a receiver to it to purge those articles' pages.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from .context_processors import forget_site_context
from .models import BlockedTerm, Category, Comment, Image, SiteSettings
from .spam import forget_blocklist

comments_changed = Signal()


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
    from .services import comments_changed as recount

    recount([instance.article_id])


@receiver(post_save, sender=Image)
def refresh_articles_rights(sender, instance, created, **kwargs):
    if not created and instance.file:
        from .services import articles_refresh_rights

        articles_refresh_rights(image=instance)


def sync_role_groups(sender, **kwargs):
    from django.contrib.auth.models import Group, Permission

    from .roles import sync_roles

    sync_roles(Group, Permission)
