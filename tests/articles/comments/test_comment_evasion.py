"""Blocklist evasion, invisible characters and Zalgo in comments.

A blocked "lừa đảo" must catch the same words however they are disguised
(hidden characters, look-alike letters, glued or dotted words, a zero for an
o), and must never catch ordinary Vietnamese: a false positive sends a reader's
comment to spam, which is as bad as letting spam through.
"""

import unicodedata

import pytest

from articles import text
from articles.comments.services import comments_set_status
from articles.models import BlockedTerm, Comment
from tests.factories import CommentFactory, with_token

pytestmark = pytest.mark.django_db

VALID = {"name": "Nguyễn Văn An", "email": "an@example.com"}

# Each hides "lừa đảo" from a plain comparison; each must still be spam.
EVASIONS = [
    ("soft hyphen U+00AD", "Trang này lừa đ\u00adảo"),
    ("tag character U+E0041", "Trang này lừ\U000e0041a đảo"),
    ("combining grapheme joiner U+034F", "Trang này l\u034fừa đảo"),
    ("Hangul filler U+3164 as the space", "Trang này lừa\u3164đảo"),
    ("Cyrillic а", "Trang này lừ\u0430 đảo"),
    ("dot between the words", "Trang này lừa.đảo"),
    ("underscore between the words", "Trang này lừa_đảo"),
    ("no space between the words", "Trang này lừađảo"),
    ("zero for o", "Trang này lừa đả0"),
]

# Ordinary Vietnamese: every tone mark, both tone placements, decomposed input,
# numbers, words that contain a blocked short word ("lo" in "lời").
ORDINARY = [
    "Người dân Đà Nẵng rất vui",
    "Nước sông thuỷ triều lên, thủy thủ vẫn ra khơi.",
    unicodedata.normalize("NFD", "Người dân Đà Nẵng rất vui, cảm ơn tòa soạn."),
    "Bà già ăn mía, ả mở cửa, ẵm bé, ạ. Ế ề ể ễ ệ, ố ồ ổ ỗ ộ, ớ ờ ở ỡ ợ, ứ ừ ử ữ ự.",
    "Cảm ơn lời khuyên của bác sĩ, 10 điểm, 100 người cùng đọc.",
    "Mấy lời đồn ấy là sai, lúa đã vào kho.",
    "Cả đội bóng chơi hay, cá độc lắm.",
    "Mua tại notspam.vn hay www.thongtin.gov.vn đều được.",
]


@pytest.fixture
def blocklist():
    for kind, value in [
        (BlockedTerm.Kind.WORD, "lừa đảo"),
        (BlockedTerm.Kind.WORD, "cá độ"),
        (BlockedTerm.Kind.WORD, "lo"),
        (BlockedTerm.Kind.WORD, "ma túy"),
        (BlockedTerm.Kind.EMAIL, "@spam.vn"),
    ]:
        BlockedTerm.objects.create(kind=kind, value=value)


def post(client, article, data):
    return client.post(f"/binh-luan/{article.pk}/", with_token(article, data))


def invisible(text: str) -> list[str]:
    """The code points of ``text`` a reader cannot see (format, controls, the
    Hangul fillers), as names, so a failure says which one got through."""
    return [
        unicodedata.name(ch, hex(ord(ch)))
        for ch in text
        if unicodedata.category(ch) in ("Cf", "Cc", "Co")
        and ch not in "\n\t"
        or ch in "\u00ad\u034f\u115f\u1160\u3164\uffa0"
    ]


