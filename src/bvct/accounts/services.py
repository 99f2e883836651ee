"""Every write about accounts, each one transaction with its audit event."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from bvct.accounts import grants
from bvct.accounts.models import (
    CITIZEN_ID_VALIDATOR,
    USERNAME_VALIDATOR,
    ApiToken,
    LoginThrottle,
    User,
)
from bvct.accounts.permissions import can_manage_users
from bvct.audit.constants import AuditAction
from bvct.audit.edits import lock_for_edit, save_edit
from bvct.audit.services import audit_record, snapshot
from bvct.core.constants import Classification, Role
from bvct.core.errors import (
    PermissionDeniedError,
    ValidationFailed,
    unique_as_error,
)
from bvct.core.gate import SystemPrincipal, conflicting_roles
from bvct.core.text import normalize
from bvct.orgs.models import Organisation
from bvct.orgs.selectors import org_by_code, scope_root_for

ADMIN_CHANGE_LOCK_KEY = 0x4256435441444D  # "BVCTADM"
USER_AUDIT_FIELDS = (
    "username",
    "full_name",
    "email",
    "citizen_id",
    "organisation",
    "scope",
    "roles",
    "clearance",
    "is_active",
)


def _refuse_conflicting_roles(roles: list[str]) -> None:
    conflict = conflicting_roles(roles)
    if conflict is not None:
        first, second = (Role(r).label for r in conflict)
        raise ValidationFailed(
            f"Một tài khoản không được vừa là “{first}” vừa là “{second}”: "
            "hãy dùng hai tài khoản cho hai người.",
            field="roles",
        )


def parse_roles(raw: Iterable[str]) -> list[str]:
    """Role codes, validated and de-duplicated; a specific error names the unknown one."""
    roles: list[str] = []
    for item in raw:
        try:
            role = Role.parse(item)
        except ValueError as exc:
            valid = ", ".join(Role.values)
            raise ValidationFailed(
                f"Vai trò không tồn tại: {item!r}. Các vai trò hợp lệ: {valid}.", field="roles"
            ) from exc
        if role not in roles:
            roles.append(role)
    return sorted(roles)


def parse_clearance(raw: str | int) -> Classification:
    try:
        return Classification.parse(raw)
    except (ValueError, TypeError) as exc:
        raise ValidationFailed(
            f"Mức tiếp cận bí mật không hợp lệ: {raw!r}. "
            "Dùng một trong: NONE, MAT, TOI_MAT, TUYET_MAT.",
            field="clearance",
        ) from exc


def _require_user_admin(actor: User | SystemPrincipal) -> None:
    if not can_manage_users(actor):
        raise PermissionDeniedError("Chỉ quản trị hệ thống được quản lý tài khoản.")


def _scope_for(org: Organisation, scope_code: str | None) -> Organisation:
    """The scope an account of ``org`` works in: by default the organisation (for staff of an
    advisory board, the committee it serves), or a narrower part of it, never wider: reaching
    another subtree means belonging to another organisation."""
    default = scope_root_for(org)
    if not scope_code or scope_code == default.code:
        return default
    scope = org_by_code(scope_code, field="scope")
    if not scope.path.startswith(default.path):
        raise ValidationFailed(
            f"Phạm vi công tác phải là {default.name} hoặc một tổ chức trực thuộc.",
            field="scope",
        )
    return scope


# What an account may never change about itself: who it is allowed to see.
OWN_ACCESS_FIELDS = {
    "roles": "vai trò",
    "clearance": "mức được tiếp cận bí mật",
    "organisation": "đơn vị",
    "scope": "phạm vi công tác",
}


def _refuse_own_access_change(
    actor: User | SystemPrincipal, user: User, before: dict[str, Any], after: dict[str, Any]
) -> None:
    """An administrator widens nobody's access by themselves, not even their own: another
    administrator must make that change (so two people see it happen)."""
    if actor.pk is None or actor.pk != user.pk:  # the system changes anyone
        return
    changed = [name for name in OWN_ACCESS_FIELDS if before[name] != after[name]]
    if changed:
        what = ", ".join(OWN_ACCESS_FIELDS[name] for name in changed)
        raise PermissionDeniedError(
            f"Không thể tự thay đổi {what} của chính mình: hãy nhờ một quản trị hệ thống khác.",
            field=changed[0],
        )


def _citizen_id(raw: str) -> str:
    value = "".join(raw.split())
    try:
        if value:
            CITIZEN_ID_VALIDATOR(value)
    except ValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), field="citizen_id") from exc
    return value


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), field="password") from exc


@transaction.atomic(durable=True)
def user_create(
    *,
    actor: User | SystemPrincipal,
    username: str,
    full_name: str,
    organisation_code: str,
    roles: Iterable[str],
    clearance: str | int = Classification.NONE,
    password: str | None = None,
    email: str = "",
    scope_code: str | None = None,
    citizen_id: str = "",
) -> User:
    """Create an account; without a password it cannot sign in until one is set. The scope
    defaults to the organisation's (see :func:`_scope_for`)."""
    _require_user_admin(actor)
    username = username.strip().lower()
    try:
        USERNAME_VALIDATOR(username)
    except ValidationError as exc:
        raise ValidationFailed(
            f"Tên đăng nhập không hợp lệ: {username!r}. " + " ".join(exc.messages),
            field="username",
        ) from exc
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(f"Tên đăng nhập {username!r} đã được dùng.", field="username")
    if not full_name.strip():
        raise ValidationFailed("Cần nhập họ và tên.", field="full_name")
    org = org_by_code(organisation_code)
    user = User(
        username=username,
        full_name=full_name.strip(),
        name_norm=normalize(full_name),
        email=email.strip(),
        citizen_id=_citizen_id(citizen_id),
        organisation=org,
        scope=_scope_for(org, scope_code),
        roles=parse_roles(roles),
        clearance=parse_clearance(clearance),
    )
    _refuse_conflicting_roles(user.roles)
    # A new account starts with no access; what was asked for waits for a second
    # administrator (grants.split), unless the system makes it.
    target = grants.Access.of(user)
    now, waiting = grants.split(actor, grants.Access(tuple(), 0, org.pk, user.scope_id), target)
    grants.apply(user, now)
    if password:
        _check_password(password, user)
        user.set_password(password)
        user.must_change_password = _someone_else(actor, user)
    else:
        user.set_unusable_password()
    with unique_as_error(f"Tên đăng nhập {username!r} đã được dùng.", field="username"):
        user.save()
    audit_record(
        actor=actor,
        action=AuditAction.USER_CREATE,
        obj=user,
        org=org,
        after=snapshot(user, USER_AUDIT_FIELDS),
    )
    if waiting is not None:
        assert isinstance(actor, User)
        grants.grant_request(actor=actor, user=user, target=waiting)
    return user


