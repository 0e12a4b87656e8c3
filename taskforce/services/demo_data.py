"""Demo data: the Bắc Kạn provincial task force of 2020, with its units, catalog and tasks."""

import random
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone

from dateutil.relativedelta import relativedelta
from sqlalchemy import insert, select

from taskforce.models import (
    ClaimStatus,
    Decision,
    ExtensionRequest,
    LevelChange,
    Member,
    OnlineClass,
    Position,
    Priority,
    Role,
    Service,
    ServiceUsage,
    StatusUpdate,
    Task,
    TaskKind,
    TaskStatus,
    Tier,
    Unit,
    UnitKind,
    User,
)
from taskforce.services import settings
from taskforce.services.accounts import hash_password
from taskforce.services.text import fold

# The story is written in the calendar of 2020; every date moves with the founding date.
FOUNDED_2020 = date(2020, 10, 15)
LISTED_ON = date(2020, 1, 1)
TARGET_ON = date(2020, 12, 31)
DAYS_TO_TODAY = 45
PASSWORD = "demo12345"  # noqa: S105 - the published password of the demo accounts
SEED = 2020
# Viet Nam keeps UTC+7 all year, so a fixed offset is exact.
LOCAL = timezone(timedelta(hours=7))
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

# Procedures per unit (the district list serves the city and every district), by field.
# "{a|b}" gives one procedure per alternative. Codes are drawn per name, so a procedure
# has the same code in every district, as in the national database.
PROCEDURES = {
    "VPUBND": {
        "Ngoại vụ": (
            "Cho phép tổ chức hội nghị, hội thảo quốc tế thuộc thẩm quyền của Chủ tịch UBND tỉnh",
            "Tiếp nhận thông báo tổ chức hội nghị, hội thảo quốc tế không thuộc thẩm quyền "
            "cho phép",
            "Cử cán bộ, công chức, viên chức đi công tác nước ngoài",
            "Cho phép doanh nhân sử dụng thẻ đi lại của doanh nhân APEC (thẻ ABTC)",
            "Cho phép sử dụng lại thẻ ABTC bị mất, hư hỏng",
            "{Phê duyệt|Phê duyệt điều chỉnh} khoản viện trợ phi chính phủ nước ngoài dưới hình "
            "thức dự án",
            "Tiếp nhận khoản viện trợ phi chính phủ nước ngoài dưới hình thức hàng hóa",
            "Mời tổ chức, cá nhân nước ngoài vào làm việc tại tỉnh",
            "Đề nghị cấp thị thực cho khách mời nước ngoài của tỉnh",
        ),
        "Tổng hợp": ("Cung cấp thông tin theo yêu cầu theo Luật Tiếp cận thông tin",),
    },
    "SNV": {
        "Công chức, viên chức": (
            "Thi tuyển công chức", "Xét tuyển viên chức", "Tiếp nhận vào làm công chức",
            "Thi nâng ngạch công chức", "Thăng hạng chức danh nghề nghiệp viên chức",
        ),
        "Tổ chức phi chính phủ": (
            "{Công nhận|Công nhận lại} ban vận động thành lập hội",
            "Thành lập hội có phạm vi hoạt động trong tỉnh",
            "{Phê duyệt|Phê duyệt sửa đổi, bổ sung} điều lệ hội",
            "{Cấp|Cấp lại} giấy phép thành lập và công nhận điều lệ quỹ xã hội, quỹ từ thiện",
        ),
        "Thi đua - khen thưởng": (
            "Tặng Bằng khen của Chủ tịch UBND tỉnh",
            "Tặng danh hiệu Chiến sĩ thi đua cấp tỉnh",
            "Tặng Cờ thi đua của UBND tỉnh",
        ),
        "Tôn giáo": (
            "Đăng ký hoạt động tín ngưỡng",
            "Đề nghị tổ chức cuộc lễ ngoài cơ sở tôn giáo",
            "Đăng ký sinh hoạt tôn giáo tập trung",
        ),
    },
    "STP": {
        "Lý lịch tư pháp": (
            "Cấp phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú "
            "tại Việt Nam",
            "Cấp phiếu lý lịch tư pháp cho cơ quan tiến hành tố tụng",
            "Cấp phiếu lý lịch tư pháp cho cơ quan nhà nước, tổ chức chính trị, tổ chức chính "
            "trị - xã hội",
        ),
        "Quốc tịch": (
            "Nhập quốc tịch Việt Nam", "Trở lại quốc tịch Việt Nam",
            "Xác nhận có quốc tịch Việt Nam ở trong nước",
        ),
        "Luật sư": (
            "Đăng ký hoạt động của tổ chức hành nghề luật sư",
            "Đăng ký hành nghề luật sư với tư cách cá nhân",
            "Thay đổi nội dung đăng ký hoạt động của tổ chức hành nghề luật sư",
        ),
        "Công chứng": (
            "Thành lập Văn phòng công chứng", "Đăng ký hoạt động Văn phòng công chứng",
            "Đăng ký hành nghề và cấp thẻ công chứng viên", "Cấp lại thẻ công chứng viên",
        ),
        "Đấu giá tài sản": (
            "Đăng ký hoạt động của doanh nghiệp đấu giá tài sản",
            "{Cấp|Cấp lại} chứng chỉ hành nghề đấu giá",
        ),
        "Giám định tư pháp": (
            "Bổ nhiệm giám định viên tư pháp", "Miễn nhiệm giám định viên tư pháp",
            "{Cấp|Cấp lại|Điều chỉnh} giấy phép thành lập Văn phòng giám định tư pháp",
        ),
        "Nuôi con nuôi": (
            "Giải quyết việc người nước ngoài thường trú ở Việt Nam nhận trẻ em Việt Nam làm "
            "con nuôi",
        ),
    },
    "SKHDT": {
        "Đăng ký kinh doanh": (
            "Đăng ký thành lập doanh nghiệp tư nhân",
            "Đăng ký thành lập công ty TNHH một thành viên",
            "Đăng ký thành lập công ty TNHH hai thành viên trở lên",
            "Đăng ký thành lập công ty cổ phần", "Đăng ký thành lập công ty hợp danh",
            "Đăng ký thay đổi địa chỉ trụ sở chính của doanh nghiệp",
            "Đăng ký thay đổi vốn điều lệ, tỷ lệ vốn góp",
            "Đăng ký thay đổi người đại diện theo pháp luật của công ty",
            "Thông báo thay đổi ngành, nghề kinh doanh",
            "Thông báo tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn",
            "Giải thể doanh nghiệp",
            "Đăng ký hoạt động chi nhánh, văn phòng đại diện, địa điểm kinh doanh",
            "Chuyển đổi công ty TNHH một thành viên thành công ty cổ phần",
        ),
        "Đầu tư": (
            "{Cấp|Cấp lại|Điều chỉnh} giấy chứng nhận đăng ký đầu tư đối với dự án không thuộc "
            "diện chấp thuận chủ trương đầu tư",
            "{Quyết định|Điều chỉnh quyết định} chủ trương đầu tư của UBND tỉnh",
            "Giãn tiến độ đầu tư", "Chấm dứt hoạt động của dự án đầu tư",
            "Chuyển nhượng dự án đầu tư",
            "Thành lập văn phòng điều hành của nhà đầu tư nước ngoài trong hợp đồng BCC",
            "{Thẩm định|Thẩm định điều chỉnh} dự án đầu tư theo phương thức đối tác công tư",
            "Thẩm định kế hoạch lựa chọn nhà thầu",
            "Bảo đảm đầu tư khi không được tiếp tục áp dụng ưu đãi đầu tư",
        ),
    },
    "STC": {
        "Quản lý công sản": (
            "Quyết định mua sắm tài sản công phục vụ hoạt động của cơ quan, tổ chức, đơn vị",
            "Quyết định thanh lý tài sản công", "Quyết định điều chuyển tài sản công",
            "Quyết định bán tài sản công", "Quyết định thu hồi tài sản công",
            "Quyết định giao tài sản công cho đơn vị sự nghiệp công lập",
            "Quyết định xử lý tài sản phục vụ hoạt động của dự án khi dự án kết thúc",
        ),
        "Tài chính": (
            "Đăng ký mã số đơn vị có quan hệ với ngân sách",
            "Thẩm tra, phê duyệt quyết toán dự án hoàn thành",
            "{Thẩm định|Thẩm định điều chỉnh} phương án giá hàng hóa, dịch vụ do Nhà nước "
            "định giá",
        ),
    },
    "SCT": {
        "Lưu thông hàng hóa trong nước": (
            "{Cấp|Cấp lại|Điều chỉnh} giấy phép bán lẻ sản phẩm rượu",
            "{Cấp|Cấp lại|Điều chỉnh} giấy phép bán buôn sản phẩm rượu",
            "{Cấp|Cấp lại} giấy phép bán buôn sản phẩm thuốc lá",
            "{Cấp|Cấp lại} giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu",
            "{Cấp|Cấp lại} giấy chứng nhận đủ điều kiện cửa hàng bán lẻ LPG chai",
        ),
        "An toàn thực phẩm": (
            "{Cấp|Cấp lại} giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm do Sở Công "
            "Thương thực hiện",
        ),
        "Điện": (
            "{Cấp|Sửa đổi, bổ sung} giấy phép hoạt động điện lực trong lĩnh vực phân phối điện",
            "Cấp thẻ kiểm tra viên điện lực",
        ),
        "Xúc tiến thương mại": (
            "Đăng ký thực hiện khuyến mại", "Đăng ký tổ chức hội chợ, triển lãm thương mại",
            "Cấp giấy chứng nhận xuất xứ hàng hóa ưu đãi",
        ),
    },
    "SNNPTNT": {
        "Bảo vệ thực vật": (
            "{Cấp|Cấp lại} giấy chứng nhận đủ điều kiện buôn bán thuốc bảo vệ thực vật",
            "{Cấp|Cấp lại} giấy chứng nhận đủ điều kiện buôn bán phân bón",
        ),
        "Thú y": (
            "Cấp giấy chứng nhận kiểm dịch động vật, sản phẩm động vật vận chuyển ra khỏi địa "
            "bàn tỉnh",
            "{Cấp|Cấp lại|Gia hạn} chứng chỉ hành nghề thú y",
        ),
        "Quản lý chất lượng nông lâm thủy sản": (
            "{Cấp|Cấp lại} giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm nông, lâm, "
            "thủy sản",
        ),
        "Thủy lợi": (
            "{Cấp|Gia hạn, điều chỉnh} giấy phép hoạt động trong phạm vi bảo vệ công trình "
            "thủy lợi",
        ),
        "Lâm nghiệp": (
            "{Phê duyệt|Phê duyệt điều chỉnh} phương án quản lý rừng bền vững",
            "Xác nhận bảng kê lâm sản",
            "Chuyển loại rừng đối với khu rừng do UBND tỉnh quyết định thành lập",
        ),
        "Phát triển nông thôn": ("{Công nhận|Công nhận lại} làng nghề",),
    },
    "SGTVT": {
        "Đường bộ": (
            "Cấp mới giấy phép lái xe", "Cấp lại giấy phép lái xe",
            "{Đổi giấy phép lái xe do ngành Giao thông vận tải cấp|Đổi giấy phép lái xe do "
            "ngành Công an cấp|Đổi giấy phép lái xe quân sự do Bộ Quốc phòng cấp|Đổi giấy phép "
            "lái xe do nước ngoài cấp}",
            "{Cấp|Cấp lại} giấy phép kinh doanh vận tải bằng xe ô tô",
            "{Cấp|Cấp lại} phù hiệu xe ô tô kinh doanh vận tải",
            "{Cấp|Cấp lại} giấy phép đào tạo lái xe ô tô",
            "{Cấp|Cấp lại} giấy phép xe tập lái",
            "Cấp giấy chứng nhận giáo viên dạy thực hành lái xe",
            "Đăng ký khai thác tuyến vận tải hành khách cố định bằng xe ô tô",
            "Cấp giấy phép lưu hành xe quá tải trọng, xe quá khổ giới hạn trên đường bộ",
            "Chấp thuận xây dựng công trình thiết yếu trong phạm vi bảo vệ kết cấu hạ tầng "
            "giao thông đường bộ",
            "Công bố đưa bến xe khách vào khai thác",
            "{Đăng ký lần đầu|Đăng ký tạm thời} xe máy chuyên dùng",
            "Sang tên chủ sở hữu xe máy chuyên dùng trong cùng một tỉnh",
        ),
        "Đường thủy nội địa": (
            "{Đăng ký lần đầu|Đăng ký lại} phương tiện thủy nội địa",
            "Xóa giấy chứng nhận đăng ký phương tiện thủy nội địa",
            "Công bố hoạt động bến thủy nội địa",
        ),
    },
    "SXD": {
        "Hoạt động xây dựng": (
            "{Cấp|Điều chỉnh|Gia hạn|Cấp lại} giấy phép xây dựng đối với công trình cấp I, "
            "cấp II",
            "{Cấp|Cấp lại} chứng chỉ hành nghề hoạt động xây dựng hạng II, hạng III",
            "{Cấp|Cấp lại} chứng chỉ năng lực hoạt động xây dựng hạng II, hạng III",
            "Thẩm định báo cáo nghiên cứu khả thi đầu tư xây dựng",
            "Thẩm định thiết kế xây dựng triển khai sau thiết kế cơ sở",
            "Cấp giấy phép di dời công trình",
        ),
        "Quy hoạch xây dựng": (
            "Thẩm định nhiệm vụ, đồ án quy hoạch chi tiết xây dựng",
            "Cung cấp thông tin về quy hoạch xây dựng",
        ),
        "Nhà ở và kinh doanh bất động sản": (
            "{Cấp|Cấp lại} chứng chỉ hành nghề môi giới bất động sản",
            "Thông báo nhà ở hình thành trong tương lai đủ điều kiện được bán, cho thuê mua",
            "Cho thuê nhà ở công vụ thuộc thẩm quyền quản lý của tỉnh",
        ),
    },
    "STNMT": {
        "Đất đai": (
            "{Cấp|Cấp đổi|Cấp lại} giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn "
            "liền với đất cho tổ chức",
            "Giao đất, cho thuê đất không thông qua đấu giá quyền sử dụng đất",
            "Chuyển mục đích sử dụng đất đối với tổ chức",
            "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
            "{Đăng ký|Xóa đăng ký} thế chấp quyền sử dụng đất, tài sản gắn liền với đất",
        ),
        "Môi trường": (
            "Thẩm định báo cáo đánh giá tác động môi trường",
            "Thẩm định phương án cải tạo, phục hồi môi trường trong khai thác khoáng sản",
            "Cấp sổ đăng ký chủ nguồn thải chất thải nguy hại",
        ),
        "Khoáng sản": (
            "{Cấp|Gia hạn, điều chỉnh} giấy phép khai thác khoáng sản",
            "Cấp giấy phép thăm dò khoáng sản",
        ),
        "Tài nguyên nước": (
            "{Cấp|Gia hạn} giấy phép khai thác, sử dụng nước mặt",
            "{Cấp|Gia hạn} giấy phép xả nước thải vào nguồn nước",
        ),
        "Đo đạc và bản đồ": ("Cung cấp thông tin, dữ liệu đo đạc và bản đồ",),
    },
    "STTTT": {
        "Xuất bản, in và phát hành": (
            "{Cấp|Cấp lại} giấy phép hoạt động in", "Đăng ký hoạt động cơ sở in",
            "Cấp giấy phép xuất bản tài liệu không kinh doanh",
            "Cấp giấy phép nhập khẩu xuất bản phẩm không kinh doanh",
            "Cấp giấy xác nhận đăng ký hoạt động phát hành xuất bản phẩm",
        ),
        "Thông tin điện tử": (
            "{Cấp|Sửa đổi, bổ sung|Gia hạn} giấy phép thiết lập trang thông tin điện tử "
            "tổng hợp",
        ),
        "Bưu chính": (
            "{Cấp|Sửa đổi, bổ sung} giấy phép bưu chính",
            "Cấp văn bản xác nhận thông báo hoạt động bưu chính",
        ),
        "Báo chí": (
            "{Cấp|Sửa đổi, bổ sung} giấy phép xuất bản bản tin", "Cho phép họp báo",
            "Cấp giấy phép trưng bày tranh, ảnh và các hình thức thông tin khác bên ngoài trụ "
            "sở cơ quan đại diện nước ngoài",
        ),
    },
    "SLDTBXH": {
        "Việc làm": (
            "{Cấp|Cấp lại|Gia hạn} giấy phép lao động cho người nước ngoài làm việc tại "
            "Việt Nam",
            "Xác nhận người lao động nước ngoài không thuộc diện cấp giấy phép lao động",
            "Giải quyết hưởng trợ cấp thất nghiệp",
            "Cấp giấy phép hoạt động dịch vụ việc làm của doanh nghiệp",
            "{Cấp|Cấp lại|Gia hạn} giấy phép hoạt động cho thuê lại lao động",
        ),
        "Người có công": (
            "Giải quyết chế độ trợ cấp ưu đãi đối với thân nhân liệt sĩ",
            "Giải quyết chế độ người hoạt động kháng chiến bị nhiễm chất độc hóa học",
            "Cấp giấy giới thiệu đi thăm viếng mộ liệt sĩ và hỗ trợ thăm viếng mộ liệt sĩ",
            "Di chuyển hồ sơ khi người hưởng trợ cấp ưu đãi thay đổi nơi thường trú",
        ),
        "Giáo dục nghề nghiệp": (
            "{Cấp|Cấp lại} giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp",
            "Thành lập trung tâm giáo dục nghề nghiệp tư thục",
        ),
        "Lao động, an toàn lao động": (
            "Đăng ký nội quy lao động của doanh nghiệp",
            "Cấp giấy chứng nhận huấn luyện an toàn, vệ sinh lao động",
        ),
        "Bảo trợ xã hội": ("Thành lập cơ sở trợ giúp xã hội công lập thuộc UBND tỉnh",),
    },
    "SVHTTDL": {
        "Văn hóa": (
            "{Cấp|Cấp lại} giấy phép kinh doanh dịch vụ karaoke",
            "Cấp giấy phép tổ chức biểu diễn nghệ thuật, trình diễn thời trang",
            "Cấp giấy phép triển lãm mỹ thuật", "Đăng ký tổ chức lễ hội",
            "Cấp giấy phép tổ chức thi người đẹp, người mẫu",
            "Cấp giấy phép nhập khẩu văn hóa phẩm không nhằm mục đích kinh doanh",
            "Cấp giấy chứng nhận đăng ký hoạt động cơ sở hỗ trợ nạn nhân bạo lực gia đình",
        ),
        "Thể dục thể thao": (
            "Cấp giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao",
        ),
        "Du lịch": (
            "{Cấp|Cấp lại|Cấp đổi} giấy phép kinh doanh dịch vụ lữ hành nội địa",
            "{Cấp|Cấp đổi} thẻ hướng dẫn viên du lịch nội địa",
            "Công nhận hạng cơ sở lưu trú du lịch hạng 1 sao, 2 sao",
            "Công nhận điểm du lịch",
        ),
    },
    "SKHCN": {
        "Hoạt động khoa học và công nghệ": (
            "{Cấp|Cấp lại|Thay đổi, bổ sung nội dung} giấy chứng nhận đăng ký hoạt động khoa "
            "học và công nghệ",
            "Đăng ký kết quả thực hiện nhiệm vụ khoa học và công nghệ sử dụng ngân sách "
            "nhà nước",
            "Đăng ký hợp đồng chuyển giao công nghệ",
        ),
        "An toàn bức xạ và hạt nhân": (
            "{Cấp|Gia hạn|Sửa đổi, bổ sung} giấy phép tiến hành công việc bức xạ sử dụng thiết "
            "bị X-quang chẩn đoán trong y tế",
            "{Cấp|Cấp lại} chứng chỉ nhân viên bức xạ",
        ),
        "Tiêu chuẩn đo lường chất lượng": (
            "Đăng ký công bố hợp chuẩn dựa trên kết quả tự đánh giá",
            "Đăng ký công bố hợp quy",
            "Kiểm tra nhà nước về chất lượng hàng hóa nhập khẩu",
        ),
    },
    "SGDDT": {
        "Giáo dục và Đào tạo": (
            "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc",
            "Chỉnh sửa nội dung văn bằng, chứng chỉ",
            "Công nhận văn bằng tốt nghiệp phổ thông do cơ sở giáo dục nước ngoài cấp",
            "Đăng ký dự thi tốt nghiệp trung học phổ thông",
            "Phúc khảo bài thi tốt nghiệp trung học phổ thông",
            "Chuyển trường đối với học sinh trung học phổ thông",
            "Xin học lại tại trường khác đối với học sinh trung học",
            "Cho phép trung tâm ngoại ngữ, tin học hoạt động giáo dục{| trở lại}",
            "{Thành lập|Sáp nhập, chia, tách} trường trung học phổ thông",
            "Công nhận trường trung học đạt chuẩn quốc gia",
            "Cấp phép hoạt động dạy thêm, học thêm ngoài nhà trường",
            "Xét, cấp học bổng chính sách",
        ),
    },
    "SYT": {
        "Khám bệnh, chữa bệnh": (
            "{Cấp|Cấp lại|Điều chỉnh} chứng chỉ hành nghề khám bệnh, chữa bệnh",
            "{Cấp|Điều chỉnh} giấy phép hoạt động đối với phòng khám chuyên khoa",
            "Cấp giấy phép hoạt động đối với phòng khám đa khoa",
            "Cấp giấy phép hoạt động đối với trạm y tế cấp xã",
            "Công bố đủ điều kiện thực hiện khám sức khỏe",
        ),
        "Dược phẩm": (
            "{Cấp|Cấp lại|Điều chỉnh} chứng chỉ hành nghề dược",
            "{Cấp|Cấp lại} giấy chứng nhận đủ điều kiện kinh doanh dược đối với nhà thuốc",
        ),
        "An toàn thực phẩm": (
            "Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm do Sở Y tế quản lý",
            "Đăng ký bản công bố sản phẩm dinh dưỡng y học",
        ),
        "Trang thiết bị y tế": (
            "Cấp giấy xác nhận nội dung quảng cáo trang thiết bị y tế",
            "Công bố đủ điều kiện mua bán trang thiết bị y tế loại B, C, D",
        ),
        "Y tế dự phòng": (
            "Công bố cơ sở đủ điều kiện thực hiện tiêm chủng",
            "Công bố cơ sở xét nghiệm đạt tiêu chuẩn an toàn sinh học cấp I, cấp II",
        ),
        "Giám định y khoa": ("Khám giám định y khoa lần đầu",),
    },
    "TTR": {
        "Thanh tra": (
            "Giải quyết khiếu nại lần đầu tại cấp tỉnh",
            "Giải quyết khiếu nại lần hai tại cấp tỉnh",
            "Giải quyết tố cáo tại cấp tỉnh", "Tiếp công dân tại cấp tỉnh",
            "Xử lý đơn tại cấp tỉnh",
        ),
        "Phòng, chống tham nhũng": (
            "Kê khai tài sản, thu nhập", "Công khai bản kê khai tài sản, thu nhập",
            "Xác minh tài sản, thu nhập", "Tiếp nhận yêu cầu giải trình",
            "Thực hiện việc giải trình",
        ),
    },
    "BDT": {
        "Công tác dân tộc": (
            "Công nhận người có uy tín trong đồng bào dân tộc thiểu số",
            "Đưa ra khỏi danh sách người có uy tín trong đồng bào dân tộc thiểu số",
            "Thay thế người có uy tín trong đồng bào dân tộc thiểu số",
            "Hỗ trợ người có uy tín trong đồng bào dân tộc thiểu số",
            "Thăm hỏi người có uy tín ốm đau, gặp khó khăn",
            "Xác định xã, thôn vùng dân tộc thiểu số và miền núi theo trình độ phát triển",
            "Xét tặng Kỷ niệm chương Vì sự nghiệp phát triển các dân tộc",
            "Phê duyệt danh sách hộ được hỗ trợ đất ở, nhà ở, nước sinh hoạt",
        ),
    },
    "BQLKCN": {
        "Đầu tư": (
            "{Cấp|Điều chỉnh} giấy chứng nhận đăng ký đầu tư đối với dự án trong khu công "
            "nghiệp",
            "Quyết định chủ trương đầu tư của Ban Quản lý các Khu công nghiệp",
            "Cấp giấy xác nhận ưu đãi dự án sản xuất sản phẩm công nghiệp hỗ trợ",
        ),
        "Việc làm": (
            "{Cấp|Cấp lại|Gia hạn} giấy phép lao động cho người nước ngoài làm việc trong khu "
            "công nghiệp",
            "Đăng ký nội quy lao động của doanh nghiệp trong khu công nghiệp",
        ),
        "Xây dựng": (
            "{Cấp|Điều chỉnh} giấy phép xây dựng công trình trong khu công nghiệp",
            "Thẩm định thiết kế cơ sở dự án đầu tư xây dựng trong khu công nghiệp",
        ),
    },
    "district": {
        "Hộ tịch": (
            "Đăng ký khai sinh có yếu tố nước ngoài", "Đăng ký kết hôn có yếu tố nước ngoài",
            "Đăng ký khai tử có yếu tố nước ngoài",
            "Thay đổi, cải chính, bổ sung thông tin hộ tịch, xác định lại dân tộc",
            "Ghi vào sổ hộ tịch việc kết hôn của công dân Việt Nam đã được giải quyết tại "
            "cơ quan có thẩm quyền của nước ngoài",
        ),
        "Chứng thực": (
            "Chứng thực bản sao từ bản chính giấy tờ do cơ quan có thẩm quyền của nước ngoài cấp",
            "Chứng thực chữ ký người dịch là cộng tác viên dịch thuật",
        ),
        "Đăng ký kinh doanh": (
            "Đăng ký thành lập hộ kinh doanh",
            "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh",
            "Tạm ngừng hoạt động hộ kinh doanh", "Chấm dứt hoạt động hộ kinh doanh",
            "Đăng ký thành lập hợp tác xã",
        ),
        "Xây dựng": ("{Cấp|Điều chỉnh|Gia hạn} giấy phép xây dựng nhà ở riêng lẻ",),
        "Đất đai": (
            "Đăng ký, cấp giấy chứng nhận quyền sử dụng đất lần đầu cho hộ gia đình, cá nhân",
            "Chuyển mục đích sử dụng đất đối với hộ gia đình, cá nhân",
            "Đăng ký biến động do chuyển nhượng, tặng cho quyền sử dụng đất",
        ),
        "Lưu thông hàng hóa trong nước": (
            "Cấp giấy phép bán lẻ rượu", "Cấp giấy phép bán lẻ sản phẩm thuốc lá",
        ),
        "Văn hóa": (
            "Cấp giấy phép kinh doanh karaoke",
            "Công nhận cơ quan, đơn vị, doanh nghiệp đạt chuẩn văn hóa",
        ),
        "Giáo dục và Đào tạo": (
            "Cho phép trường tiểu học hoạt động giáo dục",
            "Chuyển trường đối với học sinh trung học cơ sở",
            "Thành lập nhóm trẻ, lớp mẫu giáo độc lập tư thục",
        ),
        "Bảo trợ xã hội": (
            "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng",
            "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội",
        ),
        "Thi đua - khen thưởng": ("Tặng Giấy khen của Chủ tịch UBND cấp huyện",),
        "Môi trường": ("Xác nhận đăng ký kế hoạch bảo vệ môi trường",),
        "Nông nghiệp": ("Hỗ trợ khôi phục sản xuất vùng bị thiệt hại do thiên tai, dịch bệnh",),
    },
}
# Complaints, ethnic affairs and civil-service procedures charge no fee.
FREE_UNITS = ("TTR", "BDT", "SNV")
FEE_SHARE = 0.6
TOTAL_SERVICES = sum(count for _code, _name, _kind, count, _lag in UNITS)

