"""Terms and documents made through the services, as the vetting app will make them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bvct.core.gate import SYSTEM
from bvct.documents import services
from bvct.documents.constants import DocumentType
from bvct.documents.models import IssuedDocument, Term
from bvct.orgs.models import Organisation

D = dt.date
TERM_START = D(2025, 10, 1)
ISSUED_ON = D(2026, 6, 2)


def make_term(
    issuer: Organisation,
    starts_on: dt.date = TERM_START,
    ends_on: dt.date | None = None,
    *,
    name: str = "2025–2030",
    symbol: str = "TU",
) -> Term:
    return services.term_create(
        actor=SYSTEM, issuer=issuer, name=name, starts_on=starts_on, ends_on=ends_on,
        symbol=symbol, heading=issuer.name.upper(), heading_parent="ĐẢNG BỘ TỈNH THỬ NGHIỆM",
    )  # fmt: skip


def conclusion_fields(**overrides: Any) -> dict[str, Any]:
    return {
        "ho_ten": "Nguyễn Thị Hồng Nhung",
        "noi_dung": ["Căn cứ Quy định số 58-QĐ/TW.", "Xét đề nghị của Ban Tổ chức."],
        "van_de": ["Ông nội tham gia chế độ cũ (1965–1970): đã xác minh."],
        "quyet_dinh": ["Quy hoạch chức danh Phó Bí thư"],
        "ket_luan": "Không có vấn đề chính trị.",
        **overrides,
    }


def issue(
    issuer: Organisation,
    *,
    actor: Any = SYSTEM,
    doc_type: str = DocumentType.CONCLUSION,
    issued_on: dt.date = ISSUED_ON,
    classification: int = 2,
    fields: dict[str, Any] | None = None,
    title: str = "về tiêu chuẩn chính trị",
    scope_org: Organisation | None = None,
) -> IssuedDocument:
    if fields is None:
        fields = (
            conclusion_fields()
            if doc_type == DocumentType.CONCLUSION
            else {"ho_ten": "Trần Văn Bình", "noi_dung": ["Đã thẩm định."], "de_xuat": "Thẩm tra"}
        )
    return services.document_issue(
        actor=actor, type=doc_type, issuer=issuer, issued_on=issued_on, place="Bắc Ninh",
        title=title, fields=fields, classification=classification,
        recipients=["Ban Tổ chức Tỉnh ủy", "Lưu Văn phòng Tỉnh ủy"],
        signer_title="T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ", signer_name="Lê Văn Sơn",
        scope_org=scope_org,
    )  # fmt: skip