@transaction.atomic(durable=True)
def user_update(
    *,
    actor: User | SystemPrincipal,
    user: User,
    expected_version: int | None = None,
    full_name: str | None = None,
    email: str | None = None,
    citizen_id: str | None = None,
    organisation_code: str | None = None,
    roles: Iterable[str] | None = None,
    clearance: str | int | None = None,
    is_active: bool | None = None,
    scope_code: str | None = None,
) -> User:
    """Change an account. A stale ``expected_version`` is refused, never silently overwritten.

    ``scope_code`` "" is the organisation's own scope; a new organisation without a scope
    resets the scope to the organisation's. Nobody changes
    their own roles, clearance, organisation or scope, nor disables themselves."""
    _require_user_admin(actor)
    if User.objects.filter(pk=user.pk, roles__contains=[Role.SYSADMIN]).exists():
        # Changes to administrators are serialised, so two cannot remove each other at once.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADMIN_CHANGE_LOCK_KEY])
    locked = lock_for_edit(
        User.objects.select_related("organisation"),
        user.pk,
        expected_version,
        "Tài khoản vừa được người khác sửa. Hãy tải lại trang và nhập lại thay đổi.",
    )
    before = snapshot(locked, USER_AUDIT_FIELDS)
    current = grants.Access.of(locked)
    if full_name is not None:
        if not full_name.strip():
            raise ValidationFailed("Cần nhập họ và tên.", field="full_name")
        locked.full_name = full_name.strip()
        locked.name_norm = normalize(full_name)
    if email is not None:
        locked.email = email.strip()
    if citizen_id is not None:
        locked.citizen_id = _citizen_id(citizen_id)
    if organisation_code is not None:
        locked.organisation = org_by_code(organisation_code)
        locked.scope = _scope_for(locked.organisation, None)
    if scope_code is not None:
        locked.scope = _scope_for(locked.organisation, scope_code)
    if roles is not None:
        locked.roles = parse_roles(roles)
    if clearance is not None:
        locked.clearance = parse_clearance(clearance)
    if is_active is not None:
        if locked.pk == actor.pk and not is_active:
            raise ValidationFailed("Không thể tự khóa tài khoản của chính mình.", field="is_active")
        locked.is_active = is_active
    _refuse_own_access_change(actor, locked, before, snapshot(locked, USER_AUDIT_FIELDS))
    if roles is not None:  # an account given roles before the rule can still be disabled
        _refuse_conflicting_roles(locked.roles)
    # What widens access waits for a second administrator; the rest applies now.
    now, waiting = grants.split(actor, current, grants.Access.of(locked))
    grants.apply(locked, now)
    _keep_an_administrator(was=user_is_admin(before), now=locked)
    save_edit(
        locked,
        before=before,
        fields=USER_AUDIT_FIELDS,
        actor=actor,
        action=AuditAction.USER_UPDATE,
        org=locked.organisation,
    )
    if waiting is not None:
        assert isinstance(actor, User)
        grants.grant_request(actor=actor, user=locked, target=waiting)
    return locked