# How the catalog stands, by rank from the most advanced service: 80 at level 4 on 1 January
# (20 %), 96 on 31 August (24.06 %, the article's figure), 104 at the founding (26 %).
LEVEL4_LISTED = 80
UPGRADED_BY_AUGUST = 16
UPGRADED_BY_FOUNDING = 8
LEVEL3 = 172
RAISED_TO_LEVEL3 = 20
LEVEL1 = 8
UPGRADE_WINDOWS = ((date(2020, 3, 2), date(2020, 8, 28)), (date(2020, 9, 1), date(2020, 10, 14)))
RAISE_WINDOW = (date(2020, 2, 3), date(2020, 7, 31))
USAGE_SHARE = 0.62
IDLE_SHARE = 0.15

# Document numbers are invented: the article gives none.
DOCUMENTS = {
    "decision": ("1745/QĐ-UBND", 0,
                 "Quyết định thành lập Tổ công tác xây dựng, triển khai kế hoạch cung cấp tối đa "
                 "dịch vụ công trực tuyến lên mức độ 4 năm 2020 của các cơ quan nhà nước tỉnh "
                 "Bắc Kạn"),
    "plan": ("1790/KH-UBND", 5,
             "Kế hoạch cung cấp tối đa dịch vụ công trực tuyến lên mức độ 4 năm 2020 của các cơ "
             "quan nhà nước tỉnh Bắc Kạn"),
}

