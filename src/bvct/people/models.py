"""Dossiers, the persons in them, their versioned declarations, and links between persons."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bvct.core.constants import Action, Classification
from bvct.core.gate import GateQuerySet, ScopeRule
from bvct.core.ids import uuid7
from bvct.core.models import PublicModel
from bvct.orgs.models import ManagementTier, Organisation
from bvct.people.constants import (
    DeclarationStatus,
    DossierStatus,
    LinkReason,
    LinkStatus,
    Sex,
)
from bvct.people.dates import PartialDate

# Dossier data: rows carrying the dossier's organisation path and classification.
DOSSIER_GATE = ScopeRule(actions=frozenset({Action.VIEW, Action.CHANGE}))


class DossierQuerySet(GateQuerySet["Dossier"]):
    gate = DOSSIER_GATE


class PersonQuerySet(GateQuerySet["Person"]):
    # Persons carry their dossier's organisation path and classification, so this is the
    # same single condition, on the person table's own indexed columns.
    gate = DOSSIER_GATE


class DossierChildQuerySet(GateQuerySet[Any]):
    """Rows that belong to one dossier (declarations, changes, batch and listing items):
    visible as their dossier is."""

    gate = DOSSIER_GATE
    gate_lookup = ("dossier",)


class PersonLinkQuerySet(GateQuerySet["PersonLink"]):
    """A link is visible when both of its persons are."""

    gate = DOSSIER_GATE
    gate_lookup = ("person_a", "person_b")


class BatchQuerySet(GateQuerySet[Any]):
    """Import and export batches and listings: records of what someone did to many dossiers
    at once (the file, the search asked, the purpose), read as the trail is: visible to whoever
    may read the batch's own audit event (its organisation's auditors, up to the level that
    event carries: an export's or a listing's most secret name; an import's names no dossier
    and carries none). Its items stay behind their own dossiers' gate."""

    def visible_to(self, user: Any, action: str = Action.VIEW) -> BatchQuerySet:
        from bvct.audit.models import AuditEvent

        if action != Action.VIEW:
            return self.none()  # records are written once, never changed
        events = (
            AuditEvent.objects.visible_to(user)
            .filter(object_type=self.model._meta.label_lower)
            .values("object_public_id")
        )
        return self.alias(key=Cast("public_id", CharField())).filter(key__in=events)


