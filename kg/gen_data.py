"""Vocabulary of the corpus generator (`kg.generate`): places, bodies, units, themes and phrases.

Everything here is plain data, recombined by `kg.generate` with a seeded random generator. The
names follow the administrative map after the 2025 merger (34 provinces and cities, communes and
wards without districts) and the departments (Sở) a provincial People's Committee keeps.
"""
from __future__ import annotations

# --- places -----------------------------------------------------------------------------------------
# (name, kind): kind "city" is a centrally-run city ("Thành phố Hà Nội"), "province" a province ("tỉnh Gia Lai").
PROVINCES: tuple[tuple[str, str], ...] = (
    ("Hà Nội", "city"), ("Hồ Chí Minh", "city"), ("Hải Phòng", "city"), ("Đà Nẵng", "city"),
    ("Cần Thơ", "city"), ("Huế", "city"),
    ("Lai Châu", "province"), ("Điện Biên", "province"), ("Sơn La", "province"), ("Lạng Sơn", "province"),
    ("Quảng Ninh", "province"), ("Thanh Hóa", "province"), ("Nghệ An", "province"), ("Hà Tĩnh", "province"),
    ("Cao Bằng", "province"), ("Tuyên Quang", "province"), ("Lào Cai", "province"), ("Thái Nguyên", "province"),
    ("Phú Thọ", "province"), ("Bắc Ninh", "province"), ("Hưng Yên", "province"), ("Ninh Bình", "province"),
    ("Quảng Trị", "province"), ("Quảng Ngãi", "province"), ("Gia Lai", "province"), ("Khánh Hòa", "province"),
    ("Lâm Đồng", "province"), ("Đắk Lắk", "province"), ("Đồng Nai", "province"), ("Tây Ninh", "province"),
    ("Vĩnh Long", "province"), ("Đồng Tháp", "province"), ("Cà Mau", "province"), ("An Giang", "province"),
)

# Syllables for commune and ward names ("xã Phước An", "phường Tân Hòa"); names that contain a
# province name are dropped by the generator so a commune is never read as a province.
COMMUNE_FIRST = (
    "Phước", "Tân", "An", "Hòa", "Bình", "Long", "Phú", "Thạnh", "Vĩnh", "Mỹ", "Hưng", "Thuận", "Đông",
    "Tây", "Nam", "Bắc", "Quang", "Minh", "Thanh", "Hồng", "Kim", "Xuân", "Trung", "Đức", "Hải", "Yên",
)
COMMUNE_SECOND = (
    "An", "Hòa", "Lợi", "Thành", "Phú", "Hưng", "Thịnh", "Lộc", "Tiến", "Sơn", "Điền", "Khánh", "Thới",
    "Mỹ", "Phong", "Quý", "Tân", "Trạch", "Vinh", "Xuyên", "Đông", "Hiệp", "Lâm", "Bình", "Hải", "Cường",
)

# --- people -----------------------------------------------------------------------------------------
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
            "Hồ", "Ngô", "Dương", "Lý", "Trương", "Đinh", "Lâm", "Mai", "Tạ", "Châu")
MIDDLES = ("Văn", "Thị", "Minh", "Thanh", "Quốc", "Hữu", "Đức", "Ngọc", "Hoàng", "Thành", "Xuân", "Anh",
           "Công", "Trọng", "Kim", "Hồng", "Việt", "Tuấn")
GIVENS = ("Hùng", "Dũng", "Hà", "Lan", "Tuấn", "Hải", "Bình", "Nam", "Sơn", "Phương", "Thảo", "Long",
          "Hiếu", "Trung", "Thắng", "Hương", "Khoa", "Quang", "Vinh", "Yến", "Tâm", "Cường", "Hòa", "Thủy",
          "Linh", "Phúc", "Tùng", "Nga", "Hạnh", "Thịnh")

# --- national bodies ------------------------------------------------------------------------------
# code -> (name, name in capitals as printed in a header)
MINISTRIES: dict[str, tuple[str, str]] = {
    "BNV": ("Bộ Nội vụ", "BỘ NỘI VỤ"),
    "BTC": ("Bộ Tài chính", "BỘ TÀI CHÍNH"),
    "BGDĐT": ("Bộ Giáo dục và Đào tạo", "BỘ GIÁO DỤC VÀ ĐÀO TẠO"),
    "BYT": ("Bộ Y tế", "BỘ Y TẾ"),
    "BTP": ("Bộ Tư pháp", "BỘ TƯ PHÁP"),
    "BXD": ("Bộ Xây dựng", "BỘ XÂY DỰNG"),
    "BCT": ("Bộ Công Thương", "BỘ CÔNG THƯƠNG"),
    "BKHCN": ("Bộ Khoa học và Công nghệ", "BỘ KHOA HỌC VÀ CÔNG NGHỆ"),
    "BNNMT": ("Bộ Nông nghiệp và Môi trường", "BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"),
    "BVHTTDL": ("Bộ Văn hóa, Thể thao và Du lịch", "BỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH"),
}

