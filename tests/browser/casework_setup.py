"""What the casework browser flow needs beyond the demo data, made through the services on the
browser database; prints it as JSON. Run as ``python -m tests.browser.casework_setup`` with the
browser server's environment (tests/browser/test_casework.py does).

The demo may already have some of it (its casework data grows): each piece is made only when
missing. The committee member signing (``uyvien``) needs a citizen ID on the account (the
conflict-of-interest check), the provincial committee a documents term (numbering), the flow
a provincial leadership post and a dossier no other flow uses, with no case yet."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from typing import Any

SIGNER = "uyvien"
PROVINCE = "tu-bac-ninh"
POST_NAME = "Phó Trưởng Ban Tổ chức Tỉnh ủy (thẩm tra thử)"


def prepare() -> dict[str, Any]:
    from bvct.accounts import services as account_services
    from bvct.accounts.models import User
    from bvct.core.constants import Classification
    from bvct.core.gate import SYSTEM
    from bvct.core.text import normalize
    from bvct.documents import services as document_services
    from bvct.documents.models import Term
    from bvct.orgs.models import Organisation
    from bvct.people.identity import make_citizen_id
    from bvct.people.models import Person
    from bvct.positions import services as positions_services
    from bvct.positions.models import PersonnelDecision, Post
    from bvct.vetting.models import Case

    province = Organisation.objects.get(code=PROVINCE)
    signer = User.objects.get(username=SIGNER)
    if not signer.citizen_id:
        account_services.user_update(
            actor=SYSTEM, user=signer, citizen_id=make_citizen_id("027", "M", 1968, 987654)
        )
    today = dt.date.today()
    covering = Term.objects.filter(issuer=province, starts_on__lte=today).exclude(ends_on__lt=today)
    if not covering.exists() and not Term.objects.filter(issuer=province).exists():
        document_services.term_create(
            actor=SYSTEM, issuer=province, name="2025–2030", starts_on=dt.date(2025, 1, 1),
            ends_on=None, symbol="TU", heading="TỈNH ỦY BẮC NINH",
            heading_parent="ĐẢNG BỘ TỈNH BẮC NINH",
        )  # fmt: skip
    if not Post.objects.filter(organisation=province, name=POST_NAME).exists():
        positions_services.post_create(
            actor=SYSTEM, organisation=province, name=POST_NAME, tier="PROVINCE",
            is_management=True,
        )  # fmt: skip
    # A dossier no other flow takes (tests/browser/demo_cases.py takes from the front), with
    # a unique name, no decision and no case yet.
    same: dict[str, int] = {}
    for name in Person.objects.filter(is_subject=True).values_list("full_name", flat=True):
        same[normalize(name)] = same.get(normalize(name), 0) + 1
    busy = set(Case.objects.values_list("subject_id", flat=True)) | set(
        PersonnelDecision.objects.values_list("dossier_id", flat=True)
    )
    for person in (
        Person.objects.filter(is_subject=True, classification__lte=Classification.MAT)
        .select_related("dossier")
        .order_by("-id")
    ):
        if same[normalize(person.full_name)] == 1 and person.dossier_id not in busy:
            break
    else:
        raise SystemExit("the demo data has no dossier free for the casework flow")
    agency = Organisation.objects.filter(kind__is_agency=True).order_by("name").first()
    assert agency is not None
    return {
        "name": person.full_name,
        "dossier": str(person.dossier.public_id),
        "post": POST_NAME,
        "province": province.name,
        "agency": agency.name,
    }


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    json.dump(prepare(), sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
