from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from taggit.models import Tag as TaggitTag

from .imaging import check_image
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
from .pictures import body_sources, image_picture
from .renditions import rendition_name, widths_for
from .services import comments_set_status, images_create
from .text import vi_slugify
from .widgets import TagSuggestWidget

VI_URLIFY = "admin/js/vi_urlify.js"
RIGHTS_WARN_DAYS = 30
MAX_FILES_PER_UPLOAD = 50
PREVIEW_WIDTH = 640


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


class AltFilter(admin.SimpleListFilter):
    title = _("mô tả thay thế (alt)")
    parameter_name = "alt"

    def lookups(self, request, model_admin):
        return [("thieu", _("Chưa có alt")), ("co", _("Đã có alt"))]

    def queryset(self, request, queryset):
        if self.value() == "thieu":
            return queryset.missing_alt()
        if self.value() == "co":
            return queryset.exclude(alt="")
        return queryset


class RightsFilter(admin.SimpleListFilter):
    title = _("bản quyền")
    parameter_name = "ban-quyen"

    def lookups(self, request, model_admin):
        return [
            ("het-han", _("Đã hết hạn")),
            ("sap-het", _("Hết hạn trong %(days)d ngày") % {"days": RIGHTS_WARN_DAYS}),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "het-han":
            return queryset.rights_expired(today)
        if self.value() == "sap-het":
            return queryset.filter(
                rights_expires_at__gte=today,
                rights_expires_at__lte=today + timedelta(days=RIGHTS_WARN_DAYS),
            )
        return queryset


def rights_warning(image, today=None) -> str:
    """What an editor should know about a photo's rights, or ""."""
    today = today or timezone.localdate()
    if image.rights_expires_at is None:
        return ""
    if image.rights_expired(today):
        return _(
            "Ảnh “%(image)s” đã hết hạn bản quyền từ %(date)s và không còn hiển thị "
            "với bạn đọc."
        ) % {"image": image, "date": vi_date_only(image.rights_expires_at)}
    if image.rights_expires_at <= today + timedelta(days=RIGHTS_WARN_DAYS):
        return _(
            "Ảnh “%(image)s” hết hạn bản quyền sau ngày %(date)s; sau ngày đó ảnh "
            "sẽ không hiển thị với bạn đọc."
        ) % {"image": image, "date": vi_date_only(image.rights_expires_at)}
    return ""


def vi_date_only(value) -> str:
    return value.strftime("%d/%m/%Y")


def article_image_warnings(article) -> list[str]:
    """Rights warnings for the article's cover and body photos."""
    images = list(Image.objects.filter(file__in=body_sources(article.body)))
    if article.cover is not None and article.cover not in images:
        images.insert(0, article.cover)
    today = timezone.localdate()
    return [w for w in (rights_warning(image, today) for image in images) if w]


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes every file of a ``multiple`` input."""

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            if not data:
                return super().clean(None, initial)
            return [
                super(MultipleFileField, self).clean(item, initial) for item in data
            ]
        return [super().clean(data, initial)]


class MultipleImageUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Các tệp ảnh"),
        widget=MultipleImageInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
        help_text=_(
            "Chọn một hoặc nhiều ảnh JPEG, PNG, WebP, GIF (tối đa 20 MB mỗi ảnh)."
        ),
    )
    credit = forms.CharField(label=_("Nguồn ảnh (cho tất cả)"), required=False)
    rights = forms.CharField(label=_("Bản quyền / nguồn (cho tất cả)"), required=False)

    def clean_files(self):
        uploads = self.cleaned_data["files"]
        if len(uploads) > MAX_FILES_PER_UPLOAD:
            raise forms.ValidationError(
                _("Tối đa %(n)d ảnh mỗi lần tải.") % {"n": MAX_FILES_PER_UPLOAD}
            )
        errors = []
        for upload in uploads:
            try:
                check_image(upload, upload.name)
            except forms.ValidationError as error:
                errors.append(f"{upload.name}: {' '.join(error.messages)}")
            upload.seek(0)
        if errors:
            raise forms.ValidationError(errors)
        return uploads


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = [
        "thumbnail",
        "__str__",
        "credit",
        "has_alt",
        "rights_status",
        "dimensions",
        "is_placeholder",
        "created_at",
    ]
    list_display_links = ["thumbnail", "__str__"]
    list_filter = [AltFilter, RightsFilter, "is_placeholder", "created_at"]
    search_fields = ["caption", "credit", "alt", "file", "rights"]
    date_hierarchy = "created_at"
    list_per_page = 50

    class Media:
        css = {"all": ["admin/css/image_library.css"]}
        js = ["admin/js/focal_point.js"]

    readonly_fields = [
        "preview",
        "dimensions",
        "uploaded_by",
        "created_at",
        "used_in_list",
    ]
    fieldsets = [
        (None, {"fields": ["file", "preview", "alt", "caption", "credit"]}),
        (
            _("Điểm nhấn khi cắt ảnh"),
            {
                "fields": [("focal_x", "focal_y")],
                "description": _(
                    "Ảnh đại diện được cắt 16:9 và ảnh nhỏ cắt 1:1 quanh điểm này "
                    "(dấu + trên ảnh xem trước)."
                ),
            },
        ),
        (_("Bản quyền"), {"fields": ["rights", "rights_expires_at"]}),
        (
            _("Thông tin"),
            {
                "fields": [
                    "is_placeholder",
                    "dimensions",
                    "uploaded_by",
                    "created_at",
                    "used_in_list",
                ]
            },
        ),
    ]

    def get_urls(self):
        urls = super().get_urls()
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "tai-nhieu-anh/",
                self.admin_site.admin_view(self.upload_many_view),
                name="{}_{}_upload_many".format(*info),
            ),
            path(
                "chon-anh/",
                self.admin_site.admin_view(self.picker_view),
                name="{}_{}_picker".format(*info),
            ),
        ] + urls

    @admin.display(description=_("ảnh"))
    def thumbnail(self, obj):
        if not obj.file or not obj.width:
            return "—"
        return image_picture(obj, "thumb", alt="") or "—"

    @admin.display(description=_("xem trước"))
    def preview(self, obj):
        if not obj.file or not obj.width:
            return "—"
        widths = widths_for(obj.width, obj.height, None)
        width = next((w for w in widths if w >= PREVIEW_WIDTH), widths[-1])
        return format_html(
            '<div class="focal-preview" data-focal-x="{}" data-focal-y="{}">'
            '<img src="{}" alt="" width="{}" height="{}">'
            '<span class="focal-preview__mark" aria-hidden="true">+</span></div>',
            obj.focal_x,
            obj.focal_y,
            default_storage.url(rendition_name(obj.file.name, width=width, ext="webp")),
            min(width, PREVIEW_WIDTH),
            round(min(width, PREVIEW_WIDTH) * obj.height / obj.width),
        )

    @admin.display(description=_("kích thước"))
    def dimensions(self, obj):
        return f"{obj.width} × {obj.height}" if obj.width else "—"

    @admin.display(description=_("alt"), boolean=True)
    def has_alt(self, obj):
        return bool(obj.alt.strip())

    @admin.display(description=_("bản quyền"), ordering="rights_expires_at")
    def rights_status(self, obj):
        if obj.rights_expires_at is None:
            return obj.rights or "—"
        if obj.rights_expired():
            return format_html(
                '<strong class="errornote">{}</strong>',
                _("Hết hạn %(date)s") % {"date": vi_date_only(obj.rights_expires_at)},
            )
        return _("Đến %(date)s") % {"date": vi_date_only(obj.rights_expires_at)}

    @admin.display(description=_("dùng trong bài"))
    def used_in_list(self, obj):
        if not obj.pk or not obj.file:
            return "—"
        articles = list(obj.used_in().select_related("category")[:50])
        if not articles:
            return _("Chưa dùng trong bài nào.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> ({})</li>',
                (
                    (
                        reverse("admin:articles_article_change", args=[a.pk]),
                        a.title,
                        a.get_status_display(),
                    )
                    for a in articles
                ),
            ),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            image = self.get_object(request, object_id)
            warning = image and rights_warning(image)
            if warning:
                self.message_user(request, warning, messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "upload_many_url": reverse("admin:articles_image_upload_many"),
        }
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    def upload_many_view(self, request):
        """Upload several photos at once; each still needs its alt text."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = MultipleImageUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            created = images_create(
                uploads=form.cleaned_data["files"],
                credit=form.cleaned_data["credit"],
                rights=form.cleaned_data["rights"],
                by=request.user,
            )
            self.message_user(
                request,
                ngettext(
                    "Đã tải lên %(n)d ảnh. Hãy thêm mô tả thay thế (alt) trước khi "
                    "dùng ảnh trong bài xuất bản.",
                    "Đã tải lên %(n)d ảnh. Hãy thêm mô tả thay thế (alt) trước khi "
                    "dùng ảnh trong bài xuất bản.",
                    len(created),
                )
                % {"n": len(created)},
                messages.SUCCESS,
            )
            return redirect(reverse("admin:articles_image_changelist") + "?alt=thieu")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "form": form,
            "title": _("Tải nhiều ảnh"),
            "media": self.media + form.media,
        }
        return TemplateResponse(
            request, "admin/articles/image/upload_many.html", context
        )

    def picker_view(self, request):
        """The editor's "Browse..." window: choose a library photo for a figure.

        django-prose-editor opens it with ``CKEditorFuncNum``; choosing a photo
        hands its URL, alt text and caption (with the credit) back to the editor.
        """
        if not self.has_view_permission(request):
            raise PermissionDenied
        query = request.GET.get("q", "").strip()[:100]
        images = Image.objects.order_by("is_placeholder", "-created_at")
        if query:
            images, _dup = self.get_search_results(request, images, query)
        func_num = request.GET.get("CKEditorFuncNum", "")
        if not func_num.lstrip("-").isdigit():
            func_num = ""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Chọn ảnh từ thư viện"),
            "query": query,
            "func_num": func_num,
            "is_popup": True,
            "images": [
                {
                    "image": image,
                    "thumb": image_picture(image, "thumb", alt=""),
                    "url": image.file.url,
                    "caption": " ".join(
                        part for part in (image.caption, image.credit_line) if part
                    ),
                    "expired": image.rights_expired(),
                }
                for image in images[:60]
            ],
        }
        return TemplateResponse(request, "admin/articles/image/picker.html", context)


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
    autocomplete_fields = ["category", "cover"]
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

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            article = self.get_object(request, object_id)
            if article is not None:
                for warning in article_image_warnings(article):
                    self.message_user(request, warning, messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

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
