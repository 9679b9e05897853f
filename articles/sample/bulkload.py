"""Writing sample rows fast: batches, ``COPY``, and a large load's indexes.

Rows are generated in batches (``batch_size`` articles with their bylines,
tags and comments); each batch is written and committed on its own, so memory
stays flat and an interrupted run keeps what it committed. PostgreSQL gets the
rows through ``COPY ... FROM STDIN``; other databases through ``executemany``
INSERTs. The search index is filled by the database's own triggers, except in
bulk mode, where the rows carry the vector the trigger would compute.

A large load on PostgreSQL (``load(..., bulk="auto")``) drops the four tables'
secondary indexes first and recreates them at the end; ``analyse()`` then
refreshes the planner's statistics (``VACUUM ANALYZE``).
"""

import time
from dataclasses import dataclass, field

from django.db import DatabaseError, connection, transaction

from articles.models import Article, ArticleAuthor, Comment, TaggedArticle

from .generator import (
    ARTICLE_COLUMNS,
    BYLINE_COLUMNS,
    COMMENT_COLUMNS,
    COMMENT_COUNT,
    TAGGING_COLUMNS,
    VECTOR,
    Generator,
)


class Progress:
    """A progress line on stderr: rows done / total, rate, time left.

    On a terminal the line redraws in place; in a log it is a new line every
    ``log_every`` seconds. Silent when ``stream`` is None.
    """

    def __init__(self, total: int, stream=None, *, log_every: float = 10.0):
        self.total, self.stream = total, stream
        self.tty = bool(stream and stream.isatty())
        self.every = 0.5 if self.tty else log_every
        self.started = self.shown = time.monotonic()
        self.last = None

    def update(self, done: int, comments: int, *, final: bool = False) -> None:
        now = time.monotonic()
        if self.stream is None or (not final and now - self.shown < self.every):
            return
        if final and done == self.last:
            if self.tty:
                self.stream.write("")  # end the line the last update drew
            return
        self.shown, self.last = now, done
        elapsed = max(now - self.started, 1e-6)
        rate = done / elapsed
        left = (self.total - done) / rate if rate else 0
        share = done / self.total if self.total else 1
        line = (
            f"{done:,}/{self.total:,} bài viết ({share:.0%}) · "
            f"{comments:,} bình luận · {rate:,.0f} bài/s · "
            f"đã chạy {_clock(elapsed)} · còn {_clock(left)}"
        )
        if self.tty:
            self.stream.write(f"\r{line}\033[K", ending="\n" if final else "")
        else:
            self.stream.write(line)
        self.stream.flush()


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes}:{seconds:02d}"


class RowWriter:
    """Writes tuples of column values, ``COPY`` on PostgreSQL, INSERTs elsewhere.

    Rows hold Python values as the model fields hold them, except JSON, which
    is already JSON text.
    """

    def __init__(self):
        self.copy = connection.vendor == "postgresql"
        self.qn = connection.ops.quote_name
        self.sequences = {}

    def reserve_ids(self, model, count: int) -> list[int]:
        """``count`` primary keys no other writer will use, ascending."""
        if not count:
            return []
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.copy:
                if table not in self.sequences:
                    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                    self.sequences[table] = cursor.fetchone()[0]
                # One sequence name, not a lookup per row (ten times faster).
                cursor.execute(
                    "SELECT nextval(%s::regclass) FROM generate_series(1, %s)",
                    [self.sequences[table], count],
                )
                return sorted(row[0] for row in cursor.fetchall())
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {self.qn(table)}")
            start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))

    def write(self, model, attnames: list[str], rows: list) -> None:
        if not rows:
            return
        fields = [model._meta.get_field(name) for name in attnames if name != VECTOR]
        table = self.qn(model._meta.db_table)
        names = [field.column for field in fields] + [VECTOR] * (VECTOR in attnames)
        columns = ", ".join(self.qn(name) for name in names)
        with connection.cursor() as cursor:
            if self.copy:
                # The psycopg cursor under Django's wrapper.
                sql = f"COPY {table} ({columns}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
                return
            preps = [
                (lambda value, connection: value)
                if field.get_internal_type() == "JSONField"
                else field.get_db_prep_save
                for field in fields
            ]
            prepared = [
                [
                    prep(value, connection)
                    for prep, value in zip(preps, row, strict=True)
                ]
                for row in rows
            ]
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})", prepared
            )