# Units of a ministry that lead or support its tasks (a ministry plan's own offices).
MINISTRY_UNITS: dict[str, tuple[str, ...]] = {
    "BNV": ("Vụ Tổ chức - Biên chế", "Vụ Chính quyền địa phương", "Cục Việc làm", "Vụ Cải cách hành chính",
            "Văn phòng Bộ", "Vụ Kế hoạch - Tài chính"),
    "BTC": ("Vụ Ngân sách nhà nước", "Cục Quản lý công sản", "Vụ Đầu tư", "Văn phòng Bộ", "Cục Phát triển doanh nghiệp tư nhân và kinh tế tập thể"),
    "BGDĐT": ("Vụ Giáo dục phổ thông", "Vụ Giáo dục Mầm non", "Cục Nhà giáo và Cán bộ quản lý giáo dục",
              "Văn phòng Bộ", "Vụ Kế hoạch - Tài chính", "Cục Khoa học, Công nghệ và Thông tin"),
    "BYT": ("Cục Quản lý khám, chữa bệnh", "Cục Phòng bệnh", "Vụ Kế hoạch - Tài chính", "Văn phòng Bộ",
            "Cục An toàn thực phẩm"),
    "BTP": ("Vụ Pháp luật hình sự - hành chính", "Cục Kiểm tra văn bản và Quản lý xử lý vi phạm hành chính",
            "Vụ Phổ biến, giáo dục pháp luật", "Văn phòng Bộ"),
    "BXD": ("Cục Quản lý nhà và thị trường bất động sản", "Vụ Quy hoạch - Kiến trúc", "Văn phòng Bộ",
            "Cục Kinh tế - Quản lý đầu tư xây dựng"),
    "BCT": ("Cục Thương mại điện tử và Kinh tế số", "Vụ Thị trường trong nước", "Văn phòng Bộ",
            "Cục Điện lực"),
    "BKHCN": ("Cục Chuyển đổi số quốc gia", "Vụ Khoa học xã hội, nhân văn và tự nhiên", "Văn phòng Bộ",
              "Cục Đổi mới sáng tạo", "Cục Thông tin, Thống kê"),
    "BNNMT": ("Cục Kinh tế hợp tác và Phát triển nông thôn", "Cục Quản lý đê điều và Phòng, chống thiên tai",
              "Văn phòng Bộ", "Vụ Kế hoạch - Tài chính"),
    "BVHTTDL": ("Cục Văn hóa cơ sở, Gia đình và Thư viện", "Vụ Kế hoạch, Tài chính", "Văn phòng Bộ",
                "Cục Du lịch Quốc gia Việt Nam"),
}

# --- provincial departments ------------------------------------------------------------------------
# code -> (name, abbreviation or None, offices used as lead/support units in the department's plans)
DEPARTMENTS: dict[str, tuple[str, str | None, tuple[str, ...]]] = {
    "SNV": ("Sở Nội vụ", None, (
        "Phòng Tổ chức, biên chế và Tổ chức phi chính phủ", "Phòng Xây dựng chính quyền và Công tác thanh niên",
        "Phòng Cải cách hành chính", "Phòng Công chức, viên chức", "Phòng Lao động, Tiền lương và Bảo hiểm xã hội",
        "Phòng Việc làm và Giáo dục nghề nghiệp")),
    "STC": ("Sở Tài chính", None, (
        "Phòng Quản lý ngân sách", "Phòng Tài chính doanh nghiệp", "Phòng Quản lý giá và Công sản",
        "Phòng Tài chính đầu tư", "Phòng Kế hoạch tổng hợp", "Phòng Đăng ký kinh doanh")),
    "SGDĐT": ("Sở Giáo dục và Đào tạo", "Sở GDĐT", (
        "Phòng Giáo dục Mầm non", "Phòng Giáo dục Phổ thông", "Phòng Giáo dục nghề nghiệp và Giáo dục thường xuyên",
        "Phòng Tổ chức cán bộ", "Phòng Kế hoạch - Tài chính", "Phòng Quản lý chất lượng")),
    "SYT": ("Sở Y tế", None, (
        "Phòng Nghiệp vụ Y", "Phòng Nghiệp vụ Dược", "Phòng Kế hoạch - Tài chính", "Phòng Tổ chức cán bộ",
        "Phòng Dân số và Trẻ em", "Phòng Bảo trợ xã hội")),
    "STP": ("Sở Tư pháp", None, (
        "Phòng Xây dựng và Kiểm tra văn bản", "Phòng Phổ biến, giáo dục pháp luật", "Phòng Hành chính tư pháp",
        "Phòng Bổ trợ tư pháp", "Phòng Quản lý xử lý vi phạm hành chính")),
    "SXD": ("Sở Xây dựng", None, (
        "Phòng Quản lý hạ tầng kỹ thuật", "Phòng Quản lý nhà và Thị trường bất động sản", "Phòng Quy hoạch - Kiến trúc",
        "Phòng Quản lý vận tải", "Phòng Kinh tế xây dựng")),
    "SCT": ("Sở Công Thương", None, (
        "Phòng Quản lý thương mại", "Phòng Quản lý công nghiệp", "Phòng Quản lý năng lượng",
        "Phòng Kế hoạch - Tài chính", "Chi cục Quản lý thị trường")),
    "SKHCN": ("Sở Khoa học và Công nghệ", "Sở KHCN", (
        "Phòng Quản lý khoa học", "Phòng Chuyển đổi số", "Phòng Bưu chính, Viễn thông",
        "Phòng Đổi mới sáng tạo", "Phòng Kế hoạch - Tài chính")),
    "SNNMT": ("Sở Nông nghiệp và Môi trường", None, (
        "Chi cục Thủy lợi", "Chi cục Trồng trọt và Bảo vệ thực vật", "Chi cục Kiểm lâm", "Phòng Kế hoạch - Tài chính",
        "Phòng Quản lý đất đai", "Phòng Phát triển nông thôn")),
    "SVHTTDL": ("Sở Văn hóa, Thể thao và Du lịch", None, (
        "Phòng Quản lý văn hóa", "Phòng Quản lý thể dục thể thao", "Phòng Quản lý du lịch",
        "Phòng Xây dựng nếp sống văn hóa và Gia đình", "Phòng Kế hoạch - Tài chính")),
    "SDTTG": ("Sở Dân tộc và Tôn giáo", None, (
        "Phòng Chính sách dân tộc", "Phòng Quản lý tôn giáo", "Phòng Tuyên truyền và Hợp tác quốc tế")),
}
SECTORS = {"SNV": "nội vụ", "STC": "tài chính", "SGDĐT": "giáo dục và đào tạo", "SYT": "y tế", "STP": "tư pháp",
           "SXD": "xây dựng", "SCT": "công thương", "SKHCN": "khoa học và công nghệ",
           "SNNMT": "nông nghiệp và môi trường", "SVHTTDL": "văn hóa, thể thao và du lịch",
           "SDTTG": "dân tộc và tôn giáo"}
