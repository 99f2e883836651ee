"""The import file's columns and the vocabulary every step of an import shares: the
template's headers, the staging tables, the report of problems per row."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

# The file's refusal, shared with every import (re-exported).
from bvct.core.errors import ImportFileError as ImportFileError
from bvct.core.text import normalize
from bvct.people.constants import SEX_WORDS
from bvct.people.models import ImportBatch

if TYPE_CHECKING:
    pass


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
