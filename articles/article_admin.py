"""The article admin: where reporters write and editors move articles through
the workflow. Registered from ``articles.admin``."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from .models import Article, ArticleAuthor, Correction, PreviewLink, Revision
from .preview import preview_link_create, preview_link_revoke, preview_url
from .revisions import revision_create, revision_diff, revision_restore
from .rights import article_image_warnings
from .services import articles_set_comments_enabled, articles_set_featured
from .widgets import TagSuggestWidget
from .workflow import (
    TRANSITIONS,
    WorkflowError,
    article_transition,
    available_transitions,
    not_ready,
)

Status = Article.Status
# The name of the change form's workflow buttons: the form is saved, then the
# step named by the button's value is confirmed (ArticleAdmin.response_change).
WORKFLOW_BUTTON = "_workflow"


class ViewerMixin:
    """Keep the requesting user on the object its change page shows.

    Read-only fields are drawn from the object alone, with no request; those
    that list other articles must list only the ones this user may open.
    """

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj.admin_viewer = request.user
        return obj


def visible_to_viewer(obj, articles):
    """``articles`` (an Article queryset) narrowed to what ``obj``'s viewer may
    open in the admin; nothing when no viewer was recorded."""
    viewer = getattr(obj, "admin_viewer", None)
    if viewer is None:
        return articles.none()
    return articles.editable_by(viewer)


class ArticleAdminForm(forms.ModelForm):
    """The article form, with a guard against overwriting someone's newer save."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    mark_updated = forms.BooleanField(
        label=gettext_lazy("Cập nhật quan trọng"),
        required=False,
        help_text=gettext_lazy(
            "Đánh dấu khi nội dung thay đổi đáng kể: bạn đọc sẽ thấy "
            "“Cập nhật: <thời gian>”. Sửa lỗi chính tả thì để trống."
        ),
    )

    class Meta:
        model = Article
        # The admin narrows this to its fieldsets and read-only fields per role.
        fields = [
            "title",
            "slug",
            "category",
            "sapo",
            "body",
            "tags",
            "cover",
            "cover_caption",
            "related_articles",
            "published_at",
            "embargo_until",
            "featured",
            "comments_enabled",
            "seo_title",
            "seo_description",
        ]
        widgets = {"tags": TagSuggestWidget}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version

    def clean_related_articles(self):
        chosen = self.cleaned_data["related_articles"]
        field = self.fields["related_articles"]
        if not self.instance.pk:
            return chosen
        # Picks outside the field's choices (an editor's, of articles this user
        # may not open) were never shown, so they were not removed: keep them.
        unseen = self.instance.related_articles.exclude(
            pk__in=field.queryset.values("pk")
        )
        return Article.objects.filter(
            Q(pk__in=chosen.values("pk")) | Q(pk__in=unseen.values("pk"))
        )

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            # The admin runs the whole request in a transaction: the row stays
            # locked until this save commits, so two saves cannot interleave.
            current = (
                # of=("self",): PostgreSQL cannot lock the outer-joined user row.
                Article.objects.select_for_update(of=("self",))
                .filter(pk=self.instance.pk)
                .values("version", "updated_at", "updated_by__username")
                .first()
            )
            seen = cleaned.get("seen_version")
            if current and seen != current["version"]:
                raise ValidationError(
                    _(
                        "Bài đã được %(who)s lưu lúc %(when)s, sau khi bạn mở. "
                        "Nội dung bạn vừa sửa vẫn còn dưới đây và chưa được lưu: "
                        "hãy sao chép phần của bạn, mở lại bài (bản mới nhất) "
                        "rồi sửa tiếp."
                    ),
                    code="conflict",
                    params={
                        "who": current["updated_by__username"] or _("người khác"),
                        "when": timezone.localtime(current["updated_at"]).strftime(
                            "%d/%m/%Y %H:%M:%S"
                        ),
                    },
                )
        return cleaned