# codes of the departments whose symbol code the citation tables know (others are written with the UBND code)
DEPT_SYMBOL = {"SNV": "SNV", "STC": "STC", "SGDĐT": "SGDĐT", "SYT": "SYT", "STP": "STP", "SXD": "SXD",
               "SCT": "SCT", "SKHCN": "SKHCN", "SNNMT": "SNNMT", "SVHTTDL": "SVHTTDL", "SDTTG": "SDTTG"}

# Other provincial bodies named as units: (written form with {t} for "tỉnh"/"Thành phố").
PROVINCE_BODIES = (
    "Công an {t}", "Bộ Chỉ huy Quân sự {t}", "Bảo hiểm xã hội {t}", "Ủy ban Mặt trận Tổ quốc Việt Nam {t}",
    "Liên đoàn Lao động {t}", "Hội Liên hiệp Phụ nữ {t}", "Trung tâm Phục vụ hành chính công {t}",
    "Thanh tra {t}", "Đài Phát thanh và Truyền hình {t}",
)

COMMUNE_UNITS_XA = ("Phòng Kinh tế", "Phòng Văn hóa - Xã hội")
COMMUNE_UNITS_PHUONG = ("Phòng Kinh tế, Hạ tầng và Đô thị", "Phòng Văn hóa - Xã hội")
COMMUNE_BODIES = ("Công an {c}", "Ban Chỉ huy Quân sự {c}", "Trung tâm Phục vụ hành chính công {c}",
                  "Ủy ban Mặt trận Tổ quốc Việt Nam {c}")

