"""Admin login throttling, per IP and per username, on the shared cache.

After ``LOGIN_FAILURE_LIMIT`` failed attempts from one IP, or against one
username, further attempts are refused for ``LOGIN_LOCKOUT_SECONDS`` with a
clear message, even with the right password. Counting in the cache (Redis in
production) makes the limit hold across app servers; if the cache is down the
counters read as zero and logins go on (fail-open) rather than locking every
editor out. We use this instead of django-axes, which records every attempt in
the database and brings its own middleware, backend and migrations.
"""

import hashlib

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_otp import devices_for_user, user_has_device
from django_otp.forms import OTPAuthenticationFormMixin


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().casefold().encode()).hexdigest()[:32]
    return f"login-fail:{kind}:{digest}"


def _keys(request, username: str) -> list[str]:
    keys = [_key("ip", request.META.get("REMOTE_ADDR", ""))]
    if username:
        keys.append(_key("user", username))
    return keys


def is_locked(request, username: str) -> bool:
    counts = cache.get_many(_keys(request, username))
    return any(count >= settings.LOGIN_FAILURE_LIMIT for count in counts.values())


def record_failure(request, username: str) -> None:
    for key in _keys(request, username):
        # add() starts the window; incr() is atomic in Redis.
        if not cache.add(key, 1, settings.LOGIN_LOCKOUT_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # expired between add() and incr()
                cache.set(key, 1, settings.LOGIN_LOCKOUT_SECONDS)


def clear_failures(request, username: str) -> None:
    cache.delete_many(_keys(request, username))


class ThrottledAdminAuthenticationForm(
    OTPAuthenticationFormMixin, AdminAuthenticationForm
):
    """The admin login: throttled, and asking for a one-time code from staff
    who have set up two-factor authentication (a TOTP app).

    A wrong code counts as a failed attempt, so codes cannot be guessed either.
    """

    otp_device = forms.CharField(required=False, widget=forms.HiddenInput)
    otp_token = forms.CharField(
        label=_("Mã xác thực 2 bước"),
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
        help_text=_(
            "Sáu chữ số trong ứng dụng xác thực, nếu bạn đã bật xác thực 2 bước."
        ),
    )
    otp_challenge = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if self.request is not None and is_locked(self.request, username):
            minutes = max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)
            raise ValidationError(
                _(
                    "Đăng nhập sai quá nhiều lần. Tài khoản hoặc địa chỉ này tạm "
                    "bị khóa, vui lòng thử lại sau %(minutes)d phút."
                ),
                code="locked",
                params={"minutes": minutes},
            )
        try:
            cleaned = super().clean()
            user = self.get_user()
            if user is not None and user_has_device(user):
                if not self.cleaned_data.get("otp_device"):
                    # One authenticator app per person: use their device
                    # rather than asking them to pick it from a list.
                    device = next(devices_for_user(user))
                    self.cleaned_data["otp_device"] = device.persistent_id
                self.clean_otp(user)
        except ValidationError:
            if self.request is not None:
                record_failure(self.request, username)
            raise
        if self.request is not None:
            clear_failures(self.request, username)
        return cleaned
