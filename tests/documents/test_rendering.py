"""An issued document opens with python-docx and reads as HD 36 lays it out; values are escaped;
Vietnamese text is kept; the renderer copies the template's other members unchanged."""

from __future__ import annotations

import hashlib
import io
import zipfile

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bvct.documents.constants import LIST_KEYS, DocumentType
from bvct.documents.defaults import default_template
from bvct.documents.docx import TemplateError, compile_template, document_text
from tests.documents.helpers import D, conclusion_fields, issue, make_term
from tests.factories import Tree

pytestmark = pytest.mark.django_db


def _lines(data: bytes) -> list[str]:
    return [line for line in document_text(data) if line.strip()]


def test_a_conclusion_reads_as_hd36_lays_it_out(tree: Tree) -> None:
    make_term(tree.root)
    document = issue(tree.root, issued_on=D(2026, 6, 2), classification=2)
    data = bytes(document.content)
    assert hashlib.sha256(data).hexdigest() == document.sha256
    lines = _lines(data)
    for expected in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "ĐẢNG BỘ TỈNH THỬ NGHIỆM",
        tree.root.name.upper(),
        "Số 01-KL/TU",
        "TỐI MẬT",
        "Bắc Ninh, ngày 02 tháng 6 năm 2026",
        "KẾT LUẬN",
        "về tiêu chuẩn chính trị",
        "Kết luận về tiêu chuẩn chính trị của đồng chí Nguyễn Thị Hồng Nhung như sau:",
        "Xét đề nghị của Ban Tổ chức.",
        "- Ông nội tham gia chế độ cũ (1965–1970): đã xác minh.",
        "Kết luận: Không có vấn đề chính trị.",
        "- Quy hoạch chức danh Phó Bí thư",
        "Nơi nhận:",
        "- Ban Tổ chức Tỉnh ủy,",
        "- Lưu Văn phòng Tỉnh ủy.",
        "T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ",
        "Lê Văn Sơn",
    ):
        assert expected in lines, (expected, lines)
    # HD 36: the abstract once (no second heading repeating it); the last recipient ends
    # with a full stop, the others with a comma.
    assert not [line for line in lines if line.startswith("Về tiêu chuẩn chính trị")], lines
    assert "- Lưu Văn phòng Tỉnh ủy," not in lines
    # The body's paragraphs come in the order given.
    assert lines.index("Căn cứ Quy định số 58-QĐ/TW.") < lines.index("Xét đề nghị của Ban Tổ chức.")
    # An unclassified document prints no mark; an empty list leaves its paragraph out.
    plain = issue(tree.root, classification=0, fields=conclusion_fields(van_de=[]))
    plain_lines = _lines(bytes(plain.content))
    assert "TỐI MẬT" not in plain_lines and "MẬT" not in plain_lines
    assert not any(line.startswith("- Ông nội") for line in plain_lines)
    assert "Số 02-KL/TU" in plain_lines


def test_an_appraisal_report(tree: Tree) -> None:
    make_term(tree.root)
    document = issue(tree.root, doc_type=DocumentType.APPRAISAL_REPORT, issued_on=D(2026, 2, 5))
    lines = _lines(bytes(document.content))
    assert "BÁO CÁO" in lines and "Số 01-BC/TU" in lines
    assert "Bắc Ninh, ngày 05 tháng 02 năm 2026" in lines
    assert "Đề xuất: Thẩm tra" in lines