# --- themes -----------------------------------------------------------------------------------------
# Each theme: subject of the Party resolution, its short name, the Party body and document type,
# the ministry and department that lead it, and task titles (no relation verbs in them).
THEMES: tuple[dict, ...] = (
    {
        "subject": "đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia",
        "short": "khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số",
        "party": ("Nghị quyết", "NQ", "Bộ Chính trị"), "ministry": "BKHCN", "dept": "SKHCN",
        "tasks": (
            "Hoàn thiện hạ tầng số, bảo đảm kết nối băng rộng đến các thôn, ấp, khu dân cư",
            "Xây dựng cơ sở dữ liệu dùng chung phục vụ chỉ đạo, điều hành",
            "Đưa toàn bộ thủ tục hành chính đủ điều kiện lên môi trường số",
            "Phát triển nguồn nhân lực số chất lượng cao",
            "Bảo đảm an toàn thông tin mạng cho các hệ thống thông tin dùng chung",
            "Hỗ trợ doanh nghiệp nhỏ và vừa ứng dụng công nghệ số",
            "Phát triển hệ sinh thái khởi nghiệp đổi mới sáng tạo",
            "Nâng cao kỹ năng số cho người dân thông qua phong trào Bình dân học vụ số",
            "Số hóa hồ sơ, tài liệu lưu trữ của các cơ quan nhà nước",
            "Đầu tư trung tâm dữ liệu và nền tảng điện toán đám mây",
        ),
    },
    {
        "subject": "phát triển kinh tế tư nhân",
        "short": "phát triển kinh tế tư nhân",
        "party": ("Nghị quyết", "NQ", "Bộ Chính trị"), "ministry": "BTC", "dept": "STC",
        "tasks": (
            "Cắt giảm, đơn giản hóa thủ tục hành chính liên quan đến hoạt động kinh doanh",
            "Tạo thuận lợi cho doanh nghiệp tiếp cận đất đai, mặt bằng sản xuất",
            "Nâng cao hiệu quả các quỹ hỗ trợ doanh nghiệp nhỏ và vừa",
            "Phát triển các hộ kinh doanh thành doanh nghiệp",
            "Tổ chức đối thoại định kỳ với cộng đồng doanh nghiệp",
            "Hỗ trợ doanh nghiệp tham gia chuỗi cung ứng và xuất khẩu",
            "Nâng cao Chỉ số năng lực cạnh tranh cấp tỉnh",
            "Đào tạo kiến thức quản trị cho chủ doanh nghiệp",
            "Kết nối doanh nghiệp tư nhân với các tổ chức tín dụng",
        ),
    },
    {
        "subject": "đổi mới công tác xây dựng và thi hành pháp luật đáp ứng yêu cầu phát triển đất nước trong kỷ nguyên mới",
        "short": "xây dựng và thi hành pháp luật",
        "party": ("Nghị quyết", "NQ", "Bộ Chính trị"), "ministry": "BTP", "dept": "STP",
        "tasks": (
            "Rà soát hệ thống văn bản quy phạm pháp luật của tỉnh",
            "Nâng cao chất lượng thẩm định dự thảo văn bản quy phạm pháp luật",
            "Đổi mới công tác phổ biến, giáo dục pháp luật",
            "Kiện toàn đội ngũ cán bộ làm công tác pháp chế",
            "Tăng cường kiểm tra, xử lý văn bản trái pháp luật",
            "Ứng dụng công nghệ số trong xây dựng và tra cứu văn bản",
            "Nâng cao hiệu quả trợ giúp pháp lý cho người dân",
            "Theo dõi tình hình thi hành pháp luật trên các lĩnh vực trọng tâm",
        ),
    },
    {
        "subject": "đột phá phát triển giáo dục và đào tạo",
        "short": "phát triển giáo dục và đào tạo",
        "party": ("Nghị quyết", "NQ", "Bộ Chính trị"), "ministry": "BGDĐT", "dept": "SGDĐT",
        "tasks": (
            "Rà soát, sắp xếp mạng lưới cơ sở giáo dục mầm non và phổ thông",
            "Bảo đảm đủ giáo viên theo định mức cho các cấp học",
            "Đầu tư cơ sở vật chất, thiết bị dạy học hiện đại",
            "Nâng cao chất lượng dạy và học ngoại ngữ",
            "Phát triển giáo dục nghề nghiệp gắn với nhu cầu thị trường lao động",
            "Xây dựng trường học số và học liệu số dùng chung",
            "Phổ cập giáo dục mầm non cho trẻ em từ 3 đến 5 tuổi",
            "Bồi dưỡng năng lực cho đội ngũ cán bộ quản lý giáo dục",
            "Đẩy mạnh giáo dục STEM trong nhà trường",
        ),
    },
    {
        "subject": "tăng cường bảo vệ, chăm sóc và nâng cao sức khỏe nhân dân",
        "short": "bảo vệ, chăm sóc và nâng cao sức khỏe nhân dân",
        "party": ("Nghị quyết", "NQ", "Bộ Chính trị"), "ministry": "BYT", "dept": "SYT",
        "tasks": (
            "Củng cố mạng lưới y tế cơ sở",
            "Nâng cao chất lượng khám bệnh, chữa bệnh tại bệnh viện tuyến tỉnh",
            "Tổ chức khám sức khỏe định kỳ cho người dân",
            "Phát triển hồ sơ sức khỏe điện tử",
            "Tăng cường phòng, chống dịch bệnh truyền nhiễm",
            "Bảo đảm cung ứng thuốc, vật tư y tế",
            "Nâng cao tỷ lệ bao phủ bảo hiểm y tế",
            "Phát triển y học cổ truyền kết hợp y học hiện đại",
        ),
    },
    {
        "subject": "giảm nghèo bền vững giai đoạn 2021 - 2025",
        "short": "giảm nghèo bền vững",
        "party": ("Chỉ thị", "CT", "Ban Bí thư"), "ministry": "BNNMT", "dept": "SNNMT",
        "tasks": (
            "Hỗ trợ phát triển sản xuất, đa dạng hóa sinh kế cho hộ nghèo",
            "Hỗ trợ nhà ở cho hộ nghèo, hộ cận nghèo",
            "Nâng cao năng lực giảm nghèo cho cán bộ cơ sở",
            "Rà soát hộ nghèo, hộ cận nghèo hằng năm",
            "Hỗ trợ việc làm bền vững cho người lao động thuộc hộ nghèo",
            "Truyền thông về giảm nghèo đa chiều",
            "Phát triển mô hình liên kết sản xuất theo chuỗi giá trị",
            "Cải thiện dinh dưỡng cho trẻ em thuộc hộ nghèo",
        ),
    },
    {
        "subject": "xây dựng và phát huy giá trị văn hóa, con người Việt Nam",
        "short": "phát triển văn hóa, con người",
        "party": ("Kết luận", "KL", "Bộ Chính trị"), "ministry": "BVHTTDL", "dept": "SVHTTDL",
        "tasks": (
            "Bảo tồn, phát huy giá trị di sản văn hóa trên địa bàn",
            "Xây dựng môi trường văn hóa lành mạnh trong cơ quan, đơn vị",
            "Phát triển các thiết chế văn hóa, thể thao cơ sở",
            "Phát triển công nghiệp văn hóa gắn với du lịch",
            "Nâng cao chất lượng phong trào Toàn dân đoàn kết xây dựng đời sống văn hóa",
            "Xây dựng gia đình no ấm, tiến bộ, hạnh phúc",
            "Quảng bá hình ảnh văn hóa, con người địa phương",
        ),
    },
    {
        "subject": "đẩy mạnh cải cách hành chính, nâng cao chất lượng phục vụ người dân, doanh nghiệp",
        "short": "cải cách hành chính",
        "party": ("Kết luận", "KL", "Bộ Chính trị"), "ministry": "BNV", "dept": "SNV",
        "tasks": (
            "Rà soát, cắt giảm thành phần hồ sơ, thời gian giải quyết thủ tục hành chính",
            "Nâng cao chất lượng hoạt động của Bộ phận một cửa các cấp",
            "Kiện toàn tổ chức bộ máy tinh gọn, hoạt động hiệu lực, hiệu quả",
            "Nâng cao chất lượng đội ngũ cán bộ, công chức, viên chức",
            "Đẩy mạnh cung cấp dịch vụ công trực tuyến toàn trình",
            "Đo lường sự hài lòng của người dân đối với sự phục vụ của cơ quan hành chính",
            "Tăng cường kỷ luật, kỷ cương hành chính",
            "Cải cách chế độ công vụ, công chức",
        ),
    },
    {
        "subject": "chủ động ứng phó với biến đổi khí hậu, phòng, chống thiên tai",
        "short": "phòng, chống thiên tai và ứng phó với biến đổi khí hậu",
        "party": ("Nghị quyết", "NQ", "Ban Chấp hành Trung ương"), "ministry": "BNNMT", "dept": "SNNMT",
        "tasks": (
            "Rà soát, cập nhật phương án ứng phó thiên tai theo cấp độ rủi ro",
            "Nâng cấp hệ thống đê điều, hồ đập xung yếu",
            "Tổ chức diễn tập phòng, chống thiên tai và tìm kiếm cứu nạn",
            "Xây dựng bản đồ cảnh báo nguy cơ sạt lở đất, lũ quét",
            "Nâng cao nhận thức cộng đồng về quản lý rủi ro thiên tai",
            "Bố trí dân cư vùng có nguy cơ thiên tai cao",
            "Trồng rừng phòng hộ ven biển, ven sông",
        ),
    },
    {
        "subject": "phát triển nhà ở xã hội",
        "short": "phát triển nhà ở xã hội",
        "party": ("Chỉ thị", "CT", "Ban Bí thư"), "ministry": "BXD", "dept": "SXD",
        "tasks": (
            "Rà soát quỹ đất dành cho phát triển nhà ở xã hội",
            "Đơn giản hóa thủ tục đầu tư dự án nhà ở xã hội",
            "Công khai danh mục dự án nhà ở xã hội trên địa bàn",
            "Kiểm tra việc xét duyệt đối tượng mua, thuê nhà ở xã hội",
            "Phát triển nhà ở cho công nhân tại các khu công nghiệp",
            "Cải tạo các chung cư cũ xuống cấp",
        ),
    },
    {
        "subject": "phát triển thương mại điện tử và kinh tế số",
        "short": "phát triển thương mại điện tử",
        "party": ("Nghị quyết", "NQ", "Bộ Chính trị"), "ministry": "BCT", "dept": "SCT",
        "tasks": (
            "Hỗ trợ doanh nghiệp, hợp tác xã đưa sản phẩm lên sàn thương mại điện tử",
            "Phát triển thanh toán không dùng tiền mặt",
            "Tổ chức hội chợ, triển lãm trực tuyến",
            "Tăng cường quản lý hoạt động kinh doanh trên môi trường mạng",
            "Đào tạo kỹ năng kinh doanh số cho hộ kinh doanh",
            "Xây dựng chuỗi cung ứng sản phẩm chủ lực của địa phương",
        ),
    },
    {
        "subject": "công tác dân tộc và chính sách tín ngưỡng, tôn giáo trong tình hình mới",
        "short": "công tác dân tộc, tôn giáo",
        "party": ("Kết luận", "KL", "Ban Bí thư"), "ministry": "BNV", "dept": "SDTTG",
        "tasks": (
            "Đầu tư kết cấu hạ tầng vùng đồng bào dân tộc thiểu số",
            "Bảo tồn ngôn ngữ, chữ viết và văn hóa truyền thống các dân tộc",
            "Nâng cao chất lượng đội ngũ người có uy tín trong đồng bào dân tộc thiểu số",
            "Quản lý nhà nước đối với hoạt động tín ngưỡng, tôn giáo",
            "Hỗ trợ học sinh dân tộc thiểu số tại các trường dân tộc nội trú",
            "Phát triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số và miền núi",
        ),
    },
)

