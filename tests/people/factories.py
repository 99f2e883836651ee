"""Declarations for tests, built as an officer would enter them; the dossier endpoints' callers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bvct.core.constants import Role
from bvct.people.identity import make_citizen_id
from tests.permission_matrix import Personas, make_personas

if TYPE_CHECKING:
    from tests.factories import Tree


def declaration(
    name: str = "Nguyễn Văn Hùng",
    birth: str = "12/05/1975",
    *,
    sex: str = "Nam",
    hometown: str = "xã Tiên Du, tỉnh Bắc Ninh",
    citizen_id: str | None = None,
    relatives: list[dict[str, Any]] | None = None,
    **identity: Any,
) -> dict[str, Any]:
    return {
        "identity": {
            "full_name": name,
            "birth": birth,
            "sex": sex,
            "hometown": hometown,
            "citizen_id": citizen_id,
            "ethnicity": "Kinh",
            "religion": "Không",
            "nationality": "Việt Nam",
            **identity,
        },
        "history": [
            {"from": "09/1993", "to": "06/1997", "text": "Sinh viên Đại học Bách khoa Hà Nội"}
        ],
        "political_events": [],
        "foreign_ties": [],
        "relatives": relatives
        if relatives is not None
        else [
            {"relation": "cha", "full_name": "Nguyễn Văn Bình", "birth": "1948", "sex": "Nam",
             "hometown": "xã Tiên Du, tỉnh Bắc Ninh", "political_history": "Bộ đội 1968–1975"},
            {"relation": "me", "full_name": "Trần Thị Lan", "birth": "1950", "sex": "Nữ"},
            {"relation": "vo-chong", "full_name": "Lê Thị Hoa", "birth": "1978", "sex": "Nữ"},
            {"relation": "con", "full_name": "Nguyễn Minh Anh", "birth": "2005", "sex": "Nữ"},
        ],
    }  # fmt: skip


# A relative declared in two dossiers by the same citizen ID: the link tests' father.
FATHER_ID = make_citizen_id("027", "M", 1948, 77)


def father(occupation: str = "") -> dict[str, str]:
    return {"relation": "cha", "full_name": "Nguyễn Văn Bình", "sex": "Nam", "birth": "1948",
            "citizen_id": FATHER_ID, "occupation": occupation}  # fmt: skip


def formset(prefix: str, rows: list[dict[str, str]]) -> dict[str, str]:
    """A page's formset as a browser posts it (declaration entry: relatives, history...)."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def officers(tree: Tree) -> Personas:
    """The permission matrix's callers for dossier endpoints: BVCTNB officers of commune A
    (allowed: Tuyệt mật; short of clearance: Mật), of commune B, and an agency officer."""
    return make_personas(
        role=Role.BVCT_OFFICER,
        org=tree.committee_a,
        other_org=tree.committee_b,
        agency_org=tree.agency,
        low_clearance="MAT",
    )
