"""Replies one level deep, order switch, "Xem thêm", and the counter."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.comments.section import (
    NEWEST_PARAM,
    PAGE_PARAM,
    REPLY_PARAM,
    comment_section,
)
from articles.comments.services import comment_create, comments_set_status
from articles.models import Article, Comment
from tests.factories import ApprovedCommentFactory, with_token

pytestmark = pytest.mark.django_db


def dated(article, n, **kwargs):
    """``n`` approved top-level comments, one minute apart, oldest first."""
    start = timezone.now() - timedelta(days=1)
    comments = []
    for i in range(n):
        comment = ApprovedCommentFactory(article=article, body=f"Ý kiến {i:03d}")
        Comment.objects.filter(pk=comment.pk).update(
            created_at=start + timedelta(minutes=i)
        )
        comments.append(comment)
    return comments


def bodies(html):
    return re.findall(r"Ý kiến \d{3}", html)


class TestReplies:
    def test_reply_link_works_without_javascript(self, reader, article):
        parent = ApprovedCommentFactory(article=article, name="Trần Bình")
        html = reader.get(article.get_absolute_url()).text
        assert f'href="?tra-loi={parent.pk}#gui-binh-luan"' in html

        html = reader.get(f"{article.get_absolute_url()}?tra-loi={parent.pk}").text
        assert "Trả lời bình luận của Trần Bình" in html
        assert f'<input type="hidden" name="parent" value="{parent.pk}">' in html
        assert "Hủy trả lời" in html and "Gửi trả lời" in html

    def test_reply_is_stored_under_its_parent_and_shown_there(self, reader, article):
        parent = ApprovedCommentFactory(article=article, body="Gốc")
        data = with_token(
            article,
            {
                "name": "Lê An",
                "email": "le.an@example.com",
                "body": "Tôi đồng ý với bạn.",
                "parent": parent.pk,
            },
        )
        assert reader.post(f"/binh-luan/{article.pk}/", data).status_code == 302
        reply = Comment.objects.get(parent=parent)
        comments_set_status(
            comments=Comment.objects.filter(pk=reply.pk),
            status=Comment.Status.APPROVED,
        )
        html = reader.get(article.get_absolute_url()).text
        replies = html.split('class="comments__replies"')[1]
        assert "Tôi đồng ý với bạn." in replies
        assert "(2) Bình luận" in html

    def test_reloading_a_reply_refused_for_an_error_reopens_the_reply(
        self, reader, article
    ):
        parent = ApprovedCommentFactory(article=article, name="Trần Bình")
        data = with_token(
            article,
            {"name": "Lê An", "email": "", "body": "Đồng ý.", "parent": parent.pk},
        )
        response = reader.post(f"/binh-luan/{article.pk}/", data)
        assert response.status_code == 400
        # The error page's address is the form's action; reloading it is a GET.
        action = re.search(
            r'<form id="gui-binh-luan"[^>]* action="([^"]+)"', response.text
        )
        assert action[1] == f"/binh-luan/{article.pk}/?tra-loi={parent.pk}"
        reload = reader.get(action[1])
        assert reload.status_code == 302
        assert reload["Location"] == (
            f"{article.get_absolute_url()}?tra-loi={parent.pk}#gui-binh-luan"
        )
        assert "Trả lời bình luận của Trần Bình" in reader.get(reload["Location"]).text

    def test_reply_to_a_reply_joins_the_same_thread(self, article):
        parent = ApprovedCommentFactory(article=article)
        reply = ApprovedCommentFactory(article=article, parent=parent)
        nested = comment_create(
            article=article,
            name="An",
            email="an@example.com",
            body="Trả lời câu trả lời",
            parent_id=reply.pk,
        )
        assert nested.parent_id == parent.pk

    @pytest.mark.parametrize("status", ["pending", "rejected", "spam"])
    def test_reply_to_a_hidden_comment_is_refused(self, reader, article, status):
        hidden = ApprovedCommentFactory(article=article, status=status)
        data = with_token(
            article,
            {"name": "An", "email": "an@example.com", "body": "x", "parent": hidden.pk},
        )
        response = reader.post(f"/binh-luan/{article.pk}/", data)
        assert response.status_code == 400
        assert "không còn hiển thị" in response.text

    @pytest.mark.parametrize("parent", ["abc", "-1", "99999999", "1e9", "0"])
    def test_bad_parent_values_are_form_errors(self, reader, article, parent):
        data = with_token(
            article,
            {"name": "An", "email": "an@example.com", "body": "x", "parent": parent},
        )
        assert reader.post(f"/binh-luan/{article.pk}/", data).status_code == 400
        assert not Comment.objects.exists()

    def test_reply_on_another_article_is_refused(self, reader, article):
        elsewhere = ApprovedCommentFactory()
        data = with_token(
            article,
            {
                "name": "An",
                "email": "a@example.com",
                "body": "x",
                "parent": elsewhere.pk,
            },
        )
        assert reader.post(f"/binh-luan/{article.pk}/", data).status_code == 400

    def test_replies_under_a_removed_comment_are_hidden_and_not_counted(self, article):
        parent = ApprovedCommentFactory(article=article)
        ApprovedCommentFactory.create_batch(2, article=article, parent=parent)
        article.refresh_from_db()
        assert article.comment_count == 3
        comments_set_status(
            comments=Comment.objects.filter(pk=parent.pk),
            status=Comment.Status.REJECTED,
        )
        article.refresh_from_db()
        assert article.comment_count == 0


class TestOrderAndPages:
    def test_oldest_first_by_default_newest_first_on_request(self, reader, article):
        dated(article, 3)
        url = article.get_absolute_url()
        assert bodies(reader.get(url).text) == [
            "Ý kiến 000",
            "Ý kiến 001",
            "Ý kiến 002",
        ]
        newest = reader.get(f"{url}?binh-luan-moi-nhat=1").text
        assert bodies(newest) == ["Ý kiến 002", "Ý kiến 001", "Ý kiến 000"]
        assert 'href="?binh-luan-moi-nhat=1#binh-luan"' in reader.get(url).text

    def test_more_than_50_threads_get_a_xem_them_link(self, reader, article):
        dated(article, 53)
        url = article.get_absolute_url()
        first = reader.get(url).text
        assert len(bodies(first)) == 50 and bodies(first)[-1] == "Ý kiến 049"
        assert 'href="?trang-binh-luan=2#binh-luan" rel="next">Xem thêm bình luận' in (
            first
        )
        assert "(53) Bình luận" in first
        second = reader.get(f"{url}?trang-binh-luan=2").text
        assert bodies(second) == ["Ý kiến 050", "Ý kiến 051", "Ý kiến 052"]
        assert "Xem thêm bình luận" not in second
        newest_two = reader.get(f"{url}?binh-luan-moi-nhat=1&trang-binh-luan=2").text
        assert bodies(newest_two) == ["Ý kiến 002", "Ý kiến 001", "Ý kiến 000"]

    @pytest.mark.parametrize("page", ["0", "-3", "abc", "", "1.5"])
    def test_odd_page_numbers_show_the_first_page(self, reader, article, page):
        dated(article, 2)
        response = reader.get(f"{article.get_absolute_url()}?trang-binh-luan={page}")
        assert response.status_code == 200
        assert bodies(response.text) == ["Ý kiến 000", "Ý kiến 001"]

    @pytest.mark.parametrize("page", ["3", "99999999999999999999999"])
    def test_page_past_the_end_is_404(self, reader, article, page):
        dated(article, 2)
        url = f"{article.get_absolute_url()}?trang-binh-luan={page}"
        assert reader.get(url).status_code == 404

    @pytest.mark.parametrize("n", [1, 120])
    def test_one_query_for_the_section_whatever_the_size(
        self, reader, article, django_assert_num_queries, n
    ):
        threads = dated(article, n)
        for parent in threads[:10]:
            ApprovedCommentFactory.create_batch(3, article=article, parent=parent)
        queries = [{}, {NEWEST_PARAM: "1", REPLY_PARAM: str(threads[0].pk)}]
        if n > 50:
            queries.append({PAGE_PARAM: "2"})
        for query in queries:
            with django_assert_num_queries(1):
                comment_section(article, query)
        # On the page the section is a cached part, refreshed by the article's
        # purges: warm, the whole page makes no query.
        url = article.get_absolute_url()
        reader.get(f"{url}?trang-binh-luan=1")  # warms the site context and parts
        with django_assert_num_queries(0):
            reader.get(f"{url}?trang-binh-luan=1")


def test_counter_counts_approved_only(article):
    ApprovedCommentFactory.create_batch(2, article=article)
    for status in ["pending", "rejected", "spam"]:
        ApprovedCommentFactory(article=article, status=status)
    assert Article.objects.get(pk=article.pk).comment_count == 2
    Comment.objects.filter(status="approved").first().delete()
    assert Article.objects.get(pk=article.pk).comment_count == 1