class BylineFormSet(forms.BaseInlineFormSet):
    """An article that has gone to the desk or out keeps at least one byline."""

    def clean(self):
        super().clean()
        if self.instance.status in (Status.DRAFT, Status.RETURNED):
            return  # a draft may be saved unsigned; the workflow asks at "submit"
        # Rows the post leaves out stay as they are, so count what the save
        # leaves: the existing bylines not deleted, plus the new ones.
        deleted = {
            form.instance.pk
            for form in self.initial_forms
            if self._should_delete_form(form)
        }
        kept = self.get_queryset().exclude(pk__in=deleted).exists() or any(
            form.cleaned_data.get("author") and not self._should_delete_form(form)
            for form in self.extra_forms
        )
        if not kept:
            raise ValidationError(
                _("Bài đã gửi biên tập hoặc đã xuất bản phải có ít nhất một tác giả."),
                code="byline_required",
            )


class BylineInline(admin.TabularInline):
    model = ArticleAuthor
    formset = BylineFormSet
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "position"]
    verbose_name = gettext_lazy("tác giả")
    verbose_name_plural = gettext_lazy("tác giả (theo thứ tự trên bài)")


class CorrectionInline(admin.TabularInline):
    model = Correction
    extra = 0
    fields = ["kind", "text", "created_at", "created_by"]
    readonly_fields = ["created_at", "created_by"]


