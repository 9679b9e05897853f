from django.core.management.base import BaseCommand
from django.db import connection, transaction

from articles.search import install_search_index


class Command(BaseCommand):
    help = (
        "Re-create the full-text index, its triggers and its content from the "
        "articles table (after restoring a dump, or changing how text is folded)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            install_search_index(connection, rebuild=True)
        self.stdout.write("Đã dựng lại chỉ mục tìm kiếm.")
