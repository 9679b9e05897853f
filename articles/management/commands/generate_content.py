"""``manage.py generate_content --articles N [--comments M]``: realistic demo data.

Built for a million articles and five million comments: rows are generated
in batches (``--batch-size`` articles with their bylines, tags and comments),
each batch is written and committed on its own, so memory stays flat and an
interrupted run keeps what it committed. PostgreSQL gets the rows through
``COPY ... FROM STDIN``; other databases through ``executemany`` INSERTs.

Neither path calls ``save()``, so every column ``save()`` would fill is set
here the same way: the NFC text (``NormalizedTextModel``), the article's slug,
sanitised body, ``body_image_rights`` and version, the comment's ``body_hash``
(``articles.spam.body_fingerprint``), ``ip_hash``, ``link_count`` and spam
score, and ``Article.comment_count`` as ``refresh_comment_counts`` would count
it. The search index is filled by the database's own triggers.

A large load on PostgreSQL drops the four tables' secondary indexes first and
recreates them at the end (it says so), then runs ``VACUUM ANALYZE``.

The same seed gives the same rows in the same order; only the times move
with the clock.
"""

import math
import random
import re
import resource
import time
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.html import escape

from articles import pagecache
from articles.context_processors import forget_site_context
from articles.models import (
    Article,
    ArticleAuthor,
    Author,
    Category,
    Comment,
    Image,
    Tag,
    TaggedArticle,
)
from articles.models.taxonomy import normalize_tag_name
from articles.placeholder import create_placeholder_image
from articles.spam import body_fingerprint, count_links, hash_ip
from articles.text import fold, nfc, vi_slugify

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


# Readers who comment: Vietnamese names, and a few pen names readers like to use.
FAMILY_NAMES = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ",
    "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý",
]  # fmt: skip
MIDDLE_NAMES = [
    "Văn", "Thị", "Minh", "Thanh", "Ngọc", "Hữu", "Đức", "Quang",
    "Thu", "Hoài", "Gia", "Bảo",
]  # fmt: skip
GIVEN_NAMES = [
    "An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hùng",
    "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phong", "Phúc",
    "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Trung", "Tuấn", "Vân", "Yến", "Đạt",
]  # fmt: skip
PEN_NAMES = [
    "Bạn đọc Hà Nội",
    "Độc giả Sài Gòn",
    "Người con xa quê",
    "Cựu chiến binh",
    "Bạn đọc Đà Nẵng",
    "Một giáo viên",
    "Dân văn phòng",
    "Kỹ sư về hưu",
]
# Reserved example domains: generated addresses can never reach a real person.
EMAIL_DOMAINS = ["example.com", "example.net", "example.org"]
# First octets of address blocks Vietnamese providers announce.
IP_PREFIXES = [14, 27, 42, 58, 113, 115, 116, 117, 171, 183]
COMMENT_SENTENCES = [
    "Bài viết rất hay và bổ ích, cảm ơn tác giả.",
    "Mong các cơ quan chức năng sớm vào cuộc.",
    "Hy vọng kế hoạch sẽ được triển khai đúng tiến độ.",
    "Tôi hoàn toàn đồng ý với quan điểm này.",
    "Cần có thêm số liệu cụ thể để người đọc dễ theo dõi.",
    "Ở quê tôi cũng đang gặp tình trạng tương tự.",
    "Nói thì dễ, làm mới khó, mong là không chỉ dừng ở khẩu hiệu.",
    "Thông tin rất kịp thời, cảm ơn báo.",
    "Đề nghị báo tiếp tục theo dõi và phản ánh.",
    "Người dân chúng tôi rất mong chờ tin này.",
    "Chi phí như vậy có hợp lý không?",
    "Tôi nghĩ cần lấy ý kiến rộng rãi hơn trước khi quyết định.",
    "Thật đáng tự hào!",
    "Mong mọi việc sớm ổn định.",
    "Giá cả tăng thế này thì người lao động sống sao nổi.",
    "Ai có kinh nghiệm về việc này cho tôi hỏi thêm với.",
    "Cách làm này nên được nhân rộng ra cả nước.",
    "Bài viết còn thiếu góc nhìn của người trong cuộc.",
    "Đọc xong thấy vừa mừng vừa lo.",
    "Con tôi năm nay cũng đi học, rất quan tâm vấn đề này.",
    "Hôm qua tôi đi qua khu vực đó, đúng là như báo viết.",
    "Rất cảm phục những người đã làm việc ngày đêm.",
    "Nên xử lý nghiêm các trường hợp vi phạm.",
    "Tôi đã chờ tin này từ lâu.",
    "Mong sớm có hướng dẫn chi tiết cho người dân.",
    "Thủ tục vẫn còn rườm rà quá.",
    "Đây là tín hiệu đáng mừng.",
    "Cần minh bạch thông tin hơn nữa.",
    "Ý kiến cá nhân: nên ưu tiên cho vùng sâu, vùng xa.",
    "Chúc mừng, đúng là một tin vui cuối tuần!",
]
REPLY_OPENERS = [
    "Đồng ý với bạn.",
    "Tôi nghĩ khác một chút.",
    "Bạn nói đúng quá.",
    "Cảm ơn bạn đã chia sẻ.",
    "Không hẳn vậy đâu bạn.",
]
SPAM_BODIES = [
    "Kiếm tiền online 5 triệu mỗi ngày, xem ngay tại http://kiem-tien.example.com",
    "Vay tiền nhanh không cần thế chấp, liên hệ www.vay-nhanh.example.net",
    "Giảm giá 90% tại http://sale.example.org và http://sale.example.org/km",
    "Soi kèo bóng đá miễn phí mỗi ngày: http://keo.example.com",
]
# A comment's fate: most are approved, some wait, a few are refused or spam.
# (approved 86%, pending 7%, rejected 3%, spam 4%)
APPROVED_UNDER, PENDING_UNDER, REJECTED_UNDER = 0.86, 0.93, 0.96
# Articles not (yet) public, for the share ``--unpublished-ratio`` asks for.
UNPUBLISHED_KINDS = [
    ("draft", 0.5),
    ("submitted", 0.2),
    ("approved", 0.1),
    ("scheduled", 0.15),
    ("unpublished", 0.05),
]
REPLY_RATIO = 0.25
POSTERS = 20_000
# Half of a comment thread arrives within about four hours of publication.
COMMENT_MEAN_DELAY = 6 * 3600


