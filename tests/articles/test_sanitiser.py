"""The body allow-list against hostile HTML: every input with its exact stored output.

Whatever path stores a body (admin form, a form post that bypasses the editor,
the importer, the ORM), ``Article.save()`` runs it through ``sanitize_body``.
"""

import pytest

from articles.html import sanitize_body
from articles.models import Article
from tests.admin_forms import article_form_data
from tests.factories import ArticleFactory, StaffFactory

# (input, exact stored output)
HOSTILE = [
    ("<script>alert(1)</script><p>x</p>", "<p>x</p>"),
    ('<p>a<script src="//evil.example/x.js"></script>b</p>', "<p>ab</p>"),
    ('<img src="x" onerror="alert(1)">', '<img src="x">'),
    ("<img src=x onerror=alert(1)//>", '<img src="x">'),
    ('<svg onload="alert(1)"><circle r="1"/></svg>', ""),
    ("<svg><script>alert(1)</script></svg>", ""),
    ('<a href="javascript:alert(1)">bấm</a>', "<a>bấm</a>"),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="java&#x09;script:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="&#106;avascript:alert(1)">x</a>', "<a>x</a>"),
    ('<a href=" javascript:alert(1)">x</a>', "<a>x</a>"),
    (
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
        "<a>x</a>",
    ),
    (
        '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+" alt="a">',
        '<img alt="a">',
    ),
    ('<a href="vbscript:msgbox(1)">x</a>', "<a>x</a>"),
    ('<p style="background:url(javascript:alert(1))">x</p>', "<p>x</p>"),
    ('<p style="width: expression(alert(1))">x</p>', "<p>x</p>"),
    ('<div style="position:fixed;top:0">phủ trang</div>', "phủ trang"),
    ('<iframe src="https://evil.example"></iframe><p>sau</p>', "<p>sau</p>"),
    ('<object data="x.swf"></object><embed src="x.swf">', ""),
    ('<form action="https://evil.example"><input name="p"></form>', ""),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example">', ""),
    ('<link rel="stylesheet" href="https://evil.example/x.css">', ""),
    ("<style>body{display:none}</style><p>x</p>", "<p>x</p>"),
    ('<base href="https://evil.example/">', ""),
    ('<p onclick="alert(1)" onmouseover="alert(2)">x</p>', "<p>x</p>"),
    (
        '<a href="https://example.com" target="_blank">ngoài</a>',
        '<a href="https://example.com" rel="noopener noreferrer">ngoài</a>',
    ),
    ('<a href="/noi-bo/">trong</a>', '<a href="/noi-bo/">trong</a>'),
    ("<p><b><i>lồng</b></i></p>", "<p>lồng</p>"),
    ("<p>chưa đóng <strong>đậm", "<p>chưa đóng <strong>đậm</strong></p>"),
    ("<<script>script>alert(1)<</script>/script>", "&lt;/script&gt;"),
    ("<scr<script>ipt>alert(1)</scr</script>ipt>", "ipt&gt;alert(1)ipt&gt;"),
    ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    (
        '<p title="&quot;><script>alert(1)</script>">x</p>',
        '<p title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">x</p>',
    ),
    (
        '<img src="/media/a.jpg" alt="&quot; onerror=&quot;alert(1)">',
        '<img src="/media/a.jpg" alt="&quot; onerror=&quot;alert(1)">',
    ),
    ("<!--<script>alert(1)</script>--><p>x</p>", "<p>x</p>"),
    ("<![CDATA[<script>alert(1)</script>]]>", "alert(1)]]&gt;"),
    ("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", ""),
    (
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
        '&lt;p title="<img src="x">"&gt;',
    ),
    ("<h1>Tiêu đề h1</h1><h5>h5</h5><h2>h2</h2>", "Tiêu đề h1h5<h2>h2</h2>"),
    (
        '<figure><img src="/media/images/a.jpg" alt="a" width="10" height="10" '
        'onload="x()"><figcaption onclick="y()">Chú thích</figcaption></figure>',
        '<figure><img src="/media/images/a.jpg" alt="a" width="10" height="10">'
        "<figcaption>Chú thích</figcaption></figure>",
    ),
    (
        '<table><tr><td colspan="2" style="color:red">ô</td></tr></table>',
        '<table><tbody><tr><td colspan="2">ô</td></tr></tbody></table>',
    ),
    (
        '<a href="mailto:toasoan@example.vn">thư</a><a href="tel:+84241234">gọi</a>',
        '<a href="mailto:toasoan@example.vn">thư</a><a href="tel:+84241234">gọi</a>',
    ),
    ("<p>Hòa</p>", "<p>Hòa</p>"),
    (
        '<a href="https://example.com" rel="opener">x</a>',
        '<a href="https://example.com" rel="noopener noreferrer">x</a>',
    ),
    (
        '<a href="//evil.example/">x</a>',
        '<a href="//evil.example/" rel="noopener noreferrer">x</a>',
    ),
    (
        '<a href="https://example.com" rel="noopener noreferrer">x</a>',
        '<a href="https://example.com" rel="noopener noreferrer">x</a>',
    ),
    ("<p></p>", ""),
]


@pytest.mark.parametrize(("given", "stored"), HOSTILE)
def test_sanitiser_stores_exactly(given, stored):
    assert sanitize_body(given) == stored


@pytest.mark.parametrize(("given", "stored"), HOSTILE)
def test_sanitising_twice_changes_nothing(given, stored):
    assert sanitize_body(stored) == stored


def test_table_is_at_least_thirty_cases():
    assert len(HOSTILE) >= 30


@pytest.mark.django_db
def test_orm_save_sanitises_the_body():
    article = ArticleFactory(body='<p onclick="x()">a</p><script>alert(1)</script>')
    assert Article.objects.get(pk=article.pk).body == "<p>a</p>"


@pytest.mark.django_db
def test_a_form_post_that_bypasses_the_editor_is_sanitised(client):
    client.force_login(StaffFactory())
    article = ArticleFactory()
    body = (
        '<p>ok</p><img src=x onerror=alert(1)><iframe src="//e"></iframe>'
        '<a href="javascript:alert(1)">x</a><a href="https://e.example">y</a>'
    )
    response = client.post(
        f"/admin/articles/article/{article.pk}/change/",
        article_form_data(article, sapo="", body=body),
    )
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).body == (
        '<p>ok</p><img src="x"><a>x</a>'
        '<a href="https://e.example" rel="noopener noreferrer">y</a>'
    )
