"""The key/classified catalogue (danh mục cơ quan, bộ phận, vị trí trọng yếu, cơ mật): its
entries added, changed and closed by pages, the API and the XLSX import, each a versioned,
audited write; and the hook through which another app reacts when an entry asks more."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import transaction

from bvct.audit.constants import AuditAction
from bvct.audit.services import snapshot
from bvct.core.constants import Classification
from bvct.core.errors import (
    ConflictError,
    ValidationFailed,
    unique_as_error,
)
from bvct.core.gate import SystemPrincipal
from bvct.core.text import normalize
from bvct.orgs.models import Organisation
from bvct.positions.constants import (
    CatalogueKind,
)
from bvct.positions.models import (
    CatalogueEntry,
    Post,
)

if TYPE_CHECKING:
    from bvct.accounts.models import User

from bvct.positions.services import (
    ENTRY_FIELDS,
    _event,
    _locked,
    _require_position_change,
    _visible_post,
    clean_choice,
    clean_date,
    clean_level,
    clean_text,
)

# --- the key/classified catalogue ------------------------------------------------------------

CatalogueReaction = Callable[[Any, CatalogueEntry], object]
_CATALOGUE_RAISED: list[CatalogueReaction] = []


def on_catalogue_raised(reaction: CatalogueReaction) -> None:
    """Have ``reaction(actor, entry)`` run, inside the same transaction, whenever an entry
    enters the catalogue or asks more of what it lists (a higher level or required
    clearance): vetting raises the cases about it. positions imports no app above it, so
    the app that reacts registers here from its ``AppConfig.ready`` (an explicit call, not a
    signal: it runs for the page, the API and the import alike, since all three write through
    :func:`entry_add` and :func:`entry_change`)."""
    if reaction not in _CATALOGUE_RAISED:
        _CATALOGUE_RAISED.append(reaction)


def _catalogue_raised(actor: Any, entry: CatalogueEntry) -> None:
    for reaction in _CATALOGUE_RAISED:
        reaction(actor, entry)


def entry_level(entry: CatalogueEntry) -> int:
    """What the entry asks of whatever it lists: its own level or the clearance it requires,
    whichever is higher."""
    return max(int(entry.classification), int(entry.required_clearance))


def entry_values(
    *,
    kind: Any,
    organisation: Organisation,
    post: Post | None,
    name: Any,
    listing_number: Any,
    listing_date: Any,
    listing_issuer: Any,
    required_clearance: Any,
    classification: Any = 0,
) -> dict[str, Any]:
    """A catalogue entry's values, checked (the page's, the API's and the import's rows):
    raises ValidationFailed naming the field."""
    kind = clean_choice(kind, CatalogueKind, field="kind", label="loại")
    if kind == CatalogueKind.POST:
        if post is None:
            raise ValidationFailed("Mục loại “Vị trí” phải chọn chức vụ.", field="post")
        if post.organisation_id != organisation.pk:
            raise ValidationFailed("Chức vụ không thuộc tổ chức đã chọn.", field="post")
        name = name or post.name
    elif post is not None:
        raise ValidationFailed("Chỉ mục loại “Vị trí” mới chọn chức vụ.", field="post")
    return {
        "kind": kind,
        "organisation": organisation,
        "post": post,
        "name": clean_text(name, field="name", label="tên", size=300),
        "listing_number": clean_text(
            listing_number, field="listing_number", label="số, ký hiệu quyết định", size=60
        ),
        "listing_date": clean_date(listing_date, field="listing_date", label="ngày quyết định"),
        "listing_issuer": clean_text(
            listing_issuer, field="listing_issuer", label="cơ quan ban hành", size=300
        ),
        "required_clearance": clean_level(
            required_clearance, field="required_clearance", label="mức tiếp cận yêu cầu"
        ),
        "classification": clean_level(
            classification, field="classification", label="độ mật của mục"
        ),
    }


def _refuse_same_entry(values: dict[str, Any], exclude: int | None) -> None:
    same = CatalogueEntry.objects.filter(
        organisation=values["organisation"],
        kind=values["kind"],
        name_norm=normalize(values["name"])[:300],
        is_active=True,
    )
    if exclude is not None:
        same = same.exclude(pk=exclude)
    if same.exists():
        raise ValidationFailed(
            "Danh mục đã có mục cùng loại, cùng tên ở tổ chức này.", field="name"
        )


def entry_add(actor: Any, values: dict[str, Any], *, via: str = "") -> CatalogueEntry:
    """Write one checked entry and its event (inside the caller's transaction)."""
    organisation = values["organisation"]
    _require_position_change(
        actor,
        organisation.path,
        values["classification"],
        "Bạn không được thêm vào danh mục của tổ chức này ở mức mật đó.",
    )
    _refuse_same_entry(values, None)
    with unique_as_error("Danh mục đã có mục cùng loại, cùng tên ở tổ chức này.", field="name"):
        entry = CatalogueEntry.objects.create(
            **values, name_norm=normalize(values["name"])[:300], org_path=organisation.path
        )
    after = snapshot(entry, ENTRY_FIELDS) | ({"import_file": via} if via else {})
    _event(
        actor=actor,
        action=AuditAction.CATALOGUE_CREATE,
        obj=entry,
        org=organisation,
        classification=entry.classification,
        after=after,
    )
    _catalogue_raised(actor, entry)
    return entry


@transaction.atomic(durable=True)
def catalogue_entry_create(
    *,
    actor: User | SystemPrincipal,
    kind: str,
    organisation: Organisation,
    name: str,
    listing_number: str,
    listing_date: dt.date | str,
    listing_issuer: str,
    required_clearance: int | str,
    classification: int | str = Classification.NONE,
    post: Post | None = None,
) -> CatalogueEntry:
    """Add a body, unit or post to the key/classified catalogue, with the decision that
    listed it and the clearance it requires. The entry itself may be secret (up to the
    actor's own clearance)."""
    post = _visible_post(actor, post)
    values = entry_values(
        kind=kind,
        organisation=organisation,
        post=post,
        name=name,
        listing_number=listing_number,
        listing_date=listing_date,
        listing_issuer=listing_issuer,
        required_clearance=required_clearance,
        classification=classification,
    )
    return entry_add(actor, values)


def entry_change(
    actor: Any, locked: CatalogueEntry, values: dict[str, Any], *, via: str = ""
) -> bool:
    """Apply checked values to a locked entry and write its event; False: nothing changed."""
    before = snapshot(locked, ENTRY_FIELDS)
    level_before = entry_level(locked)
    for key, value in values.items():
        setattr(locked, key, value)
    locked.name_norm = normalize(locked.name)[:300]
    after = snapshot(locked, ENTRY_FIELDS)
    if after == before:
        return False
    _require_position_change(
        actor,
        locked.org_path,
        locked.classification,
        "Bạn không được đặt mục này ở mức mật cao hơn mức bạn được tiếp cận.",
    )
    _refuse_same_entry({**values, "organisation": locked.organisation, "kind": locked.kind,
                        "name": locked.name}, locked.pk)  # fmt: skip
    locked.version += 1
    with unique_as_error("Danh mục đã có mục cùng loại, cùng tên ở tổ chức này.", field="name"):
        locked.save()
    _event(
        actor=actor,
        action=AuditAction.CATALOGUE_UPDATE,
        obj=locked,
        org=locked.organisation,
        classification=max(before["classification"], locked.classification),
        before=before,
        after=after | ({"import_file": via} if via else {}),
    )
    if entry_level(locked) > level_before:
        _catalogue_raised(actor, locked)
    return True


@transaction.atomic(durable=True)
def catalogue_entry_update(
    *, actor: User | SystemPrincipal, entry: CatalogueEntry, expected_version: int, **fields: Any
) -> CatalogueEntry:
    """Change an entry's name, listing decision, required clearance or level (the fields
    given; kind, organisation and post stay: a different one is a new entry)."""
    allowed = {
        "name", "listing_number", "listing_date", "listing_issuer", "required_clearance",
        "classification",
    }  # fmt: skip
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationFailed("Không sửa được trường này.", field=sorted(unknown)[0])
    locked = _locked(CatalogueEntry, entry, expected_version)
    _require_position_change(
        actor, locked.org_path, locked.classification, "Bạn không được sửa mục danh mục này."
    )
    if not locked.is_active:
        raise ConflictError("Mục này đã được đưa ra khỏi danh mục.")
    current = {k: getattr(locked, k) for k in allowed}
    values = entry_values(
        kind=locked.kind, organisation=locked.organisation, post=locked.post,
        **{**current, **fields},
    )  # fmt: skip
    del values["kind"], values["organisation"], values["post"]
    entry_change(actor, locked, values)
    return locked


@transaction.atomic(durable=True)
def catalogue_entry_close(
    *, actor: User | SystemPrincipal, entry: CatalogueEntry, expected_version: int
) -> CatalogueEntry:
    """The entry leaves the catalogue (kept for the decisions that name it)."""
    locked = _locked(CatalogueEntry, entry, expected_version)
    _require_position_change(
        actor, locked.org_path, locked.classification, "Bạn không được sửa mục danh mục này."
    )
    if not locked.is_active:
        raise ConflictError("Mục này đã được đưa ra khỏi danh mục.")
    before = snapshot(locked, ENTRY_FIELDS)
    locked.is_active = False
    locked.version += 1
    locked.save(update_fields=["is_active", "version", "updated_at"])
    _event(
        actor=actor,
        action=AuditAction.CATALOGUE_CLOSE,
        obj=locked,
        org=locked.organisation,
        classification=locked.classification,
        before=before,
        after=snapshot(locked, ENTRY_FIELDS),
    )
    return locked
