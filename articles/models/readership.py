"""What readers read: hourly view counts and the "Đọc nhiều" lists.

Page views are counted in the cache (``articles.readership``) and written here
in batches, so a page view never writes to the database.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HourlyViews(models.Model):
    """Views of one article during one hour (UTC), added to by each flush."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="hourly_views"
    )
    hour = models.DateTimeField(_("giờ"))
    views = models.PositiveIntegerField(_("lượt xem"), default=0)

    class Meta:
        verbose_name = _("lượt xem theo giờ")
        verbose_name_plural = _("lượt xem theo giờ")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "hour"], name="hourly_views_unique_hour"
            ),
        ]
        # The "last 24 hours / 7 days" sums and the pruning scan by hour.
        indexes = [models.Index(fields=["hour"], name="hourly_views_hour_idx")]

    def __str__(self):
        return f"{self.article_id} @ {self.hour:%Y-%m-%d %H:00}: {self.views}"


class MostRead(models.Model):
    """One place in a "Đọc nhiều" list, rewritten by each flush.

    Keeping the ranking in a table (a few dozen rows) rather than in the cache
    means a page reads it in the same query that fetches the articles, through
    ``Article.objects.published()``, so a withdrawn article drops out at once.
    """

    class Window(models.TextChoices):
        DAY = "day", _("24 giờ qua")
        WEEK = "week", _("7 ngày qua")

    window = models.CharField(_("khoảng thời gian"), max_length=4, choices=Window)
    position = models.PositiveSmallIntegerField(_("thứ hạng"))
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="rankings"
    )
    views = models.PositiveIntegerField(_("lượt xem"), default=0)

    class Meta:
        verbose_name = _("bài đọc nhiều")
        verbose_name_plural = _("bài đọc nhiều")
        ordering = ["window", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["window", "position"], name="most_read_unique_position"
            ),
        ]

    def __str__(self):
        return f"{self.get_window_display()} #{self.position}: {self.article_id}"
