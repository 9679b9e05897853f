"""Every kind of public page is valid HTML, by the W3C's Nu Html Checker.

The checker is ``vnu.jar`` from the npm package ``vnu-jar`` (pinned in
package-lock.json, installed by ``make install``) and runs on Java. The site is
built the way a newsroom builds it: articles published through the workflow,
comments through the comment services, so every time carries microseconds.
The checker starts once, over every page (a Java start costs seconds).
Without Java or the jar the test skips, and fails under CI=true.
"""

import json
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from articles.comments.services import comment_approve, comment_create
from articles.importer import figure_html
from articles.models import Article
from articles.preview import preview_link_create, preview_url
from articles.readership import flush_views, record_view
from articles.workflow import article_transition
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CategoryFactory,
    CorrectionFactory,
    ImageFactory,
    StaffFactory,
)
from tests.live import unavailable

pytestmark = pytest.mark.django_db

VNU_JAR = settings.BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture(scope="module")
def java():
    path = shutil.which("java")
    if path is None:
        unavailable("java is missing: apt-get install openjdk-17-jre-headless")
    if not VNU_JAR.exists():
        unavailable(f"{VNU_JAR} is missing: run `npm ci` (make install does it)")
    return path


def publish(article, by, *, at=None):
    """Submit, approve and publish ``article`` as an editor would."""
    for step in ("submit", "approve"):
        article = article_transition(article=article, name=step, by=by)
    return article_transition(article=article, name="publish", by=by, publish_at=at)


@pytest.fixture
def newsroom(settings):
    """A small paper: sections, photos, a full article, enough for page 2."""
    settings.COMMENTS_PER_PAGE = 2
    editor = StaffFactory()
    news = CategoryFactory(name="Thời sự", slug="thoi-su")
    section = CategoryFactory(name="Dòng chảy", slug="dong-chay", parent=news)
    author = AuthorFactory(name="Bình Minh", slug="binh-minh", bio="Phóng viên.")
    cover = ImageFactory(
        file__width=2400, file__height=1600, alt="Lễ ký kết", caption="Lễ ký kết"
    )
    photo = ImageFactory(file__width=1600, file__height=1200, alt="Toàn cảnh")
    story = ArticleFactory(
        category=section,
        title="Hà Nội và TP.HCM hợp tác toàn diện",
        sapo="Sáng 19/10, hai thành phố ký kết chương trình hợp tác.",
        body=f"<p>Đoạn đầu.</p>{figure_html(photo)}<p>Đoạn <em>sau</em>.</p>",
        cover=cover,
        authors=[author, AuthorFactory()],
        featured=True,
    )
    story.tags.add("Hà Nội", "Kinh tế")
    story = publish(story, editor)
    Article.objects.filter(pk=story.pk).update(modified_at=timezone.now())
    CorrectionFactory(article=story)
    comments = [
        comment_create(
            article=story,
            name=f"Bạn đọc {i}",
            email=f"ban.doc{i}@example.com",
            body=f"Ý kiến số {i}: bài viết rất hữu ích cho người dân.",
        )
        for i in range(3)
    ]
    for comment in comments:
        comment_approve(comment=comment, by=editor)
    reply = comment_create(
        article=story,
        name="Tòa soạn",
        email="toasoan@example.com",
        body="Cảm ơn bạn đã góp ý.",
        parent_id=comments[0].pk,
    )
    comment_approve(comment=reply, by=editor)
    for i in range(25):
        other = ArticleFactory(
            category=section if i % 2 else news,
            title=f"Hà Nội tin số {i}",
            authors=[author],
            featured=i < 4,
            cover=cover if i % 3 == 0 else None,
        )
        other.tags.add("Hà Nội")
        publish(other, editor)
    scheduled = publish(
        ArticleFactory(category=section, title="Tin hẹn giờ"),
        editor,
        at=timezone.now() + timedelta(days=1),
    )
    draft = ArticleFactory(category=section, title="Bản nháp")
    gone = publish(ArticleFactory(category=section, title="Tin bị gỡ"), editor)
    article_transition(article=gone, name="takedown", by=editor, note="Quyết định")
    flush_views()
    record_view(story.pk)
    flush_views()
    return {
        "editor": editor,
        "story": Article.objects.get(pk=story.pk),
        "reply_to": comments[1],
        "section": section,
        "scheduled": scheduled,
        "draft": draft,
        "gone": gone,
        "preview_link": preview_link_create(article=draft, by=editor),
    }


