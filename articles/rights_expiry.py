"""Photo rights expiry: at the rights moment a photo's files stop being served.

Pages stop showing a photo at the start of the day after its rights' last day,
Vietnam time (``Image.rights_expired``), but the files themselves are served
by nginx from ``MEDIA_ROOT`` or straight from the bucket, where no Python runs.
So at that moment the files have to leave the public media space:

* the renditions are deleted (they are re-made from the original on demand,
  or on save on object storage);
* the original is moved, under the same name, to the ``private`` storage
  (``STORAGES["private"]``: a folder beside ``MEDIA_ROOT`` or a prefix of the
  bucket that neither nginx nor the bucket policy serves), so an editor who
  extends the rights gets the photo back without uploading it again;
* every article page that shows the photo (cover or body) is purged, so the
  next request renders without it instead of waiting out the page cache.

When the date changes, renditions named for the earlier date (or from before
the photo had one, cached for a year) are deleted.

``apply_rights`` makes the storage match the photo's current rights, in either
direction, and is idempotent: the job queued for the rights moment, the save
of a photo and the ``expire_photo_rights`` sweep all call it, in any order and
any number of times.
"""

import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .models import Image
from .renditions import (
    delete_renditions,
    delete_stale_renditions,
    ensure_renditions,
    rights_moment,
)
from .services import articles_refresh_rights

logger = logging.getLogger(__name__)

PRIVATE_STORAGE = "private"


def private_storage():
    return storages[PRIVATE_STORAGE]


def _copy(name: str, source, target) -> None:
    """Store ``source``'s file under exactly ``name`` on ``target``."""
    if target.exists(name):
        # A previous run stopped between the copy and the delete: the copy
        # holds the same bytes (names are never reused for other content).
        return
    with source.open(name, "rb") as handle:
        data = handle.read()
    saved = target.save(name, ContentFile(data))
    if saved != name:
        # Another worker stored it at the same moment; keep theirs.
        target.delete(saved)


def withhold(image) -> bool:
    """Take the photo's files out of the public media space. True if anything
    public was removed."""
    name = image.file.name
    public, private = default_storage, private_storage()
    removed = False
    if public.exists(name):
        _copy(name, public, private)
        public.delete(name)
        removed = True
    # Renditions are listed by their folder, so ones made for an earlier focal
    # point or rights date go too.
    return bool(delete_renditions(name)) or removed


def restore(image) -> bool:
    """Bring a withheld original back to its public name. True if it did."""
    name = image.file.name
    public, private = default_storage, private_storage()
    if public.exists(name) or not private.exists(name):
        return False
    _copy(name, private, public)
    private.delete(name)
    if settings.MEDIA_RENDITIONS_ON_SAVE:
        # On object storage nothing makes a missing rendition on request.
        ensure_renditions(image)
    return True


def apply_rights(image) -> str:
    """Make the photo's files match its rights now: "withheld", "restored" or
    "unchanged". Pages that show it are purged when it is withheld."""
    if not image.file:
        return "unchanged"
    if image.rights_expired():
        if not withhold(image):
            return "unchanged"
        # Pages decide at render time that the photo is gone (no query); the
        # purge stops pages stored before the moment from being served for the
        # rest of their 10 minutes. The same call as a photo edit: it also
        # refreshes the bodies' rights dates, for photos whose date was
        # written around the model (an old import, a script).
        articles_refresh_rights(image=image)
        logger.info("Photo rights ended: %s withheld", image.file.name)
        return "withheld"
    restored = restore(image)
    # Renditions named for an earlier rights date, or from before the photo
    # had one (cached for a year), are no longer listed by any page.
    delete_stale_renditions(image)
    if restored:
        logger.info("Photo rights extended: %s restored", image.file.name)
        return "restored"
    return "unchanged"


@task()
def expire_photo_rights(image_id: int) -> str:
    """The job queued for a photo's rights moment. It re-reads the photo: the
    editor may have moved or cleared the date since it was queued."""
    image = Image.objects.filter(pk=image_id).first()
    if image is None:
        return "gone"
    return apply_rights(image)


def schedule(image) -> None:
    """After the save commits: apply the rights now (a date moved into the
    past withholds at once; an extension restores at once) and queue the job
    for the rights moment. Nothing is queued if the save rolls back."""
    image_id, last_day = image.pk, image.rights_expires_at

    def run():
        # Queued first: if applying now fails (the bucket is down), the job
        # still comes at the moment, and the sweep catches the rest.
        if last_day is not None:
            moment = rights_moment(last_day)
            if moment > timezone.now():
                expire_photo_rights.using(run_after=moment).enqueue(image_id)
        current = Image.objects.filter(pk=image_id).first()
        if current is not None:
            apply_rights(current)

    transaction.on_commit(run, robust=True)


def sweep() -> dict[str, int]:
    """Apply the rights of every photo that has a date: for the timer, for
    photos that expired before this code ran, and after the worker was down
    at a rights moment. (A cleared date restores the photo on save.)"""
    counts = {"withheld": 0, "restored": 0, "unchanged": 0}
    photos = Image.objects.exclude(file="").filter(rights_expires_at__isnull=False)
    for image in photos.iterator(chunk_size=200):
        counts[apply_rights(image)] += 1
    return counts
