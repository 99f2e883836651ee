"""Every write about dossiers, persons and declarations, each one transaction with its audit."""

from __future__ import annotations

import functools
import hashlib
import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.db import OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from bvct.audit.constants import AuditAction
from bvct.audit.services import audit_record
from bvct.core.constants import Action, Classification
from bvct.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from bvct.core.gate import SystemPrincipal
from bvct.core.ids import uuid7
from bvct.core.submissions import submission_claim, submission_result
from bvct.core.text import collation_key_str, normalize
from bvct.orgs.models import ManagementTier
from bvct.orgs.selectors import org_by_code
from bvct.people.constants import DeclarationStatus, ExportPurpose, LinkStatus
from bvct.people.dates import PartialDate
from bvct.people.declarations import DeclarationInvalid, clean_content
from bvct.people.diff import declaration_diff
from bvct.people.duplicates import warn_of_likely_duplicates
from bvct.people.models import (
    DOSSIER_GATE,
    Declaration,
    Dossier,
    DossierChange,
    ExportBatch,
    Listing,
    Person,
    PersonLink,
    RelationKind,
)
from bvct.people.places import ward_of
from bvct.people.proposals import links_propose

F = TypeVar("F", bound=Callable[..., Any])

if TYPE_CHECKING:
    from bvct.accounts.models import User


def relation_generations() -> dict[str, int]:
    return dict(RelationKind.objects.values_list("code", "generation"))


def name_fields(full_name: str) -> dict[str, str]:
    """The search and sort columns derived from a full name."""
    norm = normalize(full_name)
    tokens = norm.split()
    return {
        "name_norm": norm[:200],
        "family_norm": (tokens[0] if len(tokens) > 1 else "")[:50],
        "given_norm": (tokens[-1] if tokens else "")[:50],
        "name_sort": collation_key_str(full_name)[:400],
    }


def hometown_key(hometown: str) -> str:
    """The home town as link proposals compare it (normalised, within the column's size)."""
    return normalize(hometown)[:300]


def _date_fields(prefix: str, text: str) -> dict[str, int | None]:
    date = PartialDate.parse(text)
    return {
        f"{prefix}_year": date.year if date else None,
        f"{prefix}_month": date.month if date else None,
        f"{prefix}_day": date.day if date else None,
    }


_PERSON_TEXT = (
    "birthplace",
    "hometown",
    "residence",
    "ethnicity",
    "religion",
    "nationality",
    "occupation",
)


def _fill_person(person: Person, data: dict[str, Any], dossier: Dossier) -> None:
    person.full_name = data["full_name"]
    for key, value in name_fields(data["full_name"]).items():
        setattr(person, key, value)
    person.sex = data.get("sex", "")
    dates = {**_date_fields("birth", data["birth"]), **_date_fields("death", data["death"])}
    for key, number in dates.items():
        setattr(person, key, number)
    person.citizen_id = data.get("citizen_id") or None
    for key in _PERSON_TEXT:
        setattr(person, key, data.get(key, ""))
    person.hometown_norm = hometown_key(person.hometown)
    person.other_names = data.get("other_names", "")
    person.party_card_no = data.get("party_card_no", "")
    # The member's units are in the declaration (checked there); relatives' from their text.
    person.birthplace_ward = data.get("birthplace_ward", ward_of(person.birthplace))
    person.hometown_ward = data.get("hometown_ward", ward_of(person.hometown))
    person.org_path = dossier.org_path
    person.classification = dossier.classification


def _require_editor(actor: User | SystemPrincipal, org_path: str, classification: int) -> None:
    if not DOSSIER_GATE.allows(
        actor, Action.CHANGE, org_path=org_path, classification=classification
    ):
        raise PermissionDeniedError(
            "Bạn không được lập hoặc sửa hồ sơ của tổ chức này (ngoài phạm vi hoặc mức mật)."
        )


