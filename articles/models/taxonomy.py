from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager, _TaggableManager
from taggit.models import TagBase, TaggedItemBase

from ..links import link
from ..text import canonical_tone_placement, clean_line, vi_slugify
from .base import NormalizedTextModel

# Paths the site itself owns at the root; a section slug must not shadow them.
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "api",
        "binh-luan",
        "chu-de",
        "favicon.ico",
        "healthz",
        "media",
        "robots.txt",
        "rss.xml",
        "sitemap.xml",
        "sitemap-news.xml",
        "static",
        "tac-gia",
        "tim-kiem",
        "xem-truoc",
    }
)


def validate_section_slug(value: str) -> None:
    reserved = RESERVED_SLUGS | {settings.ADMIN_URL.strip("/").split("/")[0]}
    if value in reserved:
        raise ValidationError(
            _("“%(slug)s” là đường dẫn dành riêng của trang, hãy chọn slug khác."),
            code="reserved",
            params={"slug": value},
        )


class Category(NormalizedTextModel):
    """A section of the paper (chuyên mục), e.g. "Dòng chảy"."""

    name = models.CharField(_("tên chuyên mục"), max_length=100)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        validators=[validate_section_slug],
        help_text=_("Đường dẫn của chuyên mục, ví dụ dong-chay."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("chuyên mục cha"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField(
        _("thứ tự"), default=0, help_text=_("Số nhỏ đứng trước trên menu.")
    )
    description = models.TextField(_("mô tả"), blank=True)
    show_in_menu = models.BooleanField(_("hiện trên menu"), default=True)

    class Meta:
        verbose_name = _("chuyên mục")
        verbose_name_plural = _("chuyên mục")
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")),
                name="category_not_own_parent",
            ),
            # The validator gives editors a friendly message; this keeps scripts
            # and imports from shadowing the site's own paths too.
            models.CheckConstraint(
                condition=~models.Q(slug__in=sorted(RESERVED_SLUGS)),
                name="category_slug_not_reserved",
                violation_error_message=_(
                    "Slug này là đường dẫn dành riêng của trang."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = vi_slugify(self.name, max_length=100)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return link("articles:category", slug=self.slug)

    def clean(self):
        if self.parent_id and self.pk and self.parent_id == self.pk:
            raise ValidationError(
                {"parent": _("Chuyên mục không thể là cha của chính nó.")}
            )


class Author(NormalizedTextModel):
    """A byline: a pen name like "Bình Minh", with or without a user account."""

    name = models.CharField(_("bút danh"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    bio = models.TextField(_("giới thiệu"), blank=True)
    photo = models.ForeignKey(
        "articles.Image",
        verbose_name=_("ảnh đại diện"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author_profile",
    )

    class Meta:
        verbose_name = _("tác giả")
        verbose_name_plural = _("tác giả")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = vi_slugify(self.name, max_length=100)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return link("articles:author", slug=self.slug)


def normalize_tag_name(name: str) -> str:
    """One spelling per tag: NFC, single spaces, traditional tone placement.

    So "Thanh Hoá" and "Thanh Hóa", "thuỷ điện" and "thủy điện" are one tag.
    """
    return canonical_tone_placement(clean_line(name))


class Tag(TagBase):
    """An editor's tag, with a Vietnamese ASCII slug ("Hà Nội" -> ha-noi)."""

    class Meta:
        verbose_name = _("thẻ")
        verbose_name_plural = _("thẻ")
        ordering = ["name"]

    def save(self, *args, **kwargs):
        self.name = normalize_tag_name(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return link("articles:tag", slug=self.slug)

    def slugify(self, tag, i=None):
        slug = vi_slugify(tag, max_length=90) or "the"
        return slug if i is None else f"{slug}-{i}"


class TaggedArticle(TaggedItemBase):
    tag = models.ForeignKey(
        Tag, on_delete=models.CASCADE, related_name="tagged_articles"
    )
    content_object = models.ForeignKey("articles.Article", on_delete=models.CASCADE)
    # The article's publish time while it is published (see ArticleAuthor).
    listed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("thẻ của bài")
        verbose_name_plural = _("thẻ của bài")
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="tagged_article_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["tag", "-listed_at", "-content_object"],
                name="tagged_listing_idx",
            )
        ]


class _VietnameseTagManager(_TaggableManager):
    """Normalises tag names before taggit looks them up or creates them."""

    def _to_tag_model_instances(self, tags, tag_kwargs):
        tags = [normalize_tag_name(t) if isinstance(t, str) else t for t in tags]
        tags = [t for t in tags if t != ""]
        return super()._to_tag_model_instances(tags, tag_kwargs)


def tag_manager():
    return TaggableManager(
        through=TaggedArticle,
        manager=_VietnameseTagManager,
        blank=True,
        verbose_name=_("thẻ"),
        help_text=_("Các thẻ cách nhau bằng dấu phẩy."),
    )


def parse_tag_string(value: str) -> list[str]:
    """Split an editor's tag field on commas only.

    taggit's default splits on spaces when there is no comma, which turns the
    Vietnamese tag "Hà Nội" into two tags, "Hà" and "Nội".
    """
    names = []
    for part in (value or "").split(","):
        name = normalize_tag_name(part.strip().strip('"'))
        if name and name not in names:
            names.append(name)
    return sorted(names)


def tag_string(tags) -> str:
    """The tag field's text for existing tags: names joined with commas."""
    return ", ".join(sorted(tag.name for tag in tags))
