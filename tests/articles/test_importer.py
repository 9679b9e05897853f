import io
import random
import re
import unicodedata
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image as PILImage

from articles import importer, placeholder
from articles.html import sanitize_body
from articles.importer import (
    ArticleImportError,
    UnknownSectionError,
    import_article_file,
    paragraph_html,
    parse_article,
    parse_byline,
)
from articles.management.commands.import_article import Command as ImportCommand
from articles.models import Article, Author, Category, Image

SEED = Path(settings.BASE_DIR) / "demo" / "000_acd85ecf6e6c6313.txt"
SEED_PHOTO = (
    "18-10-2023-thanh-uy-ha-noi-va-thanh-uy-tphcm-ky-ket-ban-ghi-nho-ke-hoach-"
    "hop-tac-giai-doan-3222c103-details.jpg"
)
SEED_URL_RE = re.compile(
    r"^/dong-chay/ha-noi-va-tphcm-hop-tac-toan-dien-nham-thuc-day-kinh-te-xa-hoi-"
    r"(?P<pk>\d+)\.html$"
)
TITLE = "Hà Nội và TP.HCM hợp tác toàn diện nhằm thúc đẩy kinh tế - xã hội"
CAPTION = (
    "Bí thư Thành ủy TP.HCM Nguyễn Văn Nên và Bí thư Thành ủy TP Hà Nội thực hiện "
    "nghi thức ký kết."
)
FURNITURE = ["Bình luận", "Nổi bật", "Đừng bỏ lỡ", "POWERED BY"]
VALID_HEADER = "Thời sự\n\nMột tiêu đề\n\nBình Minh 19/10/2023 06:36\n\n"


def run_import(path, *args) -> str:
    out = io.StringIO()
    call_command("import_article", str(path), *args, stdout=out)
    return out.getvalue()


def run_from_manage_py(*args) -> tuple[int, str, str]:
    """Exit status, stdout and stderr of ``manage.py import_article *args``."""
    out, err = io.StringIO(), io.StringIO()
    # run_from_argv is what manage.py runs: CommandError -> stderr, exit 1. The
    # system checks are tested on their own.
    command = ImportCommand(stdout=out, stderr=err)
    try:
        command.run_from_argv(["manage.py", "import_article", "--skip-checks", *args])
    except SystemExit as exit_info:
        return exit_info.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def section():
    return Category.objects.create(name="Dòng chảy", slug="dong-chay")


def counts() -> tuple[int, int, int, int]:
    return (
        Article.objects.count(),
        Category.objects.count(),
        Author.objects.count(),
        Image.objects.count(),
    )