def _sync_persons(dossier: Dossier, content: dict[str, Any]) -> list[int]:
    """Make the dossier's persons match the content; return ids of new or changed persons."""
    current = {
        str(p.public_id): p
        for p in Person.objects.filter(dossier=dossier)
        .select_related("relation")
        .select_for_update(of=("self",))
    }
    relations = dict(RelationKind.objects.values_list("code", "pk"))
    touched: list[int] = []
    subject = next((p for p in current.values() if p.is_subject), None) or Person(
        dossier=dossier, is_subject=True
    )
    _fill_person(subject, content["identity"], dossier)
    subject.declared = True
    subject.save()
    touched.append(subject.pk)
    kept = {str(subject.public_id)}
    claimed = {entry["person"] for entry in content["relatives"] if entry["person"]}
    for entry in content["relatives"]:
        if entry["person"]:
            person = current.get(entry["person"])
            if person is None or person.is_subject:
                raise DeclarationInvalid(
                    [(f"relatives ({entry['full_name']}).person", "không thuộc hồ sơ này")]
                )
        else:
            # Declared again without its record's id (an API client, a retyped entry), or
            # removed earlier and entered again: the same record (its links too), not a copy.
            person = _same_relative(current, kept | claimed, entry) or Person(dossier=dossier)
        _fill_person(person, entry, dossier)
        person.relation_id = relations[entry["relation"]]
        person.declared = True
        person.save()
        entry["person"] = str(person.public_id)
        kept.add(str(person.public_id))
        touched.append(person.pk)
    gone = [p.pk for key, p in current.items() if key not in kept and p.declared]
    if gone:
        Person.objects.filter(pk__in=gone).update(declared=False)
    return touched


def _same_relative(
    current: dict[str, Person], taken: set[str], entry: dict[str, Any]
) -> Person | None:
    """The dossier's record of this relative when the entry names none: the same relation,
    name and birth year, not yet taken by another entry (one to one, so two same-named
    siblings born the same year stay two); one still declared first, else a retired one."""
    birth = PartialDate.parse(entry["birth"])
    norm = normalize(entry["full_name"])
    candidates = [
        person
        for key, person in current.items()
        if key not in taken
        and not person.is_subject
        and person.relation is not None
        and person.relation.code == entry["relation"]
        and person.name_norm == norm
        and person.birth_year == (birth.year if birth else None)
    ]
    candidates.sort(key=lambda p: (not p.declared, p.pk))
    return candidates[0] if candidates else None


def _classification(raw: str | int) -> Classification:
    try:
        return Classification.parse(raw)
    except ValueError as exc:
        raise ValidationFailed(f"Mức mật không hợp lệ: {raw!r}.", field="classification") from exc


def _locked_for_editing(actor: User | SystemPrincipal, dossier: Dossier) -> Dossier:
    """The dossier locked for a change, after the table lock every dossier write takes first
    (an import's order), and only for an officer who may edit it as it now is."""
    _lock_dossiers_for_writing()
    locked = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("managing_org")
        .get(pk=dossier.pk)
    )
    _require_editor(actor, locked.org_path, locked.classification)
    return locked


def _check_visible_after(actor: User | SystemPrincipal, dossier: Dossier) -> None:
    # STYLE rule 3: a write must not leave the object outside the actor's own view.
    if not Dossier.objects.visible_to(actor).filter(pk=dossier.pk).exists():
        raise PermissionDeniedError("Thao tác sẽ đưa hồ sơ ra ngoài phạm vi của bạn.")


def _refuse_second_dossier(
    actor: User | SystemPrincipal, cleaned: dict[str, Any], dossier: Any, before: str | None = None
) -> None:
    """A managed person has one dossier: a member whose citizen ID is the subject's of another
    dossier the author may see is refused, naming it (enter a new version there). One the
    author may not see is not named, nor refused (that would tell it exists): the link
    proposal between the two records goes to whoever may see both. A new version is held to
    this only when it changes the number (``before``): two dossiers that already share one,
    opened by authors who could not see each other's, must stay writable."""
    number = cleaned["identity"]["citizen_id"]
    if not number or number == before:
        return
    with connection.cursor() as cursor:  # two saves of one number: one after the other
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", ["subject-cccd " + number])
    persons = Person.objects.visible_to(actor)
    other = (
        persons.filter(is_subject=True, citizen_id=number)
        .exclude(dossier=dossier)
        .select_related("dossier__managing_org")
        .first()
    )
    if other is not None:
        raise SecondDossier(number, other)