class TestEvasions:
    @pytest.mark.parametrize(
        "body", [pytest.param(body, id=case) for case, body in EVASIONS]
    )
    def test_a_disguised_blocked_word_is_still_spam(
        self, reader, article, blocklist, body
    ):
        assert post(reader, article, {**VALID, "body": body}).status_code == 302
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.SPAM
        assert "từ bị chặn: lua dao" in comment.spam_reasons

    def test_an_email_on_a_subdomain_of_a_blocked_domain_is_spam(
        self, reader, article, blocklist
    ):
        data = {**VALID, "email": "x@sub.spam.vn", "body": "Một ý kiến"}
        post(reader, article, data)
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.SPAM
        assert "email bị chặn" in comment.spam_reasons

    @pytest.mark.parametrize(
        "body",
        ["Xem http://a.b.spam.vn/khuyen-mai nhé", "Ghé sub.spam.vn nhé"],
        ids=["link with scheme", "bare address"],
    )
    def test_a_link_to_a_subdomain_of_a_blocked_domain_is_spam(
        self, reader, article, blocklist, body
    ):
        post(reader, article, {**VALID, "body": body})
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.SPAM
        assert "liên kết bị chặn" in comment.spam_reasons

    def test_an_invisible_character_in_the_email_domain_is_removed(
        self, reader, article, blocklist
    ):
        post(reader, article, {**VALID, "email": "x@sp\u00adam.vn", "body": "Ý kiến"})
        comment = Comment.objects.get()
        assert comment.email == "x@spam.vn"
        assert comment.status == Comment.Status.SPAM

    def test_a_blocked_word_spelt_with_look_alikes_catches_the_plain_word(
        self, reader, article
    ):
        # The skeleton is applied to the blocked term too, the same way.
        look_alike = "lu\u0430 d\u0430o"  # Cyrillic а, twice
        BlockedTerm.objects.create(kind=BlockedTerm.Kind.WORD, value=look_alike)
        post(reader, article, {**VALID, "body": "Trang này lừa đảo"})
        assert Comment.objects.get().status == Comment.Status.SPAM


class TestOrdinaryVietnamese:
    @pytest.mark.parametrize("body", ORDINARY)
    def test_is_not_flagged_and_is_shown_exactly_as_typed(
        self, reader, article, blocklist, admin_client, body
    ):
        assert post(reader, article, {**VALID, "body": body}).status_code == 302
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.PENDING
        assert "bị chặn" not in comment.spam_reasons
        typed = unicodedata.normalize("NFC", body)
        assert comment.body == typed
        queue = admin_client.get("/admin/articles/comment/").text
        assert typed[:40] in queue
        comments_set_status(comments=Comment.objects.all(), status="approved")
        assert typed in reader.get(article.get_absolute_url()).text

    def test_every_vietnamese_letter_keys_like_its_folded_self(self):
        # The TR39 skeleton maps "đ" to "d" plus an overlay and keeps the
        # marks apart; after folding, every letter must key as before.
        letters = "aăâeêioôơuưy"
        for base in [*letters, *letters.upper()]:
            for tone in ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]:
                letter = unicodedata.normalize("NFC", base + tone)
                bare = unicodedata.normalize("NFD", base)[0].lower()
                assert text.match_key(letter) == bare, letter
        assert text.match_key("Đđ") == "dd"

    def test_numbers_stay_numbers(self):
        assert text.match_key("10 người") == "10 nguoi"
        assert text.match_key("đả0 l0") == "dao lo"


class TestBlocklistAdmin:
    @pytest.mark.parametrize(
        ("kind", "value", "fields", "reason"),
        [
            ("word", "Lừa Đảo", {"body": "Trang này lừa_đảo"}, "từ bị chặn"),
            ("email", "SPAM@Example.com", {"email": "spam@example.com"}, "email"),
            ("email", "@spam.vn", {"email": "x@sub.spam.vn"}, "email bị chặn"),
            ("ip", "203.0.113.9", {}, "IP bị chặn"),
        ],
    )
    def test_each_kind_typed_in_the_admin_catches_its_comment(
        self, admin_client, reader, article, kind, value, fields, reason
    ):
        response = admin_client.post(
            "/admin/articles/blockedterm/add/", {"kind": kind, "value": value}
        )
        assert response.status_code == 302
        data = {**VALID, "body": "Một ý kiến bình thường", **fields}
        reader.post(
            f"/binh-luan/{article.pk}/",
            with_token(article, data),
            REMOTE_ADDR="203.0.113.9",
        )
        assert reason in Comment.objects.get().spam_reasons

    def test_invisible_characters_typed_into_a_blocked_term_are_removed(
        self, admin_client
    ):
        admin_client.post(
            "/admin/articles/blockedterm/add/",
            {"kind": "word", "value": "lừa\U000e0041 đ\u00adảo"},
        )
        assert BlockedTerm.objects.get().value == "lừa đảo"


