"""Production headers, admin hardening, request limits and hostile input."""

import json
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from articles import roles
from articles.models import Article, Comment
from tests.factories import ArticleFactory, PublishedArticleFactory, UserFactory
from tests.live import manage

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def production_env() -> dict:
    """This process's environment as a production process would have it.

    The browser tests' conftest sets DJANGO_ALLOW_ASYNC_UNSAFE for Playwright;
    a production process never has it (check --deploy rightly refuses it).
    """
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings", "DEBUG": "0"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def assert_security_headers(response):
    headers = response.headers
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    csp = dict(
        part.strip().split(" ", 1)
        for part in headers["Content-Security-Policy"].split(";")
    )
    assert csp["script-src"] == "'self'"
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"


@pytest.fixture
def production_headers(settings):
    settings.SECURE_HSTS_SECONDS = 31536000


def test_public_page_sends_every_security_header(client, production_headers):
    article = PublishedArticleFactory()
    for url in ["/", article.get_absolute_url()]:
        assert_security_headers(client.get(url, secure=True))


def test_404_sends_every_security_header(client, production_headers):
    response = client.get("/khong-co-trang-nay/", secure=True)
    assert response.status_code == 404
    assert_security_headers(response)


def test_500_sends_every_security_header(client, production_headers, monkeypatch):
    from articles import views

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.HomeView, "get_context_data", explode)
    client.raise_request_exception = False
    response = client.get("/", secure=True)
    assert response.status_code == 500
    assert_security_headers(response)


