"""The admin's slug fields speak Vietnamese, in a real browser.

Django's prepopulated-field JavaScript fills the slug as the editor types the
title; its URLify turns "đ" into "dj" and drops doubly marked vowels, so
static/admin/js/vi_urlify.js replaces it with the server's rules. The slug the
editor sees must be the slug ``vi_slugify`` would save.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles.text import vi_slugify
from tests.factories import StaffFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
SLUGS = {
    "Công tác xây dựng Đảng": "cong-tac-xay-dung-dang",
    "thúc đẩy": "thuc-day",
    "Hà Nội và TP.HCM hợp tác toàn diện": "ha-noi-va-tphcm-hop-tac-toan-dien",
    "Đường Điện Biên Phủ": "duong-dien-bien-phu",
}


@pytest.fixture
def admin_page(desktop_page):
    """A desktop page logged in to the admin as a superuser."""
    user = StaffFactory(username="bientap")
    page = desktop_page
    page.goto(reverse("admin:login"))
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#login-form [type=submit]").click()
    expect(page).to_have_url(reverse("admin:index"))
    return page


@pytest.mark.parametrize(
    ("url_name", "source"),
    [
        ("admin:articles_article_add", "#id_title"),
        ("admin:articles_category_add", "#id_name"),
    ],
)
def test_slug_field_follows_vietnamese_title(admin_page, url_name, source):
    page = admin_page
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.goto(reverse(url_name))
    title, slug = page.locator(source), page.locator("#id_slug")

    for text, expected in SLUGS.items():
        assert vi_slugify(text) == expected
        title.fill("")
        title.fill(text)
        # prepopulate.js listens for keyup/change; fill() only fires "input".
        title.press("End")
        expect(slug).to_have_value(expected)

    assert script_errors == []
