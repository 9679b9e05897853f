"""The moderation queue and the comment blocklist, in the admin.

The queue opens on "Chờ duyệt" (pending) only, so spam never reaches its first
page; the other statuses and "Tất cả" are one click away. Each row shows the
signals a moderator decides on (links, repeat poster, spam score and reasons)
and a one-click "Duyệt" button that works without JavaScript. Every action
needs ``articles.change_comment``; the "Kiểm duyệt bình luận" group gets it.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ..models import BlockedTerm, Comment
from ..models.comment import normalise_blocked_value
from ..text import visible_text
from .blocklist import is_ip_or_hash
from .services import comment_approve, comments_set_status

# What the queue shows of a comment's text and its article's title; the whole
# comment is one click away, the whole title in the link's tooltip.
EXCERPT_CHARS = 120
TITLE_CHARS = 60

STATUS_RANK = Case(
    When(status=Comment.Status.PENDING, then=Value(0)),
    When(status=Comment.Status.APPROVED, then=Value(1)),
    When(status=Comment.Status.REJECTED, then=Value(2)),
    default=Value(3),  # spam last
    output_field=IntegerField(),
)


class QueueStatusFilter(admin.SimpleListFilter):
    """Status filter whose default (no choice made) is "pending"."""

    title = _("trạng thái")
    parameter_name = "trang_thai"
    ALL = "tat-ca"

    def lookups(self, request, model_admin):
        return [*Comment.Status.choices, (self.ALL, _("Tất cả"))]

    def choices(self, changelist):
        current = self.value() or Comment.Status.PENDING
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string(
                    {self.parameter_name: value}
                ),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value() or Comment.Status.PENDING
        if value == self.ALL:
            return queryset
        if value not in Comment.Status.values:
            return queryset.none()
        return queryset.filter(status=value)


def _count(**filters):
    return Coalesce(
        Subquery(
            Comment.objects.filter(**filters)
            .order_by()
            .values("email")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
    )


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    # Narrow enough for a 1366 px screen with every column in view (the
    # layout is in admin/css/moderation.css): name and email share a column,
    # long texts are cut, headers wrap.
    list_display = [
        "quick_approve",
        "status",
        "sender",
        "excerpt",
        "article_link",
        "created_at",
        "link_count",
        "repeat_poster",
        "spam_signals",
    ]
    list_display_links = ["sender"]
    list_filter = [QueueStatusFilter, "created_at"]
    list_select_related = ["article", "article__category"]
    list_per_page = 50
    search_fields = ["name", "email", "body", "article__title"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["article", "parent"]
    readonly_fields = [
        "created_at",
        "link_count",
        "spam_score",
        "spam_reasons",
        "moderated_at",
        "moderated_by",
    ]
    fields = [
        "article",
        "parent",
        "name",
        "email",
        "body",
        "status",
        "links_allowed",
        "created_at",
        "link_count",
        "spam_score",
        "spam_reasons",
        "moderated_at",
        "moderated_by",
    ]
    actions = ["approve", "reject", "mark_spam", "block_senders"]

    class Media:
        css = {"all": ["admin/css/moderation.css"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .defer("body_hash")
            .annotate(
                previous=_count(
                    email=OuterRef("email"), created_at__lt=OuterRef("created_at")
                ),
                previous_approved=_count(
                    email=OuterRef("email"),
                    created_at__lt=OuterRef("created_at"),
                    status=Comment.Status.APPROVED,
                ),
            )
        )

    def get_ordering(self, request):
        # Pending first, spam last; an expression, so autocompletes can use it too.
        return [STATUS_RANK.asc(), "-created_at", "-pk"]

    def get_urls(self):
        approve = self.admin_site.admin_view(require_POST(self.approve_view))
        return [
            path(
                "<int:object_id>/duyet/",
                approve,
                name="articles_comment_approve",
            ),
            *super().get_urls(),
        ]

    def approve_view(self, request, object_id):
        """The row's "Duyệt" button (a formaction inside the changelist form)."""
        comment = get_object_or_404(Comment, pk=object_id)
        if not self.has_change_permission(request, comment):
            raise PermissionDenied
        comment_approve(comment=comment, by=request.user)
        self.message_user(
            request,
            _("Đã duyệt bình luận của %(name)s.") % {"name": comment.name},
            messages.SUCCESS,
        )
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse("admin:articles_comment_changelist")
        return HttpResponseRedirect(back)

    @admin.display(description=_("duyệt nhanh"))
    def quick_approve(self, obj):
        if obj.status == Comment.Status.APPROVED:
            return "✓"
        return format_html(
            '<button type="submit" class="button" formaction="{}" '
            'formmethod="post" name="duyet" value="{}">{}</button>',
            reverse("admin:articles_comment_approve", args=[obj.pk]),
            obj.pk,
            _("Duyệt"),
        )

    # The queue's columns clean again what Comment.save() cleans, for rows
    # stored before it did: no invisible character reaches a moderator.
    @admin.display(description=_("người gửi"), ordering="name")
    def sender(self, obj):
        return format_html(
            '{}<br><span class="nr-comment-email">{}</span>',
            visible_text(obj.name, keep_newlines=False),
            visible_text(obj.email, keep_newlines=False),
        )

    @admin.display(description=_("nội dung"))
    def excerpt(self, obj):
        return Truncator(visible_text(obj.body, keep_newlines=False)).chars(
            EXCERPT_CHARS
        )

    @admin.display(description=_("bài viết"), ordering="article__title")
    def article_link(self, obj):
        url = reverse("admin:articles_article_change", args=[obj.article_id])
        title = obj.article.title
        return format_html(
            '<a href="{}" title="{}">{}</a>',
            url,
            title,
            Truncator(title).chars(TITLE_CHARS),
        )

    @admin.display(description=_("người gửi quen"), ordering="previous")
    def repeat_poster(self, obj):
        if not obj.previous:
            return _("lần đầu")
        return _("%(n)d lần trước (%(ok)d đã duyệt)") % {
            "n": obj.previous,
            "ok": obj.previous_approved,
        }

    @admin.display(description=_("điểm spam"), ordering="spam_score")
    def spam_signals(self, obj):
        if not obj.spam_reasons:
            return obj.spam_score
        return format_html(
            '{} <span class="nr-spam-reasons">({})</span>',
            obj.spam_score,
            obj.spam_reasons,
        )

    def _set_status(self, request, queryset, status):
        changed = comments_set_status(comments=queryset, status=status, by=request.user)
        self.message_user(
            request,
            ngettext(
                "Đã cập nhật %(n)d bình luận.", "Đã cập nhật %(n)d bình luận.", changed
            )
            % {"n": changed},
            messages.SUCCESS,
        )

    @admin.action(description=_("Duyệt bình luận đã chọn"), permissions=["change"])
    def approve(self, request, queryset):
        self._set_status(request, queryset, Comment.Status.APPROVED)

    @admin.action(description=_("Từ chối bình luận đã chọn"), permissions=["change"])
    def reject(self, request, queryset):
        self._set_status(request, queryset, Comment.Status.REJECTED)

    @admin.action(description=_("Đánh dấu spam"), permissions=["change"])
    def mark_spam(self, request, queryset):
        self._set_status(request, queryset, Comment.Status.SPAM)

    @admin.action(
        description=_("Chặn người gửi (email; IP có thời hạn) và đánh dấu spam"),
        permissions=["change"],
    )
    def block_senders(self, request, queryset):
        """Block the emails until removed, the IPs for ``COMMENT_IP_BLOCK_DAYS``:
        an IP is often shared by many readers, so it only weighs a little and
        its block is renewed, not made permanent, when blocked again."""
        ends = BlockedTerm.default_ip_expiry()
        for email, ip_hash in set(queryset.values_list("email", "ip_hash")):
            BlockedTerm.objects.get_or_create(kind=BlockedTerm.Kind.EMAIL, value=email)
            if ip_hash:
                entry, created = BlockedTerm.objects.get_or_create(
                    kind=BlockedTerm.Kind.IP,
                    value=ip_hash,
                    defaults={"expires_at": ends},
                )
                if not created and entry.expires_at < ends:
                    entry.expires_at = ends
                    entry.save(update_fields=["expires_at"])
        self._set_status(request, queryset, Comment.Status.SPAM)

    def save_model(self, request, obj, form, change):
        if change and "status" in form.changed_data:
            obj.moderated_by = request.user
            obj.moderated_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(BlockedTerm)