def test_values_are_escaped_and_vietnamese_is_kept(tree: Tree) -> None:
    make_term(tree.root)
    hostile = 'Lê & Con <w:t>x</w:t> "trích" > {{ nguoi_ky }} ]]>'
    document = issue(
        tree.root,
        fields=conclusion_fields(ho_ten=hostile, noi_dung=["Ẩn & hiện <b>", "Đoạn\x00 có\x1f lỗi"]),
        title="về việc <thẩm định> & kết luận",
    )
    lines = _lines(bytes(document.content))
    assert f"Kết luận về tiêu chuẩn chính trị của đồng chí {hostile} như sau:" in lines
    assert "về việc <thẩm định> & kết luận" in lines
    assert "Ẩn & hiện <b>" in lines
    assert "Đoạn có lỗi" in lines  # characters XML cannot carry are left out
    # The placeholder typed in a value is shown as typed, not filled.
    assert not any("Lê Văn Sơn" in line and "Lê & Con" in line for line in lines)


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=60))
def test_any_text_renders_to_a_document_that_opens(text: str) -> None:
    compiled = compile_template(default_template(DocumentType.CONCLUSION), LIST_KEYS)
    data = compiled.render({"ho_ten": text, "noi_dung": [text, text], "so_ky_hieu": "01-KL/TU"})
    document = docx.Document(io.BytesIO(data))
    assert document.paragraphs  # opens
    import re

    kept = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", "", text)
    kept = kept.replace("\r\n", "\n").replace("\r", "\n")
    shown = [p.text for p in document.paragraphs]
    assert f"Kết luận về tiêu chuẩn chính trị của đồng chí {kept} như sau:" in shown


def test_unchanged_members_are_copied_and_the_template_parsed_once() -> None:
    template = default_template(DocumentType.CONCLUSION)
    compiled = compile_template(template, LIST_KEYS)
    assert compile_template(template, LIST_KEYS) is compiled  # cached by digest
    out = compiled.render({"ho_ten": "A", "so_ky_hieu": "01-KL/TU"})
    source, result = zipfile.ZipFile(io.BytesIO(template)), zipfile.ZipFile(io.BytesIO(out))
    assert source.namelist() == result.namelist()
    assert result.testzip() is None
    for info in source.infolist():
        if info.filename != "word/document.xml":
            assert result.read(info.filename) == source.read(info.filename)


def _split_runs_template() -> bytes:
    """A template as Word saves it after editing: placeholders split over several runs."""
    document = docx.Document(io.BytesIO(default_template(DocumentType.CONCLUSION)))
    paragraph = document.add_paragraph()
    for piece in ("Ghi chú: {", "{ ho_", "ten }", "} hết."):
        paragraph.add_run(piece).bold = piece.startswith("{")
    listed = document.add_paragraph()
    for piece in ("* {{ van", "_de }}", " ;"):
        listed.add_run(piece)
    raw = io.BytesIO()
    document.save(raw)
    return raw.getvalue()


def test_placeholders_split_over_runs_are_filled() -> None:
    compiled = compile_template(_split_runs_template(), LIST_KEYS)
    out = compiled.render({"ho_ten": "Phạm Thị Ánh", "van_de": ["một", "hai"]})
    lines = document_text(out)
    assert "Ghi chú: Phạm Thị Ánh hết." in lines
    assert "* một ;" in lines and "* hai ;" in lines


def test_two_lists_in_one_paragraph_are_refused() -> None:
    document = docx.Document(io.BytesIO(default_template(DocumentType.CONCLUSION)))
    document.add_paragraph("{{ van_de }} và {{ quyet_dinh }}")
    raw = io.BytesIO()
    document.save(raw)
    with pytest.raises(TemplateError, match="một trường danh sách"):
        compile_template(raw.getvalue(), LIST_KEYS)


@pytest.mark.parametrize(
    "data",
    [b"", b"not a zip", b"PK\x03\x04broken", default_template(DocumentType.CONCLUSION)[:500]],
)
def test_a_file_that_is_no_docx_is_refused_in_vietnamese(data: bytes) -> None:
    with pytest.raises(TemplateError, match="Word"):
        compile_template(data, LIST_KEYS)


def test_a_doctype_is_refused() -> None:
    source = zipfile.ZipFile(io.BytesIO(default_template(DocumentType.CONCLUSION)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(
                    b"?>",
                    b'?><!DOCTYPE w:document [<!ENTITY x "{{ ho_ten }}{{ ho_ten }}">]>',
                    1,
                )
            target.writestr(info, data)
    with pytest.raises(TemplateError):
        compile_template(out.getvalue(), LIST_KEYS)