# Task titles any theme can carry ({s} is the theme's short name).
GENERIC_TASKS = (
    "Tăng cường công tác tuyên truyền, phổ biến về {s}",
    "Rà soát, hoàn thiện cơ chế, chính sách về {s}",
    "Kiện toàn tổ chức, nâng cao năng lực đội ngũ làm công tác {s}",
    "Bố trí nguồn lực bảo đảm cho {s}",
    "Kiểm tra, giám sát, đánh giá kết quả {s}",
    "Đẩy mạnh ứng dụng công nghệ thông tin trong {s}",
    "Huy động sự tham gia của doanh nghiệp và người dân vào {s}",
    "Sơ kết, tổng kết, khen thưởng các tập thể, cá nhân có thành tích trong {s}",
    "Tăng cường hợp tác, học tập kinh nghiệm về {s}",
    "Xây dựng bộ chỉ tiêu theo dõi, đánh giá {s}",
)

# Sentences of a task's content (no unit names, no relation verbs before citations).
TASK_CONTENT = (
    "Tổ chức rà soát, đánh giá thực trạng, xác định rõ những kết quả đạt được, hạn chế, nguyên nhân và bài học kinh nghiệm; trên cơ sở đó đề xuất các giải pháp phù hợp với điều kiện thực tế của địa phương.",
    "Xây dựng lộ trình cụ thể, phân công rõ người, rõ việc, rõ thời gian, rõ trách nhiệm và rõ kết quả; bảo đảm tiến độ và chất lượng các nhiệm vụ được giao.",
    "Lồng ghép các nội dung của nhiệm vụ vào chương trình công tác hằng năm của cơ quan, đơn vị; ưu tiên bố trí nguồn lực cho các nội dung trọng tâm, cấp bách.",
    "Đổi mới nội dung, hình thức tuyên truyền, chú trọng sử dụng các nền tảng số, mạng xã hội và hệ thống thông tin cơ sở để thông tin đến người dân, doanh nghiệp.",
    "Tăng cường kiểm tra, đôn đốc, kịp thời tháo gỡ khó khăn, vướng mắc phát sinh trong quá trình tổ chức thực hiện; xử lý nghiêm các trường hợp vi phạm.",
    "Định kỳ sáu tháng, hằng năm tổng hợp, đánh giá kết quả và đề xuất điều chỉnh, bổ sung nhiệm vụ cho phù hợp với tình hình thực tế.",
    "Huy động và sử dụng có hiệu quả các nguồn lực hợp pháp, bảo đảm công khai, minh bạch, tránh thất thoát, lãng phí.",
    "Nghiên cứu, học tập kinh nghiệm của các địa phương làm tốt để vận dụng linh hoạt, sáng tạo vào điều kiện cụ thể của tỉnh.",
    "Nâng cao trách nhiệm của người đứng đầu cơ quan, đơn vị trong lãnh đạo, chỉ đạo và tổ chức thực hiện nhiệm vụ.",
    "Chú trọng đào tạo, bồi dưỡng, nâng cao trình độ chuyên môn, kỹ năng cho đội ngũ cán bộ, công chức, viên chức trực tiếp tham mưu, thực hiện nhiệm vụ.",
    "Ứng dụng công nghệ số trong theo dõi, cập nhật tiến độ, bảo đảm dữ liệu đúng, đủ, sạch, sống và được chia sẻ giữa các cơ quan có liên quan.",
    "Tổ chức hội nghị, hội thảo, tọa đàm để lấy ý kiến của chuyên gia, doanh nghiệp và người dân về các giải pháp trọng tâm.",
    "Đánh giá tác động của các chính sách đã ban hành, đề xuất sửa đổi những quy định không còn phù hợp với thực tiễn.",
    "Phát hiện, biểu dương, nhân rộng các mô hình hay, cách làm hiệu quả; kịp thời khen thưởng các tập thể, cá nhân có thành tích tiêu biểu.",
    "Xác định cụ thể các chỉ tiêu định lượng, bảo đảm có thể đo lường, kiểm tra, đánh giá được kết quả thực hiện.",
    "Bảo đảm sự phối hợp chặt chẽ, đồng bộ giữa các cấp, các ngành trong quá trình tổ chức thực hiện, tránh chồng chéo, bỏ sót nhiệm vụ.",
    "Rà soát quy trình nội bộ, cắt giảm các bước trung gian không cần thiết, rút ngắn thời gian xử lý công việc.",
    "Công khai kết quả thực hiện trên cổng thông tin điện tử của cơ quan, đơn vị để người dân, doanh nghiệp theo dõi, giám sát.",
    "Lựa chọn một số địa bàn, lĩnh vực có điều kiện để thí điểm, sau đó đánh giá, nhân rộng.",
    "Tăng cường trao đổi thông tin, chia sẻ dữ liệu giữa các cơ quan, đơn vị có liên quan trên môi trường điện tử.",
    "Kịp thời cập nhật các quy định mới của Trung ương để điều chỉnh nội dung, biện pháp tổ chức thực hiện cho phù hợp.",
    "Đưa kết quả thực hiện nhiệm vụ vào tiêu chí bình xét thi đua, khen thưởng hằng năm của cơ quan, đơn vị.",
)

