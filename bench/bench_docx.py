"""Conclusion DOCX rendering on one core: our renderer and docxtpl, the same document, one run.

Both render the shipped default conclusion template (built by ``documents.defaults``; for
docxtpl in its own tags: ``{%p for %}`` paragraphs instead of our repeated ones) with the same
values: a conclusion with four body paragraphs, six findings, three decisions, four
recipients. Each renderer gets a warm-up, then ``--n`` renders, timed one by one; the two
alternate in blocks so that load from other work falls on both alike. Our renderer is timed
from the template's bytes (parsed once, cached by digest) to the DOCX bytes; docxtpl from an
already loaded ``DocxTemplate`` (reloaded from bytes for each document, as it needs) to the
saved bytes. No database: this measures rendering only.

    .venv/bin/python bench/bench_docx.py --n 300
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench._common import machine, percentile

VALUES: dict[str, object] = {
    "co_quan_cap_tren": "ĐẢNG BỘ TỈNH BẮC NINH",
    "co_quan_ban_hanh": "TỈNH ỦY",
    "so_ky_hieu": "12-KL/TU",
    "dia_danh": "Bắc Ninh",
    "ngay_thang_nam": "ngày 02 tháng 6 năm 2026",
    "ten_loai": "KẾT LUẬN",
    "trich_yeu": "về tiêu chuẩn chính trị",
    "do_mat": "TỐI MẬT",
    "chuc_vu_ky": "T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ",
    "nguoi_ky": "Nguyễn Văn Sơn",
    "noi_nhan": [
        "Ban Tổ chức Tỉnh ủy",
        "Đảng ủy Công an tỉnh",
        "Đảng ủy phường Kinh Bắc",
        "Lưu Văn phòng Tỉnh ủy",
    ],
    "ho_ten": "Trần Thị Hồng Nhung",
    "noi_dung": [
        "Căn cứ Quy định số 58-QĐ/TW ngày 08-02-2022 của Bộ Chính trị về bảo vệ chính trị nội bộ;",
        "Căn cứ Hướng dẫn số 01-HD/BTCTW ngày 05-8-2022 của Ban Tổ chức Trung ương;",
        "Xét báo cáo thẩm định số 07-BC/BTCTU và kết quả thẩm tra, xác minh của các cơ quan;",
        "Ban Thường vụ Tỉnh ủy kết luận về tiêu chuẩn chính trị của đồng chí như sau:",
    ],
    "van_de": [
        f"Vấn đề {i}: ông nội tham gia chế độ cũ (1965–1970), đã xác minh & làm rõ <không vi phạm>."
        for i in range(1, 7)
    ],
    "quyet_dinh": [
        "Quy hoạch chức danh Phó Bí thư Tỉnh ủy nhiệm kỳ 2025–2030",
        "Giới thiệu ứng cử đại biểu HĐND tỉnh",
        "Bố trí vào vị trí trọng yếu tại Văn phòng Tỉnh ủy",
    ],
    "ket_luan": "Có vấn đề chính trị nhưng không vi phạm tiêu chuẩn chính trị.",
}


def _ours() -> Callable[[], bytes]:
    from bvct.documents.constants import LIST_KEYS, DocumentType
    from bvct.documents.defaults import default_template
    from bvct.documents.docx import compile_template

    template = default_template(DocumentType.CONCLUSION)

    def render() -> bytes:
        return compile_template(template, LIST_KEYS).render(VALUES)

    return render


def _docxtpl() -> Callable[[], bytes]:
    from docxtpl import DocxTemplate

    from bvct.documents.constants import DocumentType
    from bvct.documents.defaults import default_template

    template = default_template(DocumentType.CONCLUSION, dialect="docxtpl")

    def render() -> bytes:
        document = DocxTemplate(io.BytesIO(template))
        document.render(VALUES, autoescape=True)
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()

    return render


def _check(name: str, data: bytes) -> None:
    """Both renderers made the same document (the texts a reader sees)."""
    from bvct.documents.docx import document_text

    lines = [line for line in document_text(data) if line.strip()]
    for expected in (
        "Số 12-KL/TU",
        "Bắc Ninh, ngày 02 tháng 6 năm 2026",
        "- Đảng ủy Công an tỉnh,",
    ):
        assert expected in lines, (name, expected)
    assert any("<không vi phạm>" in line for line in lines), name


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300, help="documents per renderer")
    parser.add_argument("--block", type=int, default=25)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("BVCT_ALLOW_GENERATED_SECRET_KEY", "true")
    import django

    django.setup()
    from bvct.documents.docx import document_text

    renderers = {"BVCT renderer": _ours(), "docxtpl": _docxtpl()}
    texts = {}
    for name, render in renderers.items():
        data = render()
        _check(name, data)
        texts[name] = [line for line in document_text(data) if line.strip()]
        for _ in range(5):
            render()
    assert texts["BVCT renderer"] == texts["docxtpl"], "the two documents differ"
    samples: dict[str, list[float]] = {name: [] for name in renderers}
    done = 0
    while done < args.n:
        block = min(args.block, args.n - done)
        for name, render in renderers.items():
            for _ in range(block):
                start = time.perf_counter()
                render()
                samples[name].append((time.perf_counter() - start) * 1000)
        done += block
    print(f"machine: {machine()}; pinned to one core; {args.n} documents each")
    for name, values in samples.items():
        total = sum(values) / 1000
        median, p95 = statistics.median(values), percentile(values, 0.95)
        print(
            f"{name}: {args.n / total:,.0f} documents/s; "
            f"median {median:.2f} ms, p95 {p95:.2f} ms per document"
        )
    ours, theirs = (statistics.median(samples[n]) for n in renderers)
    print(f"ratio (median): {theirs / ours:.1f}× faster than docxtpl")


if __name__ == "__main__":
    main()
