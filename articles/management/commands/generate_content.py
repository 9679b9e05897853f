"""``manage.py generate_content --articles N [--seed S]``: realistic demo articles.

Fast enough for tens of thousands of rows (for benchmarks): articles, bylines
and tags go in with ``bulk_create``, which skips ``Article.save()``, so the
slug, the sanitised body and the publish time are set here the same way
``save()`` would set them. The same seed gives the same articles in the same
order; only the publish times move with the clock.
"""

import random
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from articles.html import sanitize_body
from articles.models import (
    Article,
    ArticleAuthor,
    Author,
    Category,
    Image,
    Tag,
    TaggedArticle,
)
from articles.models.taxonomy import normalize_tag_name
from articles.placeholder import create_placeholder_image
from articles.text import nfc, vi_slugify

# (name, slug, menu position): the sections made when the database has none.
SECTIONS = [
    ("Thời sự", "thoi-su", 10),
    ("Thế giới", "the-gioi", 20),
    ("Kinh tế", "kinh-te", 30),
    ("Văn hóa", "van-hoa", 40),
    ("Thể thao", "the-thao", 50),
    ("Công nghệ", "cong-nghe", 60),
    ("Dòng chảy", "dong-chay", 70),
]
AUTHORS = [
    "Bình Minh",
    "Minh Anh",
    "Hoàng Long",
    "Thu Hà",
    "Quốc Việt",
    "Ngọc Mai",
    "Thanh Tùng",
    "Lan Phương",
]
TAGS = [
    "Hà Nội",
    "TP.HCM",
    "Đà Nẵng",
    "Cần Thơ",
    "chuyển đổi số",
    "kinh tế số",
    "giáo dục",
    "y tế",
    "giao thông",
    "bất động sản",
    "chứng khoán",
    "xuất khẩu",
    "du lịch",
    "di sản",
    "bóng đá",
    "V-League",
    "đội tuyển Việt Nam",
    "trí tuệ nhân tạo",
    "khởi nghiệp",
    "môi trường",
    "biến đổi khí hậu",
    "nông nghiệp",
    "năng lượng tái tạo",
    "đầu tư công",
    "Quốc hội",
    "an sinh xã hội",
    "điện ảnh",
    "âm nhạc",
]
TOPIC_TAGS = {
    "thoi-su": ["Hà Nội", "TP.HCM", "Đà Nẵng", "giao thông", "y tế", "giáo dục"],
    "the-gioi": ["biến đổi khí hậu", "năng lượng tái tạo", "xuất khẩu"],
    "kinh-te": ["chứng khoán", "bất động sản", "xuất khẩu", "kinh tế số", "du lịch"],
    "van-hoa": ["di sản", "điện ảnh", "âm nhạc", "du lịch", "Hà Nội", "TP.HCM"],
    "the-thao": ["bóng đá", "V-League", "đội tuyển Việt Nam"],
    "cong-nghe": ["chuyển đổi số", "trí tuệ nhân tạo", "khởi nghiệp", "kinh tế số"],
    "dong-chay": ["Hà Nội", "TP.HCM", "Quốc hội", "an sinh xã hội", "đầu tư công"],
}
COVER_COLOURS = ["#9fb8c8", "#c8b99f", "#a9c89f", "#c89fa9", "#b3a9c8", "#c8c49f"]
COVER_CAPTION = "Ảnh minh họa số {} (nội dung mẫu)"
COVER_CREDIT = "Newsroom"

