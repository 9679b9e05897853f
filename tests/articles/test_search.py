"""Search: the same contract on SQLite (FTS5) and PostgreSQL (tsvector + GIN)."""

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from articles import search
from articles.models import Article
from articles.sample import vocabulary
from articles.sample.generator import Prose
from articles.search import (
    install_search_index,
    marked_terms,
    quoted_words,
    search_terms,
    word_pattern,
)
from articles.text import nfc
from tests.factories import CategoryFactory, PublishedArticleFactory

pytestmark = pytest.mark.django_db

REFERENCE_TITLE = "Hà Nội và TP.HCM hợp tác toàn diện nhằm thúc đẩy kinh tế - xã hội"


def found(query, **filters):
    """The titles the search page lists for ``query``, in its order: the same
    calls as ``views.search`` (the newest matching ids, then ranked)."""
    published = Article.objects.published().filter(**filters)
    terms = search_terms(query)
    if not terms:
        return []
    ids = search.newest_match_ids(published, terms)
    qs = search.ranked(published, ids, terms, marked_terms(query))
    return list(qs.values_list("title", flat=True))


@pytest.fixture
def reference():
    return PublishedArticleFactory(
        title=REFERENCE_TITLE,
        sapo="Sáng 19/10, Thành ủy Hà Nội và Thành ủy TP.HCM ký kết chương trình.",
        body="<p>Công tác xây dựng <strong>Đảng</strong> và hệ thống chính trị.</p>",
    )


class TestTerms:
    def test_folds_case_tone_marks_and_d(self):
        assert search_terms("HÀ NỘI hợp tác Đảng") == [
            "ha",
            "noi",
            "hop",
            "tac",
            "dang",
        ]

    @pytest.mark.parametrize("query", ["", "   ", "!!! ... ---", "%", "_", "%_%"])
    def test_punctuation_and_wildcards_have_no_terms(self, query):
        assert search_terms(query) == []

    def test_long_queries_are_capped(self):
        assert len(search_terms(" ".join(f"tu{i}" for i in range(200)))) == 12

    def test_marked_terms_are_the_words_typed_with_marks(self):
        import unicodedata

        assert marked_terms("BÃO số 3 ha noi bão") == ["bão", "số"]
        assert marked_terms(unicodedata.normalize("NFD", "Đà Nẵng")) == ["đà", "nẵng"]
        assert marked_terms("ha noi thuc day") == []

    @pytest.mark.parametrize(
        ("word", "text", "holds"),
        [
            ("bão", "Bão số 3 đổ bộ", True),
            ("bão", "“BÃO” đã tan.", True),
            ("bão", "Bảo tàng, báo cáo", False),
            ("bão", "bãoo xbão", False),
            ("hoà", "Hòa giải thành", True),  # the other tone placement
            ("thủy", "Thuỷ điện", True),
            ("hoàng", "Hòang", False),
        ],
    )
    def test_a_marked_word_is_found_as_typed_alone(self, word, text, holds):
        import re

        assert bool(re.search(word_pattern(word), text)) is holds


class TestMatching:
    @pytest.mark.parametrize(
        "query",
        ["ha noi hop tac", "HÀ NỘI hợp tác", "Hà Nội", "thuc day", "TP.HCM", "tphcm"],
    )
    def test_finds_the_reference_article_with_or_without_marks(self, reference, query):
        if query == "tphcm":
            # "TP.HCM" is two words on both databases; "tphcm" is a third spelling.
            assert found(query) == []
        else:
            assert found(query) == [REFERENCE_TITLE]

    @pytest.mark.parametrize("query", ["đảng", "dang", "ĐẢNG", "Dang"])
    def test_dang_and_đảng_match_each_other(self, reference, query):
        assert found(query) == [REFERENCE_TITLE]

    def test_body_markup_is_not_searchable(self, reference):
        assert found("strong") == []

    def test_decomposed_query_matches(self, reference):
        import unicodedata

        assert found(unicodedata.normalize("NFD", "hợp tác")) == [REFERENCE_TITLE]

    def test_every_word_must_occur(self, reference):
        assert found("ha noi bong da") == []

    def test_only_published_articles(self, reference):
        PublishedArticleFactory(
            title="Hà Nội ngày mai",
            published_at=timezone.now() + timedelta(hours=1),
        )
        PublishedArticleFactory(title="Hà Nội bản nháp", status=Article.Status.DRAFT)
        assert found("ha noi") == [REFERENCE_TITLE]

    def test_index_follows_edits_and_deletes(self, reference):
        reference.title = "Đổi tên bài viết"
        reference.save()
        assert found("doi ten") == ["Đổi tên bài viết"]
        assert found("toan dien") == []
        Article.objects.filter(pk=reference.pk).update(sapo="Sapo mới về Đà Nẵng")
        assert found("da nang") == ["Đổi tên bài viết"]
        reference.delete()
        assert found("doi ten") == []

    def test_index_is_rebuilt_when_its_triggers_are_lost(self, reference):
        if connection.vendor != "sqlite":
            pytest.skip("only SQLite drops triggers when a migration rebuilds a table")
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER articles_article_fts_ai")
        PublishedArticleFactory(title="Bài viết mới về Huế")
        assert found("hue") == []
        assert install_search_index(connection) is True
        assert found("hue") == ["Bài viết mới về Huế"]


