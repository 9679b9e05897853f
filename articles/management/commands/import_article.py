"""``manage.py import_article FILE [--publish] [--create-section]``: import one
article, print its URL."""

from django.core.management.base import BaseCommand, CommandError

from articles.importer import (
    ArticleImportError,
    UnknownSectionError,
    import_article_file,
)
from articles.models import Article


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
        parser.add_argument(
            "--create-section",
            action="store_true",
            help=(
                "Tạo chuyên mục (hiện trên menu) nếu trang chưa có chuyên mục ghi "
                "ở dòng đầu (mặc định: báo lỗi, không nhập gì)."
            ),
        )

    def handle(self, *args, file, publish, create_section, **options):
        try:
            article = self.import_file(
                file, publish=publish, create_section=create_section
            )
        except ArticleImportError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(article.get_absolute_url())

    def import_file(self, file, *, publish: bool, create_section: bool) -> Article:
        try:
            article, _created = import_article_file(file, publish=publish)
            return article
        except UnknownSectionError as error:
            if not create_section:
                raise CommandError(
                    f"{error} Sửa dòng chuyên mục, hoặc thêm --create-section "
                    "để tạo chuyên mục mới."
                ) from error
        # The refused import wrote nothing; this one may create the section,
        # so the section it files the article under is the new one.
        article, _created = import_article_file(
            file, publish=publish, create_section=True
        )
        section = article.category
        # On stderr: standard output stays the article's URL alone, for scripts.
        self.stderr.write(
            f"Đã tạo chuyên mục mới “{section.name}” ({section.get_absolute_url()}),"
            " hiện trên menu.",
            style_func=self.style.WARNING,
        )
        return article