# First sentences of a task's content ({t}: the task title in lower case, {s}: the theme).
TASK_LEADS = (
    "Tập trung {t}, bảo đảm thiết thực, hiệu quả, phù hợp với điều kiện thực tế của địa phương.",
    "Xác định {t} là nhiệm vụ trọng tâm, thường xuyên của các cơ quan, đơn vị trong năm.",
    "Ưu tiên nguồn lực để {t}, gắn với mục tiêu chung về {s}.",
    "Chủ động xây dựng phương án, lộ trình để {t}; định kỳ đánh giá kết quả đạt được.",
)
TARGETS = (
    "Phấn đấu đến năm {y}, {p}% cơ quan, đơn vị hoàn thành các chỉ tiêu về {s}.",
    "Phấn đấu đến năm {y} có ít nhất {p}% hồ sơ, dữ liệu được cập nhật, chuẩn hóa và chia sẻ.",
    "Bảo đảm đến năm {y}, tỷ lệ người dân, doanh nghiệp hài lòng đạt trên {p}%.",
)

PURPOSE = (
    "Quán triệt sâu sắc, cụ thể hóa đầy đủ các quan điểm, mục tiêu, nhiệm vụ và giải pháp về {s}, tạo sự thống nhất cao trong nhận thức và hành động của cả hệ thống chính trị.",
    "Xác định rõ nhiệm vụ trọng tâm, lộ trình và trách nhiệm của các cơ quan, đơn vị, địa phương, bảo đảm tính khả thi, phù hợp với điều kiện thực tế.",
    "Tạo chuyển biến rõ nét về {s}, góp phần phát triển kinh tế - xã hội nhanh và bền vững.",
    "Nâng cao hiệu lực, hiệu quả quản lý nhà nước, huy động sự vào cuộc của toàn xã hội về {s}.",
    "Làm cơ sở để các cơ quan, đơn vị xây dựng kế hoạch cụ thể, đồng thời kiểm tra, giám sát và đánh giá kết quả thực hiện.",
    "Phát huy vai trò, trách nhiệm của người đứng đầu, tinh thần chủ động, sáng tạo của đội ngũ cán bộ, công chức, viên chức.",
)
REQUIREMENTS = (
    "Bám sát các quan điểm, mục tiêu, nhiệm vụ, giải pháp đã đề ra; bảo đảm sự lãnh đạo, chỉ đạo thống nhất, xuyên suốt từ tỉnh đến cơ sở.",
    "Các nhiệm vụ phải được triển khai đồng bộ, có trọng tâm, trọng điểm, gắn với chức năng, nhiệm vụ của từng cơ quan, đơn vị.",
    "Phân công nhiệm vụ cụ thể, rõ ràng; bảo đảm sự phối hợp chặt chẽ giữa các cơ quan, đơn vị trong tổ chức thực hiện.",
    "Thường xuyên theo dõi, kiểm tra, đôn đốc; định kỳ sơ kết, đánh giá kết quả, kịp thời điều chỉnh những nội dung không còn phù hợp.",
    "Bảo đảm tiết kiệm, hiệu quả, tránh hình thức, lãng phí; sử dụng kinh phí đúng mục đích, đúng quy định.",
    "Gắn kết quả thực hiện nhiệm vụ với công tác đánh giá, xếp loại cơ quan, đơn vị và người đứng đầu.",
)

