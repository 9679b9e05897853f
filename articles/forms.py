from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Category, Comment
from .text import clean_line, nfc

NUL_MESSAGE = _("Nội dung chứa ký tự không hợp lệ.")


class CommentForm(forms.ModelForm):
    """A reader's comment: name, email (never shown) and plain text.

    Django ties each field's errors to it (``aria-describedby`` pointing at
    ``id_<field>_error``, ``aria-invalid``); the template renders the errors
    under that id.
    """

    class Meta:
        model = Comment
        fields = ["name", "email", "body"]
        labels = {
            "name": _("Họ tên"),
            "email": _("Email (không hiển thị)"),
            "body": _("Bình luận"),
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name", "maxlength": 80}),
            "email": forms.EmailInput(
                attrs={"autocomplete": "email", "maxlength": 254}
            ),
            "body": forms.Textarea(attrs={"rows": 5, "maxlength": 5000}),
        }
        error_messages = {
            "name": {
                "required": _("Vui lòng nhập họ tên."),
                "max_length": _(
                    "Họ tên dài tối đa %(limit_value)d ký tự (hiện có %(show_value)d)."
                ),
                "null_characters_not_allowed": NUL_MESSAGE,
            },
            "email": {
                "required": _("Vui lòng nhập email."),
                "invalid": _("Email không hợp lệ."),
                "max_length": _(
                    "Email dài tối đa %(limit_value)d ký tự (hiện có %(show_value)d)."
                ),
                "null_characters_not_allowed": NUL_MESSAGE,
            },
            "body": {
                "required": _("Vui lòng nhập nội dung bình luận."),
                "max_length": _(
                    "Bình luận dài tối đa %(limit_value)d ký tự "
                    "(hiện có %(show_value)d)."
                ),
                "null_characters_not_allowed": NUL_MESSAGE,
            },
        }

    def clean_name(self):
        name = clean_line(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("Vui lòng nhập họ tên."), code="required")
        return name

    def clean_body(self):
        body = nfc(self.cleaned_data["body"]).strip()
        if not body:
            raise forms.ValidationError(
                _("Vui lòng nhập nội dung bình luận."), code="required"
            )
        return body


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
    tu = forms.DateField(
        label=_("Từ ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": _("Ngày không hợp lệ.")},
    )
    den = forms.DateField(
        label=_("Đến ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
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