class BlockedTermAdmin(admin.ModelAdmin):
    list_display = ["kind", "shown_value", "note", "created_at", "expiry"]
    list_filter = ["kind"]
    search_fields = ["value", "note"]
    fields = ["kind", "value", "note", "expires_at"]

    @admin.display(description=_("giá trị"), ordering="value")
    def shown_value(self, obj):
        if obj.kind == BlockedTerm.Kind.IP:
            return _("IP đã băm %(h)s…") % {"h": obj.value[:8]}
        return obj.value

    @admin.display(description=_("hết hạn"), ordering="expires_at")
    def expiry(self, obj):
        if obj.expires_at is None:
            return _("đến khi xóa")
        when = date_format(timezone.localtime(obj.expires_at), "SHORT_DATETIME_FORMAT")
        if not obj.is_active():
            return _("đã hết hạn %(when)s") % {"when": when}
        return when

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class BlockedTermForm(form):
            def clean(self):
                cleaned = super().clean()
                kind, value = cleaned.get("kind"), cleaned.get("value", "")
                if kind == BlockedTerm.Kind.IP and value and not is_ip_or_hash(value):
                    raise ValidationError({"value": _("Địa chỉ IP không hợp lệ.")})
                if kind == BlockedTerm.Kind.EMAIL and value and "@" not in value:
                    raise ValidationError(
                        {"value": _("Nhập một email hoặc @tên-miền.")}
                    )
                if kind and value:
                    cleaned["value"] = normalise_blocked_value(kind, value)
                return cleaned

        return BlockedTermForm