class Progress:
    """A progress line on stderr: rows done / total, rate, time left.

    On a terminal the line redraws in place; in a log it is a new line every
    ``log_every`` seconds. Silent when ``stream`` is None.
    """

    def __init__(self, total: int, stream=None, *, log_every: float = 10.0):
        self.total, self.stream = total, stream
        self.tty = bool(stream and stream.isatty())
        self.every = 0.5 if self.tty else log_every
        self.started = self.shown = time.monotonic()
        self.last = None

    def update(self, done: int, comments: int, *, final: bool = False) -> None:
        now = time.monotonic()
        if self.stream is None or (not final and now - self.shown < self.every):
            return
        if final and done == self.last:
            if self.tty:
                self.stream.write("")  # end the line the last update drew
            return
        self.shown, self.last = now, done
        elapsed = max(now - self.started, 1e-6)
        rate = done / elapsed
        left = (self.total - done) / rate if rate else 0
        share = done / self.total if self.total else 1
        line = (
            f"{done:,}/{self.total:,} bài viết ({share:.0%}) · "
            f"{comments:,} bình luận · {rate:,.0f} bài/s · "
            f"đã chạy {_clock(elapsed)} · còn {_clock(left)}"
        )
        if self.tty:
            self.stream.write(f"\r{line}\033[K", ending="\n" if final else "")
        else:
            self.stream.write(line)
        self.stream.flush()


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes}:{seconds:02d}"


class RowWriter:
    """Writes tuples of column values, ``COPY`` on PostgreSQL, INSERTs elsewhere.

    Rows hold Python values as the model fields hold them, except JSON, which
    is already JSON text.
    """

    def __init__(self):
        self.copy = connection.vendor == "postgresql"
        self.qn = connection.ops.quote_name
        self.sequences = {}

    def reserve_ids(self, model, count: int) -> list[int]:
        """``count`` primary keys no other writer will use, ascending."""
        if not count:
            return []
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.copy:
                if table not in self.sequences:
                    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                    self.sequences[table] = cursor.fetchone()[0]
                # One sequence name, not a lookup per row (ten times faster).
                cursor.execute(
                    "SELECT nextval(%s::regclass) FROM generate_series(1, %s)",
                    [self.sequences[table], count],
                )
                return sorted(row[0] for row in cursor.fetchall())
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {self.qn(table)}")
            start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))

    def write(self, model, attnames: list[str], rows: list) -> None:
        if not rows:
            return
        fields = [model._meta.get_field(name) for name in attnames if name != VECTOR]
        table = self.qn(model._meta.db_table)
        names = [field.column for field in fields] + [VECTOR] * (VECTOR in attnames)
        columns = ", ".join(self.qn(name) for name in names)
        with connection.cursor() as cursor:
            if self.copy:
                # The psycopg cursor under Django's wrapper.
                sql = f"COPY {table} ({columns}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
                return
            preps = [
                (lambda value, connection: value)
                if field.get_internal_type() == "JSONField"
                else field.get_db_prep_save
                for field in fields
            ]
            prepared = [
                [
                    prep(value, connection)
                    for prep, value in zip(preps, row, strict=True)
                ]
                for row in rows
            ]
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})", prepared
            )


