"""HD 36-HD/VPTW details the documents keep: recipients' punctuation, the signature's
authority and title on separate lines, download names that keep "Đ" as "D"."""

from __future__ import annotations

from bvct.documents.models import IssuedDocument
from bvct.documents.services import recipient_lines


def test_recipients_end_with_a_comma_and_the_last_with_a_full_stop() -> None:
    assert recipient_lines(
        ["- Ban Thường vụ Tỉnh ủy,", " Cấp ủy nơi công tác ", "", "Lưu hồ sơ cán bộ, Văn phòng."]
    ) == ["Ban Thường vụ Tỉnh ủy,", "Cấp ủy nơi công tác,", "Lưu hồ sơ cán bộ, Văn phòng."]
    assert recipient_lines(["Lưu Văn phòng"]) == ["Lưu Văn phòng."]
    assert recipient_lines([]) == []


def test_a_download_name_keeps_the_letter_d() -> None:
    document = IssuedDocument(doc_type="CONCLUSION", number_symbol="03-KL/ĐU", classification=1)
    assert document.file_name == "ket-luan-03-KL-DU-MAT.docx"
    report = IssuedDocument(
        doc_type="APPRAISAL_REPORT", number_symbol="01-BC/BTCTU", classification=0
    )
    assert report.file_name == "bao-cao-tham-dinh-01-BC-BTCTU.docx"