def user_is_admin(snap: dict[str, Any]) -> bool:
    return bool(snap["is_active"]) and Role.SYSADMIN in snap["roles"]


def _keep_an_administrator(*, was: bool, now: User) -> None:
    """Refuse a change that would leave no active system administrator."""
    if not was or (now.is_active and now.has_role(Role.SYSADMIN)):
        return
    others = User.objects.filter(is_active=True, roles__contains=[Role.SYSADMIN]).exclude(pk=now.pk)
    if not others.exists():
        raise ValidationFailed(
            "Phải còn ít nhất một quản trị hệ thống đang hoạt động.", field="roles"
        )


# A temporary password is read out or handed over: no look-alike characters (0/O, 1/l/I).
_TEMPORARY_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def temporary_password() -> str:
    """A random password to hand to someone once: four groups of four characters (about 93
    bits), which every password validator accepts."""
    return "-".join(
        "".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(4)) for _ in range(4)
    )


@transaction.atomic(durable=True)
def user_set_password(
    *, actor: User | SystemPrincipal, user: User, password: str, expected_version: int | None = None
) -> User:
    """Set a password (the user's own, or by the administrator); the audit keeps no secret.

    With ``expected_version``, refused if the account changed since the caller read it (an
    administrator must not hand out a password for an account someone just disabled)."""
    if actor.pk != user.pk:
        _require_user_admin(actor)
    locked = lock_for_edit(
        User.objects.all(),
        user.pk,
        expected_version,
        "Tài khoản vừa được người khác sửa. Hãy tải lại trang rồi đặt lại mật khẩu.",
    )
    return _set_password(actor, locked, password)


@transaction.atomic(durable=True)
def user_change_own_password(*, actor: User, current: str, new: str) -> User:
    """The signed-in user's own new password, given the current one (someone at an unlocked
    screen cannot change it); the same checks and record as any password set."""
    locked = User.objects.select_for_update().get(pk=actor.pk)
    if not locked.check_password(current):
        raise ValidationFailed("Mật khẩu hiện tại không đúng.", field="current")
    if current == new:
        raise ValidationFailed("Mật khẩu mới phải khác mật khẩu hiện tại.", field="new")
    return _set_password(locked, locked, new)


def _someone_else(actor: User | SystemPrincipal, user: User) -> bool:
    """Whether a person other than the account's owner chose its password (the system,
    a command run by the owner at the server, does not count)."""
    return actor.pk is not None and actor.pk != user.pk


