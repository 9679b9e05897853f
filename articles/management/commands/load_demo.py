"""``manage.py load_demo``: the demo content ``make run`` serves. Safe to re-run.

Site settings, sections and authors are created when missing (an editor's
changes are kept), the seed article is imported through the importer, demo
articles are topped up to ``DEMO_ARTICLES``, and an ``admin`` superuser is made
with a random password written to ``.admin-password`` (mode 0600).
"""

import os
import random
import secrets
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.importer import ArticleImportError, import_article_file
from articles.models import Article, Author, Category, Comment, SiteSettings
from articles.sample.bulkload import generate_articles
from articles.sample.vocabulary import AUTHORS, SECTIONS
from articles.text import vi_slugify

DEMO_ARTICLES = 30
DEMO_SEED = 2023
ADMIN_USERNAME = "admin"
SITE = {
    "name": "Newsroom",
    "tagline": "Tin tức nhanh, chính xác, tin cậy",
    "governing_body": "Hội Nhà báo Việt Nam (dữ liệu mẫu)",
    "licence_number": "123/GP-BTTTT",
    "licence_date": date(2023, 5, 15),
    "licence_issuer": "Bộ Thông tin và Truyền thông",
    "editor_in_chief": "Nguyễn Văn An",
    "address": "123 Nguyễn Du, phường Bến Thành, Quận 1, TP.HCM",
    "phone": "(028) 3822 1234",
    "email": "toasoan@newsroom.example",
    "copyright": "© Newsroom. Ghi rõ nguồn khi phát hành lại thông tin từ website này.",
}
COMMENTS = [
    ("Nguyễn Hoàng", "Bài viết rất thiết thực, mong có thêm nhiều thông tin như vậy."),
    ("Trần Mai", "Cảm ơn tòa soạn đã cập nhật kịp thời."),
    ("Lê Quang", "Hy vọng kế hoạch sớm được triển khai trên thực tế."),
    ("Phạm Thu", "Thông tin hữu ích, tôi đã chia sẻ cho gia đình."),
]


def default_seed_file() -> Path:
    return Path(settings.BASE_DIR) / "demo" / "000_acd85ecf6e6c6313.txt"


def default_password_file() -> Path:
    return Path(settings.BASE_DIR) / ".admin-password"


class Command(BaseCommand):
    help = "Nạp nội dung demo (chạy lại nhiều lần vẫn an toàn) và tạo tài khoản admin."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password-file",
            type=Path,
            default=None,
            help="Nơi lưu mật khẩu admin (mặc định: BASE_DIR/.admin-password).",
        )
        parser.add_argument(
            "--seed-file", type=Path, default=None, help="Bài mẫu để nhập."
        )

    def handle(self, *args, password_file, seed_file, **options):
        # Each step is idempotent and atomic on its own (the importer also
        # removes files it wrote when it fails), so a failed run is fixed by
        # running again; an outer transaction could not take back media files.
        load_site_settings()
        load_sections()
        load_authors()
        seed = self.import_seed(seed_file or default_seed_file())
        made = load_demo_articles(exclude=seed)
        self.stdout.write(
            f"Nội dung demo: {Article.objects.count()} bài viết "
            f"({len(made)} bài mới), bài mẫu {seed.get_absolute_url()}"
        )
        self.ensure_admin(password_file or default_password_file())

    def import_seed(self, path: Path) -> Article:
        try:
            article, _created = import_article_file(path, publish=True)
        except ArticleImportError as error:
            raise CommandError(str(error)) from error
        if not article.featured:
            article.featured = True
            article.save(update_fields=["featured"])
        return article

    def ensure_admin(self, password_file: Path) -> None:
        host = os.environ.get("HOST", "127.0.0.1")
        port = os.environ.get("PORT", "8000")
        login = f"http://{host}:{port}/{settings.ADMIN_URL}"
        users = get_user_model().objects
        if not users.filter(username=ADMIN_USERNAME).exists():
            password = secrets.token_urlsafe(12)
            users.create_superuser(ADMIN_USERNAME, "admin@newsroom.example", password)
            write_secret(password_file, password)
            self.stdout.write(
                f"Đã tạo tài khoản quản trị: {login}\n"
                f"  tên đăng nhập: {ADMIN_USERNAME}\n"
                f"  mật khẩu: {password}  (đã lưu trong {password_file})"
            )
            return
        self.stdout.write(f"Trang quản trị: {login}  tên đăng nhập: {ADMIN_USERNAME}")
        if password_file.is_file():
            password = password_file.read_text(encoding="utf-8").strip()
            self.stdout.write(f"  mật khẩu (trong {password_file}): {password}")
        else:
            self.stdout.write(
                f"  mật khẩu đã đặt trước đây; {password_file} không còn. "
                f"Đặt lại bằng: python manage.py changepassword {ADMIN_USERNAME}"
            )


def write_secret(path: Path, secret: str) -> None:
    """Write ``secret`` to ``path`` readable by the owner only (0600)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secret + "\n")
    os.chmod(path, 0o600)  # O_CREAT's mode does not apply to an existing file


def load_site_settings() -> SiteSettings:
    """Fill the empty legal-footer fields; values an editor set are kept."""
    site = SiteSettings.load()
    changed = [name for name in SITE if not getattr(site, name)]
    for name in changed:
        setattr(site, name, SITE[name])
    if changed:
        site.save()
    return site


def load_sections() -> None:
    for name, slug, position in SECTIONS:
        Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": position}
        )


def load_authors() -> None:
    for name in AUTHORS:
        Author.objects.get_or_create(slug=vi_slugify(name), defaults={"name": name})


def load_demo_articles(*, exclude: Article) -> list[Article]:
    """Top the demo up to ``DEMO_ARTICLES`` articles besides the seed."""
    missing = DEMO_ARTICLES - Article.objects.exclude(pk=exclude.pk).count()
    if missing <= 0:
        return []
    rng = random.Random(DEMO_SEED)
    with transaction.atomic():
        made = generate_articles(missing, seed=DEMO_SEED, days=14, featured_ratio=0.15)
        for article in rng.sample(made, min(8, len(made))):
            for name, body in rng.sample(COMMENTS, rng.randint(1, 3)):
                Comment.objects.create(
                    article=article,
                    name=name,
                    email=f"{vi_slugify(name)}@example.com",
                    body=body,
                    status=Comment.Status.APPROVED,
                )
    return made
