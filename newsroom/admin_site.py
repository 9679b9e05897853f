"""The newsroom's admin site: Vietnamese titles, throttled login, optional
two-factor authentication (required for managing editors when
``ADMIN_2FA_REQUIRED=1``)."""

from django.conf import settings
from django.contrib import admin

from articles.login_throttle import ThrottledAdminAuthenticationForm, set_device_cookie
from articles.roles import MANAGING_EDITOR


def requires_second_factor(user) -> bool:
    """Whether ``user`` may use the admin only after a one-time code."""
    return bool(
        settings.ADMIN_2FA_REQUIRED
        and user.is_authenticated
        and (user.is_superuser or user.groups.filter(name=MANAGING_EDITOR).exists())
    )


class NewsroomAdminSite(admin.AdminSite):
    site_header = "Tòa soạn Newsroom"
    site_title = "Newsroom"
    index_title = "Quản trị nội dung"
    login_form = ThrottledAdminAuthenticationForm
    login_template = "admin/newsroom_login.html"

    def login(self, request, extra_context=None):
        """Django's login view; a successful login also leaves the browser
        its device cookie (``articles.login_throttle``)."""
        response = super().login(request, extra_context)
        set_device_cookie(request, response)
        return response

    def has_permission(self, request):
        """Staff who must use a second factor are let in only once verified;
        until then the admin sends them back to the login page."""
        if not super().has_permission(request):
            return False
        user = request.user
        return not requires_second_factor(user) or user.is_verified()
