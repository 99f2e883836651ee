"""Importing an organisation's dossiers from XLSX or CSV: all or nothing, idempotent, set-based.

1. The file is streamed row by row; each row is checked in Python (dates, citizen ID,
   relation, required fields) and every problem is kept with its row number.
2. Good rows go into a temporary staging table with PostgreSQL COPY; checks across rows (one
   member row per dossier, relatives' ages against the member's, dossiers of another
   organisation) are SQL statements over the whole staging table.
3. A dry run stops there and reports. A real run with any error writes nothing. Otherwise a
   few set-based statements upsert dossiers and persons and add a new declaration version
   only where the content changed, so importing the same file twice changes nothing.

The template (one row per person, Vietnamese headers) is :data:`COLUMNS`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePath
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction

from bvct.audit.constants import AuditAction
from bvct.audit.services import audit_record
from bvct.core.constants import Classification
from bvct.core.errors import PermissionDeniedError, ServiceError
from bvct.core.text import normalize
from bvct.orgs.selectors import org_by_code
from bvct.people.constants import SEX_WORDS
from bvct.people.dates import PartialDate, PartialDateError
from bvct.people.identity import CitizenIdError, check_citizen_id
from bvct.people.models import ImportBatch, RelationKind
from bvct.people.permissions import can_edit_dossiers_in
from bvct.people.services import name_fields

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

STAGING = """
DROP TABLE IF EXISTS import_rows, import_content;
CREATE TEMP TABLE import_rows (
    row_no int PRIMARY KEY, ref text, is_subject bool, relation_id int, relation text,
    generation int, full_name text, name_norm text, family_norm text, given_norm text,
    name_sort text COLLATE "C", sex text, birth text, birth_year int, birth_month int,
    birth_day int, birth_lo date, birth_hi date, death text, death_year int, death_month int,
    death_day int, citizen_id text, party_card_no text, birthplace text, hometown text,
    hometown_norm text, residence text, ethnicity text, religion text, nationality text,
    occupation text, political_history text, current_situation text, classification int,
    current_posts text, dossier_id bigint, person_id bigint, public_id uuid,
    existing bool NOT NULL DEFAULT false
) ON COMMIT DROP
"""
STAGING_COLUMNS = (
    "row_no ref is_subject relation_id relation generation full_name name_norm family_norm "
    "given_norm name_sort sex birth birth_year birth_month birth_day birth_lo birth_hi death "
    "death_year death_month death_day citizen_id party_card_no birthplace hometown hometown_norm "
    "residence ethnicity religion nationality occupation political_history current_situation "
    "classification current_posts"
).split()


class ImportFileError(ServiceError):
    """The file itself cannot be read (format, encoding, headers, size)."""

    code = "invalid_file"


@dataclass
class ImportReport:
    rows: int = 0
    dossiers: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # row, column, message
    error_count: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = True
    batch: ImportBatch | None = None

    def add(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append((row, column, message))

    @property
    def ok(self) -> bool:
        return self.error_count == 0


# --- reading files ----------------------------------------------------------------------


def _rows_csv(stream: IO[bytes]) -> Iterator[list[str]]:
    raw = stream.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            "Tệp CSV không phải mã UTF-8 (có thể là TCVN3, VNI hoặc Windows-1258). "
            "Hãy mở bằng Excel và lưu lại dạng “CSV UTF-8”.",
            field="file",
        ) from exc
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as exc:
        raise ImportFileError(
            f"Tệp CSV hỏng ở dòng {reader.line_num}: {exc}.", field="file"
        ) from exc


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


def read_rows(stream: IO[bytes], file_name: str) -> Iterator[list[str]]:
    suffix = PurePath(file_name).suffix.lower()
    if suffix == ".csv":
        return _rows_csv(stream)
    if suffix in (".xlsx", ".xlsm"):
        return _rows_xlsx(stream)
    raise ImportFileError(
        f"Không đọc được tệp “{file_name}”: chỉ nhận .xlsx hoặc .csv.", field="file"
    )


# --- checking one row --------------------------------------------------------------------


@lru_cache(maxsize=300_000)
def _names(full_name: str) -> tuple[str, str, str, str]:
    f = name_fields(full_name)
    return f["name_norm"], f["family_norm"], f["given_norm"], f["name_sort"]


def _relations() -> dict[str, tuple[int, str, int]]:
    """Accepted spellings of relations (code or name, without diacritics) → (id, code, gen)."""
    found: dict[str, tuple[int, str, int]] = {}
    for kind in RelationKind.objects.all():
        for spelling in (kind.code, kind.name, kind.code.replace("-", " ")):
            found[normalize(spelling)] = (kind.pk, kind.code, kind.generation)
    return found


SEXES = {**SEX_WORDS, "": ""}
# Values repeat across rows (relations, sexes, years, home towns): cache their checks.
_norm = lru_cache(maxsize=200_000)(normalize)


@lru_cache(maxsize=100_000)
def _date(text: str) -> PartialDate | str | None:
    """The date, or the error message (cached: a province has few distinct dates)."""
    try:
        return PartialDate.parse(text)
    except PartialDateError as exc:
        return str(exc)


# Free-text fields are copied as entered and their lengths checked in SQL after COPY (one
# statement per column over the whole staging table); the others are checked per row.
PARSED = {"relation", "sex", "birth", "death", "citizen_id", "classification"}
LENGTH_CHECKED = [(title, key, size) for title, key, _, size in COLUMNS if key not in PARSED]
REQUIRED = [(title, key) for title, key, required, _ in COLUMNS if required]


def _check_row(
    number: int,
    values: dict[str, str],
    relations: dict[str, tuple[int, str, int]],
    report: ImportReport,
) -> list[Any] | None:
    """Check one row; None (and its errors recorded) if it is bad, else the staging values."""
    bad = False

    def error(column: str, message: str) -> None:
        nonlocal bad
        bad = True
        report.add(number, column, message)

    for header, key in REQUIRED:
        if not values[key]:
            error(header, "không được để trống")
    for header, key, _, _ in COLUMNS:
        if "\x00" in values[key]:
            error(header, "có ký tự không hợp lệ (NUL)")
            values[key] = values[key].replace("\x00", "")
    relation_text = _norm(values["relation"])
    is_subject = relation_text in ("ban than", "")
    relation_id, relation_code, generation = None, "", 0
    if not is_subject:
        found = relations.get(relation_text)
        if found is None:
            error("Quan hệ", f"quan hệ “{values['relation']}” không có trong danh mục")
        else:
            relation_id, relation_code, generation = found
    sex = SEXES.get(_norm(values["sex"]))
    if sex is None:
        error("Giới tính", f"“{values['sex']}” không hợp lệ (Nam hoặc Nữ)")
    birth = _date(values["birth"])
    if isinstance(birth, str):
        error("Ngày sinh", birth)
        birth = None
    death = _date(values["death"])
    if isinstance(death, str):
        error("Ngày mất", death)
        death = None
    if is_subject and birth is None and values["birth"] == "":
        error("Ngày sinh", "cần ngày sinh của người được quản lý (ít nhất năm sinh)")
    if birth and death and death.surely_before(birth):
        error("Ngày mất", f"ngày mất ({death}) trước ngày sinh ({birth})")
    citizen_id = None
    if values["citizen_id"]:
        try:
            citizen_id = check_citizen_id(
                values["citizen_id"], birth_year=birth.year if birth else None, sex=sex or None
            )
        except CitizenIdError as exc:
            error("Số CCCD", str(exc))
    level = 0
    if values["classification"]:
        try:
            level = int(Classification.parse(values["classification"]))
        except ValueError:
            error(
                "Mức mật",
                f"“{values['classification']}” không hợp lệ (Không mật, Mật, Tối mật, Tuyệt mật)",
            )
    if bad:
        return None
    name_norm, family_norm, given_norm, name_sort = _names(values["full_name"])
    return [
        number, values["ref"], is_subject, relation_id, relation_code, generation,
        values["full_name"], name_norm, family_norm, given_norm, name_sort, sex,
        str(birth) if birth else "", *(_parts(birth)),
        birth.earliest() if birth else None, birth.latest() if birth else None,
        str(death) if death else "", *(_parts(death)), citizen_id, values["party_card_no"],
        values["birthplace"], values["hometown"], _norm(values["hometown"])[:300],
        values["residence"], values["ethnicity"], values["religion"], values["nationality"],
        values["occupation"], values["political_history"], values["current_situation"], level,
        values["current_posts"],
    ]  # fmt: skip


def _parts(date: PartialDate | None) -> tuple[int | None, int | None, int | None]:
    return (date.year, date.month, date.day) if date else (None, None, None)


# --- the import ---------------------------------------------------------------------------

CROSS_CHECKS = [
    (
        "Quan hệ",
        """SELECT min(row_no), 'mã hồ sơ “' || ref || '” không có dòng “Bản thân”'
           FROM import_rows GROUP BY ref HAVING count(*) FILTER (WHERE is_subject) = 0""",
    ),
    (
        "Quan hệ",
        """SELECT row_no, 'mã hồ sơ “' || ref || '” có nhiều hơn một dòng “Bản thân”'
           FROM (SELECT row_no, ref, row_number() OVER (PARTITION BY ref ORDER BY row_no) AS n
                 FROM import_rows WHERE is_subject) s
           WHERE n > 1""",
    ),
    (
        "Ngày sinh",
        """SELECT r.row_no, r.relation || ' sinh ' || r.birth || ', sau người được quản lý ('
                  || s.birth || '): bậc trên phải sinh trước'
           FROM import_rows r JOIN import_rows s ON s.ref = r.ref AND s.is_subject
           WHERE NOT r.is_subject AND r.generation > 0 AND s.birth_hi < r.birth_lo""",
    ),
    (
        "Ngày sinh",
        """SELECT r.row_no, 'con sinh ' || r.birth || ', trước người được quản lý ('
                  || s.birth || ')'
           FROM import_rows r JOIN import_rows s ON s.ref = r.ref AND s.is_subject
           WHERE NOT r.is_subject AND r.generation < 0 AND r.birth_hi < s.birth_lo""",
    ),
    (
        # An existing dossier above the uploader's clearance may not be rewritten by a file.
        "Mã hồ sơ",
        """SELECT min(r.row_no), 'bạn không được cập nhật hồ sơ có mã “' || r.ref || '”'
           FROM import_rows r JOIN people_dossier d
             ON d.managing_org_id = %(org)s AND d.import_ref = r.ref
           WHERE d.classification > %(clearance)s GROUP BY r.ref""",
    ),
    (
        "Mức mật",
        """SELECT row_no, 'mức mật cao hơn mức bạn được tiếp cận'
           FROM import_rows WHERE is_subject AND classification > %(clearance)s""",
    ),
]


def import_dossiers(
    *,
    actor: User | None,
    managing_org_code: str,
    stream: IO[bytes],
    file_name: str,
    dry_run: bool,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Check (dry run) or import a file of dossiers for one managing organisation."""
    org = org_by_code(managing_org_code, field="managing_org")
    if actor is not None and not can_edit_dossiers_in(actor, org.path, 0):
        raise PermissionDeniedError("Bạn không được nhập hồ sơ cho tổ chức này.")
    cap = settings.BVCT_IMPORT_MAX_BYTES
    data = stream.read(cap + 1)
    if len(data) > cap:
        raise ImportFileError(f"Tệp lớn hơn {cap // 1_000_000} MB; hãy chia nhỏ tệp.", field="file")
    digest = hashlib.sha256(data).hexdigest()
    rows = read_rows(io.BytesIO(data), file_name)
    header = next(rows, None)
    if header is None:
        raise ImportFileError("Tệp trống.", field="file")
    header = [h.strip() for h in header]
    missing = [h for h in HEADERS if h not in header]
    if missing:
        raise ImportFileError(
            "Thiếu cột: " + ", ".join(missing) + ". Hãy dùng tệp mẫu.", field="file"
        )
    positions = {key: header.index(title) for title, key, _, _ in COLUMNS}
    relations = _relations()
    report = ImportReport(dry_run=dry_run)
    limit = settings.BVCT_IMPORT_MAX_ROWS
    with transaction.atomic(durable=True):
        with connection.cursor() as cursor:
            cursor.execute(STAGING)
            with cursor.cursor.copy(
                f"COPY import_rows ({', '.join(STAGING_COLUMNS)}) FROM STDIN"
            ) as copy:
                keys = [key for _, key, _, _ in COLUMNS]
                index = [positions[key] for key in keys]
                width = max(index) + 1
                for number, raw in enumerate(rows, start=2):
                    if not any(cell.strip() for cell in raw):
                        continue
                    report.rows += 1
                    if report.rows > limit:
                        raise ImportFileError(
                            f"Tệp có hơn {limit:,} dòng dữ liệu; hãy chia nhỏ tệp.".replace(
                                ",", "."
                            ),
                            field="file",
                        )
                    if len(raw) < width:
                        raw = raw + [""] * (width - len(raw))
                    values = dict(zip(keys, [raw[i].strip() for i in index], strict=True))
                    line = _check_row(number, values, relations, report)
                    if line is not None:
                        copy.write_row(line)  # encoded by psycopg (C), not field by field here
                    if progress and report.rows % 20000 == 0:
                        progress(report.rows)
            cursor.execute("CREATE INDEX ON import_rows (ref, is_subject)")
            cursor.execute("ANALYZE import_rows")
            for title, key, size in LENGTH_CHECKED:
                cursor.execute(f"SELECT row_no FROM import_rows WHERE length({key}) > %s", [size])
                for (row_no,) in cursor.fetchall():
                    report.add(row_no, title, f"dài quá {size} ký tự")
            params = {"org": org.pk, "clearance": actor.clearance if actor else 3}
            for column, sql in CROSS_CHECKS:
                cursor.execute(sql, params)
                for row_no, message in cursor.fetchall():
                    report.add(row_no, column, message)
            cursor.execute("SELECT count(DISTINCT ref) FROM import_rows")
            report.dossiers = cursor.fetchone()[0]
        report.errors.sort()
        if report.rows == 0:
            raise ImportFileError("Tệp không có dòng dữ liệu nào.", field="file")
        if dry_run or not report.ok:
            transaction.set_rollback(True)
            return report
        _apply(actor, org, report, file_name, digest)
    return report


