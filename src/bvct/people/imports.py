"""Importing an organisation's dossiers from XLSX or CSV: all or nothing, idempotent, set-based.

1. Load. A CSV file goes to PostgreSQL as it is (``COPY ... (FORMAT csv)``) into a temporary
   table of text columns; an XLSX file, or a CSV PostgreSQL cannot take whole (ragged rows,
   NUL bytes, a ``\\.`` line), is read row by row in Python and copied into the same table.
2. Check. Values that repeat (relations, sexes, dates, classifications, names, home towns) are
   read once per distinct value by the same Python functions the forms use, into small map
   tables. One statement then builds every row's staged values and its list of problems:
   required cells, lengths, the citizen ID against the birth year and sex, death before birth.
   Checks across rows (one member row per dossier, relatives' ages against the member's,
   dossiers above the uploader's clearance) are further statements over the whole table.
3. A dry run stops there and reports. A real run with any error writes nothing. Otherwise a
   few set-based statements create or update dossiers and persons (through narrow id tables,
   never by rewriting the wide staging rows) and add a declaration version only where the
   content changed, so importing the same file twice changes nothing.

The template (one row per person, Vietnamese headers) is :data:`COLUMNS`.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import secrets
import time
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePath
from typing import IO, TYPE_CHECKING, Any

import psycopg
from django.conf import settings
from django.db import DataError, connection, transaction
from django.utils import timezone

from bvct.audit.constants import AuditAction
from bvct.audit.services import audit_record
from bvct.core.constants import Action, Classification
from bvct.core.errors import PermissionDeniedError, ServiceError
from bvct.core.gate import SystemPrincipal
from bvct.core.text import normalize
from bvct.orgs.selectors import org_by_code
from bvct.people.bulk import (
    BULK_INDEX_THRESHOLD,
    analyze_people,
    create_indexes,
    drop_person_indexes,
)
from bvct.people.constants import SEX_WORDS
from bvct.people.dates import PartialDate, PartialDateError
from bvct.people.identity import CCCD_PLACE_CODES, CitizenIdError, citizen_id_digits
from bvct.people.models import DOSSIER_GATE, ImportBatch, RelationKind
from bvct.people.places import ward_of
from bvct.people.services import LINK_KEYS, hometown_key, links_propose_from, name_fields

if TYPE_CHECKING:
    from bvct.accounts.models import User

SELF = "Bản thân"
# (header, key, required, max length)
COLUMNS: list[tuple[str, str, bool, int]] = [
    ("Mã hồ sơ", "ref", True, 64),
    ("Quan hệ", "relation", True, 60),
    ("Họ và tên", "full_name", True, 200),
    ("Giới tính", "sex", False, 10),
    ("Ngày sinh", "birth", False, 20),
    ("Ngày mất", "death", False, 20),
    ("Chi tiết khi mất", "death_details", False, 2000),
    ("Số CCCD", "citizen_id", False, 20),
    ("Số thẻ đảng viên", "party_card_no", False, 20),
    ("Nơi sinh", "birthplace", False, 300),
    ("Quê quán", "hometown", False, 300),
    ("Nơi ở hiện nay", "residence", False, 300),
    ("Dân tộc", "ethnicity", False, 50),
    ("Tôn giáo", "religion", False, 50),
    ("Quốc tịch", "nationality", False, 50),
    ("Nghề nghiệp", "occupation", False, 200),
    ("Lịch sử chính trị", "political_history", False, 2000),
    ("Chính trị hiện nay", "current_situation", False, 2000),
    ("Mức mật", "classification", False, 20),
    ("Chức vụ hiện nay", "current_posts", False, 500),
]
HEADERS = [c[0] for c in COLUMNS]
MAX_ERRORS_KEPT = 1000


class ImportFileError(ServiceError):
    """The file itself cannot be read (format, encoding, headers, size)."""

    code = "invalid_file"


@dataclass
class ImportReport:
    rows: int = 0
    dossiers: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # row, column, message
    error_count: int = 0
    # What the officer should look at but that does not stop the import (same shape).
    warnings: list[tuple[int, str, str]] = field(default_factory=list)
    warning_count: int = 0
    # When the file was checked: a later real run given this refuses dossiers changed since
    # (and, given the checked file's SHA-256, any other file).
    checked_at: dt.datetime | None = None
    file_sha256: str = ""
    # The record of a check that compared existing dossiers (its batch's public id): a later
    # real run given it holds each of those dossiers to the version this check compared.
    check_id: uuid.UUID | None = None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Of the file's dossiers, those that exist already (compared with the file; a check tells
    # so before anything is written: the others would be created).
    existing: int = 0
    dry_run: bool = True
    batch: ImportBatch | None = None

    def add(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append((row, column, message))

    def warn(self, row: int, column: str, message: str) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_ERRORS_KEPT:
            self.warnings.append((row, column, message))

    @property
    def new(self) -> int:
        """Dossiers of the file that do not exist yet (what a check says the import creates)."""
        return self.dossiers - self.existing

    @property
    def ok(self) -> bool:
        return self.error_count == 0


# --- reading files ----------------------------------------------------------------------


def _rows_xlsx(stream: IO[bytes]) -> Iterator[list[str]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(stream, read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportFileError("Tệp không phải bảng tính XLSX hợp lệ.", field="file") from exc
    sheet = book.worksheets[0]
    for index, row in enumerate(sheet.iter_rows(), start=1):
        values = []
        for cell in row:
            value = cell.value
            if (isinstance(value, str) and value.startswith("=")) or cell.data_type == "f":
                raise ImportFileError(
                    f"Dòng {index}, ô {cell.coordinate}: có công thức. Hãy dán giá trị "
                    "(Paste Special → Values) thay cho công thức rồi nhập lại.",
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
    book.close()


# --- values read once per distinct value -------------------------------------------------

Progress = Callable[[str, int, int], None]  # stage, done, total (0: unknown)
TEMP_TABLES = (
    "import_raw import_rows import_dossier import_meta import_match import_listed import_ids "
    "import_touched import_content import_map_relation import_map_sex import_map_date "
    "import_map_class import_map_name import_map_hometown import_map_birthplace "
    "import_map_citizen"
).split()

KEYS = [key for _, key, _, _ in COLUMNS]
TITLE = {key: title for title, key, _, _ in COLUMNS}
KEY_OF_TITLE = {title: key for title, key, _, _ in COLUMNS}
# What str.strip() strips, for btrim() in SQL (every such character is below U+3001).
WHITESPACE = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace())
SEXES = {**SEX_WORDS, "": ""}
_norm = lru_cache(maxsize=200_000)(normalize)
# Cells copied as entered (trimmed); their lengths are checked in SQL.
FREE_TEXT = [
    "ref", "party_card_no", "residence", "ethnicity", "religion", "nationality",
    "occupation", "political_history", "current_situation", "death_details", "current_posts",
]  # fmt: skip
# Cells about the managed member only; filled on a relative's row they would be lost.
MEMBER_ONLY = {
    "classification": "mức mật ghi ở dòng “Bản thân” (áp dụng cho cả hồ sơ)",
    "current_posts": "chỉ khai cho người được quản lý",
    "party_card_no": "chỉ khai cho người được quản lý; thân nhân là đảng viên thì ghi ở "
    "cột “Chính trị hiện nay”",
}
# Cells about a relative only: the member's own political history is structured (events in the
# declaration, entered on its page), so a filled cell on a member's row is refused, not lost.
RELATIVE_ONLY = {
    "political_history": "chỉ khai cho thân nhân; lịch sử chính trị của người được quản lý "
    "khai ở mục “Lịch sử chính trị” của bản khai trên trang",
    "current_situation": "chỉ khai cho thân nhân",
    "death_details": "chỉ khai cho thân nhân đã mất",
}
SIZE = {key: size for _, key, _, size in COLUMNS}
REQUIRED = [key for _, key, required, _ in COLUMNS if required]
SEP = "\x1f"  # between a problem's column and its message


def _relations() -> dict[str, tuple[int, str, int]]:
    """Accepted spellings of relations (code or name, without diacritics) → (id, code, gen)."""
    found: dict[str, tuple[int, str, int]] = {}
    for kind in RelationKind.objects.all():
        aliases = [alias for alias in kind.aliases.split(";") if alias.strip()]
        for spelling in (kind.code, kind.name, kind.code.replace("-", " "), *aliases):
            found[normalize(spelling)] = (kind.pk, kind.code, kind.generation)
    return found


def _relation_value(relations: dict[str, tuple[int, str, int]]) -> Callable[[str], tuple[Any, ...]]:
    def value(raw: str) -> tuple[Any, ...]:
        text = raw.strip()
        key = _norm(text)
        if key in ("ban than", ""):
            return True, None, "", 0, None
        found = relations.get(key)
        if found is None:
            return False, None, "", 0, f"quan hệ “{text}” không có trong danh mục"
        return (False, *found, None)

    return value


def _sex_value(raw: str) -> tuple[Any, ...]:
    sex = SEXES.get(_norm(raw.strip()))
    return (sex, None) if sex is not None else (None, f"“{raw.strip()}” không hợp lệ (Nam hoặc Nữ)")


def _date_value(raw: str) -> tuple[Any, ...]:
    try:
        date = PartialDate.parse(raw)
    except PartialDateError as exc:
        return "", None, None, None, None, None, str(exc)
    if date is None:
        return "", None, None, None, None, None, None
    future = f"{date} ở tương lai" if date.earliest() > dt.date.today() else None
    return str(date), date.year, date.month, date.day, date.earliest(), date.latest(), future


def _classification_value(raw: str) -> tuple[Any, ...]:
    text = raw.strip()
    if not text:
        return None, None  # not given: a new dossier is unclassified, an existing one keeps its
    try:
        return int(Classification.parse(text)), None
    except ValueError:
        return None, f"“{text}” không hợp lệ (Không mật, Mật, Tối mật, Tuyệt mật)"


def _name_value(raw: str) -> tuple[Any, ...]:
    text = raw.strip()
    f = name_fields(text)
    return text, f["name_norm"], f["family_norm"], f["given_norm"], f["name_sort"]


def _place_value(raw: str) -> tuple[Any, ...]:
    text = raw.strip()
    return text, ward_of(text)


def _hometown_value(raw: str) -> tuple[Any, ...]:
    text, ward = _place_value(raw)
    return text, hometown_key(text), ward


def _citizen_value(raw: str) -> tuple[Any, ...]:
    """Cells that are not plainly 12 digits: the digits without spaces, or the error."""
    text = raw.strip()
    if not text:
        return None, None
    try:
        return citizen_id_digits(text), None
    except CitizenIdError as exc:
        if text.isascii() and text.isdigit() and len(text) in (10, 11):
            # Every CCCD starts with 0 (001–009: two), which a number cell drops.
            return None, (
                f"{exc}; có thể bảng tính đã bỏ số 0 ở đầu (ô định dạng số): hãy định dạng "
                "cột là Văn bản (Text) rồi nhập lại số"
            )
        return None, str(exc)


def _map(
    cursor: Any, table: str, source: str, columns: str, value: Callable[[str], tuple[Any, ...]]
) -> None:
    """A temporary table ``key → value(key)`` over the distinct values ``source`` selects."""
    cursor.execute(source)
    keys = [key for (key,) in cursor.fetchall()]
    cursor.execute(f"CREATE TEMP TABLE {table} (key text PRIMARY KEY, {columns}) ON COMMIT DROP")
    with cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
        for key in keys:
            copy.write_row((key, *value(key)))
    cursor.execute(f"ANALYZE {table}")


def _build_maps(cursor: Any) -> None:
    relation = _relation_value(_relations())
    distinct = "SELECT DISTINCT {0} FROM import_raw"
    _map(
        cursor,
        "import_map_relation",
        distinct.format("relation"),
        "is_subject bool, relation_id int, code text, generation int, error text",
        relation,
    )
    _map(cursor, "import_map_sex", distinct.format("sex"), "sex text, error text", _sex_value)
    _map(
        cursor,
        "import_map_date",
        f"{distinct.format('birth')} UNION SELECT death FROM import_raw",
        "text text, y int, m int, d int, lo date, hi date, error text",
        _date_value,
    )
    _map(
        cursor,
        "import_map_class",
        distinct.format("classification"),
        "level int, error text",
        _classification_value,
    )
    _map(
        cursor,
        "import_map_name",
        distinct.format("full_name"),
        "full_name text, name_norm text, family_norm text, given_norm text, "
        'name_sort text COLLATE "C"',
        _name_value,
    )
    _map(
        cursor,
        "import_map_hometown",
        distinct.format("hometown"),
        "text text, norm text, ward int",
        _hometown_value,
    )
    _map(
        cursor,
        "import_map_birthplace",
        distinct.format("birthplace"),
        "text text, ward int",
        _place_value,
    )
    _map(cursor, "import_map_citizen",
         "SELECT DISTINCT citizen_id FROM import_raw "
         "WHERE citizen_id !~ '^[0-9]{12}$'",
         "number text, error text", _citizen_value)  # fmt: skip


# --- loading the file ----------------------------------------------------------------------

CHUNK = 1 << 20


def _create_raw(cursor: Any, columns: list[str]) -> None:
    cursor.execute(
        "DROP TABLE IF EXISTS import_raw; CREATE TEMP TABLE import_raw ("
        "row_no int GENERATED BY DEFAULT AS IDENTITY (START WITH 2), "
        + ", ".join(f"{c} text NOT NULL" for c in columns)
        + ") ON COMMIT DROP"
    )


def _csv_text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            "Tệp CSV không phải mã UTF-8 (có thể là TCVN3, VNI hoặc Windows-1258). "
            "Hãy mở bằng Excel và lưu lại dạng “CSV UTF-8”.",
            field="file",
        ) from exc


def _copy_csv(
    cursor: Any, data: bytes, header: list[str], delimiter: str, progress: Progress | None
) -> bool:
    """COPY a CSV file into import_raw as PostgreSQL parses it; False if it would not take it."""
    if b"\x00" in data or re.search(rb"(?m)^\\\.\r?$", data):
        return False  # NUL is no text in PostgreSQL; "\." alone on a line may end a COPY
    names, seen = [], set()
    for index, title in enumerate(header):
        key = KEY_OF_TITLE.get(title)
        names.append(key if key and key not in seen else f"x{index}")
        seen.add(key)
    _create_raw(cursor, names)
    statement = (
        f"COPY import_raw ({', '.join(names)}) FROM STDIN "
        f"(FORMAT csv, HEADER true, DELIMITER '{delimiter}', FORCE_NOT_NULL ({', '.join(names)}))"
    )
    try:
        with transaction.atomic(), cursor.cursor.copy(statement) as copy:
            for start in range(0, len(data), CHUNK):
                copy.write(data[start : start + CHUNK])
                if progress:
                    progress("Đọc tệp", min(start + CHUNK, len(data)), len(data))
    except (psycopg.DataError, DataError):
        # Rows of uneven length, a stray quote...: Python's csv module reads those leniently.
        return False
    return True


def _copy_rows(
    cursor: Any,
    rows: Iterator[list[str]],
    header: list[str],
    report: ImportReport,
    progress: Progress | None,
) -> None:
    """Copy rows read in Python (XLSX, or a CSV PostgreSQL would not take) into import_raw."""
    _create_raw(cursor, KEYS)
    index = [header.index(TITLE[key]) for key in KEYS]
    width = max(index) + 1
    limit = settings.BVCT_IMPORT_MAX_ROWS
    count = 0
    with cursor.cursor.copy(f"COPY import_raw (row_no, {', '.join(KEYS)}) FROM STDIN") as copy:
        for number, raw in enumerate(rows, start=2):
            if not any(cell.strip() for cell in raw):
                continue
            count += 1
            if count > limit:
                raise _too_many_rows(limit)
            if len(raw) < width:
                raw = raw + [""] * (width - len(raw))
            values = [raw[i] for i in index]
            for position, cell in enumerate(values):
                if "\x00" in cell:
                    report.add(number, TITLE[KEYS[position]], "có ký tự không hợp lệ (NUL)")
                    values[position] = cell.replace("\x00", "")
            copy.write_row([number, *values])
            if progress and count % 20000 == 0:
                progress("Đọc tệp", count, 0)


def _too_many_rows(limit: int) -> ImportFileError:
    return ImportFileError(
        f"Tệp có hơn {limit:,} dòng dữ liệu; hãy chia nhỏ tệp.".replace(",", "."), field="file"
    )


def _load(
    cursor: Any, data: bytes, file_name: str, report: ImportReport, progress: Progress | None
) -> None:
    """Put the file's rows into import_raw (row_no = the row number a spreadsheet shows)."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix == ".csv":
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        text = _csv_text(data)
        sample = text[:4096]
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        header = _header(reader)
        if _copy_csv(cursor, data, header, delimiter, progress):
            return
        _copy_rows(cursor, _csv_rows(reader), header, report, progress)
        return
    rows = _rows_xlsx(io.BytesIO(data))
    _copy_rows(cursor, rows, _header(rows), report, progress)


