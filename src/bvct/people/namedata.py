"""Vietnamese name frequencies for generated data (family name first, as Vietnamese write it).

Family-name shares follow published surveys (Nguyễn ≈ 38 %, Trần ≈ 11 %, Lê ≈ 9.5 %...);
middle and given names are common ones by sex with falling weights, plus a long tail.
"""

from __future__ import annotations

FAMILY = [
    ("Nguyễn", 38.4), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.1), ("Hoàng", 4.0),
    ("Huỳnh", 1.1), ("Phan", 4.5), ("Vũ", 2.8), ("Võ", 1.1), ("Đặng", 2.1), ("Bùi", 2.0),
    ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Đinh", 0.9),
    ("Đào", 0.8), ("Cao", 0.6), ("Mai", 0.5), ("Trịnh", 0.5), ("Lương", 0.4), ("Tạ", 0.3),
    ("Vương", 0.3), ("Tô", 0.3), ("Hà", 0.5), ("Chu", 0.3), ("Kiều", 0.2), ("Lâm", 0.3),
    ("Thái", 0.2), ("Quách", 0.1), ("Khổng", 0.05), ("La", 0.2), ("Triệu", 0.2), ("Lục", 0.1),
    ("Âu", 0.1), ("Mạc", 0.1), ("Doãn", 0.1), ("Nông", 0.2), ("Hầu", 0.1), ("Giáp", 0.1),
    ("Phùng", 0.3), ("Tăng", 0.1), ("Lại", 0.2), ("Từ", 0.1), ("Thân", 0.2), ("Bạch", 0.1),
    ("Khúc", 0.1), ("Lò", 0.1), ("Ninh", 0.1), ("Nghiêm", 0.1), ("Hứa", 0.1), ("Ông", 0.05),
]  # fmt: skip

MIDDLE_MALE = [
    ("Văn", 35), ("Đức", 8), ("Minh", 7), ("Quốc", 5), ("Hữu", 6), ("Công", 5), ("Thanh", 4),
    ("Xuân", 4), ("Ngọc", 3), ("Duy", 3), ("Hoàng", 3), ("Mạnh", 2), ("Tuấn", 2), ("Anh", 2),
    ("Trọng", 2), ("Quang", 4), ("Thế", 2), ("Đình", 4), ("Bá", 1), ("Tiến", 1), ("Trung", 1),
    ("Việt", 1), ("Gia", 1), ("Chí", 1), ("Văn Minh", 0.6), ("Đức Anh", 0.5), ("Hữu Minh", 0.3),
]  # fmt: skip

MIDDLE_FEMALE = [
    ("Thị", 55), ("Ngọc", 6), ("Thu", 5), ("Thanh", 5), ("Thùy", 3), ("Kim", 3), ("Minh", 3),
    ("Phương", 3), ("Hồng", 3), ("Thúy", 2), ("Lan", 2), ("Mai", 2), ("Bích", 2), ("Hải", 2),
    ("Khánh", 1), ("Diệu", 1), ("Bảo", 1), ("Thị Thu", 0.5), ("Thị Minh", 0.4),
]  # fmt: skip

GIVEN_MALE = (
    "Hùng Dũng Tuấn Minh Hải Nam Long Sơn Thắng Cường Quang Hiếu Trung Bình Đức Thành Phong Huy "
    "Khoa Tùng Việt Hưng Hòa Lâm An Anh Bảo Duy Dương Đạt Giang Hậu Hiển Hoàng Kiên Khánh Lực "
    "Mạnh Nghĩa Nhân Phúc Quân Quý Sang Tài Tâm Thịnh Thông Tiến Toàn Trí Trọng Vinh Vũ Xuân "
    "Chiến Công Định Đông Hiệp Hoan Khải Khôi Lợi Lương Ninh Phát Phương Quyết Tân Thái Thuận "
    "Tình Tú Tuân Tường Văn Vượng Chính Diệu Doanh Hào Hợp Kỳ Luân Nguyên Pháp Sỹ Thạch Thiện "
    "Khiêm Uy Viễn Yên Bách Cảnh Chương Đàm Giáp Hạnh Khang Kiệt Lộc Mẫn Ngọc Nhật Quế Thao"
).split()

GIVEN_FEMALE = (
    (
        "Lan Hoa Hương Mai Linh Hà Thảo Trang Ngọc Huyền Nhung Phương Thủy Yến Hạnh Hằng Loan Vân "
        "Oanh Nga Dung Hiền Liên Thu Thúy Ánh Anh Châu Diệp Giang Hải Hồng Khánh Lệ Lý My Nhàn Nhi "
        "Quỳnh Tâm Thanh Thơ Trinh Uyên Vy Xuân Ly Ngân Diễm Bích Tuyết Cúc Đào Hậu Huệ Kim Lụa "
        "Minh Nguyệt Phượng Quyên Sen Thắm Thoa Tình Trâm Tươi Vui Xoan Yên Ðiệp Gấm Hạ Hòa Khuê "
        "Lài Miên Ngà Ngát Nhạn Phấn Sương Thêu Thư Thương Trà Tường Vĩ"
    )
    .replace("Ð", "Đ")
    .split()
)

OCCUPATIONS = [
    ("Cán bộ, công chức", 30), ("Viên chức", 15), ("Giáo viên", 10), ("Làm ruộng", 15),
    ("Kinh doanh", 8), ("Công nhân", 8), ("Bác sĩ", 2), ("Bộ đội", 3), ("Công an", 3),
    ("Hưu trí", 5), ("Học sinh, sinh viên", 3), ("Kỹ sư", 3), ("Lao động tự do", 5),
]  # fmt: skip
RELIGIONS = [("Không", 90), ("Phật giáo", 7), ("Công giáo", 2.5), ("Tin Lành", 0.5)]
COUNTRIES = [
    "Liên bang Nga", "Trung Quốc", "Lào", "Campuchia", "Nhật Bản", "Hàn Quốc", "Hoa Kỳ",
    "Cộng hòa Pháp", "Cộng hòa Liên bang Đức", "Úc", "Singapore", "Thái Lan", "Cộng hòa Séc",
]  # fmt: skip
SCHOOLS = [
    "Đại học Kinh tế Quốc dân", "Học viện Chính trị quốc gia Hồ Chí Minh", "Đại học Luật Hà Nội",
    "Đại học Bách khoa Hà Nội", "Đại học Sư phạm Hà Nội", "Học viện Hành chính quốc gia",
    "Trường Chính trị tỉnh", "Đại học Nông nghiệp Hà Nội", "Học viện Tài chính",
]  # fmt: skip
