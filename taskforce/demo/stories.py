"""The demo's tasks and their stories, in the calendar of 2020, with the words people wrote."""

from datetime import date

from taskforce.models import Priority, TaskKind

# The story is written in the calendar of 2020; every date moves with the founding date.
FOUNDED_2020 = date(2020, 10, 15)
LISTED_ON = date(2020, 1, 1)
TARGET_ON = date(2020, 12, 31)

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
# What happens to a task: (days from its original due date, action, progress or days of
# extension). The progress is what a general task reports; an upgrade task's is computed from
# its verified services. Only the events up to today are played, so a later "today" shows more.
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