ARTICLE_COLUMNS = [
    "id", "title", "slug", "sapo", "body", "category_id", "cover_id",
    "cover_caption", "body_image_rights", "status", "published_at",
    "embargo_until", "modified_at", "featured", "comments_enabled", "seo_title",
    "seo_description", "view_count", "comment_count", "created_at", "updated_at",
    "created_by_id", "updated_by_id", "version",
]  # fmt: skip
COMMENT_COUNT = ARTICLE_COLUMNS.index("comment_count")
# PostgreSQL's full-text column (articles.search), outside the model; written
# only in bulk mode, when the trigger that fills it is off for the session.
VECTOR = "search_vector"
COMMENT_COLUMNS = [
    "id", "article_id", "parent_id", "name", "email", "body", "status",
    "created_at", "ip_hash", "body_hash", "link_count", "spam_score",
    "spam_reasons", "links_allowed", "moderated_at", "moderated_by_id",
    "notified_at",
]  # fmt: skip


# The through rows carry the article's publish time while it is published
# (``Article.listed_at``), for the tag and author listings' own indexes.
BYLINE_COLUMNS = ["article_id", "author_id", "position", "listed_at"]
TAGGING_COLUMNS = ["content_object_id", "tag_id", "listed_at"]


@dataclass
class Summary:
    articles: int = 0
    published: int = 0
    bylines: int = 0
    taggings: int = 0
    comments: int = 0
    approved: int = 0
    article_ids: list = field(default_factory=list)


@cache
def _slug(title: str) -> str:
    return vi_slugify(title, max_length=200) or "bai-viet"


class Prose:
    """The sentence pools, NFC and HTML-escaped once, with their search words.

    Choosing a few distinct sentences is the hot path of a million articles:
    a slice of one of a few hundred shuffled orders of a pool costs a fraction
    of ``random.sample``.
    """

    ORDERS = 256

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.words = {}
        self.html = {}
        generic = [nfc(s) for s in GENERIC_SENTENCES]
        self.topics = {}
        for slug, topic in TOPICS.items():
            sentences = [nfc(s) for s in topic["sentences"]]
            self.topics[slug] = (
                [nfc(s) for s in topic["subjects"]],
                [nfc(s) for s in topic["actions"]],
                self._orders(sentences),
                self._orders(sentences + generic),
            )
        self.any_topic = list(self.topics.values())
        self.labels = [nfc(s) for s in LABELS]
        self.headings = [nfc(s) for s in HEADINGS]
        self.quotes = [nfc(f"“{q}”, {s} cho biết.") for q in QUOTES for s in SPEAKERS]
        self.comments = self._orders([nfc(s) for s in COMMENT_SENTENCES])
        self.openers = [nfc(s) for s in REPLY_OPENERS]
        for text in [*self.labels, *self.headings, *self.quotes]:
            self._learn(text)

    def _orders(self, pool: list[str]) -> list[list[str]]:
        for text in pool:
            self._learn(text)
        orders = []
        for _ in range(self.ORDERS):
            order = pool[:]
            self.rng.shuffle(order)
            orders.append(order)
        return orders

    def _learn(self, text: str) -> None:
        self.html[text] = escape(text)
        self.words[text] = quoted_words(text)

    def pick(self, orders: list[list[str]], count: int) -> list[str]:
        """``count`` distinct sentences of one pool, in random order."""
        order = orders[int(self.rng.random() * len(orders))]
        return order[:count]

    def article(self, slug: str):
        """(title, sapo, body HTML, search words of title, sapo and body)."""
        rng = self.rng
        random_ = rng.random
        subjects, actions, own, pool = self.topics.get(slug) or rng.choice(
            self.any_topic
        )
        title = (
            f"{subjects[int(random_() * len(subjects))]} "
            f"{actions[int(random_() * len(actions))]}"
        )
        lead = self.pick(own, 2)
        sapo = " ".join(lead)
        html, words = self.html, self.words
        paragraphs, body_words = [], []
        for number in range(4 + int(random_() * 5)):
            chosen = self.pick(pool, 2 + int(random_() * 3))
            roll = random_()
            if roll < 0.2:
                label = self.labels[int(random_() * len(self.labels))]
                paragraphs.append(
                    f"<p><strong>{html[label]}:</strong> "
                    + " ".join([html[s] for s in chosen])
                    + "</p>"
                )
                body_words += words[label]
                for sentence in chosen:
                    body_words += words[sentence]
            elif roll < 0.3:
                quote = self.quotes[int(random_() * len(self.quotes))]
                paragraphs.append(f"<p>{html[quote]}</p>")
                body_words += words[quote]
            else:
                paragraphs.append("<p>" + " ".join([html[s] for s in chosen]) + "</p>")
                for sentence in chosen:
                    body_words += words[sentence]
            if number == 2 and random_() < 0.3:
                heading = self.headings[int(random_() * len(self.headings))]
                paragraphs.append(f"<h2>{html[heading]}</h2>")
                body_words += words[heading]
        title_words = quoted_words(title)
        sapo_words = [word for sentence in lead for word in words[sentence]]
        return (
            title,
            sapo,
            "\n".join(paragraphs),
            (title_words, sapo_words, body_words),
        )

    def comment(self, reply: bool) -> str:
        random_ = self.rng.random
        if reply:
            opener = self.openers[int(random_() * len(self.openers))]
            return " ".join([opener, *self.pick(self.comments, int(random_() * 3))])
        return " ".join(self.pick(self.comments, 1 + int(random_() * 3)))