def _set_password(actor: User | SystemPrincipal, locked: User, password: str) -> User:
    _check_password(password, locked)
    locked.set_password(password)
    locked.must_change_password = _someone_else(actor, locked)
    locked.version += 1
    locked.save(update_fields=["password", "must_change_password", "version"])
    # A new password ends what the old one let anyone set up: API tokens stop working.
    revoked = ApiToken.objects.filter(user=locked, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action=AuditAction.USER_SET_PASSWORD,
        obj=locked,
        after={"api_tokens_revoked": revoked, "must_change": locked.must_change_password},
    )
    return locked


def _token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic(durable=True)
def api_token_create(*, actor: User, name: str, days: int = 90) -> tuple[ApiToken, str]:
    """Create a token for the actor's own use; return it and the key, which is shown once."""
    if not name.strip():
        raise ValidationFailed("Cần đặt tên cho mã truy cập.", field="name")
    if not 1 <= days <= 366:
        raise ValidationFailed("Thời hạn từ 1 đến 366 ngày.", field="days")
    key = "bvct_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=name.strip(),
        prefix=key[:12],
        key_hash=_token_hash(key),
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    audit_record(
        actor=actor,
        action=AuditAction.TOKEN_CREATE,
        obj=token,
        after={"name": token.name, "prefix": token.prefix, "expires_at": token.expires_at},
    )
    return token, key


@transaction.atomic(durable=True)
def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    if token.user_id != actor.pk:
        _require_user_admin(actor)
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action=AuditAction.TOKEN_REVOKE, obj=locked)