def _csv_rows(reader: Any) -> Iterator[list[str]]:
    try:
        yield from reader
    except csv.Error as exc:
        raise ImportFileError(
            f"Tệp CSV hỏng ở dòng {reader.line_num}: {exc}.", field="file"
        ) from exc


def _header(rows: Iterator[list[str]]) -> list[str]:
    try:
        first = next(rows, None)
    except csv.Error as exc:
        raise ImportFileError(f"Tệp CSV hỏng ở dòng tiêu đề: {exc}.", field="file") from exc
    if first is None:
        raise ImportFileError("Tệp trống.", field="file")
    header = [h.strip() for h in first]
    missing = [h for h in HEADERS if h not in header]
    if missing:
        raise ImportFileError(
            "Thiếu cột: " + ", ".join(missing) + ". Hãy dùng tệp mẫu.", field="file"
        )
    return header


# --- checking every row at once -------------------------------------------------------------


def _problem(condition: str, key: str, message: str) -> str:
    return f"CASE WHEN {condition} THEN '{TITLE[key]}{SEP}' || {message} END"


# A staged row's values (import_rows, besides its row number and problems): everything the
# import writes comes from these and the dossier's state, so rows with the same values make
# the same dossier. A real import hashes each row's values as it stages them: the SHA-256 of
# the record in PostgreSQL's binary form (each value with its type and length: unambiguous,
# and no text printed, which took 10 s a million rows). PostgreSQL's own 64-bit record hash
# (3.5 s faster a million rows) is linear in its columns' unkeyed hashes: an uploader could
# craft a row that collides with the stored one, and the next import of the true file would
# leave the forged dossier alone. Per dossier, the SHA-256 of its rows' hashes in the file's order (_apply).
STAGED = (
    "ref is_subject relation_id relation generation full_name name_norm family_norm given_norm "
    "name_sort sex birth birth_year birth_month birth_day birth_lo birth_hi death death_year "
    "death_month death_day citizen_id party_card_no birthplace birthplace_ward hometown "
    "hometown_norm hometown_ward residence ethnicity religion nationality occupation "
    "political_history current_situation death_details classification current_posts"
).split()


