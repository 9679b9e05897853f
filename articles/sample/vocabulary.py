"""The words sample content is made of: sections, bylines, tags, headlines,
sentences, readers' names and comments, in Vietnamese.

Data only. ``articles.sample.generator`` draws from these lists in a fixed
order, so changing one (even its order) changes what a seed generates.
"""

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