def api_token_authenticate(key: str) -> User | None:
    """The active user owning a valid token, or None. Touches last_used_at at most each minute."""
    token = (
        ApiToken.objects.select_related("user__scope", "user__organisation")
        .filter(key_hash=_token_hash(key), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- sign-in throttling --------------------------------------------------------------------


def _throttle_key(username: str) -> str:
    return username.strip().lower()[:150]


def _ip_key(ip: str | None) -> str | None:
    return f"ip:{ip}" if ip else None


def _attempt_fingerprint(key: str) -> str:
    """Correlates repeated attempts on one unknown name without keeping what was typed
    (it is often a password typed into the wrong field)."""
    digest = hmac.new(settings.SECRET_KEY.encode(), key.encode(), hashlib.sha256).hexdigest()
    return digest[:16]


def _pair_key(username: str, ip: str | None) -> str:
    return f"pair:{ip or '-'}|{_throttle_key(username)}"[:150]


# What each kind of key's lock holds, for the page to say truthfully.
def _what(key: str) -> str:
    return "address" if key.startswith("ip:") else "pair" if key.startswith("pair:") else "name"


def login_lock(username: str, ip: str | None = None) -> tuple[dt.datetime, str] | None:
    """The lock in force on this name from this address, on the name, or on the address, if
    any: when it ends and what it holds ("pair", "name" or "address"), so the page says
    truthfully what is limited."""
    keys = [_pair_key(username, ip), _throttle_key(username), *filter(None, [_ip_key(ip)])]
    now = timezone.now()
    found = LoginThrottle.objects.filter(username_key__in=keys, locked_until__gt=now).values_list(
        "username_key", "locked_until"
    )
    return max(((end, _what(key)) for key, end in found if end), default=None)


def _count_failure(key: str, limit: int, *, growing: bool = False) -> dt.datetime | None:
    """One more failure on ``key``. At ``limit``: a lock for the lockout period and a new
    count (a name, an address); or, ``growing`` (a name from one address), past ``limit`` a
    delay that doubles with each further failure, up to the lockout period, the count kept
    until a sign-in."""
    LoginThrottle.objects.get_or_create(username_key=key)
    row = LoginThrottle.objects.select_for_update().get(username_key=key)
    now = timezone.now()
    row.failures += 1
    row.last_failure_at = now
    locked_until = None
    if growing and row.failures > limit:
        first = settings.BVCT_LOGIN_FIRST_DELAY_SECONDS
        delay = min(
            first * 2 ** min(row.failures - limit - 1, 20), settings.BVCT_LOGIN_LOCKOUT_SECONDS
        )
        locked_until = row.locked_until = now + dt.timedelta(seconds=delay)
    elif not growing and row.failures >= limit:
        locked_until = now + dt.timedelta(seconds=settings.BVCT_LOGIN_LOCKOUT_SECONDS)
        row.locked_until = locked_until
        row.failures = 0
    row.save()
    return locked_until


@transaction.atomic(durable=True)
def login_failure_record(
    *, username: str, user: User | None, ip: str | None = None
) -> tuple[dt.datetime, str] | None:
    """Count one failed sign-in for the name from this address (growing delays), for the name
    (a lock after the consecutive failures allowed) and for the address (a lock after too many
    across names).

    Returns the lock this failure put in force, if any: when it ends and what it holds.
    """
    key = _throttle_key(username)
    paired = _count_failure(
        _pair_key(username, ip), settings.BVCT_LOGIN_FREE_FAILURES, growing=True
    )
    locked = _count_failure(key, settings.BVCT_LOGIN_MAX_FAILURES)
    ip_key = _ip_key(ip)
    ip_locked = _count_failure(ip_key, settings.BVCT_LOGIN_MAX_FAILURES_PER_IP) if ip_key else None
    details: dict[str, Any] = {"account_exists": user is not None}
    if user is not None:
        details["username"] = user.username
    else:
        details["attempt"] = _attempt_fingerprint(key)
    if ip_locked is not None:
        details["address_locked_until"] = ip_locked
    if paired is not None:
        details["delayed_until"] = paired
    audit_record(
        actor=None,  # nobody is signed in
        action=AuditAction.LOGIN_LOCKED if locked or ip_locked else AuditAction.LOGIN_FAILED,
        object_type="accounts.user",
        object_id=str(user.public_id) if user else "",
        object_label=user.username if user else "",
        org=user.organisation if user else None,
        after=details,
    )
    if locked is not None:
        return locked, "name"
    if ip_locked is not None:
        return ip_locked, "address"
    return (paired, "pair") if paired is not None else None


@transaction.atomic(durable=True)
def password_change_failure_record(*, user: User, ip: str | None = None) -> dt.datetime | None:
    """A wrong current password on the page that changes one's own: counted with the failed
    sign-ins of that name from that address (the same growing delays), so whoever finds a
    session open cannot try passwords there without limit. Returns the delay it put in force."""
    paired = _count_failure(
        _pair_key(user.username, ip), settings.BVCT_LOGIN_FREE_FAILURES, growing=True
    )
    audit_record(
        actor=user,
        action=AuditAction.PASSWORD_CHANGE_FAILED,
        obj=user,
        org=user.organisation,
        after={"delayed_until": paired} if paired else {},
    )
    return paired


def login_refused_record(*, username: str, ip: str | None = None) -> None:
    """An attempt during a lock: counted on the lock rows, not logged one by one (an outsider
    must not be able to fill the audit trail by hammering the sign-in page)."""
    keys = [_pair_key(username, ip), _throttle_key(username), *filter(None, [_ip_key(ip)])]
    LoginThrottle.objects.filter(username_key__in=keys, locked_until__gt=timezone.now()).update(
        refused=F("refused") + 1
    )


def logout_record(*, user: User) -> None:
    audit_record(actor=user, action=AuditAction.LOGOUT, obj=user)


def session_expired_record(*, user: User, reason: str) -> None:
    audit_record(actor=user, action=AuditAction.SESSION_EXPIRED, obj=user, after={"reason": reason})


@transaction.atomic(durable=True)
def login_success_record(*, user: User, ip: str | None = None) -> None:
    """A sign-in: the name's count of failures starts again, and so does the address's (one
    office behind one address is not held to the failures of its other users once someone
    there signs in)."""
    keys = [_pair_key(user.username, ip), _throttle_key(user.username)]
    keys += filter(None, [_ip_key(ip)])
    LoginThrottle.objects.filter(username_key__in=keys).delete()
    audit_record(actor=user, action=AuditAction.LOGIN, obj=user)