# Part of every dossier's digest: raised whenever what _apply writes from the same rows
# changes (another field, another shape of declaration), so that each dossier is compared in
# full once more by the next import instead of being left as the old code wrote it.
IMPORT_WRITES = 1


def _rows_sql(hashed: bool) -> str:
    """The statement that stages every non-blank row with its list of problems (and, when
    ``hashed``, the hash of its values)."""
    trimmed = ",\n".join(f"btrim(r.{key}, %(ws)s) AS {key}" for key in FREE_TEXT)
    problems = [
        _problem("t.ref = ''", "ref", "'không được để trống'"),
        _problem("btrim(t.relation_raw, %(ws)s) = ''", "relation", "'không được để trống'"),
        _problem("t.full_name = ''", "full_name", "'không được để trống'"),
        _problem("t.relation_error IS NOT NULL", "relation", "t.relation_error"),
        _problem("t.sex_error IS NOT NULL", "sex", "t.sex_error"),
        _problem("t.birth_error IS NOT NULL", "birth", "t.birth_error"),
        _problem("t.death_error IS NOT NULL", "death", "t.death_error"),
        _problem(
            "t.is_subject AND t.birth_year IS NULL AND t.birth_error IS NULL",
            "birth",
            "'cần ngày sinh của người được quản lý (ít nhất năm sinh)'",
        ),
        _problem(
            "t.death_hi < t.birth_lo",
            "death",
            "format('ngày mất (%%s) trước ngày sinh (%%s)', t.death, t.birth)",
        ),
        _problem("t.citizen_error IS NOT NULL", "citizen_id", "t.citizen_error"),
        _problem(
            "t.citizen_id IS NOT NULL",
            "citizen_id",
            """CASE
            WHEN NOT left(t.citizen_id, 3) = ANY(%(places)s) THEN format(
                'số CCCD “%%s”: mã nơi đăng ký %%s không tồn tại', t.citizen_id, left(t.citizen_id, 3))
            WHEN substr(t.citizen_id, 4, 1) > '5' THEN format(
                'số CCCD “%%s”: chữ số thứ 4 (%%s) không hợp lệ', t.citizen_id, substr(t.citizen_id, 4, 1))
            WHEN t.birth_year <> 1900 + 100 * (substr(t.citizen_id, 4, 1)::int / 2)
                                 + substr(t.citizen_id, 5, 2)::int THEN format(
                'số CCCD “%%s” ứng với năm sinh %%s, không phải %%s', t.citizen_id,
                1900 + 100 * (substr(t.citizen_id, 4, 1)::int / 2) + substr(t.citizen_id, 5, 2)::int,
                t.birth_year)
            WHEN t.sex IN ('M', 'F') AND t.sex <> CASE WHEN substr(t.citizen_id, 4, 1)::int %% 2 = 0
                                                     THEN 'M' ELSE 'F' END
                THEN format('số CCCD “%%s” không khớp giới tính đã khai', t.citizen_id)
            END""",
        ),
        _problem("t.class_error IS NOT NULL", "classification", "t.class_error"),
        *(
            _problem(f"t.is_subject AND t.{key} <> ''", key, f"'{message}'")
            for key, message in RELATIVE_ONLY.items()
        ),
        _problem(
            "NOT t.is_subject AND t.classification IS NOT NULL",
            "classification",
            f"'{MEMBER_ONLY['classification']}'",
        ),
        *(
            _problem(f"NOT t.is_subject AND t.{key} <> ''", key, f"'{MEMBER_ONLY[key]}'")
            for key in ("current_posts", "party_card_no")
        ),
        *(
            _problem(f"length(t.{key}) > {SIZE[key]}", key, f"'dài quá {SIZE[key]} ký tự'")
            for key in [*FREE_TEXT, "full_name", "birthplace", "hometown"]
        ),
    ]
    cells = " || ".join(f"r.{key}" for key in KEYS)
    values = ", ".join(f"t.{column}" for column in STAGED)
    row_hash = f"sha256(record_send(row({values})))" if hashed else "NULL::bytea"
    return f"""
    CREATE TEMP TABLE import_rows ON COMMIT DROP AS
    SELECT t.row_no, {", ".join("t." + column for column in STAGED)},
           {row_hash} AS row_hash,
           array_remove(ARRAY[{", ".join(problems)}], NULL) AS problems
    FROM (
        SELECT r.row_no, {trimmed},
               r.relation AS relation_raw, rel.is_subject, rel.relation_id,
               rel.code AS relation, rel.generation, rel.error AS relation_error,
               nm.full_name, nm.name_norm, nm.family_norm, nm.given_norm, nm.name_sort,
               sx.sex, sx.error AS sex_error,
               bd.text AS birth, bd.y AS birth_year, bd.m AS birth_month, bd.d AS birth_day,
               bd.lo AS birth_lo, bd.hi AS birth_hi, bd.error AS birth_error,
               dd.text AS death, dd.y AS death_year, dd.m AS death_month, dd.d AS death_day,
               dd.hi AS death_hi, dd.error AS death_error,
               CASE WHEN r.citizen_id ~ '^[0-9]{{12}}$' THEN r.citizen_id ELSE cm.number END
                   AS citizen_id, cm.error AS citizen_error,
               ht.text AS hometown, ht.norm AS hometown_norm, ht.ward AS hometown_ward,
               bp.text AS birthplace, bp.ward AS birthplace_ward,
               cl.level AS classification, cl.error AS class_error
        FROM import_raw r
        JOIN import_map_relation rel ON rel.key = r.relation
        JOIN import_map_name nm ON nm.key = r.full_name
        JOIN import_map_sex sx ON sx.key = r.sex
        JOIN import_map_date bd ON bd.key = r.birth
        JOIN import_map_date dd ON dd.key = r.death
        JOIN import_map_hometown ht ON ht.key = r.hometown
        JOIN import_map_birthplace bp ON bp.key = r.birthplace
        JOIN import_map_class cl ON cl.key = r.classification
        LEFT JOIN import_map_citizen cm ON cm.key = r.citizen_id
        -- a row is blank when every cell is: most have a reference, which settles it
        WHERE btrim(r.ref, %(ws)s) <> '' OR btrim({cells}, %(ws)s) <> ''
        OFFSET 0  -- computed once per row, not once per use in the problems below
    ) t
    """


CROSS_CHECKS = [
    (
        "Quan hệ",
        """SELECT min(row_no), 'mã hồ sơ “' || ref || '” không có dòng “Bản thân”'
           FROM import_rows WHERE ref <> ''
           GROUP BY ref HAVING count(*) FILTER (WHERE is_subject) = 0""",
    ),
    (
        "Quan hệ",
        """SELECT row_no, 'mã hồ sơ “' || ref || '” có nhiều hơn một dòng “Bản thân”'
           FROM (SELECT row_no, ref, row_number() OVER (PARTITION BY ref ORDER BY row_no) AS n
                 FROM import_rows WHERE is_subject AND ref <> '') s
           WHERE n > 1""",
    ),
    (
        "Ngày sinh",
        """SELECT r.row_no, CASE WHEN r.generation > 0
                   THEN r.relation || ' sinh ' || r.birth || ', không trước người được quản lý ('
                        || s.birth || '): bậc trên phải sinh trước'
                   ELSE 'con sinh ' || r.birth || ', không sau người được quản lý (' || s.birth
                        || '): con phải sinh sau'
                   END
           FROM import_rows r JOIN import_rows s ON s.ref = r.ref AND s.is_subject
           WHERE NOT r.is_subject AND r.problems = '{}' AND s.problems = '{}'
             AND ((r.generation > 0 AND NOT r.birth_hi < s.birth_lo)
                  OR (r.generation < 0 AND NOT s.birth_hi < r.birth_lo))""",
    ),
    (
        # One citizen ID is one person: twice under one reference is a typing error.
        "Số CCCD",
        """SELECT row_no, 'số CCCD ' || citizen_id || ' trùng với dòng ' || first_row
           FROM (SELECT row_no, citizen_id,
                        min(row_no) OVER (PARTITION BY ref, citizen_id) AS first_row
                 FROM import_rows WHERE citizen_id IS NOT NULL AND ref <> '') s
           WHERE row_no > first_row""",
    ),
    (
        # A managed person has one dossier: a member row with the citizen ID of another
        # dossier's subject (one the uploader may see; services._refuse_second_dossier), or of
        # another member row of the file. "Another" than the row's own (its organisation and
        # reference) compared NULL-safely: a dossier opened on the page or by the generator has
        # no reference (NULL), and a plain NOT (... = r.ref) would be NULL for it, letting the
        # organisation's own members through.
        "Số CCCD",
        """SELECT r.row_no, 'số CCCD ' || r.citizen_id || ' là của ' || p.full_name
                  || ', người được quản lý trong hồ sơ đã có'
                  || CASE WHEN d.import_ref <> '' THEN ' (mã hồ sơ “' || d.import_ref || '”)'
                          ELSE '' END
                  || ': mỗi người chỉ có một hồ sơ, hãy nhập vào hồ sơ đó'
           FROM import_rows r
           JOIN people_person p ON p.citizen_id = r.citizen_id AND p.is_subject
           JOIN people_dossier d ON d.id = p.dossier_id
           WHERE r.is_subject
             AND (d.managing_org_id, d.import_ref) IS DISTINCT FROM (%(org)s, r.ref)
             AND {gate}
             -- an update that keeps its member's number is no second dossier (two that share
             -- one already, opened by authors who could not see each other's, stay writable)
             AND NOT EXISTS (
                 SELECT 1 FROM people_dossier o JOIN people_person s
                   ON s.dossier_id = o.id AND s.is_subject AND s.citizen_id = r.citizen_id
                 WHERE o.managing_org_id = %(org)s AND o.import_ref = r.ref)
           UNION ALL
           SELECT row_no, 'số CCCD ' || citizen_id || ' trùng với người được quản lý ở dòng '
                  || first_row
           FROM (SELECT row_no, ref, citizen_id,
                        min(row_no) OVER w AS first_row, first_value(ref) OVER w AS first_ref
                 FROM import_rows WHERE is_subject AND citizen_id IS NOT NULL
                 WINDOW w AS (PARTITION BY citizen_id ORDER BY row_no)) s
           WHERE row_no > first_row AND ref <> first_ref""",
    ),
    (
        # An existing dossier above the uploader's clearance may not be rewritten by a file.
        "Mã hồ sơ",
        """SELECT min(r.row_no), 'mã hồ sơ “' || r.ref || '” đã được dùng; tệp không nhập '
                  || 'được vào hồ sơ đó, hãy dùng mã khác hoặc hỏi người quản lý hồ sơ'
           FROM import_rows r JOIN people_dossier d
             ON d.managing_org_id = %(org)s AND d.import_ref = r.ref
           WHERE r.is_subject AND d.classification > %(clearance)s GROUP BY r.ref""",
    ),
    (
        "Mức mật",
        """SELECT row_no, 'mức mật cao hơn mức bạn được tiếp cận'
           FROM import_rows WHERE is_subject AND classification > %(clearance)s""",
    ),
]


