"""The reader's pages in Chromium: layout at both sizes, accessibility, share
links, the phone menu by keyboard, JavaScript off, dark mode, print, 404, search.

The site is the demo newsroom `make run` serves (``load_demo``: the legal
footer, seven sections, the reference article and 30 more, with comments).
Screenshots of home, section and article at 1366x768 and 390x844 land in
tests/browser/screenshots/. axe-core (``node_modules``, from package-lock.json)
checks WCAG 2.2 A/AA and best practices: no serious or critical violation.
"""

import re
from urllib.parse import quote

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from articles.models import Article, Category

from .conftest import assert_fits_width, blocking, rendered_fonts, visible

pytestmark = pytest.mark.browser

TITLE = "Hà Nội và TP.HCM hợp tác toàn diện nhằm thúc đẩy kinh tế - xã hội"
SECTION = "Dòng chảy"
# Text in each of the stylesheet's two stacks, on cards and on the article.
TEXT = (
    "h1, .block__title, .card__section, .card__title a, .card__sapo, "
    ".article__sapo, .article__body p, .byline__author"
)


@pytest.fixture
def demo_site(transactional_db, tmp_path):
    """The demo content; returns the reference article."""
    call_command("load_demo", password_file=tmp_path / "admin-password", verbosity=0)
    return Article.objects.get(title=TITLE)


def watch(page):
    """Collect script errors and CSP reports the page triggers."""
    problems = []
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if message.type == "error"
            else None
        ),
    )
    return problems


def assert_page_structure(page):
    """lang="vi", one h1, no skipped heading level, every <img> has an alt."""
    assert page.evaluate("document.documentElement.lang") == "vi"
    assert page.locator("h1").count() == 1, page.url
    levels = page.evaluate(
        "[...document.querySelectorAll('h1,h2,h3,h4,h5,h6')]"
        ".map(h => Number(h.tagName[1]))"
    )
    assert levels[0] == 1, (page.url, levels)
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, f"{page.url}: h{before} followed by h{after}"
    assert page.locator("img:not([alt])").count() == 0, page.url
    for landmark in ("header", "nav", "main", "footer"):
        assert page.locator(landmark).count() >= 1, (page.url, landmark)


def assert_one_font_per_text(page, fonts):
    """Each text is drawn in one font, Noto's with "noto" and another without.

    A font missing some Vietnamese letters has them drawn from the next font
    that has them, which shows as a word in two typefaces.
    """
    drawn = rendered_fonts(page, TEXT)
    assert drawn, page.url
    for html, families in drawn:
        assert len(families) == 1, (page.url, html, families)
        assert families[0].startswith("Noto") == (fonts == "noto"), (html, families)