# --- The search vector PostgreSQL's trigger would compute ----------------------

_ENTITY_RE = re.compile(r"&[#a-zA-Z0-9]+;")
_WORD_RE = re.compile(r"[^\W_]+")


@cache
def _fold_table() -> dict[int, str]:
    """``str.translate`` table doing ``articles.text.fold`` for Latin letters."""
    table = {}
    for code in range(0xC0, 0x2000):
        folded = fold(chr(code))
        if folded != chr(code):
            table[code] = folded
    return table


def search_words(text: str) -> list[str]:
    """The words ``to_tsvector('vi_unaccent', articles_search_clean(text))`` keeps,
    in order, for the plain Vietnamese text this command writes (checked
    against PostgreSQL in the tests)."""
    text = _ENTITY_RE.sub(" ", text).translate(_fold_table()).lower()
    return _WORD_RE.findall(text)


def search_vector(parts) -> str:
    """tsvector text for (quoted words, weight) parts joined with ``||``, as
    the trigger builds it: positions run on across the parts.

    Each word is written once per position ("'ha':1A 'noi':2A 'ha':9C");
    PostgreSQL's tsvector input merges repeated lexemes itself.
    """
    pieces, start = [], 1
    for quoted, weight in parts:
        end = start + len(quoted)
        pieces += map(str.__add__, quoted, _marks(weight)[start:end])
        start = end
    return " ".join(pieces)


@cache
def _marks(weight: str) -> list[str]:
    """Position labels: "1A", "2A", ...; PostgreSQL caps positions at 16383."""
    return [f"{min(position, 16383)}{weight}" for position in range(1 << 16)]


def quoted_words(text: str) -> list[str]:
    return [f"'{word}':" for word in search_words(text)]


