"""Every write to the organisation tree and management scope, with its audit event."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.db import transaction

from bvct.audit.constants import AuditAction
from bvct.audit.edits import lock_for_edit, save_edit
from bvct.audit.services import audit_record, snapshot
from bvct.core.errors import (
    PermissionDeniedError,
    ValidationFailed,
    unique_as_error,
)
from bvct.core.gate import SystemPrincipal
from bvct.core.text import normalize
from bvct.orgs.models import ManagementScope, ManagementTier, Organisation, OrganisationKind
from bvct.orgs.permissions import can_manage_organisations
from bvct.orgs.selectors import org_by_code

if TYPE_CHECKING:
    from bvct.accounts.models import User

_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
ORG_AUDIT_FIELDS = (
    "code",
    "name",
    "short_name",
    "kind",
    "parent",
    "path",
    "is_active",
    "members_count",
    "standing_members_count",
)


def _require_admin(actor: User | SystemPrincipal) -> None:
    if not can_manage_organisations(actor):
        raise PermissionDeniedError("Chỉ quản trị hệ thống được sửa cơ cấu tổ chức.")


def _check_code(code: str, what: str) -> str:
    code = code.strip().lower()
    if not _CODE.match(code):
        raise ValidationFailed(
            f"Mã {what} không hợp lệ: {code!r} (chữ thường không dấu, số, '-', '_'; tối đa 64).",
            field="code",
        )
    return code


def _code_from_name(name: str) -> str:
    """A free code made from the name ("Chi bộ 3" -> "chi-bo-3", then "chi-bo-3-2"...), for
    organisations added on a page, where nobody should have to invent an internal code."""
    base = re.sub(r"[^a-z0-9]+", "-", normalize(name)).strip("-")[:56].strip("-") or "to-chuc"
    taken = set(Organisation.objects.filter(code__startswith=base).values_list("code", flat=True))
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}-{n}"
    return code


def kind_by_code(code: str) -> OrganisationKind:
    kind = OrganisationKind.objects.filter(code=code).first()
    if kind is None:
        valid = ", ".join(OrganisationKind.objects.values_list("code", flat=True))
        raise ValidationFailed(
            f"Không có loại tổ chức mã {code!r}. Các loại hiện có: {valid}.", field="kind"
        )
    return kind


@transaction.atomic(durable=True)
def org_kind_create(
    *,
    actor: User | SystemPrincipal,
    code: str,
    name: str,
    is_committee: bool = False,
    is_advisory: bool = False,
    is_agency: bool = False,
    sort_order: int = 100,
) -> OrganisationKind:
    _require_admin(actor)
    code = _check_code(code, "loại tổ chức")
    if OrganisationKind.objects.filter(code=code).exists():
        raise ValidationFailed(f"Loại tổ chức {code!r} đã có.", field="code")
    with unique_as_error(f"Loại tổ chức {code!r} đã có.", field="code"):
        kind = OrganisationKind.objects.create(
            code=code,
            name=name.strip(),
            is_committee=is_committee,
            is_advisory=is_advisory,
            is_agency=is_agency,
            sort_order=sort_order,
        )
    audit_record(
        actor=actor,
        action=AuditAction.ORG_KIND_CREATE,
        object_type="orgs.organisationkind",
        object_id=kind.code,
        object_label=kind.name,
        after=snapshot(kind, ("code", "name", "is_committee", "is_advisory", "is_agency")),
    )
    return kind


@transaction.atomic(durable=True)
def organisation_create(
    *,
    actor: User | SystemPrincipal,
    name: str,
    kind_code: str,
    code: str = "",
    parent_code: str | None = None,
    short_name: str = "",
) -> Organisation:
    """Add an organisation under ``parent_code`` (or a new root); without a code, one is made
    from the name."""
    _require_admin(actor)
    if not name.strip():
        raise ValidationFailed("Cần nhập tên tổ chức.", field="name")
    code = _check_code(code, "tổ chức") if code.strip() else _code_from_name(name)
    if Organisation.objects.filter(code=code).exists():
        raise ValidationFailed(f"Mã tổ chức {code!r} đã được dùng.", field="code")
    kind = kind_by_code(kind_code)
    parent = org_by_code(parent_code, field="parent") if parent_code else None
    org = Organisation(
        code=code,
        name=name.strip(),
        name_norm=normalize(name),
        short_name=short_name.strip(),
        kind=kind,
        parent=parent,
        depth=(parent.depth + 1) if parent else 0,
        # A unique placeholder until the id is known; the path is built from ids.
        path=f"~{code}",
    )
    with unique_as_error(f"Mã tổ chức {code!r} đã được dùng.", field="code"):
        org.save()
    org.path = f"{parent.path if parent else '/'}{org.pk}/"
    org.save(update_fields=["path"])
    audit_record(
        actor=actor,
        action=AuditAction.ORG_CREATE,
        obj=org,
        org=org,
        after=snapshot(org, ORG_AUDIT_FIELDS),
    )
    return org


@transaction.atomic(durable=True)
def organisation_update(
    *,
    actor: User | SystemPrincipal,
    org: Organisation,
    expected_version: int | None = None,
    name: str | None = None,
    short_name: str | None = None,
    is_active: bool | None = None,
    members_count: int | None = None,
    standing_members_count: int | None = None,
) -> Organisation:
    """Rename or (de)activate an organisation, or set a committee's number of members (and
    of its standing committee's); a stale version is refused."""
    _require_admin(actor)
    locked = lock_for_edit(
        Organisation.objects.select_related("kind", "parent"),
        org.pk,
        expected_version,
        "Tổ chức vừa được người khác sửa. Hãy tải lại và nhập lại thay đổi.",
    )
    before = snapshot(locked, ORG_AUDIT_FIELDS)
    if name is not None:
        if not name.strip():
            raise ValidationFailed("Cần nhập tên tổ chức.", field="name")
        locked.name = name.strip()
        locked.name_norm = normalize(name)
    if short_name is not None:
        locked.short_name = short_name.strip()
    if is_active is not None:
        locked.is_active = is_active
    for value, field, label in (
        (members_count, "members_count", "Tổng số ủy viên"),
        (standing_members_count, "standing_members_count", "Số ủy viên ban thường vụ"),
    ):
        if value is None:
            continue
        if not locked.kind.is_committee:
            raise ValidationFailed("Chỉ cấp ủy mới có số ủy viên.", field=field)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 500:
            raise ValidationFailed(f"{label} là số nguyên từ 1 đến 500.", field=field)
        setattr(locked, field, value)
    if (
        locked.members_count is not None
        and locked.standing_members_count is not None
        and locked.standing_members_count > locked.members_count
    ):
        raise ValidationFailed(
            "Số ủy viên ban thường vụ không được nhiều hơn tổng số ủy viên.",
            field="standing_members_count",
        )
    save_edit(
        locked,
        before=before,
        fields=ORG_AUDIT_FIELDS,
        actor=actor,
        action=AuditAction.ORG_UPDATE,
        org=locked,
    )
    return locked


