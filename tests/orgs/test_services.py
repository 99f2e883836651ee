"""Organisation tree, management scope and their services."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bvct.audit.constants import AuditAction
from bvct.core.constants import Role
from bvct.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from bvct.core.gate import SYSTEM
from bvct.orgs import services
from bvct.orgs.models import ManagementScope, Organisation
from bvct.orgs.querysets import ancestor_paths
from bvct.orgs.selectors import competent_body_for, scope_root_for
from tests.conftest import events_since
from tests.factories import Tree, make_user

pytestmark = pytest.mark.django_db


def test_paths_follow_the_tree(tree: Tree) -> None:
    assert tree.root.path == f"/{tree.root.pk}/"
    assert tree.cell_a.path == f"{tree.grassroots_a.path}{tree.cell_a.pk}/"
    assert tree.cell_a.depth == 3
    assert ancestor_paths(tree.cell_a.path) == [
        tree.root.path,
        tree.committee_a.path,
        tree.grassroots_a.path,
    ]


def test_subtree_is_one_indexed_prefix_query(tree: Tree) -> None:
    with CaptureQueriesContext(connection) as queries:
        codes = set(
            Organisation.objects.subtree(tree.committee_a.path).values_list("code", flat=True)
        )
    assert codes == {"t-a", "t-a-cs1", "t-a-cs1-cb1"}
    assert len(queries) == 1
    assert "LIKE" in queries[0]["sql"]
    # /1/2/ must not match /1/23/: the trailing slash is part of the prefix.
    assert "t-b" not in codes


def test_organisation_create_audited(tree: Tree, audit_mark: int) -> None:
    admin = make_user(tree.board, Role.SYSADMIN)
    org = services.organisation_create(
        actor=admin,
        code="t-b-cs9",
        name="Đảng bộ cơ sở B9",
        kind_code="dang-bo-co-so",
        parent_code="t-b",
    )
    assert org.parent == tree.committee_b and org.depth == 2
    (event,) = events_since(audit_mark, action=AuditAction.ORG_CREATE)
    assert event.actor_public_id == admin.public_id
    assert event.object_public_id == str(org.public_id)
    assert event.after["code"] == "t-b-cs9"
    assert event.after["parent"] == str(tree.committee_b.public_id)
    assert event.org_path == org.path


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"kind_code": "khong-co"}, "kind", "Không có loại tổ chức mã 'khong-co'"),
        ({"parent_code": "khong-co"}, "parent", "Không có tổ chức mã 'khong-co'"),
        ({"code": "Có Dấu"}, "code", "Mã tổ chức không hợp lệ"),
        ({"code": "t-a"}, "code", "đã được dùng"),
        ({"name": "   "}, "name", "Cần nhập tên"),
    ],
)
def test_organisation_create_bad_input_changes_nothing(
    tree: Tree, audit_mark: int, kwargs: dict[str, str], field: str, fragment: str
) -> None:
    args = {"code": "t-new", "name": "Mới", "kind_code": "dang-uy", "parent_code": "t-root"}
    args.update(kwargs)
    count = Organisation.objects.count()
    with pytest.raises(ValidationFailed) as err:
        services.organisation_create(actor=SYSTEM, **args)  # type: ignore[arg-type]
    assert err.value.field == field
    assert fragment in err.value.message
    assert Organisation.objects.count() == count
    assert events_since(audit_mark) == []


def test_only_sysadmin_changes_the_tree(tree: Tree) -> None:
    officer = make_user(tree.board, Role.BVCT_OFFICER, clearance="TUYET_MAT")
    with pytest.raises(PermissionDeniedError):
        services.organisation_create(
            actor=officer, code="t-x", name="X", kind_code="dang-uy", parent_code="t-root"
        )
    with pytest.raises(PermissionDeniedError):
        services.organisation_update(actor=officer, org=tree.committee_a, name="Khác")


def test_update_refuses_stale_version(tree: Tree, audit_mark: int) -> None:
    org = services.organisation_update(
        actor=SYSTEM, org=tree.committee_a, name="Đảng ủy phường A mới"
    )
    assert org.version == tree.committee_a.version + 1
    with pytest.raises(ConflictError):
        services.organisation_update(
            actor=SYSTEM, org=tree.committee_a, expected_version=tree.committee_a.version, name="Cũ"
        )
    assert Organisation.objects.get(pk=tree.committee_a.pk).name == "Đảng ủy phường A mới"
    (event,) = events_since(audit_mark, action=AuditAction.ORG_UPDATE)
    assert event.before["name"] == "Đảng ủy phường A"
    assert event.after["name"] == "Đảng ủy phường A mới"


def test_noop_update_writes_nothing(tree: Tree, audit_mark: int) -> None:
    services.organisation_update(actor=SYSTEM, org=tree.committee_a, name=tree.committee_a.name)
    assert events_since(audit_mark) == []


def test_board_staff_work_in_the_committee_scope(tree: Tree) -> None:
    assert scope_root_for(tree.board) == tree.root
    assert scope_root_for(tree.committee_a) == tree.committee_a
    officer = make_user(tree.board, Role.BVCT_OFFICER)
    assert officer.scope == tree.root


def test_competent_body_is_the_nearest_rule(tree: Tree, audit_mark: int) -> None:
    top = services.tier_create(actor=SYSTEM, code="t-top", name="Diện Tỉnh ủy", rank=1)
    member = services.tier_create(actor=SYSTEM, code="t-member", name="Đảng viên", rank=3)
    services.scope_set(
        actor=SYSTEM, tier_code="t-top", subject_root_code="t-root", managing_org_code="t-root"
    )
    services.scope_set(
        actor=SYSTEM, tier_code="t-member", subject_root_code="t-root", managing_org_code="t-root"
    )
    services.scope_set(
        actor=SYSTEM, tier_code="t-member", subject_root_code="t-a", managing_org_code="t-a"
    )
    assert competent_body_for(tree.cell_a, top) == tree.root
    assert competent_body_for(tree.cell_a, member) == tree.committee_a
    assert competent_body_for(tree.committee_b, member) == tree.root
    assert len(events_since(audit_mark, action=AuditAction.SCOPE_SET)) == 3


def test_scope_set_replaces_and_records_before(tree: Tree, audit_mark: int) -> None:
    services.tier_create(actor=SYSTEM, code="t-tier", name="Diện", rank=2)
    services.scope_set(
        actor=SYSTEM, tier_code="t-tier", subject_root_code="t-a", managing_org_code="t-root"
    )
    services.scope_set(
        actor=SYSTEM, tier_code="t-tier", subject_root_code="t-a", managing_org_code="t-a"
    )
    assert ManagementScope.objects.get(tier__code="t-tier").managing_org == tree.committee_a
    events = events_since(audit_mark, action=AuditAction.SCOPE_SET)
    assert events[-1].before["managing_org"] == str(tree.root.public_id)


@pytest.mark.parametrize(
    ("tier", "root", "manager", "fragment"),
    [
        ("khong-co", "t-a", "t-a", "Không có diện quản lý"),
        ("t-tier2", "t-a", "t-btc", "không phải là cấp ủy"),
        ("t-tier2", "t-b", "t-a", "không thuộc phạm vi"),
        ("t-tier2", "khong-co", "t-a", "Không có tổ chức"),
    ],
)
def test_scope_set_bad_input(tree: Tree, tier: str, root: str, manager: str, fragment: str) -> None:
    services.tier_create(actor=SYSTEM, code="t-tier2", name="Diện", rank=2)
    with pytest.raises(ValidationFailed, match=fragment):
        services.scope_set(
            actor=SYSTEM, tier_code=tier, subject_root_code=root, managing_org_code=manager
        )
    assert not ManagementScope.objects.filter(tier__code="t-tier2").exists()