class Generator:
    """Makes the rows, batch by batch, from one random stream (the seed)."""

    def __init__(
        self,
        *,
        seed: int,
        days: int,
        featured_ratio: float,
        cover_ratio: float,
        unpublished_ratio: float,
        with_search_vector: bool = False,
        now=None,
    ):
        self.rng = random.Random(seed)
        self.prose = Prose(self.rng)
        self.now = now or timezone.now().replace(second=0, microsecond=0)
        self.span = days * 24 * 60  # minutes
        self.featured_ratio, self.cover_ratio = featured_ratio, cover_ratio
        self.unpublished_ratio = unpublished_ratio
        self.with_search_vector = with_search_vector
        self.categories = _categories()
        # Written outside the batches: a rollback could not remove the files,
        # and kept rows are simply reused by the next run.
        self.covers = [image.pk for image in _covers(self.categories)]
        self.authors = [author.pk for author in _authors()]
        self.tags = {name: tag.pk for name, tag in _tags().items()}
        self.section_tags = {
            category.pk: [
                self.tags[normalize_tag_name(name)]
                for name in TOPIC_TAGS.get(category.slug, TAGS)
            ]
            for category in self.categories
        }
        self.posters = []
        self.fingerprints = {}
        self.links = {}

    # --- articles ---------------------------------------------------------------

    def articles(self, ids: list[int], first: int, total: int):
        """Rows for the articles ``first .. first + len(ids)`` of ``total``.

        Returns (article rows, byline rows, tagging rows, public articles as
        (row, published_at, weight)). Publish times rise with the id, as in a
        real archive, spread over ``--days``.
        """
        rng, count, now = self.rng, len(ids), self.now
        random_ = rng.random
        featured = self._pick(first, count, self.featured_ratio)
        with_cover = self._pick(first, count, self.cover_ratio)
        categories, covers, authors = self.categories, self.covers, self.authors
        published = Article.Status.PUBLISHED
        rows, bylines, taggings, public = [], [], [], []
        for offset, pk in enumerate(ids):
            index = first + offset
            category = categories[int(random_() * len(categories))]
            title, sapo, body, words = self.prose.article(category.slug)
            age = max(5, round(self.span * (1 - (index + random_()) / total)))
            published_at = now - timedelta(minutes=age)
            status = published
            if random_() < self.unpublished_ratio:
                status, published_at = self._unpublished(published_at)
            created_at = (published_at or now) - timedelta(
                minutes=10 + int(random_() * 590)
            )
            is_featured = offset in featured
            row = [
                pk,
                title,
                _slug(title),
                sapo,
                body,  # built from escaped text in <p>, <strong>, <h2>: nh3 keeps it
                category.pk,
                covers[int(random_() * len(covers))] if offset in with_cover else None,
                "",
                "{}",  # no library photo in the body: no rights to track
                status,
                published_at,
                None,
                None,
                is_featured,
                random_() >= 0.02,  # a few articles close their comments
                "",
                "",
                min(int(rng.paretovariate(1.2) * 150), 2_000_000),
                0,  # set from the comments below
                created_at,
                min(published_at or created_at, now),
                None,
                None,
                1,  # save() counts the first save
            ]
            if self.with_search_vector:
                row.append(search_vector(zip(words, "ABC", strict=True)))
            rows.append(row)
            listed = published_at if status == published else None
            if random_() < 0.15:
                byline = rng.sample(authors, min(2, len(authors)))
            else:
                byline = [authors[int(random_() * len(authors))]]
            for position, author in enumerate(byline):
                bylines.append((pk, author, position, listed))
            names = self.section_tags[category.pk]
            for tag in rng.sample(names, min(len(names), int(random_() * 5))):
                taggings.append((pk, tag, listed))
            if listed is not None and listed <= now:
                # Paretian interest: most articles draw a few comments, some many.
                weight = rng.paretovariate(1.2) * (3 if is_featured else 1)
                public.append((row, listed, weight))
        return rows, bylines, taggings, public

    def _pick(self, first: int, count: int, ratio: float) -> set[int]:
        """Offsets in this batch chosen so the whole run hits ``ratio`` exactly."""
        wanted = math.floor(ratio * (first + count)) - math.floor(ratio * first)
        return set(self.rng.sample(range(count), min(count, wanted)))

    def _unpublished(self, published_at):
        kinds, weights = zip(*UNPUBLISHED_KINDS, strict=True)
        kind = self.rng.choices(kinds, weights)[0]
        if kind == "scheduled":
            ahead = timedelta(minutes=self.rng.randint(60, 7 * 24 * 60))
            return Article.Status.PUBLISHED, self.now + ahead
        if kind == "unpublished":
            return Article.Status.UNPUBLISHED, published_at
        return Article.Status(kind), None

    # --- comments ---------------------------------------------------------------

    def comments(self, public: list, quota: int, ids_for) -> list:
        """``quota`` comment rows spread over ``public`` articles by weight.

        Sets each article row's ``comment_count`` to the approved comments
        (every reply's parent is approved, so all approved ones count).
        """
        if not public or not quota:
            return []
        rng = self.rng
        cumulative, total = [], 0.0
        for _row, _published_at, weight in public:
            total += weight
            cumulative.append(total)
        per_article = [0] * len(public)
        for choice in rng.choices(range(len(public)), cum_weights=cumulative, k=quota):
            per_article[choice] += 1
        ids = iter(ids_for(quota))
        rows = []
        for (article, published_at, _weight), count in zip(
            public, per_article, strict=True
        ):
            if count:
                article[COMMENT_COUNT] = self._thread(
                    rows, ids, article[0], published_at, count
                )
        return rows

    def _thread(self, rows, ids, article_id, published_at, count) -> int:
        """Append ``count`` comments on one article; return the approved ones."""
        rng, now, prose = self.rng, self.now, self.prose
        random_, expovariate = rng.random, rng.expovariate
        room = (now - published_at).total_seconds() - 1
        delays = []
        for _ in range(count):
            delay = expovariate(1 / COMMENT_MEAN_DELAY)
            delays.append(delay if delay < room else random_() * room)
        delays.sort()
        approved_roots, approved = [], 0
        for number, delay in enumerate(delays):
            pk = next(ids)
            # Microseconds keep a thread strictly in order, replies after parents.
            created_at = published_at + timedelta(seconds=delay, microseconds=number)
            name, email, ip_hash = self._poster()
            roll, parent = random_(), None
            if roll < APPROVED_UNDER:
                status = Comment.Status.APPROVED
            elif roll < PENDING_UNDER:
                status = Comment.Status.PENDING
            elif roll < REJECTED_UNDER:
                status = Comment.Status.REJECTED
            else:
                status = Comment.Status.SPAM
            if status == Comment.Status.SPAM:
                body = SPAM_BODIES[int(random_() * len(SPAM_BODIES))]
            elif approved_roots and random_() < REPLY_RATIO:
                parent = approved_roots[int(random_() * len(approved_roots))]
                body = prose.comment(reply=True)
            else:
                body = prose.comment(reply=False)
            if status == Comment.Status.APPROVED:
                approved += 1
                if parent is None:
                    approved_roots.append(pk)
            moderated_at = None
            if status != Comment.Status.PENDING:
                moderated_at = min(
                    created_at + timedelta(minutes=1 + int(random_() * 240)), now
                )
            fingerprint = self.fingerprints.get(body)
            if fingerprint is None:
                fingerprint = self.fingerprints[body] = body_fingerprint(body)
                self.links[body] = count_links(body)
            links = self.links[body]
            rows.append(
                (
                    pk,
                    article_id,
                    parent,
                    name,
                    email,
                    body,
                    status,
                    created_at,
                    ip_hash,
                    fingerprint,
                    links,
                    2 * links,  # what articles.spam.assess gives links
                    f"{links} liên kết" if links else "",
                    False,
                    moderated_at,
                    None,
                    None,
                )
            )
        return approved

    def _poster(self) -> tuple[str, str, str]:
        """A reader (name, email, hashed IP); a few readers write a lot."""
        index = int(POSTERS * self.rng.random() ** 3)
        while len(self.posters) <= index:
            self.posters.append(self._new_poster())
        return self.posters[index]

    def _new_poster(self) -> tuple[str, str, str]:
        rng = self.rng
        family, given = rng.choice(FAMILY_NAMES), rng.choice(GIVEN_NAMES)
        if rng.random() < 0.05:
            name = rng.choice(PEN_NAMES)
        elif rng.random() < 0.3:
            name = f"{given}"
        else:
            name = f"{family} {rng.choice(MIDDLE_NAMES)} {given}"
        local = f"{given}.{family}".translate(_fold_table()).lower()
        email = f"{local}{rng.randint(1, 999)}@{rng.choice(EMAIL_DOMAINS)}"
        ip = ".".join(
            [str(rng.choice(IP_PREFIXES))]
            + [str(rng.randint(0, 255)) for _ in range(2)]
            + [str(rng.randint(1, 254))]
        )
        return nfc(name), email, hash_ip(ip)