def media_files() -> set[Path]:
    return {path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()}


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def jpeg_bytes(size=(80, 45)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, "navy").save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.mark.django_db
class TestSeedImport:
    @pytest.fixture
    def imported(self, section):
        output = run_import(SEED, "--publish")
        return Article.objects.get(), output

    def test_section_title_and_author(self, imported):
        article, _output = imported
        assert article.category.name == "Dòng chảy"
        assert article.category.slug == "dong-chay"
        assert article.title == TITLE
        assert [author.name for author in article.byline] == ["Bình Minh"]
        assert article.byline[0].slug == "binh-minh"
        assert article.bylines.get().position == 0

    def test_published_at_the_byline_time_in_vietnam(self, imported):
        article, _output = imported
        vietnam = ZoneInfo("Asia/Ho_Chi_Minh")
        assert article.published_at == datetime(2023, 10, 19, 6, 36, tzinfo=vietnam)
        assert article.status == Article.Status.PUBLISHED
        assert list(Article.objects.published()) == [article]

    def test_first_paragraph_is_the_sapo(self, imported):
        article, _output = imported
        assert article.sapo.startswith("Chiều 18/10, tại Hội trường Thống Nhất")
        assert article.sapo.endswith("và những năm tiếp theo.")
        assert "<" not in article.sapo
        assert "Chiều 18/10" not in article.body

    def test_labels_are_bold_and_the_full_sentence_is_not(self, imported):
        article, _output = imported
        body = article.body
        for label in [
            "Công tác xây dựng Đảng, hệ thống chính trị:",
            "Quản lý nhà nước và cơ chế, chính sách:",
            "Lĩnh vực kinh tế, thương mại và xúc tiến, thu hút đầu tư:",
            "Phát triển đô thị, bảo vệ môi trường:",
            "Quốc phòng, an ninh:",
            "Lĩnh vực báo chí, tuyên truyền:",
        ]:
            assert f"<p><strong>{label}</strong> " in body
        assert (
            "<p>Theo đó 2 thành phố hợp tác trong các lĩnh vực cụ thể như sau:</p>"
            in body
        )
        assert "<strong>Theo đó" not in body

    def test_photo_becomes_a_figure_and_the_cover(self, imported):
        article, _output = imported
        cover = article.cover
        assert cover is not None
        assert cover.is_placeholder
        assert cover.caption == CAPTION
        assert cover.credit == "Thành ủy TP.HCM"
        assert cover.alt == CAPTION
        assert (cover.width, cover.height) == (1200, 675)
        assert (Path(settings.MEDIA_ROOT) / cover.file.name).is_file()
        figure = (
            f'<figure><img src="{cover.file.url}" alt="{CAPTION}" width="1200" '
            f'height="675"><figcaption>{CAPTION} Ảnh: Thành ủy TP.HCM</figcaption>'
            "</figure>"
        )
        assert figure in article.body
        assert article.cover_in_body
        # The figure sits where the photo was: after "Quản lý nhà nước ...".
        assert (
            article.body.index("Quản lý nhà nước")
            < article.body.index("<figure>")
            < article.body.index("Lĩnh vực kinh tế")
        )

    def test_body_is_unchanged_by_the_sanitiser(self, imported):
        article, _output = imported
        assert sanitize_body(article.body) == article.body

    def test_page_furniture_is_dropped(self, imported):
        article, _output = imported
        for text in FURNITURE:
            assert text not in article.sapo
            assert text not in article.body
        assert article.body.count(TITLE) == 0
        assert article.body.endswith("của hai thành phố.</p>")

    def test_text_is_nfc(self, imported):
        article, _output = imported
        for value in (article.title, article.sapo, article.body, article.cover.caption):
            assert unicodedata.is_normalized("NFC", value)

    def test_prints_the_article_url(self, imported):
        article, output = imported
        url = output.strip()
        assert url == article.get_absolute_url()
        match = SEED_URL_RE.match(url)
        assert match and int(match["pk"]) == article.pk
        assert output.count("\n") == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("section")
class TestReimport:
    def test_second_import_changes_nothing_and_prints_the_same_url(self):
        first = run_import(SEED, "--publish")
        before = counts()
        files = media_files()
        article = Article.objects.get()

        second = run_import(SEED, "--publish")

        assert second == first
        assert counts() == before == (1, 1, 1, 1)
        assert media_files() == files
        again = Article.objects.get()
        assert again.cover_id == article.cover_id
        assert again.body == article.body
        assert again.bylines.count() == 1

    def test_reimport_updates_edited_text_in_place(self, tmp_path):
        source = tmp_path / "bai.txt"
        source.write_text(seed_text(), encoding="utf-8")
        run_import(source, "--publish")
        source.write_text(
            seed_text().replace("Chiều 18/10", "Chiều ngày 18/10"), encoding="utf-8"
        )
        run_import(source, "--publish")
        article = Article.objects.get()
        assert article.sapo.startswith("Chiều ngày 18/10")
        assert Image.objects.count() == 1

    def test_without_publish_the_article_is_a_draft_with_its_time(self):
        url = run_import(SEED).strip()
        article = Article.objects.get()
        assert article.status == Article.Status.DRAFT
        assert article.published_at is not None
        assert not Article.objects.published().exists()
        assert url == article.get_absolute_url()

    def test_reimport_without_publish_keeps_a_published_article_live(self):
        run_import(SEED, "--publish")
        run_import(SEED)
        assert Article.objects.get().status == Article.Status.PUBLISHED

    def test_publish_after_a_draft_import_publishes_the_same_article(self):
        run_import(SEED)
        run_import(SEED, "--publish")
        article = Article.objects.get()
        assert article.status == Article.Status.PUBLISHED

    def test_existing_section_and_author_are_reused(self, section):
        author = Author.objects.create(name="Bình Minh", slug="binh-minh")
        run_import(SEED, "--publish")
        article = Article.objects.get()
        assert article.category == section
        assert article.byline == [author]


