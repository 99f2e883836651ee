"""Step 2 of an import: every row checked in SQL. Values that repeat are read once per
distinct value by the forms' own functions into small map tables; one statement stages every
row with its problems; checks across rows and against existing dossiers follow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from bvct.core.constants import Classification
from bvct.core.text import normalize
from bvct.people.dates import PartialDate, PartialDateError
from bvct.people.identity import CitizenIdError, citizen_id_digits
from bvct.people.import_columns import (
    FREE_TEXT,
    KEYS,
    MEMBER_ONLY,
    RELATIVE_ONLY,
    SEP,
    SEXES,
    SIZE,
    TITLE,
    WHITESPACE,
    ImportReport,
    _norm,
)
from bvct.people.models import RelationKind
from bvct.people.places import ward_of
from bvct.people.services import hometown_key, name_fields

if TYPE_CHECKING:
    pass


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


def _problem(condition: str, key: str, message: str) -> str:
    return f"CASE WHEN {condition} THEN '{TITLE[key]}{SEP}' || {message} END"


# A staged row's values (import_rows, besides its row number and problems): everything the
# import writes comes from these and the dossier's state, so rows with the same values make
# the same dossier. A real import hashes each row's values as it stages them: the SHA-256 of
# the record in PostgreSQL's binary form (each value with its type and length: unambiguous,
# and no text printed, which would cost more than the hash). PostgreSQL's own, faster 64-bit
# record hash is linear in its columns' unkeyed hashes: an uploader could
# craft a row that collides with the stored one, and the next import of the true file would
# leave the forged dossier alone. Per dossier, the SHA-256 of its rows' hashes in the file's order (_apply).
STAGED = (
    "ref is_subject relation_id relation generation full_name name_norm family_norm given_norm "
    "name_sort sex birth birth_year birth_month birth_day birth_lo birth_hi death death_year "
    "death_month death_day citizen_id party_card_no birthplace birthplace_ward hometown "
    "hometown_norm hometown_ward residence ethnicity religion nationality occupation "
    "political_history current_situation death_details classification current_posts"
).split()


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
                  || ': mỗi người chỉ có một hồ sơ, hãy nhập vào hồ sơ đó',
                  p.id
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
                  || first_row, NULL::bigint
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
