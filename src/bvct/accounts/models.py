"""Users, API tokens and failed-login counters."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.postgres.fields import ArrayField
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bvct.core.constants import Action, Classification, Role
from bvct.core.gate import GateQuerySet, active_user, may
from bvct.orgs.models import Organisation

USERNAME_VALIDATOR = RegexValidator(
    r"^[a-z0-9][a-z0-9._-]{2,63}$",
    _("Tên đăng nhập gồm 3–64 ký tự: chữ thường không dấu, số, dấu chấm, gạch dưới, gạch ngang."),
)

CITIZEN_ID_VALIDATOR = RegexValidator(r"^[0-9]{12}$", _("Số CCCD gồm đúng 12 chữ số."))


class UserQuerySet(GateQuerySet["User"]):
    def visible_to(self, user: Any, action: str = Action.VIEW) -> UserQuerySet:
        actor = active_user(user)
        if actor is None:
            return self.none()
        if may(actor, Action.ADMINISTER):
            return self.all()
        if action == Action.VIEW and may(actor, Action.AUDIT):
            # Auditors look people up by who acted: the accounts of their scope.
            return self.filter(Q(organisation__path__startswith=actor.scope_path) | Q(pk=actor.pk))
        if action == Action.VIEW:
            return self.filter(pk=actor.pk)
        return self.none()


class UserManager(BaseUserManager["User"]):
    def get_queryset(self) -> UserQuerySet:
        return UserQuerySet(self.model, using=self._db)

    def visible_to(self, user: Any, action: str = Action.VIEW) -> UserQuerySet:
        return self.get_queryset().visible_to(user, action)


class User(AbstractBaseUser):
    """An official who signs in: one organisation, some roles, one clearance level.

    ``scope`` is the organisation whose subtree the user works in (for staff of an advisory
    board, the committee it serves); the gate filters on ``scope.path``.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    username = models.CharField(
        _("tên đăng nhập"), max_length=64, unique=True, validators=[USERNAME_VALIDATOR]
    )
    full_name = models.CharField(_("họ và tên"), max_length=200)
    # The name as searched (core.text.normalize): no diacritics, lower case.
    name_norm = models.CharField(max_length=200, editable=False, default="")
    email = models.EmailField(_("thư điện tử"), blank=True)
    # The official's own citizen ID (CCCD): how casework knows that an account's holder is not
    # the person a case is about nor one of their relatives (vetting: verifiers and signers).
    citizen_id = models.CharField(
        _("số CCCD"), max_length=12, blank=True, validators=[CITIZEN_ID_VALIDATOR]
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="members", verbose_name=_("đơn vị")
    )
    scope = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    roles = ArrayField(models.CharField(max_length=32, choices=Role.choices), default=list)
    clearance = models.PositiveSmallIntegerField(
        _("mức được tiếp cận bí mật"), choices=Classification.choices, default=Classification.NONE
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    # Set when another person (an administrator) chose the password: that person knows it, so
    # the account works only to change it until its owner has (accounts.middleware).
    must_change_password = models.BooleanField(default=False)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.username})"

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def scope_path(self) -> str:
        return self.scope.path

    @property
    def scope_depth(self) -> int:
        return self.scope.depth


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the key is shown once."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True)
    revoked_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class LoginThrottle(models.Model):
    """Consecutive failed sign-ins per submitted username (whether or not the account exists)
    and per client address (key ``ip:<address>``)."""

    username_key = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True)
    locked_until = models.DateTimeField(null=True)
    refused = models.PositiveIntegerField(
        default=0, help_text="Attempts refused during locks (not logged one by one)."
    )

    def __str__(self) -> str:
        return f"{self.username_key}: {self.failures}"


class AccessGrantQuerySet(GateQuerySet["AccessGrant"]):
    def visible_to(self, user: Any, action: str = Action.VIEW) -> AccessGrantQuerySet:
        """Administrators decide on requests; auditors read those about accounts of their
        scope (the same accounts they may look up)."""
        actor = active_user(user)
        if actor is None:
            return self.none()
        if may(actor, Action.ADMINISTER):
            return self.all()
        if action == Action.VIEW and may(actor, Action.AUDIT):
            return self.filter(user__organisation__path__startswith=actor.scope_path)
        return self.none()


class AccessGrant(models.Model):
    """A widening of an account's access that waits for a second administrator (two-person
    rule, docs/permissions.md): roles added, clearance raised, organisation or scope moved
    while the account holds a working role. It records the access asked for whole; confirming
    it applies that access, provided the account's access has not changed since."""

    class Status(models.TextChoices):
        PENDING = "PENDING", _("Chờ xác nhận")
        CONFIRMED = "CONFIRMED", _("Đã xác nhận")
        REFUSED = "REFUSED", _("Bị từ chối")
        WITHDRAWN = "WITHDRAWN", _("Đã rút lại")
        SUPERSEDED = "SUPERSEDED", _("Được thay bằng đề nghị sau")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="access_grants")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    scope = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    roles = ArrayField(models.CharField(max_length=32, choices=Role.choices), default=list)
    clearance = models.PositiveSmallIntegerField(choices=Classification.choices)
    # The access the account had when asked: confirming is refused if it has changed since.
    base_access = models.JSONField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True)
    reason = models.CharField(max_length=500, blank=True)

    objects = AccessGrantQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="PENDING"),
                name="access_grant_one_pending_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.status}"
