"""The editorial workflow: which step may be taken, by whom, from which status.

    draft ─submit─▶ submitted ─approve─▶ approved ─publish─▶ published
      ▲                │   ▲                │               (scheduled while its
      └──── returned ◀─┴return─────────────┘                 time is in the future)
    published ─unpublish─▶ unpublished ─reopen─▶ draft
    published / unpublished ─takedown─▶ taken_down (final; answers 410)

Every step goes through ``article_transition``, which checks the permission,
the ownership and the current status, then that the article is ready for the
step (a byline before it goes to the desk or out; alt text on every photo
before it is published), before writing anything; it writes the new status and
a log entry in one transaction, and refuses with a message otherwise.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Article, ArticleTransition

Status = Article.Status


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    permission: str
    note_required: bool = False
    # Reporters may take this step on their own articles only.
    own_articles: bool = False
    # The step puts the article before an editor or a reader, who must see
    # whose it is (and the page's JSON-LD must name an author).
    needs_byline: bool = False


TRANSITIONS = {
    t.name: t
    for t in [
        Transition(
            "submit",
            gettext_lazy("Gửi biên tập"),
            (Status.DRAFT, Status.RETURNED),
            Status.SUBMITTED,
            "articles.submit_article",
            own_articles=True,
            needs_byline=True,
        ),
        Transition(
            "approve",
            gettext_lazy("Duyệt bài"),
            (Status.SUBMITTED,),
            Status.APPROVED,
            "articles.approve_article",
            needs_byline=True,
        ),
        Transition(
            "return",
            gettext_lazy("Trả lại"),
            (Status.SUBMITTED, Status.APPROVED),
            Status.RETURNED,
            "articles.approve_article",
            note_required=True,
        ),
        Transition(
            "publish",
            gettext_lazy("Xuất bản / hẹn giờ"),
            (Status.APPROVED,),
            Status.PUBLISHED,
            "articles.publish_article",
            needs_byline=True,
        ),
        Transition(
            "unpublish",
            gettext_lazy("Gỡ bài"),
            (Status.PUBLISHED,),
            Status.UNPUBLISHED,
            "articles.publish_article",
            note_required=True,
        ),
        Transition(
            "reopen",
            gettext_lazy("Mở lại để sửa"),
            (Status.UNPUBLISHED,),
            Status.DRAFT,
            "articles.publish_article",
        ),
        Transition(
            "takedown",
            gettext_lazy("Gỡ vì lý do pháp lý"),
            (Status.PUBLISHED, Status.UNPUBLISHED),
            Status.TAKEN_DOWN,
            "articles.takedown_article",
            note_required=True,
        ),
    ]
}


class WorkflowError(Exception):
    """A step that may not be taken; the message says why, in Vietnamese."""


def may_take(transition: Transition, article: Article, user) -> str | None:
    """Why ``user`` may not take ``transition`` on ``article``, or None if they may."""
    if not user.is_active or not user.has_perm(transition.permission):
        return _("Bạn không có quyền “%(step)s”.") % {"step": transition.label}
    if not user.has_perm("articles.edit_any_article"):
        own = Article.objects.editable_by(user).filter(pk=article.pk).exists()
        if not (transition.own_articles and own):
            return _("Bạn chỉ thao tác được trên bài của mình.")
    if article.status not in transition.sources:
        return _("Không thể “%(step)s” bài đang ở trạng thái “%(status)s”.") % {
            "step": transition.label,
            "status": article.get_status_display(),
        }
    return None


def not_ready(transition: Transition, article: Article) -> str | None:
    """Why ``article``, as it stands, cannot take ``transition`` yet, or None.

    Unlike ``may_take`` this is about the article's content, which its writer
    can fix, so the admin still offers the step and explains the refusal.
    """
    if transition.needs_byline and not article.bylines.exists():
        return _(
            "Bài chưa có tác giả: hãy thêm ít nhất một tác giả ở mục “Tác giả” "
            "rồi lưu bài trước khi “%(step)s”."
        ) % {"step": transition.label}
    if transition.name == "publish":
        problems = article.missing_alt_errors()
        if problems:
            return " ".join(str(m) for m in problems.values())
    return None


def available_transitions(article: Article, user) -> list[Transition]:
    """The steps ``user`` may take on ``article`` now, for the admin's buttons."""
    return [t for t in TRANSITIONS.values() if may_take(t, article, user) is None]


@transaction.atomic
def article_transition(
    *,
    article: Article,
    name: str,
    by,
    note: str = "",
    publish_at: datetime | None = None,
) -> Article:
    """Take the workflow step ``name`` on ``article`` as user ``by``.

    Raises ``WorkflowError`` (and writes nothing) when the step is unknown, not
    allowed to the user, not possible from the article's status, lacks its
    required note, or the article is not ready for it (``not_ready``).
    ``publish_at`` schedules a publication; without it the article is
    published now (or keeps a future time an editor already set).
    """
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise WorkflowError(_("Thao tác không tồn tại."))
    # Lock the row: two editors clicking at once must not both apply a step.
    article = Article.objects.select_for_update().get(pk=article.pk)
    reason = may_take(transition, article, by)
    if reason:
        raise WorkflowError(reason)
    note = (note or "").strip()
    if transition.note_required and not note:
        raise WorkflowError(
            _("“%(step)s” cần ghi chú lý do.") % {"step": transition.label}
        )

    reason = not_ready(transition, article)
    if reason:
        raise WorkflowError(reason)

    previous = article.status
    article.status = transition.target
    if name == "publish":
        now = timezone.now()
        if publish_at is not None:
            article.published_at = publish_at
        elif article.published_at is None or article.published_at <= now:
            article.published_at = now
    article.updated_by = by
    article.save()
    ArticleTransition.objects.create(
        article=article,
        name=name,
        from_status=previous,
        to_status=transition.target,
        by=by,
        note=note,
    )
    return article