def test_admin_policy_allows_inline_styles_but_not_inline_scripts(admin_client):
    csp = admin_client.get(reverse("admin:index"))["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in csp
    assert "script-src 'self';" in csp or csp.endswith("script-src 'self'")


def test_admin_allows_the_prose_editor_import_map_by_hash_only(admin_client):
    import base64
    import hashlib
    import re

    response = admin_client.get(reverse("admin:articles_article_add"))
    import_map = re.search(
        rb'<script type="importmap"[^>]*>(.*?)</script>', response.content, re.S
    ).group(1)
    digest = base64.b64encode(hashlib.sha256(import_map).digest()).decode()
    script_src = next(
        part
        for part in response["Content-Security-Policy"].split(";")
        if part.strip().startswith("script-src")
    )
    assert f"'sha256-{digest}'" in script_src
    assert "unsafe-inline" not in script_src


def test_foreign_host_is_400(client):
    assert client.get("/", HTTP_HOST="evil.example").status_code == 400


def test_foreign_host_logs_one_line_without_a_traceback(client, caplog):
    caplog.set_level(logging.INFO)
    client.get("/", HTTP_HOST="evil.example")
    [record] = caplog.records
    assert record.name == "django.security.DisallowedHost"
    line = logging.Formatter().format(record)
    assert "Traceback" not in line and "\n" not in line
    assert "evil.example" in line


def test_off_site_next_after_admin_login_lands_on_the_admin_index(client):
    UserFactory(username="bientap", is_staff=True)
    for next_url in ["https://evil.example/", "//evil.example/", "/\\evil.example"]:
        response = client.post(
            f"{reverse('admin:login')}?next={next_url}",
            {"username": "bientap", "password": PASSWORD},
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:index")
        assert client.get(response["Location"]).status_code == 200
        client.logout()


# Run in a production process: the cookie flags are production's defaults,
# which this test process (DEBUG on, plain HTTP) does not have.
COOKIE_PROBE = """
import json

import django

django.setup()
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

call_command("migrate", verbosity=0)
User.objects.create_user("bientap", password="mat-khau-dung-8f2", is_staff=True)
client = Client()
form = client.get("/admin/login/", secure=True)
login = client.post(
    "/admin/login/",
    {"username": "bientap", "password": "mat-khau-dung-8f2"},
    secure=True,
)
print(json.dumps({
    "statuses": [form.status_code, login.status_code],
    "set_cookie": [
        morsel.OutputString()
        for response in (form, login)
        for morsel in response.cookies.values()
    ],
}))
"""


def test_session_and_csrf_cookies_have_production_flags(tmp_path):
    env = {
        **production_env(),
        "ENV_FILE": "",
        "SECRET_KEY": "production-like-secret-key-for-the-cookies-4d3c2b1a-xyz",
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CACHE_DIR": str(tmp_path / "cache"),
    }
    for name in ("REDIS_URL", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
        env.pop(name, None)
    # Production pages name their static files from the hashed manifest.
    manage(env, "collectstatic", "--noinput", "-v0")
    result = subprocess.run(
        [sys.executable, "-c", COOKIE_PROBE],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.splitlines()[-1])
    assert probe["statuses"] == [200, 302]
    # The form sets csrftoken; logging in sets sessionid, a new csrftoken and
    # the trusted-browser cookie of the login throttle (articles.login_throttle).
    names = [header.split("=", 1)[0] for header in probe["set_cookie"]]
    assert sorted(names) == ["csrftoken", "csrftoken", "newsroom_device", "sessionid"]
    for header in probe["set_cookie"]:
        flags = {part.strip().lower() for part in header.split(";")[1:]}
        # No script reads csrftoken: the forms carry the token themselves.
        assert {"secure", "httponly", "samesite=lax"} <= flags, header


def test_check_deploy_reports_no_warnings_with_production_settings():
    env = {
        **production_env(),
        "SECRET_KEY": "production-like-secret-key-for-the-check-9f8e7d6c5b4a-xyz",
        "ALLOWED_HOSTS": "newsroom.example",
    }
    # The browser tests' conftest sets this for the whole pytest session; the
    # deployment check rightly refuses it, and production never has it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_missing_secret_key_stops_production_start_up():
    env = production_env()
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


class TestLoginThrottle:
    def attempt(self, password, ip="10.0.0.1", username="bientap"):
        client = Client(REMOTE_ADDR=ip)
        return client.post(
            reverse("admin:login"), {"username": username, "password": password}
        )

    def test_locks_after_repeated_failures_even_with_the_right_password(self):
        UserFactory(username="bientap", is_staff=True)
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            assert self.attempt("sai-mat-khau").status_code == 200
        response = self.attempt(PASSWORD)
        assert response.status_code == 200
        assert "Đăng nhập sai quá nhiều lần" in response.content.decode()

    def test_username_is_locked_from_every_ip(self):
        UserFactory(username="bientap", is_staff=True)
        for n in range(settings.LOGIN_FAILURE_LIMIT):
            self.attempt("sai", ip=f"10.0.1.{n}")
        response = self.attempt(PASSWORD, ip="10.0.2.1")
        assert "Đăng nhập sai quá nhiều lần" in response.content.decode()

    def test_ip_is_locked_for_every_username(self):
        UserFactory(username="bientap", is_staff=True)
        for n in range(settings.LOGIN_FAILURE_LIMIT):
            self.attempt("sai", username=f"doan-mo-{n}")
        response = self.attempt(PASSWORD)
        assert "Đăng nhập sai quá nhiều lần" in response.content.decode()

    def test_success_below_the_limit_logs_in(self):
        UserFactory(username="bientap", is_staff=True)
        self.attempt("sai")
        assert self.attempt(PASSWORD).status_code == 302


def test_workflow_steps_are_in_the_admin_log(client):
    from django.contrib.auth.models import Group

    editor = UserFactory(is_staff=True)
    editor.groups.add(Group.objects.get(name=roles.EDITOR))
    article = ArticleFactory(status=Article.Status.SUBMITTED)
    client.force_login(editor)
    client.post(
        reverse("admin:articles_article_transition", args=[article.pk, "approve"])
    )
    entry = LogEntry.objects.get(object_id=str(article.pk))
    assert entry.user == editor and "Duyệt bài" in entry.get_change_message()


def test_database_outage_answers_503_with_the_friendly_page(client, monkeypatch):
    from articles import views

    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(views.HomeView, "get_context_data", down)
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Trang tạm thời gián đoạn" in response.content.decode()
    assert "connection refused" not in response.content.decode()


def test_oversized_comment_body_is_413_before_the_view(client):
    article = PublishedArticleFactory()
    response = client.post(
        f"/binh-luan/{article.pk}/",
        {"name": "A", "email": "a@example.com", "body": "x" * 100_000},
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 413
    assert not Comment.objects.exists()


def test_overlong_query_string_is_414(client):
    assert client.get("/", {"q": "a" * 3000}).status_code == 414


class TestTwoFactor:
    def make_device(self, user):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        return TOTPDevice.objects.create(user=user, name="Điện thoại", confirmed=True)

    def token(self, device):
        from django_otp.oath import TOTP

        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        return f"{totp.token():06d}"

    def log_in(self, client, username, token=""):
        return client.post(
            reverse("admin:login"),
            {"username": username, "password": PASSWORD, "otp_token": token},
        )

    def test_staff_without_a_device_log_in_with_a_password(self, client):
        UserFactory(username="bientap", is_staff=True)
        assert self.log_in(client, "bientap").status_code == 302

    def test_staff_with_a_device_must_give_its_code(self, client):
        user = UserFactory(username="bientap", is_staff=True)
        device = self.make_device(user)
        response = self.log_in(client, "bientap")
        assert response.status_code == 200  # a password alone is not enough
        response = self.log_in(client, "bientap", token=self.token(device))
        assert response.status_code == 302

    def test_a_wrong_code_is_refused(self, client):
        user = UserFactory(username="bientap", is_staff=True)
        device = self.make_device(user)
        wrong = f"{(int(self.token(device)) + 1) % 1_000_000:06d}"
        assert self.log_in(client, "bientap", token=wrong).status_code == 200
        assert "_auth_user_id" not in client.session

    def test_wrong_codes_count_towards_the_lock_out(self, client):
        user = UserFactory(username="bientap", is_staff=True)
        device = self.make_device(user)
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            self.log_in(Client(), "bientap", token="123456")
        response = self.log_in(client, "bientap", token=self.token(device))
        assert "Đăng nhập sai quá nhiều lần" in response.content.decode()

    def test_required_for_managing_editors_when_configured(self, client, settings):
        from django.contrib.auth.models import Group

        settings.ADMIN_2FA_REQUIRED = True
        managing = UserFactory(username="thuky", is_staff=True)
        managing.groups.add(Group.objects.get(name=roles.MANAGING_EDITOR))
        reporter = UserFactory(username="phongvien", is_staff=True)
        reporter.groups.add(Group.objects.get(name=roles.REPORTER))

        self.log_in(client, "thuky")
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302 and "/login/" in response["Location"]

        device = self.make_device(managing)
        client.logout()
        assert self.log_in(client, "thuky", token=self.token(device)).status_code == 302
        assert client.get(reverse("admin:index")).status_code == 200

        other = Client()
        self.log_in(other, "phongvien")
        assert other.get(reverse("admin:index")).status_code == 200
