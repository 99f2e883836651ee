"""Document types and the fields each type's template fills (HD 36-HD/VPTW layout).

A template's placeholders are ``{{ ten_truong }}``: the names below, in unaccented
Vietnamese, because administrators edit them in Word. A field marked ``many`` is a list: the
paragraph that holds it is repeated once per item (and left out when the list is empty).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentType(models.TextChoices):
    """A numbered party document; each type is numbered on its own (``symbol``)."""

    CONCLUSION = "CONCLUSION", _("Kết luận tiêu chuẩn chính trị")
    APPRAISAL_REPORT = "APPRAISAL_REPORT", _("Báo cáo thẩm định")

    @property
    def symbol(self) -> str:
        """The type's letters in the number-symbol ("KL" in "12-KL/TU")."""
        return _SYMBOLS[self.value]

    @property
    def heading(self) -> str:
        """The type's name as the document prints it above its abstract."""
        return _HEADINGS[self.value]


_SYMBOLS = {"CONCLUSION": "KL", "APPRAISAL_REPORT": "BC"}
_HEADINGS = {"CONCLUSION": "KẾT LUẬN", "APPRAISAL_REPORT": "BÁO CÁO"}


@dataclass(frozen=True)
class FieldSpec:
    """One placeholder: ``given`` ones the issuing service fills itself; the others come from
    the caller's ``fields``. ``in_template``: a template of the type must hold it."""

    key: str
    label: str
    many: bool = False
    required: bool = False
    given: bool = False
    in_template: bool = False


_COMMON = (
    FieldSpec("co_quan_cap_tren", "Tên cơ quan cấp trên (dòng trên)", given=True),
    FieldSpec("co_quan_ban_hanh", "Tên cơ quan ban hành", given=True, in_template=True),
    FieldSpec("so_ky_hieu", "Số và ký hiệu (12-KL/TU)", given=True, in_template=True),
    FieldSpec("dia_danh", "Địa danh", given=True, in_template=True),
    FieldSpec("ngay_thang_nam", "Ngày, tháng, năm ban hành bằng chữ", given=True, in_template=True),
    FieldSpec("ten_loai", "Tên loại văn bản (KẾT LUẬN)", given=True),
    FieldSpec("trich_yeu", "Trích yếu nội dung", given=True, in_template=True),
    FieldSpec("do_mat", "Dấu mức độ mật (MẬT, TỐI MẬT, TUYỆT MẬT)", given=True, in_template=True),
    FieldSpec(
        "chuc_vu_ky",
        "Quyền hạn và chức vụ người ký (hai dòng: T/M BAN THƯỜNG VỤ / BÍ THƯ)",
        given=True,
        in_template=True,
    ),
    FieldSpec("nguoi_ky", "Họ tên người ký", given=True, in_template=True),
    FieldSpec(
        "noi_nhan",
        "Nơi nhận (mỗi nơi một dòng, đã có dấu “,” hoặc “.” cuối dòng)",
        many=True,
        given=True,
        in_template=True,
    ),
)

FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    DocumentType.CONCLUSION: (
        *_COMMON,
        FieldSpec("ho_ten", "Họ và tên người được kết luận", required=True, in_template=True),
        FieldSpec("noi_dung", "Nội dung (mỗi đoạn một dòng)", many=True),
        FieldSpec("van_de", "Các vấn đề đã thẩm tra, xác minh", many=True),
        FieldSpec("quyet_dinh", "Các quyết định nhân sự kết luận này dùng cho", many=True),
        FieldSpec("ket_luan", "Kết luận", required=True, in_template=True),
    ),
    DocumentType.APPRAISAL_REPORT: (
        *_COMMON,
        FieldSpec("ho_ten", "Họ và tên người được thẩm định", required=True, in_template=True),
        FieldSpec("noi_dung", "Nội dung (mỗi đoạn một dòng)", many=True),
        FieldSpec("van_de", "Những nội dung cần thẩm tra, xác minh", many=True),
        FieldSpec("de_xuat", "Đề xuất", in_template=True),
    ),
}

#: Keys that are lists in every type (the renderer repeats their paragraphs).
LIST_KEYS = frozenset(f.key for specs in FIELDS.values() for f in specs if f.many)

#: Secrecy marks as printed (HD 36: the level's stamp); "Không mật" prints nothing.
SECRECY_MARKS = {0: "", 1: "MẬT", 2: "TỐI MẬT", 3: "TUYỆT MẬT"}

MAX_TEMPLATE_BYTES = 5 * 1024 * 1024

#: The types as page addresses name them.
TYPE_SLUGS = {
    "ket-luan": DocumentType.CONCLUSION,
    "bao-cao-tham-dinh": DocumentType.APPRAISAL_REPORT,
}
SLUG_OF_TYPE = {v: k for k, v in TYPE_SLUGS.items()}
