"""Every write about posts, the catalogue, holdings and personnel decisions: each one
transaction that re-checks the actor's permission through the gate, locks what it changes,
refuses a stale version and writes its audit event with before and after."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from bvct.audit.constants import AuditAction
from bvct.audit.services import audit_record, snapshot
from bvct.core.constants import Action, Classification
from bvct.core.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
    unique_as_error,
)
from bvct.core.gate import SystemPrincipal
from bvct.core.submissions import submission_claim, submission_result
from bvct.core.text import normalize
from bvct.orgs.models import Organisation
from bvct.people.models import Dossier, Person
from bvct.positions.constants import (
    MAY_NAME_POST,
    NEEDS_CATALOGUE_ENTRY,
    NEEDS_MANAGEMENT_POST,
    NEEDS_POST,
    DecisionKind,
    DecisionStatus,
    HoldingKind,
    Tier,
)
from bvct.positions.models import (
    POSITION_GATE,
    CatalogueEntry,
    PersonnelDecision,
    Post,
    PostHolding,
)

if TYPE_CHECKING:
    from bvct.accounts.models import User

POST_FIELDS = ("organisation", "name", "tier", "is_management", "is_active")
ENTRY_FIELDS = (
    "kind", "organisation", "post", "name", "listing_number", "listing_date", "listing_issuer",
    "required_clearance", "classification", "is_active",
)  # fmt: skip
HOLDING_FIELDS = ("post", "kind", "starts_on", "ends_on", "note")
DECISION_FIELDS = (
    "kind", "post", "catalogue_entry", "deciding_org", "proposed_on", "reference", "note",
    "status",
)  # fmt: skip
STALE = "Mục này vừa được người khác sửa. Hãy tải lại trang rồi sửa lại."


# --- values, checked as pages, the API and the import give them -------------------------


def clean_text(value: Any, *, field: str, label: str, size: int, required: bool = True) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise ValidationFailed(f"Hãy nhập {label}.", field=field)
    if len(text) > size:
        raise ValidationFailed(f"{label.capitalize()} dài quá {size} ký tự.", field=field)
    return text


def clean_choice(value: Any, choices: Any, *, field: str, label: str) -> str:
    """A code (``HOLDS``) or its Vietnamese words (“Quy hoạch”, with or without diacritics)."""
    text = str(value or "").strip()
    if text.upper() in choices.values:
        return str(text.upper())
    by_words = {normalize(str(lab)): code for code, lab in choices.choices}
    found = by_words.get(normalize(text))
    if found is None:
        raise ValidationFailed(f"{label.capitalize()} không hợp lệ: “{text}”.", field=field)
    return str(found)


def clean_level(value: Any, *, field: str, label: str) -> int:
    try:
        return int(Classification.parse(value if value not in (None, "") else 0))
    except ValueError as exc:
        raise ValidationFailed(
            f"{label.capitalize()} không hợp lệ: “{value}”.", field=field
        ) from exc


def clean_date(value: Any, *, field: str, label: str, not_after_today: bool = True) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        text = str(value or "").strip()
        if not text:
            raise ValidationFailed(f"Hãy nhập {label}.", field=field)
        try:
            value = dt.datetime.strptime(text, "%d/%m/%Y").date()
        except ValueError:
            try:
                value = dt.date.fromisoformat(text)
            except ValueError as exc:
                raise ValidationFailed(
                    f"{label.capitalize()} không hợp lệ: “{text}” (ghi dạng ngày/tháng/năm).",
                    field=field,
                ) from exc
    if not_after_today and value > timezone.localdate():
        raise ValidationFailed(f"{label.capitalize()} ở sau hôm nay.", field=field)
    return value


# --- helpers -------------------------------------------------------------------------------


def _require_position_change(actor: Any, org_path: str, classification: int, message: str) -> None:
    if not POSITION_GATE.allows(
        actor, Action.CHANGE, org_path=org_path, classification=classification
    ):
        raise PermissionDeniedError(message)


def _locked(model: Any, obj: Any, expected_version: int | None) -> Any:
    locked = (
        model.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=obj.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(STALE)
    return locked


def _event(
    *,
    actor: Any,
    action: str,
    obj: Any,
    org: Organisation,
    classification: int = 0,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        object_label=str(obj),
        org=org,
        classification=classification,
        before=before,
        after=after,
    )


def _dossier_event(
    *,
    actor: Any,
    action: str,
    dossier: Dossier,
    obj: Any,
    label: str,
    classification: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """An event about a person's holding or decision: named by the dossier's subject (so the
    dossier's access log finds it), under its managing organisation, at least at the
    dossier's level."""
    subject = Person.objects.only("public_id", "full_name").get(dossier=dossier, is_subject=True)
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        object_label=f"{subject.full_name} ({label})",
        org=dossier.managing_org,
        subject_id=subject.public_id,
        classification=max(dossier.classification, classification or 0),
        before=before,
        after=after,
    )


