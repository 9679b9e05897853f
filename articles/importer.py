"""Import an article from the newsroom's plain-text format (the seed's format).

    Dòng chảy                                   <- section
    Hà Nội và TP.HCM hợp tác toàn diện ...      <- title
    Bình Minh 19/10/2023 06:36                  <- author, Asia/Ho_Chi_Minh time
    Chiều 18/10, tại Hội trường ...             <- first paragraph: the sapo
    ...                                         <- paragraphs, blank-line separated
    anh-ky-ket.jpg                              <- a photo file name, then
    Bí thư ... ký kết. Ảnh: Thành ủy TP.HCM     <- its caption and credit
    (0) Bình luận / Nổi bật / Đừng bỏ lỡ / ...  <- page furniture, dropped

Reading and parsing are pure functions that raise ``ArticleImportError`` with
a one-line message; ``import_article_file`` stores the result in one
transaction, so bad input changes nothing in the database or in MEDIA_ROOT.
The section line must name an existing section (whatever its case, Unicode
form or tone placement) unless the caller allows a new one: a typo there would
otherwise put a new section on the site's menu.
"""

import difflib
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils.html import escape
from django.utils.text import Truncator

from .imaging import check_image
from .models import Article, ArticleAuthor, Author, Category, Image
from .models.taxonomy import validate_section_slug
from .pictures import library_source
from .placeholder import create_placeholder_image
from .text import canonical_tone_placement, clean_line, fold, nfc, vi_slugify

# The byline's time is the newsroom's wall clock, whatever the server's zone.
SOURCE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_TITLE = Article._meta.get_field("title").max_length
MAX_NAME = Category._meta.get_field("name").max_length
MAX_AUTHOR = Author._meta.get_field("name").max_length
MAX_ALT = Image._meta.get_field("alt").max_length
MAX_CREDIT = Image._meta.get_field("credit").max_length

BYLINE_RE = re.compile(
    r"^(?P<name>.+?)\s+(?P<date>[0-9]{1,2}/[0-9]{1,2}/[0-9]{4})"
    r"\s+(?P<time>[0-9]{1,2}:[0-9]{2})$"
)
IMAGE_LINE_RE = re.compile(r"^[^\s/\\]+\.(?:jpe?g|png|webp|gif)$", re.IGNORECASE)
CREDIT_RE = re.compile(r"\bẢnh\s*:")
FURNITURE_RE = re.compile(
    r"^(?:\(\d+\)\s*Bình luận|Bình luận|Nổi bật|Đừng bỏ lỡ|Tin liên quan"
    r"|POWERED BY\b.*)$",
    re.IGNORECASE,
)
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# "Công tác xây dựng Đảng, hệ thống chính trị: Đẩy mạnh ..." opens with a label.
LABEL_RE = re.compile(r"^(?P<label>[^:]{2,80}):\s+(?P<rest>\S.*)$", re.DOTALL)
# Counted in syllables, which Vietnamese separates with spaces: a dozen words
# such as "Lĩnh vực kinh tế, thương mại và xúc tiến, thu hút đầu tư" run to 13.
LABEL_MAX_SYLLABLES = 16
SENTENCE_END_RE = re.compile(r"[.!?;…](?:\s|$)")
QUOTE_OPENERS = ("“", '"', "‘", "'", "«", "-", "–", "—")
# A quote's lead-in ("Ông A cho biết: ...") is not a label.
SPEECH_VERBS = re.compile(
    r"\b(?:cho biết|nói|nhấn mạnh|khẳng định|phát biểu|cho rằng|nêu rõ|bày tỏ)$",
    re.IGNORECASE,
)


class ArticleImportError(Exception):
    """Bad input for the importer. ``str(error)`` is always one line."""

    def __init__(self, message: str):
        super().__init__(" ".join(str(message).split()))


class UnknownSectionError(ArticleImportError):
    """The section line names no existing section, and none may be created."""


@dataclass(frozen=True)
class ParsedImage:
    filename: str
    caption: str
    credit: str


@dataclass(frozen=True)
class ParsedArticle:
    section: str
    title: str
    author: str
    published_at: datetime
    sapo: str
    # Body blocks in order: a paragraph's text (str) or a photo (ParsedImage).
    blocks: tuple[str | ParsedImage, ...]

    @property
    def images(self) -> list[ParsedImage]:
        return [block for block in self.blocks if isinstance(block, ParsedImage)]


def _quote(text: str, limit: int = 60) -> str:
    text = clean_line(text)
    return f"“{text[:limit]}…”" if len(text) > limit else f"“{text}”"


# -- reading ---------------------------------------------------------------------