def generate(
    articles: int,
    comments: int = 0,
    *,
    seed: int = 0,
    days: int = 30,
    batch_size: int = 10_000,
    featured_ratio: float = 0.1,
    cover_ratio: float = 0.3,
    unpublished_ratio: float = 0.0,
    progress: Progress | None = None,
    keep_ids: bool = False,
    with_search_vector: bool = False,
) -> Summary:
    """Write ``articles`` articles and ``comments`` comments, one commit a batch.

    Comments go to public articles of the same batch, each batch taking its
    share of ``comments``; a batch with no public article hands its share on
    to the next, so only a run with no public article at all makes fewer.
    """
    generator = Generator(
        seed=seed,
        days=days,
        featured_ratio=featured_ratio,
        cover_ratio=cover_ratio,
        unpublished_ratio=unpublished_ratio,
        with_search_vector=with_search_vector,
    )
    writer = RowWriter()
    article_columns = ARTICLE_COLUMNS + [VECTOR] * with_search_vector
    summary, owed = Summary(), 0
    while summary.articles < articles:
        first = summary.articles
        count = min(batch_size, articles - first)
        owed += comments * (first + count) // articles - comments * first // articles
        with transaction.atomic():
            ids = writer.reserve_ids(Article, count)
            rows, bylines, taggings, public = generator.articles(ids, first, articles)
            notes = generator.comments(
                public, owed, lambda n: writer.reserve_ids(Comment, n)
            )
            writer.write(Article, article_columns, rows)
            writer.write(ArticleAuthor, BYLINE_COLUMNS, bylines)
            writer.write(TaggedArticle, TAGGING_COLUMNS, taggings)
            writer.write(Comment, COMMENT_COLUMNS, notes)
        owed -= len(notes)
        summary.articles += count
        summary.published += len(public)
        summary.bylines += len(bylines)
        summary.taggings += len(taggings)
        summary.comments += len(notes)
        summary.approved += sum(row[COMMENT_COUNT] for row in rows)
        if keep_ids:
            summary.article_ids.extend(ids)
        if progress:
            progress.update(summary.articles, summary.comments)
    if progress:
        progress.update(summary.articles, summary.comments, final=True)
    return summary


