import logging

from django.core.management.base import BaseCommand

from articles.models import Image
from articles.renditions import ensure_renditions

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Make every rendition a page may list that the media storage lacks, "
        "for every library photo: after moving media to object storage, or if "
        "making them on save failed. Safe to run again; it skips what exists."
    )

    def handle(self, *args, **options):
        photos = made = failed = 0
        for image in Image.objects.exclude(file="").iterator(chunk_size=200):
            photos += 1
            try:
                made += len(ensure_renditions(image))
            except Exception:
                # One broken original must not stop the rest.
                failed += 1
                logger.exception("Cannot make renditions of %s", image.file.name)
        self.stdout.write(f"Đã tạo {made} rendition cho {photos} ảnh.")
        if failed:
            self.stderr.write(f"{failed} ảnh lỗi (xem log).")