@pytest.mark.parametrize("fonts", ["noto", "fallback"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_home_section_and_article_look_right_and_pass_axe(
    make_page, size, fonts, demo_site, axe, screenshot
):
    """With Noto (Android, most Linux) and without (what Chromium falls back to
    on a machine that lacks it): targets, widths and glyphs all hold."""
    page = make_page(size, fonts=fonts)
    problems = watch(page)
    category = Category.objects.get(name=SECTION)
    pages = {
        "home": "/",
        "section": category.get_absolute_url(),
        "article": demo_site.get_absolute_url(),
    }
    for name, url in pages.items():
        response = page.goto(url)
        assert response.status == 200, url
        assert_fits_width(page)
        assert_page_structure(page)
        assert_one_font_per_text(page, fonts)
        # Lazy pictures load as the reader scrolls; the screenshot shows them.
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_load_state("networkidle")
        page.evaluate("window.scrollTo(0, 0)")
        screenshot(
            page, f"{name}-{size}" + ("-fallback" if fonts == "fallback" else "")
        )
        assert blocking(axe(page)) == [], url
    assert problems == []


def test_home_has_lead_featured_latest_and_section_blocks(desktop_page, demo_site):
    page = desktop_page
    page.goto("/")
    expect(page.locator(".lead .card--lead .card__title")).to_have_count(1)
    expect(page.get_by_role("heading", name="Nổi bật", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Tin mới", exact=True)).to_be_visible()
    expect(page.locator(".latest li").first).to_be_visible()
    section_titles = page.locator(".block--section .block__title")
    assert section_titles.count() >= 3
    # On a wide screen the lead, "Nổi bật" and "Tin mới" stand side by side.
    boxes = [
        page.locator(selector).bounding_box()
        for selector in (
            ".lead",
            "[aria-labelledby=noi-bat]",
            "[aria-labelledby=tin-moi]",
        )
    ]
    assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]
    assert abs(boxes[0]["y"] - boxes[1]["y"]) < 2


def test_phone_stacks_the_home_columns(phone_page, demo_site):
    page = phone_page
    page.goto("/")
    lead = page.locator(".lead").bounding_box()
    featured = page.locator("[aria-labelledby=noi-bat]").bounding_box()
    assert featured["y"] > lead["y"] + lead["height"] - 1
    assert lead["width"] > 340


def test_reader_goes_from_home_through_the_section_menu_to_the_article(
    phone_page, demo_site
):
    page = phone_page
    page.goto("/")
    menu = page.locator("details.sections__menu")
    expect(page.locator(".sections__bar")).to_be_hidden()
    menu.locator("summary").click()
    menu.get_by_role("link", name=SECTION).click()
    expect(page.locator("h1")).to_have_text(SECTION)
    expect(page.locator(".sections__bar a", has_text=SECTION)).to_have_attribute(
        "aria-current", "page"
    )
    page.get_by_role("link", name=TITLE).first.click()
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page).to_have_url(re.compile(re.escape(demo_site.get_absolute_url())))


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_phone_menu_works_by_keyboard(make_page, demo_site, javascript):
    page = make_page("phone", java_script_enabled=javascript)
    page.goto("/")
    summary = page.locator("details.sections__menu summary")
    links = page.locator("details.sections__menu a")
    expect(links.first).to_be_hidden()
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    expect(page.locator(".skip-link")).to_be_in_viewport()
    # Brand, then the search box and its button, then the menu button.
    for _ in range(4):
        page.keyboard.press("Tab")
    expect(summary).to_be_focused()
    expect(summary).to_have_css("outline-style", "solid")
    page.keyboard.press("Enter")
    expect(links.first).to_be_visible()
    page.keyboard.press("Tab")
    expect(links.first).to_be_focused()
    if javascript:
        # Escape closes the menu and gives focus back to its button.
        page.keyboard.press("Escape")
        expect(summary).to_be_focused()
    else:
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Enter")
    expect(links.first).to_be_hidden()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_tab_walks_the_whole_article_page_without_a_trap(make_page, demo_site, size):
    """Tab moves forward through every control to the footer, focus always shown."""
    page = make_page(size)
    page.goto(demo_site.get_absolute_url())
    seen = []
    for _ in range(400):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
              const el = document.activeElement;
              const style = getComputedStyle(el);
              return {
                key: [...document.querySelectorAll('*')].indexOf(el) + ' '
                  + el.outerHTML.slice(0, 80),
                inFooter: el.closest('footer') !== null,
                outline: style.outlineStyle !== 'none' || style.boxShadow !== 'none',
              };
            }"""
        )
        assert focused["outline"], focused["key"]
        assert focused["key"] not in seen, f"focus came back to {focused['key']}"
        seen.append(focused["key"])
        if focused["inFooter"]:
            break
    else:
        pytest.fail(f"Tab never reached the footer after {len(seen)} presses")
    assert len(seen) > 10


def test_desktop_shows_the_section_bar_without_a_menu_button(desktop_page, demo_site):
    page = desktop_page
    page.goto("/")
    expect(page.locator("details.sections__menu")).to_be_hidden()
    expect(
        page.locator(".sections__bar").get_by_role("link", name=SECTION)
    ).to_be_visible()


def test_skip_link_moves_focus_to_the_main_content(desktop_page, demo_site):
    page = desktop_page
    page.goto(demo_site.get_absolute_url())
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Bỏ qua, tới nội dung chính")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


@pytest.mark.parametrize("fonts", ["noto", "fallback"])
def test_article_body_has_a_readable_measure(make_page, demo_site, fonts):
    """About 65-75 characters a line, measured with the body's own text."""
    page = make_page("desktop", fonts=fonts)
    page.goto(demo_site.get_absolute_url())
    per_line = page.evaluate(
        """() => {
          const p = document.querySelector('.article__body p');
          const text = p.textContent;
          const probe = document.createElement('span');
          probe.textContent = text;
          probe.style.whiteSpace = 'nowrap';
          p.appendChild(probe);
          const perChar = probe.getBoundingClientRect().width / text.length;
          probe.remove();
          return p.clientWidth / perChar;
        }"""
    )
    assert 60 <= per_line <= 80, per_line


def test_figures_show_caption_and_credit(desktop_page, demo_site):
    page = desktop_page
    page.goto(demo_site.get_absolute_url())
    caption = page.locator("figure figcaption").filter(has_text="Ảnh: Thành ủy TP.HCM")
    expect(caption.first).to_be_visible()
    alts = page.locator(".article img").evaluate_all("imgs => imgs.map(i => i.alt)")
    assert alts and all(alt.strip() for alt in alts), alts


def test_share_links_need_no_third_party_script(make_page, demo_site, live_server):
    page = make_page("desktop", permissions=["clipboard-read", "clipboard-write"])
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(demo_site.get_absolute_url())
    page.wait_for_load_state("networkidle")
    url = f"{live_server.url}{demo_site.get_absolute_url()}"
    share = page.locator("ul.share").first
    facebook = share.get_by_role("link", name=re.compile("^Facebook"))
    zalo = share.get_by_role("link", name=re.compile("^Zalo"))
    expect(facebook).to_have_attribute(
        "href", f"https://www.facebook.com/sharer/sharer.php?u={quote(url, safe='')}"
    )
    expect(zalo).to_have_attribute(
        "href", f"https://sp.zalo.me/share?url={quote(url, safe='')}"
    )
    for link in (facebook, zalo):
        expect(link).to_have_attribute("rel", "noopener noreferrer")
    # Nothing was fetched from another site: no share widget, no tracker.
    assert all(r.startswith(live_server.url) for r in requests), requests

    copy = share.get_by_role("button", name="Sao chép liên kết")
    expect(copy).to_be_visible()
    copy.click()
    expect(share.locator(".share__status")).to_have_text("Đã sao chép liên kết")
    assert page.evaluate("navigator.clipboard.readText()") == url


def test_pages_are_readable_with_javascript_off(make_page, demo_site, settings):
    settings.COMMENT_MIN_SECONDS = 0
    page = make_page("phone", java_script_enabled=False)
    page.goto("/")
    expect(page.locator(".lead .card__title")).to_be_visible()
    page.goto(demo_site.get_absolute_url())
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator(".article__body p").first).to_be_visible()
    # The copy button needs a script, so it stays out of the way; the others work.
    expect(page.get_by_role("button", name="Sao chép liên kết")).to_have_count(0)
    expect(page.locator("ul.share").first.get_by_role("link")).to_have_count(2)
    form = page.locator("#gui-binh-luan")
    form.locator("[name=name]").fill("Lê Thị Hạnh")
    form.locator("[name=email]").fill("hanh@example.com")
    form.locator("[name=body]").fill("Đọc được cả khi tắt JavaScript, rất tốt.")
    form.get_by_role("button", name="Gửi bình luận").click()
    expect(
        visible(page.get_by_text("Bình luận của bạn đang chờ kiểm duyệt"))
    ).to_be_visible()