@dataclass
class Summary:
    articles: int = 0
    published: int = 0
    bylines: int = 0
    taggings: int = 0
    comments: int = 0
    approved: int = 0
    article_ids: list = field(default_factory=list)


def generate(
    articles: int,
    comments: int = 0,
    *,
    seed: int = 0,
    days: int = 30,
    batch_size: int = 10_000,
    featured_ratio: float = 0.1,
    cover_ratio: float = 0.3,
    unpublished_ratio: float = 0.0,
    progress: Progress | None = None,
    keep_ids: bool = False,
    with_search_vector: bool = False,
) -> Summary:
    """Write ``articles`` articles and ``comments`` comments, one commit a batch.

    Comments go to public articles of the same batch, each batch taking its
    share of ``comments``; a batch with no public article hands its share on
    to the next, so only a run with no public article at all makes fewer.
    """
    generator = Generator(
        seed=seed,
        days=days,
        featured_ratio=featured_ratio,
        cover_ratio=cover_ratio,
        unpublished_ratio=unpublished_ratio,
        with_search_vector=with_search_vector,
    )
    writer = RowWriter()
    article_columns = ARTICLE_COLUMNS + [VECTOR] * with_search_vector
    summary, owed = Summary(), 0
    while summary.articles < articles:
        first = summary.articles
        count = min(batch_size, articles - first)
        owed += comments * (first + count) // articles - comments * first // articles
        with transaction.atomic():
            ids = writer.reserve_ids(Article, count)
            rows, bylines, taggings, public = generator.articles(ids, first, articles)
            notes = generator.comments(
                public, owed, lambda n: writer.reserve_ids(Comment, n)
            )
            writer.write(Article, article_columns, rows)
            writer.write(ArticleAuthor, BYLINE_COLUMNS, bylines)
            writer.write(TaggedArticle, TAGGING_COLUMNS, taggings)
            writer.write(Comment, COMMENT_COLUMNS, notes)
        owed -= len(notes)
        summary.articles += count
        summary.published += len(public)
        summary.bylines += len(bylines)
        summary.taggings += len(taggings)
        summary.comments += len(notes)
        summary.approved += sum(row[COMMENT_COUNT] for row in rows)
        if keep_ids:
            summary.article_ids.extend(ids)
        if progress:
            progress.update(summary.articles, summary.comments)
    if progress:
        progress.update(summary.articles, summary.comments, final=True)
    return summary


def generate_articles(
    count: int,
    *,
    seed: int = 0,
    days: int = 30,
    featured_ratio: float = 0.1,
    cover_ratio: float = 0.3,
) -> list[Article]:
    """Create ``count`` published articles and return them, oldest id first.

    For the demo and tests: sections and authors already in the database are
    used (sections are made when there are none); a few shared placeholder
    photos serve as covers.
    """
    summary = generate(
        count,
        seed=seed,
        days=days,
        featured_ratio=featured_ratio,
        cover_ratio=cover_ratio,
        keep_ids=True,
    )
    return list(Article.objects.filter(pk__in=summary.article_ids).order_by("pk"))


# --- PostgreSQL: indexes around a large load, statistics after -----------------

LOADED = [Article, ArticleAuthor, TaggedArticle, Comment]