class RelationKind(models.Model):
    """A relation to the managed person, as the lý lịch lists them (data, editable).

    ``generation`` orders ages: a relative of generation +1 (parent) must be born before the
    subject, -1 (child) after. ``verified`` says whether verification covers this relation
    (DOMAIN.md §3, configurable).
    """

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    side = models.CharField(
        max_length=10, choices=[("SELF", "Bên mình"), ("SPOUSE", "Bên vợ/chồng")]
    )
    generation = models.SmallIntegerField()
    verified = models.BooleanField(default=False)
    sort_order = models.PositiveSmallIntegerField(default=100)
    source = models.CharField(max_length=300, blank=True)
    aliases = models.CharField(
        max_length=500,
        blank=True,
        help_text="Other spellings an import accepts, separated by ';' (e.g. Bố đẻ; Bố).",
    )

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Dossier(PublicModel):
    """Everything held on one managed person (hồ sơ). The subject is its Person with
    ``is_subject``; relatives are its other Persons."""

    managing_org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    tier = models.ForeignKey(
        ManagementTier, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    classification = models.PositiveSmallIntegerField(
        choices=Classification.choices, default=Classification.NONE
    )
    current_posts = models.TextField(_("chức vụ hiện nay"), blank=True)
    status = models.CharField(
        max_length=10, choices=DossierStatus.choices, default=DossierStatus.ACTIVE
    )
    declaration_count = models.PositiveIntegerField(default=0)
    # NULL (not "") for dossiers not imported: the unique constraint ignores NULLs.
    import_ref = models.CharField(  # noqa: DJ001
        _("mã hồ sơ khi nhập"),
        max_length=64,
        null=True,
        blank=True,
        help_text=_("Mã của hồ sơ trong tệp nhập: nhập lại cùng tệp sẽ cập nhật đúng hồ sơ."),
    )
    # The last import that wrote this dossier: the SHA-256 of its rows as staged (every value
    # the import writes from) and the version it left. An import of the same rows into the
    # dossier still at that version would change nothing, and leaves it alone
    # (import_write._apply); any other change of the dossier raises the version.
    imported_rows_sha256 = models.CharField(
        max_length=64, blank=True, db_default="", editable=False
    )
    # No CHECK (a PositiveIntegerField's): adding the column is then a catalogue change only,
    # not a scan of every dossier under an exclusive lock.
    imported_version = models.IntegerField(null=True, blank=True, editable=False)

    objects = DossierQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["managing_org", "import_ref"], name="dossier_import_ref"
            )
        ]
        indexes = [
            models.Index(
                fields=["org_path", "classification"],
                name="dossier_gate",
                opclasses=["varchar_pattern_ops", "int2_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"Hồ sơ {self.public_id}"


class Person(models.Model):
    """Someone the system knows: a managed cadre or party member, or a relative they declared.

    Each row belongs to one dossier; the same human in two dossiers is two rows joined by a
    confirmed :class:`PersonLink`. Dates may be partial (year, month-year, or full).
    """

    public_id = models.UUIDField(default=uuid7, unique=True, editable=False)
    # No index of their own: person_dossier (dossier, is_subject) serves every lookup by
    # dossier, and nothing looks persons up by relation (a relation kind is never deleted).
    # Each index of this table costs every import of a million persons.
    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="persons", db_index=False
    )
    is_subject = models.BooleanField(default=False)
    relation = models.ForeignKey(
        RelationKind,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    declared = models.BooleanField(
        default=True, help_text="Still in the dossier's current declaration."
    )
    full_name = models.CharField(_("họ và tên"), max_length=200)
    other_names = models.CharField(_("tên gọi khác"), max_length=200, blank=True)
    name_norm = models.CharField(max_length=200, editable=False)
    family_norm = models.CharField(max_length=50, editable=False)
    given_norm = models.CharField(max_length=50, editable=False)
    name_sort = models.CharField(max_length=400, editable=False, db_collation="C")
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True)
    birth_year = models.SmallIntegerField(null=True, blank=True)
    birth_month = models.SmallIntegerField(null=True, blank=True)
    birth_day = models.SmallIntegerField(null=True, blank=True)
    death_year = models.SmallIntegerField(null=True, blank=True)
    death_month = models.SmallIntegerField(null=True, blank=True)
    death_day = models.SmallIntegerField(null=True, blank=True)
    # NULL, not "", for "not declared": the check constraint and the index skip NULLs.
    citizen_id = models.CharField(_("số CCCD"), max_length=12, null=True, blank=True)  # noqa: DJ001
    party_card_no = models.CharField(_("số thẻ đảng viên"), max_length=20, blank=True)
    birthplace = models.CharField(_("nơi sinh"), max_length=300, blank=True)
    birthplace_ward = models.IntegerField(null=True, blank=True)
    hometown = models.CharField(_("quê quán"), max_length=300, blank=True)
    hometown_ward = models.IntegerField(null=True, blank=True)
    hometown_norm = models.CharField(max_length=300, editable=False, blank=True)
    residence = models.CharField(_("nơi ở hiện nay"), max_length=300, blank=True)
    ethnicity = models.CharField(_("dân tộc"), max_length=50, blank=True)
    religion = models.CharField(_("tôn giáo"), max_length=50, blank=True)
    nationality = models.CharField(_("quốc tịch"), max_length=50, blank=True)
    occupation = models.CharField(_("nghề nghiệp"), max_length=200, blank=True)
    # The dossier's scope and classification, copied so the gate is one condition here.
    org_path = models.CharField(max_length=255, editable=False)
    classification = models.PositiveSmallIntegerField(default=Classification.NONE)

    objects = PersonQuerySet.as_manager()

    class Meta:
        indexes = [
            # Ordered by the sort key and covering the gate's columns: a name search reads
            # one page of index entries in order and checks visibility without the table.
            # ``id`` last: people with the same name have the same sort key, and the search
            # orders by (name_sort, id); without it PostgreSQL must sort every namesake.
            models.Index(
                fields=["name_norm", "name_sort", "id"],
                name="person_name_sorted",
                include=["org_path", "classification", "birth_year", "is_subject"],
            ),
            models.Index(
                fields=["given_norm", "name_sort", "id"],
                name="person_given_sorted",
                include=["org_path", "classification", "name_norm", "birth_year", "is_subject"],
            ),
            # The same by given name within an organisation's subtree: an officer who sees
            # one commune finds a middle + given name ("Văn Hùng") among that commune's
            # persons of the given name, not the province's.
            models.Index(
                fields=["given_norm", "org_path"],
                name="person_given_scoped",
                include=[
                    "name_norm",
                    "name_sort",
                    "id",
                    "classification",
                    "birth_year",
                    "is_subject",
                ],
                opclasses=["varchar_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["citizen_id"], name="person_cccd"),
            models.Index(fields=["dossier", "is_subject"], name="person_dossier"),
            models.Index(
                fields=["org_path"], name="person_org_path", opclasses=["varchar_pattern_ops"]
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"], condition=Q(is_subject=True), name="one_subject_per_dossier"
            ),
            models.CheckConstraint(
                condition=Q(citizen_id__isnull=True) | Q(citizen_id__regex=r"^[0-9]{12}$"),
                name="person_cccd_12_digits",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def birth(self) -> PartialDate | None:
        return PartialDate.from_parts(self.birth_year, self.birth_month, self.birth_day)

    @property
    def death(self) -> PartialDate | None:
        return PartialDate.from_parts(self.death_year, self.death_month, self.death_day)


class Declaration(models.Model):
    """One version of a person's lý lịch. Submitted versions never change (a trigger refuses
    edits to ``content``); a new version supersedes the previous one."""

    public_id = models.UUIDField(default=uuid7, unique=True, editable=False)
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="declarations")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=DeclarationStatus.choices)
    content = models.JSONField()
    submitted_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.UUIDField(null=True)
    submitted_by_username = models.CharField(max_length=150, blank=True)

    objects = DossierChildQuerySet.as_manager()

    class Meta:
        ordering = ["dossier", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "number"], name="declaration_number"),
            models.UniqueConstraint(
                fields=["dossier"],
                condition=Q(status=DeclarationStatus.SUBMITTED),
                name="one_current_declaration",
            ),
        ]

    def __str__(self) -> str:
        return f"Bản khai số {self.number}"


class PersonLink(models.Model):
    """A proposed or decided "same human" link between persons of two dossiers.

    Nothing is linked without an officer's decision: the system only proposes.
    """

    public_id = models.UUIDField(default=uuid7, unique=True, editable=False)
    person_a = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=24, choices=LinkReason.choices)
    status = models.CharField(
        max_length=10, choices=LinkStatus.choices, default=LinkStatus.PROPOSED
    )
    decided_at = models.DateTimeField(null=True)
    decided_by = models.UUIDField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PersonLinkQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="link_pair"),
            models.CheckConstraint(
                condition=Q(person_a__lt=models.F("person_b")), name="link_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_a_id} ~ {self.person_b_id} ({self.status})"


class ImportBatch(models.Model):
    """One import of a file: who, which organisation, what the file was, what it changed.

    The audit trail holds one event per batch; the batch's items name every dossier it touched.
    """

    public_id = models.UUIDField(default=uuid7, unique=True, editable=False)
    managing_org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    actor = models.UUIDField(null=True)
    actor_username = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # A check (or a refused import): nothing was written, but the file was compared with the
    # existing dossiers its items name (outcome "checked"), which is a read of them.
    dry_run = models.BooleanField(default=False)

    objects = BatchQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.file_name} ({self.rows} dòng)"


