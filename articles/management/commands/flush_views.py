from django.core.management.base import BaseCommand

from articles.readership import flush_views


class Command(BaseCommand):
    help = (
        "Write the page views counted in the cache to the database and refresh "
        "the “Đọc nhiều” lists. Run it from cron every few minutes."
    )

    def handle(self, *args, **options):
        total = flush_views()
        self.stdout.write(f"{total} lượt xem đã ghi.")