def read_source(path: str | Path) -> str:
    """Return the text of the file at ``path``, strictly decoded as UTF-8."""
    path = Path(path)
    try:
        if not path.exists():
            raise ArticleImportError(f"{path}: không tìm thấy tệp.")
        if path.is_dir():
            raise ArticleImportError(f"{path}: là thư mục, cần một tệp văn bản.")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ArticleImportError(
                f"{path}: tệp quá lớn (tối đa {MAX_FILE_BYTES // 1024} KB)."
            )
        data = path.read_bytes()
    except OSError as error:
        raise ArticleImportError(
            f"{path}: không đọc được tệp ({error.strerror})."
        ) from error
    except ValueError as error:  # e.g. a NUL byte in the path
        raise ArticleImportError(f"{path!r}: đường dẫn không hợp lệ.") from error
    if b"\x00" in data:
        raise ArticleImportError(
            f"{path}: tệp nhị phân (có byte NUL), không phải văn bản."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ArticleImportError(
            f"{path}: không phải văn bản UTF-8 (byte lỗi ở vị trí {error.start}); "
            "hãy lưu lại tệp với mã hóa UTF-8."
        ) from error
    if CONTROL_RE.search(text):
        raise ArticleImportError(
            f"{path}: tệp có ký tự điều khiển, không phải văn bản."
        )
    return text


# -- parsing ---------------------------------------------------------------------


def parse_article(text: str) -> ParsedArticle:
    """Parse the text format into a ``ParsedArticle`` (no database access)."""
    lines = nfc(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    numbered = [(number, clean_line(line)) for number, line in enumerate(lines, 1)]
    header = [(number, line) for number, line in numbered if line][:3]
    if not header:
        raise ArticleImportError("Tệp rỗng: không có nội dung để nhập.")
    if len(header) < 3:
        raise ArticleImportError(
            "Thiếu phần đầu bài: cần chuyên mục, tiêu đề và dòng tác giả + thời gian."
        )
    (_, section), (title_no, title), (byline_no, byline) = header
    if BYLINE_RE.match(title):
        raise ArticleImportError(f"Dòng {title_no}: thiếu tiêu đề trước dòng tác giả.")
    section = _check_section(section)
    title = _check_title(title, title_no)
    author, published_at = parse_byline(byline, byline_no)

    rest = [line for number, line in numbered if number > byline_no]
    sapo, blocks = _split_body(_drop_furniture(rest))
    return ParsedArticle(section, title, author, published_at, sapo, tuple(blocks))


def _check_section(name: str) -> str:
    if len(name) > MAX_NAME:
        raise ArticleImportError(f"Dòng 1: tên chuyên mục dài quá {MAX_NAME} ký tự.")
    slug = vi_slugify(name, max_length=100)
    if not slug:
        raise ArticleImportError(f"Dòng 1: tên chuyên mục {_quote(name)} không hợp lệ.")
    try:
        validate_section_slug(slug)
    except ValidationError as error:
        raise ArticleImportError(f"Dòng 1: {error.messages[0]}") from error
    return name


def _check_title(title: str, number: int) -> str:
    if len(title) > MAX_TITLE:
        raise ArticleImportError(
            f"Dòng {number}: tiêu đề dài {len(title)} ký tự, tối đa {MAX_TITLE}."
        )
    if not vi_slugify(title):
        raise ArticleImportError(
            f"Dòng {number}: tiêu đề {_quote(title)} không hợp lệ."
        )
    return title


def parse_byline(line: str, number: int = 3) -> tuple[str, datetime]:
    """Split "Bình Minh 19/10/2023 06:36" into the name and an aware datetime."""
    match = BYLINE_RE.match(line)
    if not match:
        raise ArticleImportError(
            f"Dòng {number}: cần tác giả và thời gian "
            f"như “Bình Minh 19/10/2023 06:36”, gặp {_quote(line)}."
        )
    name, stamp = match["name"], f"{match['date']} {match['time']}"
    try:
        naive = datetime.strptime(stamp, "%d/%m/%Y %H:%M")  # noqa: DTZ007 (zone below)
    except ValueError as error:
        raise ArticleImportError(
            f"Dòng {number}: thời gian “{stamp}” không hợp lệ (dd/mm/YYYY HH:MM)."
        ) from error
    if not 1900 <= naive.year <= 2100:
        raise ArticleImportError(f"Dòng {number}: năm {naive.year} không hợp lệ.")
    if len(name) > MAX_AUTHOR or not vi_slugify(name):
        raise ArticleImportError(
            f"Dòng {number}: tên tác giả {_quote(name)} không hợp lệ."
        )
    return name, naive.replace(tzinfo=SOURCE_TZ)


def _drop_furniture(lines: list[str]) -> list[str]:
    """Cut the page furniture ("(0) Bình luận", "Nổi bật", ...) and what follows."""
    for index, line in enumerate(lines):
        if FURNITURE_RE.match(line):
            return lines[:index]
    return lines


def _split_body(lines: list[str]) -> tuple[str, list[str | ParsedImage]]:
    """Group lines into paragraphs and photos; the first paragraph is the sapo."""
    blocks: list[str | ParsedImage] = []
    paragraph: list[str] = []

    def flush():
        if paragraph:
            blocks.append(" ".join(paragraph))
            paragraph.clear()

    lines = iter(lines)
    for line in lines:
        if not line:
            flush()
        elif IMAGE_LINE_RE.match(line):
            flush()
            blocks.append(parse_image(line, next(lines, "")))
        else:
            paragraph.append(line)
    flush()

    texts = [index for index, block in enumerate(blocks) if isinstance(block, str)]
    if not texts:
        raise ArticleImportError("Bài không có đoạn văn nào sau dòng tác giả.")
    sapo = blocks.pop(texts[0])
    return sapo, blocks


def parse_image(filename: str, caption_line: str) -> ParsedImage:
    """A photo line and its caption; "... Ảnh: Thành ủy TP.HCM" gives the credit."""
    caption, credit = caption_line, ""
    credits = list(CREDIT_RE.finditer(caption_line))
    if credits:
        caption = caption_line[: credits[-1].start()].strip()
        credit = caption_line[credits[-1].end() :].strip()
    if len(credit) > MAX_CREDIT:
        raise ArticleImportError(
            f"Ảnh {filename}: nguồn ảnh dài quá {MAX_CREDIT} ký tự."
        )
    return ParsedImage(filename=filename, caption=caption, credit=credit)


# -- rendering -------------------------------------------------------------------


def paragraph_html(text: str) -> str:
    """A ``<p>``, with an opening label ("Quốc phòng, an ninh:") in bold."""
    match = LABEL_RE.match(text)
    if match and _is_label(match["label"], match["rest"]):
        return (
            f"<p><strong>{escape(match['label'])}:</strong> {escape(match['rest'])}</p>"
        )
    return f"<p>{escape(text)}</p>"


def _is_label(label: str, rest: str) -> bool:
    return (
        len(label.split()) <= LABEL_MAX_SYLLABLES
        and not SENTENCE_END_RE.search(label)
        and not SPEECH_VERBS.search(label)
        and not rest.startswith(QUOTE_OPENERS)
    )


def figure_html(image: Image) -> str:
    """The body's ``<figure>`` for a library photo, in the shape the sanitiser keeps."""
    caption = " ".join(part for part in (image.caption, image.credit_line) if part)
    figcaption = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    return (
        f'<figure><img src="{escape(image.file.url)}" alt="{escape(image.alt)}" '
        f'width="{image.width}" height="{image.height}">{figcaption}</figure>'
    )


def render_body(blocks, images: dict[ParsedImage, Image]) -> str:
    """The body HTML: paragraphs and figures in their order in the source."""
    return "\n".join(
        figure_html(images[block])
        if isinstance(block, ParsedImage)
        else paragraph_html(block)
        for block in blocks
    )


# -- storing ---------------------------------------------------------------------


def import_article_file(
    path: str | Path, *, publish: bool, create_section: bool = False
) -> tuple[Article, bool]:
    """Import the article in ``path``; return it and whether it was created.

    Importing the same file again updates the article in place (found by
    section, title or slug, and byline time) and reuses its photos. With
    ``publish`` the article is published at its byline time; without it a new
    article is a draft and an existing one keeps its status. A section the site
    does not have raises ``UnknownSectionError``, unless ``create_section``.
    Everything is written in one transaction, and photo files written before a
    failure are deleted, so an error leaves the database and MEDIA_ROOT as they
    were.
    """
    path = Path(path)
    text = read_source(path)
    try:
        parsed = parse_article(text)
    except ArticleImportError as error:
        raise ArticleImportError(f"{path}: {error}") from error
    written: list[str] = []
    try:
        with transaction.atomic():
            category = _section(parsed.section, create=create_section, path=path)
            return _store(
                parsed, category, path.parent, publish=publish, written=written
            )
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise


def _store(
    parsed: ParsedArticle,
    category: Category,
    source_dir: Path,
    *,
    publish: bool,
    written: list,
):
    author = _get_or_create_author(parsed.author)
    slug = vi_slugify(parsed.title, max_length=200)
    article = (
        Article.objects.select_for_update()
        .filter(category=category, published_at=parsed.published_at)
        .filter(Q(slug=slug) | Q(title=parsed.title))
        .order_by("pk")
        .first()
    )
    created = article is None
    if created:
        article = Article(category=category, slug=slug, status=Article.Status.DRAFT)

    existing = [] if created else _images_in_body(article)
    images = {}
    for index, parsed_image in enumerate(parsed.images):
        reuse = existing[index] if index < len(existing) else None
        images[parsed_image] = _store_image(parsed_image, source_dir, reuse, written)

    article.title = parsed.title
    article.sapo = parsed.sapo
    article.body = render_body(parsed.blocks, images)
    article.published_at = parsed.published_at
    if publish:
        article.status = Article.Status.PUBLISHED
    if parsed.images:
        article.cover = images[parsed.images[0]]
    article.save()

    article.bylines.exclude(author=author).delete()
    ArticleAuthor.objects.update_or_create(
        article=article, author=author, defaults={"position": 0}
    )
    return article, created


def _section_key(name: str) -> str:
    """What two spellings of one section name share: "DÒNG CHẢY" typed in
    decomposed Unicode, "Văn hoá" and "Văn hóa"."""
    return canonical_tone_placement(clean_line(name)).casefold()


def _section(name: str, *, create: bool, path: Path) -> Category:
    """The section named ``name``; a new one (shown on the menu) if ``create``."""
    sections = list(Category.objects.all())
    key = _section_key(name)
    for section in sections:
        if _section_key(section.name) == key:
            return section
    if not create:
        raise UnknownSectionError(
            f"{path}: không có chuyên mục {_quote(name)}; {_closest(name, sections)}."
        )
    slug = vi_slugify(name, max_length=100)
    for section in sections:
        if section.slug == slug:
            raise ArticleImportError(
                f"{path}: chuyên mục {_quote(name)} trùng đường dẫn /{slug}/ "
                f"với chuyên mục “{section.name}”."
            )
    return Category.objects.create(name=name, slug=slug)


def _closest(name: str, sections: list[Category]) -> str:
    """The existing names nearest to ``name``, compared without diacritics."""
    if not sections:
        return "trang chưa có chuyên mục nào"
    names = {fold(section.name): section.name for section in sections}
    close = difflib.get_close_matches(fold(name), names, n=3, cutoff=0.6)
    if close:
        return "gần nhất: " + ", ".join(f"“{names[folded]}”" for folded in close)
    listed = ", ".join(f"“{section.name}”" for section in sections[:6])
    return f"các chuyên mục hiện có: {listed}{', …' if len(sections) > 6 else ''}"


def _get_or_create_author(name: str) -> Author:
    author, _ = Author.objects.get_or_create(
        slug=vi_slugify(name, max_length=100), defaults={"name": name}
    )
    return author


def _images_in_body(article: Article) -> list[Image]:
    """The article's photos in body order; the cover first when not in the body."""
    names = list(dict.fromkeys(_image_names(article.body)))
    by_name = {image.file.name: image for image in Image.objects.filter(file__in=names)}
    images = [by_name[name] for name in names if name in by_name]
    if article.cover is not None and article.cover not in images:
        images.insert(0, article.cover)
    return images


def _image_names(body: str) -> list[str]:
    sources = re.findall(r'<img[^>]*\ssrc="([^"]+)"', body)
    return [name for name in map(library_source, sources) if name]


def _store_image(parsed: ParsedImage, source_dir: Path, reuse: Image | None, written):
    """The library photo for ``parsed``: reused, taken from disk, or a placeholder."""
    alt = Truncator(parsed.caption).chars(MAX_ALT)
    fields = {"caption": parsed.caption, "credit": parsed.credit, "alt": alt}
    source = _find_image_file(parsed.filename, source_dir)
    if reuse is not None and (source is None or not reuse.is_placeholder):
        for name, value in fields.items():
            setattr(reuse, name, value)
        reuse.save()
        return reuse
    if source is None:
        image = create_placeholder_image(parsed.filename, **fields)
        written.append(image.file.name)
        return image

    # A real photo, new or replacing a placeholder made by an earlier import.
    image = reuse or Image()
    old_file = image.file.name if reuse is not None else None
    for name, value in fields.items():
        setattr(image, name, value)
    image.is_placeholder = False
    with source.open("rb") as handle:
        image.file.save(parsed.filename, File(handle), save=False)
    written.append(image.file.name)
    image.save()
    if old_file:
        transaction.on_commit(lambda: default_storage.delete(old_file))
    return image


def _find_image_file(filename: str, source_dir: Path) -> Path | None:
    """The photo next to the text file or in an ``images/`` folder beside it."""
    for candidate in (source_dir / filename, source_dir / "images" / filename):
        if candidate.is_file():
            _check_image(candidate)
            return candidate
    return None


def _check_image(path: Path) -> None:
    """Refuse a photo the library would refuse, with the library's reason."""
    with path.open("rb") as handle:
        try:
            check_image(handle, path.name)
        except ValidationError as error:
            raise ArticleImportError(f"{path}: {' '.join(error.messages)}") from error
