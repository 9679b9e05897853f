from django.core.management.base import BaseCommand

from articles.comments.notify import notify_moderators


class Command(BaseCommand):
    help = "Email moderators the pending comments not reported yet (run from cron)."

    def handle(self, *args, **options):
        count = notify_moderators()
        self.stdout.write(f"{count} bình luận đã được báo cho người kiểm duyệt.")
