"""Admin login throttling that an attacker cannot turn against the newsroom.

The design is OWASP's "device cookie" (README, "Admin accounts and two-factor
login"). Three kinds of counters of failed attempts live in the shared cache,
each for ``LOGIN_LOCKOUT_SECONDS`` after its first attempt:

* per trusted browser: a successful login leaves a signed cookie naming the
  account (``DEVICE_COOKIE``, path of the admin only). An attempt for that
  account carrying it counts its failures on that cookie alone, and no lock
  that strangers caused applies to it. After ``LOGIN_FAILURE_LIMIT`` failures
  the cookie is ignored and the browser is a stranger again.
* per client address (``articles.client_ip``; IPv6 per /64) and per account,
  for strangers: at ``LOGIN_FAILURE_LIMIT`` failures either one refuses
  strangers' attempts, without looking at the password, so a password spray
  from one address and guessing one account from many both stop.
* per account, wrong one-time codes given with the right password.

A locked stranger still gets in with the right password **and** the right
one-time code, unless the account's wrong codes reached the limit (then the
password is known to someone else). Nothing else is said to a locked
stranger, so the lock tells a guesser nothing about the password.

When the cache cannot be reached the counters cannot be trusted, so
strangers are refused (fail closed) unless they give a one-time code, while
trusted browsers log in as usual: an outage must not open unlimited
guessing, and the people who use the admin every day hold a device cookie.
"""

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import devices_for_user, user_has_device
from django_otp.forms import OTPAuthenticationFormMixin

from .client_ip import client_ip, ip_bucket

logger = logging.getLogger(__name__)

DEVICE_COOKIE = "newsroom_device"
DEVICE_SALT = "articles.login_throttle.device"
# Accounts remembered by one browser (a desk shared by a few editors).
DEVICE_ACCOUNTS = 5
# The form leaves the cookie to set here; NewsroomAdminSite.login sets it.
REQUEST_ATTR = "_newsroom_device_cookie"


def _account(username: str) -> str:
    """One account whatever the case or spacing an attacker types it in."""
    return username.strip().casefold()


def _key(kind: str, value: str) -> str:
    # Keyed, so the cache never holds an address or a username in the clear.
    digest = hmac.new(
        settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256
    ).hexdigest()[:32]
    return f"login-fail:{kind}:{digest}"


def _read_devices(request) -> dict[str, str]:
    raw = request.COOKIES.get(DEVICE_COOKIE)
    if not raw:
        return {}
    try:
        devices = signing.loads(
            raw, salt=DEVICE_SALT, max_age=settings.LOGIN_DEVICE_COOKIE_AGE
        )
    except signing.BadSignature:
        return {}
    if not isinstance(devices, dict):
        return {}
    return {str(k): str(v) for k, v in devices.items()}


def _cache_add(key: str, value: int) -> bool | None:
    """``cache.add``; None when the cache cannot be reached.

    django-redis with ``IGNORE_EXCEPTIONS`` answers None for an outage; a
    backend that raises instead must not turn the login page into a 500.
    """
    try:
        return cache.add(key, value, settings.LOGIN_LOCKOUT_SECONDS)
    except Exception:  # any backend's outage: see the docstring
        logger.warning("login throttle: the cache cannot be reached", exc_info=True)
        return None


def _bump(key: str) -> None:
    """One more failure on ``key``; atomic in Redis (add, then INCR)."""
    added = _cache_add(key, 1)
    if added is None or added:
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr()
        _cache_add(key, 1)
    except Exception:  # outage: see _cache_add
        logger.warning("login throttle: the cache cannot be reached", exc_info=True)


@dataclass
class Gate:
    """What the counters say about one login attempt."""

    trusted: bool  # carries a valid, unlocked device cookie for the account
    locked: bool  # a stranger past a limit
    unknown: bool  # the cache is down: a stranger's counts cannot be read
    codes_exhausted: bool  # too many wrong codes with the right password
    device_key: str
    stranger_keys: list[str]
    code_key: str

    @property
    def refused(self) -> bool:
        return not self.trusted and (self.locked or self.unknown)


def gate(request, username: str) -> Gate:
    """Read the counters for an attempt at ``username`` from ``request``."""
    account = _account(username)
    nonce = _read_devices(request).get(account) if account else None
    device_key = _key("device", f"{account}:{nonce}") if nonce else ""
    stranger_keys = [_key("ip", ip_bucket(client_ip(request)))]
    if account:
        stranger_keys.append(_key("user", account))
    code_key = _key("code", account)
    # Start the address's window now: its add() answering None is the one
    # sure sign of an outage (get_many() of a down cache looks empty).
    reachable = _cache_add(stranger_keys[0], 0) is not None
    counts = {}
    if reachable:
        try:
            counts = cache.get_many(
                [*stranger_keys, code_key, *([device_key] if device_key else [])]
            )
        except Exception:  # outage: see _cache_add
            reachable = False
    limit = settings.LOGIN_FAILURE_LIMIT
    trusted = bool(nonce) and (counts.get(device_key) or 0) < limit
    return Gate(
        trusted=trusted,
        locked=any((counts.get(key) or 0) >= limit for key in stranger_keys),
        unknown=not reachable,
        codes_exhausted=(counts.get(code_key) or 0) >= limit,
        device_key=device_key,
        stranger_keys=stranger_keys,
        code_key=code_key,
    )


