from django.contrib import admin, messages
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from taggit.models import Tag as TaggitTag

from .models import (
    Article,
    ArticleAuthor,
    Author,
    Category,
    Comment,
    Image,
    SiteSettings,
    Tag,
)
from .services import comments_set_status
from .text import vi_slugify
from .widgets import TagSuggestWidget

VI_URLIFY = "admin/js/vi_urlify.js"


class VietnameseSlugMedia:
    # Listing urlify.js first makes Django's media merge load ours after it,
    # so our window.URLify is the one prepopulate.js calls.
    js = ["admin/js/urlify.js", VI_URLIFY]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "parent",
        "position",
        "show_in_menu",
        "article_total",
    ]
    list_editable = ["position", "show_in_menu"]
    list_filter = ["show_in_menu", "parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    Media = VietnameseSlugMedia

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("parent")
            .annotate(_article_total=Count("articles"))
        )

    @admin.display(description=_("số bài"), ordering="_article_total")
    def article_total(self, obj):
        return obj._article_total


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "user"]
    search_fields = ["name", "slug", "user__username", "user__email"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user", "photo"]
    Media = VietnameseSlugMedia


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = [
        "thumbnail",
        "__str__",
        "credit",
        "dimensions",
        "is_placeholder",
        "created_at",
    ]
    list_display_links = ["thumbnail", "__str__"]
    list_filter = ["is_placeholder", "created_at"]
    search_fields = ["caption", "credit", "alt", "file"]
    date_hierarchy = "created_at"
    readonly_fields = ["preview", "dimensions", "uploaded_by", "created_at"]
    fields = [
        "file",
        "preview",
        "alt",
        "caption",
        "credit",
        "is_placeholder",
        "dimensions",
        "uploaded_by",
        "created_at",
    ]

    @admin.display(description=_("ảnh"))
    def thumbnail(self, obj):
        if not obj.file:
            return "—"
        return format_html(
            '<img src="{}" alt="" width="96" height="{}" style="object-fit:cover">',
            obj.file.url,
            round(96 * obj.height / obj.width) if obj.width else 64,
        )

    @admin.display(description=_("xem trước"))
    def preview(self, obj):
        if not obj.file:
            return "—"
        return format_html(
            '<img src="{}" alt="" style="max-width:480px;height:auto">', obj.file.url
        )

    @admin.display(description=_("kích thước"))
    def dimensions(self, obj):
        return f"{obj.width} × {obj.height}" if obj.width else "—"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


admin.site.unregister(TaggitTag)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "article_total"]
    search_fields = ["name", "slug"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    Media = VietnameseSlugMedia

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_article_total=Count("tagged_articles"))
        )

    @admin.display(description=_("số bài"), ordering="_article_total")
    def article_total(self, obj):
        return obj._article_total

    def get_search_results(self, request, queryset, search_term):
        """Also match the folded slug, so "HÀ NỘI" and "ha noi" find "Hà Nội".

        SQLite only folds ASCII case, so a name search alone misses them there.
        """
        results, may_have_duplicates = super().get_search_results(
            request, queryset, search_term
        )
        words = [word for word in vi_slugify(search_term).split("-") if word]
        if words:
            folded = queryset
            for word in words:
                folded = folded.filter(slug__contains=word)
            results = results | folded
        return results, may_have_duplicates