def _dossier_for_change(actor: Any, dossier: Dossier) -> Dossier:
    """The dossier as it is now, if the actor may change it; else refused exactly as a
    dossier that does not exist (nothing tells that it does)."""
    found = (
        Dossier.objects.visible_to(actor, Action.CHANGE)
        .select_related("managing_org")
        .filter(pk=dossier.pk)
        .first()
    )
    if found is None:
        raise NotFoundError()
    return found


def _visible_post(actor: Any, post: Post | None, *, field: str = "post") -> Post | None:
    if post is None:
        return None
    found = Post.objects.visible_to(actor).select_related("organisation").filter(pk=post.pk).first()
    if found is None or not found.is_active:
        raise ValidationFailed("Không có chức vụ này (hoặc đã thôi sử dụng).", field=field)
    return found


# --- posts ---------------------------------------------------------------------------------


def _refuse_same_post(organisation: Organisation, name_norm: str, exclude: int | None) -> None:
    same = Post.objects.filter(organisation=organisation, name_norm=name_norm, is_active=True)
    if exclude is not None:
        same = same.exclude(pk=exclude)
    if same.exists():
        raise ValidationFailed("Tổ chức này đã có chức vụ cùng tên.", field="name")


@transaction.atomic(durable=True)
def post_create(
    *,
    actor: User | SystemPrincipal,
    organisation: Organisation,
    name: str,
    tier: str,
    is_management: bool = False,
) -> Post:
    """A post of an organisation in the actor's scope."""
    name = clean_text(name, field="name", label="tên chức vụ", size=300)
    tier = clean_choice(tier, Tier, field="tier", label="cấp")
    _require_position_change(
        actor, organisation.path, 0, "Bạn không được lập chức vụ của tổ chức này."
    )
    _refuse_same_post(organisation, normalize(name)[:300], None)
    with unique_as_error("Tổ chức này đã có chức vụ cùng tên.", field="name"):
        post = Post.objects.create(
            organisation=organisation,
            name=name,
            name_norm=normalize(name)[:300],
            tier=tier,
            is_management=bool(is_management),
            org_path=organisation.path,
        )
    _event(
        actor=actor,
        action=AuditAction.POST_CREATE,
        obj=post,
        org=organisation,
        after=snapshot(post, POST_FIELDS),
    )
    return post


@transaction.atomic(durable=True)
def post_update(
    *,
    actor: User | SystemPrincipal,
    post: Post,
    expected_version: int,
    name: str | None = None,
    tier: str | None = None,
    is_management: bool | None = None,
) -> Post:
    """Rename a post, change its tier or management flag (None: keep)."""
    locked = _locked(Post, post, expected_version)
    _require_position_change(
        actor, locked.org_path, 0, "Bạn không được sửa chức vụ của tổ chức này."
    )
    if not locked.is_active:
        raise ConflictError("Chức vụ đã thôi sử dụng.")
    before = snapshot(locked, POST_FIELDS)
    if name is not None:
        locked.name = clean_text(name, field="name", label="tên chức vụ", size=300)
        locked.name_norm = normalize(locked.name)[:300]
        _refuse_same_post(locked.organisation, locked.name_norm, locked.pk)
    if tier is not None:
        locked.tier = clean_choice(tier, Tier, field="tier", label="cấp")
    if is_management is not None:
        locked.is_management = bool(is_management)
    after = snapshot(locked, POST_FIELDS)
    if after == before:
        return locked
    locked.version += 1
    with unique_as_error("Tổ chức này đã có chức vụ cùng tên.", field="name"):
        locked.save()
    _event(
        actor=actor,
        action=AuditAction.POST_UPDATE,
        obj=locked,
        org=locked.organisation,
        before=before,
        after=after,
    )
    return locked


@transaction.atomic(durable=True)
def post_close(*, actor: User | SystemPrincipal, post: Post, expected_version: int) -> Post:
    """The post is no longer used (kept for the holdings and decisions that name it).
    Refused while an active catalogue entry names it."""
    locked = _locked(Post, post, expected_version)
    _require_position_change(
        actor, locked.org_path, 0, "Bạn không được sửa chức vụ của tổ chức này."
    )
    if not locked.is_active:
        raise ConflictError("Chức vụ đã thôi sử dụng.")
    if CatalogueEntry.objects.filter(post=locked, is_active=True).exists():
        raise ConflictError(
            "Chức vụ đang có trong danh mục trọng yếu, cơ mật; hãy đưa mục đó ra khỏi danh "
            "mục trước."
        )
    before = snapshot(locked, POST_FIELDS)
    locked.is_active = False
    locked.version += 1
    locked.save(update_fields=["is_active", "version", "updated_at"])
    _event(
        actor=actor,
        action=AuditAction.POST_CLOSE,
        obj=locked,
        org=locked.organisation,
        before=before,
        after=snapshot(locked, POST_FIELDS),
    )
    return locked


