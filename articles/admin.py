from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
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

from .article_admin import (  # ArticleAdmin: imported to register it
    ArticleAdmin,  # noqa: F401
    ViewerMixin,
    visible_to_viewer,
)
from .comments import admin as comment_admin  # noqa: F401  (registers the moderation queue)
from .imaging import check_image
from .models import (
    Article,
    Author,
    Category,
    Image,
    SiteSettings,
    Tag,
)
from .pictures import image_picture
from .renditions import rendition_name, widths_for
from .rights import RIGHTS_WARN_DAYS, rights_warning, vi_date_only
from .services import images_create
from .text import vi_slugify

VI_URLIFY = "admin/js/vi_urlify.js"
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
class ImageAdmin(ViewerMixin, admin.ModelAdmin):
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
            default_storage.url(
                rendition_name(
                    obj.file.name,
                    width=width,
                    ext="webp",
                    until=obj.rights_expires_at,
                )
            ),
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
        articles = list(
            visible_to_viewer(obj, obj.used_in()).select_related("category")[:50]
        )
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

    def has_change_permission(self, request, obj=None):
        """Editors change any photo; its uploader changes their own until a
        published article shows it (then what readers see is the desk's)."""
        if super().has_change_permission(request, obj):
            return True
        return (
            obj is not None
            and obj.uploaded_by_id is not None
            and obj.uploaded_by_id == request.user.pk
            and self.has_add_permission(request)
            and not self.in_published_article(obj)
        )

    @staticmethod
    def in_published_article(image) -> bool:
        """Whether an article with status "published" (scheduled included) uses it."""
        return image.used_in().filter(status=Article.Status.PUBLISHED).exists()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            image = self.get_object(request, object_id)
            warning = image and rights_warning(image)
            if warning:
                self.message_user(request, warning, messages.WARNING)
            # An uploader who may add photos loses the change permission on
            # their own only once a published article uses it: no second query.
            if (
                image
                and image.uploaded_by_id == request.user.pk
                and self.has_add_permission(request)
                and not self.has_change_permission(request, image)
            ):
                self.message_user(
                    request,
                    _(
                        "Ảnh đã dùng trong bài đã xuất bản: chỉ biên tập viên sửa "
                        "được chú thích, alt, nguồn và điểm nhấn của ảnh."
                    ),
                    messages.INFO,
                )
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