# The actions of a story; EXTEND and REFUSE are extension requests, approved or refused.
START, NOTE, REPORT, ACCEPT = "start", "note", "report", "accept"
RETURN, CANCEL, EXTEND, REFUSE = "return", "cancel", "extend", "refuse"
STATUS_AFTER = {
    START: TaskStatus.IN_PROGRESS,
    REPORT: TaskStatus.REPORTED,
    ACCEPT: TaskStatus.DONE,
    RETURN: TaskStatus.RETURNED,
    CANCEL: TaskStatus.CANCELLED,
}
# What happens to a task: (days from its original due date, action, progress or days of
# extension). Only the events up to today are written, so a later "today" shows more.
STORIES = {
    "drafted": ((-9, START, 40), (-8, REPORT, 100), (-7, ACCEPT, 100)),
    "done": ((-20, START, 30), (-10, NOTE, 70), (-5, REPORT, 100), (-3, ACCEPT, 100)),
    "done_late": ((-18, START, 20), (-4, NOTE, 50), (3, REPORT, 100), (5, ACCEPT, 100)),
    "reported": ((-20, START, 30), (-9, NOTE, 70), (-5, REPORT, 100), (10, ACCEPT, 100)),
    "queried": ((-20, START, 30), (-9, NOTE, 70), (-5, REPORT, 100), (5, RETURN, 80),
                (12, REPORT, 100), (14, ACCEPT, 100)),
    "returned": ((-20, START, 30), (-8, REPORT, 100), (-6, RETURN, 80), (8, REPORT, 100),
                 (18, ACCEPT, 100)),
    "working": ((-25, START, 20), (-12, NOTE, 50), (-4, NOTE, 70)),
    "late": ((-18, START, 20), (-5, NOTE, 40), (12, NOTE, 60)),
    "stalled": ((20, START, 10),),
    "new": ((-6, START, 10), (-2, NOTE, 40)),
    "cancelled": ((-45, START, 10), (-35, CANCEL, 10)),
    "extended": ((-25, START, 20), (-4, EXTEND, 21), (3, NOTE, 50)),
    "refused": ((-20, START, 20), (-5, REFUSE, 14), (-1, NOTE, 60), (24, REPORT, 100),
                (27, ACCEPT, 100)),
}

