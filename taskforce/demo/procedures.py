"""The demo's catalog rows: the procedures each unit offers, by field."""

import re

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

_ALTERNATIVES = re.compile(r"\{([^}]*)\}")


def expand(pattern):
    """The procedure names a pattern stands for: one per alternative of its "{a|b}"."""
    match = _ALTERNATIVES.search(pattern)
    if match is None:
        return [pattern]
    return [pattern[:match.start()] + alternative + pattern[match.end():]
            for alternative in match.group(1).split("|")]
