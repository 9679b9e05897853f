"""Every spam and abuse defence of the comment form, one behaviour per test."""

import time

import pytest
from django.core.signing import Signer
from django.test import Client

from articles.client_ip import hash_ip
from articles.comments.limits import rate_limit_retry_after
from articles.comments.tokens import FORM_SALT, form_token
from articles.models import BlockedTerm, Comment
from tests.factories import (
    ApprovedCommentFactory,
    ArticleFactory,
    CommentFactory,
    PublishedArticleFactory,
    SpamCommentFactory,
    with_token,
)

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Nguyễn Văn An",
    "email": "an@example.com",
    "body": "Bài viết rất hữu ích cho người dân thành phố.",
}


NO_TOKEN = '<input type="hidden" name="ts" id="id_ts">'


def post(client, article, data, **extra):
    return client.post(f"/binh-luan/{article.pk}/", with_token(article, data), **extra)


class TestHoneypot:
    def test_filled_honeypot_is_discarded_behind_the_normal_redirect(
        self, reader, article
    ):
        response = post(reader, article, {**VALID, "website": "http://spam.example"})
        assert response.status_code == 302
        assert "binh-luan=cho-duyet" in response["Location"]
        assert "cua-ban" not in response["Location"]
        assert not Comment.objects.exists()

    def test_honeypot_is_hidden_from_people_and_screen_readers(self, reader, article):
        html = reader.get(article.get_absolute_url()).text
        assert '<p class="field field--trap" aria-hidden="true">' in html
        assert 'name="website"' in html and 'tabindex="-1"' in html


def issue_token(client, article) -> str:
    """What the form's script does when the reader first touches the form."""
    response = client.post(f"/binh-luan/{article.pk}/ma/")
    assert response.status_code == 200
    return response.json()["token"]


@pytest.fixture
def clock(time_machine):
    """Time that moves only when the test says so."""
    time_machine.move_to(time.time(), tick=False)
    return time_machine


