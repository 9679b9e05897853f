"""The newsroom's journey in a real browser: a reporter writes, signs and
submits, an editor approves and publishes, and readers find the article on the
home page.

The workflow buttons belong to the article form: what was typed and not yet
saved is saved by the button itself, before the step is confirmed.
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from playwright.sync_api import expect

from articles import roles
from articles.models import Article, ArticleTransition
from tests.factories import ArticleFactory, AuthorFactory, CategoryFactory, UserFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
TITLE = "Đường Điện Biên Phủ thông xe sau ba tháng sửa chữa"
BODY = "Sáng nay, tuyến đường chính thức thông xe trở lại."


def staff(username, role):
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def log_in(page, username):
    page.goto(reverse("admin:login"))
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#login-form [type=submit]").click()
    expect(page).to_have_url(reverse("admin:index"))


def choose(page, select_id, typed, option):
    """Pick ``option`` in an autocomplete (select2) field by typing ``typed``."""
    page.locator(f"#{select_id}").locator("xpath=..").locator(
        ".select2-selection"
    ).click()
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=option).click()


def take_step(page, label):
    """Press a workflow button on the change page (it saves the form), then
    confirm the step."""
    page.locator(".nr-workflow").get_by_role("button", name=label, exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("Đã lưu")
    page.locator("#content-main input[type=submit]").click()
    expect(page.locator(".messagelist .success")).to_contain_text(label)


@pytest.fixture
def newsroom(transactional_db):
    CategoryFactory(name="Thời sự", slug="thoi-su")
    reporter = staff("phongvien", roles.REPORTER)
    AuthorFactory(name="Bình Minh", user=reporter)
    return reporter, staff("bientapvien", roles.EDITOR)


def test_reporter_writes_editor_publishes_reader_finds_it(
    browser, live_server, newsroom, screenshot
):
    def new_page():
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1366, "height": 900}
        )
        context.set_default_timeout(15_000)
        return context, context.new_page()

    # The reporter writes the article and sends it to the desk.
    context, page = new_page()
    log_in(page, "phongvien")
    page.goto(reverse("admin:articles_article_add"))
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_title").press("End")
    expect(page.locator("#id_slug")).to_have_value(
        "duong-dien-bien-phu-thong-xe-sau-ba-thang-sua-chua"
    )
    page.locator("#id_sapo").fill("Tuyến phố trung tâm đã thông xe.")
    choose(page, "id_category", "Thời", "Thời sự")
    page.locator(".field-body [contenteditable=true]").click()
    page.keyboard.type(BODY)
    # The byline: the reporter signs with their pen name.
    expect(page.locator("#bylines-group")).to_contain_text("Tác giả")
    choose(page, "id_bylines-0-author", "Bình", "Bình Minh")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    article = Article.objects.get(title=TITLE)
    assert article.status == Article.Status.DRAFT
    assert BODY in article.body
    assert [a.name for a in article.byline] == ["Bình Minh"]

    # A last change, not saved: the workflow button saves it.
    page.locator("#id_sapo").fill("Tuyến phố trung tâm đã thông xe từ sáng nay.")
    take_step(page, "Gửi biên tập")
    article.refresh_from_db()
    assert article.sapo == "Tuyến phố trung tâm đã thông xe từ sáng nay."
    assert article.status == Article.Status.SUBMITTED
    screenshot(page, "editor-journey-submitted")
    context.close()

    # The editor finds it waiting, approves and publishes it.
    context, page = new_page()
    log_in(page, "bientapvien")
    waiting = page.locator(".nr-dashboard .module").filter(
        has=page.locator("h2", has_text="Chờ biên tập")
    )
    waiting.get_by_role("link", name=TITLE).click()
    page.locator("#id_sapo").fill("Tuyến phố trung tâm thông xe từ 6 giờ sáng nay.")
    take_step(page, "Duyệt bài")
    article.refresh_from_db()
    assert article.sapo == "Tuyến phố trung tâm thông xe từ 6 giờ sáng nay."
    assert article.status == Article.Status.APPROVED
    take_step(page, "Xuất bản / hẹn giờ")
    expect(page.locator(".nr-workflow")).to_contain_text("Đã xuất bản")
    screenshot(page, "editor-journey-published")
    context.close()

    article.refresh_from_db()
    assert article.is_published()
    assert [a.name for a in article.byline] == ["Bình Minh"]
    steps = ArticleTransition.objects.filter(article=article).order_by("at", "id")
    assert [(s.name, s.by.username) for s in steps] == [
        ("submit", "phongvien"),
        ("approve", "bientapvien"),
        ("publish", "bientapvien"),
    ]

    # A reader sees it on the home page and opens it.
    context, page = new_page()
    page.goto("/")
    page.get_by_role("link", name=TITLE).first.click()
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator(".article__body")).to_contain_text(BODY)
    expect(page.locator(".byline__author")).to_have_text("Bình Minh")
    context.close()


def test_the_workflow_button_saves_the_form_without_javascript(make_page, newsroom):
    reporter, _editor = newsroom
    article = ArticleFactory(created_by=reporter, title="Bản nháp")
    page = make_page(java_script_enabled=False)
    log_in(page, "phongvien")
    page.goto(reverse("admin:articles_article_change", args=[article.pk]))
    page.locator("#id_title").fill(TITLE)
    page.get_by_role("button", name="Gửi biên tập", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("Đã lưu")
    page.locator("#id_note").fill("Ảnh bổ sung sau.")
    page.locator("#content-main input[type=submit]").click()
    expect(page.locator(".messagelist .success")).to_contain_text("Gửi biên tập")

    article.refresh_from_db()
    assert (article.title, article.status) == (TITLE, Article.Status.SUBMITTED)
    assert article.transitions.get().note == "Ảnh bổ sung sau."