class TestRanking:
    def test_title_matches_rank_above_sapo_and_body_then_newest_first(self):
        now = timezone.now()
        body_old = PublishedArticleFactory(
            title="Tin A", body="<p>Hà Nội mưa to</p>", published_at=now - timedelta(3)
        )
        title_old = PublishedArticleFactory(
            title="Hà Nội mưa to", published_at=now - timedelta(5)
        )
        sapo_new = PublishedArticleFactory(
            title="Tin B", sapo="Hà Nội mưa to", published_at=now - timedelta(1)
        )
        title_new = PublishedArticleFactory(
            title="Mưa to ở Hà Nội", published_at=now - timedelta(2)
        )
        body_new = PublishedArticleFactory(
            title="Tin C",
            body="<p>Hà Nội mưa to</p>",
            published_at=now - timedelta(hours=1),
        )
        assert found("ha noi mua") == [
            title_new.title,
            title_old.title,
            sapo_new.title,
            body_new.title,
            body_old.title,
        ]
        assert body_old.pk  # five distinct articles

    @pytest.fixture
    def bao(self):
        """Four spellings of "bao" with their marks; the storm is the oldest."""
        now = timezone.now()
        return {
            name: PublishedArticleFactory(published_at=now - age, **fields)
            for name, age, fields in [
                ("museum", timedelta(hours=1), {"title": "Bảo tàng Hà Nội mở cửa"}),
                ("report", timedelta(hours=2), {"title": "Báo cáo kinh tế quý III"}),
                (
                    "body",
                    timedelta(hours=3),
                    {"title": "Tin thời tiết", "body": "<p>Cơn bão đã tan.</p>"},
                ),
                (
                    "sapo",
                    timedelta(hours=4),
                    {"title": "Miền Trung", "sapo": "Sau bão, người dân dọn nhà."},
                ),
                ("storm", timedelta(days=3), {"title": "Bão số 3 đổ bộ"}),
            ]
        }

    @pytest.mark.parametrize("query", ["bão", "BÃO", "Bão"])
    def test_words_typed_with_marks_rank_their_spelling_first(self, bao, query):
        titles = {key: article.title for key, article in bao.items()}
        order = ["storm", "sapo", "body", "museum", "report"]
        assert found(query) == [titles[key] for key in order]

    def test_the_search_page_ranks_by_the_marks_typed(self, client, bao):
        def page(query):
            response = client.get("/tim-kiem/", {"q": query})
            return [a.pk for a in response.context["page_obj"]]

        storm, museum = bao["storm"].pk, bao["museum"].pk
        assert page("bão")[0] == storm
        assert page("bảo")[0] == museum
        assert page("báo")[0] == bao["report"].pk
        # Without marks every spelling counts alike: titles first, newest first.
        assert page("bao") == [
            museum,
            bao["report"].pk,
            storm,
            bao["sapo"].pk,
            bao["body"].pk,
        ]

    def test_thuc_day_finds_both_and_thuc_day_with_marks_ranks_its_own(self):
        now = timezone.now()
        push = PublishedArticleFactory(
            title="Thúc đẩy hợp tác kinh tế", published_at=now - timedelta(days=2)
        )
        wake = PublishedArticleFactory(
            title="Thức dậy sớm để hợp tác", published_at=now - timedelta(hours=1)
        )
        assert found("thuc day") == [wake.title, push.title]
        assert found("thúc đẩy") == [push.title, wake.title]
        assert found("thức dậy") == [wake.title, push.title]
        assert found("thúc đẩy hop tac") == [push.title, wake.title]

    def test_either_tone_placement_is_the_typed_spelling(self):
        now = timezone.now()
        peace = PublishedArticleFactory(
            title="Hòa giải thành ở Huế", published_at=now - timedelta(days=2)
        )
        chem = PublishedArticleFactory(
            title="Hóa giải khó khăn ở Huế", published_at=now - timedelta(hours=1)
        )
        assert found("hoà giải") == [peace.title, chem.title]
        assert found("hòa giải") == [peace.title, chem.title]
        assert found("hoa giai") == [chem.title, peace.title]

    def test_only_the_newest_matches_are_ranked(self, client, monkeypatch):
        monkeypatch.setattr(search, "MAX_RESULTS", 2)
        now = timezone.now()
        old_title = PublishedArticleFactory(
            title="Huế mưa", published_at=now - timedelta(9)
        )
        body_new = PublishedArticleFactory(
            title="Tin A", body="<p>Huế mưa</p>", published_at=now - timedelta(1)
        )
        title_new = PublishedArticleFactory(
            title="Mưa ở Huế", published_at=now - timedelta(2)
        )
        assert found("hue mua") == [title_new.title, body_new.title]
        assert old_title.pk

        html = client.get("/tim-kiem/", {"q": "hue mua"}).content.decode()
        assert "Hơn 2 kết quả cho “hue mua”, hiện 2 bài mới nhất." in html


