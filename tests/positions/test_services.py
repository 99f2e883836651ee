"""Services of posts, the catalogue, holdings and decisions: what they write, what they
refuse (nothing written), and the audit event each writes."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from bvct.audit.constants import AuditAction
from bvct.core.constants import Role
from bvct.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from bvct.core.gate import SYSTEM
from bvct.core.submissions import AlreadySubmitted
from bvct.positions import services
from bvct.positions import services_catalogue as catalogue
from bvct.positions.constants import DecisionStatus, Tier
from bvct.positions.models import CatalogueEntry, PersonnelDecision, Post, PostHolding
from tests.conftest import events_since
from tests.factories import Tree, make_user
from tests.positions.factories import build, make_dossier, make_entry, make_post

pytestmark = pytest.mark.django_db


def _officer(tree: Tree, org: object = None, clearance: str = "TUYET_MAT") -> object:
    return make_user(org or tree.committee_a, Role.BVCT_OFFICER, clearance=clearance)


def test_tier_rank_orders_top_to_bottom() -> None:
    ranks = [Tier.rank(t) for t in ("CENTRAL", "PROVINCE", "COMMUNE", "GRASSROOTS")]
    assert ranks == sorted(ranks) and ranks[0] == 1


def test_a_post_is_created_updated_and_closed_with_its_events(tree: Tree, audit_mark: int) -> None:
    officer = _officer(tree)
    post = services.post_create(
        actor=officer,
        organisation=tree.committee_a,
        name=" Phó  Bí thư ",
        tier="Cấp xã",
        is_management=True,
    )
    assert (post.name, post.tier, post.org_path) == ("Phó Bí thư", "COMMUNE", tree.committee_a.path)
    post = services.post_update(
        actor=officer, post=post, expected_version=1, name="Phó Bí thư thường trực"
    )
    post = services.post_close(actor=officer, post=post, expected_version=2)
    assert not post.is_active
    events = events_since(audit_mark, object_type="positions.post")
    assert [e.action for e in events] == [
        AuditAction.POST_CREATE,
        AuditAction.POST_UPDATE,
        AuditAction.POST_CLOSE,
    ]
    assert all(e.actor_public_id == officer.public_id for e in events)
    assert events[1].before["name"] == "Phó Bí thư"
    assert events[1].after["name"] == "Phó Bí thư thường trực"
    assert events[2].after["is_active"] is False


def test_post_refusals_write_nothing(tree: Tree, audit_mark: int) -> None:
    officer = _officer(tree)
    post = make_post(tree.committee_a)
    mark = events_since(audit_mark)[-1].seq
    with pytest.raises(PermissionDeniedError):  # another scope
        services.post_create(actor=officer, organisation=tree.committee_b, name="X", tier="COMMUNE")
    with pytest.raises(ValidationFailed, match="cùng tên"):
        services.post_create(
            actor=officer, organisation=tree.committee_a, name="bí thư đảng ủy", tier="COMMUNE"
        )
    with pytest.raises(ValidationFailed, match="Cấp"):
        services.post_create(actor=officer, organisation=tree.committee_a, name="Y", tier="QUẬN")
    with pytest.raises(ConflictError):  # stale version
        services.post_update(actor=officer, post=post, expected_version=7, name="Z")
    reader = make_user(tree.committee_a, Role.COMMITTEE_MEMBER, clearance="TUYET_MAT")
    with pytest.raises(PermissionDeniedError):
        services.post_update(actor=reader, post=post, expected_version=1, name="Z")
    make_entry(tree.committee_a, post)
    mark = events_since(mark)[-1].seq
    with pytest.raises(ConflictError, match="danh mục"):
        services.post_close(actor=officer, post=post, expected_version=1)
    assert events_since(mark) == []
    assert Post.objects.filter(organisation=tree.committee_a).count() == 1


def test_a_catalogue_entry_is_created_updated_and_closed_with_its_events(
    tree: Tree, audit_mark: int
) -> None:
    officer = _officer(tree)
    entry = catalogue.catalogue_entry_create(
        actor=officer,
        kind="Bộ phận",
        organisation=tree.committee_a,
        name="Bộ phận cơ yếu",
        listing_number="15-QĐ/TU",
        listing_date="02/06/2025",
        listing_issuer="Ban Thường vụ",
        required_clearance="Tối mật",
        classification="MAT",
    )
    assert (entry.kind, entry.required_clearance, entry.classification) == ("UNIT", 2, 1)
    assert entry.listing_date == dt.date(2025, 6, 2)
    entry = catalogue.catalogue_entry_update(
        actor=officer, entry=entry, expected_version=1, required_clearance="TUYET_MAT"
    )
    entry = catalogue.catalogue_entry_close(actor=officer, entry=entry, expected_version=2)
    events = events_since(audit_mark, object_type="positions.catalogueentry")
    assert [e.action for e in events] == [
        AuditAction.CATALOGUE_CREATE,
        AuditAction.CATALOGUE_UPDATE,
        AuditAction.CATALOGUE_CLOSE,
    ]
    assert [e.classification for e in events] == [1, 1, 1]
    assert (events[1].before["required_clearance"], events[1].after["required_clearance"]) == (2, 3)


def test_catalogue_refusals(tree: Tree) -> None:
    low = _officer(tree, clearance="MAT")
    post = make_post(tree.committee_a)
    base = dict(
        organisation=tree.committee_a,
        listing_number="1-QĐ/TU",
        listing_date=dt.date(2025, 1, 1),
        listing_issuer="BTV",
        required_clearance=1,
    )
    with pytest.raises(PermissionDeniedError):  # the entry above one's own clearance
        catalogue.catalogue_entry_create(actor=low, kind="BODY", name="A", classification=2, **base)
    with pytest.raises(ValidationFailed, match="chọn chức vụ"):
        catalogue.catalogue_entry_create(actor=low, kind="POST", name="B", **base)
    with pytest.raises(ValidationFailed, match="Chỉ mục loại"):
        catalogue.catalogue_entry_create(actor=low, kind="UNIT", name="C", post=post, **base)
    with pytest.raises(ValidationFailed, match="sau hôm nay"):
        catalogue.catalogue_entry_create(
            actor=low,
            kind="UNIT",
            name="D",
            **{**base, "listing_date": dt.date.today() + dt.timedelta(days=3)},
        )
    assert not CatalogueEntry.objects.exists()


def test_holdings_are_recorded_and_ended_under_the_dossier(tree: Tree, audit_mark: int) -> None:
    officer = _officer(tree)
    post = make_post(tree.committee_a)
    dossier = make_dossier()
    holding = services.holding_create(
        actor=officer, dossier=dossier, post=post, kind="HOLDS", starts_on="01/01/2024"
    )
    with pytest.raises(ValidationFailed, match="chưa kết thúc"):
        services.holding_create(
            actor=officer, dossier=dossier, post=post, kind="HOLDS", starts_on="01/02/2024"
        )
    with pytest.raises(ValidationFailed, match="trước ngày bắt đầu"):
        services.holding_end(actor=officer, holding=holding, ends_on=dt.date(2023, 1, 1))
    services.holding_end(
        actor=officer, holding=holding, ends_on=dt.date(2025, 1, 1), expected_version=1
    )
    events = events_since(audit_mark, object_type="positions.postholding")
    assert [e.action for e in events] == [AuditAction.HOLDING_CREATE, AuditAction.HOLDING_END]
    assert {e.classification for e in events} == {dossier.classification}
    assert {e.org_path for e in events} == {tree.committee_a.path}
    assert events[0].subject_public_id is not None  # the dossier's access log finds it
    # Someone of another scope: refused as if the dossier did not exist.
    with pytest.raises(NotFoundError):
        services.holding_create(
            actor=_officer(tree, tree.committee_b),
            dossier=dossier,
            post=post,
            kind="HOLDS",
            starts_on="01/01/2024",
        )
    assert PostHolding.objects.count() == 1


def test_a_decision_is_recorded_once_per_submission_and_withdrawn(
    tree: Tree, audit_mark: int
) -> None:
    officer = _officer(tree)
    post = make_post(tree.committee_a)
    dossier = make_dossier()
    token = uuid.uuid4()
    args = dict(
        actor=officer,
        dossier=dossier,
        kind="APPOINTMENT",
        post=post,
        deciding_org=tree.root,
        proposed_on=dt.date(2026, 1, 5),
        reference="12-TTr/ĐU",
        submission_token=token,
    )
    decision = services.decision_record(**args)  # type: ignore[arg-type]
    assert decision.status == DecisionStatus.PROPOSED
    with pytest.raises(AlreadySubmitted) as again:
        services.decision_record(**args)  # type: ignore[arg-type]
    assert again.value.result == decision.public_id
    services.decision_withdraw(
        actor=officer, decision=decision, reason="Đổi nhân sự", expected_version=1
    )
    with pytest.raises(ConflictError):
        services.decision_withdraw(actor=officer, decision=decision, reason="lần hai")
    events = events_since(audit_mark, object_type="positions.personneldecision")
    assert [e.action for e in events] == [
        AuditAction.DECISION_RECORD,
        AuditAction.DECISION_WITHDRAW,
    ]
    assert events[0].after["kind"] == "APPOINTMENT" and events[0].after["post"] == str(
        post.public_id
    )
    assert events[1].after["status"] == "WITHDRAWN" and events[1].after["reason"] == "Đổi nhân sự"
    assert events[0].classification == dossier.classification
    assert PersonnelDecision.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "with_post", "with_entry", "message"),
    [
        ("APPOINTMENT", False, False, "phải chọn chức vụ"),
        ("SUCCESSION_PLANNING", False, False, "phải chọn chức vụ"),
        ("NA_CANDIDACY", True, False, "không gắn với chức vụ"),
        ("PARTY_ADMISSION", False, True, "không gắn với danh mục"),
        ("CATALOGUE_POST", False, False, "phải chọn mục"),
    ],
)
def test_a_decision_inconsistent_with_its_kind_is_refused(
    tree: Tree, kind: str, with_post: bool, with_entry: bool, message: str
) -> None:
    post = make_post(tree.committee_a)
    entry = make_entry(tree.committee_a, post)
    dossier = make_dossier()
    with pytest.raises(ValidationFailed, match=message):
        services.decision_record(
            actor=_officer(tree),
            dossier=dossier,
            kind=kind,
            post=post if with_post else None,
            catalogue_entry=entry if with_entry else None,
            deciding_org=tree.committee_a,
            proposed_on=dt.date(2026, 1, 5),
        )
    assert not PersonnelDecision.objects.exists()


def test_an_appointment_needs_a_management_post_and_catalogue_posts_take_the_entrys_post(
    tree: Tree, audit_mark: int
) -> None:
    officer = _officer(tree)
    clerk_post = make_post(tree.committee_a, "Văn thư", management=False)
    dossier = make_dossier()
    with pytest.raises(ValidationFailed, match="không phải chức vụ lãnh đạo"):
        services.decision_record(
            actor=officer,
            dossier=dossier,
            kind="APPOINTMENT",
            post=clerk_post,
            deciding_org=tree.committee_a,
            proposed_on=dt.date(2026, 1, 5),
        )
    entry = make_entry(tree.committee_a, clerk_post)
    decision = services.decision_record(
        actor=officer,
        dossier=dossier,
        kind="CATALOGUE_POST",
        catalogue_entry=entry,
        deciding_org=tree.committee_a,
        proposed_on=dt.date(2026, 1, 5),
    )
    assert decision.post == clerk_post
    (event,) = events_since(audit_mark, action=AuditAction.DECISION_RECORD)
    assert event.classification == max(entry.classification, dossier.classification)


def test_a_decision_about_a_dossier_out_of_reach_is_refused_as_missing(tree: Tree) -> None:
    post = make_post(tree.committee_a)
    dossier = make_dossier(level="TUYET_MAT")
    for actor in (
        _officer(tree, tree.committee_b),
        _officer(tree, clearance="TOI_MAT"),
        make_user(tree.committee_a, Role.COMMITTEE_MEMBER, clearance="TUYET_MAT"),
    ):
        with pytest.raises(NotFoundError):
            services.decision_record(
                actor=actor,
                dossier=dossier,
                kind="SUCCESSION_PLANNING",
                post=post,
                deciding_org=tree.committee_a,
                proposed_on=dt.date(2026, 1, 5),
            )
    assert not PersonnelDecision.objects.exists()


def test_the_built_set_holds_together(tree: Tree) -> None:
    made = build(tree)
    assert made.decision.post == made.post and made.entry.post == made.post
    assert SYSTEM is not None
