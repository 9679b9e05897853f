"""``manage.py import_article FILE [--publish]``: import one article, print its URL."""

from django.core.management.base import BaseCommand, CommandError

from articles.importer import ArticleImportError, import_article_file


class Command(BaseCommand):
    help = (
        "Nhập một bài viết từ tệp văn bản (chuyên mục, tiêu đề, dòng tác giả + "
        "thời gian, các đoạn văn, ảnh và chú thích) và in đường dẫn của bài. "
        "Nhập lại cùng tệp sẽ cập nhật bài cũ, không tạo bài trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Đường dẫn tệp bài viết (UTF-8).")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Xuất bản bài ở thời gian ghi trên dòng tác giả (mặc định: bài nháp).",
        )

    def handle(self, *args, file, publish, **options):
        try:
            article, _created = import_article_file(file, publish=publish)
        except ArticleImportError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(article.get_absolute_url())