class SecondDossier(DeclarationInvalid):
    """The member of this declaration is another dossier's subject (a visible one, named)."""

    def __init__(self, number: str, other: Person) -> None:
        super().__init__(
            [
                (
                    "identity.citizen_id",
                    f"số CCCD {number} là của {other.full_name}, người được quản lý trong một "
                    f"hồ sơ khác ({other.dossier.managing_org.name}): mỗi người chỉ có một hồ "
                    "sơ, hãy nhập bản khai vào hồ sơ đó",
                )
            ]
        )
        self.number = number
        self.other = other


def _records_who_a_refusal_named(service: F) -> F:
    """A refusal that names another dossier's member shows a name, as a search would: after
    the refused transaction has rolled back, that is put on the record (a listing and its
    event, in their own transaction), then the refusal goes on to the caller."""

    @functools.wraps(service)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return service(*args, **kwargs)
        except SecondDossier as exc:
            actor = kwargs.get("actor")
            if getattr(actor, "pk", None) is not None:  # an account, not the system
                dossier_listing_record(  # its own transaction
                    actor=actor,  # type: ignore[arg-type]
                    kind=Listing.Kind.SEARCH,
                    filters={"citizen_id": exc.number},
                    persons=[exc.other],
                )
            raise

    return cast(F, run)


@_records_who_a_refusal_named
@transaction.atomic(durable=True)
def dossier_create(
    *,
    actor: User | SystemPrincipal,
    managing_org_code: str,
    content: Any,
    classification: str | int = Classification.NONE,
    tier_code: str | None = None,
    current_posts: str = "",
    confirm_not_duplicate: bool = False,
    submission: uuid.UUID | None = None,
) -> Dossier:
    """Open a dossier for a managed person, with their first declaration.

    Refused (``duplicates.LikelyDuplicate``) when a dossier the author sees has a member of
    the same name and date of birth, unless ``confirm_not_duplicate``: the author says it is
    another person. ``submission``: the form's one-time token (``core.submissions``); a second
    submission of it makes nothing and raises ``AlreadySubmitted`` with this dossier."""
    submission_claim(actor=actor, token=submission)
    org = org_by_code(managing_org_code, field="managing_org", user=actor)
    level = _classification(classification)
    _require_editor(actor, org.path, level)
    tier = None
    if tier_code:
        tier = ManagementTier.objects.filter(code=tier_code).first()
        if tier is None:
            raise ValidationFailed(f"Không có diện quản lý mã {tier_code!r}.", field="tier")
    cleaned = clean_content(content, relation_kinds=relation_generations())
    _lock_dossiers_for_writing()
    _refuse_second_dossier(actor, cleaned, None)
    warn_of_likely_duplicates(actor, cleaned, confirmed=confirm_not_duplicate)
    dossier = Dossier.objects.create(
        managing_org=org,
        org_path=org.path,
        tier=tier,
        classification=level,
        current_posts=current_posts.strip(),
        declaration_count=1,
    )
    touched = _sync_persons(dossier, cleaned)
    Declaration.objects.create(
        dossier=dossier,
        number=1,
        status=DeclarationStatus.SUBMITTED,
        content=cleaned,
        submitted_by=actor.public_id,
        submitted_by_username=actor.username,
    )
    # Proposals are not counted in the event: matches in dossiers its readers may not see
    # would be told by the number.
    links_propose(touched)
    _dossier_event(
        actor=actor,
        action=AuditAction.DOSSIER_CREATE,
        dossier=dossier,
        after={
            "managing_org": org.code,
            "classification": level.name,
            "relatives": len(cleaned["relatives"]),
        }
        | ({"confirmed_not_duplicate": True} if confirm_not_duplicate else {}),
    )
    _check_visible_after(actor, dossier)
    submission_result(actor=actor, token=submission, result=dossier.public_id)
    return dossier


DOSSIER_WRITE_LOCK = "LOCK TABLE people_dossier IN ROW EXCLUSIVE MODE"
IMPORT_LOCK_WAIT = "5s"  # how long a page's save waits for an import before saying so


