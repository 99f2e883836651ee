"""The rule pack BVCT ships (version 1): the public sources' defaults, each marked to confirm.

The migration that creates the rule pack seeds this as version 1. It is the shipped text of
version 1 and stays as it is: a province changes its rules by publishing a new version on the
rule pack pages (docs/rules.md), never by editing this file.
"""

from __future__ import annotations

from typing import Any

_TRIGGERS = (
    "Các nguồn công khai thống nhất về các trường hợp phải có kết luận tiêu chuẩn chính trị "
    "(Quy định 58-QĐ/TW năm 2022 và hướng dẫn của Ban Tổ chức Trung ương); danh sách chính xác "
    "của tỉnh cần xác nhận"
)
_ADMISSION = (
    "Kết nạp đảng: chỉ thẩm tra, kết luận khi người vào Đảng có vấn đề chính trị "
    "(Điều lệ Đảng; Quy định 58-QĐ/TW năm 2022); cần xác nhận"
)
_RELATIONS = (
    "Thẩm tra thân nhân: cha, mẹ (hoặc người nuôi dưỡng), cha mẹ vợ/chồng, vợ hoặc chồng, con; "
    "anh chị em ruột khai nhưng không thẩm tra (theo các mục thân nhân của Mẫu 2-KNĐ); cần "
    "xác nhận"
)
_VALIDITY = (
    "Không tìm thấy quy định công khai; một hệ thống công khai dùng 6 tháng: mặc định của "
    "BVCT, cần xác nhận"
)
_APPRAISAL = (
    "Một tỉnh quy định thẩm định trong 5 ngày làm việc, 20 ngày nếu phức tạp hoặc do khiếu nại, "
    "tố cáo (quy chế của tỉnh đó): cần xác nhận theo quy chế của tỉnh mình"
)
_NO_SOURCE = "Mặc định của BVCT, chưa có nguồn quy định: cần xác nhận"
_SCOPE = (
    "Theo phân cấp quản lý cán bộ: cán bộ diện Ban Thường vụ Tỉnh ủy quản lý do Ban Thường vụ "
    "kết luận; cán bộ khác do cấp ủy quản lý hồ sơ kết luận (quy định phân cấp quản lý cán bộ "
    "của tỉnh); cần xác nhận"
)
_CAPS = (
    "Quy định 58-QĐ/TW (2022): người có vấn đề chính trị phức tạp nhưng không vi phạm bị giới "
    "hạn chức vụ (không cao hơn Ủy viên Ban Thường vụ Tỉnh ủy), ghế cấp ủy, ứng cử và vị trí "
    "trọng yếu, cơ mật; mức giới hạn cụ thể cần xác nhận"
)
_OUTCOMES = "Các loại kết luận gặp trong thực tế, không phải văn bản quy định: cần xác nhận"
_CATEGORIES = (
    "Theo các mục của lý lịch (Mẫu 2-KNĐ): lịch sử chính trị, chính trị hiện nay, yếu tố nước "
    "ngoài, thân nhân; cần xác nhận"
)
_CHARTER = (
    "Điều lệ Đảng, Điều 10 (như thường được trích dẫn): hội nghị hợp lệ khi có ít "
    "nhất 2/3 số thành viên được triệu tập dự"
)
_PASSING = (
    "Điều lệ Đảng, Điều 10 (như thường được trích dẫn): nghị quyết được thông qua "
    "khi quá 1/2 tổng số thành viên (không phải số có mặt) tán thành"
)


def _rule(source: str, **values: Any) -> dict[str, Any]:
    return {**values, "source": source, "to_confirm": True}


