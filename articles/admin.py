from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag as TaggitTag

from . import comment_admin  # noqa: F401  (registers the moderation queue)
from .article_admin import ArticleAdmin  # noqa: F401 (registers the article admin)
from .models import (
    Author,
    Category,
    Image,
    SiteSettings,
    Tag,
)
from .text import vi_slugify

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
    # Explicit: Meta.ordering is dropped from the annotated (GROUP BY) queryset.
    ordering = ["position", "name"]
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


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class NewsroomUserAdmin(UserAdmin):
    """Managing editors manage accounts, but cannot hand out more power than roles.

    Only a superuser may make a superuser, grant single permissions, or edit a
    superuser's account; everyone else works through the role groups.
    """

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions"]
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)