@pytest.mark.django_db
@pytest.mark.usefixtures("section")
class TestPhotos:
    def test_photo_next_to_the_file_is_used(self, tmp_path):
        (tmp_path / "bai.txt").write_text(seed_text(), encoding="utf-8")
        (tmp_path / SEED_PHOTO).write_bytes(jpeg_bytes())
        run_import(tmp_path / "bai.txt", "--publish")
        cover = Article.objects.get().cover
        assert not cover.is_placeholder
        assert (cover.width, cover.height) == (80, 45)
        assert cover.credit == "Thành ủy TP.HCM"

    def test_photo_in_an_images_folder_is_used(self, tmp_path):
        (tmp_path / "bai.txt").write_text(seed_text(), encoding="utf-8")
        (tmp_path / "images").mkdir()
        (tmp_path / "images" / SEED_PHOTO).write_bytes(jpeg_bytes())
        run_import(tmp_path / "bai.txt", "--publish")
        assert not Article.objects.get().cover.is_placeholder

    def test_the_real_photo_replaces_the_placeholder_on_reimport(
        self, tmp_path, django_capture_on_commit_callbacks
    ):
        (tmp_path / "bai.txt").write_text(seed_text(), encoding="utf-8")
        run_import(tmp_path / "bai.txt", "--publish")
        placeholder = Article.objects.get().cover
        old_file = Path(settings.MEDIA_ROOT) / placeholder.file.name

        (tmp_path / SEED_PHOTO).write_bytes(jpeg_bytes())
        with django_capture_on_commit_callbacks(execute=True):
            run_import(tmp_path / "bai.txt", "--publish")

        article = Article.objects.get()
        assert article.cover_id == placeholder.pk
        assert not article.cover.is_placeholder
        assert (article.cover.width, article.cover.height) == (80, 45)
        assert article.cover.file.url in article.body
        assert not old_file.exists()
        assert Image.objects.count() == 1

    def test_a_broken_photo_file_is_refused(self, tmp_path):
        (tmp_path / "bai.txt").write_text(seed_text(), encoding="utf-8")
        (tmp_path / SEED_PHOTO).write_bytes(b"not a jpeg at all")
        before, files = counts(), media_files()
        with pytest.raises(CommandError, match="không phải ảnh JPEG, PNG, WebP"):
            run_import(tmp_path / "bai.txt")
        assert counts() == before
        assert media_files() == files

    def test_a_failure_after_the_photo_was_written_removes_it(
        self, monkeypatch, tmp_path
    ):
        def explode(*args, **kwargs):
            raise RuntimeError("disk full")

        monkeypatch.setattr(importer, "render_body", explode)
        before, files = counts(), media_files()
        with pytest.raises(RuntimeError):
            import_article_file(SEED, publish=True)
        assert counts() == before
        assert media_files() == files


