from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField

from ..html import sanitize_body
from ..links import link
from ..pictures import (
    body_sources,
    images_missing_alt,
    unsized_sources,
    with_image_sizes,
)
from ..text import vi_slugify
from .base import NormalizedTextModel
from .comment import Comment
from .media import Image
from .readership import MostRead
from .sections import site_context
from .taxonomy import TaggedArticle, tag_manager

# How many of each kind of candidate "Đừng bỏ lỡ" ranks.
RELATED_CANDIDATES = 30


# ``published()`` reads these besides the indexed columns; carried in the
# listing indexes (PostgreSQL INCLUDE), a deep page's ids come from the index
# alone (articles.pagination).
PUBLIC_FILTER_COLUMNS = ["embargo_until"]


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles a reader may see now: published, their time has come, and
        no embargo holds them.

        An article published with a future time is scheduled: it becomes public
        at that time with no job to flip it, because this filter decides by time.
        Every public page, feed, sitemap and search goes through this method.
        """
        now = timezone.now()
        return self.filter(
            Q(embargo_until__isnull=True) | Q(embargo_until__lte=now),
            status=Article.Status.PUBLISHED,
            published_at__lte=now,
        )

    def scheduled(self):
        """Published articles whose time (or embargo) has not come yet."""
        now = timezone.now()
        return self.filter(status=Article.Status.PUBLISHED).filter(
            Q(published_at__gt=now) | Q(embargo_until__gt=now)
        )

    def published_or_scheduled(self):
        """Articles public now or waiting only for their time or embargo end:
        those whose pages a change must refresh, since pages cached before a
        scheduled time must not outlive it (``articles.pagecache``)."""
        return self.filter(status=Article.Status.PUBLISHED)

    def editable_by(self, user):
        """The articles ``user`` may open in the admin.

        Reporters see only their own: those they created or that carry their
        byline. Editors and managing editors see every article.
        """
        if user.has_perm("articles.edit_any_article"):
            return self
        own = Q(created_by=user) | Q(bylines__author__user=user)
        return self.filter(pk__in=Article.objects.filter(own).values("pk"))

    def in_category(self, category):
        """Articles filed in ``category`` or one of its direct sub-sections.

        The sub-sections come from the cached site context, so a section
        without any filters on its own id: the database then walks the
        (category, status, time) index in order, even to a deep page's offset.
        """
        sections = [category.pk, *site_context()["children"].get(category.pk, [])]
        if len(sections) == 1:
            return self.filter(category=category.pk)
        return self.filter(category__in=sections)

    # The tag and author pages order by the byline or tag row's own copy of the
    # publish time, so the database reads the newest rows of one tag or one
    # author off its index and stops at LIMIT, however big the archive; the
    # article's own published() filter still applies on top.

    def listed_by(self, author):
        """Published articles in ``author``'s byline, newest first."""
        return self.filter(
            bylines__author=author, bylines__listed_at__lte=timezone.now()
        ).order_by("-bylines__listed_at", "-bylines__article_id")

    def listed_under(self, tag):
        """Published articles tagged ``tag``, newest first."""
        return self.filter(
            taggedarticle__tag=tag, taggedarticle__listed_at__lte=timezone.now()
        ).order_by("-taggedarticle__listed_at", "-taggedarticle__content_object_id")

    def for_listing(self):
        """What a card needs (section link, cover), newest first, in one query.

        The body is deferred: cards never show it and it is the heavy column.
        """
        return (
            self.select_related("category", "cover")
            .defer("body")
            .order_by("-published_at", "-id")
        )

    def for_detail(self):
        """The article page's data: section, cover, byline in order, tags."""
        return self.select_related("category", "cover").prefetch_related(
            Prefetch(
                "bylines",
                queryset=ArticleAuthor.objects.select_related("author").order_by(
                    "position"
                ),
            ),
            "tags",
        )

    def related_to(self, article, *, tag_ids=None, candidates=RELATED_CANDIDATES):
        """ "Đừng bỏ lỡ" for ``article``: published, the article itself excluded.

        Order: the editor's own picks (``related_articles``), then articles
        sharing the most tags, then the same section, newest first within each.
        ``tag_ids`` saves a query when the caller already holds the tags.

        Candidates are bounded (the picks, the newest few hundred tagged with
        one of the tags, the section's newest) so the ranking sorts a few
        hundred rows, not the whole archive.
        """
        if tag_ids is None:
            tag_ids = list(article.tags.values_list("pk", flat=True))
        picks = Article.related_articles.through.objects.filter(from_article=article.pk)
        tagged = TaggedArticle.objects.filter(tag__in=tag_ids).order_by(
            "-content_object_id"
        )
        section_newest = (
            Article.objects.published()
            .filter(category_id=article.category_id)
            .order_by("-published_at", "-id")
            .values("pk")[:candidates]
        )
        parts = [picks.values("to_article"), section_newest]
        if tag_ids:
            parts.append(tagged.values("content_object")[: candidates * 10])
        return (
            self.published()
            .among(*parts)
            .exclude(pk=article.pk)
            .annotate(
                picked=Exists(picks.filter(to_article=OuterRef("pk"))),
                shared_tags=Coalesce(
                    Subquery(
                        TaggedArticle.objects.filter(
                            content_object=OuterRef("pk"), tag__in=tag_ids
                        )
                        .order_by()
                        .values("content_object")
                        .annotate(n=Count("pk"))
                        .values("n")
                    ),
                    0,
                ),
                same_section=Case(
                    When(category_id=article.category_id, then=Value(1)),
                    default=Value(0),
                ),
            )
            .select_related("category", "cover")
            .defer("body")
            .order_by(
                "-picked", "-shared_tags", "-same_section", "-published_at", "-id"
            )
        )

    def among(self, *id_querysets):
        """Rows whose id is in any of ``id_querysets`` (each ``.values("pk")``-like).

        One ``IN`` over a ``UNION`` of small lists: an ``OR`` of several ``IN``
        subqueries makes PostgreSQL scan the whole table instead. Each arm sits
        in a derived table because SQLite refuses ``LIMIT`` inside a UNION arm.
        """
        sqls, params = [], []
        for number, ids in enumerate(id_querysets):
            sql, arm_params = ids.query.sql_with_params()
            sqls.append(f"SELECT * FROM ({sql}) AS among_{number}")
            params.extend(arm_params)
        return self.filter(pk__in=RawSQL(" UNION ".join(sqls), params))

    def section_blocks(self, size):
        """The ``size`` newest public articles of each menu section, its
        sub-sections included: ``[(section, articles), ...]`` in menu order,
        sections with none left out (the home page's blocks).

        One query whatever the number of sections: a ``LIMIT`` query per
        section, each walking an index from the newest end, joined with
        ``UNION ALL``. (A window function numbering every published article of
        the menu sections reads them all: at a million articles, a full scan.)
        """
        data = site_context()
        menu = data["menu"]
        if not menu:
            return []
        children = data.get("children", {})
        published = self.published()
        parts = {
            c.pk: published.filter(category__in=[c.pk, *children.get(c.pk, ())])
            .order_by("-published_at", "-id")
            .values("pk")[:size]
            for c in menu
        }
        if connections[self.db].features.supports_slicing_ordering_in_compound:
            # PostgreSQL: each part walks its index and stops after a few rows.
            first, *rest = parts.values()
            rows = self.for_listing().filter(
                pk__in=first.union(*rest, all=True) if rest else first
            )
        else:
            # SQLite allows no LIMIT inside UNION, but does inside IN.
            cond = Q()
            for q in parts.values():
                cond |= Q(pk__in=q)
            rows = self.for_listing().filter(cond)
        section_of = {pk: pk for pk in parts}
        for pk, subs in children.items():
            for sub in subs:
                section_of[sub] = pk
        by_section = {c.pk: (c, []) for c in menu}
        for article in rows:  # newest first (for_listing's order)
            by_section[section_of[article.category_id]][1].append(article)
        return [block for block in by_section.values() if block[1]]

    def with_rankings(self):
        """Annotate ``day_position`` and ``week_position`` in "Đọc nhiều" (or None).

        One LEFT JOIN per window on the small ``MostRead`` table; narrow the rows
        first with ``ranked()`` or ``among()``.
        """
        return self.annotate(
            day_rank=FilteredRelation("rankings", condition=Q(rankings__window="day")),
            week_rank=FilteredRelation(
                "rankings", condition=Q(rankings__window="week")
            ),
            day_position=F("day_rank__position"),
            week_position=F("week_rank__position"),
        )

    def ranked(self):
        """Articles in a "Đọc nhiều" list (positions from ``with_rankings()``)."""
        return self.among(MostRead.objects.values("article"))

    def refresh_comment_counts(self):
        """Recount approved comments in the database, for every row in ``self``.

        One UPDATE with a subquery, never a read-modify-write in Python. Callers
        that may race (moderators) go through ``comments.services.comments_changed``,
        which locks the article rows first so each recount sees the others.
        """
        approved = (
            Comment.objects.filter(
                article=OuterRef("pk"), status=Comment.Status.APPROVED
            )
            # A reply shows only under an approved comment, so only then counts.
            .filter(Q(parent__isnull=True) | Q(parent__status=Comment.Status.APPROVED))
            .order_by()
            .values("article")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.update(comment_count=Coalesce(Subquery(approved), 0))


class Article(NormalizedTextModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Bài nháp")
        SUBMITTED = "submitted", _("Chờ biên tập")
        RETURNED = "returned", _("Trả lại")
        APPROVED = "approved", _("Chờ xuất bản")
        PUBLISHED = "published", _("Đã xuất bản")
        UNPUBLISHED = "unpublished", _("Đã gỡ")
        TAKEN_DOWN = "taken_down", _("Gỡ vì lý do pháp lý")

        @classmethod
        def in_progress(cls):
            return [cls.DRAFT, cls.SUBMITTED, cls.RETURNED, cls.APPROVED]

    title = models.CharField(_("tiêu đề"), max_length=300)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        blank=True,
        help_text=_("Để trống để tạo tự động từ tiêu đề."),
    )
    sapo = models.TextField(_("sapo"), blank=True, help_text=_("Đoạn dẫn đầu bài."))
    body = ProseEditorField(
        _("nội dung"),
        extensions=settings.PROSE_EDITOR_EXTENSIONS,
        sanitize=True,
        blank=True,
    )
    category = models.ForeignKey(
        "articles.Category",
        verbose_name=_("chuyên mục"),
        on_delete=models.PROTECT,
        related_name="articles",
    )
    authors = models.ManyToManyField(
        "articles.Author",
        through="ArticleAuthor",
        verbose_name=_("tác giả"),
        related_name="articles",
    )
    tags = tag_manager()
    cover = models.ForeignKey(
        "articles.Image",
        verbose_name=_("ảnh đại diện"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cover_of",
    )
    cover_caption = models.TextField(
        _("chú thích ảnh đại diện"),
        blank=True,
        help_text=_("Để trống để dùng chú thích của ảnh trong thư viện."),
    )
    body_image_rights = models.JSONField(
        _("hạn bản quyền ảnh trong nội dung"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("Tệp ảnh -> ngày cuối được hiển thị, cho các ảnh có hạn."),
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("thời gian xuất bản"),
        null=True,
        blank=True,
        help_text=_("Đặt thời điểm trong tương lai để hẹn giờ xuất bản."),
    )
    embargo_until = models.DateTimeField(
        _("cấm đăng đến"),
        null=True,
        blank=True,
        help_text=_(
            "Giữ bài khỏi mọi trang, RSS, sitemap và tìm kiếm đến thời điểm này, "
            "kể cả khi đã xuất bản. Chỉ thư ký tòa soạn đặt hoặc bỏ."
        ),
    )
    modified_at = models.DateTimeField(
        _("cập nhật nội dung lúc"),
        null=True,
        blank=True,
        help_text=_("Thời điểm cập nhật quan trọng gần nhất, hiện cho bạn đọc."),
    )
    featured = models.BooleanField(_("nổi bật"), default=False)
    comments_enabled = models.BooleanField(_("cho phép bình luận"), default=True)
    related_articles = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="+",
        verbose_name=_("tin liên quan chọn tay"),
        help_text=_(
            "Để trống để tự chọn theo thẻ chung rồi cùng chuyên mục. "
            "Bài chọn ở đây đứng đầu khối “Đừng bỏ lỡ”."
        ),
    )
    seo_title = models.CharField(_("tiêu đề SEO"), max_length=100, blank=True)
    seo_description = models.CharField(_("mô tả SEO"), max_length=300, blank=True)
    view_count = models.PositiveIntegerField(_("lượt xem"), default=0, editable=False)
    comment_count = models.PositiveIntegerField(
        _("số bình luận"), default=0, editable=False
    )
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người sửa cuối"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(
        _("phiên bản"),
        default=0,
        editable=False,
        help_text=_("Tăng sau mỗi lần lưu; phát hiện hai người sửa cùng lúc."),
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("bài viết")
        verbose_name_plural = _("bài viết")
        # Unscheduled drafts (no time yet) last on every database.
        ordering = [models.F("published_at").desc(nulls_last=True), "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_time",
            ),
        ]
        permissions = [
            ("edit_any_article", _("Sửa bài của mọi người")),
            ("submit_article", _("Gửi bài chờ biên tập")),
            ("approve_article", _("Duyệt hoặc trả lại bài")),
            ("publish_article", _("Xuất bản, hẹn giờ, gỡ bài")),
            ("feature_article", _("Đánh dấu bài nổi bật")),
            ("embargo_article", _("Đặt hoặc bỏ lệnh cấm đăng")),
            ("takedown_article", _("Gỡ bài vì lý do pháp lý")),
        ]
        # Every listing orders by (published_at DESC, id DESC): the id is in
        # each index so the database reads rows in order and stops at LIMIT,
        # with no sort step (checked with EXPLAIN in tests/articles/test_indexes.py).
        indexes = [
            # Home "Tin mới", feeds, sitemaps, "Đừng bỏ lỡ" beyond the section.
            models.Index(
                fields=["status", "-published_at", "-id"],
                name="article_latest_idx",
                include=PUBLIC_FILTER_COLUMNS,
            ),
            # Section pages and the home page's per-section blocks.
            models.Index(
                fields=["category", "status", "-published_at", "-id"],
                name="article_section_idx",
                include=PUBLIC_FILTER_COLUMNS,
            ),
            # "Nổi bật".
            models.Index(
                fields=["featured", "status", "-published_at", "-id"],
                name="article_featured_idx",
                include=PUBLIC_FILTER_COLUMNS,
            ),
            # The next embargo to lift (articles.pagecache.next_change_at).
            models.Index(
                fields=["embargo_until"],
                name="article_embargo_idx",
                condition=Q(embargo_until__isnull=False),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def listed_at(self):
        """What the tag and byline rows copy: the publish time while published."""
        return self.published_at if self.status == self.Status.PUBLISHED else None

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = vi_slugify(self.title, max_length=200) or "bai-viet"
        body = sanitize_body(self.body)
        sizes = Image.objects.sizes_of(unsized_sources(body))
        self.body = with_image_sizes(body, sizes)
        self.body_image_rights = Image.objects.rights_of(body_sources(self.body))
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        self.version += 1
        super().save(*args, **kwargs)

    def clean(self):
        """A published article's photos all carry alt text."""
        super().clean()
        if self.status == self.Status.PUBLISHED:
            errors = self.missing_alt_errors()
            if errors:
                raise ValidationError(errors)

    def missing_alt_errors(self) -> dict[str, str]:
        """Why this article's photos may not be published yet, by field."""
        errors = {}
        if self.cover_id and not self.cover.alt.strip():
            errors["cover"] = _(
                "Ảnh đại diện chưa có mô tả thay thế (alt). Hãy thêm alt trong "
                "thư viện ảnh trước khi xuất bản."
            )
        missing = images_missing_alt(sanitize_body(self.body))
        if missing:
            errors["body"] = _(
                "%(n)d ảnh trong nội dung chưa có mô tả thay thế (alt): %(names)s. "
                "Hãy thêm alt trước khi xuất bản."
            ) % {"n": len(missing), "names": ", ".join(missing[:5])}
        return errors

    def get_absolute_url(self):
        return link(
            "articles:detail", category=self.category.slug, slug=self.slug, pk=self.pk
        )

    def is_published(self) -> bool:
        """Return True if a reader may see the article now (see ``published()``)."""
        now = timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= now
            and not self.is_embargoed(now)
        )

    def is_embargoed(self, now=None) -> bool:
        """True while an embargo holds the article back."""
        return self.embargo_until is not None and self.embargo_until > (
            now or timezone.now()
        )

    def is_scheduled(self) -> bool:
        """Published, but waiting for its time or its embargo."""
        return self.status == self.Status.PUBLISHED and not self.is_published()

    @property
    def workflow_label(self) -> str:
        """The status as editors say it, "Hẹn giờ" for a scheduled article."""
        return str(_("Hẹn giờ")) if self.is_scheduled() else self.get_status_display()

    is_published.boolean = True
    is_published.short_description = _("đang hiển thị")

    @property
    def byline(self) -> list:
        """The article's authors in byline order (uses the prefetch when present)."""
        return [line.author for line in self.bylines.all()]

    @property
    def display_caption(self) -> str:
        return self.cover_caption or (self.cover.caption if self.cover else "")

    @property
    def cover_in_body(self) -> bool:
        """True when the cover photo already appears as a figure in the body."""
        return bool(self.cover and self.cover.file and self.cover.file.url in self.body)

    @property
    def meta_title(self) -> str:
        return self.seo_title or self.title

    @property
    def meta_description(self) -> str:
        return self.seo_description or self.sapo[:300]


class ArticleAuthor(models.Model):
    """One name in an article's byline, in order."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="bylines"
    )
    author = models.ForeignKey(
        "articles.Author",
        verbose_name=_("tác giả"),
        on_delete=models.PROTECT,
        related_name="bylines",
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    # The article's publish time while it is published, else NULL (kept by
    # articles.signals): the author page reads its newest articles straight
    # off (author, listed_at, article) instead of checking the whole archive.
    listed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("tác giả của bài")
        verbose_name_plural = _("tác giả của bài")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "author"], name="byline_unique_author"
            ),
        ]
        indexes = [
            models.Index(
                fields=["author", "-listed_at", "-article"], name="byline_listing_idx"
            )
        ]

    def __str__(self):
        return str(self.author)
