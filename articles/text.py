"""Vietnamese text helpers: normalisation, folding for search and slugs.

Django's ``slugify`` deletes "đ" (it has no Unicode decomposition, so the ASCII
encode drops it) and the admin's URLify maps it to "dj"; both are wrong for
Vietnamese. Everything here is pure functions on ``str`` so that models, forms,
the importer and the search index all fold text the same way.
"""

import html
import re
import unicodedata

from django.utils.text import slugify

# Combining tone marks. The other Vietnamese diacritics (circumflex, breve, horn)
# are part of the letter and stay where they are.
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_VOWELS = frozenset("aăâeêioôơuưy")
_WHITESPACE_RE = re.compile(r"\s+")


def nfc(value: str) -> str:
    """Return ``value`` in Unicode NFC, the form Vietnamese text is stored in.

    Text typed with "Unicode tổ hợp" (NFD) looks identical but compares unequal;
    normalising on the way in makes equality, uniqueness and LIKE behave.
    """
    return unicodedata.normalize("NFC", value)


def fold(value: str) -> str:
    """Lower-case ``value`` and strip every diacritic, "đ" included.

    ``fold("Thúc đẩy Hà Nội") == "thuc day ha noi"``. Used for slugs and for
    tone-insensitive comparisons.
    """
    value = value.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).casefold()


def vi_slugify(value: str, max_length: int | None = None) -> str:
    """Return an ASCII slug for Vietnamese text.

    ``vi_slugify("Công tác xây dựng Đảng") == "cong-tac-xay-dung-dang"``.
    The admin's slug field uses the same rules in ``static/admin/js/vi_urlify.js``.
    """
    slug = slugify(fold(value))
    if max_length is not None and len(slug) > max_length:
        slug = slug[:max_length].rstrip("-")
    return slug


def _place_tone_traditionally(syllable: str) -> str:
    """Move the tone mark of one syllable to its traditional position.

    "hoà" and "hòa", "thuỷ" and "thủy" are the same word written with the new and
    the old tone placement. Only open syllables ending in "oa", "oe" or "uy"
    differ between the two styles ("hoàng", "quý" and "thuyết" do not), so only
    those are rewritten, to the old style most Vietnamese newspapers use.
    """
    decomposed = unicodedata.normalize("NFD", syllable)
    tones = [ch for ch in decomposed if ch in TONE_MARKS]
    if len(tones) != 1:
        return syllable
    bare = unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if ch not in TONE_MARKS)
    )
    lower = bare.lower()
    if len(lower) < 2 or lower[-2:] not in ("oa", "oe", "uy"):
        return syllable
    if lower[-2:] == "uy" and lower[:-2].endswith("q"):
        return syllable  # "quý": the u belongs to "qu", the tone stays on y
    if len(lower) >= 3 and lower[-3] in _VOWELS:
        return syllable  # a third vowel ("ngoay") is outside the rule
    index = len(bare) - 2
    marked = unicodedata.normalize("NFD", bare[index]) + tones[0]
    return nfc(bare[:index] + marked + bare[index + 1 :])


def canonical_tone_placement(value: str) -> str:
    """Rewrite every word of ``value`` with the traditional tone placement."""
    return re.sub(r"\w+", lambda m: _place_tone_traditionally(m.group()), nfc(value))


def clean_line(value: str) -> str:
    """NFC, with runs of whitespace collapsed to one space and the ends trimmed."""
    return _WHITESPACE_RE.sub(" ", nfc(value)).strip()


_TAG_RE = re.compile(r"<[^>]*>")


def html_to_text(value: str) -> str:
    """The words of an HTML fragment: tags dropped, entities decoded.

    ``html_to_text("<p>Hà&nbsp;Nội</p>") == "Hà Nội"``. The search index and the
    result snippets read the body through this, so markup ("em", "strong",
    "class") is never a word a reader can find.
    """
    return clean_line(html.unescape(_TAG_RE.sub(" ", value or "")))
