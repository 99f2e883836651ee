"""The rule pack: the procedure's rules as data, read through one typed interface.

A pack (``models.RulePack``) holds its rules as JSON; :func:`parse_rules` checks that JSON
against the schema below and gives a :class:`Rules`, which answers the questions the
procedure asks (does this decision need a conclusion, how long is a conclusion valid, which
deadline runs, what does an outcome bar, which committee concludes, is the quorum met). Every
rule carries its ``source`` (where it comes from) and ``to_confirm`` (a shipped default nobody
has confirmed yet). Nothing here judges a person: the rules only say which procedure applies
(DOMAIN.md §1).

Decision kinds and post tiers are codes of the positions app, kept as plain strings
(``vetting.constants.DECISION_KINDS`` and ``TIERS``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext_lazy as _

from bvct.core.constants import Classification
from bvct.core.errors import ValidationFailed
from bvct.vetting.constants import (
    DECISION_KINDS,
    TIERS,
    CompetentBody,
    Outcome,
    Requirement,
    RulePackStatus,
    Stage,
)

if TYPE_CHECKING:
    from bvct.orgs.models import Organisation

SCHEMA = 1
MAX_SOURCE = 500
MAX_MONTHS = 120
MAX_DAYS = 365
MAX_NAME = 200

# The sections of a pack, in the order pages show them, with their titles.
SECTIONS: dict[str, Any] = {
    "conclusion_required": _("Quyết định cần kết luận tiêu chuẩn chính trị"),
    "verified_relations": _("Thân nhân được thẩm tra"),
    "validity": _("Thời hạn có giá trị của kết luận"),
    "deadlines": _("Thời hạn các bước (ngày làm việc)"),
    "competent_body": _("Cấp ủy có thẩm quyền kết luận"),
    "outcomes": _("Kết luận và giới hạn của từng loại"),
    "issue_categories": _("Loại vấn đề chính trị"),
    "committee": _("Hội nghị cấp ủy: số dự, biểu quyết"),
}


# --- the typed rules ----------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """What every rule carries: where it comes from, and whether it is a default to confirm."""

    source: str
    to_confirm: bool


@dataclass(frozen=True)
class ConclusionRule(Rule):
    decision_kind: str
    when: str  # Requirement


@dataclass(frozen=True)
class RelationsRule(Rule):
    codes: tuple[str, ...]  # people.RelationKind codes


@dataclass(frozen=True)
class ValidityRule(Rule):
    decision_kind: str
    months: int


@dataclass(frozen=True)
class DeadlineRule(Rule):
    stage: str  # Stage
    days: int
    complex_days: int  # when the case is complex or started by a complaint


@dataclass(frozen=True)
class BodyRule(Rule):
    body: str  # CompetentBody
    tier: str = ""
    decision_kind: str = ""


@dataclass(frozen=True)
class OutcomeRule(Rule):
    outcome: str  # Outcome
    covers: bool  # False: a conclusion with this outcome covers no decision at all
    barred_tiers: tuple[str, ...]  # posts of these tiers
    barred_management_tiers: tuple[str, ...]  # leadership/management posts of these tiers
    barred_decision_kinds: tuple[str, ...]
    max_clearance: int | None  # catalogue entries requiring more than this are barred


@dataclass(frozen=True)
class IssueCategory(Rule):
    code: str
    name: str


@dataclass(frozen=True)
class FractionRule(Rule):
    numerator: int
    denominator: int


@dataclass(frozen=True)
class Rules:
    """One version of the rule pack, checked; the procedure's questions as methods."""

    version: int
    status: str
    conclusion_required: Mapping[str, ConclusionRule]
    relations: RelationsRule
    validity_rules: Mapping[str, ValidityRule]
    deadlines: Mapping[str, DeadlineRule]
    body_default: BodyRule
    body_by_tier: Mapping[str, BodyRule]
    body_by_kind: Mapping[str, BodyRule]
    outcomes: Mapping[str, OutcomeRule]
    categories: tuple[IssueCategory, ...]
    quorum: FractionRule
    passing: FractionRule
    data: Mapping[str, Any] = field(repr=False, compare=False, default_factory=dict)

    # -- which decisions need a conclusion

    def needs_conclusion(self, kind: str, *, declared_issue: bool) -> tuple[bool, str]:
        """Whether a decision of ``kind`` needs a conclusion, and why (in words)."""
        label = _kind_label(kind)
        rule = self.conclusion_required.get(kind)
        if rule is None:
            # A kind the pack does not know: the careful answer, said as such.
            return True, (
                f"Loại quyết định “{label}” chưa có trong bộ quy tắc phiên bản {self.version}: "
                "cần kết luận."
            )
        where = f"(bộ quy tắc phiên bản {self.version}; nguồn: {rule.source})"
        if rule.when == Requirement.ALWAYS:
            return True, f"“{label}” luôn cần kết luận tiêu chuẩn chính trị {where}."
        if rule.when == Requirement.NEVER:
            return False, f"“{label}” không cần kết luận tiêu chuẩn chính trị {where}."
        if declared_issue:
            return True, (
                f"“{label}” cần kết luận vì người được đề nghị đã khai có vấn đề chính trị {where}."
            )
        return False, (
            f"“{label}” chỉ cần kết luận khi có vấn đề chính trị; hồ sơ không khai vấn đề nào "
            f"{where}."
        )

    # -- how long a conclusion stays valid

    def validity_months(self, kind: str) -> int:
        rule = self.validity_rules.get(kind)
        if rule is None:
            raise ValueError(f"unknown decision kind {kind!r}")
        return rule.months

    def validity(self, kind: str) -> relativedelta:
        """How long a conclusion stays valid for a decision of ``kind`` (add it to its date)."""
        return relativedelta(months=self.validity_months(kind))

    # -- deadlines

    def deadline_days(self, stage: str, *, complex: bool = False) -> int:
        """Working days a stage may take (``complex``: complex or started by a complaint)."""
        rule = self.deadlines.get(stage)
        if rule is None:
            raise ValueError(f"stage without a deadline: {stage!r}")
        return rule.complex_days if complex else rule.days

    # -- what an outcome bars

    def bars(
        self,
        outcome: str,
        *,
        tier: str | None = None,
        is_management: bool = False,
        decision_kind: str | None = None,
        required_clearance: int | None = None,
    ) -> str | None:
        """Why a conclusion with ``outcome`` cannot cover this decision; None when it can."""
        rule = self.outcomes.get(outcome)
        if rule is None:
            raise ValueError(f"unknown outcome {outcome!r}")
        said = f"Kết luận “{Outcome(outcome).label}”"
        where = f" (nguồn: {rule.source})"
        if not rule.covers:
            return f"{said} không đủ điều kiện cho quyết định nào{where}."
        if tier and tier in rule.barred_tiers:
            return f"{said} không được bố trí chức vụ {_tier_label(tier)}{where}."
        if tier and is_management and tier in rule.barred_management_tiers:
            return f"{said} không được bố trí chức vụ lãnh đạo, quản lý {_tier_label(tier)}{where}."
        if decision_kind and decision_kind in rule.barred_decision_kinds:
            return f"{said} không được xem xét “{_kind_label(decision_kind)}”{where}."
        if (
            required_clearance is not None
            and rule.max_clearance is not None
            and int(required_clearance) > rule.max_clearance
        ):
            level = Classification(int(required_clearance)).label
            return (
                f"{said} không được bố trí vào vị trí trọng yếu, cơ mật yêu cầu mức "
                f"“{level}”{where}."
            )
        return None

    # -- relations and categories

    @property
    def verified_relations(self) -> frozenset[str]:
        """Codes of the relations (people.RelationKind) that verification covers."""
        return frozenset(self.relations.codes)

    @property
    def issue_categories(self) -> tuple[IssueCategory, ...]:
        return self.categories

    # -- who concludes

    def competent_body_kind(self, tier: str | None, decision_kind: str | None) -> BodyRule:
        """The rule naming the competent body: the decision kind's, else the post tier's, else
        the default."""
        if decision_kind and decision_kind in self.body_by_kind:
            return self.body_by_kind[decision_kind]
        if tier and tier in self.body_by_tier:
            return self.body_by_tier[tier]
        return self.body_default

    def competent_body(
        self, dossier_org: Organisation, tier: str | None, decision_kind: str | None
    ) -> Organisation:
        """The committee that concludes for a dossier kept by ``dossier_org``: the provincial
        committee (the topmost committee above it) or the committee that manages the dossier
        (the nearest committee at or above it; a board's dossiers belong to the committee it
        serves)."""
        from bvct.orgs.models import Organisation
        from bvct.orgs.querysets import ancestor_paths

        body = self.competent_body_kind(tier, decision_kind).body
        paths = [*ancestor_paths(dossier_org.path), dossier_org.path]
        committees = Organisation.objects.filter(path__in=paths, kind__is_committee=True)
        order = "depth" if body == CompetentBody.PROVINCIAL_STANDING else "-depth"
        found = committees.order_by(order).first()
        if found is None:
            raise ValidationFailed(
                f"Không xác định được {CompetentBody(body).label} cho hồ sơ của "
                f"“{dossier_org.name}”: không có cấp ủy nào ở cấp này hoặc cấp trên."
            )
        return found

    # -- how a committee decides

    def quorum_met(self, present: int, members: int) -> bool:
        """At least the quorum's fraction of the members attend."""
        _check_count(present, members)
        return present * self.quorum.denominator >= members * self.quorum.numerator

    def passed(self, votes_for: int, members: int) -> bool:
        """More than the passing fraction of *all* the body's members vote for."""
        _check_count(votes_for, members)
        return votes_for * self.passing.denominator > members * self.passing.numerator

    def quorum_needed(self, members: int) -> int:
        """The fewest members present that make a quorum."""
        n, d = self.quorum.numerator, self.quorum.denominator
        return -(-members * n // d)

    def votes_needed(self, members: int) -> int:
        """The fewest votes for that pass."""
        n, d = self.passing.numerator, self.passing.denominator
        return members * n // d + 1

    # -- the pack as a whole

    def to_confirm(self) -> list[tuple[str, Rule]]:
        """Every rule still marked to confirm, with its section."""
        found: list[tuple[str, Rule]] = []
        for name, rules in self.by_section().items():
            found += [(name, r) for r in rules if r.to_confirm]
        return found

    def by_section(self) -> dict[str, list[Rule]]:
        return {
            "conclusion_required": list(self.conclusion_required.values()),
            "verified_relations": [self.relations],
            "validity": list(self.validity_rules.values()),
            "deadlines": list(self.deadlines.values()),
            "competent_body": [
                self.body_default,
                *self.body_by_tier.values(),
                *self.body_by_kind.values(),
            ],
            "outcomes": list(self.outcomes.values()),
            "issue_categories": list(self.categories),
            "committee": [self.quorum, self.passing],
        }


def _check_count(count: int, members: int) -> None:
    if members < 1 or count < 0 or count > members:
        raise ValueError(f"count {count} of {members} members")


def _kind_label(kind: str) -> str:
    return str(DECISION_KINDS.get(kind, kind))


def _tier_label(tier: str) -> str:
    return str(TIERS.get(tier, tier)).lower()


# --- checking a pack's data ---------------------------------------------------------------


class RulePackInvalid(ValidationFailed):
    """A pack's data that does not fit the schema: every problem, each at its place."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        first = next(iter(errors.values()))[0] if errors else ""
        super().__init__(f"Bộ quy tắc không hợp lệ: {first}", field=next(iter(errors), None))
        self.errors = errors


class _Errors:
    def __init__(self) -> None:
        self.found: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        self.found.setdefault(path, []).append(message)


def _obj(value: Any, path: str, errs: _Errors, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        errs.add(path, f"{what}: thiếu hoặc không đúng dạng.")
        return {}
    return value


def _list(value: Any, path: str, errs: _Errors, what: str) -> list[Any]:
    if not isinstance(value, list):
        errs.add(path, f"{what}: thiếu hoặc không đúng dạng danh sách.")
        return []
    return value


def _int(
    item: dict[str, Any], key: str, path: str, errs: _Errors, what: str, lo: int, hi: int
) -> int:
    value = item.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        errs.add(f"{path}.{key}", f"{what} phải là số nguyên từ {lo} đến {hi}.")
        return lo
    return value


def _bool(item: dict[str, Any], key: str, path: str, errs: _Errors, what: str) -> bool:
    value = item.get(key)
    if not isinstance(value, bool):
        errs.add(f"{path}.{key}", f"{what}: phải là có hoặc không.")
        return False
    return value


def _code(
    item: dict[str, Any], key: str, path: str, errs: _Errors, what: str, allowed: Iterable[str]
) -> str:
    value = item.get(key)
    allowed = list(allowed)
    if value not in allowed:
        errs.add(f"{path}.{key}", f"{what} không hợp lệ.")
        return allowed[0]
    return str(value)


def _codes(
    item: dict[str, Any], key: str, path: str, errs: _Errors, what: str, allowed: Iterable[str]
) -> tuple[str, ...]:
    value = item.get(key)
    allowed = list(allowed)
    if not isinstance(value, list) or any(v not in allowed for v in value):
        errs.add(f"{path}.{key}", f"{what}: có mục không hợp lệ.")
        return ()
    if len(set(value)) != len(value):
        errs.add(f"{path}.{key}", f"{what}: có mục bị lặp.")
    return tuple(v for v in allowed if v in value)  # in the list's own order


def _meta(item: dict[str, Any], path: str, errs: _Errors) -> dict[str, Any]:
    source = item.get("source")
    if not isinstance(source, str) or not source.strip():
        errs.add(f"{path}.source", "Cần ghi nguồn của quy tắc (văn bản, điều khoản hoặc lý do).")
        source = ""
    elif len(source) > MAX_SOURCE:
        errs.add(f"{path}.source", f"Nguồn quá dài (tối đa {MAX_SOURCE} ký tự).")
    return {
        "source": source.strip(),
        "to_confirm": _bool(item, "to_confirm", path, errs, "Mặc định cần xác nhận"),
    }


def _keyed(
    items: list[Any],
    key: str,
    path: str,
    errs: _Errors,
    allowed: Mapping[str, Any],
    what: str,
    make: Callable[[dict[str, Any], str], Rule],
    *,
    complete: bool = True,
) -> dict[str, Any]:
    """A section with one rule per code of ``allowed`` (each once; all of them if complete)."""
    found: dict[str, Any] = {}
    for i, raw in enumerate(items):
        item = _obj(raw, f"{path}.{i}", errs, what)
        raw_code = item.get(key)
        if not isinstance(raw_code, str) or raw_code not in allowed:
            errs.add(f"{path}.{i}.{key}", f"{what}: mã không hợp lệ ({raw_code!r}).")
            continue
        code = raw_code
        if code in found:
            errs.add(f"{path}.{code}", f"{what} “{allowed[code]}” có hai quy tắc.")
            continue
        found[code] = make(item, f"{path}.{code}")
    if complete:
        for code, label in allowed.items():
            if code not in found:
                errs.add(f"{path}.{code}", f"Thiếu quy tắc cho {what.lower()} “{label}”.")
    return {code: found[code] for code in allowed if code in found}


def parse_rules(data: Any, *, version: int = 0, status: str = RulePackStatus.DRAFT) -> Rules:
    """The pack's data checked against the schema, as :class:`Rules`; RulePackInvalid naming
    each problem (a dotted path, e.g. ``deadlines.APPRAISAL.days``) otherwise."""
    errs = _Errors()
    data = _obj(data, "schema", errs, "Bộ quy tắc")
    if data and data.get("schema") != SCHEMA:
        errs.add("schema", f"Phiên bản cấu trúc bộ quy tắc phải là {SCHEMA}.")
    kinds = {k: str(v) for k, v in DECISION_KINDS.items()}
    tiers = {k: str(v) for k, v in TIERS.items()}

    def conclusion(item: dict[str, Any], path: str) -> Rule:
        when = _code(item, "when", path, errs, "Điều kiện", Requirement.values)
        return ConclusionRule(
            decision_kind=item["decision_kind"], when=when, **_meta(item, path, errs)
        )

    required = _keyed(
        _list(
            data.get("conclusion_required"), "conclusion_required", errs, "Quyết định cần kết luận"
        ),
        "decision_kind",
        "conclusion_required",
        errs,
        kinds,
        "Loại quyết định",
        conclusion,
    )

    rel = _obj(
        data.get("verified_relations"), "verified_relations", errs, "Thân nhân được thẩm tra"
    )
    codes = rel.get("codes")
    if not isinstance(codes, list) or not all(
        isinstance(c, str) and c.strip() and len(c) <= 40 for c in codes
    ):
        errs.add("verified_relations.codes", "Danh sách quan hệ được thẩm tra không hợp lệ.")
        codes = []
    elif len(set(codes)) != len(codes):
        errs.add("verified_relations.codes", "Danh sách quan hệ được thẩm tra có mục bị lặp.")
    relations = RelationsRule(codes=tuple(codes), **_meta(rel, "verified_relations", errs))

    def validity(item: dict[str, Any], path: str) -> Rule:
        months = _int(item, "months", path, errs, "Số tháng có giá trị", 1, MAX_MONTHS)
        return ValidityRule(
            decision_kind=item["decision_kind"], months=months, **_meta(item, path, errs)
        )

    valid = _keyed(
        _list(data.get("validity"), "validity", errs, "Thời hạn có giá trị"),
        "decision_kind",
        "validity",
        errs,
        kinds,
        "Loại quyết định",
        validity,
    )

    def deadline(item: dict[str, Any], path: str) -> Rule:
        days = _int(item, "days", path, errs, "Số ngày làm việc", 1, MAX_DAYS)
        longer = _int(item, "complex_days", path, errs, "Số ngày khi phức tạp", 1, MAX_DAYS)
        if longer < days:
            errs.add(
                f"{path}.complex_days", "Số ngày khi phức tạp không được ít hơn số ngày thường."
            )
        return DeadlineRule(
            stage=item["stage"], days=days, complex_days=longer, **_meta(item, path, errs)
        )

    stages = {k: str(v) for k, v in Stage.choices}
    deadlines = _keyed(
        _list(data.get("deadlines"), "deadlines", errs, "Thời hạn các bước"),
        "stage",
        "deadlines",
        errs,
        stages,
        "Bước",
        deadline,
    )

    bodies = _obj(data.get("competent_body"), "competent_body", errs, "Cấp ủy có thẩm quyền")

    def body(item: dict[str, Any], path: str) -> BodyRule:
        which = _code(item, "body", path, errs, "Cấp ủy có thẩm quyền", CompetentBody.values)
        return BodyRule(
            body=which,
            tier=str(item.get("tier", "")),
            decision_kind=str(item.get("decision_kind", "")),
            **_meta(item, path, errs),
        )

    default = body(
        _obj(bodies.get("default"), "competent_body.default", errs, "Cấp ủy mặc định"),
        "competent_body.default",
    )
    by_tier = _keyed(
        _list(bodies.get("by_tier"), "competent_body.by_tier", errs, "Theo cấp chức vụ"),
        "tier",
        "competent_body.by_tier",
        errs,
        tiers,
        "Cấp chức vụ",
        body,
    )
    by_kind = _keyed(
        _list(
            bodies.get("by_decision_kind"),
            "competent_body.by_decision_kind",
            errs,
            "Theo loại quyết định",
        ),
        "decision_kind",
        "competent_body.by_decision_kind",
        errs,
        kinds,
        "Loại quyết định",
        body,
        complete=False,
    )

    def outcome(item: dict[str, Any], path: str) -> Rule:
        level = item.get("max_clearance")
        if level is not None and (isinstance(level, bool) or level not in Classification.values):
            errs.add(f"{path}.max_clearance", "Mức mật tối đa không hợp lệ.")
            level = None
        return OutcomeRule(
            outcome=item["outcome"],
            covers=_bool(item, "covers", path, errs, "Có dùng được cho quyết định"),
            barred_tiers=_codes(item, "barred_tiers", path, errs, "Cấp chức vụ bị giới hạn", tiers),
            barred_management_tiers=_codes(
                item,
                "barred_management_tiers",
                path,
                errs,
                "Cấp lãnh đạo, quản lý bị giới hạn",
                tiers,
            ),
            barred_decision_kinds=_codes(
                item, "barred_decision_kinds", path, errs, "Loại quyết định bị giới hạn", kinds
            ),
            max_clearance=level,
            **_meta(item, path, errs),
        )

    outcomes = _keyed(
        _list(data.get("outcomes"), "outcomes", errs, "Kết luận"),
        "outcome",
        "outcomes",
        errs,
        {k: str(v) for k, v in Outcome.choices},
        "Loại kết luận",
        outcome,
    )

    categories: list[IssueCategory] = []
    seen: set[str] = set()
    items = _list(data.get("issue_categories"), "issue_categories", errs, "Loại vấn đề chính trị")
    for i, raw in enumerate(items):
        path = f"issue_categories.{i}"
        item = _obj(raw, path, errs, "Loại vấn đề chính trị")
        code, name = item.get("code"), item.get("name")
        if not isinstance(code, str) or not code.strip() or len(code) > 40:
            errs.add(f"{path}.code", "Mã loại vấn đề không hợp lệ (tối đa 40 ký tự).")
            code = ""
        elif code in seen:
            errs.add(f"{path}.code", f"Mã loại vấn đề “{code}” bị lặp.")
        if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
            errs.add(f"{path}.name", f"Cần tên loại vấn đề (tối đa {MAX_NAME} ký tự).")
            name = ""
        seen.add(code)
        categories.append(IssueCategory(code=code, name=name.strip(), **_meta(item, path, errs)))
    if not items and isinstance(data.get("issue_categories"), list):
        errs.add("issue_categories", "Cần ít nhất một loại vấn đề chính trị.")

    committee = _obj(data.get("committee"), "committee", errs, "Hội nghị cấp ủy")

    def fraction(key: str, what: str) -> FractionRule:
        path = f"committee.{key}"
        item = _obj(committee.get(key), path, errs, what)
        num = _int(item, "numerator", path, errs, f"{what}: tử số", 1, 100)
        den = _int(item, "denominator", path, errs, f"{what}: mẫu số", 1, 100)
        if num > den:
            errs.add(f"{path}.numerator", f"{what}: tỷ lệ không được lớn hơn 1.")
        return FractionRule(numerator=num, denominator=den, **_meta(item, path, errs))

    quorum = fraction("quorum", "Số thành viên dự tối thiểu")
    passing = fraction("passing", "Số phiếu tán thành")

    if errs.found:
        raise RulePackInvalid(errs.found)
    return Rules(
        version=version,
        status=status,
        conclusion_required=required,
        relations=relations,
        validity_rules=valid,
        deadlines=deadlines,
        body_default=default,
        body_by_tier=by_tier,
        body_by_kind=by_kind,
        outcomes=outcomes,
        categories=tuple(categories),
        quorum=quorum,
        passing=passing,
        data=data,
    )


# --- the packs stored ---------------------------------------------------------------------

# Published packs never change (the database refuses it), so their parsed rules are kept per
# (version, status, published_at): a draft is parsed on every read.
_CACHE: dict[tuple[int, str, Any], Rules] = {}


class RulePackMissing(LookupError):
    """No pack of that version (or no active pack at all)."""


def rule_pack_get(version: int) -> Rules:
    """The rules of pack ``version`` (any status); RulePackMissing if there is none."""
    from bvct.vetting.models import RulePack

    row = RulePack.objects.filter(version=version).values_list("status", "published_at").first()
    if row is None:
        raise RulePackMissing(version)
    return _rules(version, *row)


def _rules(version: int, status: str, published_at: Any) -> Rules:
    from bvct.vetting.models import RulePack

    key = (version, status, published_at)
    if status != RulePackStatus.DRAFT and key in _CACHE:
        return _CACHE[key]
    data = RulePack.objects.values_list("data", flat=True).get(version=version)
    rules = parse_rules(data, version=version, status=status)
    if status != RulePackStatus.DRAFT:
        _CACHE[key] = rules
    return rules


def rule_pack_current() -> Rules:
    """The rules of the active pack: one small indexed query, then the cached parse."""
    from bvct.vetting.models import RulePack

    row = (
        RulePack.objects.filter(status=RulePackStatus.ACTIVE)
        .values_list("version", "status", "published_at")
        .first()
    )
    if row is None:
        raise RulePackMissing("active")
    return _rules(*row)