# Duties in the organisation section.
DUTY_LEAD = (
    "Chủ trì, theo dõi, đôn đốc các cơ quan, đơn vị triển khai thực hiện Kế hoạch; định kỳ tổng hợp kết quả, báo cáo theo quy định.",
    "Là cơ quan thường trực, có trách nhiệm tham mưu tổ chức sơ kết, tổng kết và đề xuất khen thưởng các tập thể, cá nhân có thành tích xuất sắc.",
    "Hướng dẫn các cơ quan, đơn vị xây dựng kế hoạch chi tiết và tổ chức kiểm tra việc thực hiện.",
)
DUTY_OTHER = (
    "Căn cứ chức năng, nhiệm vụ được giao, chủ động triển khai các nội dung của Kế hoạch thuộc lĩnh vực quản lý.",
    "Tham mưu bố trí kinh phí thực hiện Kế hoạch theo phân cấp ngân sách hiện hành.",
    "Xây dựng kế hoạch cụ thể của cơ quan, đơn vị và tổ chức thực hiện đúng tiến độ.",
    "Định kỳ sáu tháng, hằng năm báo cáo kết quả thực hiện về cơ quan thường trực để tổng hợp.",
    "Tăng cường công tác thông tin, tuyên truyền về các nội dung của Kế hoạch.",
    "Chủ động tham mưu giải quyết các khó khăn, vướng mắc thuộc phạm vi quản lý.",
)
CLOSING = (
    "Trong quá trình tổ chức thực hiện, nếu có khó khăn, vướng mắc hoặc cần sửa đổi, bổ sung, các cơ quan, đơn vị kịp thời phản ánh về cơ quan thường trực để tổng hợp, báo cáo xem xét, quyết định./.",
    "Yêu cầu các cơ quan, đơn vị, địa phương nghiêm túc triển khai thực hiện; kịp thời báo cáo những khó khăn, vướng mắc phát sinh để được hướng dẫn giải quyết./.",
)
FUNDING = (
    "Kinh phí thực hiện Kế hoạch được bố trí từ nguồn ngân sách nhà nước theo phân cấp quản lý ngân sách hiện hành và các nguồn huy động hợp pháp khác.",
    "Các cơ quan, đơn vị lập dự toán kinh phí thực hiện nhiệm vụ, tổng hợp chung vào dự toán ngân sách hằng năm theo quy định.",
)
# Anchors a footnote marker can be glued to, each ending a sentence of the body.
ANCHOR_SENTENCES = (
    ("Thực hiện nghiêm các quy định của Trung ương và của tỉnh về", "{s}"),
    ("Tiếp tục quán triệt và tổ chức thực hiện có hiệu quả các chủ trương của Đảng về", "{s}"),
    ("Bảo đảm thực hiện đúng quy định về quản lý và sử dụng", "tài sản công"),
    ("Tăng cường kỷ luật, kỷ cương trong thực thi", "công vụ"),
    ("Thực hiện chế độ thông tin, báo cáo theo đúng", "quy định hiện hành"),
    ("Gắn với việc thực hiện các chương trình mục tiêu quốc gia trong", "giai đoạn mới"),
    ("Bảo đảm thực hiện đồng bộ với chương trình chuyển đổi số", "của tỉnh"),
    ("Thực hiện nghiêm chế độ trách nhiệm của", "người đứng đầu"),
)