LOW, NORMAL, HIGH, URGENT = Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT
# Upgrade tasks of the plan: unit, services to upgrade, due date, story, priority
UPGRADE_TASKS = (
    ("STTTT", 3, date(2020, 12, 4), "reported", HIGH),
    ("SNV", 3, date(2020, 12, 2), "queried", NORMAL),
    ("H-BABE", 2, date(2020, 12, 4), "returned", NORMAL),
    ("SKHDT", 3, date(2020, 11, 13), "done", HIGH),
    ("STP", 2, date(2020, 11, 20), "done", NORMAL),
    ("TP-BACKAN", 2, date(2020, 11, 27), "done", HIGH),
    ("SGTVT", 2, date(2020, 11, 13), "done_late", HIGH),
    ("SCT", 2, date(2020, 11, 6), "done_late", NORMAL),
    ("SYT", 4, date(2020, 11, 20), "refused", HIGH),
    ("SXD", 3, date(2020, 11, 20), "late", URGENT),
    ("STNMT", 6, date(2020, 11, 13), "late", HIGH),
    ("H-NARI", 3, date(2020, 11, 27), "late", NORMAL),
    ("H-PACNAM", 2, date(2020, 11, 13), "stalled", HIGH),
    ("SLDTBXH", 4, date(2020, 11, 25), "extended", NORMAL),
    ("SNNPTNT", 3, date(2020, 11, 13), "extended", NORMAL),
    ("SGDDT", 3, date(2020, 12, 1), "working", NORMAL),
    ("H-CHODON", 3, date(2020, 12, 3), "working", HIGH),
    ("SKHCN", 2, date(2020, 12, 4), "working", LOW),
    ("SVHTTDL", 3, date(2020, 12, 11), "working", NORMAL),
    ("STC", 2, date(2020, 12, 11), "working", LOW),
    ("H-BACHTHONG", 3, date(2020, 12, 15), "working", NORMAL),
    ("H-NGANSON", 3, date(2020, 12, 15), "new", NORMAL),
    ("H-CHOMOI", 3, date(2020, 12, 18), "new", NORMAL),
    ("BQLKCN", 2, date(2020, 12, 18), "new", LOW),
    ("TTR", 2, date(2020, 12, 31), "new", LOW),
    ("VPUBND", 2, date(2020, 12, 11), "cancelled", NORMAL),
)
# General tasks: title, unit, assignee (order in the roster), due date, story, priority, source
GENERAL_TASKS = (
    ("Dự thảo Kế hoạch của UBND tỉnh về cung cấp tối đa DVCTT lên mức độ 4 năm 2020", "STTTT",
     2, date(2020, 10, 26), "drafted", URGENT, "decision"),
    ("Rà soát, lập danh mục DVCTT mức độ 3 đủ điều kiện nâng cấp lên mức độ 4", "STTTT", 2,
     date(2020, 10, 30), "done", HIGH, "decision"),
    ("Tổ chức hội nghị triển khai Kế hoạch tới các sở, ban, ngành và UBND các huyện, thành phố",
     "VPUBND", 3, date(2020, 10, 30), "done_late", HIGH, "plan"),
    ("Hướng dẫn quy trình nâng cấp DVCTT từ mức độ 3 lên mức độ 4", None, 7,
     date(2020, 11, 6), "done", NORMAL, "plan"),
    ("Kết nối Cổng Dịch vụ công tỉnh với Hệ thống thu thập, đánh giá việc sử dụng DVCTT của "
     "Bộ TT&TT", None, 6, date(2020, 11, 20), "done", URGENT, "plan"),
    ("Kiểm tra việc kết nối thanh toán trực tuyến tại các huyện", None, 5,
     date(2020, 11, 20), "extended", NORMAL, "plan"),
    ("Tổ chức sơ kết giữa kỳ việc thực hiện Kế hoạch", "VPUBND", 3, date(2020, 11, 30),
     "reported", HIGH, "plan"),
    ("Tích hợp thanh toán trực tuyến cho các DVCTT có thu phí, lệ phí", None, 5,
     date(2020, 12, 4), "working", HIGH, "plan"),
    ("Đánh giá hiệu quả sử dụng DVCTT mức độ 4 (hồ sơ trực tuyến phát sinh)", None, 8,
     date(2020, 12, 11), "new", NORMAL, "plan"),
    ("Tuyên truyền, hướng dẫn người dân, doanh nghiệp sử dụng DVCTT mức độ 4", "SNV", 9,
     date(2020, 12, 18), "working", NORMAL, "plan"),
    ("Báo cáo tổng kết kết quả thực hiện Kế hoạch năm 2020", "STTTT", 2, date(2020, 12, 31),
     "new", NORMAL, "plan"),
)