# Per section: who acts in the headlines, what they do, and sentences for the body.
TOPICS = {
    "thoi-su": {
        "subjects": [
            "Hà Nội",
            "TP.HCM",
            "Đà Nẵng",
            "Bộ Giao thông vận tải",
            "Bộ Y tế",
            "UBND tỉnh Quảng Ninh",
            "Cần Thơ",
            "Bộ Giáo dục và Đào tạo",
        ],
        "actions": [
            "đẩy nhanh tiến độ dự án đường Vành đai 3",
            "lấy ý kiến người dân về quy hoạch giao thông đô thị",
            "tăng cường kiểm tra an toàn thực phẩm dịp cuối năm",
            "khởi công cầu mới bắc qua sông Hồng",
            "mở rộng tuyến xe buýt điện tới các khu công nghiệp",
            "siết chặt quản lý xây dựng trái phép ven đô",
            "chuẩn bị phương án phòng chống bão lũ",
            "cải cách thủ tục hành chính cho doanh nghiệp nhỏ",
            "công bố kế hoạch tuyển sinh lớp 10 năm học mới",
            "triển khai tiêm chủng mở rộng tại các phường",
        ],
        "sentences": [
            "Theo lãnh đạo sở, dự án đã giải phóng mặt bằng ở phần lớn tuyến.",
            "Người dân khu vực ven sông bày tỏ đồng tình với chủ trương mới.",
            "Cơ quan chức năng sẽ công khai tiến độ hằng tháng trên cổng thông tin.",
            "Nhiều đại biểu đề nghị ưu tiên nguồn vốn cho các công trình dân sinh.",
            "Lực lượng chức năng đã ra quân kiểm tra tại hơn 200 cơ sở.",
            "Kế hoạch dự kiến hoàn thành trước quý IV năm nay.",
            "Thành phố cũng yêu cầu các quận, huyện báo cáo kết quả định kỳ.",
            "Ý kiến của người dân sẽ được tổng hợp trước khi trình hội đồng nhân dân.",
        ],
    },
    "the-gioi": {
        "subjects": [
            "ASEAN",
            "Liên Hợp Quốc",
            "Nhật Bản",
            "Liên minh châu Âu",
            "Hàn Quốc",
            "Australia",
            "Ngân hàng Thế giới",
        ],
        "actions": [
            "thúc đẩy hợp tác ứng phó biến đổi khí hậu",
            "công bố gói hỗ trợ mới cho các nước đang phát triển",
            "nâng dự báo tăng trưởng kinh tế toàn cầu",
            "tổ chức hội nghị thượng đỉnh về an ninh lương thực",
            "ký thỏa thuận thương mại với các đối tác khu vực",
            "kêu gọi giảm căng thẳng tại các điểm nóng",
            "tăng cường hợp tác phát triển năng lượng sạch",
        ],
        "sentences": [
            "Các nhà lãnh đạo nhất trí tăng cường đối thoại và hợp tác đa phương.",
            "Giới quan sát đánh giá đây là bước đi quan trọng trong bối cảnh hiện nay.",
            "Hội nghị có sự tham dự của đại diện hơn 30 quốc gia và tổ chức quốc tế.",
            "Tuyên bố chung nhấn mạnh vai trò của luật pháp quốc tế.",
            "Báo cáo cho rằng lạm phát toàn cầu đang dần hạ nhiệt.",
            "Các bên sẽ tiếp tục thảo luận chi tiết tại vòng đàm phán tới.",
        ],
    },
    "kinh-te": {
        "subjects": [
            "Ngân hàng Nhà nước",
            "Doanh nghiệp xuất khẩu",
            "Thị trường chứng khoán",
            "Giá vàng",
            "Ngành du lịch",
            "Các ngân hàng thương mại",
            "Nông sản Việt",
            "Thị trường bất động sản",
        ],
        "actions": [
            "tăng trưởng mạnh trong quý III",
            "điều chỉnh lãi suất cho vay ưu đãi",
            "hướng tới mục tiêu xuất khẩu 400 tỷ USD",
            "đón dòng vốn đầu tư nước ngoài kỷ lục",
            "chịu áp lực từ biến động tỷ giá",
            "mở rộng sang các thị trường khó tính",
            "phục hồi rõ nét sau giai đoạn trầm lắng",
            "đẩy mạnh thanh toán không dùng tiền mặt",
        ],
        "sentences": [
            "Theo Tổng cục Thống kê, kim ngạch xuất khẩu tăng hơn 10% so với cùng kỳ.",
            "Các chuyên gia cho rằng chính sách tiền tệ cần tiếp tục linh hoạt.",
            "Nhiều doanh nghiệp đã chủ động tìm kiếm đơn hàng từ các thị trường mới.",
            "Chỉ số VN-Index kết thúc phiên giao dịch trong sắc xanh.",
            "Dòng vốn đổ vào lĩnh vực chế biến, chế tạo chiếm tỷ trọng lớn nhất.",
            "Người tiêu dùng vẫn thận trọng trong chi tiêu dịp cuối năm.",
            "Giải ngân vốn đầu tư công được kỳ vọng tạo động lực cho tăng trưởng.",
            "Các hiệp định thương mại tự do mở ra nhiều cơ hội cho hàng Việt.",
        ],
    },
    "van-hoa": {
        "subjects": [
            "Nhà hát Lớn Hà Nội",
            "Phố cổ Hội An",
            "Điện ảnh Việt",
            "Lễ hội áo dài TP.HCM",
            "Bảo tàng Lịch sử quốc gia",
            "Nghệ nhân ca trù",
            "Sách Việt",
        ],
        "actions": [
            "thu hút đông đảo khán giả trẻ",
            "giới thiệu bộ sưu tập hiện vật quý hiếm",
            "tôn vinh giá trị di sản văn hóa phi vật thể",
            "lan tỏa tình yêu văn hóa đọc",
            "vào mùa lễ hội cuối năm",
            "mang nghệ thuật truyền thống tới công chúng",
            "khép lại mùa giải thưởng với nhiều bất ngờ",
        ],
        "sentences": [
            "Chương trình mang đến không gian trải nghiệm gần gũi với công chúng.",
            "Nhiều hiện vật lần đầu được giới thiệu tới khách tham quan.",
            "Ban tổ chức cho biết lượng vé đã được bán hết từ sớm.",
            "Các nghệ nhân trình diễn những làn điệu đã có từ hàng trăm năm.",
            "Hoạt động góp phần quảng bá hình ảnh địa phương tới du khách quốc tế.",
            "Người xem dành nhiều lời khen cho phần dàn dựng công phu.",
        ],
    },
    "the-thao": {
        "subjects": [
            "Đội tuyển Việt Nam",
            "CLB Hà Nội",
            "Thể thao Việt Nam",
            "Đội tuyển nữ Việt Nam",
            "Các tay vợt Việt",
            "Vận động viên điền kinh",
            "U23 Việt Nam",
        ],
        "actions": [
            "giành chiến thắng thuyết phục trên sân nhà",
            "chốt danh sách cho vòng loại World Cup",
            "hướng tới mục tiêu huy chương vàng SEA Games",
            "lội ngược dòng ấn tượng ở phút bù giờ",
            "tập huấn tại châu Âu chuẩn bị cho giải đấu lớn",
            "vươn lên dẫn đầu bảng xếp hạng V-League",
            "phá kỷ lục quốc gia nội dung 100 mét",
        ],
        "sentences": [
            "Huấn luyện viên trưởng hài lòng với tinh thần thi đấu của các học trò.",
            "Khán giả lấp kín khán đài từ sớm để cổ vũ đội nhà.",
            "Bàn thắng quyết định đến từ một pha phối hợp đẹp mắt bên cánh phải.",
            "Ban huấn luyện cho biết sẽ tiếp tục trao cơ hội cho các cầu thủ trẻ.",
            "Kết quả này giúp đội bóng rộng cửa đi tiếp vào vòng sau.",
            "Các vận động viên đã có quá trình chuẩn bị kỹ lưỡng về thể lực.",
        ],
    },
    "cong-nghe": {
        "subjects": [
            "Doanh nghiệp công nghệ Việt",
            "Ứng dụng trí tuệ nhân tạo",
            "Mạng 5G",
            "Startup Việt",
            "Các ngân hàng số",
            "Ngành bán dẫn",
            "Chính phủ số",
        ],
        "actions": [
            "phủ sóng thêm nhiều tỉnh thành",
            "gọi vốn thành công hàng triệu USD",
            "thay đổi cách người dân làm thủ tục hành chính",
            "đối mặt với làn sóng tấn công lừa đảo trực tuyến",
            "đào tạo hàng nghìn kỹ sư cho chuỗi cung ứng",
            "ra mắt trợ lý ảo hiểu tiếng Việt",
            "đưa dịch vụ công trực tuyến đến từng người dân",
        ],
        "sentences": [
            "Sản phẩm được phát triển hoàn toàn bởi đội ngũ kỹ sư trong nước.",
            "Chuyên gia khuyến cáo người dùng không cung cấp mã OTP cho bất kỳ ai.",
            "Số lượng người dùng tăng gấp đôi chỉ sau sáu tháng ra mắt.",
            "Dữ liệu được mã hóa và lưu trữ tại các trung tâm dữ liệu trong nước.",
            "Nhu cầu nhân lực công nghệ cao đang vượt xa khả năng đào tạo.",
            "Doanh nghiệp cho biết sẽ mở rộng sang thị trường Đông Nam Á.",
        ],
    },
    "dong-chay": {
        "subjects": [
            "Thành ủy TP.HCM",
            "Hà Nội và TP.HCM",
            "Các địa phương vùng Đồng bằng sông Cửu Long",
            "Ban Thường vụ Tỉnh ủy",
            "Mặt trận Tổ quốc",
            "Đoàn đại biểu Quốc hội",
        ],
        "actions": [
            "hợp tác toàn diện nhằm thúc đẩy phát triển vùng",
            "tiếp xúc cử tri trước kỳ họp",
            "ký kết chương trình phối hợp giai đoạn mới",
            "tổng kết công tác xây dựng Đảng năm qua",
            "chăm lo đời sống người dân vùng khó khăn",
            "đẩy mạnh cải cách hành chính và chuyển đổi số",
        ],
        "sentences": [
            "Hai bên thống nhất trao đổi kinh nghiệm trong công tác lãnh đạo, chỉ đạo.",
            "Cử tri kiến nghị nhiều vấn đề liên quan tới đất đai và môi trường.",
            "Chương trình phối hợp tập trung vào kinh tế, văn hóa và xã hội.",
            "Lãnh đạo địa phương cam kết giải quyết dứt điểm các kiến nghị.",
            "Công tác cán bộ tiếp tục được chú trọng theo hướng công khai, minh bạch.",
            "Nhiều mô hình hay, cách làm sáng tạo đã được nhân rộng.",
        ],
    },
}
GENERIC_SENTENCES = [
    "Theo kế hoạch, các đơn vị liên quan sẽ phối hợp chặt chẽ trong thời gian tới.",
    "Đại diện cơ quan quản lý cho biết sẽ sớm ban hành hướng dẫn chi tiết.",
    "Việc triển khai được đánh giá là phù hợp với thực tiễn và nhu cầu của người dân.",
    "Nhiều ý kiến cho rằng cần có cơ chế giám sát hiệu quả hơn.",
    "Kết quả bước đầu cho thấy những tín hiệu tích cực.",
    "Trong năm tới, mục tiêu đặt ra là mở rộng quy mô và nâng cao chất lượng.",
]
LABELS = [
    "Về cơ chế, chính sách",
    "Về nguồn lực",
    "Về tổ chức thực hiện",
    "Kết quả bước đầu",
    "Khó khăn, vướng mắc",
]
HEADINGS = ["Nhiều kỳ vọng", "Những việc cần làm ngay", "Bài toán nguồn lực"]
QUOTES = [
    "Chúng tôi sẽ làm đến nơi đến chốn, không để người dân phải chờ đợi",
    "Đây là cơ hội để nhìn lại và làm tốt hơn",
    "Mục tiêu cuối cùng là phục vụ người dân tốt hơn",
]
SPEAKERS = [
    "ông Nguyễn Văn Hùng",
    "bà Trần Thị Lan",
    "ông Lê Minh Tuấn",
    "bà Phạm Thu Hằng",
]


