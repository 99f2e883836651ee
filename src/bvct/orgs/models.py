"""The organisation tree and management scope (phân cấp quản lý cán bộ)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bvct.core.models import PublicModel
from bvct.orgs.querysets import OrganisationQuerySet


class OrganisationKind(models.Model):
    """A kind of organisation (provincial committee, board, grassroots committee, cell...).

    Kinds are data an administrator can extend; the flags say what the code may rely on.
    """

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    is_committee = models.BooleanField(
        default=False, help_text=_("Cấp ủy: quản lý cán bộ và kết luận tiêu chuẩn chính trị.")
    )
    is_advisory = models.BooleanField(
        default=False,
        help_text=_(
            "Cơ quan tham mưu (vd. Ban Tổ chức): cán bộ làm việc trong phạm vi của cấp ủy."
        ),
    )
    is_agency = models.BooleanField(
        default=False, help_text=_("Cơ quan phối hợp (công an, quân sự, kiểm tra...).")
    )
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Organisation(PublicModel):
    """A node of the party's organisation tree, of any depth.

    ``path`` is a materialised path of internal ids ('/1/4/9/'): a subtree is one
    ``LIKE '/1/4/%'`` on an index, never recursion in Python.
    """

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(_("tên"), max_length=300)
    name_norm = models.CharField(max_length=300, editable=False, default="")
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    kind = models.ForeignKey(OrganisationKind, on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    is_active = models.BooleanField(default=True)
    # A committee's size, kept by the administrator: the quorum and the majority of its
    # conclusions are counted on it (never typed in by whoever signs).
    members_count = models.PositiveSmallIntegerField(_("tổng số ủy viên"), null=True, blank=True)
    standing_members_count = models.PositiveSmallIntegerField(
        _("số ủy viên ban thường vụ"), null=True, blank=True
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        indexes = [
            models.Index(fields=["path"], name="org_path_prefix", opclasses=["varchar_pattern_ops"])
        ]

    def __str__(self) -> str:
        return self.name


class ManagementTier(models.Model):
    """A management category of cadres (e.g. cadres managed by the provincial standing committee).

    Data, not code: provinces define their own tiers (DOMAIN.md §2, diện quản lý).
    """

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(_("tên"), max_length=300)
    rank = models.PositiveSmallIntegerField(help_text=_("1 = cấp cao nhất."))
    source = models.CharField(_("nguồn quy định"), max_length=300, blank=True)

    class Meta:
        ordering = ["rank", "code"]

    def __str__(self) -> str:
        return self.name


class ManagementScope(models.Model):
    """Who manages whom: ``managing_org`` manages ``tier`` cadres in ``subject_root``'s subtree.

    "Who may conclude for this person" is answered by ``orgs.selectors.competent_body_for``: the
    rule for the person's tier whose subject_root is the nearest ancestor of their organisation.
    """

    managing_org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="managed_scopes"
    )
    tier = models.ForeignKey(ManagementTier, on_delete=models.PROTECT, related_name="scopes")
    subject_root = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="managed_by_scopes"
    )
    source = models.CharField(_("nguồn quy định"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tier", "subject_root"], name="scope_unique_tier_root")
        ]

    def __str__(self) -> str:
        return f"{self.managing_org} → {self.tier} @ {self.subject_root}"