def _lock_dossiers_for_writing() -> None:
    """The table lock an import waits for (imports.import_dossiers), taken before any other
    write: a save and an import then queue in one order instead of each holding what the
    other needs. An import holds it while it checks and writes: wait a few seconds, then say
    so (the page keeps what the officer typed)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [IMPORT_LOCK_WAIT])
        try:
            cursor.execute(DOSSIER_WRITE_LOCK)
        except OperationalError as exc:
            if getattr(exc.__cause__, "sqlstate", None) != "55P03":  # lock_not_available
                raise
            raise ConflictError(
                "Hồ sơ đang được cập nhật bởi một lượt nhập tệp; hãy lưu lại sau ít phút "
                "(nội dung bạn nhập vẫn còn trên trang)."
            ) from exc
        cursor.execute("SET LOCAL lock_timeout = DEFAULT")


def dossier_fields(dossier: Dossier) -> dict[str, str]:
    """The dossier's own fields as its history and audit events record them."""
    return {
        "classification": Classification(dossier.classification).name,
        "current_posts": dossier.current_posts,
    }


@transaction.atomic(durable=True)
def dossier_update(
    *,
    actor: User | SystemPrincipal,
    dossier: Dossier,
    expected_version: int,
    classification: str | int | None = None,
    current_posts: str | None = None,
) -> Dossier:
    """Change the dossier's classification or current posts (None: keep). ``expected_version``
    is the version the officer saw: a change made meanwhile (a declaration, an import, another
    officer's edit) refuses this one instead of being overwritten. A classification above the
    officer's own clearance is refused (the dossier would leave their view)."""
    level = None if classification is None else _classification(classification)
    locked = _locked_for_editing(actor, dossier)
    if locked.version != expected_version:
        raise ConflictError(
            "Hồ sơ vừa được người khác sửa (hoặc có bản khai, lượt nhập mới). "
            "Hãy xem lại hồ sơ rồi sửa lại."
        )
    before = dossier_fields(locked)
    if level is not None:
        _require_editor(actor, locked.org_path, level)
        locked.classification = level
    if current_posts is not None:
        locked.current_posts = current_posts.strip()
    after = dossier_fields(locked)
    if after == before:
        return locked
    locked.version += 1
    locked.save(update_fields=["classification", "current_posts", "version", "updated_at"])
    if before["classification"] != after["classification"]:
        # Persons carry their dossier's classification for the gate and the search index.
        Person.objects.filter(dossier=locked).update(classification=locked.classification)
    DossierChange.objects.create(
        dossier=locked,
        actor=actor.public_id,
        actor_username=actor.username,
        via="page",
        before=before,
        after=after,
    )
    _dossier_event(
        actor=actor,
        action=AuditAction.DOSSIER_UPDATE,
        dossier=locked,
        classification=max(Classification[before["classification"]], locked.classification),
        before=before,
        after=after,
    )
    return locked


@_records_who_a_refusal_named
@transaction.atomic(durable=True)
def declaration_submit(
    *,
    actor: User | SystemPrincipal,
    dossier: Dossier,
    content: Any,
    expected_number: int,
    submission: uuid.UUID | None = None,
) -> Declaration:
    """A new version of the lý lịch; the previous one is kept unchanged and superseded.

    ``expected_number`` is the version the author started from: if someone submitted another
    version meanwhile, this one is refused rather than silently replacing theirs.
    ``submission``: the form's one-time token, as for :func:`dossier_create`.
    """
    submission_claim(actor=actor, token=submission)
    locked = _locked_for_editing(actor, dossier)
    if locked.declaration_count != expected_number:
        raise ConflictError(
            f"Hồ sơ vừa có bản khai số {locked.declaration_count} do người khác nộp. "
            "Hãy xem bản mới nhất rồi nhập lại thay đổi."
        )
    cleaned = clean_content(content, relation_kinds=relation_generations())
    before = Person.objects.filter(dossier=locked, is_subject=True).values_list(
        "citizen_id", flat=True
    )
    _refuse_second_dossier(actor, cleaned, locked, before.first())
    previous = Declaration.objects.get(dossier=locked, status=DeclarationStatus.SUBMITTED)
    Declaration.objects.filter(pk=previous.pk).update(status=DeclarationStatus.SUPERSEDED)
    touched = _sync_persons(locked, cleaned)
    if cleaned == previous.content:
        # Rolled back whole (the persons' records too): a version must say something new. (A
        # new order of the same entries is new: the comparison does not list it, the page does.)
        raise ValidationFailed(
            f"Bản khai không khác bản số {previous.number}: không có gì để nộp.", field="content"
        )
    number = locked.declaration_count + 1
    declaration = Declaration.objects.create(
        dossier=locked,
        number=number,
        status=DeclarationStatus.SUBMITTED,
        content=cleaned,
        submitted_by=actor.public_id,
        submitted_by_username=actor.username,
    )
    locked.declaration_count = number
    locked.version += 1
    locked.save(update_fields=["declaration_count", "version", "updated_at"])
    links_propose(touched)  # not counted in the event (see dossier_create)
    changes = declaration_diff(previous.content, cleaned)
    _dossier_event(
        actor=actor,
        action=AuditAction.DECLARATION_SUBMIT,
        dossier=locked,
        obj=declaration,
        label=f": bản khai số {number}",
        before={"number": previous.number},
        after={
            "number": number,
            "changes": [c.as_dict() for c in changes][:200],
        },
    )
    submission_result(actor=actor, token=submission, result=declaration.public_id)
    return declaration


