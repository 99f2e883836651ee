"""Posts, the key/classified catalogue, who holds or is planned for a post, and the personnel
decisions proposed about a person with a dossier. Data only: whether a decision needs or has
a conclusion is the vetting app's business."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from bvct.core.constants import Action, Classification
from bvct.core.gate import GateQuerySet, ScopeRule
from bvct.core.models import PublicModel
from bvct.orgs.models import Organisation
from bvct.people.models import DOSSIER_GATE, Dossier
from bvct.positions.constants import (
    CatalogueKind,
    DecisionKind,
    DecisionStatus,
    HoldingKind,
    Tier,
)

# Posts and catalogue entries: rows of an organisation, read within one's scope, kept by
# whoever may change that scope's data (BVCTNB officers), up to their clearance.
POSITION_GATE = ScopeRule(actions=frozenset({Action.VIEW, Action.CHANGE}))


class PostQuerySet(GateQuerySet["Post"]):
    gate = POSITION_GATE


class CatalogueQuerySet(GateQuerySet["CatalogueEntry"]):
    gate = POSITION_GATE


class DossierRowQuerySet(GateQuerySet[Any]):
    """Holdings and decisions are about a person: visible and changeable as their dossier."""

    gate = DOSSIER_GATE
    gate_lookup = ("dossier",)


def _gate_index(name: str) -> models.Index:
    return models.Index(
        fields=["org_path", "classification"],
        name=name,
        opclasses=["varchar_pattern_ops", "int2_ops"],
    )


class Post(PublicModel):
    """A post (chức vụ) of an organisation: its tier, and whether it is a leadership or
    management post (lãnh đạo, quản lý)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("tên chức vụ"), max_length=300)
    name_norm = models.CharField(max_length=300, editable=False)
    tier = models.CharField(_("cấp"), max_length=12, choices=Tier.choices)
    is_management = models.BooleanField(_("lãnh đạo, quản lý"), default=False)
    # The organisation's path, copied: the gate is one indexed condition on this table.
    org_path = models.CharField(max_length=255, editable=False)
    # Posts are not secret (the gate's level column; kept 0).
    classification = models.PositiveSmallIntegerField(default=Classification.NONE, editable=False)
    is_active = models.BooleanField(default=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        indexes = [_gate_index("post_gate")]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name_norm"],
                condition=Q(is_active=True),
                name="post_name_per_org",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CatalogueEntry(PublicModel):
    """An entry of the catalogue of key and classified bodies, units and posts (danh mục cơ
    quan, bộ phận, vị trí trọng yếu, cơ mật), with the decision that listed it and the
    clearance whoever works there must hold. The catalogue itself may be secret
    (``classification``)."""

    kind = models.CharField(_("loại"), max_length=6, choices=CatalogueKind.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.PROTECT, related_name="catalogue_entries"
    )
    name = models.CharField(_("tên"), max_length=300)
    name_norm = models.CharField(max_length=300, editable=False)
    listing_number = models.CharField(_("số, ký hiệu quyết định"), max_length=60)
    listing_date = models.DateField(_("ngày quyết định"))
    listing_issuer = models.CharField(_("cơ quan ban hành"), max_length=300)
    required_clearance = models.PositiveSmallIntegerField(
        _("mức tiếp cận bí mật yêu cầu"), choices=Classification.choices
    )
    classification = models.PositiveSmallIntegerField(
        _("độ mật của mục"), choices=Classification.choices, default=Classification.NONE
    )
    org_path = models.CharField(max_length=255, editable=False)
    is_active = models.BooleanField(default=True)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        indexes = [_gate_index("catalogue_gate")]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "name_norm"],
                condition=Q(is_active=True),
                name="catalogue_name_per_org",
            ),
            models.CheckConstraint(
                condition=Q(kind=CatalogueKind.POST, post__isnull=False)
                | (~Q(kind=CatalogueKind.POST) & Q(post__isnull=True)),
                name="catalogue_post_iff_kind_post",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PostHolding(PublicModel):
    """Someone holds, is planned for (quy hoạch) or is a candidate for a post, from a date
    (to a date, once ended)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="holdings")
    kind = models.CharField(_("hình thức"), max_length=10, choices=HoldingKind.choices)
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    created_by = models.UUIDField(null=True, editable=False)

    objects = DossierRowQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="holding_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.post_id}"


class PersonnelDecision(PublicModel):
    """A personnel decision proposed about a person with a dossier (kết nạp, quy hoạch, bổ
    nhiệm...), by the body proposing it. It is recorded and may be withdrawn; whether a valid
    conclusion covers it is computed by vetting, never stored here."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("loại quyết định"), max_length=24, choices=DecisionKind.choices)
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    catalogue_entry = models.ForeignKey(
        CatalogueEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    deciding_org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    proposed_on = models.DateField(_("ngày đề xuất"))
    reference = models.CharField(_("số văn bản đề xuất"), max_length=60, blank=True)
    note = models.CharField(_("ghi chú"), max_length=1000, blank=True)
    status = models.CharField(
        max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.PROPOSED
    )
    created_by = models.UUIDField(null=True, editable=False)
    created_by_username = models.CharField(max_length=150, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_reason = models.CharField(max_length=500, blank=True)

    objects = DossierRowQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_on", "-id"]

    def __str__(self) -> str:
        return str(self.get_kind_display())
