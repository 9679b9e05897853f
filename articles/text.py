"""Vietnamese text helpers: normalisation, folding for search and slugs,
and what readers' text may show and how it is matched against a blocklist.

Django's ``slugify`` deletes "đ" (it has no Unicode decomposition, so the ASCII
encode drops it) and the admin's URLify maps it to "dj"; both are wrong for
Vietnamese. Everything here is pure functions on ``str`` so that models, forms,
the importer and the search index all fold text the same way.
"""

import html
import re
import unicodedata

import icu
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


# --- Readers' text: invisible characters, look-alikes, stacked marks ----------
#
# The Unicode data comes from ICU (PyICU, ``pyicu-wheels``: ICU 77.1, Unicode
# 16.0), not from a hand-kept list: its Default_Ignorable_Code_Point set is the
# property of DerivedCoreProperties.txt, and its spoof checker computes the
# UTS #39 skeleton from Unicode's confusables.txt.


def _char_class(pattern: str) -> str:
    """The ranges of an ICU set as the inside of a ``re`` character class, so
    the per-character work runs in C."""
    return "".join(
        re.escape(first) if first == last else f"{re.escape(first)}-{re.escape(last)}"
        for first, last in icu.UnicodeSet(pattern).ranges()
    )


def _any_of(pattern: str) -> str:
    """A ``re`` matching one character of a large ICU set, fast.

    ``re`` tests a class holding characters past U+FFFF range by range, for
    every character of the text (measured: 5 times slower on a Vietnamese
    comment for the 354 ranges of the marks); so the set is split, and its
    astral part is only tried on an astral character.
    """
    bmp = _char_class(f"[{pattern}&[\\u0000-\\uffff]]")
    astral = _char_class(f"[{pattern}&[\\U00010000-\\U0010ffff]]")
    if not astral:
        return f"[{bmp}]"
    return f"(?:[{bmp}]|(?=[\\U00010000-\\U0010ffff])[{astral}])"


def _unicode_set(pattern: str) -> icu.UnicodeSet:
    """A frozen (read-only, so thread-safe) ICU set."""
    chars = icu.UnicodeSet(pattern)
    chars.freeze()
    return chars


# A Vietnamese letter carries at most two marks (ệ = e, circumflex, dot below);
# the third leaves room for readers who write Thai or Hindi names. "Zalgo" text
# stacks hundreds on one letter, to spill over the lines around it.
MAX_MARKS_PER_LETTER = 3

# Shown as nothing, so used to break up a blocked word or to hide text from the
# moderator: soft hyphen, zero-width and bidi controls, the combining grapheme
# joiner, Hangul fillers, variation selectors, tag characters.
_IGNORABLE_RE = re.compile(_any_of("[:Default_Ignorable_Code_Point:]"))
_MARK = _any_of("[[:Mn:][:Me:]]")
_STACKED_MARKS_RE = re.compile(f"({_MARK}{{{MAX_MARKS_PER_LETTER}}}){_MARK}+")
_CONTROLS_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_EMOJI = _unicode_set("[:Emoji:]")
_PICTOGRAPH = _unicode_set("[:Extended_Pictographic:]")
_EMOJI_PART = _unicode_set("[[:Extended_Pictographic:][:Emoji_Modifier:]]")
_SPOOF_CHECKER = icu.SpoofChecker()  # thread-safe once made (ICU docs)
# Digits with no letter touching them: a number, left alone by the skeleton.
_NUMBER_RE = re.compile(r"(?<![^\W_])\d+(?![^\W_])")


def _emoji_part(match: re.Match) -> str:
    """Keep the only ignorables a reader sees the effect of: one variation
    selector right after an emoji ("❤️" in colour, not "❤") and a zero-width
    joiner inside an emoji sequence ("👨‍👩‍👧", not three faces). Anywhere else
    they are stripped like the rest."""
    char, text, at = match.group(), match.string, match.start()
    before = text[at - 1] if at else ""
    if char in "\ufe0e\ufe0f":
        return char if before and _EMOJI.contains(before) else ""
    if char == "\u200d" and at + 1 < len(text):
        if before == "\ufe0f" and at > 1:
            before = text[at - 2]
        if before and _EMOJI_PART.contains(before):
            return char if _PICTOGRAPH.contains(text[at + 1]) else ""
    return ""


def strip_invisible(value: str) -> str:
    """``value`` without default-ignorable code points (except inside emoji)."""
    return _IGNORABLE_RE.sub(_emoji_part, value)


def limit_marks(value: str) -> str:
    """NFC ``value`` with at most ``MAX_MARKS_PER_LETTER`` combining marks on a
    letter: counted decomposed, so "ệ" is a letter with two."""
    decomposed = unicodedata.normalize("NFD", value)
    return nfc(_STACKED_MARKS_RE.sub(r"\1", decomposed))


def visible_text(value: str, *, keep_newlines: bool) -> str:
    """What a reader's text may show: NFC, no control or invisible characters,
    no letter buried under marks.

    Newlines (``\\r\\n``, ``\\r``, U+2028, U+2029 become ``\\n``) and tabs
    survive in a body; in a one-line field (a name) they become spaces. The
    comment form, ``Comment.save()`` and the pages that show comments all pass
    through here, so the moderator sees what will be stored and published.
    """
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("\u2028", "\n").replace("\u2029", "\n")
    if not keep_newlines:
        value = value.replace("\n", " ").replace("\t", " ")
    return limit_marks(_CONTROLS_RE.sub("", strip_invisible(value)))


def _skeleton(value: str) -> str:
    return _SPOOF_CHECKER.getSkeleton(0, value) if value else value


def match_key(value: str) -> str:
    """``value`` as the blocklist compares it: look-alikes, case and marks gone.

    Every default-ignorable code point is removed, then the text is case-folded
    and mapped to its UTS #39 skeleton (Cyrillic "а" and Latin "a" are one
    letter, "0" is "o", "1" is "l", "m" is "rn"), then folded like search
    ("đ" to "d", tone marks off). Case goes first: the skeleton maps a capital
    "I" to "l", which would make "ĐI" differ from "đi". A number standing alone
    is kept as digits, so "10" never matches a blocked "lo"; a digit inside a
    word ("đả0") is read as the letter it imitates.
    """
    value = _IGNORABLE_RE.sub("", nfc(value)).casefold()
    pieces, start = [], 0
    for number in _NUMBER_RE.finditer(value):
        pieces += [_skeleton(value[start : number.start()]), number.group()]
        start = number.end()
    pieces.append(_skeleton(value[start:]))
    return fold("".join(pieces))
