"""The rule pack's typed interface: the shipped defaults, the schema's refusals, and the
committee arithmetic."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bvct.core.constants import Classification
from bvct.vetting.constants import (
    DECISION_KINDS,
    TIERS,
    CompetentBody,
    Outcome,
    RulePackStatus,
    Stage,
)
from bvct.vetting.defaults import DEFAULT_PACK_V1
from bvct.vetting.rules import (
    RulePackInvalid,
    RulePackMissing,
    Rules,
    parse_rules,
    rule_pack_current,
    rule_pack_get,
)


def pack(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(DEFAULT_PACK_V1)
    data.update(changes)
    return data


DEFAULTS = parse_rules(DEFAULT_PACK_V1, version=1, status=RulePackStatus.ACTIVE)


def test_every_shipped_rule_has_a_source_and_is_marked_to_confirm() -> None:
    for section, rules in DEFAULTS.by_section().items():
        assert rules, section
        for rule in rules:
            assert rule.source.strip(), section
            assert rule.to_confirm, section
    assert len(DEFAULTS.to_confirm()) == sum(len(r) for r in DEFAULTS.by_section().values())


def test_party_admission_needs_a_conclusion_only_with_a_declared_issue() -> None:
    needed, why = DEFAULTS.needs_conclusion("PARTY_ADMISSION", declared_issue=False)
    assert not needed and "chỉ cần kết luận khi có vấn đề chính trị" in why
    needed, why = DEFAULTS.needs_conclusion("PARTY_ADMISSION", declared_issue=True)
    assert needed and "đã khai có vấn đề chính trị" in why
    assert "phiên bản 1" in why


@pytest.mark.parametrize("kind", [k for k in DECISION_KINDS if k != "PARTY_ADMISSION"])
@pytest.mark.parametrize("declared", [True, False])
def test_the_other_decisions_always_need_one(kind: str, declared: bool) -> None:
    needed, why = DEFAULTS.needs_conclusion(kind, declared_issue=declared)
    assert needed
    assert str(DECISION_KINDS[kind]) in why


def test_a_kind_the_pack_does_not_know_is_answered_carefully() -> None:
    needed, why = DEFAULTS.needs_conclusion("SOMETHING_NEW", declared_issue=False)
    assert needed and "chưa có trong bộ quy tắc" in why


def test_a_never_rule_says_no() -> None:
    data = pack()
    data["conclusion_required"][1]["when"] = "NEVER"
    kind = data["conclusion_required"][1]["decision_kind"]
    needed, why = parse_rules(data).needs_conclusion(kind, declared_issue=True)
    assert not needed and "không cần" in why


def test_validity_and_deadlines_default_to_domain_values() -> None:
    import datetime as dt

    for kind in DECISION_KINDS:
        assert dt.date(2026, 8, 31) + DEFAULTS.validity(kind) == dt.date(2027, 2, 28)
    assert DEFAULTS.deadline_days(Stage.APPRAISAL) == 5
    assert DEFAULTS.deadline_days(Stage.APPRAISAL, complex=True) == 20
    for stage in Stage.values:
        assert DEFAULTS.deadline_days(stage) <= DEFAULTS.deadline_days(stage, complex=True)
    with pytest.raises(ValueError):
        DEFAULTS.deadline_days("CONCLUDED")


def test_verified_relations_and_categories() -> None:
    assert {"cha", "me", "vo-chong", "con"} <= DEFAULTS.verified_relations
    assert "anh-chi-em" not in DEFAULTS.verified_relations
    codes = [c.code for c in DEFAULTS.issue_categories]
    assert len(codes) == len(set(codes)) and "FOREIGN_STAY" in codes


def test_outcomes_caps() -> None:
    assert DEFAULTS.bars(Outcome.NO_ISSUE, tier="CENTRAL", is_management=True) is None
    assert DEFAULTS.bars(Outcome.NO_ISSUE, required_clearance=Classification.TUYET_MAT) is None
    for outcome in (Outcome.VIOLATION, Outcome.INSUFFICIENT):
        why = DEFAULTS.bars(outcome, tier="GRASSROOTS", decision_kind="ABROAD")
        assert why and "không đủ điều kiện" in why
    capped = Outcome.ISSUE_NO_VIOLATION
    assert DEFAULTS.bars(capped, tier="PROVINCE", is_management=True) is None
    why = DEFAULTS.bars(capped, tier="CENTRAL")
    assert why and "trung ương" in why and "58-QĐ/TW" in why
    assert DEFAULTS.bars(capped, decision_kind="NA_CANDIDACY")
    assert DEFAULTS.bars(capped, required_clearance=Classification.MAT) is None
    why = DEFAULTS.bars(capped, required_clearance=Classification.TOI_MAT)
    assert why and "Tối mật" in why


def test_management_posts_can_be_capped_apart() -> None:
    data = pack()
    data["outcomes"][1]["barred_management_tiers"] = ["COMMUNE"]
    rules = parse_rules(data)
    assert rules.bars(Outcome.ISSUE_NO_VIOLATION, tier="COMMUNE", is_management=False) is None
    why = rules.bars(Outcome.ISSUE_NO_VIOLATION, tier="COMMUNE", is_management=True)
    assert why and "lãnh đạo, quản lý" in why


def test_competent_body_kind() -> None:
    assert DEFAULTS.competent_body_kind("PROVINCE", "APPOINTMENT").body == (
        CompetentBody.PROVINCIAL_STANDING
    )
    assert DEFAULTS.competent_body_kind("COMMUNE", "APPOINTMENT").body == (
        CompetentBody.MANAGING_COMMITTEE
    )
    # The decision kind's rule wins over the post's tier.
    assert DEFAULTS.competent_body_kind("COMMUNE", "NA_CANDIDACY").body == (
        CompetentBody.PROVINCIAL_STANDING
    )
    assert DEFAULTS.competent_body_kind(None, "ABROAD") is DEFAULTS.body_default


def test_competent_body_resolves_to_a_committee(tree: Any) -> None:
    # A dossier kept by a cell: its nearest committee, or the province's.
    assert DEFAULTS.competent_body(tree.cell_a, "GRASSROOTS", "APPOINTMENT") == tree.grassroots_a
    assert DEFAULTS.competent_body(tree.cell_a, "PROVINCE", "APPOINTMENT") == tree.root
    assert DEFAULTS.competent_body(tree.committee_b, None, "ABROAD") == tree.committee_b
    # The board's dossiers: the committee above it.
    assert DEFAULTS.competent_body(tree.board, "COMMUNE", "APPOINTMENT") == tree.root


def test_committee_rules_are_the_charters() -> None:
    assert DEFAULTS.quorum_met(10, 15) and not DEFAULTS.quorum_met(9, 15)
    assert DEFAULTS.passed(8, 15) and not DEFAULTS.passed(7, 15)
    assert DEFAULTS.passed(6, 10) and not DEFAULTS.passed(5, 10)
    with pytest.raises(ValueError):
        DEFAULTS.quorum_met(16, 15)
    with pytest.raises(ValueError):
        DEFAULTS.passed(1, 0)


@given(members=st.integers(1, 500), data=st.data())
def test_quorum_is_two_thirds_of_members_and_passing_more_than_half(
    members: int, data: st.DataObject
) -> None:
    present = data.draw(st.integers(0, members))
    votes = data.draw(st.integers(0, members))
    assert DEFAULTS.quorum_met(present, members) == (3 * present >= 2 * members)
    assert DEFAULTS.passed(votes, members) == (2 * votes > members)
    # The fewest that make it, make it; one fewer does not.
    need = DEFAULTS.quorum_needed(members)
    assert DEFAULTS.quorum_met(need, members)
    assert need == 0 or not DEFAULTS.quorum_met(need - 1, members)
    votes_needed = DEFAULTS.votes_needed(members)
    assert votes_needed <= members and DEFAULTS.passed(votes_needed, members)
    assert not DEFAULTS.passed(votes_needed - 1, members)


@given(
    num=st.integers(1, 100),
    den=st.integers(1, 100),
    members=st.integers(1, 300),
    data=st.data(),
)
def test_any_fraction_is_applied_exactly(
    num: int, den: int, members: int, data: st.DataObject
) -> None:
    changed = pack()
    changed["committee"] = copy.deepcopy(changed["committee"])
    changed["committee"]["quorum"].update(numerator=num, denominator=den)
    if num > den:
        with pytest.raises(RulePackInvalid) as caught:
            parse_rules(changed)
        assert "committee.quorum.numerator" in caught.value.errors
        return
    rules = parse_rules(changed)
    present = data.draw(st.integers(0, members))
    assert rules.quorum_met(present, members) == (present / members >= num / den - 1e-12)


# --- the schema's refusals ------------------------------------------------------------------


def errors_of(data: Any) -> dict[str, list[str]]:
    with pytest.raises(RulePackInvalid) as caught:
        parse_rules(data)
    return caught.value.errors


def test_a_missing_rule_is_named() -> None:
    data = pack()
    data["validity"] = [v for v in data["validity"] if v["decision_kind"] != "ABROAD"]
    errors = errors_of(data)
    assert list(errors) == ["validity.ABROAD"]
    assert "Cử đi đào tạo" in errors["validity.ABROAD"][0]


def test_each_bad_field_gets_its_own_vietnamese_message() -> None:
    data = pack()
    data["deadlines"][0].update(days=0, complex_days=3)
    data["deadlines"][1]["source"] = "  "
    data["outcomes"][1]["barred_tiers"] = ["MOON"]
    data["outcomes"][2]["max_clearance"] = 7
    data["committee"]["passing"]["denominator"] = "2"
    data["issue_categories"].append({"code": "ARREST", "name": "", "source": "x", "to_confirm": 1})
    errors = errors_of(data)
    assert "từ 1 đến 365" in errors["deadlines.APPRAISAL.days"][0]
    assert "nguồn" in errors["deadlines.VERIFICATION.source"][0]
    assert "không hợp lệ" in errors["outcomes.ISSUE_NO_VIOLATION.barred_tiers"][0]
    assert "Mức mật" in errors["outcomes.VIOLATION.max_clearance"][0]
    assert "mẫu số" in errors["committee.passing.denominator"][0]
    n = len(DEFAULT_PACK_V1["issue_categories"])
    assert "bị lặp" in errors[f"issue_categories.{n}.code"][0]
    assert f"issue_categories.{n}.name" in errors
    assert f"issue_categories.{n}.to_confirm" in errors


def test_a_complex_deadline_shorter_than_the_normal_one_is_refused() -> None:
    data = pack()
    data["deadlines"][0].update(days=10, complex_days=5)
    assert "deadlines.APPRAISAL.complex_days" in errors_of(data)


def test_duplicates_and_unknown_codes_are_refused() -> None:
    data = pack()
    data["conclusion_required"].append(copy.deepcopy(data["conclusion_required"][0]))
    data["validity"][0]["decision_kind"] = "NOPE"
    errors = errors_of(data)
    assert "conclusion_required.PARTY_ADMISSION" in errors
    assert "validity.0.decision_kind" in errors
    assert "validity.PARTY_ADMISSION" in errors  # and then it is missing


@pytest.mark.parametrize("bad", [None, [], "text", {"schema": 2}])
def test_anything_that_is_not_a_pack_is_refused(bad: Any) -> None:
    assert errors_of(bad)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
        ),
        max_leaves=10,
    )
)
def test_garbage_is_refused_with_messages_never_a_crash(garbage: Any) -> None:
    with pytest.raises(RulePackInvalid) as caught:
        parse_rules(garbage)
    assert all(messages for messages in caught.value.errors.values())


@given(
    section=st.sampled_from(["deadlines", "validity", "outcomes", "conclusion_required"]),
    index=st.integers(0, 2),
    key=st.sampled_from(["days", "months", "covers", "when", "source", "to_confirm", "stage"]),
    value=st.none() | st.booleans() | st.integers(-5, 500) | st.text(max_size=3),
)
def test_one_changed_value_is_accepted_or_refused_at_its_place(
    section: str, index: int, key: str, value: Any
) -> None:
    data = pack()
    data[section] = copy.deepcopy(data[section])
    item = data[section][index]
    if key not in item:
        return
    item[key] = value
    try:
        parse_rules(data)
    except RulePackInvalid as exc:
        assert all(path.startswith(section) for path in exc.errors), exc.errors


# --- stored packs ---------------------------------------------------------------------------


def test_the_migration_seeds_the_defaults_as_the_active_version_1(db: Any) -> None:
    rules = rule_pack_current()
    assert isinstance(rules, Rules)
    assert rules.version == 1 and rules.status == RulePackStatus.ACTIVE
    assert rules.deadline_days(Stage.APPRAISAL) == 5
    assert rule_pack_get(1) is rules  # parsed once, kept per version
    with pytest.raises(RulePackMissing):
        rule_pack_get(999)


def test_the_current_pack_costs_one_query_once_parsed(
    db: Any, django_assert_num_queries: Any
) -> None:
    rule_pack_current()
    with django_assert_num_queries(1):
        rule_pack_current()


def test_a_published_pack_never_changes(db: Any) -> None:
    from django.db import DatabaseError, transaction

    from bvct.vetting.models import RulePack

    for change in (
        {"data": {"schema": 1}},
        {"status": RulePackStatus.DRAFT},
        {"version": 5},
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            RulePack.objects.filter(version=1).update(**change)
    with pytest.raises(DatabaseError), transaction.atomic():
        RulePack.objects.filter(version=1).delete()


def test_codes_agree_with_the_tiers_listed() -> None:
    assert list(TIERS) == ["CENTRAL", "PROVINCE", "COMMUNE", "GRASSROOTS"]


def test_codes_agree_with_the_positions_app() -> None:
    """vetting names decision kinds and tiers by positions' codes: the lists must agree."""
    from django.apps import apps

    if not apps.is_installed("bvct.positions"):
        pytest.skip("the positions app is not installed in this checkout")
    from bvct.positions import constants as positions  # type: ignore[import-not-found,unused-ignore]

    assert set(DECISION_KINDS) == set(positions.DecisionKind.values)
    assert list(TIERS) == list(positions.Tier.values)
