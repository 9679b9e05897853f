"""A reader's journey in a real browser, on the reference article.

Home page -> the section menu -> the reference article -> a comment that waits
for moderation (the moderator's side is test_moderation_journey.py), at
desktop and phone sizes, with screenshots in tests/browser/screenshots/.
"""

import re
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from articles.models import Article, Comment

from .conftest import assert_fits_width, visible

pytestmark = pytest.mark.browser

SEED = settings.BASE_DIR / "demo" / "000_acd85ecf6e6c6313.txt"
TITLE = "Hà Nội và TP.HCM hợp tác toàn diện nhằm thúc đẩy kinh tế - xã hội"
ARTICLE_PATH = re.compile(
    r"/dong-chay/ha-noi-va-tphcm-hop-tac-toan-dien-nham-thuc-day-kinh-te-xa-hoi-"
    r"([0-9]+)\.html"
)
COMMENT = "Hai thành phố hợp tác là tin vui cho người dân cả nước."
PENDING_NOTICE = "Bình luận của bạn đang chờ kiểm duyệt"


@pytest.fixture
def reference_article(transactional_db):
    """The seed article, imported and published the way the newsroom does it."""
    out = StringIO()
    call_command(
        "import_article", str(SEED), "--publish", "--create-section", stdout=out
    )
    article = Article.objects.get(title=TITLE)
    assert article.get_absolute_url() in out.getvalue()
    return article


def assert_cacheable(response):
    """An anonymous page must be shareable by a cache: no cookie, no Vary: Cookie."""
    assert response.status == 200, response.url
    headers = response.all_headers()
    assert "set-cookie" not in headers, (response.url, headers["set-cookie"])
    assert "cookie" not in headers.get("vary", "").lower(), (response.url, headers)


def is_navigation(page):
    return lambda r: r.request.is_navigation_request() and r.frame == page.main_frame


@pytest.fixture
def no_time_trap(settings):
    """A browser fills the form faster than the time trap's minimum allows."""
    settings.COMMENT_MIN_SECONDS = 0


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_reader_reads_the_reference_article_and_comments(
    browser, request, size, reference_article, screenshot, no_time_trap
):
    page = request.getfixturevalue(f"{size}_page")
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))

    home = page.goto("/")
    assert_cacheable(home)
    assert_fits_width(page)
    screenshot(page, f"journey-home-{size}")

    # To the section through the menu: a bar on a desktop, a button on a phone.
    if size == "phone":
        page.locator("details.sections__menu summary").click()
    with page.expect_response(is_navigation(page)) as navigation:
        visible(page.get_by_role("link", name="Dòng chảy", exact=True)).click()
    assert_cacheable(navigation.value)
    expect(page.locator("h1")).to_have_text("Dòng chảy")
    assert_fits_width(page)
    screenshot(page, f"journey-section-{size}")

    with page.expect_response(is_navigation(page)) as navigation:
        visible(page.get_by_role("link", name=TITLE)).click()
    assert_cacheable(navigation.value)
    expect(page).to_have_url(ARTICLE_PATH)
    path = urlsplit(page.url).path
    assert path == reference_article.get_absolute_url()
    assert int(ARTICLE_PATH.fullmatch(path)[1]) == reference_article.pk

    expect(page.locator("h1")).to_have_text(TITLE)
    expect(visible(page.get_by_text("Bình Minh", exact=True))).to_be_visible()
    expect(visible(page.get_by_text("19/10/2023 06:36"))).to_be_visible()
    caption = visible(
        page.locator("figure figcaption").filter(has_text="Ảnh: Thành ủy TP.HCM")
    )
    expect(caption).to_be_visible()
    photo = caption.locator("xpath=ancestor::figure[1]//img").first
    photo.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=photo.element_handle()
    )
    expect(visible(page.get_by_text("(0) Bình luận"))).to_be_visible()
    assert_fits_width(page)
    screenshot(page, f"journey-article-{size}")

    form = page.locator("section#binh-luan form")
    # The time trap's token is asked for when the reader first touches the form.
    with page.expect_response(lambda r: r.url.endswith("/ma/")) as token:
        form.locator("[name=name]").fill("Nguyễn Thị Hoà")
    assert token.value.status == 200
    assert "set-cookie" not in token.value.all_headers()
    form.locator("[name=email]").fill("hoa.nguyen@example.com")
    form.locator("[name=body]").fill(COMMENT)
    expect(form.locator("[name=ts]")).to_have_value(token.value.json()["token"])
    form.get_by_role("button", name="Gửi bình luận").click()

    expect(visible(page.get_by_text(PENDING_NOTICE))).to_be_visible()
    expect(page).to_have_url(ARTICLE_PATH)
    # The poster sees their comment marked as waiting; it is not counted.
    waiting = page.locator(".comment--waiting")
    expect(waiting).to_contain_text(COMMENT)
    expect(waiting).to_contain_text("Đang chờ duyệt (chỉ bạn thấy)")
    expect(visible(page.get_by_text("(0) Bình luận"))).to_be_visible()
    screenshot(page, f"journey-comment-pending-{size}")

    comment = Comment.objects.get(article=reference_article)
    assert comment.status == Comment.Status.PENDING
    assert comment.spam_reasons == ""  # timed by the token, trusted as usual
    assert (comment.name, comment.email, comment.body) == (
        "Nguyễn Thị Hoà",
        "hoa.nguyen@example.com",
        COMMENT,
    )
    # Reading and commenting never gave this reader a cookie.
    assert page.context.cookies() == []
    assert script_errors == []