def _apply(actor: User | None, org: Any, report: ImportReport, file_name: str, digest: str) -> None:
    """The set-based upserts (inside the import's transaction, after every check passed)."""
    with connection.cursor() as c:
        c.execute("LOCK TABLE people_dossier IN SHARE ROW EXCLUSIVE MODE")
        # Rows of dossiers that exist already: only they can match or retire earlier persons.
        c.execute(
            """UPDATE import_rows s SET existing = true FROM people_dossier d
               WHERE d.managing_org_id = %s AND d.import_ref = s.ref""",
            [org.pk],
        )
        # 1. Dossiers: new references get new dossiers.
        c.execute(
            """
            INSERT INTO people_dossier (public_id, created_at, updated_at, version, managing_org_id,
                org_path, classification, current_posts, status, declaration_count, import_ref)
            SELECT gen_random_uuid(), now(), now(), 1, %(org)s, %(path)s, s.classification,
                   s.current_posts, 'ACTIVE', 0, s.ref
            FROM import_rows s
            WHERE s.is_subject AND NOT EXISTS (
                SELECT 1 FROM people_dossier d WHERE d.managing_org_id = %(org)s AND d.import_ref = s.ref)
            """,
            {"org": org.pk, "path": org.path},
        )
        report.created = c.rowcount
        c.execute(
            """UPDATE import_rows s SET dossier_id = d.id FROM people_dossier d
               WHERE d.managing_org_id = %s AND d.import_ref = s.ref""",
            [org.pk],
        )
        c.execute("CREATE INDEX ON import_rows (dossier_id)")
        c.execute("ANALYZE import_rows")
        # 2. Persons. The subject is the dossier's subject. A relative is the n-th existing
        #    person of the same relation, name and birth year when it is the n-th such row of
        #    the file (one to one, so two same-named siblings born the same year stay two).
        c.execute(
            """UPDATE import_rows s SET person_id = p.id, public_id = p.public_id
               FROM people_person p
               WHERE s.existing AND s.is_subject AND p.dossier_id = s.dossier_id AND p.is_subject"""
        )
        c.execute(
            """
            UPDATE import_rows s SET person_id = m.id, public_id = m.public_id FROM (
                SELECT r.row_no, p.id, p.public_id
                FROM (SELECT row_no, dossier_id, relation_id, name_norm, birth_year,
                             row_number() OVER (PARTITION BY dossier_id, relation_id, name_norm,
                                                birth_year ORDER BY row_no) AS k
                      FROM import_rows WHERE NOT is_subject AND existing) r
                JOIN (SELECT id, public_id, dossier_id, relation_id, name_norm, birth_year,
                             row_number() OVER (PARTITION BY dossier_id, relation_id, name_norm,
                                                birth_year ORDER BY declared DESC, id) AS k
                      FROM people_person
                      WHERE NOT is_subject
                        AND dossier_id IN (SELECT dossier_id FROM import_rows WHERE existing)) p
                  ON p.dossier_id = r.dossier_id AND p.relation_id = r.relation_id
                 AND p.name_norm = r.name_norm AND p.k = r.k
                 AND p.birth_year IS NOT DISTINCT FROM r.birth_year
            ) m WHERE m.row_no = s.row_no
            """
        )
        # New persons get ids from one block reserved on the sequence (not nextval per row),
        # with inserts by others held off meanwhile so nobody takes an id inside the block.
        c.execute("LOCK TABLE people_person IN SHARE ROW EXCLUSIVE MODE")
        c.execute("SELECT count(*) FROM import_rows WHERE person_id IS NULL")
        new_persons = c.fetchone()[0]
        if new_persons:
            c.execute(
                """SELECT setval(pg_get_serial_sequence('people_person', 'id'),
                          nextval(pg_get_serial_sequence('people_person', 'id')) + %s)""",
                [new_persons],
            )
            last = c.fetchone()[0]
            c.execute(
                """UPDATE import_rows s SET person_id = %s + n.k, public_id = gen_random_uuid() FROM (
                       SELECT row_no, row_number() OVER (ORDER BY row_no) AS k
                       FROM import_rows WHERE person_id IS NULL) n
                   WHERE s.row_no = n.row_no""",
                [last - new_persons],
            )
        person_fields = (
            "full_name, name_norm, family_norm, given_norm, name_sort, sex, birth_year, birth_month, "
            "birth_day, death_year, death_month, death_day, citizen_id, party_card_no, birthplace, "
            "hometown, hometown_norm, residence, ethnicity, religion, nationality, occupation"
        )
        c.execute(
            f"""
            INSERT INTO people_person (id, public_id, dossier_id, is_subject, relation_id, declared,
                other_names, org_path, classification, {person_fields})
            SELECT s.person_id, s.public_id, s.dossier_id, s.is_subject, s.relation_id, true,
                   '', d.org_path, d.classification, {", ".join("s." + f.strip() for f in person_fields.split(","))}
            FROM import_rows s JOIN people_dossier d ON d.id = s.dossier_id
            ON CONFLICT (id) DO UPDATE SET declared = true,
                {", ".join(f"{f.strip()} = EXCLUDED.{f.strip()}" for f in person_fields.split(","))}
            WHERE ({", ".join("people_person." + f.strip() for f in person_fields.split(","))}, people_person.declared)
                IS DISTINCT FROM ({", ".join("EXCLUDED." + f.strip() for f in person_fields.split(","))}, true)
            """
        )
        c.execute(
            """UPDATE people_person p SET declared = false
               WHERE p.dossier_id IN (SELECT dossier_id FROM import_rows WHERE existing)
                 AND p.declared AND NOT EXISTS (SELECT 1 FROM import_rows s WHERE s.person_id = p.id)"""
        )
        # 3. Declarations: the new content of each dossier; a version only where it changed.
        c.execute(
            """
            CREATE TEMP TABLE import_content ON COMMIT DROP AS
            WITH rel AS (
                SELECT r.dossier_id, jsonb_agg(jsonb_build_object(
                    'person', r.public_id, 'relation', r.relation, 'full_name', r.full_name,
                    'sex', r.sex, 'birth', r.birth, 'death', r.death, 'citizen_id', r.citizen_id,
                    'birthplace', r.birthplace, 'hometown', r.hometown, 'residence', r.residence,
                    'occupation', r.occupation, 'religion', r.religion,
                    'ethnicity', r.ethnicity, 'nationality', r.nationality,
                    'political_history', r.political_history,
                    'current_situation', r.current_situation, 'death_details', '')
                    ORDER BY r.row_no) AS relatives
                FROM import_rows r
                WHERE NOT r.is_subject
                GROUP BY r.dossier_id
            )
            SELECT s.dossier_id, jsonb_build_object(
                'identity', jsonb_build_object(
                    'full_name', s.full_name, 'sex', s.sex, 'birth', s.birth, 'death', s.death,
                    'citizen_id', s.citizen_id, 'other_names', '', 'birthplace', s.birthplace,
                    'hometown', s.hometown, 'residence', s.residence, 'ethnicity', s.ethnicity,
                    'religion', s.religion, 'nationality', s.nationality,
                    'party_card_no', s.party_card_no, 'occupation', s.occupation,
                    'education', coalesce(cur.content #>> '{identity,education}', ''),
                    'birthplace_ward', cur.content #> '{identity,birthplace_ward}',
                    'hometown_ward', cur.content #> '{identity,hometown_ward}'),
                'history', coalesce(cur.content -> 'history', '[]'::jsonb),
                'political_events', coalesce(cur.content -> 'political_events', '[]'::jsonb),
                'foreign_ties', coalesce(cur.content -> 'foreign_ties', '[]'::jsonb),
                'relatives', coalesce(rel.relatives, '[]'::jsonb)
            ) AS content, cur.id AS current_id
            FROM import_rows s
            LEFT JOIN rel ON rel.dossier_id = s.dossier_id
            -- one index lookup per dossier (never a scan of every stored declaration)
            LEFT JOIN LATERAL (
                SELECT d.id, d.content FROM people_declaration d
                WHERE d.dossier_id = s.dossier_id AND d.status = 'SUBMITTED'
            ) cur ON true
            WHERE s.is_subject
            """
        )
        c.execute(
            """DELETE FROM import_content n WHERE n.current_id IS NOT NULL
               AND n.content = (SELECT d.content FROM people_declaration d WHERE d.id = n.current_id)"""
        )
        c.execute("SELECT count(*) FROM import_content")
        changed = c.fetchone()[0]
        report.unchanged = report.dossiers - changed
        report.updated = changed - report.created
        c.execute(
            """UPDATE people_declaration SET status = 'SUPERSEDED'
               WHERE id IN (SELECT current_id FROM import_content WHERE current_id IS NOT NULL)"""
        )
        c.execute(
            """
            INSERT INTO people_declaration (public_id, dossier_id, number, status, content,
                submitted_at, submitted_by, submitted_by_username)
            SELECT gen_random_uuid(), n.dossier_id, d.declaration_count + 1, 'SUBMITTED', n.content,
                   now(), %s, %s
            FROM import_content n JOIN people_dossier d ON d.id = n.dossier_id
            """,
            [actor.public_id if actor else None, actor.username if actor else "import"],
        )
        c.execute(
            """UPDATE people_dossier d SET declaration_count = d.declaration_count + 1,
                      version = d.version + 1, updated_at = now()
               WHERE d.id IN (SELECT dossier_id FROM import_content)"""
        )
        # 4. Name words, proposed links, and the record of the batch.
        c.execute(
            """INSERT INTO people_nametoken (token, freq)
               SELECT t, count(*) FROM import_rows, unnest(string_to_array(name_norm, ' ')) t
               WHERE t <> '' GROUP BY t
               ON CONFLICT (token) DO UPDATE SET freq = people_nametoken.freq + EXCLUDED.freq"""
        )
        batch = ImportBatch.objects.create(
            managing_org=org,
            file_name=file_name[:255],
            file_sha256=digest,
            rows=report.rows,
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
            actor=actor.public_id if actor else None,
            actor_username=actor.username if actor else "",
        )
        c.execute(
            """INSERT INTO people_importbatchitem (batch_id, dossier_id, outcome)
               SELECT %s, n.dossier_id, CASE WHEN n.current_id IS NULL THEN 'created' ELSE 'updated' END
               FROM import_content n""",
            [batch.pk],
        )
        c.execute("SELECT array_agg(person_id) FROM import_rows")
        person_ids = c.fetchone()[0] or []
    from bvct.people.services import links_propose

    links = links_propose(person_ids)
    report.batch = batch
    audit_record(
        actor=actor,
        action=AuditAction.DOSSIER_IMPORT,
        object_type="people.importbatch",
        object_id=str(batch.public_id),
        object_label=file_name[:300],
        org=org,
        after={
            "file_sha256": digest,
            "rows": report.rows,
            "dossiers": report.dossiers,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "links_proposed": links,
        },
    )


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
    for index, (title, _, _, _) in enumerate(COLUMNS):
        sheet.column_dimensions[chr(ord("A") + index)].width = max(12, len(title) + 4)
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
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
        },
        ensure_ascii=False,
    )