def _bad_inputs():
    seed = SEED.read_text(encoding="utf-8")
    header_only = "Dòng chảy\n\nTiêu đề\n\nBình Minh 19/10/2023 06:36\n\n"
    return [
        pytest.param(b"", "rỗng", id="empty"),
        pytest.param(b"  \n\t\n \r\n ", "rỗng", id="whitespace-only"),
        pytest.param(
            "Dòng chảy\nTiêu đề\nKhông có dòng tác giả\nĐoạn văn.".encode(),
            "Dòng 3",
            id="no-byline",
        ),
        pytest.param(
            seed.replace("19/10/2023 06:36", "31/02/2023 25:61").encode(),
            "31/02/2023 25:61",
            id="bad-date",
        ),
        pytest.param(
            seed.replace("19/10/2023 06:36", "31/02/2023 10:00").encode(),
            "không hợp lệ",
            id="february-31st",
        ),
        pytest.param(random.Random(7).randbytes(4096), "", id="random-bytes"),
        pytest.param(
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "", id="png-header"
        ),
        pytest.param(bytes(range(0x80, 0x100)) * 4, "UTF-8", id="high-bytes"),
        pytest.param(b"\x01\x02\x03\x1b[0m" * 50, "điều khiển", id="control-chars"),
        pytest.param(seed.encode("latin-1", errors="replace"), "UTF-8", id="latin-1"),
        pytest.param(seed.encode("cp1258", errors="replace"), "UTF-8", id="cp1258"),
        pytest.param(
            seed.replace("Bình Minh", "Bình\x00Minh").encode(), "NUL", id="nul-byte"
        ),
        pytest.param(
            VALID_HEADER.replace("Một tiêu đề", "Dài " * 100).encode()
            + b"\xc4\x90o\xe1\xba\xa1n v\xc4\x83n.",
            "tiêu đề dài",
            id="title-too-long",
        ),
        pytest.param(header_only.encode(), "đoạn văn", id="no-paragraphs"),
        pytest.param(
            (header_only + "(0) Bình luận\nNổi bật\nĐừng bỏ lỡ\n").encode(),
            "đoạn văn",
            id="only-furniture",
        ),
        pytest.param(
            ("Tìm kiếm\n" + seed.split("\n", 1)[1]).encode(),
            "dành riêng",
            id="reserved-section-slug",
        ),
        pytest.param(
            seed.replace("Bình Minh 19/10/2023", "Bình Minh 19/10/1066").encode(),
            "năm",
            id="implausible-year",
        ),
    ]


@pytest.mark.django_db
class TestBadInput:
    @pytest.fixture(autouse=True)
    def _unchanged(self):
        before, files = counts(), media_files()
        yield
        assert counts() == before
        assert media_files() == files

    @pytest.mark.parametrize(("content", "expected"), _bad_inputs())
    def test_bad_file_is_refused_with_one_line(self, tmp_path, content, expected):
        path = tmp_path / "bai.txt"
        path.write_bytes(content)
        with pytest.raises(CommandError) as caught:
            run_import(path, "--publish")
        message = str(caught.value)
        assert message.startswith(f"{path}: ")
        assert "\n" not in message
        assert expected in message

    def test_missing_file(self, tmp_path):
        with pytest.raises(CommandError, match="không tìm thấy tệp"):
            run_import(tmp_path / "khong-co.txt")

    def test_directory(self, tmp_path):
        with pytest.raises(CommandError, match="thư mục"):
            run_import(tmp_path)


@pytest.mark.django_db
def test_bom_crlf_and_decomposed_text_are_accepted(tmp_path, section):
    path = tmp_path / "bai.txt"
    text = unicodedata.normalize("NFD", seed_text()).replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    run_import(path)
    article = Article.objects.get()
    assert article.title == TITLE
    assert article.category == section
    assert article.byline[0].name == "Bình Minh"


def with_section_line(tmp_path, line: str) -> Path:
    """The seed with another section line, saved as a file."""
    path = tmp_path / "bai.txt"
    lines = seed_text().split("\n")
    assert lines[0] == "Dòng chảy"
    path.write_text("\n".join([line, *lines[1:]]), encoding="utf-8")
    return path