class BylineInline(admin.TabularInline):
    model = ArticleAuthor
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "position"]
    verbose_name = _("tác giả")
    verbose_name_plural = _("tác giả (theo thứ tự trên bài)")


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "category",
        "byline_names",
        "status",
        "published_at",
        "is_published",
        "featured",
        "comment_count",
        "view_count",
    ]
    list_display_links = ["title"]
    list_filter = ["status", "featured", "category", "comments_enabled", "published_at"]
    list_select_related = ["category"]
    search_fields = ["title", "sapo", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["category", "cover", "related_articles"]
    inlines = [BylineInline]
    readonly_fields = [
        "comment_count",
        "view_count",
        "created_at",
        "updated_at",
        "created_by",
    ]
    actions = ["mark_featured", "unmark_featured", "close_comments", "open_comments"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "category", "sapo", "body", "tags"]}),
        (_("Ảnh đại diện"), {"fields": ["cover", "cover_caption"]}),
        (
            _("Đừng bỏ lỡ"),
            {"fields": ["related_articles"], "classes": ["collapse"]},
        ),
        (
            _("Xuất bản"),
            {"fields": ["status", "published_at", "featured", "comments_enabled"]},
        ),
        (
            _("SEO"),
            {"fields": ["seo_title", "seo_description"], "classes": ["collapse"]},
        ),
        (
            _("Thông tin"),
            {
                "fields": [
                    "comment_count",
                    "view_count",
                    "created_by",
                    "created_at",
                    "updated_at",
                ],
                "classes": ["collapse"],
            },
        ),
    ]
    Media = VietnameseSlugMedia

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("bylines__author")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "tags":
            kwargs["widget"] = TagSuggestWidget
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("tác giả"))
    def byline_names(self, obj):
        return ", ".join(a.name for a in obj.byline)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Đánh dấu nổi bật"))
    def mark_featured(self, request, queryset):
        self._report(request, queryset.update(featured=True))

    @admin.action(description=_("Bỏ đánh dấu nổi bật"))
    def unmark_featured(self, request, queryset):
        self._report(request, queryset.update(featured=False))

    @admin.action(description=_("Đóng bình luận"))
    def close_comments(self, request, queryset):
        self._report(request, queryset.update(comments_enabled=False))

    @admin.action(description=_("Mở bình luận"))
    def open_comments(self, request, queryset):
        self._report(request, queryset.update(comments_enabled=True))

    def _report(self, request, count):
        self.message_user(
            request,
            ngettext(
                "Đã cập nhật %(n)d bài viết.", "Đã cập nhật %(n)d bài viết.", count
            )
            % {"n": count},
            messages.SUCCESS,
        )


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["name", "excerpt", "article_link", "status", "created_at"]
    list_filter = ["status", "created_at"]
    list_select_related = ["article", "article__category"]
    search_fields = ["name", "email", "body", "article__title"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["article", "parent"]
    readonly_fields = ["ip_hash", "created_at"]
    actions = ["approve", "reject", "mark_spam"]

    @admin.display(description=_("nội dung"))
    def excerpt(self, obj):
        return obj.body if len(obj.body) <= 120 else obj.body[:117] + "…"

    @admin.display(description=_("bài viết"), ordering="article__title")
    def article_link(self, obj):
        url = reverse("admin:articles_article_change", args=[obj.article_id])
        return format_html('<a href="{}">{}</a>', url, obj.article.title)

    def _set_status(self, request, queryset, status):
        changed = comments_set_status(comments=queryset, status=status)
        self.message_user(
            request,
            ngettext(
                "Đã cập nhật %(n)d bình luận.", "Đã cập nhật %(n)d bình luận.", changed
            )
            % {"n": changed},
            messages.SUCCESS,
        )

    @admin.action(description=_("Duyệt bình luận đã chọn"))
    def approve(self, request, queryset):
        self._set_status(request, queryset, Comment.Status.APPROVED)

    @admin.action(description=_("Từ chối bình luận đã chọn"))
    def reject(self, request, queryset):
        self._set_status(request, queryset, Comment.Status.REJECTED)

    @admin.action(description=_("Đánh dấu spam"))
    def mark_spam(self, request, queryset):
        self._set_status(request, queryset, Comment.Status.SPAM)


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    fieldsets = [
        (None, {"fields": ["name", "tagline", "logo"]}),
        (
            _("Thông tin pháp lý (Luật Báo chí 2016, Điều 46)"),
            {
                "fields": [
                    "governing_body",
                    "licence_number",
                    "licence_date",
                    "licence_issuer",
                    "editor_in_chief",
                    "address",
                    "phone",
                    "email",
                    "copyright",
                ]
            },
        ),
    ]

    def has_add_permission(self, request):
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        obj = SiteSettings.load()
        return redirect(reverse("admin:articles_sitesettings_change", args=[obj.pk]))