def generate_articles(
    count: int,
    *,
    seed: int = 0,
    days: int = 30,
    featured_ratio: float = 0.1,
    cover_ratio: float = 0.3,
) -> list[Article]:
    """Create ``count`` published articles and return them, oldest id first.

    Sections and authors already in the database are used (sections are made
    when there are none); a few shared placeholder photos serve as covers.
    """
    rng = random.Random(seed)
    now = timezone.now().replace(second=0, microsecond=0)
    categories = _categories()
    # The cover files are written outside the transaction: a rollback could
    # not remove them, and kept rows are simply reused by the next run.
    covers = _covers(categories)
    with transaction.atomic():
        authors = _authors()
        tags = _tags()

        featured = set(rng.sample(range(count), round(count * featured_ratio)))
        with_cover = set(rng.sample(range(count), round(count * cover_ratio)))
        articles, bylines, taggings = [], [], []
        for index in range(count):
            category = rng.choice(categories)
            title, sapo, body = _write(rng, TOPICS.get(category.slug))
            article = Article(
                title=title,
                slug=vi_slugify(title, max_length=200) or "bai-viet",
                sapo=sapo,
                body=sanitize_body(body),
                category=category,
                status=Article.Status.PUBLISHED,
                published_at=now - timedelta(minutes=rng.randint(5, days * 24 * 60)),
                featured=index in featured,
                cover=rng.choice(covers) if index in with_cover else None,
                view_count=rng.randint(0, 20000),
            )
            articles.append(article)
            bylines.append(rng.sample(authors, 2 if rng.random() < 0.15 else 1))
            names = TOPIC_TAGS.get(category.slug, TAGS)
            chosen = rng.sample(names, min(len(names), rng.randint(0, 4)))
            taggings.append([tags[normalize_tag_name(name)] for name in chosen])

        Article.objects.bulk_create(articles, batch_size=500)
        ArticleAuthor.objects.bulk_create(
            [
                ArticleAuthor(article=article, author=author, position=position)
                for article, byline in zip(articles, bylines, strict=True)
                for position, author in enumerate(byline)
            ],
            batch_size=1000,
        )
        TaggedArticle.objects.bulk_create(
            [
                TaggedArticle(content_object=article, tag=tag)
                for article, chosen in zip(articles, taggings, strict=True)
                for tag in chosen
            ],
            batch_size=1000,
        )
    return articles