DEFAULT_PACK_V1: dict[str, Any] = {
    "schema": 1,
    "conclusion_required": [
        _rule(_ADMISSION, decision_kind="PARTY_ADMISSION", when="ISSUE_DECLARED"),
        *(
            _rule(_TRIGGERS, decision_kind=kind, when="ALWAYS")
            for kind in (
                "SUCCESSION_PLANNING",
                "APPOINTMENT",
                "COMMITTEE_NOMINATION",
                "NA_CANDIDACY",
                "PC_CANDIDACY",
                "ABROAD",
                "CATALOGUE_POST",
                "COMPLAINT_REVIEW",
            )
        ),
    ],
    "verified_relations": _rule(
        _RELATIONS, codes=["cha", "me", "nguoi-nuoi-duong", "vo-chong", "con", "cha-vc", "me-vc"]
    ),
    "validity": [
        _rule(_VALIDITY, decision_kind=kind, months=6)
        for kind in (
            "PARTY_ADMISSION",
            "SUCCESSION_PLANNING",
            "APPOINTMENT",
            "COMMITTEE_NOMINATION",
            "NA_CANDIDACY",
            "PC_CANDIDACY",
            "ABROAD",
            "CATALOGUE_POST",
            "COMPLAINT_REVIEW",
        )
    ],
    "deadlines": [
        _rule(_APPRAISAL, stage="APPRAISAL", days=5, complex_days=20),
        _rule(_NO_SOURCE, stage="VERIFICATION", days=30, complex_days=60),
        _rule(_NO_SOURCE, stage="DELIBERATION", days=10, complex_days=20),
    ],
    "competent_body": {
        "default": _rule(_SCOPE, body="MANAGING_COMMITTEE"),
        "by_tier": [
            _rule(_SCOPE, tier="CENTRAL", body="PROVINCIAL_STANDING"),
            _rule(_SCOPE, tier="PROVINCE", body="PROVINCIAL_STANDING"),
            _rule(_SCOPE, tier="COMMUNE", body="MANAGING_COMMITTEE"),
            _rule(_SCOPE, tier="GRASSROOTS", body="MANAGING_COMMITTEE"),
        ],
        "by_decision_kind": [
            _rule(_SCOPE, decision_kind="NA_CANDIDACY", body="PROVINCIAL_STANDING"),
        ],
    },
    "outcomes": [
        _rule(
            _OUTCOMES,
            outcome="NO_ISSUE",
            covers=True,
            barred_tiers=[],
            barred_management_tiers=[],
            barred_decision_kinds=[],
            max_clearance=None,
        ),
        _rule(
            _CAPS,
            outcome="ISSUE_NO_VIOLATION",
            covers=True,
            barred_tiers=["CENTRAL"],
            barred_management_tiers=[],
            barred_decision_kinds=["NA_CANDIDACY"],
            max_clearance=1,
        ),
        _rule(
            _OUTCOMES,
            outcome="VIOLATION",
            covers=False,
            barred_tiers=[],
            barred_management_tiers=[],
            barred_decision_kinds=[],
            max_clearance=None,
        ),
        _rule(
            _OUTCOMES,
            outcome="INSUFFICIENT",
            covers=False,
            barred_tiers=[],
            barred_management_tiers=[],
            barred_decision_kinds=[],
            max_clearance=None,
        ),
    ],
    "issue_categories": [
        _rule(_CATEGORIES, code=code, name=name)
        for code, name in (
            ("ARREST", "Bị bắt, bị tù, bị xử lý hình sự"),
            ("FORMER_REGIME", "Làm việc cho chế độ cũ"),
            ("ORGANISATION", "Tham gia tổ chức, đảng phái chính trị khác"),
            ("PARTY_INTERRUPTION", "Gián đoạn sinh hoạt đảng"),
            ("FOREIGN_ORGANISATION", "Quan hệ với tổ chức, cá nhân nước ngoài"),
            ("FOREIGN_STAY", "Ra nước ngoài, ở nước ngoài từ 3 tháng trở lên"),
            ("RELATIVE_ABROAD", "Thân nhân ở nước ngoài, vợ hoặc chồng là người nước ngoài"),
            ("RELIGION_POST", "Chức sắc, chức việc tôn giáo"),
            ("RELATIVE_ISSUE", "Thân nhân có vấn đề chính trị"),
            ("DECLARATION_DISCREPANCY", "Khai không thống nhất, không trung thực"),
            ("OTHER", "Vấn đề khác"),
        )
    ],
    "committee": {
        "quorum": _rule(_CHARTER, numerator=2, denominator=3),
        "passing": _rule(_PASSING, numerator=1, denominator=2),
    },
}