HIDDEN = "\U000e0041\U000e0042\u00ad\u034f\u200b\u2060\u202e\u3164\u115f\ufe0f"


class TestWhatModeratorsAndReadersSee:
    def test_the_form_path_stores_no_invisible_character(self, reader, article):
        data = {**VALID, "name": f"An{HIDDEN}h", "body": f"Xin{HIDDEN} chào"}
        post(reader, article, data)
        comment = Comment.objects.get()
        assert (comment.name, comment.body) == ("Anh", "Xin chào")

    def test_any_save_path_stores_no_invisible_character(self, admin_client):
        # The importer, a script or an API write the model directly.
        comment = CommentFactory(
            name=f"Bạn{HIDDEN} đọc", body=f"Tag{HIDDEN}s ẩn\U000e007f", email="a@b.vn"
        )
        comment.refresh_from_db()
        assert comment.name == "Bạn đọc" and comment.body == "Tags ẩn"
        for url in [
            "/admin/articles/comment/",
            f"/admin/articles/comment/{comment.pk}/change/",
        ]:
            html = admin_client.get(url).text
            assert not invisible(html), url

    def test_rows_stored_before_the_cleaning_are_shown_without_invisibles(
        self, reader, admin_client, article
    ):
        comment = CommentFactory(article=article, status=Comment.Status.APPROVED)
        Comment.objects.filter(pk=comment.pk).update(
            name=f"Cũ{HIDDEN}", body=f"Bình luận{HIDDEN} cũ"
        )
        page = reader.get(article.get_absolute_url()).text
        assert "Bình luận cũ" in page and not invisible(page)
        queue = admin_client.get("/admin/articles/comment/?trang_thai=tat-ca").text
        assert "Bình luận cũ" in queue and not invisible(queue)

    def test_emoji_keep_their_joiners_and_presentation(self, reader, article):
        body = "Tuyệt ❤️ 👨‍👩‍👧 1️⃣"
        post(reader, article, {**VALID, "body": body})
        assert Comment.objects.get().body == body


class TestZalgo:
    def test_a_letter_with_hundreds_of_marks_keeps_only_a_few(self, reader, article):
        response = post(reader, article, {**VALID, "body": "Z" + "\u0301" * 3000})
        assert response.status_code == 302
        kept = unicodedata.normalize("NFC", "Z" + "\u0301" * text.MAX_MARKS_PER_LETTER)
        assert Comment.objects.get().body == kept

    def test_every_letter_of_a_zalgo_body_is_trimmed(self):
        zalgo = "".join(ch + "\u0300\u0301\u0302\u0303\u0304\u0305" for ch in "xin")
        marks = "\u0300\u0301\u0302\u0303\u0304\u0305"[: text.MAX_MARKS_PER_LETTER]
        expected = unicodedata.normalize("NFC", "".join(ch + marks for ch in "xin"))
        assert text.visible_text(zalgo, keep_newlines=False) == expected

    def test_vietnamese_letters_with_two_marks_are_untouched(self):
        letters = unicodedata.normalize("NFD", "Ệ ự ở ữ ậ ặ ồ ễ")
        assert text.visible_text(letters, keep_newlines=False) == unicodedata.normalize(
            "NFC", letters
        )

    def test_marks_beyond_the_basic_plane_count_too(self):
        stacked = "a" + "\U0001d167" * 40  # musical combining tremolo
        kept = "a" + "\U0001d167" * text.MAX_MARKS_PER_LETTER
        assert text.visible_text(stacked, keep_newlines=False) == kept

    def test_a_zalgo_comment_saved_directly_is_trimmed(self):
        comment = CommentFactory(body="a" + "\u0489" * 500)
        comment.refresh_from_db()
        assert comment.body == "a" + "\u0489" * text.MAX_MARKS_PER_LETTER