@transaction.atomic(durable=True)
def tier_create(
    *, actor: User | SystemPrincipal, code: str, name: str, rank: int, source: str = ""
) -> ManagementTier:
    _require_admin(actor)
    code = _check_code(code, "diện quản lý")
    if ManagementTier.objects.filter(code=code).exists():
        raise ValidationFailed(f"Diện quản lý {code!r} đã có.", field="code")
    with unique_as_error(f"Diện quản lý {code!r} đã có.", field="code"):
        tier = ManagementTier.objects.create(code=code, name=name.strip(), rank=rank, source=source)
    audit_record(
        actor=actor,
        action=AuditAction.TIER_CREATE,
        object_type="orgs.managementtier",
        object_id=tier.code,
        object_label=tier.name,
        after=snapshot(tier, ("code", "name", "rank", "source")),
    )
    return tier


@transaction.atomic(durable=True)
def scope_set(
    *,
    actor: User | SystemPrincipal,
    tier_code: str,
    subject_root_code: str,
    managing_org_code: str,
    source: str = "",
) -> ManagementScope:
    """Record that ``managing_org`` manages cadres of a tier within ``subject_root``'s subtree."""
    _require_admin(actor)
    tier = ManagementTier.objects.filter(code=tier_code).first()
    if tier is None:
        raise ValidationFailed(f"Không có diện quản lý mã {tier_code!r}.", field="tier")
    root = org_by_code(subject_root_code, field="subject_root")
    manager = org_by_code(managing_org_code, field="managing_org")
    if not manager.kind.is_committee:
        raise ValidationFailed(
            f"{manager.name} không phải là cấp ủy nên không thể quản lý cán bộ.",
            field="managing_org",
        )
    if not root.path.startswith(manager.path):
        raise ValidationFailed(
            f"{root.name} không thuộc phạm vi của {manager.name}.", field="subject_root"
        )
    existing = ManagementScope.objects.select_for_update().filter(tier=tier, subject_root=root)
    scope = existing.first()
    before = None
    if scope is not None:
        before = {"managing_org": str(scope.managing_org.public_id), "source": scope.source}
        scope.managing_org = manager
        scope.source = source
        scope.save()
    else:
        with unique_as_error("Phân cấp này vừa được người khác ghi; hãy thử lại.", field="tier"):
            scope = ManagementScope.objects.create(
                tier=tier, subject_root=root, managing_org=manager, source=source
            )
    audit_record(
        actor=actor,
        action=AuditAction.SCOPE_SET,
        object_type="orgs.managementscope",
        object_id=f"{tier.code}@{root.public_id}",
        object_label=str(scope)[:300],
        org=root,
        before=before,
        after={"managing_org": str(manager.public_id), "source": source},
    )
    return scope
