"""The reader's comment form: fields, the honeypot, the time trap's token."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import NUL_MESSAGE
from ..models import Comment
from ..text import clean_line, strip_invisible, visible_text
from .tokens import (
    FormCheck,
    check_form_token,
    claim_form_token,
    release_form_token,
)

HONEYPOT_FIELD = "website"
PARENT_MESSAGE = _("Bình luận bạn muốn trả lời không còn hiển thị.")
TOKEN_MESSAGES = {
    "invalid": _("Biểu mẫu không hợp lệ. Vui lòng tải lại trang rồi gửi lại."),
    "too_fast": _("Bạn gửi nhanh quá. Vui lòng đợi vài giây rồi gửi lại."),
    "used": _("Biểu mẫu này đã được dùng để gửi một bình luận. Vui lòng gửi lại."),
}


class CommentBodyField(forms.CharField):
    """Counts a line break as one character, as the reader's browser and the
    form's counter do: browsers send it as "\\r\\n", which would make a
    comment the reader saw within the limit too long."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n")


class CommentForm(forms.ModelForm):
    """A reader's comment: name, email (never shown) and plain text.

    Hidden fields: ``parent`` (the comment replied to), ``ts`` (the time
    trap's one-use token, bound to the article, which the form's script asks
    for when the reader first touches the form; see ``tokens.FormCheck``) and
    ``website``, a honeypot hidden from people by CSS and from screen readers
    by ``aria-hidden``: anything in it means a bot (the view discards the post).
    The view spends the token with ``claim_token()`` before storing.

    Django ties each field's errors to it (``aria-describedby`` pointing at
    ``id_<field>_error``, ``aria-invalid``); the template renders the errors
    under that id.
    """

    parent = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=2**62,
        widget=forms.HiddenInput,
        error_messages=dict.fromkeys(
            ["invalid", "min_value", "max_value"], PARENT_MESSAGE
        ),
    )
    ts = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    website = forms.CharField(
        required=False,
        label=_("Để trống ô này"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = Comment
        fields = ["name", "email", "body"]
        field_classes = {"body": CommentBodyField}
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

    def __init__(self, *args, article, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article
        self.token = FormCheck()
        if self.is_bound:
            self.data = self.data.copy()
            self.token = check_form_token(str(self.data.get("ts", "")), article.pk)
            # Drawn again after an error, the form keeps a token still worth
            # posting, so the reader's next try is not timed from scratch; the
            # script asks for a new one in place of any other.
            if self.token.problem not in ("", "too_fast"):
                self.data["ts"] = ""

    @property
    def is_bot(self) -> bool:
        """True when the honeypot, invisible to people, was filled in."""
        return bool(self.is_bound and self.data.get(HONEYPOT_FIELD, "").strip())

    @property
    def timed(self) -> bool:
        """True when the time trap measured this post (see ``tokens.FormCheck``)."""
        return self.token.timed

    def clean(self):
        cleaned = super().clean()
        problem = self.token.problem
        if problem in TOKEN_MESSAGES:
            raise forms.ValidationError(TOKEN_MESSAGES[problem], code=problem)
        return cleaned

    def claim_token(self) -> bool:
        """Spend the token: one comment per token. False, with a form error,
        if a comment was already stored with it."""
        if not self.timed or claim_form_token(self.token.nonce):
            return True
        self.data["ts"] = ""
        self.add_error(None, forms.ValidationError(TOKEN_MESSAGES["used"], code="used"))
        return False

    def release_token(self) -> None:
        """Give the token back: nothing was stored with it."""
        if self.timed:
            release_form_token(self.token.nonce)

    def clean_name(self):
        name = visible_text(self.cleaned_data["name"], keep_newlines=False)
        name = clean_line(name)
        if "\ufffd" in name:
            raise forms.ValidationError(NUL_MESSAGE, code="invalid_characters")
        if not name:
            raise forms.ValidationError(_("Vui lòng nhập họ tên."), code="required")
        return name

    def clean_email(self):
        # A soft hyphen or a tag character passes the email validator inside
        # the domain ("x@sp\u00adam.vn") and would hide it from the blocklist.
        return strip_invisible(self.cleaned_data["email"]).strip().lower()

    def clean_body(self):
        body = visible_text(self.cleaned_data["body"], keep_newlines=True).strip()
        if "\ufffd" in body:
            raise forms.ValidationError(NUL_MESSAGE, code="invalid_characters")
        if not body:
            raise forms.ValidationError(
                _("Vui lòng nhập nội dung bình luận."), code="required"
            )
        return body