def test_dark_mode_follows_the_system_and_keeps_contrast(make_page, demo_site, axe):
    page = make_page("phone", color_scheme="dark")
    for url in ("/", demo_site.get_absolute_url()):
        page.goto(url)
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(20, 20, 20)", background
        assert axe(page, rules=["color-contrast", "link-in-text-block"]) == []


def test_print_stylesheet_keeps_only_the_article(desktop_page, demo_site):
    page = desktop_page
    page.goto(demo_site.get_absolute_url())
    page.emulate_media(media="print")
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator(".article__body")).to_be_visible()
    for hidden in (
        ".sections",
        ".sidebar",
        "ul.share",
        "#gui-binh-luan",
        ".block--wide",
    ):
        expect(page.locator(hidden).first).to_be_hidden()
    assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"


def test_comment_form_errors_are_tied_to_their_fields(desktop_page, demo_site, axe):
    page = desktop_page
    page.goto(demo_site.get_absolute_url())
    form = page.locator("#gui-binh-luan")
    form.locator("[name=email]").fill("khong-phai-email")
    form.get_by_role("button", name="Gửi bình luận").click()
    expect(form.locator(".field__error").first).to_be_visible()
    for name, message in (
        ("name", "Vui lòng nhập họ tên."),
        ("email", "Email không hợp lệ."),
        ("body", "Vui lòng nhập nội dung bình luận."),
    ):
        field = form.locator(f"[name={name}]")
        expect(field).to_have_attribute("aria-invalid", "true")
        # The error is one of the texts that describe the field.
        described = field.get_attribute("aria-describedby").split()
        error = page.locator(", ".join(f"#{id_}.field__error" for id_ in described))
        expect(error).to_have_text(message)
        # The label names the field for screen readers.
        assert field.evaluate("f => f.labels.length") == 1
    assert blocking(axe(page)) == []


