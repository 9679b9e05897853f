from django.core.management.base import BaseCommand

from articles.rights_expiry import sweep


class Command(BaseCommand):
    help = (
        "Take the files of every photo whose rights have ended out of the "
        "public media space (and bring back those whose rights were extended), "
        "purging the pages that show them. The job queued for each rights "
        "moment does this on time; run this from a timer to catch photos that "
        "expired before it existed or while the worker was down. Safe to rerun."
    )

    def handle(self, *args, **options):
        counts = sweep()
        self.stdout.write(
            f"Đã gỡ tệp của {counts['withheld']} ảnh hết hạn bản quyền, "
            f"khôi phục {counts['restored']} ảnh, "
            f"{counts['unchanged']} ảnh không đổi."
        )