def _check_formulas(cursor: Any, report: ImportReport) -> None:
    """A cell that starts with “=” is a spreadsheet formula saved as text (a CSV has no
    formulas; an XLSX formula is refused when read): refused like one, never stored, since a
    spreadsheet opening an export of it would run it."""
    cells = ", ".join(f"(%s, r.{key})" for key in KEYS)
    cursor.execute(
        f"""SELECT r.row_no, v.title FROM import_raw r,
               LATERAL (VALUES {cells}) v(title, cell)
            WHERE concat({", ".join(f"r.{key}" for key in KEYS)}) LIKE '%%=%%'
              AND left(ltrim(v.cell, %s), 1) = '='
            ORDER BY r.row_no""",
        [*(TITLE[key] for key in KEYS), WHITESPACE],
    )
    for row_no, title in cursor.fetchall():
        report.add(row_no, title, "là công thức bảng tính (bắt đầu bằng “=”); hãy ghi giá trị")


def _check_existing(
    cursor: Any, report: ImportReport, params: dict[str, Any]
) -> list[tuple[int, int]]:
    """Rows that would change an existing dossier in ways the officer must know of; returns
    the ids and versions of the existing dossiers compared (the caller records that read).

    Errors: a dossier changed since the file was checked (``params["check"]``: that check's
    record, whose items hold the versions it compared); a member row that names somebody
    else than the dossier's subject (another name, not only other diacritics; or two of birth
    year, citizen ID and sex different): most likely a wrong or swapped reference, which would
    rewrite somebody else's dossier. Warnings: a version entered on the page after the last
    import, which the file's content replaces; a subject's name diacritics, birth date, sex or
    citizen ID corrected. Only references with exactly one member row and no other error are
    compared, and stored values are never shown: the officer opens the dossier to compare.
    """

    def existing(join: str = "") -> str:
        """Existing dossiers in the uploader's clearance, joined to their member row of the
        file (only references with one such row and no other error); ``join`` adds a table."""
        return f"""FROM import_rows r JOIN people_dossier d
            ON d.managing_org_id = %(org)s AND d.import_ref = r.ref
            AND d.classification <= %(clearance)s
            {join}
            WHERE r.is_subject AND r.problems = '{{}}'
              AND r.ref NOT IN (SELECT ref FROM import_rows WHERE is_subject
                                GROUP BY ref HAVING count(*) > 1)"""

    cursor.execute(f"SELECT d.id, d.version {existing()}", params)
    compared: list[tuple[int, int]] = cursor.fetchall()
    if not compared:
        return compared
    if params["guarded"]:
        # Each dossier must still have the version the check compared (its record's items):
        # versions, not clock times, so a save that committed while the check ran, whatever
        # time it was stamped with, is never missed.
        item = """LEFT JOIN people_importbatchitem i
                  ON i.batch_id = %(check)s AND i.dossier_id = d.id"""
        cursor.execute(
            f"""SELECT r.row_no, r.ref, d.updated_at, i.version IS NOT NULL {existing(item)}
                AND i.version IS DISTINCT FROM d.version""",
            params,
        )
        for row_no, ref, changed, was_compared in cursor.fetchall():
            when = timezone.localtime(changed).strftime("%H:%M %d/%m/%Y")
            report.add(
                row_no,
                TITLE["ref"],
                f"hồ sơ “{ref}” đã thay đổi sau khi tệp được kiểm tra (lần sửa gần nhất lúc "
                f"{when}); hãy kiểm tra lại tệp rồi mới nhập"
                if was_compared
                else f"hồ sơ “{ref}” không được so với tệp này khi kiểm tra (có thể được tạo "
                "sau đó); hãy kiểm tra lại tệp rồi mới nhập",
            )
    # First (warnings beyond the first thousand are counted, not kept): versions that the
    # file's content would replace.
    cursor.execute(
        f"""SELECT r.row_no, r.ref, c.number, c.submitted_at, c.submitted_by_username
        {existing("JOIN people_declaration c ON c.dossier_id = d.id AND c.status = 'SUBMITTED'")}
          AND NOT EXISTS (SELECT 1 FROM people_importbatchitem i
                          JOIN people_importbatch b ON b.id = i.batch_id
                          WHERE i.dossier_id = d.id AND NOT b.dry_run
                            AND b.created_at >= c.submitted_at)
        ORDER BY r.row_no""",
        params,
    )
    # A warning when the officer checks, or imports what was checked; an import that was not
    # checked first is refused instead, never replacing a page's version unseen.
    unchecked = not params["dry_run"] and not params["guarded"]
    for row_no, ref, number, submitted, username in cursor.fetchall():
        when = timezone.localtime(submitted).strftime("%d/%m/%Y")
        by = f" ({username})" if username else ""
        said = f"hồ sơ “{ref}” có bản khai lần {number} nộp trên trang ngày {when}{by}, "
        if unchecked:
            report.add(
                row_no,
                TITLE["ref"],
                said + "sau lần nhập tệp trước: hãy kiểm tra tệp trước khi nhập (nội dung khác "
                "trong tệp sẽ thay thế bản khai đó)",
            )
        else:
            report.warn(
                row_no,
                TITLE["ref"],
                said + "sau lần nhập tệp trước: nội dung khác trong tệp sẽ thay thế bản khai đó",
            )

    def page_edit(field: str) -> str:
        """Whether the dossier's ``field`` was edited on its page since its last import."""
        return f"""EXISTS (SELECT 1 FROM people_dossierchange ch
                   WHERE ch.dossier_id = d.id AND ch.via = 'page'
                     AND ch.before -> '{field}' IS DISTINCT FROM ch.after -> '{field}'
                     AND NOT EXISTS (SELECT 1 FROM people_importbatchitem i
                                     JOIN people_importbatch b ON b.id = i.batch_id
                                     WHERE i.dossier_id = d.id AND NOT b.dry_run
                                       AND b.created_at >= ch.changed_at))"""

    # The dossier's own fields. A file may raise a classification, never lower one (that is
    # an officer's decision on the dossier's page, audited there); a change of either is
    # told, and one over an edit made on the page since the last import is refused unchecked.
    cursor.execute(
        f"""SELECT r.row_no, r.classification < d.classification,
               r.classification IS NOT NULL AND r.classification <> d.classification,
               r.current_posts <> '' AND r.current_posts <> d.current_posts,
               {page_edit("classification")}, {page_edit("current_posts")}
        {existing()}
          AND ((r.classification IS NOT NULL AND r.classification <> d.classification)
               OR (r.current_posts <> '' AND r.current_posts <> d.current_posts))
        ORDER BY r.row_no""",
        params,
    )
    for row_no, lowers, reclassifies, reposts, class_edited, posts_edited in cursor.fetchall():
        if lowers:
            report.add(
                row_no,
                TITLE["classification"],
                "thấp hơn mức mật hiện có của hồ sơ: hạ mức mật chỉ làm trên trang hồ sơ",
            )
            continue
        for changed, page_edited, key, what in (
            (
                reclassifies,
                class_edited,
                "classification",
                "mức mật của hồ sơ sẽ được nâng theo tệp",
            ),
            (reposts, posts_edited, "current_posts", "khác hồ sơ hiện có; sẽ sửa theo tệp"),
        ):
            if not changed:
                continue
            since_page = " (đã sửa trên trang sau lần nhập tệp trước)" if page_edited else ""
            if page_edited and unchecked:
                report.add(
                    row_no, TITLE[key], f"{what}{since_page}: hãy kiểm tra tệp trước khi nhập"
                )
            else:
                report.warn(row_no, TITLE[key], what + since_page)
    cursor.execute(
        f"""SELECT r.row_no, r.ref, r.full_name, r.birth,
               p.name_norm <> r.name_norm, p.full_name <> r.full_name,
               p.birth_year IS DISTINCT FROM r.birth_year,
               (p.birth_year, p.birth_month, p.birth_day)
                   IS DISTINCT FROM (r.birth_year, r.birth_month, r.birth_day),
               p.citizen_id <> r.citizen_id, p.citizen_id IS NOT NULL AND r.citizen_id IS NULL,
               p.sex <> '' AND r.sex <> '' AND p.sex <> r.sex
        {existing("JOIN people_person p ON p.dossier_id = d.id AND p.is_subject")}
          AND (p.full_name, p.birth_year, p.birth_month, p.birth_day, p.citizen_id, p.sex)
              IS DISTINCT FROM (r.full_name, r.birth_year, r.birth_month, r.birth_day,
                                r.citizen_id, r.sex)
        ORDER BY r.row_no""",
        params,
    )
    for row in cursor.fetchall():
        (row_no, ref, name, birth, other_name, renamed, other_year, rebirth, other_id, dropped,
         other_sex) = row  # fmt: skip
        differ = [
            what
            for what, flag in (
                ("họ tên", other_name),
                ("năm sinh", other_year),
                ("số CCCD", other_id),
                ("giới tính", other_sex),
            )
            if flag
        ]
        if other_name or len(differ) >= 2:
            report.add(
                row_no,
                TITLE["ref"],
                f"mã hồ sơ “{ref}” đang là hồ sơ của một người khác ({' và '.join(differ)} "
                "khác hồ sơ hiện có): có thể nhầm mã; nếu đúng là người này, hãy sửa trên "
                "trang hồ sơ trước",
            )
            continue
        if renamed:
            report.warn(row_no, TITLE["full_name"], f"khác hồ sơ hiện có; sẽ sửa thành “{name}”")
        if rebirth:
            report.warn(
                row_no, TITLE["birth"], f"khác hồ sơ hiện có; sẽ sửa thành {birth or 'để trống'}"
            )
        if other_sex:
            report.warn(row_no, TITLE["sex"], "khác hồ sơ hiện có; sẽ sửa theo tệp")
        if other_id:
            report.warn(row_no, TITLE["citizen_id"], "khác hồ sơ hiện có; sẽ sửa theo tệp")
        if dropped:
            report.warn(row_no, TITLE["citizen_id"], "hồ sơ hiện có số CCCD; ô trống sẽ xóa số đó")
    return compared


