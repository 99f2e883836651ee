"""A committee's number of members (and its standing committee's) is data the administrator
keeps on the organisation's page; the conclusion's quorum and majority are counted on it."""

from __future__ import annotations

import pytest
from django.test import Client

from bvct.core.errors import ValidationFailed
from bvct.core.gate import SYSTEM
from bvct.orgs import services
from bvct.orgs.models import Organisation
from tests.accounts.test_admin_pages import admins
from tests.conftest import events_since
from tests.factories import Tree


def test_the_administrator_sets_a_committees_members(tree: Tree) -> None:
    org = services.organisation_update(
        actor=SYSTEM, org=tree.committee_a, members_count=11, standing_members_count=5
    )
    assert (org.members_count, org.standing_members_count) == (11, 5)
    event = events_since(0, action="org.update")[-1]
    assert event.after["members_count"] == 11 and event.after["standing_members_count"] == 5
    with pytest.raises(ValidationFailed) as refused:
        services.organisation_update(actor=SYSTEM, org=tree.board, members_count=7)
    assert refused.value.field == "members_count"
    with pytest.raises(ValidationFailed) as refused:
        services.organisation_update(actor=SYSTEM, org=org, standing_members_count=12)
    assert refused.value.field == "standing_members_count"


def test_the_organisation_page_edits_the_number(tree: Tree) -> None:
    admin = admins(tree).allowed
    client = Client()
    client.force_login(admin)
    page = client.get(f"/orgs/{tree.committee_a.public_id}/").content.decode()
    assert "Tổng số ủy viên cấp ủy" in page
    org = Organisation.objects.get(pk=tree.committee_a.pk)
    sent = client.post(
        f"/orgs/{org.public_id}/doi-ten/",
        {"name": org.name, "short_name": "", "members_count": "13", "standing_members_count": "",
         "version": org.version},
    )  # fmt: skip
    assert sent.status_code == 302
    assert Organisation.objects.get(pk=org.pk).members_count == 13