class TestTimeTrap:
    def test_post_the_moment_the_token_is_issued_is_refused_and_keeps_the_token(
        self, reader, article, clock, settings
    ):
        token = issue_token(reader, article)
        response = reader.post(f"/binh-luan/{article.pk}/", {**VALID, "ts": token})
        assert response.status_code == 400
        assert "Bạn gửi nhanh quá" in response.text
        assert not Comment.objects.exists()
        # The next try is timed from the same start, not from scratch.
        assert f'name="ts" value="{token}"' in response.text
        clock.shift(settings.COMMENT_MIN_SECONDS)
        data = {**VALID, "ts": token}
        assert reader.post(f"/binh-luan/{article.pk}/", data).status_code == 302

    def test_post_after_the_minimum_with_a_fresh_token_is_trusted(
        self, reader, article, clock, settings
    ):
        token = issue_token(reader, article)
        clock.shift(settings.COMMENT_MIN_SECONDS)
        response = reader.post(f"/binh-luan/{article.pk}/", {**VALID, "ts": token})
        assert response.status_code == 302
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.PENDING
        assert (comment.spam_score, comment.spam_reasons) == (0, "")

    def test_a_token_posts_one_comment_only(self, reader, article, clock):
        token = issue_token(reader, article)
        clock.shift(60)
        first = {**VALID, "ts": token}
        assert reader.post(f"/binh-luan/{article.pk}/", first).status_code == 302
        for n in range(2):
            again = {**VALID, "body": f"Một ý kiến khác nữa, lần {n}.", "ts": token}
            response = reader.post(f"/binh-luan/{article.pk}/", again)
            assert response.status_code == 400
            assert "Biểu mẫu này đã được dùng để gửi một bình luận" in response.text
            assert NO_TOKEN in response.text  # the script asks for a new one
        assert Comment.objects.count() == 1

    def test_a_post_refused_later_gives_its_token_back(self, reader, article, clock):
        hidden = CommentFactory(article=article)
        token = issue_token(reader, article)
        clock.shift(60)
        reply = {**VALID, "parent": hidden.pk, "ts": token}
        response = reader.post(f"/binh-luan/{article.pk}/", reply)
        assert "không còn hiển thị" in response.text
        data = {**VALID, "ts": token}
        assert reader.post(f"/binh-luan/{article.pk}/", data).status_code == 302

    @pytest.mark.parametrize("token", ["123", "1:1700000000:forged", "abc:def"])
    def test_forged_token_is_refused(self, reader, article, token):
        data = {**VALID, "ts": token}
        response = reader.post(f"/binh-luan/{article.pk}/", data)
        assert response.status_code == 400
        assert "Biểu mẫu không hợp lệ" in response.text
        assert not Comment.objects.exists()

    def test_token_made_for_another_article_is_refused(self, reader, article):
        other = PublishedArticleFactory()
        data = {**VALID, "ts": form_token(other.pk, at=time.time() - 60)}
        response = reader.post(f"/binh-luan/{article.pk}/", data)
        assert response.status_code == 400
        assert not Comment.objects.exists()

    @pytest.mark.parametrize(
        "untimed",
        ["no JavaScript", "past its lifetime", "cached before tokens"],
    )
    def test_an_untimed_post_waits_for_a_moderator_with_a_lower_trust(
        self, reader, article, settings, untimed
    ):
        token = {
            "no JavaScript": "",
            "past its lifetime": form_token(
                article.pk, at=time.time() - settings.COMMENT_FORM_MAX_AGE - 1
            ),
            # What pages cached before the token endpoint carry.
            "cached before tokens": Signer(salt=FORM_SALT).sign(
                f"{article.pk}:{int(time.time()) - 60}"
            ),
        }[untimed]
        response = reader.post(f"/binh-luan/{article.pk}/", {**VALID, "ts": token})
        assert response.status_code == 302
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.PENDING
        assert comment.spam_score == 3
        assert comment.spam_reasons == "không qua bẫy thời gian"

    def test_the_cached_page_carries_no_token_and_stays_cacheable(
        self, reader, article
    ):
        response = reader.get(article.get_absolute_url())
        html = response.text
        assert NO_TOKEN in html
        assert f'data-token-url="/binh-luan/{article.pk}/ma/"' in html
        assert '<script src="/static/js/comment_form.js" defer></script>' in html
        assert not response.cookies
        assert "cookie" not in response.get("Vary", "").lower()

    def test_the_token_sets_no_cookie_and_is_never_cached(self, reader, article):
        response = reader.post(f"/binh-luan/{article.pk}/ma/")
        assert response["Content-Type"] == "application/json"
        assert "no-store" in response["Cache-Control"]
        assert not response.cookies
        assert "cookie" not in response.get("Vary", "").lower()
        assert issue_token(reader, article) != response.json()["token"]

    @pytest.mark.parametrize(
        ("headers", "status"),
        [({"Origin": "https://evil.example"}, 403), ({}, 403)],
    )
    def test_the_token_is_for_this_site_only(self, article, headers, status):
        client = Client(enforce_csrf_checks=True, headers=headers)
        assert client.post(f"/binh-luan/{article.pk}/ma/").status_code == status

    def test_no_token_for_an_article_not_taking_comments(self, reader):
        for article in [
            ArticleFactory(),
            PublishedArticleFactory(comments_enabled=False),
        ]:
            assert reader.post(f"/binh-luan/{article.pk}/ma/").status_code == 404
        assert (
            reader.get(f"/binh-luan/{PublishedArticleFactory().pk}/ma/").status_code
            == 405
        )