UPGRADE_TITLE = "Nâng cấp {count} dịch vụ công trực tuyến lên mức độ 4"
UPGRADE_DESCRIPTION = (
    "Thực hiện Kế hoạch số {number}: tích hợp thanh toán trực tuyến qua Hệ thống hỗ trợ thanh "
    "toán DVCTT quốc gia (với thủ tục có phí, lệ phí), kết nối Hệ thống thu thập, đánh giá việc "
    "sử dụng DVCTT của Bộ TT&TT và trả kết quả trực tuyến hoặc qua bưu chính công ích cho các "
    "dịch vụ dưới đây."
)
NOTES = {
    (TaskKind.UPGRADE, START): (
        "Đã giao phòng chuyên môn rà soát quy trình, biểu mẫu điện tử của các thủ tục.",
        "Đã làm việc với VNPT Bắc Kạn về tích hợp thanh toán trực tuyến cho các thủ tục có phí.",
        "Đã cử cán bộ đầu mối; đang cấu hình lại quy trình trên Hệ thống một cửa điện tử.",
    ),
    (TaskKind.UPGRADE, NOTE): (
        "Đã kết nối Hệ thống đánh giá việc sử dụng DVCTT của Bộ TT&TT; đang thử thanh toán "
        "trực tuyến.",
        "Đã thử nộp hồ sơ và thanh toán trực tuyến; còn vướng trả kết quả qua bưu chính.",
        "Đã ký hợp đồng với Bưu điện tỉnh để trả kết quả qua dịch vụ bưu chính công ích.",
        "Chờ ngân hàng xác nhận tài khoản thu phí để kích hoạt thanh toán trực tuyến.",
    ),
    (TaskKind.UPGRADE, REPORT): (
        "Đã hoàn thành nâng cấp; đề nghị Sở TT&TT kiểm tra, xác nhận mức độ 4.",
        "Các dịch vụ đã thanh toán và trả kết quả trực tuyến được; gửi kèm hồ sơ thử nghiệm.",
    ),
    (TaskKind.UPGRADE, ACCEPT): (
        "Đã kiểm tra trên Cổng Dịch vụ công tỉnh: thanh toán và trả kết quả trực tuyến hoạt "
        "động. Xác nhận hoàn thành.",
    ),
    (TaskKind.UPGRADE, RETURN): (
        "Chưa đạt mức độ 4; đề nghị đơn vị bổ sung theo kết quả kiểm tra của Sở TT&TT.",
    ),
    (TaskKind.UPGRADE, CANCEL): (
        "Dừng thực hiện: các dịch vụ chạy trên hệ thống của bộ, ngành nên tỉnh không tự nâng "
        "cấp được; chuyển sang kiến nghị với bộ quản lý.",
    ),
    (TaskKind.GENERAL, START): (
        "Đã triển khai, phân công cán bộ thực hiện.",
        "Đã xây dựng đề cương và lịch làm việc với các đơn vị.",
    ),
    (TaskKind.GENERAL, NOTE): (
        "Đã hoàn thành khoảng một nửa khối lượng công việc.",
        "Đã làm việc với các đơn vị; đang tổng hợp kết quả.",
    ),
    (TaskKind.GENERAL, REPORT): ("Đã hoàn thành; gửi báo cáo kết quả để Tổ trưởng xem xét.",),
    (TaskKind.GENERAL, ACCEPT): ("Thống nhất kết quả, kết thúc nhiệm vụ.",),
    (TaskKind.GENERAL, RETURN): ("Đề nghị bổ sung số liệu của các huyện trước khi trình.",),
    (TaskKind.GENERAL, CANCEL): ("Không còn cần thiết sau khi Kế hoạch được điều chỉnh.",),
}
CLAIM_EVIDENCE = "Đã nộp thử hồ sơ, thanh toán và nhận kết quả trực tuyến trên Cổng DVC tỉnh."
# Keyed by whether the service charges a fee: that decides what a returned claim lacks.
RETURN_REASONS = {
    True: "Chưa kết nối Hệ thống hỗ trợ thanh toán DVCTT quốc gia: nộp phí thử nghiệm không "
          "thành công.",
    False: "Chưa trả kết quả trực tuyến: hồ sơ thử nghiệm vẫn phải nhận kết quả tại Bộ phận "
           "Một cửa.",
}
EXTENSION_REASON = ("Chờ VNPT Bắc Kạn hoàn thành tích hợp thanh toán trực tuyến trên Hệ thống "
                    "một cửa điện tử của tỉnh.")
