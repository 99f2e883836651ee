"""The two-person rule for access (docs/permissions.md, "Cấp quyền: hai người").

An administrator who widens an account's access — adds a role, raises the clearance, or moves
an account that holds a working role to another organisation or scope — does not give that
access: the change waits as an :class:`~bvct.accounts.models.AccessGrant` until a second,
different administrator confirms it. Narrowing (a role removed, a clearance lowered, an account
disabled) takes effect at once: taking access away must never wait.

Each step (request, confirmation, refusal, withdrawal) is one transaction with its audit event,
under the account's organisation, so the auditors of that organisation read it. The system
(commands, demo data) is not a person and applies access directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from bvct.accounts.models import AccessGrant, User
from bvct.accounts.permissions import can_manage_users
from bvct.audit.constants import AuditAction
from bvct.audit.edits import save_edit
from bvct.audit.services import audit_record, snapshot
from bvct.core.constants import Classification, Role
from bvct.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from bvct.core.gate import SystemPrincipal, conflicting_roles
from bvct.orgs.models import Organisation


@dataclass(frozen=True)
class Access:
    """What decides which rows an account reaches."""

    roles: tuple[str, ...]
    clearance: int
    organisation_id: int
    scope_id: int

    @classmethod
    def of(cls, user: User | AccessGrant) -> Access:
        return cls(
            tuple(sorted(user.roles)), int(user.clearance), user.organisation_id, user.scope_id
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "roles": list(self.roles),
            "clearance": self.clearance,
            "organisation": self.organisation_id,
            "scope": self.scope_id,
        }

    @property
    def reads_by_place(self) -> bool:
        """Whether any role's reach depends on the organisation and scope (all but the
        administrator's, which reaches configuration everywhere and no personal data)."""
        return any(role != Role.SYSADMIN for role in self.roles)


def split(
    actor: User | SystemPrincipal, current: Access, target: Access
) -> tuple[Access, Access | None]:
    """The part of ``target`` that applies now, and the access that waits for a second
    administrator (None when nothing widens)."""
    if actor.pk is None:  # the system
        return target, None
    roles = tuple(r for r in target.roles if r in current.roles)
    clearance = min(target.clearance, current.clearance)
    if target.reads_by_place and _widens_place(current, target):
        # Working roles in another place read other people's data.
        organisation_id, scope_id = current.organisation_id, current.scope_id
    else:
        organisation_id, scope_id = target.organisation_id, target.scope_id
    now = Access(roles, clearance, organisation_id, scope_id)
    return now, (None if now == target else target)


def _widens_place(current: Access, target: Access) -> bool:
    """Another organisation (its committee's conclusions, its auditors) or a scope not inside
    the current one; a narrower scope in the same organisation takes access away only."""
    if target.organisation_id != current.organisation_id:
        return True
    if target.scope_id == current.scope_id:
        return False
    paths = dict(
        Organisation.objects.filter(pk__in=[current.scope_id, target.scope_id]).values_list(
            "pk", "path"
        )
    )
    return not paths[target.scope_id].startswith(paths[current.scope_id])


def apply(user: User, access: Access) -> None:
    user.roles = list(access.roles)
    user.clearance = access.clearance
    if user.organisation_id != access.organisation_id:
        user.organisation = Organisation.objects.get(pk=access.organisation_id)
    if user.scope_id != access.scope_id:
        user.scope = Organisation.objects.get(pk=access.scope_id)


def _grant_payload(grant: AccessGrant) -> dict[str, Any]:
    return {
        "grant": str(grant.public_id),
        "roles": list(grant.roles),
        "clearance": Classification(grant.clearance).name,
        "organisation": grant.organisation.code,
        "scope": grant.scope.code,
        "status": grant.status,
    }


def grant_request(*, actor: User, user: User, target: Access) -> AccessGrant:
    """Record ``target`` as the access asked for ``user`` (inside the caller's transaction,
    after the part that applies now was saved). A pending request for the same account is
    superseded: the latest request is the one a second administrator decides on."""
    earlier = AccessGrant.objects.select_for_update().filter(
        user=user, status=AccessGrant.Status.PENDING
    )
    for old in earlier:
        old.status = AccessGrant.Status.SUPERSEDED
        old.decided_at = timezone.now()
        old.save(update_fields=["status", "decided_at"])
    grant = AccessGrant.objects.create(
        user=user,
        organisation_id=target.organisation_id,
        scope_id=target.scope_id,
        roles=list(target.roles),
        clearance=target.clearance,
        base_access=Access.of(user).as_dict(),
        requested_by=actor,
    )
    grant = AccessGrant.objects.select_related("organisation", "scope").get(pk=grant.pk)
    audit_record(
        actor=actor,
        action=AuditAction.USER_GRANT_REQUEST,
        obj=user,
        org=user.organisation,
        before=Access.of(user).as_dict() | {"superseded": [str(o.public_id) for o in earlier]},
        after=_grant_payload(grant),
    )
    return grant