def import_dossiers(
    *,
    actor: User | SystemPrincipal,
    managing_org_code: str,
    stream: IO[bytes],
    file_name: str,
    dry_run: bool,
    progress: Progress | None = None,
    since: dt.datetime | None = None,
    checked_sha256: str = "",
    check_id: uuid.UUID | None = None,
) -> ImportReport:
    """Check (dry run) or import a file of dossiers for one managing organisation.

    An import that follows a check is given the check's ``checked_at`` as ``since`` and its
    ``check_id`` (none when the check compared no existing dossier). Every existing dossier
    of the file must then still have the version that check compared: one changed since (a
    version entered on its page, another import) or not compared at all is refused, so an
    import never silently overwrites a change it was not checked against.
    """
    org = org_by_code(managing_org_code, field="managing_org", user=actor)
    if not DOSSIER_GATE.allows(actor, Action.CHANGE, org_path=org.path, classification=0):
        raise PermissionDeniedError("Bạn không được nhập hồ sơ cho tổ chức này.")
    suffix = PurePath(file_name).suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        raise ImportFileError(
            f"Không đọc được tệp “{file_name}”: chỉ nhận .xlsx hoặc .csv.", field="file"
        )
    cap = settings.BVCT_IMPORT_MAX_BYTES
    data = stream.read(cap + 1)
    if len(data) > cap:
        raise ImportFileError(f"Tệp lớn hơn {cap // 1_000_000} MB; hãy chia nhỏ tệp.", field="file")
    if not data:
        raise ImportFileError("Tệp trống.", field="file")
    digest = hashlib.sha256(data).hexdigest()
    report = ImportReport(dry_run=dry_run, checked_at=timezone.now(), file_sha256=digest)
    if dry_run:
        since = check_id = None  # a check is never held to an earlier check
    elif checked_sha256 and checked_sha256 != digest:
        raise ImportFileError(
            "Tệp này khác tệp đã kiểm tra; hãy kiểm tra tệp này trước khi nhập.", field="file"
        )
    compared: list[tuple[int, int]] = []
    with transaction.atomic(durable=True), connection.cursor() as cursor:
        # Dropped at commit; only an import inside an outer transaction (tests) meets them.
        cursor.execute(f"DROP TABLE IF EXISTS {', '.join(TEMP_TABLES)}")
        # Sorts and hashes over a million rows: in memory, not spilled in 4 MB pieces.
        cursor.execute("SELECT set_config('work_mem', %s, true)", [settings.BVCT_IMPORT_WORK_MEM])
        _load(cursor, data, file_name, report, progress)
        if progress:
            progress("Kiểm tra", 0, 0)
        _build_maps(cursor)
        # Without statistics on import_raw the planner guesses a few rows and nests loops
        # over a million; with them it hashes the small maps.
        cursor.execute("ANALYZE import_raw")
        cursor.execute(
            _rows_sql(hashed=not dry_run),
            {"ws": WHITESPACE, "places": sorted(CCCD_PLACE_CODES)},
        )
        report.rows = cursor.rowcount
        if report.rows == 0:
            raise ImportFileError("Tệp không có dòng dữ liệu nào.", field="file")
        limit = settings.BVCT_IMPORT_MAX_ROWS
        if report.rows > limit:
            raise _too_many_rows(limit)
        cursor.execute("ANALYZE import_rows (ref, is_subject, problems)")
        cursor.execute(
            "SELECT row_no, p FROM import_rows, unnest(problems) p "
            "WHERE problems <> '{}' ORDER BY row_no LIMIT %s",
            [MAX_ERRORS_KEPT],
        )
        problems = cursor.fetchall()
        for row_no, problem in problems:
            column, message = problem.split(SEP, 1)
            report.add(row_no, column, message)
        cursor.execute("SELECT coalesce(sum(cardinality(problems)), 0) FROM import_rows")
        report.error_count += cursor.fetchone()[0] - len(problems)  # those not kept
        if not dry_run:
            # From the checks against existing dossiers to the last write, nobody else changes
            # a dossier or person: what was checked is what is written over. Both tables at
            # once: a page's save or new dossier takes the dossier table's ROW EXCLUSIVE lock
            # first (services._lock_dossiers_for_writing), so the two queue in one order and
            # never deadlock. The person lock also keeps other inserts out of the block of ids
            # reserved for new persons.
            cursor.execute("LOCK TABLE people_dossier, people_person IN SHARE ROW EXCLUSIVE MODE")
        params: dict[str, Any] = {
            "org": org.pk,
            "clearance": actor.clearance,
            "guarded": since is not None or check_id is not None,
            "dry_run": dry_run,
            "check": _check_made(actor, org, digest, check_id),
        }
        # The persons the uploader may see, as the gate (services._refuse_second_dossier).
        gate, gate_params = DOSSIER_GATE.sql(actor, Action.VIEW, alias="p", named="gate") or (
            "FALSE",
            {},
        )
        params.update(gate_params)
        for column, sql in CROSS_CHECKS:
            cursor.execute(sql.replace("{gate}", gate), params)
            for row_no, message in cursor.fetchall():
                report.add(row_no, column, message)
        if suffix == ".csv" and b"=" in data:  # XLSX formulas are refused as the file is read
            _check_formulas(cursor, report)
        compared = _check_existing(cursor, report, params)
        report.existing = len(compared)
        cursor.execute("SELECT count(DISTINCT ref) FROM import_rows")
        report.dossiers = cursor.fetchone()[0]
        report.errors.sort()
        report.warnings.sort()
        written = not dry_run and report.ok
        if written:
            if progress:
                progress("Ghi", 0, 0)
            _apply(cursor, actor, org, report, file_name, digest)
        else:
            transaction.set_rollback(True)
    if not written and compared:
        check = _record_check(actor, org, report, file_name, digest, compared)
        if dry_run:
            report.check_id = check.public_id
    return report


def _check_made(
    actor: User | SystemPrincipal, org: Any, digest: str, check_id: uuid.UUID | None
) -> int | None:
    """The record of the check an import follows: that very check of this file, for this
    organisation, by the same person. None when no check id is given (the check compared no
    existing dossier): then every existing dossier of the file is one not checked against."""
    if check_id is None:
        return None
    check: int | None = (
        ImportBatch.objects.filter(
            public_id=check_id,
            dry_run=True,
            managing_org=org,
            file_sha256=digest,
            actor=actor.public_id,
        )
        .values_list("id", flat=True)
        .first()
    )
    if check is None:
        raise ImportFileError(
            "Không có lần kiểm tra này của bạn cho tệp này và tổ chức này; "
            "hãy kiểm tra lại tệp rồi mới nhập.",
            field="file",
        )
    return check