class TestNewestMatchIds:
    """The search page's ids: the newest window first, then the whole archive."""

    @pytest.fixture
    def stories(self):
        now = timezone.now()
        return [
            PublishedArticleFactory(
                title=f"Huế mưa {i}" if i % 3 else f"Tin nắng {i}",
                published_at=now - timedelta(hours=i),
            )
            for i in range(9)
        ]

    @pytest.mark.parametrize("window", [1, 2, 4, 1000])
    def test_the_window_finds_what_the_whole_archive_finds(
        self, stories, monkeypatch, window
    ):
        monkeypatch.setattr(search, "MAX_RESULTS", 3)
        monkeypatch.setattr(search, "RECENT_WINDOW", window)
        published = Article.objects.published()
        for terms in (["hue", "mua"], ["nang"], ["khong", "co"]):
            whole = search.newest_matches(published, terms)
            expected = list(whole.values_list("pk", flat=True))
            assert search.newest_match_ids(published, terms) == expected

    def test_common_words_end_in_the_window(self, stories, monkeypatch):
        if connection.vendor != "postgresql":
            pytest.skip("the window is PostgreSQL's (its planner misjudges)")
        from django.test.utils import CaptureQueriesContext

        monkeypatch.setattr(search, "MAX_RESULTS", 3)
        monkeypatch.setattr(search, "RECENT_WINDOW", 5)
        published = Article.objects.published()
        with CaptureQueriesContext(connection) as captured:
            search.newest_match_ids(published, ["hue", "mua"])  # 3 in the newest 5
        plan = "\n".join(
            row[0]
            for row in connection.cursor()
            .execute(
                "EXPLAIN (ANALYZE, COSTS OFF) " + captured[0]["sql"].replace("%", "%%")
            )
            .fetchall()
        )
        assert len(captured) == 1
        # The whole archive's branch never ran: the window had enough.
        assert "(never executed)" in plan, plan


