"""Decoupled reactions to saves: cache invalidation and the comment counter.

The comment counter is recomputed in the database after every save or delete of
a comment, whichever path made it (admin, bulk action, cascade, shell).
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .context_processors import forget_site_context
from .models import Article, Category, Comment, Image, SiteSettings


@receiver([post_save, post_delete], sender=SiteSettings)
@receiver([post_save, post_delete], sender=Category)
def drop_site_context(sender, **kwargs):
    # Now, and again after commit: a request that re-cached the old rows
    # between the save and the commit must not keep them.
    forget_site_context()
    transaction.on_commit(forget_site_context)


@receiver([post_save, post_delete], sender=Comment)
def recount_comments(sender, instance, **kwargs):
    Article.objects.filter(pk=instance.article_id).refresh_comment_counts()


@receiver(post_save, sender=Image)
def refresh_articles_rights(sender, instance, created, **kwargs):
    if not created and instance.file:
        from .services import articles_refresh_rights

        articles_refresh_rights(image=instance)