class TestRateLimit:
    def test_sixth_post_in_a_minute_from_one_ip_is_429_in_vietnamese(
        self, reader, article
    ):
        for i in range(5):
            data = {**VALID, "email": f"n{i}@example.com", "body": f"Ý kiến số {i}"}
            assert post(reader, article, data).status_code == 302
        response = post(reader, article, {**VALID, "body": "Ý kiến thứ sáu"})
        assert response.status_code == 429
        assert "Bạn gửi bình luận quá nhanh" in response.text
        assert int(response["Retry-After"]) > 0
        assert (
            "no-cache" in response["Cache-Control"]
            or "max-age=0" in (response["Cache-Control"])
        )
        assert Comment.objects.count() == 5

    def test_one_email_from_many_ips_is_limited_too(self, reader, article):
        for i in range(5):
            data = {**VALID, "body": f"Ý kiến số {i}"}
            ip = f"10.0.0.{i + 1}"
            assert post(reader, article, data, REMOTE_ADDR=ip).status_code == 302
        response = post(reader, article, VALID, REMOTE_ADDR="10.0.0.99")
        assert response.status_code == 429

    def test_an_ipv6_network_counts_as_one_poster(self, reader, article):
        for i in range(5):
            data = {**VALID, "email": f"n{i}@example.com", "body": f"Ý kiến {i}"}
            response = post(reader, article, data, REMOTE_ADDR=f"2001:db8::{i + 1}")
            assert response.status_code == 302
        data = {**VALID, "email": "khac@example.com"}
        response = post(reader, article, data, REMOTE_ADDR="2001:db8::ffff")
        assert response.status_code == 429

    def test_posts_that_straddle_a_minutes_turn_are_counted_together(self):
        # Three just before the turn, three just after: a fixed window would
        # start the second minute at zero and let all six through.
        turn = (time.time() // 60 + 1) * 60
        times = [turn - 0.3, turn - 0.2, turn - 0.1, turn, turn + 0.1, turn + 0.2]
        waits = [
            rate_limit_retry_after(ip="203.0.113.5", email=f"n{i}@example.com", now=t)
            for i, t in enumerate(times)
        ]
        assert waits[:5] == [0, 0, 0, 0, 0]
        assert waits[5] > 0

    def test_a_full_minute_later_posting_is_open_again(self):
        ip, start = "203.0.113.6", (time.time() // 60 + 1) * 60
        for i in range(5):
            rate_limit_retry_after(ip=ip, email=f"m{i}@example.com", now=start)
        assert rate_limit_retry_after(ip=ip, email="x@example.com", now=start)
        later = start + 120
        assert rate_limit_retry_after(ip=ip, email="y@example.com", now=later) == 0

    def test_hourly_limit(self, reader, article, settings):
        settings.COMMENT_RATE_LIMITS = [(100, 60), (3, 3600)]
        for i in range(3):
            data = {**VALID, "email": f"n{i}@example.com", "body": f"Ý kiến {i}"}
            assert post(reader, article, data).status_code == 302
        assert post(reader, article, VALID).status_code == 429

    def test_spoofed_forwarded_for_does_not_dodge_the_limit(self, reader, article):
        # A client that is not the trusted proxy (CLIENT_IP_TRUSTED_PROXIES:
        # loopback, the test client's default address) writes the header itself.
        for i in range(6):
            data = {**VALID, "email": f"n{i}@example.com", "body": f"Ý kiến {i}"}
            response = post(
                reader,
                article,
                data,
                REMOTE_ADDR="203.0.113.9",
                HTTP_X_FORWARDED_FOR=f"1.2.3.{i}",
            )
        assert response.status_code == 429

    def test_readers_behind_the_proxy_are_counted_apart(self, reader, article):
        # nginx (REMOTE_ADDR 127.0.0.1) appends each reader's address to what
        # the reader wrote in X-Forwarded-For (deploy/nginx-proxy-headers.conf).
        for i in range(6):
            data = {**VALID, "email": f"n{i}@example.com", "body": f"Ý kiến {i}"}
            response = post(
                reader, article, data, HTTP_X_FORWARDED_FOR=f"1.2.3.4, 198.51.100.{i}"
            )
            assert response.status_code == 302


class TestLinks:
    def test_two_links_wait_for_a_moderator(self, reader, article):
        body = "Xem https://a.example.com và www.b.example.org nhé."
        post(reader, article, {**VALID, "body": body})
        comment = Comment.objects.get()
        assert (comment.status, comment.link_count) == (Comment.Status.PENDING, 2)

    def test_more_than_two_links_go_to_spam(self, reader, article):
        body = "Mua ngay http://a.com http://b.net khuyenmai.vn/sale"
        response = post(reader, article, {**VALID, "body": body})
        assert response.status_code == 302  # the poster is not told
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.SPAM
        assert comment.link_count == 3
        assert "quá nhiều liên kết" in comment.spam_reasons

    def test_links_are_not_clickable_until_a_moderator_allows_them(
        self, reader, article, django_capture_on_commit_callbacks
    ):
        comment = ApprovedCommentFactory(
            article=article, body="Nguồn: https://example.com/bai"
        )
        html = reader.get(article.get_absolute_url()).text
        assert "https://example.com/bai" in html
        assert 'href="https://example.com/bai"' not in html
        comment.links_allowed = True
        with django_capture_on_commit_callbacks(execute=True):  # the page's purge
            comment.save()
        html = reader.get(article.get_absolute_url()).text
        assert 'href="https://example.com/bai" rel="nofollow ugc noopener"' in html


class TestDuplicates:
    def test_same_text_twice_from_one_reader_is_refused(self, reader, article):
        assert post(reader, article, VALID).status_code == 302
        response = post(reader, article, VALID)
        assert response.status_code == 400
        assert "Bình luận này đã được gửi trước đó." in response.text
        assert Comment.objects.count() == 1

    def test_same_text_with_other_case_and_tone_marks_is_a_duplicate(
        self, reader, article
    ):
        post(reader, article, VALID)
        again = {**VALID, "body": "BAI VIET rat huu ich cho nguoi dan thanh pho!!"}
        assert post(reader, article, again).status_code == 400

    def test_same_long_text_from_someone_else_on_the_article_is_refused(
        self, reader, article
    ):
        CommentFactory(article=article, body=VALID["body"], email="khac@example.com")
        from articles.comments.scoring import body_fingerprint

        Comment.objects.update(body_hash=body_fingerprint(VALID["body"]))
        assert post(reader, article, VALID).status_code == 400

    def test_short_common_replies_from_different_readers_are_allowed(
        self, reader, article
    ):
        first = {**VALID, "body": "Đồng ý!"}
        second = {**first, "name": "Lê Thị Bình", "email": "binh@example.com"}
        assert post(reader, article, first).status_code == 302
        assert post(reader, article, second, REMOTE_ADDR="10.1.1.1").status_code == 302
        assert Comment.objects.count() == 2

    def test_cross_posting_the_same_text_to_another_article_is_refused(
        self, reader, article
    ):
        post(reader, article, VALID)
        assert post(reader, PublishedArticleFactory(), VALID).status_code == 400


class TestBlocklist:
    @pytest.mark.parametrize("term", ["lừa đảo", "lua dao", "LỪA ĐẢO"])
    @pytest.mark.parametrize(
        "body",
        ["Trang này lừa đảo!", "trang nay lua dao", "Trang này L\u200bừa đảo"],
    )
    def test_blocked_word_matches_with_and_without_tone_marks(
        self, reader, article, term, body
    ):
        BlockedTerm.objects.create(kind=BlockedTerm.Kind.WORD, value=term)
        post(reader, article, {**VALID, "body": body})
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.SPAM
        assert "từ bị chặn" in comment.spam_reasons

    def test_blocked_word_matches_whole_words_only(self, reader, article):
        BlockedTerm.objects.create(kind=BlockedTerm.Kind.WORD, value="cá độ")
        post(reader, article, {**VALID, "body": "Cả đội bóng chơi hay, cá độc lắm."})
        assert Comment.objects.get().status == Comment.Status.PENDING

    def test_blocked_email_and_domain(self, reader, article):
        BlockedTerm.objects.create(kind=BlockedTerm.Kind.EMAIL, value="AN@example.com")
        BlockedTerm.objects.create(kind=BlockedTerm.Kind.EMAIL, value="@spam.vn")
        post(reader, article, VALID)
        post(reader, article, {**VALID, "email": "x@spam.vn", "body": "Một ý kiến"})
        assert set(Comment.objects.values_list("status", flat=True)) == {
            Comment.Status.SPAM
        }

    def test_blocked_ip_is_stored_hashed_and_only_weighs_a_little(
        self, reader, article
    ):
        entry = BlockedTerm.objects.create(kind=BlockedTerm.Kind.IP, value="10.9.8.7")
        assert entry.value == hash_ip("10.9.8.7") and "10.9.8.7" not in str(entry)
        post(reader, article, VALID, REMOTE_ADDR="10.9.8.7")
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.PENDING
        assert comment.spam_reasons == "IP bị chặn (có thể dùng chung)"

    def test_a_blocked_ip_still_adds_up_with_other_signals(self, reader, article):
        BlockedTerm.objects.create(kind=BlockedTerm.Kind.IP, value="10.9.8.7")
        body = "Kèo thơm tại https://a.example.com và https://b.example.com"
        untimed = {**VALID, "body": body}  # 3 + 2 links x 2 + 3 = 10 points
        reader.post(f"/binh-luan/{article.pk}/", untimed, REMOTE_ADDR="10.9.8.7")
        comment = Comment.objects.get()
        assert (comment.status, comment.spam_score) == (Comment.Status.SPAM, 10)


class TestSharedIp:
    """Many readers behind one carrier-grade NAT address, one of them a spammer."""

    NAT = "100.64.12.34"

    def test_earlier_spam_from_the_same_email_counts(self, reader, article):
        SpamCommentFactory(article=article, email=VALID["email"])
        post(reader, article, VALID, REMOTE_ADDR="198.51.100.7")
        comment = Comment.objects.latest("pk")
        assert "từng gửi spam" in comment.spam_reasons
        assert comment.spam_score == 5

    def test_a_neighbours_spam_weighs_little(self, reader, article):
        SpamCommentFactory(
            article=article, email="kèo@example.com", ip_hash=hash_ip(self.NAT)
        )
        post(reader, article, VALID, REMOTE_ADDR=self.NAT)
        comment = Comment.objects.latest("pk")
        assert comment.status == Comment.Status.PENDING
        assert "từng gửi spam" not in comment.spam_reasons
        assert (comment.spam_score, comment.spam_reasons) == (1, "IP từng có spam")

    def test_editing_the_blocklist_takes_effect_at_once(self, reader, article):
        post(reader, article, {**VALID, "body": "Nhà cái uy tín số một"})
        BlockedTerm.objects.create(kind=BlockedTerm.Kind.WORD, value="nhà cái")
        post(reader, article, {**VALID, "body": "Nhà cái uy tín số hai"})
        assert list(
            Comment.objects.order_by("pk").values_list("status", flat=True)
        ) == [Comment.Status.PENDING, Comment.Status.SPAM]


class TestClosedAndUnpublished:
    def test_closed_article_refuses_with_a_message_and_hides_the_form(self, reader):
        article = PublishedArticleFactory(comments_enabled=False)
        response = post(reader, article, VALID)
        assert response.status_code == 400
        assert "Bình luận đã đóng" in response.text
        assert not Comment.objects.exists()
        page = reader.get(article.get_absolute_url()).text
        assert "Bình luận đã đóng." in page and 'id="gui-binh-luan"' not in page

    def test_unpublished_article_is_404(self, reader):
        draft = ArticleFactory()
        assert post(reader, draft, VALID).status_code == 404
        assert not Comment.objects.exists()

    def test_scheduled_article_is_404(self, reader):
        from datetime import timedelta

        from django.utils import timezone

        later = PublishedArticleFactory(published_at=timezone.now() + timedelta(days=1))
        assert post(reader, later, VALID).status_code == 404


class TestOwnPendingComment:
    def test_only_the_poster_sees_it_through_the_signed_link(self, reader, article):
        response = post(reader, article, VALID)
        own_url = response["Location"]
        page = reader.get(own_url)
        assert "Đang chờ duyệt (chỉ bạn thấy)" in page.text
        assert (
            "no-cache" in page["Cache-Control"]
            or "max-age=0" in (page["Cache-Control"])
        )
        assert not page.cookies
        assert VALID["body"] not in reader.get(article.get_absolute_url()).text

    def test_a_forged_token_shows_nothing(self, reader, article):
        comment = CommentFactory(article=article, body="Bí mật chờ duyệt")
        url = f"{article.get_absolute_url()}?cua-ban={comment.pk}:forged"
        assert "Bí mật chờ duyệt" not in reader.get(url).text


DEAD_REDIS = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1},
    }
}


def test_with_redis_down_comments_still_post_and_nothing_500s(
    reader, article, settings
):
    settings.CACHES = DEAD_REDIS
    settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = False
    for i in range(7):
        data = {**VALID, "body": f"Ý kiến khi Redis ngừng {i}"}
        assert post(reader, article, data).status_code == 302
    assert Comment.objects.count() == 7