class TestSearchPage:
    @pytest.mark.parametrize(
        "query",
        [
            "",
            "a",
            "x" * 500,
            "!!!",
            "' OR 1=1 --",
            '"; DROP TABLE articles_article; --',
            "%",
            "_",
            "100%",
            "NEAR(ha noi)",
            "ha* AND -noi",
            "title:ha",
            "{title}: ha",
            "ha&noi|!x",
        ],
    )
    def test_odd_queries_answer_normally(self, client, reference, query):
        response = client.get("/tim-kiem/", {"q": query})
        assert response.status_code == 200
        assert Article.objects.filter(pk=reference.pk).exists()

    @pytest.mark.parametrize(
        ("params", "shown"),
        [
            ({"q": "bong da"}, "bong da"),
            ({"q": "bóng đá"}, "bóng đá"),
            ({"q": "!!!"}, "!!!"),
            ({"q": "ha noi", "tu": "2001-01-01", "den": "2001-01-02"}, "ha noi"),
        ],
    )
    def test_a_query_without_results_says_nothing_was_found(
        self, client, reference, params, shown
    ):
        html = client.get("/tim-kiem/", params).content.decode()
        assert f"Không tìm thấy bài viết nào cho “{shown}”." in html
        assert "có dấu hay không dấu đều được" in html
        assert ("bỏ bớt chuyên mục, ngày" in html) is ("tu" in params)
        assert "Hãy nhập từ khóa" not in html
        assert 'class="search-results"' not in html

    @pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}])
    def test_without_a_query_the_page_asks_for_one(self, client, reference, params):
        html = client.get("/tim-kiem/", params).content.decode()
        assert "Hãy nhập từ khóa để tìm bài viết." in html
        assert "Không tìm thấy" not in html

    def test_too_long_query_is_a_form_error(self, client):
        response = client.get("/tim-kiem/", {"q": "x" * 501})
        assert response.status_code == 400
        assert "Từ khóa dài quá 500 ký tự." in response.content.decode()

    def test_results_highlight_matched_words(self, client, reference):
        html = client.get("/tim-kiem/", {"q": "ha noi dang"}).content.decode()
        assert "1 kết quả" in html
        assert "<mark>Hà</mark> <mark>Nội</mark> và TP.HCM" in html
        assert "<mark>Đảng</mark>" in html
        assert 'name="robots" content="noindex' in html

    def test_highlighting_escapes_html(self, client):
        PublishedArticleFactory(title="Hà Nội <b>đẹp</b>")
        html = client.get("/tim-kiem/", {"q": "ha noi"}).content.decode()
        assert "&lt;b&gt;" in html and "<b>đẹp" not in html

    def test_filters_by_section_and_dates(self, client):
        north = CategoryFactory(slug="mien-bac")
        sub = CategoryFactory(slug="ha-noi-moi", parent=north)
        day = timezone.make_aware(timezone.datetime(2023, 10, 19, 6, 36))
        inside = PublishedArticleFactory(
            title="Hà Nội 1", category=sub, published_at=day
        )
        PublishedArticleFactory(title="Hà Nội 2", published_at=day)
        PublishedArticleFactory(
            title="Hà Nội 3", category=north, published_at=day - timedelta(days=30)
        )
        response = client.get(
            "/tim-kiem/",
            {
                "q": "ha noi",
                "chuyen_muc": "mien-bac",
                "tu": "2023-10-19",
                "den": "2023-10-19",
            },
        )
        assert [a.pk for a in response.context["page_obj"]] == [inside.pk]

    @pytest.mark.parametrize(
        "params",
        [
            {"q": "ha", "chuyen_muc": "khong-co"},
            {"q": "ha", "tu": "hôm qua"},
            {"q": "ha", "tu": "2023-10-20", "den": "2023-10-19"},
            {"q": "ha\x00"},
        ],
    )
    def test_bad_filters_are_form_errors(self, client, params):
        response = client.get("/tim-kiem/", params)
        assert response.status_code == 400
        assert 'class="field__error"' in response.content.decode()

    @pytest.mark.parametrize(
        "params",
        [
            {"q": "ha noi", "den": "9999-12-31"},
            {"q": "ha noi", "den": "31/12/9999"},
            {"q": "ha noi", "tu": "0001-01-01"},
            {"q": "ha noi", "tu": "01/01/0001"},
            {"q": "ha noi", "tu": "1899-12-31"},
            {"q": "ha noi", "den": "2101-01-01"},
        ],
    )
    def test_days_outside_the_archive_years_are_form_errors(self, client, params):
        response = client.get("/tim-kiem/", params)
        assert response.status_code == 400
        assert "Chỉ tìm được ngày từ năm 1900 đến năm 2100." in (
            response.content.decode()
        )

    def test_the_first_and_last_days_accepted_search_normally(self, client, reference):
        response = client.get(
            "/tim-kiem/", {"q": "ha noi", "tu": "1900-01-01", "den": "2100-12-31"}
        )
        assert response.status_code == 200
        assert [a.pk for a in response.context["page_obj"]] == [reference.pk]
        html = response.content.decode()
        assert 'min="1900-01-01"' in html and 'max="2100-12-31"' in html

    def test_date_inputs_show_the_day_as_the_input_takes_it(self, client):
        # <input type="date"> accepts yyyy-mm-dd only; anything else shows empty.
        html = client.get("/tim-kiem/", {"q": "ha", "tu": "19/10/2023"}).content
        assert b'name="tu" value="2023-10-19"' in html
        response = client.get("/tim-kiem/", {"q": "ha", "tu": "hôm qua"})
        assert response.status_code == 400
        html = response.content.decode()
        assert "hôm qua" not in html.split('name="tu"')[1].split(">")[0]
        assert "Ngày không hợp lệ." in html

    def test_paginates_keeping_the_query(self, client):
        for i in range(25):
            PublishedArticleFactory(title=f"Hà Nội số {i}")
        response = client.get("/tim-kiem/", {"q": "ha noi"})
        html = response.content.decode()
        assert response.context["paginator"].count == 25
        assert "?q=ha+noi&amp;page=2" in html
        second = client.get("/tim-kiem/", {"q": "ha noi", "page": "2"})
        assert len(second.context["page_obj"]) == 5
        assert client.get("/tim-kiem/", {"q": "ha noi", "page": "x"}).status_code == 200

    def test_sets_no_cookie(self, client, reference):
        response = client.get("/tim-kiem/", {"q": "ha noi"})
        assert not response.cookies
        assert "Cookie" not in response.get("Vary", "")