def _new_batch(
    actor: User | SystemPrincipal,
    org: Any,
    report: ImportReport,
    file_name: str,
    digest: str,
    **fields: Any,
) -> ImportBatch:
    """The record of one run over a file (an import, or a check that compared dossiers)."""
    return ImportBatch.objects.create(
        managing_org=org,
        file_name=file_name[:255],
        file_sha256=digest,
        rows=report.rows,
        actor=actor.public_id,
        actor_username=actor.username,
        **fields,
    )


@transaction.atomic(durable=True)
def _record_check(
    actor: User | SystemPrincipal,
    org: Any,
    report: ImportReport,
    file_name: str,
    digest: str,
    compared: list[tuple[int, int]],
) -> ImportBatch:
    """A check compared the file with existing dossiers and told what differs: a read of
    them, on the record like any other (the batch names them for their access logs). A dry
    run's items keep the versions compared, for the import that follows it; a refused
    import's do not (its record can never stand for a check)."""
    batch = _new_batch(actor, org, report, file_name, digest, dry_run=True)
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO people_importbatchitem (batch_id, dossier_id, version, outcome)
               SELECT %s, unnest(%s::bigint[]), unnest(%s::int[]), 'checked'""",
            [
                batch.pk,
                [d for d, _ in compared],
                [v if report.dry_run else None for _, v in compared],
            ],
        )
    _batch_event(
        actor,
        AuditAction.DOSSIER_IMPORT_CHECK,
        batch,
        {
            "dossiers_compared": len(compared),
            "errors": report.error_count,
            "warnings": report.warning_count,
            "dry_run": report.dry_run,
        },
    )
    return batch


def _batch_event(
    actor: User | SystemPrincipal, action: str, batch: ImportBatch, after: dict[str, Any]
) -> None:
    """The audit event of an import or a check, naming its batch (whose items name the
    dossiers) and the file by its SHA-256."""
    audit_record(
        actor=actor,
        action=action,
        object_type="people.importbatch",
        object_id=str(batch.public_id),
        object_label=batch.file_name[:300],
        org=batch.managing_org,
        after={"file_sha256": batch.file_sha256, "rows": batch.rows, **after},
    )


WITHOUT_UNITS = "#- '{identity,birthplace_ward}' #- '{identity,hometown_ward}'"
PERSON_FIELDS = (
    "full_name name_norm family_norm given_norm name_sort sex birth_year birth_month birth_day "
    "death_year death_month death_day citizen_id party_card_no birthplace birthplace_ward "
    "hometown hometown_ward hometown_norm residence ethnicity religion nationality occupation"
).split()

# A relative's details kept in the declaration only, not on the person.
DECLARED_ONLY = ("political_history", "current_situation", "death_details")


def _apply(
    c: Any,
    actor: User | SystemPrincipal,
    org: Any,
    report: ImportReport,
    file_name: str,
    digest: str,
) -> None:
    """The set-based writes (inside the import's transaction, after every check passed)."""
    uuid7 = _uuid7_sql(c)
    # 1. Dossiers: one per reference; new references get new dossiers. A classification or
    #    current posts left empty in the file keep what an existing dossier has. Each gets the
    #    digest of its rows (in the file's order); an existing dossier whose last import had
    #    the same rows and which has not changed since (the version that import left) would
    #    not change at all: it is left out of everything that follows (a re-import of an
    #    unchanged province compares nothing but the digests).
    c.execute(
        """
        CREATE TEMP TABLE import_dossier ON COMMIT DROP AS
        SELECT s.ref, d.id AS dossier_id, d.id IS NOT NULL AS existing,
               coalesce(s.classification, d.classification, 0) AS classification,
               CASE WHEN s.current_posts = '' THEN coalesce(d.current_posts, '')
                    ELSE s.current_posts END AS current_posts,
               g.rows_sha256,
               d.imported_version = d.version AND d.imported_rows_sha256 = g.rows_sha256
                   AS unchanged
        FROM import_rows s
        JOIN (SELECT r.ref, encode(sha256(int4send(%(writes)s)
                      || string_agg(r.row_hash, '' ORDER BY r.row_no)), 'hex')
                  AS rows_sha256
              FROM import_rows r GROUP BY r.ref) g ON g.ref = s.ref
        LEFT JOIN people_dossier d ON d.managing_org_id = %(org)s AND d.import_ref = s.ref
        WHERE s.is_subject
        """,
        {"org": org.pk, "writes": IMPORT_WRITES},
    )
    c.execute("DELETE FROM import_dossier WHERE unchanged")
    skipped = c.rowcount
    c.execute(
        f"""
        WITH made AS (
            INSERT INTO people_dossier (public_id, created_at, updated_at, version,
                managing_org_id, org_path, classification, current_posts, status,
                declaration_count, import_ref)
            SELECT {uuid7}, now(), now(), 1, %(org)s, %(path)s, classification,
                   current_posts, 'ACTIVE', 1, ref
            FROM import_dossier WHERE NOT existing ORDER BY ref
            RETURNING id, import_ref
        )
        UPDATE import_dossier i SET dossier_id = made.id FROM made WHERE i.ref = made.import_ref
        """,
        {"org": org.pk, "path": org.path},
    )
    report.created = c.rowcount
    existing = report.dossiers - report.created - skipped
    c.execute("ANALYZE import_dossier")
    # Existing dossiers whose classification or posts the file changes (their persons carry
    # a copy of the classification for the gate).
    c.execute(
        """
        CREATE TEMP TABLE import_meta ON COMMIT DROP AS
        WITH changed AS (
            UPDATE people_dossier d SET classification = i.classification,
                   current_posts = i.current_posts, version = d.version + 1, updated_at = now()
            FROM import_dossier i JOIN people_dossier o ON o.id = i.dossier_id
            WHERE i.existing AND d.id = i.dossier_id
              AND (d.classification, d.current_posts) IS DISTINCT FROM
                  (i.classification, i.current_posts)
            RETURNING d.id, o.classification AS old_class, o.current_posts AS old_posts,
                      d.classification AS new_class, d.current_posts AS new_posts
        ) SELECT id AS dossier_id, old_class, old_posts, new_class, new_posts FROM changed
        """
    )
    if c.rowcount:
        c.execute(
            """UPDATE people_person p SET classification = i.classification
               FROM import_dossier i JOIN import_meta m USING (dossier_id)
               WHERE p.dossier_id = i.dossier_id AND p.classification <> i.classification"""
        )
    # The file has no unit codes: a member's unit comes from the place's text, or, for a text
    # that names none (an old address), stays what the dossier has while the text is the same.
    if existing:
        kept = {
            place: f"r.{place}_ward IS NULL AND p.{place}_ward IS NOT NULL AND p.{place} = r.{place}"
            for place in ("birthplace", "hometown")
        }
        c.execute(
            f"""UPDATE import_rows r
                SET {", ".join(
                    f"{place}_ward = CASE WHEN {when} THEN p.{place}_ward ELSE r.{place}_ward END"
                    for place, when in kept.items())}
                FROM import_dossier i JOIN people_person p
                  ON p.dossier_id = i.dossier_id AND p.is_subject
                WHERE i.existing AND r.ref = i.ref AND r.is_subject
                  AND ({" OR ".join(kept.values())})"""
        )  # fmt: skip
    # 2. Persons. The subject is the dossier's subject. A relative's row is matched, one to
    #    one, first to a person of the same relation whose every value is the row's (so an
    #    import of the rows a dossier was written from matches each row to the same person
    #    again, whatever a page did to the order or the namesakes since); then the n-th
    #    remaining row of a relation, name and birth year to the n-th remaining such person
    #    (so two same-named siblings born the same year stay two). Within either, persons
    #    count in the order the current declaration lists them, then by id.
    c.execute(
        "CREATE TEMP TABLE import_match (row_no int, id bigint, public_id uuid) ON COMMIT DROP"
    )
    if existing:
        c.execute(
            """
            INSERT INTO import_match
            SELECT r.row_no, p.id, p.public_id
            FROM import_rows r JOIN import_dossier i ON i.ref = r.ref AND i.existing
            JOIN people_person p ON p.dossier_id = i.dossier_id AND p.is_subject
            WHERE r.is_subject
            """
        )
        c.execute(
            f"""
            CREATE TEMP TABLE import_listed ON COMMIT DROP AS
            SELECT d.dossier_id, (x.e ->> 'person')::uuid AS person, x.n,
                   {", ".join(f"x.e ->> '{f}' AS {f}" for f in DECLARED_ONLY)}
            FROM import_dossier i
            JOIN people_declaration d ON d.dossier_id = i.dossier_id AND d.status = 'SUBMITTED',
            jsonb_array_elements(d.content -> 'relatives') WITH ORDINALITY AS x(e, n)
            WHERE i.existing AND jsonb_typeof(x.e -> 'person') = 'string'
            """
        )

        def person(fields: list[str]) -> str:
            return ", ".join(f"at.{f}" if f in DECLARED_ONLY else f"p.{f}" for f in fields)

        for fields in ([*PERSON_FIELDS, *DECLARED_ONLY], ["name_norm", "birth_year"]):
            c.execute(
                f"""
                INSERT INTO import_match
                SELECT r.row_no, p.id, p.public_id
                FROM (SELECT r.row_no, i.dossier_id, r.relation_id, {_columns("r", fields)},
                             row_number() OVER (PARTITION BY i.dossier_id, r.relation_id,
                                 {_columns("r", fields)} ORDER BY r.row_no) AS k
                      FROM import_rows r JOIN import_dossier i ON i.ref = r.ref AND i.existing
                      WHERE NOT r.is_subject
                        AND NOT EXISTS (SELECT 1 FROM import_match m WHERE m.row_no = r.row_no)
                ) r
                JOIN (SELECT p.id, p.public_id, p.dossier_id, p.relation_id, {person(fields)},
                             row_number() OVER (PARTITION BY p.dossier_id, p.relation_id,
                                 {person(fields)}
                                 ORDER BY at.n NULLS LAST, p.declared DESC, p.id) AS k
                      FROM people_person p JOIN import_dossier i
                        ON i.existing AND p.dossier_id = i.dossier_id
                      LEFT JOIN import_listed at
                        ON at.dossier_id = p.dossier_id AND at.person = p.public_id
                      WHERE NOT p.is_subject
                        AND NOT EXISTS (SELECT 1 FROM import_match m WHERE m.id = p.id)
                ) p
                  ON p.dossier_id = r.dossier_id AND p.relation_id = r.relation_id AND p.k = r.k
                 AND ({_columns("p", fields)}) IS NOT DISTINCT FROM ({_columns("r", fields)})
                """
            )
    # New persons get ids from one block reserved on the sequence (not nextval per row),
    # with inserts by others held off (the import's lock) so nobody takes an id in the block.
    c.execute("SELECT count(*) FROM import_match")
    new_persons = report.rows - c.fetchone()[0]
    if skipped:  # their rows are neither matched nor new
        c.execute(
            """SELECT count(*) FROM import_rows r
               WHERE NOT EXISTS (SELECT 1 FROM import_dossier i WHERE i.ref = r.ref)"""
        )
        new_persons -= c.fetchone()[0]
    base = 0
    if new_persons:
        c.execute(
            """SELECT setval(pg_get_serial_sequence('people_person', 'id'),
                      nextval(pg_get_serial_sequence('people_person', 'id')) + %s)""",
            [new_persons],
        )
        base = c.fetchone()[0] - new_persons
    c.execute(
        f"""
        CREATE TEMP TABLE import_ids ON COMMIT DROP AS
        SELECT row_no, dossier_id, matched, person_id,
               CASE WHEN matched THEN public_id ELSE {_person_uuid_sql("person_id")} END
                   AS public_id
        FROM (
            SELECT r.row_no, i.dossier_id, m.id IS NOT NULL AS matched, m.public_id,
                   coalesce(m.id, %s + row_number() OVER (PARTITION BY m.id IS NULL
                                                          ORDER BY r.row_no)) AS person_id
            FROM import_rows r JOIN import_dossier i ON i.ref = r.ref
            LEFT JOIN import_match m ON m.row_no = r.row_no
            OFFSET 0
        ) ids
        """,
        [base],
    )
    c.execute("ANALYZE import_ids")
    # A load that at least doubles the table (a province's first data) builds the secondary
    # indexes once, sorted, instead of inserting a million entries into each of them.
    rebuild = drop_person_indexes() if _doubles_person_table(c, new_persons) else []
    # No ORDER BY: the rows come in the file's order, which is the order the new ids were
    # numbered in, so the table and its primary key fill in order without sorting a million
    # wide rows (1.2 s).
    cols = ", ".join(PERSON_FIELDS)
    c.execute(
        f"""
        INSERT INTO people_person (id, public_id, dossier_id, is_subject, relation_id, declared,
            other_names, org_path, classification, {cols})
        SELECT s.person_id, s.public_id, s.dossier_id, r.is_subject, r.relation_id, true, '',
               %s, i.classification, {_columns("r", PERSON_FIELDS)}
        FROM import_rows r JOIN import_ids s ON s.row_no = r.row_no
        JOIN import_dossier i ON i.dossier_id = s.dossier_id
        WHERE NOT s.matched
        """,
        [org.path],
    )
    if rebuild:
        create_indexes(rebuild)
        analyze_people()  # a table at least doubled: its statistics no longer describe it
    # Persons to propose links for: the new ones and those whose values that proposals
    # compare changed (a changed occupation proposes nothing new: 5 s for an update of 5,000
    # members otherwise).
    c.execute(
        """CREATE TEMP TABLE import_touched ON COMMIT DROP AS
           SELECT person_id AS id FROM import_ids WHERE NOT matched"""
    )
    if existing:
        c.execute(
            f"""
            INSERT INTO import_touched
            SELECT p.id FROM import_rows r JOIN import_ids s ON s.row_no = r.row_no
            JOIN people_person p ON p.id = s.person_id
            WHERE s.matched AND ({_columns("p", LINK_KEYS)})
                  IS DISTINCT FROM ({_columns("r", LINK_KEYS)})
            """
        )
        c.execute(
            f"""
            UPDATE people_person p SET declared = true,
                {", ".join(f"{f} = r.{f}" for f in PERSON_FIELDS)}
            FROM import_rows r JOIN import_ids s ON s.row_no = r.row_no
            WHERE s.matched AND p.id = s.person_id
              AND ({_columns("p", PERSON_FIELDS)}, p.declared)
                  IS DISTINCT FROM ({_columns("r", PERSON_FIELDS)}, true)
            """
        )
        c.execute(
            """UPDATE people_person p SET declared = false
               FROM import_dossier i
               WHERE i.existing AND p.dossier_id = i.dossier_id AND p.declared
                 AND NOT EXISTS (SELECT 1 FROM import_ids s WHERE s.person_id = p.id)"""
        )
    c.execute("ANALYZE import_touched")  # a million new persons: hash joins, not lookups
    c.execute("SELECT EXISTS (SELECT 1 FROM import_touched)")
    if c.fetchone()[0]:
        links_propose_from(c, "import_touched")  # not counted in the event (dossier_create)
    # 3. Declarations: the new content of each dossier; a version only where it changed.
    # Each declaration is one record of named columns (its relatives an array of such
    # records) turned into jsonb in one pass: building each relative's object and then the
    # declaration around it (jsonb_build_object, jsonb_agg) converted every relative three
    # times, 20 s instead of 14 s for a million relatives.
    c.execute(
        """
        CREATE TEMP TABLE import_content ON COMMIT DROP AS
        WITH rel AS (
            SELECT s.dossier_id, array_agg((
                SELECT x FROM (SELECT s.public_id AS person, r.relation, r.full_name, r.sex,
                    r.birth, r.death, r.citizen_id, r.birthplace, r.hometown, r.residence,
                    r.occupation, r.religion, r.ethnicity, r.nationality, r.political_history,
                    r.current_situation, r.death_details) x
            ) ORDER BY r.row_no) AS relatives
            FROM import_rows r JOIN import_ids s ON s.row_no = r.row_no
            WHERE NOT r.is_subject
            GROUP BY s.dossier_id
        )
        SELECT i.dossier_id, i.existing, to_jsonb((
            SELECT x FROM (SELECT
                (SELECT y FROM (SELECT s.full_name, s.sex, s.birth, s.death, s.citizen_id,
                     s.birthplace,
                     coalesce(cur.content #>> '{identity,other_names}', '') AS other_names,
                     s.hometown, s.residence, s.ethnicity, s.religion, s.nationality,
                     s.party_card_no, s.occupation,
                     coalesce(cur.content #>> '{identity,education}', '') AS education,
                     s.birthplace_ward, s.hometown_ward) y) AS identity,
                coalesce(cur.content -> 'history', '[]') AS history,
                coalesce(cur.content -> 'political_events', '[]') AS political_events,
                coalesce(cur.content -> 'foreign_ties', '[]') AS foreign_ties,
                coalesce(rel.relatives, '{}') AS relatives) x
        )) AS content, cur.id AS current_id
        FROM import_rows s JOIN import_dossier i ON i.ref = s.ref
        LEFT JOIN rel ON rel.dossier_id = i.dossier_id
        -- one index lookup per existing dossier (never a scan of every stored declaration)
        LEFT JOIN LATERAL (
            SELECT d.id, d.content FROM people_declaration d
            WHERE i.existing AND d.dossier_id = i.dossier_id AND d.status = 'SUBMITTED'
        ) cur ON true
        WHERE s.is_subject
        """
    )
    if existing:
        c.execute(
            # Units derived from the places are not a change by themselves: a declaration
            # stored before they were resolved gets no new version for them alone.
            f"""DELETE FROM import_content n WHERE n.current_id IS NOT NULL
               AND n.content {WITHOUT_UNITS} = (SELECT d.content {WITHOUT_UNITS}
                                                FROM people_declaration d
                                                WHERE d.id = n.current_id)"""
        )
    c.execute(
        """SELECT count(*) FILTER (WHERE existing),
                  (SELECT count(*) FROM import_meta m WHERE NOT EXISTS (
                       SELECT 1 FROM import_content n WHERE n.dossier_id = m.dossier_id))
           FROM import_content"""
    )
    declared, meta_only = c.fetchone()
    report.updated = declared + meta_only
    report.unchanged = report.dossiers - report.created - report.updated
    c.execute(
        """UPDATE people_declaration SET status = 'SUPERSEDED'
           WHERE id IN (SELECT current_id FROM import_content WHERE current_id IS NOT NULL)"""
    )
    c.execute(
        f"""
        INSERT INTO people_declaration (public_id, dossier_id, number, status, content,
            submitted_at, submitted_by, submitted_by_username)
        SELECT {uuid7}, n.dossier_id,
               CASE WHEN n.existing THEN d.declaration_count + 1 ELSE 1 END, 'SUBMITTED',
               n.content,
               now(), %s, %s
        FROM import_content n JOIN people_dossier d ON d.id = n.dossier_id
        """,
        [actor.public_id, actor.username or "import"],
    )
    # Every dossier the import changed gets a new version (what an import after a check is
    # held to) and the clock time of this, its last write, not the transaction's start,
    # which may be long before: the time the page and a refusal show. Every dossier written
    # from the file (changed or not) keeps the digest of its rows and the version it is left
    # at, for the next import of the same rows.
    c.execute(
        """UPDATE people_dossier d
           SET declaration_count = d.declaration_count + coalesce(n.versioned, false)::int,
               version = d.version + coalesce(n.versioned, false)::int,
               updated_at = CASE WHEN n.dossier_id IS NULL THEN d.updated_at
                                 ELSE clock_timestamp() END,
               imported_rows_sha256 = i.rows_sha256,
               imported_version = d.version + coalesce(n.versioned, false)::int
           FROM import_dossier i LEFT JOIN (
               SELECT dossier_id, existing AS versioned FROM import_content
               UNION ALL
               SELECT m.dossier_id, false FROM import_meta m WHERE NOT EXISTS (
                   SELECT 1 FROM import_content n WHERE n.dossier_id = m.dossier_id)
           ) n ON n.dossier_id = i.dossier_id
           WHERE d.id = i.dossier_id"""
    )
    # 4. The record of the batch.
    batch = _new_batch(
        actor, org, report, file_name, digest,
        created=report.created, updated=report.updated, unchanged=report.unchanged,
    )  # fmt: skip
    # Every dossier of the file, the unchanged ones too (compared, if only by their digest: a
    # read their access logs list).
    c.execute(
        """INSERT INTO people_importbatchitem (batch_id, dossier_id, outcome)
           SELECT %(batch)s, d.id,
                  CASE WHEN n.dossier_id IS NOT NULL
                       THEN CASE WHEN n.existing THEN 'updated' ELSE 'created' END
                       WHEN m.dossier_id IS NOT NULL THEN 'updated'
                       ELSE 'unchanged' END
           FROM import_rows r
           JOIN people_dossier d ON d.managing_org_id = %(org)s AND d.import_ref = r.ref
           LEFT JOIN import_content n ON n.dossier_id = d.id
           LEFT JOIN import_meta m ON m.dossier_id = d.id
           WHERE r.is_subject""",
        {"batch": batch.pk, "org": org.pk},
    )
    report.batch = batch
    sealed = _record_dossier_changes(c, actor, batch)
    _batch_event(
        actor,
        AuditAction.DOSSIER_IMPORT,
        batch,
        {
            "dossiers": report.dossiers,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            **sealed,
        },
    )


def _record_dossier_changes(
    c: Any, actor: User | SystemPrincipal, batch: ImportBatch
) -> dict[str, Any]:
    """The import's changes of dossiers' classification and posts (import_meta) as their
    history, as a page's edit records it (services.dossier_update), each row naming the batch;
    returned for the import's audit event, which seals them: their count and the SHA-256 of
    one line per row, "dossier public id TAB before TAB after" (the jsonb as PostgreSQL prints
    it), sorted by public id (byte order), joined by newlines."""
    names = [level.name for level in sorted(Classification)]
    c.execute(
        """WITH made AS (
               INSERT INTO people_dossierchange (dossier_id, batch_id, changed_at, actor,
                   actor_username, via, before, after)
               SELECT dossier_id, %(batch)s, clock_timestamp(), %(actor)s, %(username)s,
                   'import',
                   jsonb_build_object('classification', (%(names)s::text[])[old_class + 1],
                                      'current_posts', old_posts),
                   jsonb_build_object('classification', (%(names)s::text[])[new_class + 1],
                                      'current_posts', new_posts)
               FROM import_meta
               RETURNING dossier_id, before, after)
           SELECT count(*), encode(sha256(convert_to(string_agg(
               d.public_id::text || E'\t' || m.before::text || E'\t' || m.after::text,
               E'\n' ORDER BY d.public_id::text COLLATE "C"), 'UTF8')), 'hex')
           FROM made m JOIN people_dossier d ON d.id = m.dossier_id""",
        {
            "batch": batch.pk,
            "actor": actor.public_id,
            "username": actor.username,
            "names": names,
        },
    )
    count, digest = c.fetchone()
    sealed: dict[str, Any] = {"dossier_changes": count}
    if count:
        sealed["dossier_changes_sha256"] = digest
    return sealed


def _columns(alias: str, fields: Iterable[str]) -> str:
    """``alias.field, ...``: a list of columns in SQL."""
    return ", ".join(f"{alias}.{field}" for field in fields)


def _doubles_person_table(c: Any, new_persons: int) -> bool:
    """At least as many new persons as the table holds, and a role that may drop its indexes
    (the owner: the import command run as the migrating role; never the web application's)."""
    c.execute(
        """SELECT greatest(reltuples, 0), pg_has_role(relowner, 'USAGE') FROM pg_class
           WHERE oid = 'people_person'::regclass"""
    )
    held, owner = c.fetchone()
    return bool(owner) and new_persons >= max(BULK_INDEX_THRESHOLD, held)


def _person_uuid_sql(column: str) -> str:
    """UUIDv7 (RFC 9562) for new persons without a random draw per row (PostgreSQL without
    OpenSSL reads /dev/urandom for each gen_random_uuid(): 4 s for a million).

    The import's time in milliseconds, 34 random bits drawn once per import, and as counter
    bits the person's new id (unique; below 2**40) XOR a random 40-bit mask: unique within the
    import by the ids, across imports by the time and random bits.
    """
    ms = time.time_ns() // 1_000_000
    rand = secrets.randbits(34)
    mask = secrets.randbits(40)
    prefix = f"{ms & 0xFFFF_FFFF_FFFF:012x}7{rand >> 22:03x}"
    high = 0x8000_0000 | ((rand & 0x3F_FFFF) << 8)  # variant 10, 22 random bits, 8 id bits
    x = f"({column} # {mask})"
    return (
        f"('{prefix}' || lpad(to_hex({high} | (({x} >> 32) & 255)), 8, '0')"
        f" || lpad(to_hex({x} & 4294967295), 8, '0'))::uuid"
    )


def _uuid7_sql(cursor: Any) -> str:
    """A time-ordered UUID per row: new keys land at the right edge of the unique indexes."""
    if cursor.cursor.connection.info.server_version >= 180000:
        return "uuidv7()"
    # Unix milliseconds over the first 48 bits of a random UUID, version nibble set to 7.
    return """encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) PLACING
        substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
        FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid"""


def template_xlsx() -> bytes:
    """The import template: the headers, one example member and one relative."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Hồ sơ"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    example = {
        "ref": "DV-0001", "relation": SELF, "full_name": "Nguyễn Văn An", "sex": "Nam",
        "birth": "12/05/1980", "hometown": "Xã Tiên Du, Bắc Ninh", "ethnicity": "Kinh",
        "religion": "Không", "nationality": "Việt Nam", "classification": "Không mật",
        "current_posts": "Phó Chủ tịch UBND xã",
    }  # fmt: skip
    father = {"ref": "DV-0001", "relation": "Cha đẻ", "full_name": "Nguyễn Văn Bình",
              "sex": "Nam", "birth": "1952", "occupation": "Hưu trí"}  # fmt: skip
    for row in (example, father):
        sheet.append([row.get(key, "") for _, key, _, _ in COLUMNS])
    # Every column is text: typed into a number or date cell, a CCCD loses its leading 0 and
    # “05/1952” becomes a date.
    for index, (title, _, _, _) in enumerate(COLUMNS):
        letter = chr(ord("A") + index)
        sheet.column_dimensions[letter].width = max(12, len(title) + 4)
        sheet.column_dimensions[letter].number_format = "@"
        for cell in sheet[letter][1:]:
            cell.number_format = "@"
    # The accepted relations, for the officer filling the file in (only the first sheet is read).
    kinds = book.create_sheet("Danh mục quan hệ")
    kinds.append(["Quan hệ", "Cũng được viết", "Bên"])
    for cell in kinds[1]:
        cell.font = Font(bold=True)
    kinds.append([SELF, "", "Người được quản lý (một dòng mỗi mã hồ sơ)"])
    for kind in RelationKind.objects.all():
        aliases = ", ".join(a.strip() for a in kind.aliases.split(";") if a.strip())
        kinds.append([kind.name, aliases, kind.get_side_display()])
    for column, width in zip("ABC", (34, 60, 40), strict=True):
        kinds.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def report_json(report: ImportReport) -> str:
    return json.dumps(
        {
            "ok": report.ok,
            "dry_run": report.dry_run,
            "rows": report.rows,
            "dossiers": report.dossiers,
            "errors": [{"row": r, "column": c, "message": m} for r, c, m in report.errors],
            "error_count": report.error_count,
            "warnings": [{"row": r, "column": c, "message": m} for r, c, m in report.warnings],
            "warning_count": report.warning_count,
            "checked_at": report.checked_at.isoformat() if report.checked_at else None,
            "file_sha256": report.file_sha256,
            "check_id": str(report.check_id) if report.check_id else None,
            "existing": report.existing,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
        },
        ensure_ascii=False,
    )
