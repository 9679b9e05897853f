"""The moderation queue in the admin, the blocklist admin and moderator email."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from articles import roles
from articles.client_ip import hash_ip
from articles.comments.notify import notify_moderators
from articles.comments.services import comment_create
from articles.events import comment_counts_changed
from articles.models import Article, BlockedTerm, Comment
from tests.factories import (
    ApprovedCommentFactory,
    CommentFactory,
    PublishedArticleFactory,
    StaffFactory,
    UserFactory,
)
from tests.jobs import run_pending_jobs

pytestmark = pytest.mark.django_db
QUEUE = "/admin/articles/comment/"


def moderator(**kwargs):
    """A staff user with only the comment permissions (no superuser)."""
    user = UserFactory(is_staff=True, **kwargs)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="articles",
            codename__in=[
                "view_comment",
                "change_comment",
                "delete_comment",
                "view_blockedterm",
                "add_blockedterm",
                "change_blockedterm",
                "delete_blockedterm",
            ],
        )
    )
    return user


@pytest.fixture
def mod_client(client):
    client.force_login(moderator(username="kiemduyet"))
    return client


@pytest.fixture
def article():
    return PublishedArticleFactory(title="Bài có bình luận")


class TestQueue:
    def test_opens_on_pending_only_so_spam_is_never_on_its_first_page(
        self, mod_client, article
    ):
        CommentFactory.create_batch(3, article=article, body="Chờ duyệt đây")
        CommentFactory.create_batch(
            120, article=article, status=Comment.Status.SPAM, body="Rác quảng cáo"
        )
        html = mod_client.get(QUEUE).text
        assert html.count("Chờ duyệt đây") == 3
        assert "Rác quảng cáo" not in html
        spam = mod_client.get(f"{QUEUE}?trang_thai=spam").text
        assert "Rác quảng cáo" in spam

    def test_all_puts_pending_first_and_spam_last(self, mod_client, article):
        CommentFactory(article=article, status=Comment.Status.SPAM, body="Thư rác")
        ApprovedCommentFactory(article=article, body="Đã duyệt rồi")
        CommentFactory(article=article, body="Đang chờ")
        html = mod_client.get(f"{QUEUE}?trang_thai=tat-ca").text
        assert html.index("Đang chờ") < html.index("Đã duyệt rồi")
        assert html.index("Đã duyệt rồi") < html.index("Thư rác")

    def test_shows_article_text_name_email_time_and_signals(self, mod_client, article):
        earlier = ApprovedCommentFactory(article=article, email="quen@example.com")
        comment = comment_create(
            article=article,
            name="Người Quen",
            email="quen@example.com",
            body="Xem http://a.example.com và http://b.example.com",
        )
        assert comment.created_at > earlier.created_at
        html = mod_client.get(QUEUE).text
        for text in [
            "Bài có bình luận",
            "Xem http://a.example.com",
            "Người Quen",
            "quen@example.com",
            "1 lần trước (1 đã duyệt)",
            "2 liên kết",
        ]:
            assert text in html, text
        assert 'class="field-link_count">2<' in html

    def test_comment_text_is_escaped_in_the_queue(self, mod_client, article):
        CommentFactory(article=article, body="<script>alert(1)</script>")
        html = mod_client.get(QUEUE).text
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    def test_query_count_does_not_grow_with_the_queue(
        self, mod_client, article, django_assert_max_num_queries
    ):
        other = PublishedArticleFactory()
        CommentFactory.create_batch(5, article=article)
        mod_client.get(QUEUE)
        with django_assert_max_num_queries(12) as small:
            mod_client.get(QUEUE)
        CommentFactory.create_batch(45, article=other)
        with django_assert_max_num_queries(len(small.captured_queries)):
            mod_client.get(QUEUE)


class TestOneClickApprove:
    def test_button_approves_and_updates_the_counter(self, mod_client, article):
        comment = CommentFactory(article=article)
        html = mod_client.get(QUEUE).text
        url = reverse("admin:articles_comment_approve", args=[comment.pk])
        assert f'formaction="{url}"' in html
        sent = []

        def record(sender, article_ids, **kw):
            sent.append(article_ids)

        comment_counts_changed.connect(record)
        try:
            response = mod_client.post(url, HTTP_REFERER=f"http://testserver{QUEUE}")
        finally:
            # Only this receiver: the page cache's purge is connected too.
            comment_counts_changed.disconnect(record)
        assert response.status_code == 302 and response["Location"].endswith(QUEUE)
        comment.refresh_from_db()
        assert comment.status == Comment.Status.APPROVED
        assert comment.moderated_by.username == "kiemduyet"
        assert Article.objects.get(pk=article.pk).comment_count == 1

    def test_get_is_refused(self, mod_client, article):
        comment = CommentFactory(article=article)
        url = reverse("admin:articles_comment_approve", args=[comment.pk])
        assert mod_client.get(url).status_code == 405

    def test_without_change_permission_is_403(self, client, article):
        viewer = UserFactory(is_staff=True)
        viewer.user_permissions.set(Permission.objects.filter(codename="view_comment"))
        client.force_login(viewer)
        comment = CommentFactory(article=article)
        url = reverse("admin:articles_comment_approve", args=[comment.pk])
        assert client.post(url).status_code == 403
        comment.refresh_from_db()
        assert comment.status == Comment.Status.PENDING

    def test_foreign_referer_falls_back_to_the_queue(self, mod_client, article):
        comment = CommentFactory(article=article)
        url = reverse("admin:articles_comment_approve", args=[comment.pk])
        response = mod_client.post(url, HTTP_REFERER="https://evil.example/")
        assert response["Location"] == QUEUE


class TestBulkActions:
    @pytest.mark.parametrize(
        ("action", "status", "count"),
        [
            ("approve", "approved", 3),
            ("reject", "rejected", 0),
            ("mark_spam", "spam", 0),
        ],
    )
    def test_bulk_action_sets_status_and_recounts(
        self, mod_client, article, action, status, count
    ):
        comments = CommentFactory.create_batch(3, article=article)
        response = mod_client.post(
            QUEUE,
            {"action": action, "_selected_action": [c.pk for c in comments]},
        )
        assert response.status_code == 302
        assert set(Comment.objects.values_list("status", flat=True)) == {status}
        assert Article.objects.get(pk=article.pk).comment_count == count

    def test_block_senders_adds_email_and_hashed_ip(self, mod_client, article):
        comment = CommentFactory(
            article=article, email="xau@example.com", ip_hash=hash_ip("10.0.0.5")
        )
        mod_client.post(
            QUEUE, {"action": "block_senders", "_selected_action": [comment.pk]}
        )
        assert set(BlockedTerm.objects.values_list("kind", "value")) == {
            ("email", "xau@example.com"),
            ("ip", hash_ip("10.0.0.5")),
        }
        comment.refresh_from_db()
        assert comment.status == Comment.Status.SPAM

    def test_blocking_a_sender_on_a_shared_ip_spares_the_neighbours(
        self, mod_client, article, time_machine, settings
    ):
        nat = "100.64.12.34"  # a mobile network's carrier-grade NAT
        time_machine.move_to(timezone.now(), tick=False)
        spam = CommentFactory(
            article=article, email="keo@example.com", ip_hash=hash_ip(nat)
        )
        mod_client.post(
            QUEUE, {"action": "block_senders", "_selected_action": [spam.pk]}
        )
        ip_block = BlockedTerm.objects.get(kind=BlockedTerm.Kind.IP)
        days = timedelta(days=settings.COMMENT_IP_BLOCK_DAYS)
        assert ip_block.expires_at == timezone.now() + days
        assert BlockedTerm.objects.get(kind=BlockedTerm.Kind.EMAIL).expires_at is None

        def neighbour(body):
            return comment_create(
                article=article,
                name="Hàng xóm",
                email="hang.xom@example.com",
                body=body,
                ip=nat,
            )

        during = neighbour("Cảm ơn tòa soạn đã đưa tin kịp thời.")
        assert during.status == Comment.Status.PENDING
        assert "từng gửi spam" not in during.spam_reasons

        time_machine.shift(days + timedelta(seconds=1))
        after = neighbour("Mong có thêm bài về giao thông công cộng.")
        assert after.status == Comment.Status.PENDING
        assert "IP bị chặn" not in after.spam_reasons
        again = comment_create(
            article=article,
            name="Nhà cái",
            email="keo@example.com",
            body="Một tuần sau, vẫn người ấy.",
            ip="198.51.100.7",
        )
        assert again.status == Comment.Status.SPAM
        assert "email bị chặn" in again.spam_reasons

    def test_blocking_again_renews_an_ip_block(self, mod_client, article, settings):
        ip_hash = hash_ip("10.0.0.5")
        old = BlockedTerm.objects.create(
            kind=BlockedTerm.Kind.IP,
            value=ip_hash,
            expires_at=timezone.now() - timedelta(days=1),
        )
        comment = CommentFactory(article=article, ip_hash=ip_hash)
        mod_client.post(
            QUEUE, {"action": "block_senders", "_selected_action": [comment.pk]}
        )
        old.refresh_from_db()
        assert old.is_active()
        assert old.expires_at > timezone.now() + timedelta(
            days=settings.COMMENT_IP_BLOCK_DAYS - 1
        )

    def test_deleting_approved_comments_recounts(self, mod_client, article):
        comments = ApprovedCommentFactory.create_batch(2, article=article)
        mod_client.post(
            f"{QUEUE}?trang_thai=approved",
            {
                "action": "delete_selected",
                "_selected_action": [comments[0].pk],
                "post": "yes",
            },
        )
        assert Article.objects.get(pk=article.pk).comment_count == 1


class TestBlocklistAdmin:
    def test_ip_typed_in_the_admin_is_stored_hashed(self, mod_client):
        response = mod_client.post(
            "/admin/articles/blockedterm/add/",
            {"kind": "ip", "value": "203.0.113.9", "note": "spam hàng loạt"},
        )
        assert response.status_code == 302
        entry = BlockedTerm.objects.get()
        assert entry.value == hash_ip("203.0.113.9")
        listing = mod_client.get("/admin/articles/blockedterm/").text
        assert "203.0.113.9" not in listing

    def test_ip_blocks_expire_and_word_and_email_blocks_do_not(
        self, mod_client, settings, time_machine
    ):
        time_machine.move_to(timezone.now(), tick=False)
        mod_client.post(
            "/admin/articles/blockedterm/add/", {"kind": "ip", "value": "203.0.113.9"}
        )
        mod_client.post(
            "/admin/articles/blockedterm/add/", {"kind": "email", "value": "a@b.vn"}
        )
        ip_block = BlockedTerm.objects.get(kind="ip")
        days = timedelta(days=settings.COMMENT_IP_BLOCK_DAYS)
        assert ip_block.expires_at == timezone.now() + days
        assert BlockedTerm.objects.get(kind="email").expires_at is None
        listing = mod_client.get("/admin/articles/blockedterm/").text
        assert "đến khi xóa" in listing
        shown = date_format(
            timezone.localtime(ip_block.expires_at), "SHORT_DATETIME_FORMAT"
        )
        assert shown in listing

        response = mod_client.post(
            "/admin/articles/blockedterm/add/",
            {
                "kind": "word",
                "value": "cá độ",
                "expires_at_0": "01/01/2030",
                "expires_at_1": "00:00",
            },
        )
        assert response.status_code == 200
        assert "Chỉ chặn IP mới có hạn" in response.text
        assert not BlockedTerm.objects.filter(kind="word").exists()

    def test_an_expired_ip_block_says_so(self, mod_client):
        BlockedTerm.objects.create(
            kind="ip",
            value="203.0.113.9",
            expires_at=timezone.now() - timedelta(hours=1),
        )
        assert "đã hết hạn" in mod_client.get("/admin/articles/blockedterm/").text

    def test_same_ip_twice_is_a_form_error_not_a_500(self, mod_client):
        BlockedTerm.objects.create(kind="ip", value="203.0.113.9")
        response = mod_client.post(
            "/admin/articles/blockedterm/add/", {"kind": "ip", "value": "203.0.113.9"}
        )
        assert response.status_code == 200
        assert BlockedTerm.objects.count() == 1

    @pytest.mark.parametrize(
        ("kind", "value"), [("ip", "không phải IP"), ("email", "khongcoacong")]
    )
    def test_bad_values_are_form_errors(self, mod_client, kind, value):
        response = mod_client.post(
            "/admin/articles/blockedterm/add/", {"kind": kind, "value": value}
        )
        assert response.status_code == 200
        assert not BlockedTerm.objects.exists()


class TestEditorsCloseComments:
    def test_close_and_open_actions(self, client, article):
        client.force_login(StaffFactory())
        url = "/admin/articles/article/"
        client.post(url, {"action": "close_comments", "_selected_action": [article.pk]})
        assert not Article.objects.get(pk=article.pk).comments_enabled
        client.post(url, {"action": "open_comments", "_selected_action": [article.pk]})
        assert Article.objects.get(pk=article.pk).comments_enabled


class TestNotification:
    def test_first_pending_comment_mails_moderators_then_batches(
        self, article, django_capture_on_commit_callbacks
    ):
        moderator(username="m1", email="m1@example.com")
        UserFactory(username="reader", email="reader@example.com")
        with django_capture_on_commit_callbacks(execute=True):
            comment_create(article=article, name="A", email="a@example.com", body="Một")
        # The commit only queues the job; the worker sends the email.
        assert mail.outbox == []
        assert run_pending_jobs() == 1
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == ["m1@example.com"]
        assert "1 bình luận mới chờ duyệt" in mail.outbox[0].subject
        with django_capture_on_commit_callbacks(execute=True):
            for body in ["Hai", "Ba"]:
                comment_create(
                    article=article, name="B", email="b@example.com", body=body
                )
        assert run_pending_jobs() == 0  # within the interval: waits for the batch
        assert len(mail.outbox) == 1
        assert notify_moderators() == 2
        assert len(mail.outbox) == 2
        assert "Hai" in mail.outbox[1].body and "Ba" in mail.outbox[1].body
        assert notify_moderators() == 0  # each comment is reported once

    def test_spam_is_not_mailed(self, article, django_capture_on_commit_callbacks):
        moderator(username="m1", email="m1@example.com")
        BlockedTerm.objects.create(kind="word", value="cá độ")
        with django_capture_on_commit_callbacks(execute=True):
            comment_create(
                article=article, name="A", email="a@example.com", body="Cá độ!"
            )
        assert run_pending_jobs() == 0
        assert mail.outbox == []

    def test_command_sends_the_batch(self, article):
        from io import StringIO

        from django.core.management import call_command

        moderator(username="m1", email="m1@example.com")
        CommentFactory(article=article)
        out = StringIO()
        call_command("notify_moderators", stdout=out)
        assert out.getvalue().startswith("1 ")
        assert len(mail.outbox) == 1


class TestAdminHome:
    """Whoever may moderate sees on the admin's home how many comments wait."""

    @staticmethod
    def member(role):
        from django.contrib.auth.models import Group

        user = UserFactory(is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        return user

    @pytest.mark.parametrize(
        ("role", "shown"),
        [
            (roles.MODERATOR, True),
            (roles.MANAGING_EDITOR, True),
            (roles.EDITOR, False),
            (roles.REPORTER, False),
        ],
    )
    def test_the_pending_count_links_to_the_queue(self, client, article, role, shown):
        CommentFactory.create_batch(3, article=article)
        ApprovedCommentFactory(article=article)
        CommentFactory(article=article, status=Comment.Status.SPAM)
        client.force_login(self.member(role))
        html = client.get(reverse("admin:index")).text
        link = f'<a href="{QUEUE}?trang_thai=pending">3 bình luận chờ duyệt</a>'
        assert (link in html) is shown

    def test_a_superuser_sees_it_too(self, client, article):
        CommentFactory(article=article)
        client.force_login(StaffFactory())
        assert "1 bình luận chờ duyệt" in client.get(reverse("admin:index")).text

    def test_the_count_costs_the_same_queries_however_many_wait(
        self, client, article, django_assert_num_queries
    ):
        client.force_login(self.member(roles.MODERATOR))
        CommentFactory(article=article)
        client.get(reverse("admin:index"))
        # Session, user, two for permissions, two for "Cấu hình trang" (may one
        # be added), the recent actions, and one COUNT of the pending comments.
        with django_assert_num_queries(8):
            assert "1 bình luận chờ duyệt" in client.get(reverse("admin:index")).text
        CommentFactory.create_batch(40, article=article)
        with django_assert_num_queries(8):
            assert "41 bình luận chờ duyệt" in client.get(reverse("admin:index")).text
