"""The demo's people and units: the province's units, the task force's 12 members, the accounts."""

from taskforce.models import Position, Role, UnitKind

PASSWORD = "demo12345"  # noqa: S105 - the published password of the demo accounts
# The unit of the demo's unit officer (the Department of Information and Communications).
OFFICER_UNIT = "STTTT"

DEPARTMENT, CITY, DISTRICT = UnitKind.DEPARTMENT, UnitKind.CITY, UnitKind.DISTRICT

# code, name, kind, services in the catalog, lag (higher: fewer services at level 4)
UNITS = (
    ("VPUBND", "Văn phòng UBND tỉnh", DEPARTMENT, 10, 0.0),
    ("SNV", "Sở Nội vụ", DEPARTMENT, 16, 0.15),
    ("STP", "Sở Tư pháp", DEPARTMENT, 22, -0.15),
    ("SKHDT", "Sở Kế hoạch và Đầu tư", DEPARTMENT, 26, -0.3),
    ("STC", "Sở Tài chính", DEPARTMENT, 10, 0.1),
    ("SCT", "Sở Công Thương", DEPARTMENT, 20, -0.1),
    ("SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn", DEPARTMENT, 18, 0.0),
    ("SGTVT", "Sở Giao thông vận tải", DEPARTMENT, 24, -0.2),
    ("SXD", "Sở Xây dựng", DEPARTMENT, 16, -0.05),
    ("STNMT", "Sở Tài nguyên và Môi trường", DEPARTMENT, 18, 0.05),
    ("STTTT", "Sở Thông tin và Truyền thông", DEPARTMENT, 14, -0.2),
    ("SLDTBXH", "Sở Lao động - Thương binh và Xã hội", DEPARTMENT, 18, 0.0),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", DEPARTMENT, 16, 0.05),
    ("SKHCN", "Sở Khoa học và Công nghệ", DEPARTMENT, 12, -0.1),
    ("SGDDT", "Sở Giáo dục và Đào tạo", DEPARTMENT, 14, 0.0),
    ("SYT", "Sở Y tế", DEPARTMENT, 20, -0.05),
    ("TTR", "Thanh tra tỉnh", DEPARTMENT, 10, 0.3),
    ("BDT", "Ban Dân tộc", DEPARTMENT, 8, 0.3),
    ("BQLKCN", "Ban Quản lý các Khu công nghiệp", DEPARTMENT, 11, 0.0),
    ("TP-BACKAN", "UBND thành phố Bắc Kạn", CITY, 15, -0.05),
    ("H-BABE", "UBND huyện Ba Bể", DISTRICT, 12, 0.15),
    ("H-BACHTHONG", "UBND huyện Bạch Thông", DISTRICT, 11, 0.2),
    ("H-CHODON", "UBND huyện Chợ Đồn", DISTRICT, 13, 0.1),
    ("H-CHOMOI", "UBND huyện Chợ Mới", DISTRICT, 12, 0.15),
    ("H-NARI", "UBND huyện Na Rì", DISTRICT, 11, 0.2),
    ("H-NGANSON", "UBND huyện Ngân Sơn", DISTRICT, 10, 0.25),
    ("H-PACNAM", "UBND huyện Pác Nặm", DISTRICT, 12, 0.25),
)

FOCAL_TITLES = {
    DEPARTMENT: ("Chánh Văn phòng", "Phó Chánh Văn phòng",
                 "Chuyên viên phụ trách cải cách hành chính"),
    CITY: ("Chánh Văn phòng HĐND và UBND", "Phó Chánh Văn phòng HĐND và UBND"),
    DISTRICT: ("Chánh Văn phòng HĐND và UBND", "Phó Chánh Văn phòng HĐND và UBND",
               "Chuyên viên Văn phòng HĐND và UBND"),
}
# Tày, Nùng and Kinh family names, as common in Bắc Kạn; focal officers are invented people.
SURNAMES = ("Hoàng", "Nông", "Triệu", "Hà", "Lý", "Ma", "Lục", "Đàm", "Dương", "Nguyễn",
            "Trần", "Lương")