def _categories() -> list[Category]:
    categories = list(Category.objects.order_by("position", "slug"))
    if categories:
        return categories
    return [
        Category.objects.create(name=name, slug=slug, position=position)
        for name, slug, position in SECTIONS
    ]


def _authors() -> list[Author]:
    for name in AUTHORS:
        Author.objects.get_or_create(slug=vi_slugify(name), defaults={"name": name})
    return list(Author.objects.order_by("slug"))


def _tags() -> dict[str, Tag]:
    names = [normalize_tag_name(name) for name in TAGS]
    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    return {name: existing.get(name) or Tag.objects.create(name=name) for name in names}


def _covers(categories: list[Category]) -> list[Image]:
    """The shared cover photos, made once and reused by every later run."""
    covers = []
    for number, colour in enumerate(COVER_COLOURS, 1):
        caption = COVER_CAPTION.format(number)
        image = Image.objects.filter(caption=caption, is_placeholder=True).first()
        if image is None:
            image = create_placeholder_image(
                categories[(number - 1) % len(categories)].name,
                caption=caption,
                credit=COVER_CREDIT,
                alt=caption,
                title="ẢNH MINH HỌA",
                subtitle="Nội dung mẫu – Newsroom",
                background=colour,
            )
        covers.append(image)
    return covers


