"""Hostile comment inputs, each with its exact outcome; never a 500.

Outcomes: FORM (400, the form re-rendered with the error shown, nothing
stored), STORED (302, stored as the ``stored`` dict says, and shown escaped
once approved), REFUSED (the status given, nothing stored). The README's table
"Hostile comment inputs" is this list.
"""

from urllib.parse import urlencode

import pytest

from articles.comments.services import comments_set_status
from articles.models import Comment
from tests.factories import with_token

pytestmark = pytest.mark.django_db

VALID = {"name": "Nguyễn Văn An", "email": "an@example.com", "body": "Xin chào."}
EMOJI_5000 = "😀" * 5000

# (case, fields sent, outcome, detail): detail is the error text for FORM,
# the expected stored fields for STORED, the status code for REFUSED.
CASES = [
    (
        "script tag in body",
        {"body": "<script>alert(1)</script>"},
        "STORED",
        {"body": "<script>alert(1)</script>"},
    ),
    (
        "img onerror in body",
        {"body": "<img src=x onerror=alert(1)>"},
        "STORED",
        {"body": "<img src=x onerror=alert(1)>"},
    ),
    (
        "attribute breakout in name",
        {"name": '"><svg/onload=alert(1)>'},
        "STORED",
        {"name": '"><svg/onload=alert(1)>'},
    ),
    (
        "template syntax in name",
        {"name": "{{ 7*7 }} {% debug %}"},
        "STORED",
        {"name": "{{ 7*7 }} {% debug %}"},
    ),
    (
        "RTL override in name",
        {"name": "evil\u202egnp.exe"},
        "STORED",
        {"name": "evilgnp.exe"},
    ),
    (
        "bidi isolates in body",
        {"body": "a\u2066b\u2067c\u2068d\u2069e"},
        "STORED",
        {"body": "abcde"},
    ),
    (
        "zero-width joiners in body",
        {"body": "l\u200dừa\u200b đ\u200cảo\ufeff"},
        "STORED",
        {"body": "lừa đảo"},
    ),
    (
        "terminal escape codes",
        {"body": "\x1b[31mđỏ\x07\x08"},
        "STORED",
        {"body": "[31mđỏ"},
    ),
    (
        "NUL byte in body",
        {"body": "xin\x00 chào"},
        "FORM",
        "Nội dung chứa ký tự không hợp lệ.",
    ),
    (
        "NUL byte in name",
        {"name": "An\x00"},
        "FORM",
        "Nội dung chứa ký tự không hợp lệ.",
    ),
    (
        "body of 5,001 characters",
        {"body": "x" * 5001},
        "FORM",
        "Bình luận dài tối đa 5000 ký tự",
    ),
    (
        "body of 5,000 emoji (4-byte UTF-8)",
        {"body": EMOJI_5000},
        "STORED",
        {"body": EMOJI_5000},
    ),
    ("name of 81 characters", {"name": "A" * 81}, "FORM", "Họ tên dài tối đa 80 ký tự"),
    ("email of 255 characters", {"email": "a" * 243 + "@example.com"}, "FORM", "Email"),
    (
        "header injection in email",
        {"email": "a@b.com\r\nBcc: victim@x.com"},
        "FORM",
        "Email không hợp lệ.",
    ),
    (
        "header injection in name",
        {"name": "An\r\nBcc: victim@x.com"},
        "STORED",
        {"name": "An Bcc: victim@x.com"},
    ),
    (
        "SQL-looking body",
        {"body": "'; DROP TABLE articles_comment; --"},
        "STORED",
        {"body": "'; DROP TABLE articles_comment; --"},
    ),
    ("SQL-looking email", {"email": "' OR 1=1 --"}, "FORM", "Email không hợp lệ."),
    ("SQL-looking reply id", {"parent": "1 OR 1=1"}, "FORM", "không còn hiển thị"),
    (
        "whitespace-only body",
        {"body": " \n\t\u200b "},
        "FORM",
        "Vui lòng nhập nội dung bình luận.",
    ),
    ("missing body field", {"body": None}, "FORM", "Vui lòng nhập nội dung bình luận."),
    (
        "fullwidth markup",
        {"body": "＜script＞alert(1)＜/script＞"},
        "STORED",
        {"body": "＜script＞alert(1)＜/script＞"},
    ),
    (
        "decomposed (NFD) Vietnamese",
        {"body": "Ha\u0300 No\u0323\u0302i"},
        "STORED",
        {"body": "Hà Nội"},
    ),
    (
        "line and paragraph separators",
        {"body": "một\u2028hai\u2029ba"},
        "STORED",
        {"body": "một\nhai\nba"},
    ),
    (
        "javascript: address",
        {"body": "javascript:alert(document.cookie)"},
        "STORED",
        {"body": "javascript:alert(document.cookie)", "link_count": 0},
    ),
    (
        "Zalgo text",
        {"body": "Z" + "\u0301" * 300},
        "STORED",
        {"link_count": 0, "body": "\u0179\u0301\u0301"},  # Ź and two: 3 marks
    ),
    ("5,000-character word", {"body": "a" * 5000}, "STORED", {"body": "a" * 5000}),
    (
        "upper-case email",
        {"email": "AN@Example.COM"},
        "STORED",
        {"email": "an@example.com"},
    ),
    (
        "IDN email",
        {"email": "ban.doc@exämple.vn"},
        "STORED",
        {"email": "ban.doc@exämple.vn"},
    ),
    (
        "forged form stamp",
        {"ts": "1:1700000000:forged"},
        "FORM",
        "Biểu mẫu không hợp lệ",
    ),
    (
        "tag characters, soft hyphen, Hangul filler in name and body",
        {"name": "An\U000e0041\u3164h", "body": "l\U000e0041ừa đ\u00adảo"},
        "STORED",
        {"name": "Anh", "body": "lừa đảo"},
    ),
    (
        "only tag characters and Hangul fillers in the body",
        {"body": "\U000e0041\U000e0042 \u3164\u115f\u00ad"},
        "FORM",
        "Vui lòng nhập nội dung bình luận.",
    ),
]