MALE_NAMES = (("Văn", "Đức", "Minh", "Quang", "Xuân"),
              ("Tuấn", "Hùng", "Thắng", "Cường", "Dũng", "Long", "Quân", "Hiếu"))
FEMALE_NAMES = (("Thị", "Thị Thu", "Thị Thanh", "Thị Minh", "Thị Hồng"),
                ("Hương", "Lan", "Thảo", "Huyền", "Nga", "Mai", "Hạnh", "Yến"))

_CUC_THH = "Cục Tin học hóa, Bộ Thông tin và Truyền thông"
# The founding decision's order; the article names 8 of the 12, the others stay unnamed.
# full name, position, invited, title, organisation, units followed
MEMBERS = (
    ("Phạm Duy Hưng", Position.LEADER, False, "Phó Chủ tịch UBND tỉnh", "UBND tỉnh Bắc Kạn",
     ("VPUBND", "TTR", "BDT")),
    ("Hà Văn Tiến", Position.PERMANENT_DEPUTY, False, "Giám đốc",
     "Sở Thông tin và Truyền thông", ("STTTT", "SKHCN", "SGDDT", "TP-BACKAN")),
    ("Vũ Đức Chính", Position.DEPUTY, False, "Chánh Văn phòng",
     "Văn phòng Đoàn ĐBQH, HĐND và UBND tỉnh", ("STP", "SLDTBXH", "SVHTTDL", "SYT")),
    ("Đỗ Công Anh", Position.DEPUTY, True, "Phó Cục trưởng", _CUC_THH, ()),
    ("Nguyễn Ngọc Sao", Position.MEMBER, True, "Giám đốc", "Viễn thông Bắc Kạn (VNPT Bắc Kạn)",
     ()),
    ("Nguyễn Vũ Quỳnh", Position.MEMBER, True, "Giám đốc", "Công ty cổ phần Tin học Tân Dân",
     ()),
    ("Mai Thùy Ngân", Position.MEMBER, True, "Giám đốc Trung tâm Chính phủ điện tử", _CUC_THH,
     ()),
    ("Mai Thanh Hải", Position.MEMBER, True, "Trưởng phòng Thông tin và Dịch vụ công trực tuyến",
     _CUC_THH, ()),
    ("Thành viên 9 (chưa công bố tên)", Position.MEMBER, False, "Đại diện lãnh đạo Sở",
     "Sở Nội vụ", ("SNV", "H-BABE", "H-CHODON", "H-NGANSON", "H-PACNAM")),
    ("Thành viên 10 (chưa công bố tên)", Position.MEMBER, False, "Đại diện lãnh đạo Sở",
     "Sở Tài chính", ("STC", "SCT", "SNNPTNT", "H-NARI")),
    ("Thành viên 11 (chưa công bố tên)", Position.MEMBER, False, "Đại diện lãnh đạo Sở",
     "Sở Kế hoạch và Đầu tư", ("SKHDT", "BQLKCN", "SXD", "SGTVT")),
    ("Thành viên 12 (chưa công bố tên)", Position.MEMBER, False, "Đại diện lãnh đạo Sở",
     "Sở Tư pháp", ("STNMT", "H-BACHTHONG", "H-CHOMOI")),
)

# e-mail, role, label printed by ``flask demo load``, linked member (order in the roster)
ACCOUNT_ROWS = (
    ("admin@taskforce.test", Role.ADMIN, "administrator", None),
    ("leader@taskforce.test", Role.LEADER, "leader (Phạm Duy Hưng, task-force leader)", 1),
    ("deputy@taskforce.test", Role.LEADER, "leader (Hà Văn Tiến, permanent deputy)", 2),
    ("member@taskforce.test", Role.MEMBER, "member and verifier (member 9)", 9),
    ("officer@taskforce.test", Role.UNIT_OFFICER, "unit officer (Sở TT&TT)", None),
    ("viewer@taskforce.test", Role.VIEWER, "viewer", None),
)
ACCOUNTS = [(email, label) for email, _role, label, _member in ACCOUNT_ROWS]
OTHER_NAMES = {"admin": "Quản trị hệ thống", "viewer": "Lương Thị Thu Trang"}