# --- holdings -------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def holding_create(
    *,
    actor: User | SystemPrincipal,
    dossier: Dossier,
    post: Post,
    kind: str,
    starts_on: dt.date | str,
    ends_on: dt.date | str | None = None,
    note: str = "",
) -> PostHolding:
    """The person holds, is planned for or is a candidate for a post from ``starts_on``.
    Refused for a dossier outside the actor's reach exactly as for a missing one."""
    dossier = _dossier_for_change(actor, dossier)
    found = _visible_post(actor, post)
    assert found is not None
    kind = clean_choice(kind, HoldingKind, field="kind", label="hình thức")
    start = clean_date(starts_on, field="starts_on", label="ngày bắt đầu", not_after_today=False)
    end = None
    if ends_on not in (None, ""):
        end = clean_date(ends_on, field="ends_on", label="ngày kết thúc", not_after_today=False)
        if end < start:
            raise ValidationFailed("Ngày kết thúc trước ngày bắt đầu.", field="ends_on")
    note = clean_text(note, field="note", label="ghi chú", size=500, required=False)
    open_same = PostHolding.objects.filter(
        dossier=dossier, post=found, kind=kind, ends_on__isnull=True
    )
    if end is None and open_same.exists():
        raise ValidationFailed(
            "Người này đã có dòng cùng chức vụ, cùng hình thức chưa kết thúc.", field="post"
        )
    holding = PostHolding.objects.create(
        dossier=dossier,
        post=found,
        kind=kind,
        starts_on=start,
        ends_on=end,
        note=note,
        created_by=actor.public_id,
    )
    _dossier_event(
        actor=actor,
        action=AuditAction.HOLDING_CREATE,
        dossier=dossier,
        obj=holding,
        label=f"{holding.get_kind_display()}: {found.name}",
        after=snapshot(holding, HOLDING_FIELDS),
    )
    return holding


@transaction.atomic(durable=True)
def holding_end(
    *,
    actor: User | SystemPrincipal,
    holding: PostHolding,
    ends_on: dt.date | str,
    expected_version: int | None = None,
) -> PostHolding:
    """The holding (or planning, or candidacy) ended on ``ends_on``."""
    locked = (
        PostHolding.objects.select_for_update(of=("self",))
        .select_related("post", "dossier")
        .get(pk=holding.pk)
    )
    dossier = _dossier_for_change(actor, locked.dossier)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(STALE)
    if locked.ends_on is not None:
        raise ConflictError("Dòng này đã kết thúc.")
    end = clean_date(ends_on, field="ends_on", label="ngày kết thúc")
    if end < locked.starts_on:
        raise ValidationFailed("Ngày kết thúc trước ngày bắt đầu.", field="ends_on")
    before = snapshot(locked, HOLDING_FIELDS)
    locked.ends_on = end
    locked.version += 1
    locked.save(update_fields=["ends_on", "version", "updated_at"])
    _dossier_event(
        actor=actor,
        action=AuditAction.HOLDING_END,
        dossier=dossier,
        obj=locked,
        label=f"{locked.get_kind_display()}: {locked.post.name}",
        before=before,
        after=snapshot(locked, HOLDING_FIELDS),
    )
    return locked


# --- personnel decisions --------------------------------------------------------------------


def _decision_targets(
    actor: Any, kind: str, post: Post | None, entry: CatalogueEntry | None
) -> tuple[Post | None, CatalogueEntry | None]:
    """The post and catalogue entry a decision of ``kind`` names, checked against the kind
    and against what the actor may see."""
    label = DecisionKind(kind).label
    if kind in NEEDS_CATALOGUE_ENTRY:
        if entry is None:
            raise ValidationFailed(
                f"Quyết định “{label}” phải chọn mục trong danh mục trọng yếu, cơ mật.",
                field="catalogue_entry",
            )
    elif entry is not None:
        raise ValidationFailed(
            f"Quyết định “{label}” không gắn với danh mục trọng yếu, cơ mật.",
            field="catalogue_entry",
        )
    if entry is not None:
        found = (
            CatalogueEntry.objects.visible_to(actor)
            .select_related("post", "organisation")
            .filter(pk=entry.pk, is_active=True)
            .first()
        )
        if found is None:
            raise ValidationFailed(
                "Không có mục này trong danh mục trọng yếu, cơ mật.", field="catalogue_entry"
            )
        entry = found
        if entry.post_id is not None:
            if post is not None and post.pk != entry.post_id:
                raise ValidationFailed(
                    "Chức vụ khác với vị trí của mục danh mục đã chọn.", field="post"
                )
            post = entry.post
    if post is None and kind in NEEDS_POST:
        raise ValidationFailed(f"Quyết định “{label}” phải chọn chức vụ.", field="post")
    if post is not None and kind not in MAY_NAME_POST:
        raise ValidationFailed(f"Quyết định “{label}” không gắn với chức vụ.", field="post")
    post = _visible_post(actor, post)
    if post is not None and kind in NEEDS_MANAGEMENT_POST and not post.is_management:
        raise ValidationFailed(
            f"“{post.name}” không phải chức vụ lãnh đạo, quản lý: không thể “{label}”.",
            field="post",
        )
    return post, entry


