"""The shipped default templates, built with python-docx in the layout of Hướng dẫn
36-HD/VPTW (2018) of the Party Central Office: A4; margins 20 mm top and bottom, 30 mm left,
15 mm right; Times New Roman; on the first line the issuing body (left) and the heading
"ĐẢNG CỘNG SẢN VIỆT NAM" underlined (right); under them the number-symbol and the secrecy
mark (left), place and date in words in italics (right); the type's name and the abstract,
centred; the body; "Nơi nhận" (left) beside the signer's authority, title and name (right).

The same builder writes the template in docxtpl's tags (``dialect="docxtpl"``), so that the
benchmark renders the very same document with both renderers.

The bytes are deterministic (fixed document properties, fixed times in the zip): a default
built twice has one digest.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from typing import Any

from bvct.documents.constants import DocumentType

FONT = "Times New Roman"
_FIXED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _docx() -> Any:
    import docx  # imported here: only building a template needs it

    return docx


class _Builder:
    def __init__(self, dialect: str) -> None:
        docx = _docx()
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm, Pt

        self.Pt, self.align = Pt, WD_ALIGN_PARAGRAPH
        self.dialect = dialect
        self.document = docx.Document()
        section = self.document.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin = section.bottom_margin = Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
        normal = self.document.styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(14)
        fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("w:eastAsia", "w:cs"):
            fonts.set(_qn(attr), FONT)
        normal.paragraph_format.space_after = Pt(0)
        normal.paragraph_format.space_before = Pt(0)
        core = self.document.core_properties
        core.author = core.last_modified_by = "BVCT"
        core.title = ""
        core.created = core.modified = _FIXED.replace(tzinfo=None)
        core.revision = 1

    def para(
        self,
        text: str,
        *,
        where: Any = None,
        bold: bool = False,
        italic: bool = False,
        underline: bool = False,
        size: float | None = None,
        align: str = "left",
        indent: bool = False,
    ) -> Any:
        target = where if where is not None else self.document
        paragraph = target.add_paragraph()
        paragraph.alignment = {
            "left": self.align.LEFT,
            "center": self.align.CENTER,
            "justify": self.align.JUSTIFY,
        }[align]
        if indent:
            paragraph.paragraph_format.first_line_indent = self.Pt(36)
            paragraph.paragraph_format.space_after = self.Pt(6)
        if text:
            run = paragraph.add_run(text)
            run.bold, run.italic, run.underline = bold, italic, underline
            if size:
                run.font.size = self.Pt(size)
        return paragraph

    def each(self, key: str, prefix: str = "", suffix: str = "", **style: Any) -> None:
        """A paragraph repeated for each item of the list ``key``."""
        if self.dialect == "docxtpl":
            where = style.get("where")
            self.para(f"{{%p for item in {key} %}}", where=where)
            self.para(f"{prefix}{{{{ item }}}}{suffix}", **style)
            self.para("{%p endfor %}", where=where)
        else:
            self.para(f"{prefix}{{{{ {key} }}}}{suffix}", **style)

    def cells(self, widths_mm: tuple[float, float]) -> tuple[Any, Any]:
        from docx.shared import Mm

        table = self.document.add_table(rows=1, cols=2)
        table.autofit = False
        left, right = table.rows[0].cells
        left.width, right.width = Mm(widths_mm[0]), Mm(widths_mm[1])
        # A new cell holds one empty paragraph: drop it so the cell holds only ours.
        for cell in (left, right):
            cell._tc.remove(cell.paragraphs[0]._p)
        return left, right

    def save(self) -> bytes:
        raw = io.BytesIO()
        self.document.save(raw)
        return _fixed_zip(raw.getvalue())


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _fixed_zip(data: bytes) -> bytes:
    """The same members with fixed times: the same template gives the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info))
    return out.getvalue()


def _heading(b: _Builder) -> None:
    left, right = b.cells((75, 90))
    b.para("{{ co_quan_cap_tren }}", where=left, align="center")
    b.para("{{ co_quan_ban_hanh }}", where=left, bold=True, align="center")
    b.para("*", where=left, align="center")
    b.para("Số {{ so_ky_hieu }}", where=left, align="center")
    b.para("{{ do_mat }}", where=left, bold=True, align="center")
    b.para("ĐẢNG CỘNG SẢN VIỆT NAM", where=right, bold=True, underline=True, size=15,
           align="center")  # fmt: skip
    b.para("", where=right)
    b.para("{{ dia_danh }}, {{ ngay_thang_nam }}", where=right, italic=True, align="center")
    b.para("")
    b.para("{{ ten_loai }}", bold=True, size=16, align="center")
    b.para("{{ trich_yeu }}", bold=True, align="center")
    b.para("-----", align="center")
    b.para("")


def _signature(b: _Builder) -> None:
    b.para("")
    left, right = b.cells((80, 85))
    b.para("Nơi nhận:", where=left, underline=True, size=12)
    b.each("noi_nhan", "- ", where=left, size=12)
    b.para("{{ chuc_vu_ky }}", where=right, bold=True, align="center")
    for _ in range(4):
        b.para("", where=right)
    b.para("{{ nguoi_ky }}", where=right, bold=True, align="center")


def _conclusion(b: _Builder) -> None:
    _heading(b)
    b.para("Kết luận về tiêu chuẩn chính trị của đồng chí {{ ho_ten }} như sau:",
           align="justify", indent=True)  # fmt: skip
    b.each("noi_dung", align="justify", indent=True)
    b.para("Các vấn đề đã thẩm tra, xác minh:", bold=True, align="justify", indent=True)
    b.each("van_de", "- ", align="justify", indent=True)
    b.para("Kết luận: {{ ket_luan }}", bold=True, align="justify", indent=True)
    b.para("Kết luận này dùng cho:", align="justify", indent=True)
    b.each("quyet_dinh", "- ", align="justify", indent=True)
    _signature(b)


def _appraisal(b: _Builder) -> None:
    _heading(b)
    b.para("Kết quả thẩm định tiêu chuẩn chính trị của đồng chí {{ ho_ten }} như sau:",
           align="justify", indent=True)  # fmt: skip
    b.each("noi_dung", align="justify", indent=True)
    b.para("Những nội dung cần thẩm tra, xác minh:", bold=True, align="justify", indent=True)
    b.each("van_de", "- ", align="justify", indent=True)
    b.para("Đề xuất: {{ de_xuat }}", align="justify", indent=True)
    _signature(b)


_LAYOUTS: dict[str, Callable[[_Builder], None]] = {
    DocumentType.CONCLUSION: _conclusion,
    DocumentType.APPRAISAL_REPORT: _appraisal,
}


def default_template(doc_type: str, dialect: str = "bvct") -> bytes:
    """The shipped default template of ``doc_type`` as DOCX bytes (``dialect``: "bvct", our
    renderer's placeholders, or "docxtpl")."""
    builder = _Builder(dialect)
    _LAYOUTS[doc_type](builder)
    return builder.save()
