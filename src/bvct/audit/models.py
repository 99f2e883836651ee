"""The append-only, hash-chained audit trail."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.db.models import Q

from bvct.core.constants import Action, Classification
from bvct.core.gate import GateQuerySet, active_user


class AuditEventQuerySet(GateQuerySet["AuditEvent"]):
    def visible_to(self, user: Any, action: str = Action.VIEW) -> AuditEventQuerySet:
        from bvct.accounts.constants import Role

        actor = active_user(user)
        if actor is None or action != Action.VIEW or not actor.has_role(Role.AUDITOR):
            return self.none()
        # Auditors read what happened in their scope, up to their clearance. Events with no
        # organisation (system-wide configuration) belong to the top of the tree.
        in_scope = Q(org_path__startswith=actor.scope_path)
        if actor.scope_depth == 0:
            in_scope |= Q(org_path="")
        return self.filter(in_scope, classification__lte=actor.clearance)


class AuditEvent(models.Model):
    """One thing that happened: who did what to which object, when, from where.

    Rows are written only through :func:`bvct.audit.services.audit_record`; a trigger assigns
    ``seq`` (gapless), ``occurred_at``, ``prev_hash`` and ``hash`` under an advisory lock, and
    another trigger rejects UPDATE, DELETE and TRUNCATE. Objects are named by type and public id,
    never by foreign key, so the trail outlives what it describes.
    """

    seq = models.BigIntegerField(primary_key=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    occurred_at = models.DateTimeField(db_index=True)
    actor_public_id = models.UUIDField(null=True, db_index=True)
    actor_username = models.CharField(max_length=150, blank=True)
    org_public_id = models.UUIDField(null=True)
    org_path = models.CharField(max_length=255, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_public_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=300, blank=True)
    subject_public_id = models.UUIDField(
        null=True, db_index=True, help_text="The person the data is about, if any."
    )
    classification = models.PositiveSmallIntegerField(
        choices=Classification.choices, default=Classification.NONE
    )
    before = models.JSONField(null=True)
    after = models.JSONField(null=True)
    request_id = models.CharField(max_length=64, blank=True)
    client_addr = models.GenericIPAddressField(null=True)
    prev_hash = models.BinaryField(max_length=32)
    hash = models.BinaryField(max_length=32)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["object_type", "object_public_id"], name="audit_object"),
            models.Index(
                fields=["org_path"], name="audit_org_path", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["action", "occurred_at"], name="audit_action_time"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_public_id}"

    @property
    def hash_hex(self) -> str:
        return bytes(self.hash).hex()

    @property
    def prev_hash_hex(self) -> str:
        return bytes(self.prev_hash).hex()