def generate_articles(
    count: int,
    *,
    seed: int = 0,
    days: int = 30,
    featured_ratio: float = 0.1,
    cover_ratio: float = 0.3,
) -> list[Article]:
    """Create ``count`` published articles and return them, oldest id first.

    For the demo and tests: sections and authors already in the database are
    used (sections are made when there are none); a few shared placeholder
    photos serve as covers.
    """
    summary = generate(
        count,
        seed=seed,
        days=days,
        featured_ratio=featured_ratio,
        cover_ratio=cover_ratio,
        keep_ids=True,
    )
    return list(Article.objects.filter(pk__in=summary.article_ids).order_by("pk"))


# --- PostgreSQL: indexes around a large load, statistics after -----------------

LOADED = [Article, ArticleAuthor, TaggedArticle, Comment]


def drop_secondary_indexes() -> list[tuple[str, str]]:
    """Drop the loaded tables' plain indexes; return (name, CREATE statement).

    Primary keys, unique constraints and every index behind a constraint stay,
    so the load cannot store a duplicate the schema refuses.
    """
    tables = [model._meta.db_table for model in LOADED]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(x.indexrelid)
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            WHERE t.relname = ANY(%s) AND t.relnamespace = to_regnamespace(
                current_schema())
              AND NOT x.indisprimary AND NOT x.indisunique
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                              WHERE c.conindid = x.indexrelid)
            ORDER BY i.relname
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return indexes