class MyArticlesFilter(admin.SimpleListFilter):
    title = gettext_lazy("người viết")
    parameter_name = "cua-toi"

    def lookups(self, request, model_admin):
        return [("1", _("Bài của tôi"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            mine = Q(created_by=request.user) | Q(bylines__author__user=request.user)
            return queryset.filter(pk__in=Article.objects.filter(mine).values("pk"))
        return queryset


class WorkflowStatusFilter(admin.SimpleListFilter):
    title = gettext_lazy("trạng thái")
    parameter_name = "trang-thai"

    def lookups(self, request, model_admin):
        return [("scheduled", _("Hẹn giờ")), *Status.choices]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "scheduled":
            return queryset.scheduled()
        if value in Status.values:
            return queryset.filter(status=value)
        return queryset


@admin.register(Article)
class ArticleAdmin(ViewerMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    list_display = [
        "title",
        "status_badge",
        "category",
        "byline_names",
        "published_at",
        "updated_by",
        "updated_at",
        "featured",
        "comment_count",
    ]
    list_display_links = ["title"]
    list_filter = [
        WorkflowStatusFilter,
        MyArticlesFilter,
        "category",
        ("bylines__author", admin.RelatedOnlyFieldListFilter),
        "featured",
        "comments_enabled",
        "published_at",
    ]
    list_select_related = ["category", "updated_by"]
    search_fields = ["title", "sapo", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["category", "cover", "related_articles"]
    inlines = [BylineInline, CorrectionInline]
    actions = ["mark_featured", "unmark_featured", "close_comments", "open_comments"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "category",
                    "sapo",
                    "body",
                    "tags",
                    "seen_version",
                ]
            },
        ),
        (gettext_lazy("Ảnh đại diện"), {"fields": ["cover", "cover_caption"]}),
        (
            gettext_lazy("Đừng bỏ lỡ (chọn tay)"),
            {"fields": ["related_articles"], "classes": ["collapse"]},
        ),
        (
            gettext_lazy("Xuất bản"),
            {
                "fields": [
                    "status",
                    "published_at",
                    "embargo_until",
                    "featured",
                    "comments_enabled",
                    "mark_updated",
                    "modified_at",
                ]
            },
        ),
        (
            gettext_lazy("SEO"),
            {"fields": ["seo_title", "seo_description"], "classes": ["collapse"]},
        ),
        (
            gettext_lazy("Thông tin"),
            {
                "fields": [
                    "comment_count",
                    "view_count",
                    "created_by",
                    "created_at",
                    "updated_by",
                    "updated_at",
                ],
                "classes": ["collapse"],
            },
        ),
    ]

    class Media:
        # urlify.js first so our Vietnamese URLify, loaded after it, wins.
        js = ["admin/js/urlify.js", "admin/js/vi_urlify.js"]
        css = {"all": ["admin/css/newsroom.css"]}

    # -- what each role sees and may change -----------------------------------

    def get_queryset(self, request):
        return (
            Article.objects.editable_by(request.user)
            .select_related("category", "updated_by")
            .prefetch_related("bylines__author")
        )

    def get_readonly_fields(self, request, obj=None):
        user = request.user
        fields = [
            "status",
            "modified_at",
            "comment_count",
            "view_count",
            "created_by",
            "created_at",
            "updated_by",
            "updated_at",
            "related_picks",
        ]
        if not user.has_perm("articles.publish_article"):
            fields.append("published_at")
        if not user.has_perm("articles.feature_article"):
            fields.append("featured")
        if not user.has_perm("articles.embargo_article"):
            fields.append("embargo_until")
        if not user.has_perm("articles.edit_any_article"):
            fields.append("comments_enabled")
        return fields

    def get_fieldsets(self, request, obj=None):
        """Drop the form-only fields where there is no form to fill."""
        editable = self.has_change_permission(request, obj) if obj else True
        drop = set()
        swap = {}
        if not editable:
            drop |= {"seen_version", "mark_updated"}
            # Read-only, Django would list every pick; this lists those the
            # viewer may open.
            swap["related_articles"] = "related_picks"
        if obj is None or not request.user.has_perm("articles.edit_any_article"):
            drop.add("mark_updated")
        return [
            (
                name,
                {
                    **options,
                    "fields": [
                        swap.get(f, f) for f in options["fields"] if f not in drop
                    ],
                },
            )
            for name, options in super().get_fieldsets(request, obj)
        ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "related_articles":
            # The same articles the changelist and the autocomplete offer: a
            # reporter cannot pick, or read back the title of, someone else's
            # draft by posting its id.
            kwargs["queryset"] = Article.objects.editable_by(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None:
            return True
        if obj.status == Status.TAKEN_DOWN:
            return False  # the record of a legal takedown is frozen
        if request.user.has_perm("articles.edit_any_article"):
            return True
        return obj.status in (Status.DRAFT, Status.RETURNED)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status == Status.TAKEN_DOWN:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("articles.feature_article"):
            actions.pop("mark_featured", None)
            actions.pop("unmark_featured", None)
        if not request.user.has_perm("articles.edit_any_article"):
            actions.pop("close_comments", None)
            actions.pop("open_comments", None)
        return actions

    # -- list columns -------------------------------------------------------------

    @admin.display(description=gettext_lazy("trạng thái"), ordering="status")
    def status_badge(self, obj):
        key = "scheduled" if obj.is_scheduled() else obj.status
        return format_html(
            '<span class="nr-status nr-status--{}">{}</span>', key, obj.workflow_label
        )

    @admin.display(description=gettext_lazy("tác giả"))
    def byline_names(self, obj):
        return ", ".join(a.name for a in obj.byline)

    @admin.display(description=Article._meta.get_field("related_articles").verbose_name)
    def related_picks(self, obj):
        picks = visible_to_viewer(obj, obj.related_articles.all())
        return ", ".join(article.title for article in picks) or "—"

    # -- saving -------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            obj.status = Status.DRAFT
        obj.updated_by = request.user
        if form.cleaned_data.get("mark_updated"):
            obj.modified_at = timezone.now()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After tags and bylines are saved, so the snapshot is complete.
        revision_create(article=form.instance, by=request.user)

    def save_formset(self, request, form, formset, change):
        for item in formset.save(commit=False):
            if isinstance(item, Correction) and not item.created_by_id:
                item.created_by = request.user
            item.save()
        for item in formset.deleted_objects:
            item.delete()
        formset.save_m2m()

    def response_change(self, request, obj):
        """After a save from a workflow button, confirm that step.

        The buttons submit the whole form, so what was typed is saved first;
        the step itself still goes through its confirmation (note, time).
        """
        transition = TRANSITIONS.get(request.POST.get(WORKFLOW_BUTTON, ""))
        if transition is None:
            return super().response_change(request, obj)
        self.message_user(
            request,
            _("Đã lưu “%(title)s”. Xác nhận “%(step)s” dưới đây.")
            % {"title": obj.title, "step": transition.label},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse("admin:articles_article_transition", args=[obj.pk, transition.name])
        )

    # -- the change page: workflow panel ------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        article = self.get_object(request, object_id)
        if article is not None:
            extra_context.update(self.workflow_context(request, article))
            if request.method == "GET":
                for warning in article_image_warnings(article):
                    self.message_user(request, warning, messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

    def workflow_context(self, request, article):
        user = request.user
        links = []
        if user.has_perm("articles.view_previewlink"):
            links = [
                (link, preview_url(link), link.opens.count())
                for link in article.preview_links.select_related("created_by")[:10]
            ]
        can_see_log = user.has_perm("articles.view_articletransition")
        can_see_revisions = user.has_perm("articles.view_revision")
        return {
            "workflow_article": article,
            "workflow_button": WORKFLOW_BUTTON,
            "transitions": available_transitions(article, user),
            "can_see_log": can_see_log,
            "transition_log": (
                article.transitions.select_related("by")[:50] if can_see_log else []
            ),
            "can_see_revisions": can_see_revisions,
            "revision_count": article.revisions.count() if can_see_revisions else 0,
            "preview_links": links,
            "can_make_preview_links": user.has_perm("articles.add_previewlink")
            and not article.is_published(),
            "now": timezone.now(),
        }

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/buoc/<str:name>/",
                view(self.transition_view),
                name="articles_article_transition",
            ),
            path(
                "<path:object_id>/phien-ban/",
                view(self.revisions_view),
                name="articles_article_revisions",
            ),
            path(
                "<path:object_id>/phien-ban/<int:number>/",
                view(self.revision_view),
                name="articles_article_revision",
            ),
            path(
                "<path:object_id>/xem-truoc/",
                view(require_POST(self.preview_link_create_view)),
                name="articles_article_preview_create",
            ),
            path(
                "<path:object_id>/xem-truoc/<int:link_id>/thu-hoi/",
                view(require_POST(self.preview_link_revoke_view)),
                name="articles_article_preview_revoke",
            ),
            *super().get_urls(),
        ]

    def _article_or_404(self, request, object_id):
        article = self.get_object(request, object_id)
        if article is None or not self.has_view_permission(request, article):
            raise Http404(_("Không tìm thấy bài viết."))
        return article

    def _change_url(self, article):
        return reverse("admin:articles_article_change", args=[article.pk])

    def transition_view(self, request, object_id, name):
        """Confirm a workflow step (with its note, or a publish time) and take it."""
        article = self._article_or_404(request, object_id)
        transition = TRANSITIONS.get(name)
        if transition is None:
            raise Http404(_("Thao tác không tồn tại."))
        data = request.POST if request.method == "POST" else None
        form = TransitionForm(data, transition=transition, article=article)
        if request.method == "POST" and form.is_valid():
            try:
                article_transition(
                    article=article,
                    name=name,
                    by=request.user,
                    note=form.cleaned_data["note"],
                    publish_at=form.cleaned_data.get("publish_at"),
                )
            except WorkflowError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.log_change(
                    request,
                    article,
                    _("Quy trình: %(step)s") % {"step": transition.label},
                )
                self.message_user(
                    request,
                    _("Đã “%(step)s”: %(title)s")
                    % {"step": transition.label, "title": article.title},
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(self._change_url(article))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{transition.label}: {article.title}",
            "article": article,
            "transition": transition,
            "form": form,
            "allowed": transition in available_transitions(article, request.user),
            "not_ready": not_ready(transition, article),
        }
        return TemplateResponse(
            request, "admin/articles/article/transition.html", context
        )

    def _revisions_or_403(self, request, object_id):
        article = self._article_or_404(request, object_id)
        if not request.user.has_perm("articles.view_revision"):
            raise PermissionDenied
        return article

    def revisions_view(self, request, object_id):
        article = self._revisions_or_403(request, object_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Các phiên bản: %(title)s") % {"title": article.title},
            "article": article,
            "revisions": article.revisions.select_related("created_by"),
        }
        return TemplateResponse(
            request, "admin/articles/article/revisions.html", context
        )

    def revision_view(self, request, object_id, number):
        """A revision against the current article; POST restores it."""
        article = self._revisions_or_403(request, object_id)
        revision = get_object_or_404(Revision, article=article, number=number)
        if request.method == "POST":
            if not self.has_change_permission(request, article):
                raise PermissionDenied
            revision_restore(revision=revision, by=request.user)
            self.log_change(
                request, article, _("Khôi phục phiên bản #%(n)d") % {"n": number}
            )
            self.message_user(
                request,
                _("Đã khôi phục phiên bản #%(n)d.") % {"n": number},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(self._change_url(article))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Phiên bản #%(n)d so với hiện tại") % {"n": number},
            "article": article,
            "revision": revision,
            "diff": revision_diff(revision, article),
            "can_restore": self.has_change_permission(request, article),
        }
        return TemplateResponse(
            request, "admin/articles/article/revision.html", context
        )

    def preview_link_create_view(self, request, object_id):
        article = self._article_or_404(request, object_id)
        if not request.user.has_perm("articles.add_previewlink"):
            raise PermissionDenied
        link = preview_link_create(article=article, by=request.user)
        self.log_change(request, article, _("Tạo liên kết xem trước"))
        self.message_user(
            request,
            _("Đã tạo liên kết xem trước (hết hạn %(when)s): %(url)s")
            % {
                "when": timezone.localtime(link.expires_at).strftime("%d/%m/%Y %H:%M"),
                "url": request.build_absolute_uri(preview_url(link)),
            },
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._change_url(article))

    def preview_link_revoke_view(self, request, object_id, link_id):
        article = self._article_or_404(request, object_id)
        if not request.user.has_perm("articles.change_previewlink"):
            raise PermissionDenied
        link = get_object_or_404(PreviewLink, pk=link_id, article=article)
        preview_link_revoke(link=link)
        self.log_change(request, article, _("Thu hồi liên kết xem trước"))
        self.message_user(
            request, _("Đã thu hồi liên kết xem trước."), messages.SUCCESS
        )
        return HttpResponseRedirect(self._change_url(article))

    # -- bulk actions ------------------------------------------------------------

    @admin.action(description=gettext_lazy("Đánh dấu nổi bật"))
    def mark_featured(self, request, queryset):
        self._report(request, articles_set_featured(articles=queryset, featured=True))

    @admin.action(description=gettext_lazy("Bỏ đánh dấu nổi bật"))
    def unmark_featured(self, request, queryset):
        self._report(request, articles_set_featured(articles=queryset, featured=False))

    @admin.action(description=gettext_lazy("Đóng bình luận"))
    def close_comments(self, request, queryset):
        self._report(
            request, articles_set_comments_enabled(articles=queryset, enabled=False)
        )

    @admin.action(description=gettext_lazy("Mở bình luận"))
    def open_comments(self, request, queryset):
        self._report(
            request, articles_set_comments_enabled(articles=queryset, enabled=True)
        )

    def _report(self, request, count):
        self.message_user(
            request,
            ngettext(
                "Đã cập nhật %(n)d bài viết.", "Đã cập nhật %(n)d bài viết.", count
            )
            % {"n": count},
            messages.SUCCESS,
        )


class TransitionForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Ghi chú"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
    )
    publish_at = forms.DateTimeField(
        label=gettext_lazy("Thời gian xuất bản"),
        required=False,
        help_text=gettext_lazy(
            "dd/mm/YYYY HH:MM. Để trống để xuất bản ngay; thời điểm trong tương lai "
            "là hẹn giờ."
        ),
    )

    def __init__(self, *args, transition, article, **kwargs):
        super().__init__(*args, **kwargs)
        self.transition = transition
        if transition.note_required:
            self.fields["note"].required = True
            self.fields["note"].error_messages["required"] = _("Cần ghi chú lý do.")
        if transition.name != "publish":
            del self.fields["publish_at"]
        elif article.published_at and article.published_at > timezone.now():
            self.fields["publish_at"].initial = timezone.localtime(
                article.published_at
            ).strftime("%d/%m/%Y %H:%M")