def test_rebuild_command_restores_a_damaged_index(reference):
    from io import StringIO

    from django.core.management import call_command

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            fts = "articles_article_fts"
            cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('delete-all')")
        else:
            cursor.execute("UPDATE articles_article SET search_vector = NULL")
    assert found("ha noi") == []
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "Đã dựng lại chỉ mục tìm kiếm." in out.getvalue()
    assert found("ha noi") == [REFERENCE_TITLE]


def test_a_typical_articles_search_vector_stays_in_its_row():
    """PostgreSQL: the vector is read with the row, not from the TOAST table.

    A search for a common word checks rows newest first until it has its
    matches; an out-of-line vector made each check several page reads.
    """
    if connection.vendor != "postgresql":
        pytest.skip("TOAST is PostgreSQL's")
    body = "".join(
        f"<p>Đoạn {i}: Hà Nội và TP.HCM hợp tác toàn diện về kinh tế, văn hóa, "
        "giáo dục, y tế và chuyển đổi số trong giai đoạn mới.</p>"
        for i in range(40)
    )
    PublishedArticleFactory(title="Hợp tác toàn diện", sapo="Sapo " * 30, body=body)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_size(a.*), reltoastrelid::regclass::text "
            "FROM articles_article a, pg_class WHERE relname = 'articles_article'"
        )
        size, toast = cursor.fetchone()
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE relname = 'articles_article'"
        )
        assert "toast_tuple_target=8160" in cursor.fetchone()[0]
        cursor.execute(f"SELECT count(*) FROM {toast}")
        assert size > 2100  # over the default 2 kB target that moved it out
        assert cursor.fetchone()[0] == 0


# --- the trigger's vector, computed in Python for bulk loads ----------------------


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


SAMPLE_TEXTS = sorted(
    {
        nfc(text)
        for name in dir(vocabulary)
        if name.isupper()
        for text in _strings(getattr(vocabulary, name))
    }
    | {
        REFERENCE_TITLE,
        "Sáng 19/10, Thành ủy Hà Nội và Thành ủy TP.HCM ký kết chương trình.",
        "Công tác xây dựng Đảng: “kinh tế – xã hội” &amp; V-League, 10% (2023)",
    }
)


def test_python_words_are_the_search_configurations():
    """``search_words`` keeps what ``vi_unaccent`` and ``articles_search_clean``
    keep, in order, for every text the sample content is made of."""
    if connection.vendor != "postgresql":
        pytest.skip("the trigger and its tsvector are PostgreSQL's")
    vectors = [search.search_vector([(quoted_words(t), "A")]) for t in SAMPLE_TEXTS]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT t, v::tsvector::text, setweight(to_tsvector(
                '{search.PG_CONFIG}', articles_search_clean(t)), 'A')::text
            FROM unnest(%s::text[], %s::text[]) AS x(t, v)
            """,
            [SAMPLE_TEXTS, vectors],
        )
        rows = cursor.fetchall()
    assert len(rows) == len(SAMPLE_TEXTS) > 300
    assert [(t, python) for t, python, _sql in rows] == [
        (t, sql) for t, _python, sql in rows
    ]


def test_python_vector_is_the_triggers_for_sample_articles():
    """What a bulk load writes with the trigger off is what the trigger writes."""
    if connection.vendor != "postgresql":
        pytest.skip("the trigger and its tsvector are PostgreSQL's")
    prose = Prose(random.Random(11))
    expected = {}
    for slug in [*vocabulary.TOPICS, "mot-muc-khac"]:
        for _ in range(5):
            title, sapo, body, words = prose.article(slug)
            article = PublishedArticleFactory(title=title, sapo=sapo, body=body)
            expected[article.pk] = search.search_vector(zip(words, "ABC", strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, search_vector::text, v::tsvector::text "
            "FROM articles_article JOIN unnest(%s::int[], %s::text[]) AS x(id, v) "
            "USING (id) ORDER BY id",
            [list(expected), list(expected.values())],
        )
        rows = cursor.fetchall()
    assert len(rows) == len(expected)
    assert [(pk, trigger) for pk, trigger, _python in rows] == [
        (pk, python) for pk, _trigger, python in rows
    ]