@pytest.mark.django_db
class TestSections:
    """A typo in the section line must not put a new section on the menu."""

    @pytest.fixture
    def sections(self, section):
        Category.objects.create(name="Thời sự", slug="thoi-su", position=1)
        Category.objects.create(name="Văn hóa", slug="van-hoa", position=2)
        return section

    # Transactional: manage.py closes the database connection when it is done.
    @pytest.mark.django_db(transaction=True)
    def test_an_unknown_section_is_one_line_naming_the_closest(
        self, tmp_path, sections
    ):
        path = with_section_line(tmp_path, "Dòng chảyy")
        before, files = counts(), media_files()
        status, out, err = run_from_manage_py(str(path), "--publish")
        assert status == 1
        assert out == ""
        assert err == (
            f"CommandError: {path}: không có chuyên mục “Dòng chảyy”; gần nhất: "
            "“Dòng chảy”. Sửa dòng chuyên mục, hoặc thêm --create-section để tạo "
            "chuyên mục mới.\n"
        )
        assert counts() == before
        assert media_files() == files

    def test_far_from_every_section_the_message_lists_them(self, tmp_path, sections):
        path = with_section_line(tmp_path, "Ẩm thực")
        with pytest.raises(CommandError) as caught:
            run_import(path)
        assert "không có chuyên mục “Ẩm thực”; các chuyên mục hiện có: " in str(
            caught.value
        )
        assert "“Dòng chảy”, “Thời sự”, “Văn hóa”" in str(caught.value)

    def test_a_site_without_sections_says_so(self, tmp_path):
        with pytest.raises(CommandError, match="trang chưa có chuyên mục nào"):
            run_import(SEED, "--publish")
        assert counts() == (0, 0, 0, 0)

    @pytest.mark.django_db(transaction=True)
    def test_create_section_makes_it_on_the_menu_and_says_so(self, tmp_path, sections):
        path = with_section_line(tmp_path, "Kinh tế số")
        status, out, err = run_from_manage_py(str(path), "--create-section")
        assert status == 0
        article = Article.objects.get()
        created = article.category
        assert (created.name, created.slug, created.show_in_menu) == (
            "Kinh tế số",
            "kinh-te-so",
            True,
        )
        assert (
            err
            == "Đã tạo chuyên mục mới “Kinh tế số” (/kinh-te-so/), hiện trên menu.\n"
        )
        # Standard output is the article's URL alone, as without the option.
        assert out == f"{article.get_absolute_url()}\n"

    def test_create_section_on_an_empty_site(self):
        err = io.StringIO()
        call_command(
            "import_article", str(SEED), "--publish", "--create-section", stderr=err
        )
        assert Article.objects.get().category.slug == "dong-chay"
        assert "Đã tạo chuyên mục mới “Dòng chảy” (/dong-chay/)" in err.getvalue()

    @pytest.mark.parametrize(
        ("line", "name"),
        [
            ("DÒNG CHẢY", "Dòng chảy"),
            ("dòng chảy", "Dòng chảy"),
            (unicodedata.normalize("NFD", "Dòng chảy"), "Dòng chảy"),
            (unicodedata.normalize("NFD", "DÒNG CHẢY"), "Dòng chảy"),
            ("  Dòng   chảy ", "Dòng chảy"),
            ("Thời Sự", "Thời sự"),
            # The same word with the new and the old tone placement.
            ("Văn hoá", "Văn hóa"),
        ],
        ids=["upper", "lower", "nfd", "nfd-upper", "spaces", "title", "tone"],
    )
    def test_an_existing_section_matches_whatever_its_case_and_unicode_form(
        self, tmp_path, sections, line, name
    ):
        path = with_section_line(tmp_path, line)
        err = io.StringIO()
        call_command("import_article", str(path), "--create-section", stderr=err)
        assert Article.objects.get().category == Category.objects.get(name=name)
        assert Category.objects.count() == 3
        assert err.getvalue() == ""

    def test_a_new_section_may_not_take_the_address_of_another(
        self, tmp_path, sections
    ):
        path = with_section_line(tmp_path, "Dong chay")
        before = counts()
        with pytest.raises(CommandError) as caught:
            run_import(path, "--create-section")
        assert str(caught.value) == (
            f"{path}: chuyên mục “Dong chay” trùng đường dẫn /dong-chay/ với "
            "chuyên mục “Dòng chảy”."
        )
        with pytest.raises(CommandError, match="gần nhất: “Dòng chảy”"):
            run_import(path)
        assert counts() == before

    def test_the_importer_refuses_an_unknown_section_by_default(
        self, tmp_path, sections
    ):
        with pytest.raises(UnknownSectionError, match="“Dòng chảyy”"):
            import_article_file(with_section_line(tmp_path, "Dòng chảyy"), publish=True)
        article, created = import_article_file(SEED, publish=True)
        assert created and article.category == sections