class DossierChange(models.Model):
    """A change of the dossier's own fields (classification, current posts): when, by whom,
    through what, what they were and became. The dossier's history beside its declarations'
    versions. The audit chain holds the same: a page's edit as its own event, an import's rows
    sealed by their SHA-256 in the import's event."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="changes")
    # The import that made the change (its audit event seals the batch's rows); None: a page.
    batch = models.ForeignKey(
        "ImportBatch", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    actor = models.UUIDField(null=True)
    actor_username = models.CharField(max_length=150, blank=True)
    via = models.CharField(max_length=10)  # page (pages and API), import
    before = models.JSONField()  # {"classification": "MAT", "current_posts": "..."}
    after = models.JSONField()

    objects = DossierChildQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.changed_at:%d/%m/%Y %H:%M}"


class ImportBatchItem(models.Model):
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="items")
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="+")
    # created, updated; checked (a check compared the dossier, nothing written). A dossier's
    # batches are found through the foreign key's own index.
    outcome = models.CharField(max_length=10)
    # A check's: the dossier's version it compared the file with. An import of the checked
    # file refuses the dossier unless it still has this version (no clock involved).
    version = models.PositiveIntegerField(null=True)

    objects = DossierChildQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.batch_id}: {self.dossier_id} {self.outcome}"


class ExportBatch(models.Model):
    """One export of the dossier list: who, what filter, and (in its items) which dossiers.

    Its audit event carries the SHA-256 of the exported dossiers' ids, so the items (kept here
    to be looked up per dossier) are as tamper-evident as the chained event itself.
    """

    public_id = models.UUIDField(default=uuid7, unique=True, editable=False)
    org_code = models.CharField(max_length=64, blank=True)
    # The search the list followed (name, birth year, home town, organisation, relatives) and
    # the highest level the exporter chose to include.
    filters = models.JSONField(default=dict)
    ceiling = models.PositiveSmallIntegerField(null=True)
    # The file's secrecy mark: the highest classification of what it holds.
    classification = models.PositiveSmallIntegerField(default=0, choices=Classification.choices)
    purpose = models.CharField(max_length=20, blank=True)  # constants.ExportPurpose
    purpose_detail = models.CharField(max_length=300, blank=True)
    rows = models.PositiveIntegerField()
    dossiers_sha256 = models.CharField(max_length=64)
    actor = models.UUIDField(null=True)
    actor_username = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BatchQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Xuất {self.rows} hồ sơ ({self.created_at:%d/%m/%Y})"

    @property
    def purpose_text(self) -> str:
        from bvct.people.constants import ExportPurpose

        label = str(ExportPurpose(self.purpose).label) if self.purpose else ""
        if self.purpose_detail:
            return f"{label}: {self.purpose_detail}" if label else self.purpose_detail
        return label


class ExportBatchItem(models.Model):
    batch = models.ForeignKey(ExportBatch, on_delete=models.PROTECT, related_name="items")
    # A dossier's exports are found through the foreign key's own index.
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="+")

    objects = DossierChildQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.batch_id}: {self.dossier_id}"


class Listing(models.Model):
    """One page of search results or of the dossier list as someone was shown it; its items
    name whose names were on it, so a dossier's access log shows every list it appeared in,
    not only the times it was opened.

    Who, when and what was asked are in the listing's audit event (``dossier.search``, object
    ``people.listing``), which the access log shows them from; the event also seals the kind,
    the count and the SHA-256 of the shown persons' public ids (sorted, joined by newlines),
    and ``verify_batches`` checks the rows here against it.
    """

    class Kind(models.TextChoices):
        SEARCH = "search", _("Tra cứu")
        LIST = "list", _("Danh sách hồ sơ")

    public_id = models.UUIDField(default=uuid7, unique=True, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    rows = models.PositiveIntegerField()
    persons_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BatchQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.rows} ({self.created_at:%d/%m/%Y})"


class ListingItem(models.Model):
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="items")
    # A dossier's latest searches (or list pages) come from one index, newest first, hence the
    # listing's kind here too; the person says whose name it was (the member's or a
    # relative's). Persons are never deleted: no index of its own.
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="+", db_index=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", db_index=False)
    kind = models.CharField(max_length=10, choices=Listing.Kind.choices)

    objects = DossierChildQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["dossier", "kind", "-listing"], name="listing_item_dossier")
        ]

    def __str__(self) -> str:
        return f"{self.listing_id}: {self.person_id}"