def _write(rng: random.Random, topic: dict | None) -> tuple[str, str, str]:
    """A title, a sapo and an HTML body about one of the section's topics."""
    topic = topic or rng.choice(list(TOPICS.values()))
    subject, action = rng.choice(topic["subjects"]), rng.choice(topic["actions"])
    title = nfc(f"{subject} {action}")
    sapo = nfc(" ".join(rng.sample(topic["sentences"], 2)))
    pool = topic["sentences"] + GENERIC_SENTENCES
    paragraphs = []
    for number in range(rng.randint(4, 8)):
        text = " ".join(rng.sample(pool, rng.randint(2, 4)))
        roll = rng.random()
        if roll < 0.2:
            label = rng.choice(LABELS)
            paragraphs.append(f"<p><strong>{label}:</strong> {escape(text)}</p>")
        elif roll < 0.3:
            quote = rng.choice(QUOTES)
            speaker = rng.choice(SPEAKERS)
            paragraphs.append(f"<p>“{quote}”, {speaker} cho biết.</p>")
        else:
            paragraphs.append(f"<p>{escape(text)}</p>")
        if number == 2 and rng.random() < 0.3:
            paragraphs.append(f"<h2>{rng.choice(HEADINGS)}</h2>")
    return title, sapo, nfc("\n".join(paragraphs))


class Command(BaseCommand):
    help = "Tạo các bài viết mẫu tiếng Việt đã xuất bản (cho demo và đo hiệu năng)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, required=True, help="Số bài viết.")
        parser.add_argument("--seed", type=int, default=0, help="Hạt giống ngẫu nhiên.")
        parser.add_argument(
            "--days", type=int, default=30, help="Rải thời gian đăng trong N ngày qua."
        )

    def handle(self, *args, articles, seed, days, **options):
        if articles < 0 or days < 1:
            raise CommandError("--articles phải >= 0 và --days phải >= 1.")
        created = generate_articles(articles, seed=seed, days=days)
        self.stdout.write(f"Đã tạo {len(created)} bài viết.")