@transaction.atomic(durable=True)
def dossier_listing_record(
    *, actor: User, kind: str, filters: dict[str, Any], persons: Sequence[Person]
) -> None:
    """A search (``kind`` search) or a page of the dossier list (list) shows people's names:
    who asked for what is on the record, and the listing names each person shown (one row
    each, so a dossier's access log finds every list it appeared in); the audit event seals
    the kind, the count and the persons' SHA-256, at the level of the most secret name shown
    as it stands when the record is written."""
    shown = {p.pk: p for p in persons}.values()  # a person once, whatever the list's layout
    digest = hashlib.sha256("\n".join(sorted(str(p.public_id) for p in shown)).encode()).hexdigest()
    public_id = uuid7()
    with connection.cursor() as cursor:  # one statement: a search page waits for it
        cursor.execute(
            """WITH listing AS (
                   INSERT INTO people_listing (public_id, kind, rows, persons_sha256, created_at)
                   VALUES (%(id)s, %(kind)s, %(rows)s, %(digest)s, now()) RETURNING id),
               items AS (
                   INSERT INTO people_listingitem (listing_id, dossier_id, person_id, kind)
                   SELECT listing.id, p.dossier_id, p.id, %(kind)s
                   FROM listing, people_person p WHERE p.id = ANY(%(persons)s)
                   RETURNING person_id)
               SELECT coalesce(max(p.classification), 0) FROM items
               JOIN people_person p ON p.id = items.person_id""",
            {"id": public_id, "kind": kind, "rows": len(shown), "digest": digest,
             "persons": [p.pk for p in shown]},
        )  # fmt: skip
        highest = cursor.fetchone()[0]
    audit_record(
        actor=actor,
        action=AuditAction.DOSSIER_SEARCH,
        classification=highest,
        object_type="people.listing",
        object_id=str(public_id),
        after={k: v for k, v in filters.items() if v not in ("", None, False)}
        | {"kind": kind, "results": len(shown), "persons_sha256": digest},
    )


