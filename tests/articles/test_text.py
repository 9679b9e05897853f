import unicodedata

import pytest
from django.utils.text import slugify

from articles.text import canonical_tone_placement, clean_line, fold, nfc, vi_slugify


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Công tác xây dựng Đảng", "cong-tac-xay-dung-dang"),
        ("thúc đẩy", "thuc-day"),
        ("Hà Nội và TP.HCM hợp tác toàn diện", "ha-noi-va-tphcm-hop-tac-toan-dien"),
        ("Đường Điện Biên Phủ", "duong-dien-bien-phu"),
        (
            "Hà Nội và TP.HCM hợp tác toàn diện nhằm thúc đẩy kinh tế - xã hội",
            "ha-noi-va-tphcm-hop-tac-toan-dien-nham-thuc-day-kinh-te-xa-hoi",
        ),
        ("  Quốc hội:   kỳ họp thứ 8!  ", "quoc-hoi-ky-hop-thu-8"),
        ("Ưu tiên ứng phó bão số 3", "uu-tien-ung-pho-bao-so-3"),
    ],
)
def test_vi_slugify_folds_vietnamese(title, slug):
    assert vi_slugify(title) == slug


def test_django_slugify_drops_d_with_stroke_which_is_why_we_fold_first():
    assert slugify("thúc đẩy") == "thuc-ay"
    assert vi_slugify("thúc đẩy") == "thuc-day"


def test_vi_slugify_gives_the_same_slug_for_composed_and_decomposed_input():
    title = "Đảng và Nhà nước hỗ trợ người dân"
    assert vi_slugify(unicodedata.normalize("NFD", title)) == vi_slugify(title)


def test_vi_slugify_truncates_on_a_word_boundary_without_trailing_hyphen():
    slug = vi_slugify("Hà Nội và TP.HCM hợp tác", max_length=11)
    assert slug == "ha-noi-va-t"[:11].rstrip("-")
    assert not slug.endswith("-")


def test_vi_slugify_of_punctuation_only_is_empty():
    assert vi_slugify("!!! ??? ...") == ""


def test_nfc_makes_decomposed_text_equal_to_composed():
    composed = "Hà Nội"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert nfc(decomposed) == composed
    assert len(nfc(decomposed)) == 6


def test_fold_strips_every_mark_and_case():
    assert fold("HÀ NỘI thúc đẩy Ưu Đãi") == "ha noi thuc day uu dai"


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("hoà", "hòa"),
        ("Thanh Hoá", "Thanh Hóa"),
        ("thuỷ điện", "thủy điện"),
        ("khoẻ", "khỏe"),
        ("hòa bình", "hòa bình"),
        ("quý", "quý"),
        ("hoàng", "hoàng"),
        ("thuyết", "thuyết"),
    ],
)
def test_canonical_tone_placement_uses_the_traditional_position(written, canonical):
    assert canonical_tone_placement(written) == canonical


def test_clean_line_collapses_whitespace_and_normalises():
    assert clean_line("  Hà\u00a0 Nội \n ") == "Hà Nội"
