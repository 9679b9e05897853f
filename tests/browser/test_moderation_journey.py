"""A reader comments, a moderator approves it in one click, readers see it.

Then the reader replies through the "Trả lời" link, with no JavaScript needed
(the browser runs with JavaScript off for the reader).
"""

from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from playwright.sync_api import expect

from articles import roles
from articles.models import Article, Comment
from tests.browser.conftest import DESKTOP, TIMEOUT_MS, assert_fits_width
from tests.browser.test_reader_journey import SEED, TITLE, assert_cacheable
from tests.factories import CommentFactory, PublishedArticleFactory, UserFactory

pytestmark = pytest.mark.browser

COMMENT = "Mong hai thành phố sớm có kết quả cụ thể."
REPLY = "Đồng ý, nhất là về giao thông."
PASSWORD = "correct horse battery staple"
PENDING_NOTICE = "Bình luận của bạn đang chờ kiểm duyệt"


@pytest.fixture
def reference_article(transactional_db):
    call_command(
        "import_article",
        str(SEED),
        "--publish",
        "--create-section",
        stderr=StringIO(),
        stdout=StringIO(),
    )
    return Article.objects.get(title=TITLE)


@pytest.fixture
def no_time_trap(settings):
    """A browser fills the form faster than the time trap's minimum allows."""
    settings.COMMENT_MIN_SECONDS = 0


@pytest.fixture
def reader_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="vi-VN",
        java_script_enabled=False,
        viewport=DESKTOP,
    )
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


@pytest.fixture
def moderator_user(transactional_db):
    user = UserFactory(username="kiem.duyet", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            codename__in=["view_comment", "change_comment"],
            content_type__app_label="articles",
        )
    )
    return user


def test_comment_is_approved_in_one_click_and_counted(
    reader_page,
    desktop_page,
    reference_article,
    moderator_user,
    screenshot,
    no_time_trap,
):
    page = reader_page
    page.goto(reference_article.get_absolute_url())
    form = page.locator("form#gui-binh-luan")
    form.locator("[name=name]").fill("Phạm Minh Châu")
    form.locator("[name=email]").fill("chau.pham@example.com")
    form.locator("[name=body]").fill(COMMENT)
    form.get_by_role("button", name="Gửi bình luận").click()
    expect(page.get_by_text(PENDING_NOTICE)).to_be_visible()
    expect(page.get_by_text("(0) Bình luận")).to_be_visible()

    mod = desktop_page
    mod.goto("/admin/login/?next=/admin/articles/comment/")
    mod.locator("[name=username]").fill("kiem.duyet")
    mod.locator("[name=password]").fill(PASSWORD)
    mod.locator("[type=submit]").click()
    row = mod.locator("#result_list tbody tr").filter(has_text=COMMENT)
    expect(row).to_contain_text("Chờ duyệt")
    expect(row).to_contain_text("chau.pham@example.com")
    screenshot(mod, "moderation-queue")
    row.get_by_role("button", name="Duyệt").click()
    expect(mod.locator(".messagelist")).to_contain_text(
        "Đã duyệt bình luận của Phạm Minh Châu"
    )
    # Approved comments leave the pending queue.
    expect(mod.locator("#result_list")).not_to_be_visible()
    assert Comment.objects.get().status == Comment.Status.APPROVED

    # The page is public and browser-cacheable for 30 s (the page cache), so the
    # reader reloads, which revalidates it (If-None-Match) and gets the new one.
    page.goto(reference_article.get_absolute_url())
    response = page.reload()
    assert_cacheable(response)
    expect(page.get_by_text("(1) Bình luận")).to_be_visible()
    expect(page.locator(".comment").filter(has_text=COMMENT)).to_be_visible()

    page.locator(".comment").filter(has_text=COMMENT).get_by_role(
        "link", name="Trả lời"
    ).click()
    expect(page.get_by_text("Trả lời bình luận của Phạm Minh Châu")).to_be_visible()
    form = page.locator("form#gui-binh-luan")
    form.locator("[name=name]").fill("Lê Văn Dũng")
    form.locator("[name=email]").fill("dung.le@example.com")
    form.locator("[name=body]").fill(REPLY)
    form.get_by_role("button", name="Gửi trả lời").click()
    expect(page.get_by_text(PENDING_NOTICE)).to_be_visible()
    reply = Comment.objects.get(body=REPLY)
    assert reply.parent.body == COMMENT
    expect(page.locator(".comments__replies .comment--waiting")).to_contain_text(REPLY)
    screenshot(page, "comment-approved-and-reply-waiting")
    assert page.context.cookies() == []


# The queue's columns, by the class Django gives each header, with their labels.
QUEUE_COLUMNS = {
    "column-quick_approve": "duyệt nhanh",
    "column-status": "trạng thái",
    "column-sender": "người gửi",
    "column-excerpt": "nội dung",
    "column-article_link": "bài viết",
    "column-created_at": "thời gian",
    "column-link_count": "số liên kết",
    "column-repeat_poster": "người gửi quen",
    "column-spam_signals": "điểm spam",
}


def test_the_queue_shows_every_column_on_a_1366_screen(
    desktop_page, transactional_db, screenshot
):
    from django.contrib.auth.models import Group

    user = UserFactory(username="kiem.duyet", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.MODERATOR))
    article = PublishedArticleFactory(
        title="Thành phố Hồ Chí Minh và Hà Nội ký kết thỏa thuận hợp tác phát "
        "triển giao thông đô thị giai đoạn 2025–2030"
    )
    for number in range(6):
        CommentFactory(
            article=article,
            name="Nguyễn Thị Phương Thảo",
            email=f"nguyen.thi.phuong.thao.{number}@mot-ten-mien-dai.example.com",
            body="Tôi thấy bài viết rất hữu ích, mong tòa soạn tiếp tục theo dõi "
            "và cập nhật thêm về dự án trong thời gian tới, xin cảm ơn! " * 3,
            spam_score=7,
            spam_reasons="2 liên kết, gửi quá nhanh, từ bị chặn: khuyến mãi",
        )
    page = desktop_page
    page.goto("/admin/login/?next=/admin/articles/comment/")
    page.locator("[name=username]").fill("kiem.duyet")
    page.locator("[name=password]").fill(PASSWORD)
    page.locator("[type=submit]").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(6)
    assert_fits_width(page)
    width = page.viewport_size["width"]
    for column, label in QUEUE_COLUMNS.items():
        header = page.locator(f"#result_list thead th.{column}")
        expect(header).to_contain_text(label, ignore_case=True)
        box = header.bounding_box()
        assert 0 <= box["x"] and box["x"] + box["width"] <= width, (column, box)
    results = page.locator("#changelist .results")
    assert results.evaluate("el => el.scrollWidth <= el.clientWidth")
    screenshot(page, "moderation-queue-1366")


def test_the_moderators_home_says_how_many_comments_wait(
    desktop_page, transactional_db
):
    from django.contrib.auth.models import Group

    user = UserFactory(username="kiem.duyet", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.MODERATOR))
    CommentFactory.create_batch(3)
    page = desktop_page
    page.goto("/admin/login/")
    page.locator("[name=username]").fill("kiem.duyet")
    page.locator("[name=password]").fill(PASSWORD)
    page.locator("[type=submit]").click()
    page.get_by_role("link", name="3 bình luận chờ duyệt").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