DECISION_NOTES = {
    True: "Đồng ý gia hạn; đề nghị bảo đảm tiến độ mới.",
    False: "Không đồng ý gia hạn: nhiệm vụ thuộc chỉ tiêu năm 2020, đề nghị tập trung hoàn "
           "thành ngay.",
}

_ALTERNATIVES = re.compile(r"\{([^}]*)\}")


def shift(day, founded_on):
    """Move a date of the 2020 story to the same place relative to ``founded_on``."""
    return day + (founded_on - FOUNDED_2020)


def is_empty(session):
    """Tell whether the database has no users, units and services yet."""
    return all(session.scalar(select(model.id).limit(1)) is None for model in (User, Unit, Service))


def load(session, *, founded_on, today=None):
    """Add the demo task force founded on ``founded_on``; nothing dated after ``today``.

    ``today`` defaults to 45 days after the founding. Returns counts of what was added.
    """
    today = today or founded_on + timedelta(days=DAYS_TO_TODAY)
    if today < founded_on:
        raise ValueError("today must not be before the founding date")
    return _Loader(session, founded_on, today).run()


def _expand(pattern):
    match = _ALTERNATIVES.search(pattern)
    if match is None:
        return [pattern]
    return [pattern[:match.start()] + alternative + pattern[match.end():]
            for alternative in match.group(1).split("|")]


@dataclass
class _Planned:
    """A service before it is written: what it is and its verified level history."""

    unit: str
    field: str
    name: str
    code: str
    has_fee: bool
    # (day, from level, to level, source), in date order, verified only
    history: list = field(default_factory=list)
    claim: str | None = None
    in_task: bool = False
    obj: Service | None = None

    @property
    def level(self):
        return self.history[-1][2]

    def level_on(self, day):
        levels = [to for on, _old, to, _source in self.history if on <= day]
        return levels[-1] if levels else None


@dataclass
class _Job:
    """A task being written: its story, original due date and who logs it."""

    task: Task
    story: str
    created_on: date
    due: date
    reporter: User
    services: list = field(default_factory=list)
    due_now: date | None = None