class TestMessages:
    """Errors are one line whatever the input, with no database involved."""

    def test_the_command_exits_non_zero_with_one_line_on_stderr(self, tmp_path):
        path = tmp_path / "bai.txt"
        path.write_bytes(b"")
        status, _out, err = run_from_manage_py(str(path))
        assert status == 1
        lines = err.strip().splitlines()
        assert len(lines) == 1
        assert lines[0].startswith("CommandError: ")

    @pytest.mark.parametrize(
        "text",
        [
            "",
            "a\nb",
            "Mục\nTiêu đề\nTác giả 1/1/2023",
            "Mục\nTiêu đề\nBình Minh 99/99/2023 10:00\nĐoạn.",
            "Mục\nTiêu đề\nBình Minh 19/10/2023 06:36\n",
            "Mục\n" + "x" * 400 + "\nBình Minh 19/10/2023 06:36\nĐoạn.",
        ],
    )
    def test_parse_errors_are_one_line(self, text):
        with pytest.raises(ArticleImportError) as caught:
            parse_article(text)
        assert "\n" not in str(caught.value)
        assert str(caught.value).strip() == str(caught.value)

    def test_a_path_with_a_newline_still_gives_one_line(self, tmp_path):
        with pytest.raises(ArticleImportError) as caught:
            importer.read_source(tmp_path / "hai\ndòng.txt")
        assert "\n" not in str(caught.value)


class TestParsing:
    def test_byline_is_read_in_vietnam_time(self):
        name, when = parse_byline("Bình Minh 19/10/2023 06:36")
        assert name == "Bình Minh"
        assert when.isoformat() == "2023-10-19T06:36:00+07:00"

    def test_image_caption_and_credit(self):
        parsed = parse_article(seed_text())
        [photo] = parsed.images
        assert photo.filename == SEED_PHOTO
        assert photo.caption == CAPTION
        assert photo.credit == "Thành ủy TP.HCM"

    def test_paragraph_lines_are_joined_and_html_escaped(self):
        parsed = parse_article(VALID_HEADER + "Sapo.\n\nDòng một\ndòng <b>hai</b> & ba")
        assert parsed.blocks == ("Dòng một dòng <b>hai</b> & ba",)
        assert paragraph_html(parsed.blocks[0]) == (
            "<p>Dòng một dòng &lt;b&gt;hai&lt;/b&gt; &amp; ba</p>"
        )

    @pytest.mark.parametrize(
        ("text", "bold"),
        [
            ("Quốc phòng, an ninh: Tăng cường liên kết.", "Quốc phòng, an ninh:"),
            ("Hỏi: Thủ tục thế nào?", "Hỏi:"),
            ("Theo đó 2 thành phố hợp tác trong các lĩnh vực cụ thể như sau:", None),
            ("Ông Nguyễn Văn A cho biết: mọi việc đã sẵn sàng.", None),
            ("Bà B nói: “Chúng tôi sẽ làm”.", None),
            ("Hội nghị kết thúc. Sau đó: các đại biểu ra về.", None),
            ("Lúc 10:30 sáng nay, đoàn đã tới nơi.", None),
            (
                "Một câu rất dài có hơn mười sáu âm tiết trước dấu hai chấm ở đây "
                "và còn tiếp nữa: phần sau.",
                None,
            ),
        ],
    )
    def test_opening_label_rules(self, text, bold):
        html = paragraph_html(text)
        if bold:
            assert html.startswith(f"<p><strong>{bold}</strong> ")
        else:
            assert "<strong>" not in html

    def test_furniture_and_everything_after_it_is_dropped(self):
        parsed = parse_article(
            VALID_HEADER + "Sapo.\n\nThân bài.\n\n(12) Bình luận\nMột đoạn sau.\n"
        )
        assert parsed.sapo == "Sapo."
        assert parsed.blocks == ("Thân bài.",)

    def test_a_photo_before_the_first_paragraph_stays_in_the_body(self):
        parsed = parse_article(
            VALID_HEADER + "anh.jpg\nChú thích. Ảnh: TTXVN\n\nSapo.\n\nThân."
        )
        assert parsed.sapo == "Sapo."
        assert [type(block).__name__ for block in parsed.blocks] == [
            "ParsedImage",
            "str",
        ]
        assert parsed.images[0].credit == "TTXVN"


def test_placeholder_without_a_vietnamese_font_is_still_drawn(monkeypatch):
    monkeypatch.setattr(placeholder, "_VIETNAMESE_FONTS", ())
    placeholder._font.cache_clear()
    try:
        data = placeholder.placeholder_jpeg("ảnh-thiếu.jpg")
    finally:
        placeholder._font.cache_clear()
    picture = PILImage.open(io.BytesIO(data))
    assert picture.format == "JPEG"
    assert picture.size == placeholder.SIZE