@transaction.atomic
def dossier_export_record(
    *,
    actor: User,
    dossiers: list[tuple[int, uuid.UUID]],
    rows: int | None = None,
    filters: dict[str, Any] | None = None,
    ceiling: int | None = None,
    marked: int | None = None,
    purpose: str = "",
    purpose_detail: str = "",
) -> ExportBatch:
    """An export read every dossier in it: the batch names them (one row each, so a dossier's
    access log finds the exports it was in) with the search it followed and its purpose, and
    the audit event seals the list's SHA-256.

    Refused (nothing recorded, so the file is not handed out) when it holds a dossier above
    the exporter's clearance, or above the level the file was marked with (``marked``)."""
    if purpose and purpose not in ExportPurpose.values:
        raise ValidationFailed("Mục đích xuất không hợp lệ.", field="purpose")
    unique = dict(dossiers)  # a dossier once, whatever number of its persons the list shows
    digest = hashlib.sha256(
        "\n".join(sorted(str(public_id) for public_id in unique.values())).encode()
    ).hexdigest()
    filters = {k: v for k, v in (filters or {}).items() if v not in ("", None, False)}
    batch = ExportBatch.objects.create(
        org_code=filters.get("org", ""),
        filters=filters,
        ceiling=ceiling,
        purpose=purpose,
        purpose_detail=purpose_detail.strip(),
        rows=len(dossiers) if rows is None else rows,
        dossiers_sha256=digest,
        actor=actor.public_id,
        actor_username=actor.username,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO people_exportbatchitem (batch_id, dossier_id)
               SELECT %s, unnest(%s::bigint[])""",
            [batch.pk, list(unique)],
        )
        cursor.execute(
            """SELECT coalesce(max(d.classification), 0) FROM people_exportbatchitem i
               JOIN people_dossier d ON d.id = i.dossier_id WHERE i.batch_id = %s""",
            [batch.pk],
        )
        highest = cursor.fetchone()[0]
    level = Classification(highest).label
    if highest > actor.clearance:
        raise PermissionDeniedError(
            f"Không xuất được: danh sách có hồ sơ mức {level}, cao hơn mức bạn được tiếp cận "
            f"({Classification(actor.clearance).label})."
        )
    if marked is not None and highest > marked:
        # A dossier was raised while the file was written: its mark would understate it.
        raise ConflictError(
            f"Danh sách vừa thay đổi (có hồ sơ mức {level}, cao hơn mức ghi trên tệp); "
            "hãy xuất lại."
        )
    ExportBatch.objects.filter(pk=batch.pk).update(classification=highest)
    audit_record(
        actor=actor,
        action=AuditAction.DOSSIER_EXPORT,
        classification=highest,  # the event is as classified as the most secret dossier in it
        object_type="people.exportbatch",
        object_id=str(batch.public_id),
        after={
            "org": filters.get("org") or None,
            "rows": batch.rows,
            "dossiers_sha256": digest,
            "filters": filters,
            "ceiling": ceiling,
            "classification": highest,
            "purpose": purpose,
            "purpose_detail": batch.purpose_detail,
        },
    )
    return batch


def dossier_linked_reads_record(*, actor: User, viewed: Dossier, dossier_ids: set[int]) -> None:
    """A dossier's links tab shows persons of other dossiers (name, relation, how they are
    described there): each of those dossiers' access logs records that read too."""
    others = dossier_ids - {viewed.pk}
    if not others:
        return  # most dossiers: no link to show, no transaction to open
    subjects = (
        Person.objects.filter(dossier_id__in=others, is_subject=True)
        .select_related("dossier__managing_org")
        .order_by("dossier_id")
    )
    with transaction.atomic():  # one commit for all of them, not one per linked dossier
        for subject in subjects:
            dossier_read_record(
                actor=actor,
                dossier=subject.dossier,
                subject=subject,
                part=f"liên kết thân nhân, xem từ hồ sơ {viewed.public_id}",
            )


def dossier_read_record(*, actor: User, dossier: Dossier, subject: Person, part: str = "") -> None:
    """Every read of a dossier is on the record (DOMAIN.md §1)."""
    _dossier_event(
        actor=actor,
        action=AuditAction.DOSSIER_VIEW,
        dossier=dossier,
        subject=subject,
        label=f" ({part})" if part else "",
    )