@pytest.mark.parametrize(
    ("fields", "outcome", "detail"),
    [pytest.param(f, o, d, id=case) for case, f, o, d in CASES],
)
def test_hostile_input(reader, article, fields, outcome, detail):
    data = with_token(article, {**VALID, **fields})
    data = {k: v for k, v in data.items() if v is not None}
    response = reader.post(f"/binh-luan/{article.pk}/", data)

    if outcome == "FORM":
        assert response.status_code == 400
        assert detail in response.text
        assert not Comment.objects.exists()
        return
    assert outcome == "STORED"
    assert response.status_code == 302
    comment = Comment.objects.get()
    for name, value in detail.items():
        assert getattr(comment, name) == value, name
    comments_set_status(comments=Comment.objects.all(), status=Comment.Status.APPROVED)
    html = reader.get(article.get_absolute_url()).text
    for raw in ["<script>", "<img src=x", "<svg/onload", "\u202e", "\x00"]:
        assert raw not in html
    assert comment.email not in html


def test_invalid_utf8_in_the_form_encoding_is_a_form_error(reader, article):
    body = urlencode(with_token(article, VALID)).replace(
        "body=Xin+ch%C3%A0o.", "body=Xin+%FF%FE"
    )
    response = reader.post(
        f"/binh-luan/{article.pk}/",
        body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "Nội dung chứa ký tự không hợp lệ." in response.text
    assert not Comment.objects.exists()


def test_ten_megabyte_body_is_refused_413_before_the_view(reader, article):
    data = with_token(article, {**VALID, "body": "x" * (10 * 1024 * 1024)})
    response = reader.post(f"/binh-luan/{article.pk}/", data)
    assert response.status_code == 413
    assert not Comment.objects.exists()


def test_there_are_at_least_25_cases():
    assert len(CASES) + 2 >= 25