def drop_secondary_indexes() -> list[tuple[str, str]]:
    """Drop the loaded tables' plain indexes; return (name, CREATE statement).

    Primary keys, unique constraints and every index behind a constraint stay,
    so the load cannot store a duplicate the schema refuses.
    """
    tables = [model._meta.db_table for model in LOADED]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(x.indexrelid)
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            WHERE t.relname = ANY(%s) AND t.relnamespace = to_regnamespace(
                current_schema())
              AND NOT x.indisprimary AND NOT x.indisunique
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                              WHERE c.conindid = x.indexrelid)
            ORDER BY i.relname
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return indexes


def skip_triggers() -> bool:
    """Turn this session's triggers off (the search trigger and the foreign-key
    checks); False when the database user may not (superuser only)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
    except DatabaseError:
        return False
    return True


def create_indexes(indexes: list[tuple[str, str]]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for _name, sql in indexes:
            cursor.execute(sql)
        cursor.execute("RESET maintenance_work_mem")


def analyse() -> str:
    """Fresh planner statistics (and, outside a transaction, the visibility map
    that index-only scans need). Returns what was run."""
    tables = [connection.ops.quote_name(model._meta.db_table) for model in LOADED]
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("ANALYZE")
            return "ANALYZE"
        for table in tables:
            cursor.execute(f"{'VACUUM (ANALYZE)' if vacuum else 'ANALYZE'} {table}")
    return "VACUUM ANALYZE" if vacuum else "ANALYZE"


def wants_bulk(choice: str, articles: int, comments: int) -> bool:
    """Bulk mode wins when the load is large and at least doubles the table."""
    if choice != "auto":
        return choice == "on"
    return articles + comments >= 200_000 and articles >= Article.objects.count()


def load(
    articles: int,
    comments: int,
    *,
    seed: int,
    days: int,
    batch_size: int,
    unpublished_ratio: float,
    bulk: str,
    progress_stream,
    say,
) -> Summary:
    """``generate()`` with PostgreSQL set up for a load, and put back after it.

    ``bulk`` is ``"auto"``, ``"on"`` or ``"off"`` (see ``wants_bulk``); ``say``
    takes the lines that tell an operator what was changed for the load, and
    ``progress_stream`` the progress line (None: no progress line). The
    indexes come back and the session settings are reset even when the load
    fails half-way.
    """
    postgres = connection.vendor == "postgresql"
    indexes, skipped = [], False
    if postgres:
        with connection.cursor() as cursor:
            # Each batch's commit need not wait for the disk: a crash loses
            # at most the last batches, never half of one.
            cursor.execute("SET synchronous_commit = off")
        if wants_bulk(bulk, articles, comments):
            skipped = skip_triggers()
            if skipped:
                say(
                    "Chế độ nạp lớn: trigger và kiểm tra khóa ngoại tắt trong "
                    "phiên này (session_replication_role = replica); cột tìm "
                    "kiếm do lệnh tự tính, khóa do lệnh cấp trước."
                )
            else:
                say("Không tắt được trigger (cần quyền superuser): nạp thường.")
            indexes = drop_secondary_indexes()
            say(
                f"Tạm bỏ {len(indexes)} chỉ mục phụ trong lúc nạp, sẽ tạo lại "
                f"khi xong: {', '.join(name for name, _sql in indexes)}"
            )
    try:
        return generate(
            articles,
            comments,
            seed=seed,
            days=days,
            batch_size=batch_size,
            unpublished_ratio=unpublished_ratio,
            # Made here so its rate counts the load, not the index drops.
            progress=Progress(articles, progress_stream),
            with_search_vector=skipped,
        )
    finally:
        if skipped:
            with connection.cursor() as cursor:
                cursor.execute("RESET session_replication_role")
        if indexes:
            mark = time.monotonic()
            say(f"Đang tạo lại {len(indexes)} chỉ mục…")
            create_indexes(indexes)
            say(f"Đã tạo lại {len(indexes)} chỉ mục ({time.monotonic() - mark:.0f} s).")
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