def test_comment_form_errors_are_in_vietnamese(
    desktop_page, reference_article, no_time_trap
):
    page = desktop_page
    page.goto(reference_article.get_absolute_url())
    form = page.locator("section#binh-luan form")
    # Skip the browser's own "required" check so the server's errors show.
    form.evaluate("form => { form.noValidate = true; }")
    with page.expect_response(is_navigation(page)) as navigation:
        form.get_by_role("button", name="Gửi bình luận").click()
    assert navigation.value.status == 400

    section = page.locator("section#binh-luan")
    expect(section).to_contain_text("Vui lòng nhập họ tên.")
    expect(section).to_contain_text("Vui lòng nhập email.")
    expect(section).to_contain_text("Vui lòng nhập nội dung bình luận.")

    form.evaluate("form => { form.noValidate = true; }")
    form.locator("[name=name]").fill("Trần Văn Đức")
    form.locator("[name=email]").fill("khong-phai-email")
    form.locator("[name=body]").fill(COMMENT)
    form.get_by_role("button", name="Gửi bình luận").click()

    expect(section).to_contain_text("Email không hợp lệ.")
    expect(section).not_to_contain_text("Vui lòng nhập họ tên.")
    # What the reader typed is kept for the next try.
    expect(form.locator("[name=name]")).to_have_value("Trần Văn Đức")
    expect(form.locator("[name=body]")).to_have_value(COMMENT)
    assert not Comment.objects.exists()

    # Opening the error page's address again leads back to the comments.
    assert urlsplit(page.url).path == f"/binh-luan/{reference_article.pk}/"
    response = page.goto(page.url)
    assert response.status == 200
    expect(page).to_have_url(re.compile(ARTICLE_PATH.pattern + "#binh-luan$"))
    expect(form.get_by_role("button", name="Gửi bình luận")).to_be_visible()


def test_a_long_comment_is_counted_and_refused_not_cut(
    desktop_page, reference_article, no_time_trap
):
    page = desktop_page
    page.goto(reference_article.get_absolute_url())
    form = page.locator("section#binh-luan form")
    body = form.locator("[name=body]")
    count = form.locator(".field__count")
    expect(count).to_have_text("còn 5.000 ký tự")
    body.fill("Hà Nội\nvà TP.HCM")  # a line break is one character
    expect(count).to_have_text("còn 4.984 ký tự")

    form.locator("[name=name]").fill("Phạm Minh")
    form.locator("[name=email]").fill("minh.pham@example.com")
    too_long = "Ý kiến dài. " * 417  # 5,004 characters
    body.fill(too_long)
    expect(body).to_have_value(too_long)  # nothing cut off
    expect(count).to_have_text("quá 3 ký tự (tối đa 5.000)")
    with page.expect_response(is_navigation(page)) as navigation:
        form.get_by_role("button", name="Gửi bình luận").click()
    assert navigation.value.status == 400
    expect(form).to_contain_text("Bình luận dài tối đa 5000 ký tự (hiện có 5003)")
    expect(body).to_have_value(too_long)
    assert not Comment.objects.exists()

    body.fill(too_long[:5000])
    expect(count).to_have_text("còn 0 ký tự")
    form.get_by_role("button", name="Gửi bình luận").click()
    expect(visible(page.get_by_text(PENDING_NOTICE))).to_be_visible()
    assert Comment.objects.get().body == too_long[:5000]


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_reader_finds_the_reference_article_without_tone_marks(
    request, size, reference_article, screenshot
):
    page = request.getfixturevalue(f"{size}_page")
    page.goto("/")
    box = page.get_by_role("searchbox", name="Tìm kiếm")
    box.fill("ha noi hop tac")
    with page.expect_response(is_navigation(page)) as navigation:
        box.press("Enter")
    assert_cacheable(navigation.value)
    expect(page).to_have_url(re.compile(r"/tim-kiem/\?q=ha\+noi\+hop\+tac"))
    result = page.locator(".search-result").first
    expect(result.get_by_role("link", name=TITLE)).to_be_visible()
    expect(result.locator("mark").first).to_have_text("Hà")
    assert_fits_width(page)
    screenshot(page, f"search-{size}")
    with page.expect_response(is_navigation(page)):
        result.get_by_role("link", name=TITLE).click()
    expect(page.locator("h1")).to_have_text(TITLE)
    assert page.context.cookies() == []