@transaction.atomic(durable=True)
def decision_record(
    *,
    actor: User | SystemPrincipal,
    dossier: Dossier,
    kind: str,
    post: Post | None = None,
    catalogue_entry: CatalogueEntry | None = None,
    deciding_org: Organisation,
    proposed_on: dt.date | str,
    reference: str = "",
    note: str = "",
    submission_token: uuid.UUID | None = None,
) -> PersonnelDecision:
    """Record a personnel decision proposed about the dossier's person.

    Refused: a dossier outside the actor's reach to change (exactly as a missing one), a
    post or catalogue entry the kind does not take or requires (``constants.NEEDS_POST``...),
    an appointment to a post that is no leadership or management post, a proposing body the
    actor may not see, a date after today. ``submission_token``: the form's one-time token
    (``core.submissions``); a second submission of it records nothing and raises
    ``AlreadySubmitted`` with this decision."""
    submission_claim(actor=actor, token=submission_token)
    dossier = _dossier_for_change(actor, dossier)
    kind = clean_choice(kind, DecisionKind, field="kind", label="loại quyết định")
    post, entry = _decision_targets(actor, kind, post, catalogue_entry)
    body = Organisation.objects.visible_to(actor).filter(pk=deciding_org.pk).first()
    if body is None:
        raise ValidationFailed("Không có cơ quan đề xuất này.", field="deciding_org")
    decision = PersonnelDecision.objects.create(
        dossier=dossier,
        kind=kind,
        post=post,
        catalogue_entry=entry,
        deciding_org=body,
        proposed_on=clean_date(proposed_on, field="proposed_on", label="ngày đề xuất"),
        reference=clean_text(
            reference, field="reference", label="số văn bản", size=60, required=False
        ),
        note=clean_text(note, field="note", label="ghi chú", size=1000, required=False),
        created_by=actor.public_id,
        created_by_username=actor.username,
    )
    _dossier_event(
        actor=actor,
        action=AuditAction.DECISION_RECORD,
        dossier=dossier,
        obj=decision,
        label=str(decision.get_kind_display()),
        classification=entry.classification if entry else 0,
        after=snapshot(decision, DECISION_FIELDS),
    )
    submission_result(actor=actor, token=submission_token, result=decision.public_id)
    return decision


@transaction.atomic(durable=True)
def decision_withdraw(
    *,
    actor: User | SystemPrincipal,
    decision: PersonnelDecision,
    reason: str,
    expected_version: int | None = None,
) -> PersonnelDecision:
    """The proposal is withdrawn (kept, with why)."""
    locked = (
        PersonnelDecision.objects.select_for_update(of=("self",))
        .select_related("dossier", "catalogue_entry")
        .get(pk=decision.pk)
    )
    dossier = _dossier_for_change(actor, locked.dossier)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(STALE)
    if locked.status != DecisionStatus.PROPOSED:
        raise ConflictError("Đề xuất này đã được rút.")
    reason = clean_text(reason, field="reason", label="lý do rút", size=500)
    before = snapshot(locked, DECISION_FIELDS)
    locked.status = DecisionStatus.WITHDRAWN
    locked.withdrawn_at = timezone.now()
    locked.withdrawn_reason = reason
    locked.version += 1
    locked.save(
        update_fields=["status", "withdrawn_at", "withdrawn_reason", "version", "updated_at"]
    )
    entry = locked.catalogue_entry
    _dossier_event(
        actor=actor,
        action=AuditAction.DECISION_WITHDRAW,
        dossier=dossier,
        obj=locked,
        label=str(locked.get_kind_display()),
        classification=entry.classification if entry else 0,
        before=before,
        after=snapshot(locked, DECISION_FIELDS) | {"reason": reason},
    )
    return locked
