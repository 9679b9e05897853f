"""Pagination that never counts the whole list.

Django's paginator runs ``COUNT(*)`` over every matching row on every page: at
a million articles that is the slowest query of a section, tag or author
page. This one reads one row more than a page to know whether a next page
exists, and stops at ``MAX_PAGES`` (deep pages are an ``OFFSET`` scan of the
index, bounded by this window). Only ``?page=last`` counts, and only up to
the window.
"""

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

MAX_PAGES = 2000
# From this row on, a page first reads only the ids (an index-only scan on
# PostgreSQL: every listing index holds the columns the public filter needs),
# then the 21 rows it shows; a plain OFFSET would fetch every skipped row.
DEFERRED_FROM = 200


class WindowPaginator(Paginator):
    @cached_property
    def count(self):
        limit = MAX_PAGES * self.per_page
        return self.object_list.order_by().values("pk")[:limit].count()

    def validate_number(self, number):
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(_("Số trang không hợp lệ.")) from None
        if number < 1 or number > MAX_PAGES:
            raise EmptyPage(_("Không có trang này."))
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        window = slice(bottom, bottom + self.per_page + 1)
        if bottom < DEFERRED_FROM:
            rows = list(self.object_list[window])
        else:
            ids = list(self.object_list.values_list("pk", flat=True)[window])
            found = self.object_list.order_by().in_bulk(ids)
            rows = [found[pk] for pk in ids if pk in found]
        if not rows and number > 1:
            raise EmptyPage(_("Không có trang này."))
        return WindowPage(
            rows[: self.per_page], number, self, more=len(rows) > self.per_page
        )


class WindowPage(Page):
    def __init__(self, object_list, number, paginator, *, more):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self):
        # The window's last page links nowhere, even when rows lie beyond it.
        return self.more and self.number < MAX_PAGES
