"""Declarations for tests, built as an officer would enter them."""

from __future__ import annotations

from typing import Any


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
