"""Reading an uploaded XLSX workbook safely: the first sheet's rows as text cells, with what
the file may expand to, how many rows and columns it may have and how long a cell may be
bounded before and while it is parsed. Every import of a workbook (dossiers, the key/classified
catalogue) reads through here, so a hostile file is refused the same way everywhere."""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from typing import IO, Any
from xml.etree import ElementTree

from defusedxml import DefusedXmlException

from bvct.core.errors import ImportFileError

# What reading a workbook may raise on a damaged or hostile file (cut XML, bad deflate data,
# entity tricks, no sheet): each is the file's fault, told as such.
BROKEN_XLSX = (
    DefusedXmlException,
    zipfile.BadZipFile,
    zlib.error,
    ElementTree.ParseError,
    KeyError,
    IndexError,
    ValueError,
    OSError,
    EOFError,
)
NOT_XLSX = "Tệp không phải bảng tính XLSX hợp lệ (hỏng hoặc không đọc được)."
# A file has the template's columns, and a few of its own at most (notes an officer added).
EXTRA_COLUMNS = 20


def number_text(n: int) -> str:
    """1234567 -> "1.234.567", as Vietnamese writes it."""
    return f"{n:,}".replace(",", ".")


def too_many_rows(limit: int) -> ImportFileError:
    return ImportFileError(
        f"Tệp có hơn {number_text(limit)} dòng (dòng trống của bảng tính cũng tính); "
        "hãy chia nhỏ tệp.",
        field="file",
    )


def too_many_columns(count: int, template_columns: int) -> str:
    return (
        f"Tệp có {count} cột; mẫu có {template_columns} cột. Hãy dùng tệp mẫu (các cột thêm "
        f"ở cuối được bỏ qua, nhưng không quá {EXTRA_COLUMNS} cột)."
    )


def check_expanded_size(stream: IO[bytes], limit: int) -> None:
    """A workbook is a zip: what it would expand to is bounded before anything parses it
    (a few hundred kilobytes can expand to gigabytes), by the sizes its directory declares,
    which reading never goes past."""
    try:
        with zipfile.ZipFile(stream) as archive:
            expanded = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError(NOT_XLSX, field="file") from exc
    finally:
        stream.seek(0)
    if expanded > limit:
        raise ImportFileError(
            f"Bảng tính giải nén ra {number_text(expanded)} byte, quá giới hạn "
            f"{number_text(limit)} byte: hãy chia tệp thành nhiều tệp nhỏ hơn.",
            field="file",
        )


def xlsx_rows(
    stream: IO[bytes],
    *,
    template_columns: int,
    max_rows: int,
    max_cell_chars: int,
    max_expanded_bytes: int,
) -> Iterator[list[str]]:
    """The first sheet's rows (the header row too) as lists of text: dates as dd/mm/yyyy,
    whole numbers without ".0", empty cells as "". Refused (:class:`ImportFileError`) as it
    is read: a file that is no workbook, expands past ``max_expanded_bytes``, has more than
    ``max_rows`` rows (empty rows counted: a sheet can name row 2,000,000,000 in a few
    bytes), more than ``template_columns`` + 20 columns, a formula, or a cell longer than
    ``max_cell_chars``."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    check_expanded_size(stream, max_expanded_bytes)
    try:
        book = load_workbook(stream, read_only=True, data_only=False)
        sheet = book.worksheets[0]
    except (InvalidFileException, *BROKEN_XLSX) as exc:
        raise ImportFileError(NOT_XLSX, field="file") from exc
    try:
        yield from _sheet_rows(
            sheet,
            max_columns=template_columns + EXTRA_COLUMNS,
            template_columns=template_columns,
            max_rows=max_rows,
            max_cell_chars=max_cell_chars,
        )
    except BROKEN_XLSX as exc:
        raise ImportFileError(NOT_XLSX, field="file") from exc
    finally:
        book.close()


def _sheet_rows(
    sheet: Any, *, max_columns: int, template_columns: int, max_rows: int, max_cell_chars: int
) -> Iterator[list[str]]:
    most = max_rows + 1  # the header row and the data rows
    for index, row in enumerate(sheet.iter_rows(), start=1):
        if index > most:
            raise too_many_rows(most - 1)
        if len(row) > max_columns:
            raise ImportFileError(too_many_columns(len(row), template_columns), field="file")
        values = []
        for cell in row:
            value = cell.value
            if (isinstance(value, str) and value.startswith("=")) or cell.data_type == "f":
                raise ImportFileError(
                    f"Dòng {index}, ô {cell.coordinate}: có công thức. Hãy dán giá trị "
                    "(Paste Special → Values) thay cho công thức rồi nhập lại.",
                    field="file",
                )
            if isinstance(value, str) and len(value) > max_cell_chars:
                raise ImportFileError(
                    f"Dòng {index}, ô {cell.coordinate}: {number_text(len(value))} ký tự, quá "
                    f"giới hạn {number_text(max_cell_chars)} ký tự của một ô.",
                    field="file",
                )
            if value is None:
                values.append("")
            elif hasattr(value, "strftime"):
                values.append(value.strftime("%d/%m/%Y"))
            elif isinstance(value, float) and value.is_integer():
                values.append(str(int(value)))
            else:
                values.append(str(value))
        yield values
