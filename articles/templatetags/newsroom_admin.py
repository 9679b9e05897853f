"""The admin landing page's "what waits for me" panels."""

from datetime import timedelta

from django import template
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ..models import Article, Comment

register = template.Library()
LIMIT = 10


@register.inclusion_tag("admin/includes/moderation_waiting.html", takes_context=True)
def moderation_waiting(context):
    """How many comments wait, for whoever may moderate them (one COUNT)."""
    user = context["request"].user
    if not user.has_perm("articles.change_comment"):
        return {"waiting": None}
    return {
        "waiting": Comment.objects.pending().count(),
        "queue_url": reverse("admin:articles_comment_changelist")
        + f"?trang_thai={Comment.Status.PENDING}",
    }


@register.inclusion_tag("admin/includes/dashboard.html", takes_context=True)
def newsroom_dashboard(context):
    user = context["request"].user
    if not user.has_perm("articles.view_article"):
        return {"panels": []}
    articles = Article.objects.editable_by(user).select_related(
        "category", "updated_by"
    )
    panels = []
    if user.has_perm("articles.approve_article"):
        panels.append(
            (
                "Chờ biên tập",
                articles.filter(status=Article.Status.SUBMITTED).order_by("updated_at"),
            )
        )
    if user.has_perm("articles.publish_article"):
        panels.append(
            (
                "Chờ xuất bản",
                articles.filter(status=Article.Status.APPROVED).order_by("updated_at"),
            )
        )
        today_end = timezone.localtime().replace(hour=23, minute=59, second=59)
        panels.append(
            (
                "Hẹn giờ đến hết hôm nay",
                articles.scheduled()
                .filter(
                    Q(published_at__lte=today_end) | Q(embargo_until__lte=today_end)
                )
                .order_by("published_at"),
            )
        )
    if not user.has_perm("articles.edit_any_article"):
        panels.append(
            (
                "Bài của tôi đang viết hoặc bị trả lại",
                articles.filter(
                    status__in=[Article.Status.DRAFT, Article.Status.RETURNED]
                ).order_by("-updated_at"),
            )
        )
    recent = timezone.now() - timedelta(days=1)
    if user.has_perm("articles.edit_any_article"):
        panels.append(
            (
                "Đã sửa trong 24 giờ",
                articles.filter(updated_at__gte=recent).order_by("-updated_at"),
            )
        )
    return {"panels": [(title, list(qs[:LIMIT])) for title, qs in panels]}
