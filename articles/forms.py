from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Comment
from .text import clean_line, nfc


class CommentForm(forms.ModelForm):
    """A reader's comment: name, email (never shown) and plain text."""

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
            "email": forms.EmailInput(attrs={"autocomplete": "email", "maxlength": 254}),
            "body": forms.Textarea(attrs={"rows": 5, "maxlength": 5000}),
        }
        error_messages = {
            "name": {
                "required": _("Vui lòng nhập họ tên."),
                "max_length": _("Họ tên dài tối đa %(limit_value)d ký tự (hiện có %(show_value)d)."),
            },
            "email": {
                "required": _("Vui lòng nhập email."),
                "invalid": _("Email không hợp lệ."),
                "max_length": _("Email dài tối đa %(limit_value)d ký tự (hiện có %(show_value)d)."),
            },
            "body": {
                "required": _("Vui lòng nhập nội dung bình luận."),
                "max_length": _(
                    "Bình luận dài tối đa %(limit_value)d ký tự (hiện có %(show_value)d)."
                ),
            },
        }

    def full_clean(self):
        super().full_clean()
        # Tie each error message to its field for screen readers.
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}_error"

    def clean_name(self):
        name = clean_line(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("Vui lòng nhập họ tên."), code="required")
        return name

    def clean_body(self):
        body = nfc(self.cleaned_data["body"]).replace("\x00", "").strip()
        if not body:
            raise forms.ValidationError(_("Vui lòng nhập nội dung bình luận."), code="required")
        return body
