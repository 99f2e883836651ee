"""Declaration parsing (clean_content) against arbitrary input: it either returns a valid
declaration or raises DeclarationInvalid with paths, never anything else; and cleaning a
cleaned declaration changes nothing."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bvct.people.declarations import DeclarationInvalid, clean_content

KINDS = {"cha": 1, "me": 1, "vo-chong": 0, "con": -1, "anh-chi-em": 0}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
dates = st.one_of(
    st.sampled_from(
        [
            "",
            "1952",
            "05/1952",
            "12/05/1952",
            "1952-05-12",
            "31/02/1950",
            "13/1990",
            "0/0/0",
            "12/05/52",
            "năm 1952",
            " 1975 ",
        ]
    ),
    st.text(max_size=12),
    st.integers(),
    st.none(),
)
names = st.one_of(st.sampled_from(["Nguyễn Văn An", "Lê Thị Hoa", "", "  "]), st.text(max_size=30))
relative = st.fixed_dictionaries(
    {},
    optional={
        "relation": st.one_of(st.sampled_from([*KINDS, "ong-noi", ""]), json_values),
        "full_name": names,
        "birth": dates,
        "death": dates,
        "sex": st.sampled_from(["Nam", "Nữ", "M", "F", "", "x"]),
        "citizen_id": st.one_of(st.none(), st.text(alphabet="0123456789", max_size=13)),
        "person": st.one_of(st.none(), st.text(max_size=5)),
        "occupation": json_values,
    },
)
period = st.fixed_dictionaries(
    {},
    optional={
        "kind": json_values,
        "from": dates,
        "to": dates,
        "text": json_values,
        "country": json_values,
    },
)
declarations = st.fixed_dictionaries(
    {},
    optional={
        "identity": st.one_of(
            json_values,
            st.fixed_dictionaries(
                {},
                optional={
                    "full_name": names,
                    "birth": dates,
                    "sex": st.sampled_from(["Nam", "Nữ"]),
                    "citizen_id": st.one_of(st.none(), st.text("0123456789", max_size=12)),
                    "hometown": json_values,
                    "birthplace_ward": json_values,
                },
            ),
        ),
        "history": st.one_of(json_values, st.lists(period, max_size=3)),
        "political_events": st.one_of(json_values, st.lists(period, max_size=3)),
        "foreign_ties": st.one_of(json_values, st.lists(period, max_size=3)),
        "relatives": st.one_of(json_values, st.lists(relative, max_size=4)),
    },
)

# Mostly well-formed declarations, so the accepted path (and its idempotence) is exercised too.
good_dates = st.sampled_from(["", "1930", "05/1952", "12/05/1952", "2001-01-31", "2010"])
good_names = st.sampled_from(["Nguyễn Văn An", "Lê Thị Hoa", "Đặng  Thị  Ánh", " Hồ Văn Bé "])
near_valid = st.fixed_dictionaries(
    {
        "identity": st.fixed_dictionaries(
            {"full_name": good_names, "birth": good_dates},
            optional={"sex": st.sampled_from(["Nam", "Nữ", ""]), "hometown": st.text(max_size=20)},
        ),
        "relatives": st.lists(
            st.fixed_dictionaries(
                {"relation": st.sampled_from(list(KINDS)), "full_name": good_names},
                optional={
                    "birth": good_dates,
                    "death": good_dates,
                    "occupation": st.text(max_size=10),
                },
            ),
            max_size=4,
        ),
        "history": st.lists(
            st.fixed_dictionaries(
                {"from": good_dates, "to": good_dates, "text": st.text(max_size=15)}
            ),
            max_size=2,
        ),
    }
)

VALID: dict[str, Any] = {
    "identity": {"full_name": "Nguyễn Văn An", "birth": "12/05/1980", "sex": "Nam"},
    "history": [{"from": "1998", "to": "2002", "text": "Sinh viên"}],
    "political_events": [{"kind": "ORGANISATION", "from": "2005", "text": "Hội Nông dân"}],
    "foreign_ties": [{"kind": "TRIP", "from": "03/2015", "country": "Nhật Bản", "text": "Học"}],
    "relatives": [{"relation": "cha", "full_name": "Nguyễn Văn Bình", "birth": "1950"}],
}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(declarations, json_values, near_valid))
@example(VALID)
def test_any_input_is_cleaned_or_refused_with_paths(raw: Any) -> None:
    try:
        cleaned = clean_content(raw, relation_kinds=KINDS)
    except DeclarationInvalid as exc:
        assert exc.errors and all(
            isinstance(path, str) and isinstance(message, str) and message
            for path, message in exc.errors
        )
        return
    # What comes out is a declaration, and cleaning it again changes nothing.
    assert set(cleaned) >= {"identity", "history", "political_events", "foreign_ties", "relatives"}
    assert cleaned["identity"]["full_name"].strip()
    assert clean_content(cleaned, relation_kinds=KINDS) == cleaned


def test_the_valid_example_is_accepted() -> None:
    # The property above must not pass only by refusing everything.
    cleaned = clean_content(VALID, relation_kinds=KINDS)
    assert cleaned["relatives"][0]["full_name"] == "Nguyễn Văn Bình"
    assert cleaned["political_events"][0]["kind"] == "ORGANISATION"
