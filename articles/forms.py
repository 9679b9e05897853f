from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Category
from .text import clean_line

NUL_MESSAGE = _("Nội dung chứa ký tự không hợp lệ.")


class DayField(forms.DateField):
    """A day typed ``2023-10-19`` or ``19/10/2023``, shown back as the former.

    ``<input type="date">`` takes no other value: a browser shows "19/10/2023"
    or "hôm qua" as an empty field, and the page is invalid HTML. A value that
    is no day is shown empty, with its error.

    Only days from ``FIRST_DAY`` to ``LAST_DAY`` are accepted: the view turns
    a day into midnight in Vietnam and the day after, which for 9999-12-31
    (or 0001-01-01, once in UTC) lies outside what ``datetime`` can hold.
    """

    FIRST_DAY = date(1900, 1, 1)
    LAST_DAY = date(2100, 12, 31)
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    default_error_messages = {
        "out_of_range": _("Chỉ tìm được ngày từ năm %(first)d đến năm %(last)d."),
    }

    def widget_attrs(self, widget):
        return {
            **super().widget_attrs(widget),
            "min": self.FIRST_DAY.isoformat(),
            "max": self.LAST_DAY.isoformat(),
        }

    def validate(self, value):
        super().validate(value)
        if value and not self.FIRST_DAY <= value <= self.LAST_DAY:
            raise forms.ValidationError(
                self.error_messages["out_of_range"],
                code="out_of_range",
                params={"first": self.FIRST_DAY.year, "last": self.LAST_DAY.year},
            )

    def bound_data(self, data, initial):
        try:
            return self.to_python(data)
        except forms.ValidationError:
            return None


class SearchForm(forms.Form):
    """The reader's search: words, an optional section and date range.

    Every field is optional; a bad value is a form error, never a 500.
    """

    q = forms.CharField(
        label=_("Từ khóa"),
        max_length=500,
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": _("Tìm bài viết…")}),
        error_messages={
            "max_length": _("Từ khóa dài quá %(limit_value)d ký tự."),
            "null_characters_not_allowed": NUL_MESSAGE,
        },
    )
    chuyen_muc = forms.ModelChoiceField(
        label=_("Chuyên mục"),
        queryset=Category.objects.only("name", "slug").order_by("position", "name"),
        to_field_name="slug",
        required=False,
        empty_label=_("Tất cả chuyên mục"),
        error_messages={"invalid_choice": _("Không có chuyên mục này.")},
    )
    tu = DayField(
        label=_("Từ ngày"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": _("Ngày không hợp lệ.")},
    )
    den = DayField(
        label=_("Đến ngày"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": _("Ngày không hợp lệ.")},
    )

    def clean_q(self):
        return clean_line(self.cleaned_data["q"])

    def clean(self):
        data = super().clean()
        start, end = data.get("tu"), data.get("den")
        if start and end and start > end:
            self.add_error("den", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return data