def pages(client, site):
    """(name, status, html) for every kind of public page."""
    story, section = site["story"], site["section"]
    url = story.get_absolute_url()
    anonymous = {
        "home": ("/", 200),
        "section": (section.get_absolute_url(), 200),
        "section-page-2": ("/thoi-su/?page=2", 200),
        "parent-section": ("/thoi-su/", 200),
        "article": (url, 200),
        "article-comments-page-2": (f"{url}?trang-binh-luan=2", 200),
        "article-comments-newest": (f"{url}?binh-luan-moi-nhat=1", 200),
        "article-reply-form": (f"{url}?tra-loi={site['reply_to'].pk}", 200),
        "tag": ("/chu-de/ha-noi/", 200),
        "tag-page-2": ("/chu-de/ha-noi/?page=2", 200),
        "author": ("/tac-gia/binh-minh/", 200),
        "author-page-2": ("/tac-gia/binh-minh/?page=2", 200),
        "search-prompt": ("/tim-kiem/", 200),
        "search": ("/tim-kiem/?q=ha+noi", 200),
        "search-marked": ("/tim-kiem/?q=hà+nội+hợp+tác", 200),
        "search-page-2": ("/tim-kiem/?q=ha+noi&page=2", 200),
        "search-empty": ("/tim-kiem/?q=bong+da", 200),
        "search-dates": ("/tim-kiem/?q=ha+noi&tu=19/10/2023&chuyen_muc=thoi-su", 200),
        "search-error": ("/tim-kiem/?q=ha&tu=hom+qua", 400),
        "404": ("/khong-co-trang-nay/", 404),
        "404-article": (f"/dong-chay/khong-co-{story.pk + 10_000}.html", 404),
        "410": (site["gone"].get_absolute_url(), 410),
        "preview-link": (preview_url(site["preview_link"]), 200),
    }
    for name, (path, status) in anonymous.items():
        response = client.get(path)
        assert response.status_code == status, (name, path)
        yield name, response.content.decode()
    errors = client.post(
        f"/binh-luan/{story.pk}/",
        {"name": "", "email": "khong-phai-email"},
        headers={"Origin": "http://testserver"},
    )
    assert errors.status_code == 400
    yield "comment-form-errors", errors.content.decode()
    client.force_login(site["editor"])
    for name in ("scheduled", "draft"):
        response = client.get(site[name].get_absolute_url())
        assert response.status_code == 200, name
        html = response.content.decode()
        assert "Bản xem trước" in html, name
        yield f"preview-{name}", html


def test_every_public_page_is_valid_html(java, client, newsroom, tmp_path):
    files = {}
    for name, html in pages(client, newsroom):
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files[str(path)] = name
    # One start of the checker for every page.
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--verbose"]
        + ["--exit-zero-always", *files],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    messages = json.loads(result.stderr)["messages"]
    problems = []
    for m in messages:
        where = files.get(m.get("url", "").removeprefix("file:"), m.get("url"))
        line = f"{where}:{m.get('lastLine', '?')}: {m['message']}"
        if m["type"] == "error" or m.get("subType") == "fatal":
            problems.append(f"{line} [{m.get('extract', '').strip()}]")
        else:
            print(f"vnu {m.get('subType', m['type'])}: {line}")  # noqa: T201 - with -s
    assert problems == [], "\n".join(problems)
    # --verbose names each file as it is checked.
    assert set(result.stdout.split()) == set(files)