# Government and Prime Minister documents that any plan may rest on: (type word, code, subject)
GENERAL_DECREES = (
    ("Nghị định", "NĐ-CP", "quy định tổ chức các cơ quan chuyên môn thuộc Ủy ban nhân dân tỉnh, thành phố trực thuộc Trung ương"),
    ("Nghị định", "NĐ-CP", "về thực hiện thủ tục hành chính trên môi trường điện tử"),
    ("Nghị định", "NĐ-CP", "quy định về kết nối, chia sẻ dữ liệu bắt buộc giữa các cơ quan"),
    ("Nghị định", "NĐ-CP", "quy định chế độ báo cáo của cơ quan hành chính nhà nước"),
    ("Nghị định", "NĐ-CP", "về chính sách tinh giản biên chế"),
    ("Nghị định", "NĐ-CP", "quy định chi tiết một số điều của Luật Ngân sách nhà nước"),
)
PM_DECISIONS = (
    "phê duyệt Chiến lược dữ liệu quốc gia đến năm 2030",
    "phê duyệt Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021 - 2030",
    "phê duyệt Đề án phát triển ứng dụng dữ liệu về dân cư, định danh và xác thực điện tử",
    "ban hành Chương trình hành động quốc gia về phát triển bền vững",
    "phê duyệt Chiến lược quốc gia về phòng, chống thiên tai đến năm 2030",
    "phê duyệt Chương trình mục tiêu quốc gia giảm nghèo bền vững giai đoạn 2021 - 2025",
)
# Laws: (name, number/symbol, date of adoption)
LAWS = (
    ("Luật Tổ chức chính quyền địa phương", "77/2015/QH13", "2015-06-19"),
    ("Luật Tổ chức chính quyền địa phương", "72/2025/QH15", "2025-06-16"),
    ("Luật Ban hành văn bản quy phạm pháp luật", "80/2015/QH13", "2015-06-22"),
    ("Luật Ban hành văn bản quy phạm pháp luật", "64/2025/QH15", "2025-02-19"),
    ("Luật Ngân sách nhà nước", "83/2015/QH13", "2015-06-25"),
    ("Luật Tổ chức Chính phủ", "76/2015/QH13", "2015-06-19"),
    ("Luật Tổ chức Chính phủ", "63/2025/QH15", "2025-02-18"),
)
# the ministry that guides a department's sector
DEPT_MINISTRY = {"SNV": "BNV", "STC": "BTC", "SGDĐT": "BGDĐT", "SYT": "BYT", "STP": "BTP", "SXD": "BXD",
                 "SCT": "BCT", "SKHCN": "BKHCN", "SNNMT": "BNNMT", "SVHTTDL": "BVHTTDL"}
CIRCULAR_DECREES = (
    "về chính sách tinh giản biên chế",
    "quy định về vị trí việc làm và biên chế công chức",
    "về quản lý, sử dụng tài sản công",
    "quy định về công tác thi đua, khen thưởng",
    "quy định chế độ báo cáo thống kê ngành",
)

# Provincial documents with no generated text: (type word, code, subject)
LOCAL_DECISIONS = (
    ("Quyết định", "QĐ-UBND", "ban hành Quy chế làm việc của Ủy ban nhân dân tỉnh nhiệm kỳ 2021 - 2026"),
    ("Quyết định", "QĐ-UBND", "ban hành Quy chế quản lý, vận hành Hệ thống thông tin giải quyết thủ tục hành chính"),
    ("Quyết định", "QĐ-UBND", "phê duyệt Đề án nâng cao chất lượng nguồn nhân lực giai đoạn 2021 - 2030"),
    ("Quyết định", "QĐ-UBND", "quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của các cơ quan chuyên môn"),
    ("Nghị quyết", "NQ-HĐND", "quy định nội dung, mức chi bảo đảm cho công tác cải cách hành chính"),
    ("Nghị quyết", "NQ-HĐND", "về kế hoạch đầu tư công trung hạn giai đoạn 2021 - 2025"),
    ("Quyết định", "QĐ-UBND", "ban hành Quy chế phối hợp trong công tác thi đua, khen thưởng"),
)
LETTER_SUBJECTS = (
    "về việc đẩy nhanh tiến độ giải ngân vốn đầu tư công",
    "về việc tăng cường công tác thông tin, báo cáo",
    "về việc chấn chỉnh kỷ luật, kỷ cương hành chính",
    "về việc rà soát, cập nhật cơ sở dữ liệu chuyên ngành",
)
LETTER_UNITS = ("VX", "KT", "NC", "TH", "KGVX", "HCTC", "ĐT")

RECIPIENTS_PROVINCE = (
    "Thường trực Tỉnh ủy;", "Thường trực HĐND tỉnh;", "Chủ tịch, các Phó Chủ tịch UBND tỉnh;",
)