class _Loader:
    """Writes the story in the calendar that starts on ``founded_on``."""

    def __init__(self, session, founded_on, today):
        self.session = session
        self.rng = random.Random(SEED)
        self.founded_on = founded_on
        self.offset = founded_on - FOUNDED_2020
        self.today = today
        # Today in the 2020 calendar: every event is planned and cut in that calendar.
        self.story_today = today - self.offset
        self.claims = []
        self.linked = {}  # order in the roster -> the member's account

    def run(self):
        units = self._add_units()
        users = self._add_users(units)
        members = self._add_members(units)
        plans = self._plan_catalog()
        jobs = self._plan_tasks(plans, units, members, users)
        self._add_services(plans, units)
        self._add_tasks(jobs)
        self._add_level_changes(plans)
        self._add_usage(plans)
        self._add_settings()
        return {"units": len(units), "services": len(plans), "tasks": len(jobs),
                "members": len(members), "accounts": len(users)}

    def on(self, day):
        return shift(day, self.founded_on)

    def at(self, day, hour):
        """The UTC moment of ``hour`` o'clock, province time, on ``day`` of the story."""
        return datetime.combine(self.on(day), time(hour), LOCAL).astimezone(UTC)

    def _person(self):
        middles, givens = self.rng.choice((MALE_NAMES, FEMALE_NAMES))
        return " ".join((self.rng.choice(SURNAMES), self.rng.choice(middles),
                         self.rng.choice(givens)))

    def _add_units(self):
        units = {}
        for order, (code, name, kind, _count, _lag) in enumerate(UNITS, start=1):
            slug = code.lower()
            units[code] = Unit(
                code=code, name=name, name_key=fold(name), kind=kind, display_order=order,
                focal_name=self._person(), focal_title=self.rng.choice(FOCAL_TITLES[kind]),
                focal_email=f"dau-moi.{slug}@backan.test",
                # No exchange starts with 000, so these numbers reach nobody.
                focal_phone=f"0209 000 {order:04d}",
                notify_emails=f"vanthu.{slug}@backan.test")
        self.session.add_all(units.values())
        self.session.flush()
        return units

    def _add_users(self, units):
        password_hash = hash_password(PASSWORD)
        users = {}
        for email, role, _label, member in ACCOUNT_ROWS:
            key = email.split("@")[0]
            if member is not None:
                full_name = MEMBERS[member - 1][0]
            elif role == Role.UNIT_OFFICER:
                full_name = units[OFFICER_UNIT].focal_name
            else:
                full_name = OTHER_NAMES[key]
            users[key] = User(
                email=email, full_name=full_name, password_hash=password_hash, role=role,
                unit_id=units[OFFICER_UNIT].id if role == Role.UNIT_OFFICER else None,
                is_verifier=role == Role.MEMBER, locale=None, created_at=self.at(FOUNDED_2020, 8))
        self.session.add_all(users.values())
        self.session.flush()
        self.linked = {member: users[email.split("@")[0]]
                       for email, _role, _label, member in ACCOUNT_ROWS if member is not None}
        return users

    def _add_members(self, units):
        members = []
        for order, (name, position, invited, title, organisation, followed) in enumerate(
                MEMBERS, start=1):
            user = self.linked.get(order)
            member = Member(full_name=name, position=position, is_invited=invited, title=title,
                            organisation=organisation, display_order=order,
                            user_id=user.id if user else None, email=user.email if user else None)
            member.units = [units[code] for code in followed]
            members.append(member)
        self.session.add_all(members)
        self.session.flush()
        return members

    def _plan_catalog(self):
        codes = self._codes()
        plans = []
        for code, _name, kind, count, _lag in UNITS:
            pool = self._pool(code if kind == DEPARTMENT else "district")
            for index in sorted(self.rng.sample(range(len(pool)), count)):
                field_name, name = pool[index]
                has_fee = code not in FREE_UNITS and self.rng.random() < FEE_SHARE
                plans.append(_Planned(code, field_name, name, codes[name], has_fee))
        self._plan_levels(plans)
        return plans

    @staticmethod
    def _pool(key):
        return [(field_name, name) for field_name, patterns in PROCEDURES[key].items()
                for pattern in patterns for name in _expand(pattern)]

    def _codes(self):
        names = list(dict.fromkeys(name for key in PROCEDURES for _f, name in self._pool(key)))
        numbers = self.rng.sample(range(1000, 13000), len(names))
        # National codes start with 1 or 2 followed by six digits, e.g. 1.001234.
        return {name: f"{1 if number % 3 else 2}.{number:06d}"
                for name, number in zip(names, numbers, strict=True)}

    def _plan_levels(self, plans):
        lag = {code: value for code, _n, _k, _c, value in UNITS}
        ranked = sorted(plans, key=lambda p: self.rng.random() + lag[p.unit])
        bounds = self._bounds()
        for rank, plan in enumerate(ranked):
            plan.history.append((LISTED_ON, None, self._listed_level(rank, bounds), "initial"))
        for start, stop, window in ((bounds[0], bounds[1], UPGRADE_WINDOWS[0]),
                                    (bounds[1], bounds[2], UPGRADE_WINDOWS[1])):
            for plan in ranked[start:stop]:
                plan.history.append((self._day_in(window), 3, 4, "import"))
        for plan in self.rng.sample(ranked[bounds[2]:bounds[3]], RAISED_TO_LEVEL3):
            plan.history[0] = (LISTED_ON, None, 2, "initial")
            plan.history.append((self._day_in(RAISE_WINDOW), 2, 3, "import"))

    @staticmethod
    def _bounds():
        first = LEVEL4_LISTED
        second = first + UPGRADED_BY_AUGUST
        third = second + UPGRADED_BY_FOUNDING
        return first, second, third, third + LEVEL3

    @staticmethod
    def _listed_level(rank, bounds):
        if rank < bounds[0]:
            return 4
        if rank < bounds[3]:
            return 3
        return 1 if rank >= TOTAL_SERVICES - LEVEL1 else 2

    def _day_in(self, window):
        start, stop = window
        return start + timedelta(days=self.rng.randrange((stop - start).days + 1))

    def _plan_tasks(self, plans, units, members, users):
        followers = {unit.code: member for member in members for unit in member.units}
        jobs = [self._upgrade_job(row, plans, units, followers, users) for row in UPGRADE_TASKS]
        jobs += [self._general_job(row, units, members, users) for row in GENERAL_TASKS]
        # A task exists from the day after its directive; later ones are not there yet.
        jobs = [job for job in jobs if job.created_on <= self.story_today]
        for job in jobs:
            self._play(job, users["leader"])
        return jobs

    def _upgrade_job(self, row, plans, units, followers, users):
        code, count, due, story, priority = row
        candidates = [p for p in plans if p.unit == code and p.level == 3 and not p.in_task]
        picked = sorted(self.rng.sample(candidates, min(count, len(candidates))),
                        key=lambda p: p.code)
        for plan in picked:
            plan.in_task = True
        follower = followers[code]
        number = DOCUMENTS["plan"][0]
        task = Task(kind=TaskKind.UPGRADE, title=UPGRADE_TITLE.format(count=len(picked)),
                    description=UPGRADE_DESCRIPTION.format(number=number), unit=units[code],
                    follower=follower, priority=priority)
        reporter = (users["officer"] if code == OFFICER_UNIT
                    else self.linked.get(follower.display_order, users["deputy"]))
        return self._job(task, story, due, "plan", reporter, picked)

    def _general_job(self, row, units, members, users):
        title, code, assignee, due, story, priority, source = row
        task = Task(kind=TaskKind.GENERAL, title=title, unit=units[code] if code else None,
                    assignee=members[assignee - 1], follower=members[0], priority=priority)
        reporter = self.linked.get(assignee, users["deputy"])
        return self._job(task, story, due, source, reporter, [])

    def _job(self, task, story, due, source, reporter, services):
        number, days, title = DOCUMENTS[source]
        issued = FOUNDED_2020 + timedelta(days=days)
        task.doc_number, task.doc_date, task.doc_title = number, self.on(issued), title
        task.created_at = self.at(issued + timedelta(days=1), 8)
        return _Job(task, story, issued + timedelta(days=1), due, reporter, services,
                    due_now=due)

    def _play(self, job, leader):
        """Apply the events of the task's story that happened by today."""
        task, day, status, progress = job.task, job.created_on, TaskStatus.NEW, 0
        task.updated_at = task.created_at
        for index, (offset, action, value) in enumerate(STORIES[job.story]):
            day = max(day, job.due + timedelta(days=offset), job.created_on + timedelta(days=1))
            if day > self.story_today:
                break
            when = self.at(day, 8 + index)
            if action in (EXTEND, REFUSE):
                self._extension(job, day, when, value, leader, approved=action == EXTEND)
                continue
            author = job.reporter if action in (START, NOTE, REPORT) else leader
            progress = value
            new_status = STATUS_AFTER.get(action, status)
            task.updates.append(StatusUpdate(
                author_id=author.id, created_at=when, progress=progress,
                note=self.rng.choice(NOTES[(task.kind, action)]),
                status_from=status if new_status != status else None,
                status_to=new_status if new_status != status else None))
            self._record(job, action, day, when, leader)
            status = new_status
            task.updated_at = when
        task.status, task.progress = status, progress
        task.due_on, task.original_due_on = self.on(job.due_now), self.on(job.due)

    def _record(self, job, action, day, when, leader):
        task = job.task
        if action == REPORT:
            task.reported_at = when
            self._claim(job, day, when)
        elif action == ACCEPT:
            task.completed_at, task.completed_on = when, self.on(day)
            self._decide(job, when, leader, ClaimStatus.VERIFIED)
        elif action == RETURN:
            self._decide(job, when, leader, ClaimStatus.RETURNED)
        elif action == CANCEL:
            task.cancelled_reason = NOTES[(task.kind, CANCEL)][0]
        if action in (RETURN, CANCEL):
            task.reported_at = None

    def _claim(self, job, day, when):
        for plan in job.services:
            if plan.claim in (None, ClaimStatus.RETURNED):
                plan.claim = ClaimStatus.PENDING
                self.claims.append({
                    "plan": plan, "task": job.task, "from_level": 3, "to_level": 4,
                    "effective_on": day, "status": ClaimStatus.PENDING, "source": "claim",
                    "claimed_by_id": job.reporter.id, "claimed_at": when,
                    "verified_by_id": None, "verified_at": None, "return_reason": None,
                    "evidence_note": CLAIM_EVIDENCE, "prerequisites": self._ticked(plan)})

    @staticmethod
    def _ticked(plan):
        """The level-4 checklist as the claimant ticks it: all that the service needs."""
        return {"online_processing": True, "online_payment": plan.has_fee,
                "online_result": True, "evaluation": True}

    def _decide(self, job, when, leader, status):
        for claim in self.claims:
            if claim["task"] is job.task and claim["status"] == ClaimStatus.PENDING:
                plan = claim["plan"]
                claim.update(status=status, verified_by_id=leader.id, verified_at=when)
                plan.claim = status
                if status == ClaimStatus.VERIFIED:
                    plan.history.append((claim["effective_on"], 3, 4, "claim"))
                else:
                    claim["return_reason"] = RETURN_REASONS[plan.has_fee]

    def _extension(self, job, day, when, days, leader, approved):
        decided = day + timedelta(days=1)
        request = ExtensionRequest(
            previous_due_on=self.on(job.due_now),
            requested_due_on=self.on(job.due_now + timedelta(days=days)),
            reason=EXTENSION_REASON, requested_by_id=job.reporter.id, requested_at=when)
        if decided <= self.story_today:
            request.decision = Decision.APPROVED if approved else Decision.REFUSED
            request.decided_by_id = leader.id
            request.decided_at = self.at(decided, 14)
            request.decision_note = DECISION_NOTES[approved]
            if approved:
                job.due_now += timedelta(days=days)
        job.task.extensions.append(request)

    def _add_services(self, plans, units):
        for plan in plans:
            unit = units[plan.unit]
            plan.obj = Service(
                code=plan.code, name=plan.name, name_key=fold(plan.name), field=plan.field,
                unit_id=unit.id, tier=Tier.PROVINCE if unit.kind == DEPARTMENT else Tier.DISTRICT,
                has_fee=plan.has_fee, level=plan.level, target_level=4 if plan.in_task else None,
                online_class=self._online_class(plan.level), created_at=self.at(LISTED_ON, 8),
                **self._prerequisites(plan))
        self.session.add_all([plan.obj for plan in plans])
        self.session.flush()

    def _online_class(self, level):
        # The 2022 classification is filled in for some services only, as it is in practice.
        if level == 4 and self.rng.random() < 0.7:
            return OnlineClass.WHOLE_PROCESS
        if level == 3 and self.rng.random() < 0.5:
            return OnlineClass.PARTIAL
        return None

    def _prerequisites(self, plan):
        # A pending claim's checklist reaches the service only when the claim is verified.
        if plan.level == 4:
            payment, evaluation, result = plan.has_fee, True, True
        elif plan.level < 3:
            payment = evaluation = result = False
        elif plan.claim == ClaimStatus.RETURNED:
            # What the verifier found missing, as the return reason says.
            payment, evaluation, result = False, True, plan.has_fee
        else:
            payment = plan.has_fee and self.rng.random() < 0.35
            evaluation, result = self.rng.random() < 0.6, self.rng.random() < 0.4
        return {"has_online_payment": payment, "is_connected_evaluation": evaluation,
                "has_online_result": result}

    def _add_tasks(self, jobs):
        for job in jobs:
            job.task.services = [plan.obj for plan in job.services]
            job.task.created_by_id = self.linked[1].id
        self.session.add_all([job.task for job in jobs])
        self.session.flush()

    def _add_level_changes(self, plans):
        rows = [self._history_row(plan, entry) for plan in plans for entry in plan.history
                if entry[3] != "claim"]
        rows += [self._claim_row(claim) for claim in self.claims]
        self.session.execute(insert(LevelChange), rows)

    def _history_row(self, plan, entry):
        day, old, new, source = entry
        when = self.at(day, 8)
        return {"service_id": plan.obj.id, "from_level": old, "to_level": new,
                "effective_on": self.on(day), "status": ClaimStatus.VERIFIED, "source": source,
                "task_id": None, "claimed_by_id": None, "claimed_at": when,
                "verified_by_id": None, "verified_at": when, "return_reason": None,
                "evidence_note": None, "prerequisites": None}

    def _claim_row(self, claim):
        row = {key: value for key, value in claim.items() if key not in ("plan", "task")}
        row.update(service_id=claim["plan"].obj.id, task_id=claim["task"].id,
                   effective_on=self.on(claim["effective_on"]))
        return row

    def _add_usage(self, plans):
        months = self._months()
        rows = []
        for plan in plans:
            if plan.level < 4 and self.rng.random() >= USAGE_SHARE:
                continue
            idle = self.rng.random() < IDLE_SHARE
            # Cubed, so most services get a few dossiers a month and a few get hundreds.
            volume = 5 + 295 * self.rng.random() ** 3
            rows += [self._usage_row(plan, month, volume, idle) for month in months]
        self.session.execute(insert(ServiceUsage), rows)

    def _months(self):
        month, last = self.on(LISTED_ON).replace(day=1), self.today.replace(day=1)
        months = []
        while month <= last:
            months.append(month)
            month += relativedelta(months=1)
        return months

    def _usage_row(self, plan, month, volume, idle):
        end = min(month + relativedelta(months=1, days=-1), self.today)
        level = plan.level_on(end - self.offset)
        total = min(300, round(volume * self.rng.uniform(0.6, 1.4)))
        online = paid = 0
        if level == 4 and not idle:
            online = max(1, round(total * self.rng.uniform(0.25, 0.75)))
            paid = round(online * self.rng.uniform(0.5, 1.0)) if plan.has_fee else 0
        elif level == 3 and not idle:
            online = round(total * self.rng.uniform(0.0, 0.3))
        return {"service_id": plan.obj.id, "month": month, "dossiers_total": total,
                "dossiers_online": online, "dossiers_paid_online": paid}

    def _add_settings(self):
        settings.put(self.session, "target_share", 0.30)
        settings.put(self.session, "target_on", self.on(TARGET_ON).isoformat())
        settings.put(self.session, "national_share", 0.191)
        settings.put(self.session, "founded_on", self.on(FOUNDED_2020).isoformat())
        self.session.flush()