def _dossier_event(
    *,
    actor: User | SystemPrincipal,
    action: str,
    dossier: Dossier,
    obj: Any = None,
    subject: Person | None = None,
    label: str = "",
    classification: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """An event about a dossier (``obj``: the dossier or one of its records): named by its
    subject, so the dossier's access log finds it, filed under its managing organisation,
    whose auditors read it, at the dossier's level unless told otherwise."""
    if subject is None:
        subject = Person.objects.get(dossier=dossier, is_subject=True)
    audit_record(
        actor=actor,
        action=action,
        obj=dossier if obj is None else obj,
        object_label=subject.full_name + label,
        org=dossier.managing_org,
        subject_id=subject.public_id,
        classification=dossier.classification if classification is None else classification,
        before=before,
        after=after,
    )


# Link decisions are few and made by hand: one at a time (a transaction-level advisory lock),
# so two decisions made together are checked against each other.
LINK_DECISIONS_LOCK = 0x6C696E6B  # "link"


def _same_as(person_id: int, actor: User) -> set[int]:
    """The person and everyone confirmed to be the same human through any chain of links,
    among the persons the actor may see (a chain through a hidden record is not followed: a
    refusal citing it would tell that it exists)."""
    gate, gate_params = DOSSIER_GATE.sql(actor, Action.VIEW, alias="o") or ("FALSE", [])
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH RECURSIVE same(id) AS (
                SELECT %s::bigint
                UNION
                SELECT o.id
                FROM same s JOIN people_personlink l
                  ON l.status = 'CONFIRMED' AND s.id IN (l.person_a_id, l.person_b_id)
                JOIN people_person o
                  ON o.id = CASE WHEN l.person_a_id = s.id THEN l.person_b_id
                                 ELSE l.person_a_id END
                 AND {gate}
            ) SELECT id FROM same
            """.replace("{gate}", gate),
            [person_id, *gate_params],
        )
        return {row[0] for row in cursor.fetchall()}


def _check_decision(link: PersonLink, confirm: bool, actor: User) -> None:
    """Refuse a decision that the records or earlier decisions contradict, as far as the actor
    may see them (the decider sees both persons; the gate has checked that)."""
    a, b = link.person_a, link.person_b
    side_a = _same_as(a.pk, actor)
    if not confirm:
        if b.pk in side_a:
            raise ConflictError(
                f"{a.full_name} và {b.full_name} đã được xác nhận là một người qua liên kết "
                "khác; không thể xác định là hai người."
            )
        return
    side_b = _same_as(b.pk, actor)
    # One human has one citizen ID: not two, not even through a record that has none.
    numbers = {
        number
        for number in Person.objects.filter(pk__in=side_a | side_b).values_list(
            "citizen_id", flat=True
        )
        if number
    }
    if len(numbers) > 1:
        raise ConflictError(
            f"Số CCCD khác nhau ({', '.join(sorted(numbers))}) giữa {a.full_name}, "
            f"{b.full_name} và những người đã xác nhận là một với họ: không thể xác nhận là "
            "một người."
        )
    if PersonLink.objects.filter(
        Q(person_a__in=side_a, person_b__in=side_b) | Q(person_a__in=side_b, person_b__in=side_a),
        status=LinkStatus.REJECTED,
    ).exists():
        raise ConflictError(
            f"Đã có quyết định {a.full_name} và {b.full_name} (hoặc người đã xác nhận là một "
            "với họ) là hai người khác nhau: không thể xác nhận là một người."
        )


@transaction.atomic(durable=True)
def person_link_decide(*, actor: User, link: PersonLink, confirm: bool) -> PersonLink:
    """An officer says whether two persons of different dossiers are the same human.

    Refused when it contradicts the records (two different citizen IDs) or earlier decisions
    (confirmed links chain persons into one human; a rejected link says two are not one).
    Audited in both dossiers' records, each under its own organisation."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LINK_DECISIONS_LOCK])
    locked = (
        PersonLink.objects.select_for_update(of=("self",))
        .select_related("person_a", "person_b")
        .get(pk=link.pk)
    )
    # The persons as they are now, kept so while this is decided (a save locks them too).
    persons = Person.objects.select_for_update(of=("self",)).select_related("dossier__managing_org")
    locked.person_a = persons.get(pk=locked.person_a_id)
    locked.person_b = persons.get(pk=locked.person_b_id)
    for person in (locked.person_a, locked.person_b):
        _require_editor(actor, person.org_path, person.classification)
    if locked.status != LinkStatus.PROPOSED:
        raise ConflictError("Liên kết này đã được người khác quyết định.")
    _check_decision(locked, confirm, actor)
    locked.status = LinkStatus.CONFIRMED if confirm else LinkStatus.REJECTED
    locked.decided_at = timezone.now()
    locked.decided_by = actor.public_id
    locked.save(update_fields=["status", "decided_at", "decided_by"])
    level = max(locked.person_a.classification, locked.person_b.classification)
    for person in (locked.person_a, locked.person_b):
        _dossier_event(
            actor=actor,
            action=AuditAction.PERSON_LINK_DECIDE,
            dossier=person.dossier,
            obj=locked,
            label=f" (liên kết {locked.person_a.full_name} ~ {locked.person_b.full_name})",
            classification=level,
            before={"status": LinkStatus.PROPOSED},
            after={"status": locked.status, "reason": locked.reason},
        )
    return locked
