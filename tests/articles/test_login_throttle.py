"""The admin login throttle and the one client-address rule behind it.

Requests come as deploy/nginx.conf sends them: from 127.0.0.1 (the test
client's REMOTE_ADDR, a trusted proxy by default) with the client's address
appended to X-Forwarded-For. A client that reaches the app without the proxy
has its own REMOTE_ADDR.
"""

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse

from articles.client_ip import client_ip, hash_ip
from articles.login_throttle import DEVICE_COOKIE
from articles.models import PreviewOpen
from articles.preview import preview_link_create, preview_url
from tests.factories import ArticleFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LOCKED = "Đăng nhập sai quá nhiều lần"
WHAT_TO_DO = "Hãy đăng nhập từ trình duyệt bạn vẫn dùng"
ATTACKER = "203.0.113.66"


def meta(**extra) -> dict:
    return RequestFactory().get("/", **extra).META


class FakeRequest:
    def __init__(self, **extra):
        self.META = meta(**extra)


# --- The client's address ------------------------------------------------------


class TestClientIp:
    def test_behind_the_proxy_two_clients_are_two_addresses(self):
        one = FakeRequest(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
        two = FakeRequest(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.2")
        assert (client_ip(one), client_ip(two)) == ("198.51.100.1", "198.51.100.2")

    def test_what_the_client_wrote_before_the_proxy_is_ignored(self):
        # nginx's $proxy_add_x_forwarded_for: the client's header, then its address.
        request = FakeRequest(
            REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.7"
        )
        assert client_ip(request) == "198.51.100.7"

    def test_a_spoofed_header_from_a_client_not_behind_the_proxy_is_ignored(self):
        request = FakeRequest(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="1.2.3.4")
        assert client_ip(request) == ATTACKER
        request = FakeRequest(REMOTE_ADDR=ATTACKER, HTTP_X_REAL_IP="1.2.3.4")
        assert client_ip(request) == ATTACKER

    def test_a_load_balancer_in_front_of_nginx_is_skipped_when_listed(self, settings):
        settings.CLIENT_IP_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
        request = FakeRequest(
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7, 10.0.0.5",
        )
        assert client_ip(request) == "198.51.100.7"

    def test_no_trusted_proxy_means_the_peer(self, settings):
        settings.CLIENT_IP_TRUSTED_PROXIES = []
        request = FakeRequest(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
        assert client_ip(request) == "127.0.0.1"

    def test_the_old_x_real_ip_setting_still_works(self, settings):
        settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
        request = FakeRequest(REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.9")
        assert client_ip(request) == "198.51.100.9"

    @pytest.mark.parametrize(
        ("remote", "forwarded", "expected"),
        [
            ("127.0.0.1", "", "127.0.0.1"),
            ("127.0.0.1", "unknown", "127.0.0.1"),
            ("127.0.0.1", "198.51.100.7, <script>", "127.0.0.1"),
            ("127.0.0.1", "::ffff:198.51.100.7", "198.51.100.7"),
            ("::1", "2001:db8::7", "2001:db8::7"),
            ("not-an-ip", "198.51.100.7", ""),
            ("", "", ""),
        ],
    )
    def test_odd_values(self, remote, forwarded, expected):
        request = FakeRequest(REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
        assert client_ip(request) == expected

    def test_a_preview_opening_logs_the_readers_address(self, client):
        link = preview_link_create(article=ArticleFactory(), by=StaffFactory())
        client.get(preview_url(link), HTTP_X_FORWARDED_FOR="198.51.100.7")
        assert PreviewOpen.objects.get().ip_hash == hash_ip("198.51.100.7")


def settings_in_a_process(**env) -> str:
    """CLIENT_IP_* as a fresh process reads them from ``env``."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings;"
            "print(settings.CLIENT_IP_HEADER, settings.CLIENT_IP_TRUSTED_PROXIES)",
        ],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "ENV_FILE": "",
            "DEBUG": "1",
            **env,
        },
        capture_output=True,
        text=True,
        check=False,
    )


def test_settings_keep_the_old_name_and_refuse_a_bad_proxy():
    old = settings_in_a_process(COMMENT_CLIENT_IP_META="HTTP_X_REAL_IP")
    assert old.stdout.startswith("HTTP_X_REAL_IP ['127.0.0.1', '::1']"), old.stderr
    bad = settings_in_a_process(CLIENT_IP_TRUSTED_PROXIES="127.0.0.1,nginx")
    assert bad.returncode != 0
    assert "CLIENT_IP_TRUSTED_PROXIES: 'nginx' is not an address" in bad.stderr


# --- The admin login -------------------------------------------------------------


def attempt(client, username, password, *, ip, token=""):
    """A login through nginx from ``ip``."""
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "otp_token": token},
        HTTP_X_FORWARDED_FOR=ip,
    )


def logged_in(response) -> bool:
    return response.status_code == 302


def make_device(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="Điện thoại", confirmed=True)


def code(device) -> str:
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def hammer(username, *, ips, times, password="sai-mat-khau"):
    """``times`` failed logins for ``username`` from each of ``ips``."""
    for ip in ips:
        for _ in range(times):
            response = attempt(Client(), username, password, ip=ip)
            assert not logged_in(response)


def log_out(client):
    """Log out as the admin's logout does: the browser keeps its device cookie
    (the test client's logout() forgets every cookie)."""
    kept = client.cookies[DEVICE_COOKIE].value
    client.logout()
    client.cookies[DEVICE_COOKIE] = kept


@pytest.fixture
def bientap():
    return UserFactory(username="bientap", is_staff=True)


class TestBehindTheProxy:
    def test_one_attackers_failures_do_not_lock_out_the_newsroom(self, bientap):
        hammer("khong-co-ai", ips=[ATTACKER], times=50)
        response = attempt(Client(), "bientap", PASSWORD, ip="198.51.100.20")
        assert logged_in(response)

    def test_a_password_spray_from_one_address_is_stopped(
        self, bientap, django_assert_num_queries
    ):
        for n in range(settings.LOGIN_FAILURE_LIMIT):
            attempt(Client(), f"doan-mo-{n}", "123456", ip=ATTACKER)
        # Refused without the password being looked at: no query at all.
        with django_assert_num_queries(0):
            response = attempt(Client(), "bientap", PASSWORD, ip=ATTACKER)
        assert not logged_in(response)
        assert LOCKED in response.content.decode()
        assert WHAT_TO_DO in response.content.decode()

    def test_guessing_one_account_from_many_addresses_is_stopped(self, bientap):
        ips = [f"198.51.100.{n}" for n in range(settings.LOGIN_FAILURE_LIMIT)]
        hammer("bientap", ips=ips, times=1)
        # The next guess, from a fresh address, is refused even when right.
        response = attempt(Client(), "BienTap ", PASSWORD, ip="192.0.2.1")
        assert not logged_in(response) and LOCKED in response.content.decode()
        response = attempt(Client(), "bientap", PASSWORD, ip="192.0.2.2")
        assert not logged_in(response) and LOCKED in response.content.decode()

    def test_a_spoofed_forwarded_for_does_not_give_fresh_addresses(self, bientap):
        for n in range(settings.LOGIN_FAILURE_LIMIT):
            Client(REMOTE_ADDR=ATTACKER).post(
                reverse("admin:login"),
                {"username": f"doan-mo-{n}", "password": "123456"},
                HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
            )
        response = Client(REMOTE_ADDR=ATTACKER).post(
            reverse("admin:login"),
            {"username": "bientap", "password": PASSWORD},
            HTTP_X_FORWARDED_FOR="10.0.0.200",
        )
        assert not logged_in(response) and LOCKED in response.content.decode()


class TestTheRightPeopleGetIn:
    def test_password_and_code_get_in_while_an_attacker_hammers_the_account(
        self, bientap
    ):
        device = make_device(bientap)
        hammer("bientap", ips=[ATTACKER], times=200)
        hammer("bientap", ips=[f"192.0.2.{n}" for n in range(10)], times=2)
        # A new browser on another address: password and code, at once.
        response = attempt(
            Client(), "bientap", PASSWORD, ip="198.51.100.20", token=code(device)
        )
        assert logged_in(response)

    def test_the_password_alone_does_not_lift_the_lock(self, bientap):
        # Else a locked guesser would learn which password was right.
        make_device(bientap)
        hammer("bientap", ips=[ATTACKER], times=10)
        response = attempt(Client(), "bientap", PASSWORD, ip=ATTACKER, token="000000")
        assert not logged_in(response) and LOCKED in response.content.decode()

    def test_wrong_codes_with_the_right_password_close_the_way_round(
        self, bientap, time_machine
    ):
        # Someone has the password and guesses codes: the lock then holds
        # even for the right code, except in a trusted browser.
        device = make_device(bientap)
        trusted = Client()
        assert logged_in(
            attempt(trusted, "bientap", PASSWORD, ip="198.51.100.5", token=code(device))
        )
        ips = [f"192.0.2.{n}" for n in range(settings.LOGIN_FAILURE_LIMIT)]
        for ip in ips:
            attempt(Client(), "bientap", PASSWORD, ip=ip, token="999999")
        response = attempt(
            Client(), "bientap", PASSWORD, ip="198.51.100.20", token=code(device)
        )
        assert not logged_in(response) and LOCKED in response.content.decode()
        log_out(trusted)
        # The next code: django-otp takes each code once.
        time_machine.move_to(datetime.now(tz=UTC) + timedelta(seconds=60))
        response = attempt(
            trusted, "bientap", PASSWORD, ip="198.51.100.5", token=code(device)
        )
        assert logged_in(response)

    def test_a_trusted_browser_gets_in_from_the_attackers_own_address(self, bientap):
        # The newsroom's office shares one address with the attacker (NAT).
        UserFactory(username="phongvien", is_staff=True)
        editor = Client()
        assert logged_in(attempt(editor, "bientap", PASSWORD, ip=ATTACKER))
        cookie = editor.cookies[DEVICE_COOKIE]
        assert cookie["path"] == f"/{settings.ADMIN_URL}" and cookie["httponly"]
        log_out(editor)

        hammer("bientap", ips=[ATTACKER], times=50)
        hammer("phongvien", ips=[f"192.0.2.{n}" for n in range(5)], times=1)

        assert logged_in(attempt(editor, "bientap", PASSWORD, ip=ATTACKER))
        # A colleague on the same address, in a browser never used for the
        # admin, is a stranger: refused, and told what to do.
        response = attempt(Client(), "phongvien", PASSWORD, ip=ATTACKER)
        assert not logged_in(response)
        assert WHAT_TO_DO in response.content.decode()

    def test_a_trusted_browser_counts_its_own_failures(self, bientap):
        editor = Client()
        assert logged_in(attempt(editor, "bientap", PASSWORD, ip="198.51.100.5"))
        log_out(editor)
        hammer("bientap", ips=[ATTACKER], times=10)
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            response = attempt(editor, "bientap", "go-nham", ip="198.51.100.5")
            assert not logged_in(response) and LOCKED not in response.content.decode()
        # Past its own limit the browser is a stranger, and the account is
        # locked for strangers.
        response = attempt(editor, "bientap", PASSWORD, ip="198.51.100.5")
        assert not logged_in(response) and LOCKED in response.content.decode()

    def test_a_cookie_for_another_account_or_forged_is_not_trusted(self, bientap):
        UserFactory(username="phongvien", is_staff=True)
        browser = Client()
        assert logged_in(attempt(browser, "phongvien", PASSWORD, ip=ATTACKER))
        log_out(browser)
        hammer("bientap", ips=[f"192.0.2.{n}" for n in range(5)], times=1)
        response = attempt(browser, "bientap", PASSWORD, ip=ATTACKER)
        assert not logged_in(response) and LOCKED in response.content.decode()

        forged = Client()
        forged.cookies[DEVICE_COOKIE] = "bientap:khong-phai-chu-ky"
        response = attempt(forged, "bientap", PASSWORD, ip=ATTACKER)
        assert response.status_code == 200 and LOCKED in response.content.decode()


class TestCacheOutage:
    """Redis down (a real django-redis client on a port nobody listens on)."""

    DOWN = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1},
        }
    }

    def test_strangers_are_refused_and_trusted_browsers_get_in(self, bientap, settings):
        device_owner = UserFactory(username="thuky", is_staff=True)
        device = make_device(device_owner)
        editor = Client()
        assert logged_in(attempt(editor, "bientap", PASSWORD, ip="198.51.100.5"))
        log_out(editor)

        settings.CACHES = self.DOWN
        response = attempt(Client(), "bientap", PASSWORD, ip="198.51.100.6")
        assert not logged_in(response)
        assert "tạm thời không đếm được" in response.content.decode()
        assert logged_in(attempt(editor, "bientap", PASSWORD, ip="198.51.100.5"))
        # Password and code are enough, as under a lock.
        response = attempt(
            Client(), "thuky", PASSWORD, ip="198.51.100.7", token=code(device)
        )
        assert logged_in(response)
