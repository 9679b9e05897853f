"""``manage.py generate_content --articles N [--comments M]``: realistic demo data.

Built for a million articles and five million comments. This module reads the
options and reports; ``articles.sample`` makes the rows (``generator``, from
the seed) and writes them (``bulkload``: batches, ``COPY`` on PostgreSQL, a
large load's indexes, ``VACUUM ANALYZE``).

The same seed gives the same rows in the same order; only the times move
with the clock.
"""

import resource
import time

from django.core.management.base import BaseCommand, CommandError

from articles import pagecache
from articles.context_processors import forget_site_context
from articles.sample.bulkload import analyse, load


class Command(BaseCommand):
    help = (
        "Tạo bài viết và bình luận mẫu tiếng Việt (cho demo và đo hiệu năng), "
        "theo từng lô, mỗi lô một lần commit."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, required=True, help="Số bài viết.")
        parser.add_argument(
            "--comments", type=int, default=0, help="Số bình luận (mặc định 0)."
        )
        parser.add_argument("--seed", type=int, default=0, help="Hạt giống ngẫu nhiên.")
        parser.add_argument(
            "--days", type=int, default=30, help="Rải thời gian đăng trong N ngày qua."
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=10_000,
            help="Số bài viết mỗi lô (mỗi lô một commit; mặc định 10000).",
        )
        parser.add_argument(
            "--unpublished-ratio",
            type=float,
            default=0.03,
            help="Tỉ lệ bài chưa công khai: nháp, chờ duyệt, hẹn giờ, đã gỡ "
            "(mặc định 0.03).",
        )
        parser.add_argument(
            "--bulk",
            choices=["auto", "on", "off"],
            default="auto",
            help="PostgreSQL: chế độ nạp lớn (on): bỏ các chỉ mục phụ rồi tạo lại "
            "khi xong, tắt trigger trong phiên và tự tính cột tìm kiếm; off: giữ "
            "nguyên; auto (mặc định): bật khi khối lượng lớn.",
        )

    def handle(self, *args, articles, comments, seed, days, batch_size, **options):
        ratio = options["unpublished_ratio"]
        if articles < 0 or comments < 0 or days < 1 or batch_size < 1:
            raise CommandError(
                "--articles, --comments phải >= 0; --days, --batch-size phải >= 1."
            )
        if not 0 <= ratio <= 1:
            raise CommandError("--unpublished-ratio phải trong khoảng 0..1.")
        verbose = options["verbosity"] > 0
        say = self.stderr.write if verbose else (lambda *a, **k: None)
        started = time.monotonic()
        summary = load(
            articles,
            comments,
            seed=seed,
            days=days,
            batch_size=batch_size,
            unpublished_ratio=ratio,
            bulk=options["bulk"],
            progress_stream=self.stderr if verbose else None,
            say=say,
        )
        # The rows went in past the signals that purge (COPY, bulk_create): a
        # running server must not go on serving the pages and menu of before.
        pagecache.purge_all()
        pagecache.forget_next_change()
        forget_site_context()
        loaded = time.monotonic()
        ran = analyse()
        finished = time.monotonic()
        rows = summary.articles + summary.bylines + summary.taggings + summary.comments
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        say(
            f"{ran}: {finished - loaded:.0f} s. Tổng {finished - started:.0f} s, "
            f"{rows / max(loaded - started, 1e-6):,.0f} dòng/s khi nạp, "
            f"bộ nhớ đỉnh {peak} MB."
        )
        self.stdout.write(
            f"Đã tạo {summary.articles} bài viết ({summary.published} đang hiển thị), "
            f"{summary.bylines} dòng tác giả, {summary.taggings} thẻ gắn bài, "
            f"{summary.comments} bình luận ({summary.approved} đã duyệt hiển thị)."
        )