def test_404_page_is_a_designed_page(desktop_page, demo_site, axe):
    page = desktop_page
    for url in ("/khong-co-trang-nay/", "/dong-chay/bai-khong-co-999999.html"):
        response = page.goto(url)
        assert response.status == 404
        expect(page.locator("h1")).to_have_text("Không tìm thấy trang")
        expect(page.get_by_role("link", name="Về trang chủ")).to_be_visible()
        # The reader can go on from here: masthead, sections and footer are there.
        expect(page.locator(".sections__bar")).to_be_visible()
        expect(page.locator("footer")).to_be_visible()
        assert_page_structure(page)
        assert blocking(axe(page)) == []
    page.get_by_role("link", name="Về trang chủ").click()
    expect(page).to_have_url(re.compile(r"/$"))


def test_search_finds_the_article_without_tone_marks(desktop_page, demo_site, axe):
    """Search without tone marks. Skipped only while the search page does not exist."""
    page = desktop_page
    response = page.goto("/tim-kiem/?q=ha+noi+hop+tac")
    if response.status == 404:
        pytest.skip("/tim-kiem/ answers 404: the search page is not merged yet")
    assert response.status == 200
    assert page.locator("h1").count() == 1
    expect(page.get_by_role("link", name=TITLE).first).to_be_visible()
    assert_fits_width(page)
    assert blocking(axe(page)) == []
    # The masthead's search box, when there is one, leads to the same page.
    box = page.locator("header [role=search] input[name=q]")
    if box.count():
        page.goto("/")
        box.fill("Hà Nội")
        box.press("Enter")
        expect(page).to_have_url(re.compile(r"/tim-kiem/\?q="))


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_recent_times_read_minutes_ago_in_the_readers_browser(
    make_page, demo_site, javascript
):
    """The cached page prints the absolute time; site.js says how long ago,
    and keeps counting as the page stays open."""
    from datetime import timedelta

    from django.utils import timezone

    from articles.templatetags.vi_format import vi_datetime
    from tests.factories import PublishedArticleFactory

    published = timezone.now() - timedelta(minutes=5, seconds=10)
    PublishedArticleFactory(
        category=Category.objects.get(name=SECTION),
        title="Tin vừa đăng về cơn bão",
        published_at=published,
    )
    page = make_page("desktop", java_script_enabled=javascript)
    opened = published + timedelta(minutes=5, seconds=10)
    page.clock.install(time=opened)
    page.clock.pause_at(opened + timedelta(seconds=1))
    page.goto("/")
    card = page.locator(".card", has=page.get_by_role("link", name="Tin vừa đăng"))
    time = card.first.locator("time")
    absolute = vi_datetime(published)
    if not javascript:
        expect(time).to_have_text(absolute)
        return
    expect(time).to_have_text("5 phút trước")
    expect(time).to_have_attribute("title", absolute)
    page.clock.run_for(2 * 60 * 1000)
    expect(time).to_have_text("7 phút trước")
    # Older than a week, the demo's stories keep their date and time.
    assert re.fullmatch(
        r"\d\d/\d\d/\d{4} \d\d:\d\d", page.locator(".card time").last.inner_text()
    )