def record_failure(state: Gate, *, password_ok: bool) -> None:
    """Count a failed attempt where it belongs (see the module docstring)."""
    if state.trusted:
        _bump(state.device_key)
        return
    for key in state.stranger_keys:
        _bump(key)
    if password_ok:
        _bump(state.code_key)


def forget_failures(key: str) -> None:
    """A trusted browser's owner got in: their earlier typos no longer count.

    Strangers' counters are left to expire: clearing them on any success
    would let a guesser with one account of their own reset their address.
    """
    try:
        cache.delete(key)
    except Exception:  # outage: see _cache_add
        logger.warning("login throttle: the cache cannot be reached", exc_info=True)


def remember_device(request, username: str) -> str:
    """The cookie value after ``username`` logged in from this browser.

    Keeps the browser's nonce for an account it already knew (its failures
    stay counted) and forgets the oldest account beyond ``DEVICE_ACCOUNTS``.
    """
    account = _account(username)
    devices = _read_devices(request)
    nonce = devices.pop(account, None) or secrets.token_urlsafe(16)
    devices[account] = nonce
    kept = dict(list(devices.items())[-DEVICE_ACCOUNTS:])
    return signing.dumps(kept, salt=DEVICE_SALT, compress=True)


def set_device_cookie(request, response) -> None:
    """Give the browser its device cookie after a successful login."""
    value = getattr(request, REQUEST_ATTR, None)
    if value is None:
        return
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=settings.LOGIN_DEVICE_COOKIE_AGE,
        # Sent only to the admin: public pages stay cookie-free and cacheable.
        path=f"/{settings.ADMIN_URL}",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",  # as the session cookie; only the admin reads it
    )


def _locked_error(state: Gate) -> ValidationError:
    if state.unknown:
        return ValidationError(
            _(
                "Hệ thống tạm thời không đếm được số lần đăng nhập sai, nên chưa "
                "nhận đăng nhập từ trình duyệt lạ. Hãy đăng nhập từ trình duyệt "
                "bạn vẫn dùng, nhập kèm mã xác thực 2 bước nếu đã bật, hoặc thử "
                "lại sau ít phút."
            ),
            code="throttle_unavailable",
        )
    minutes = max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)
    return ValidationError(
        _(
            "Đăng nhập sai quá nhiều lần từ địa chỉ này hoặc vào tài khoản này, "
            "nên tạm dừng nhận đăng nhập từ trình duyệt lạ trong %(minutes)d "
            "phút. Hãy đăng nhập từ trình duyệt bạn vẫn dùng, hoặc nhập kèm mã "
            "xác thực 2 bước nếu đã bật; cần gấp thì báo Thư ký tòa soạn."
        ),
        code="locked",
        params={"minutes": minutes},
    )


class ThrottledAdminAuthenticationForm(
    OTPAuthenticationFormMixin, AdminAuthenticationForm
):
    """The admin login: throttled (see the module docstring), and asking for a
    one-time code from staff who have set up two-factor authentication (a
    TOTP app). A wrong code counts as a failed attempt, so codes cannot be
    guessed either.
    """

    otp_device = forms.CharField(required=False, widget=forms.HiddenInput)
    otp_token = forms.CharField(
        label=gettext_lazy("Mã xác thực 2 bước"),
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
        help_text=gettext_lazy(
            "Sáu chữ số trong ứng dụng xác thực, nếu bạn đã bật xác thực 2 bước."
        ),
    )
    otp_challenge = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        if self.request is None:
            return self._authenticate()
        username = self.cleaned_data.get("username") or ""
        state = gate(self.request, username)
        # A refused stranger without a code cannot get in whatever the
        # password, so it is not even checked (and not counted: it tested
        # nothing, and counting it would let one address lock an account).
        if state.refused and not self.cleaned_data.get("otp_token"):
            raise _locked_error(state)
        password_ok = False
        try:
            cleaned = super().clean()
            password_ok = True
            user = self.get_user()
            has_code = user is not None and user_has_device(user)
            if has_code:
                self._check_code(user)
        except ValidationError:
            record_failure(state, password_ok=password_ok)
            # A refused stranger hears the same thing whatever was wrong.
            if state.refused:
                raise _locked_error(state) from None
            raise
        if state.refused and (not has_code or state.codes_exhausted):
            # The right password alone does not lift a lock: a guesser would
            # learn it was right. Right password and code do, unless codes
            # are being guessed by someone who has the password.
            raise _locked_error(state)
        if state.trusted:
            forget_failures(state.device_key)
        setattr(self.request, REQUEST_ATTR, remember_device(self.request, username))
        return cleaned

    def _authenticate(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is not None and user_has_device(user):
            self._check_code(user)
        return cleaned

    def _check_code(self, user) -> None:
        if not self.cleaned_data.get("otp_device"):
            # One authenticator app per person: use their device rather than
            # asking them to pick it from a list.
            device = next(devices_for_user(user))
            self.cleaned_data["otp_device"] = device.persistent_id
        self.clean_otp(user)