def skip_triggers() -> bool:
    """Turn this session's triggers off (the search trigger and the foreign-key
    checks); False when the database user may not (superuser only)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
    except DatabaseError:
        return False
    return True


def create_indexes(indexes: list[tuple[str, str]]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for _name, sql in indexes:
            cursor.execute(sql)
        cursor.execute("RESET maintenance_work_mem")


def analyse() -> str:
    """Fresh planner statistics (and, outside a transaction, the visibility map
    that index-only scans need). Returns what was run."""
    tables = [connection.ops.quote_name(model._meta.db_table) for model in LOADED]
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("ANALYZE")
            return "ANALYZE"
        for table in tables:
            cursor.execute(f"{'VACUUM (ANALYZE)' if vacuum else 'ANALYZE'} {table}")
    return "VACUUM ANALYZE" if vacuum else "ANALYZE"


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


class Command(BaseCommand):
    help = (
        "Tạo bài viết và bình luận mẫu tiếng Việt (cho demo và đo hiệu năng), "
        "theo từng lô, mỗi lô một lần commit."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, required=True, help="Số bài viết.")
        parser.add_argument(
            "--comments", type=int, default=0, help="Số bình luận (mặc định 0)."
        )
        parser.add_argument("--seed", type=int, default=0, help="Hạt giống ngẫu nhiên.")
        parser.add_argument(
            "--days", type=int, default=30, help="Rải thời gian đăng trong N ngày qua."
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=10_000,
            help="Số bài viết mỗi lô (mỗi lô một commit; mặc định 10000).",
        )
        parser.add_argument(
            "--unpublished-ratio",
            type=float,
            default=0.03,
            help="Tỉ lệ bài chưa công khai: nháp, chờ duyệt, hẹn giờ, đã gỡ "
            "(mặc định 0.03).",
        )
        parser.add_argument(
            "--bulk",
            choices=["auto", "on", "off"],
            default="auto",
            help="PostgreSQL: chế độ nạp lớn (on): bỏ các chỉ mục phụ rồi tạo lại "
            "khi xong, tắt trigger trong phiên và tự tính cột tìm kiếm; off: giữ "
            "nguyên; auto (mặc định): bật khi khối lượng lớn.",
        )

    def handle(self, *args, articles, comments, seed, days, batch_size, **options):
        ratio = options["unpublished_ratio"]
        if articles < 0 or comments < 0 or days < 1 or batch_size < 1:
            raise CommandError(
                "--articles, --comments phải >= 0; --days, --batch-size phải >= 1."
            )
        if not 0 <= ratio <= 1:
            raise CommandError("--unpublished-ratio phải trong khoảng 0..1.")
        verbose = options["verbosity"] > 0
        say = self.stderr.write if verbose else (lambda *a, **k: None)
        started = time.monotonic()
        postgres = connection.vendor == "postgresql"
        indexes, bulk = [], False
        if postgres:
            with connection.cursor() as cursor:
                # Each batch's commit need not wait for the disk: a crash loses
                # at most the last batches, never half of one.
                cursor.execute("SET synchronous_commit = off")
            if self._bulk(options["bulk"], articles, comments):
                bulk = skip_triggers()
                if bulk:
                    say(
                        "Chế độ nạp lớn: trigger và kiểm tra khóa ngoại tắt trong "
                        "phiên này (session_replication_role = replica); cột tìm "
                        "kiếm do lệnh tự tính, khóa do lệnh cấp trước."
                    )
                else:
                    say("Không tắt được trigger (cần quyền superuser): nạp thường.")
                indexes = drop_secondary_indexes()
                say(
                    f"Tạm bỏ {len(indexes)} chỉ mục phụ trong lúc nạp, sẽ tạo lại "
                    f"khi xong: {', '.join(name for name, _sql in indexes)}"
                )
        try:
            summary = generate(
                articles,
                comments,
                seed=seed,
                days=days,
                batch_size=batch_size,
                unpublished_ratio=ratio,
                progress=Progress(articles, self.stderr if verbose else None),
                with_search_vector=bulk,
            )
        finally:
            if bulk:
                with connection.cursor() as cursor:
                    cursor.execute("RESET session_replication_role")
            if indexes:
                mark = time.monotonic()
                say(f"Đang tạo lại {len(indexes)} chỉ mục…")
                create_indexes(indexes)
                say(
                    f"Đã tạo lại {len(indexes)} chỉ mục "
                    f"({time.monotonic() - mark:.0f} s)."
                )
            if postgres:
                with connection.cursor() as cursor:
                    cursor.execute("RESET synchronous_commit")
        # The rows went in past the signals that purge (COPY, bulk_create): a
        # running server must not go on serving the pages and menu of before.
        pagecache.purge_all()
        pagecache.forget_next_change()
        forget_site_context()
        loaded = time.monotonic()
        ran = analyse()
        finished = time.monotonic()
        rows = summary.articles + summary.bylines + summary.taggings + summary.comments
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        say(
            f"{ran}: {finished - loaded:.0f} s. Tổng {finished - started:.0f} s, "
            f"{rows / max(loaded - started, 1e-6):,.0f} dòng/s khi nạp, "
            f"bộ nhớ đỉnh {peak} MB."
        )
        self.stdout.write(
            f"Đã tạo {summary.articles} bài viết ({summary.published} đang hiển thị), "
            f"{summary.bylines} dòng tác giả, {summary.taggings} thẻ gắn bài, "
            f"{summary.comments} bình luận ({summary.approved} đã duyệt hiển thị)."
        )

    def _bulk(self, choice: str, articles: int, comments: int) -> bool:
        """Bulk mode wins when the load is large and at least doubles the table."""
        if choice != "auto":
            return choice == "on"
        return articles + comments >= 200_000 and articles >= Article.objects.count()