def _locked_pending(actor: User | SystemPrincipal, grant: AccessGrant) -> AccessGrant:
    if not can_manage_users(actor):
        raise PermissionDeniedError("Chỉ quản trị hệ thống được xét đề nghị cấp quyền.")
    locked = (
        AccessGrant.objects.select_for_update(of=("self",))
        .select_related("organisation", "scope")
        .get(pk=grant.pk)
    )
    if locked.status != AccessGrant.Status.PENDING:
        raise ConflictError(
            f"Đề nghị này đã được xử lý ({locked.get_status_display().lower()}): hãy tải lại trang."
        )
    return locked


@transaction.atomic(durable=True)
def grant_confirm(*, actor: User | SystemPrincipal, grant: AccessGrant) -> User:
    """The second administrator confirms: the account gets the access asked for, if it still
    has the access it had when asked (otherwise the request no longer says what it widens)."""
    locked = _locked_pending(actor, grant)
    if actor.pk is not None and actor.pk == locked.requested_by_id:
        raise PermissionDeniedError(
            "Người đề nghị không tự xác nhận đề nghị của mình: "
            "cần một quản trị hệ thống khác xác nhận."
        )
    if actor.pk is not None and actor.pk == locked.user_id:
        raise PermissionDeniedError("Không thể tự xác nhận quyền cho chính mình.")
    user = User.objects.select_for_update().select_related("organisation").get(pk=locked.user_id)
    if Access.of(user).as_dict() != locked.base_access:
        raise ConflictError(
            "Quyền của tài khoản đã thay đổi từ khi có đề nghị này: "
            "hãy từ chối đề nghị và đề nghị lại nếu còn cần."
        )
    if conflicting_roles(locked.roles) is not None:
        raise ValidationFailed("Đề nghị gồm hai vai trò không được giữ cùng nhau.", field="roles")
    before = _user_snapshot(user)
    apply(user, Access.of(locked))
    locked.status = AccessGrant.Status.CONFIRMED
    locked.decided_by_id = actor.pk
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    save_edit(
        user,
        before=before,
        fields=_USER_FIELDS,
        actor=actor,
        action=AuditAction.USER_GRANT_CONFIRM,
        org=user.organisation,
    )
    return user


@transaction.atomic(durable=True)
def grant_decline(
    *, actor: User | SystemPrincipal, grant: AccessGrant, reason: str = ""
) -> AccessGrant:
    """Refused by another administrator, or withdrawn by the one who asked."""
    locked = _locked_pending(actor, grant)
    withdrawn = actor.pk is not None and actor.pk == locked.requested_by_id
    if not withdrawn and not reason.strip():
        raise ValidationFailed("Hãy ghi lý do từ chối.", field="reason")
    locked.status = AccessGrant.Status.WITHDRAWN if withdrawn else AccessGrant.Status.REFUSED
    locked.decided_by_id = actor.pk
    locked.decided_at = timezone.now()
    locked.reason = reason.strip()[:500]
    locked.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    user = User.objects.select_related("organisation").get(pk=locked.user_id)
    audit_record(
        actor=actor,
        action=AuditAction.USER_GRANT_WITHDRAW if withdrawn else AuditAction.USER_GRANT_REFUSE,
        obj=user,
        org=user.organisation,
        after=_grant_payload(locked) | {"reason": locked.reason},
    )
    return locked


def pending_grant(user: User) -> AccessGrant | None:
    return (
        AccessGrant.objects.select_related("organisation", "scope", "requested_by")
        .filter(user=user, status=AccessGrant.Status.PENDING)
        .first()
    )


_USER_FIELDS = ("roles", "clearance", "organisation", "scope")


def _user_snapshot(user: User) -> dict[str, Any]:
    return snapshot(user, _USER_FIELDS)
