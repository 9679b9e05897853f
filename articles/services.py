"""Article and photo workflows that touch more than one row or the outside
world. The comments' own services are in ``comments/services.py``."""

from django.db import transaction

from .comments.services import comments_changed
from .models import Article, Image
from .pagecache.purging import groups_of, purge_articles_on_commit
from .pictures import body_sources

__all__ = [
    "articles_refresh_rights",
    "articles_set_comments_enabled",
    "articles_set_featured",
    "images_create",
]


@transaction.atomic
def articles_set_featured(*, articles, featured: bool) -> int:
    """Mark ``articles`` "Nổi bật" or not, and refresh the pages that show them
    (a bulk ``update()`` sends no signal, so the purge is explicit)."""
    ids = list(articles.values_list("pk", flat=True))
    before = groups_of(ids)
    changed = Article.objects.filter(pk__in=ids).update(featured=featured)
    purge_articles_on_commit(ids, before=before)
    return changed


@transaction.atomic
def articles_set_comments_enabled(*, articles, enabled: bool) -> int:
    """Open or close comments ("Bình luận đã đóng") on ``articles``."""
    ids = list(articles.values_list("pk", flat=True))
    changed = Article.objects.filter(pk__in=ids).update(comments_enabled=enabled)
    comments_changed(ids)
    return changed


@transaction.atomic
def images_create(*, uploads, credit: str = "", rights: str = "", by=None) -> list:
    """Add each upload to the library; alt text is left for the editor to write.

    Each file is cleaned on the way to the storage (``LibraryImageFieldFile``).
    If one fails, the rows roll back and the files already written are removed.
    """
    created: list[Image] = []
    try:
        for upload in uploads:
            image = Image(credit=credit, rights=rights, uploaded_by=by)
            image.file.save(upload.name, upload, save=False)
            created.append(image)
            image.save()
    except BaseException:
        for image in created:
            image.file.delete(save=False)
        raise
    return created


def articles_refresh_rights(*, image: Image) -> int:
    """Recompute ``body_image_rights`` of the articles that show ``image``, and
    refresh their pages.

    Called when a photo is saved, so a page knows without a query which photos
    in its body have expired, and shows the photo's new alt text and credit.
    """
    changed = 0
    # Pages print the photo's alt text, caption and credit: every article that
    # shows it, as cover or in its body, is purged, whatever changed.
    shown = set(Article.objects.filter(cover=image).values_list("pk", flat=True))
    for article in Article.objects.filter(body__contains=image.file.name).only(
        "pk", "body", "body_image_rights"
    ):
        shown.add(article.pk)
        rights = Image.objects.rights_of(body_sources(article.body))
        if rights != article.body_image_rights:
            Article.objects.filter(pk=article.pk).update(body_image_rights=rights)
            changed += 1
    if shown:
        purge_articles_on_commit(shown)
    return changed
