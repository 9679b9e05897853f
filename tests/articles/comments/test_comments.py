import pytest
from django.test import Client

from articles.models import Article, Comment
from tests.factories import ArticleFactory, PublishedArticleFactory, with_token

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"
VALID = {
    "name": "Nguyễn Văn An",
    "email": "an@example.com",
    "body": "Bài viết rất hữu ích.",
}


def post(client, article, data):
    """Post as a reader who opened the page a minute ago (past the time trap)."""
    return client.post(f"/binh-luan/{article.pk}/", with_token(article, data))


def test_valid_comment_is_stored_pending_and_reader_sees_the_notice(reader, article):
    response = post(reader, article, VALID)
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert response["Location"].startswith(
        f"{article.get_absolute_url()}?binh-luan=cho-duyet&cua-ban={comment.pk}:"
    )
    assert response["Location"].endswith(f"#bl-{comment.pk}")
    assert comment.status == Comment.Status.PENDING
    assert (comment.name, comment.email, comment.body) == (
        VALID["name"],
        VALID["email"],
        VALID["body"],
    )
    assert comment.ip_hash and "127.0.0.1" not in comment.ip_hash

    page = reader.get(response["Location"]).content.decode()
    assert "Bình luận của bạn đang chờ kiểm duyệt" in page
    assert "(0) Bình luận" in page
    # The poster sees their own comment, marked as waiting; nobody else does.
    assert VALID["body"] in page and "Đang chờ duyệt (chỉ bạn thấy)" in page
    assert VALID["body"] not in reader.get(article.get_absolute_url()).text


def test_approved_comment_appears_and_is_counted(reader, article):
    post(reader, article, VALID)
    Comment.objects.update(status=Comment.Status.APPROVED)
    Article.objects.all().refresh_comment_counts()
    page = reader.get(article.get_absolute_url()).content.decode()
    assert VALID["body"] in page
    assert "(1) Bình luận" in page
    assert VALID["email"] not in page  # the email is never shown


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Vui lòng nhập họ tên."),
        ("name", "   ", "Vui lòng nhập họ tên."),
        ("name", "A" * 81, "Họ tên dài tối đa 80 ký tự"),
        ("email", "", "Vui lòng nhập email."),
        ("email", "khong-phai-email", "Email không hợp lệ."),
        ("email", "a" * 250 + "@example.com", "Email"),
        ("body", "", "Vui lòng nhập nội dung bình luận."),
        ("body", " \n\t ", "Vui lòng nhập nội dung bình luận."),
        ("body", "x" * 5001, "Bình luận dài tối đa 5000 ký tự"),
    ],
)
def test_invalid_field_rerenders_the_form_with_a_vietnamese_error(
    reader, article, field, value, message
):
    response = post(reader, article, {**VALID, field: value})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}_error"' in html
    assert f'aria-describedby="id_{field}_error"' in html
    assert not Comment.objects.exists()
    if field != "body" and value.strip():
        assert VALID["body"] in html  # what the reader typed is kept


def test_missing_proof_of_origin_is_refused_403(article):
    client = Client(
        enforce_csrf_checks=True
    )  # no Origin, no Referer, no Sec-Fetch-Site
    response = post(client, article, VALID)
    assert response.status_code == 403
    assert "Yêu cầu bị từ chối" in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "http://testserver.evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Referer": "https://evil.example/page"},
    ],
)
def test_cross_site_post_is_refused_403(article, headers):
    response = post(Client(headers=headers), article, VALID)
    assert response.status_code == 403
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-origin"},
        {"Referer": "http://testserver/dong-chay/bai-1.html"},
    ],
)
def test_same_site_proof_without_origin_is_accepted(article, headers):
    assert post(Client(headers=headers), article, VALID).status_code == 302
    assert Comment.objects.count() == 1


def test_comment_on_closed_article_is_refused_with_a_message(reader):
    article = PublishedArticleFactory(comments_enabled=False)
    response = post(reader, article, VALID)
    assert response.status_code == 400
    assert "Bình luận đã đóng" in response.content.decode()
    assert not Comment.objects.exists()


def test_comment_on_unpublished_article_is_404(reader):
    draft = ArticleFactory()
    assert post(reader, draft, VALID).status_code == 404
    assert not Comment.objects.exists()


def test_comment_on_unknown_article_is_404(reader):
    assert reader.post("/binh-luan/999999/", VALID).status_code == 404


def test_reloading_the_error_page_leads_back_to_the_comment_section(reader, article):
    url = f"/binh-luan/{article.pk}/"
    assert post(reader, article, {**VALID, "email": ""}).status_code == 400
    reload = reader.get(url)
    assert reload.status_code == 302
    assert reload["Location"] == f"{article.get_absolute_url()}#binh-luan"
    page = reader.get(reload["Location"])
    assert page.status_code == 200 and 'id="gui-binh-luan"' in page.text
    assert reader.head(url).status_code == 302
    assert reader.put(url).status_code == 405


def test_links_on_the_error_page_lead_to_the_article(reader, article):
    response = reader.get(f"/binh-luan/{article.pk}/?binh-luan-moi-nhat=1")
    assert response["Location"] == (
        f"{article.get_absolute_url()}?binh-luan-moi-nhat=1#binh-luan"
    )


def test_a_line_break_counts_as_one_character_as_in_the_browser(reader, article):
    # 5,000 characters in the reader's text box; the browser sends "\r\n".
    typed = ("x" * 99 + "\n") * 49 + "x" * 100
    assert len(typed) == 5000
    response = post(reader, article, {**VALID, "body": typed.replace("\n", "\r\n")})
    assert response.status_code == 302
    assert Comment.objects.get().body == typed


def test_the_form_shows_the_length_limit(reader, article):
    html = reader.get(article.get_absolute_url()).text
    assert 'maxlength="5000"' in html  # without JavaScript the browser stops there
    assert (
        '<span class="field__count" id="id_body_count" data-limit="5000">'
        "Tối đa 5.000 ký tự.</span>"
    ) in html


def test_nul_bytes_are_a_form_error_not_a_500(reader, article):
    response = post(reader, article, {**VALID, "body": "xin\x00 chào"})
    assert response.status_code == 400
    assert "Nội dung chứa ký tự không hợp lệ." in response.content.decode()
    assert not Comment.objects.exists()


def test_markup_is_stored_and_shown_as_plain_text(reader, article):
    post(reader, article, {**VALID, "body": "<script>alert(1)</script> xin chào"})
    Comment.objects.update(status=Comment.Status.APPROVED)
    html = reader.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_posting_sets_no_cookie_and_the_result_is_not_cached(reader, article):
    response = post(reader, article, {**VALID, "name": ""})
    assert not response.cookies
    assert (
        "no-cache" in response["Cache-Control"]
        or "max-age=0" in response["Cache-Control"]
    )
