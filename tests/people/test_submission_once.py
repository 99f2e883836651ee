"""The new-dossier and new-declaration forms are carried out once per rendering: a second POST
of the same form (a double click, a resent request) answers with what the first made."""

from __future__ import annotations

import re
import threading
import uuid
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from bvct.accounts.models import User
from bvct.core import submissions
from bvct.core.constants import Role
from bvct.core.gate import SYSTEM
from bvct.core.models import SubmissionToken
from bvct.core.submissions import AlreadySubmitted, submission_claim, submission_result
from bvct.people import services
from bvct.people.models import Declaration, Dossier
from tests.factories import Tree, make_user
from tests.people.factories import declaration, formset

pytestmark = pytest.mark.django_db


def _token(page: str) -> str:
    found = re.search(
        r'<input type="hidden" name="submission_token" value="([0-9a-f-]{36})">', page
    )
    assert found, "the form carries no submission token"
    return found.group(1)


def _identity(**extra: str) -> dict[str, str]:
    return {
        "identity-full_name": "Vũ Thị Hạnh",
        "identity-sex": "F",
        "identity-birth": "03/1982",
        **formset("relatives", []),
        **formset("history", []),
        **formset("political_events", []),
        **formset("foreign_ties", []),
        **extra,
    }


@pytest.fixture
def officer_client(tree: Tree) -> Client:
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER))
    return client


def test_a_new_dossier_form_sent_twice_makes_one_dossier(officer_client: Client) -> None:
    token = _token(officer_client.get("/ho-so/lap-moi/").content.decode())
    form = {"dossier-managing_org": "t-a", "dossier-classification": "NONE", **_identity()}
    # A refused submission keeps its token (the page is shown again with it) ...
    refused = officer_client.post("/ho-so/lap-moi/", {**form, "identity-birth": "31/02/1982",
                                                      "submission_token": token})  # fmt: skip
    assert _token(refused.content.decode()) == token
    # ... and the corrected form, sent twice, makes one dossier: the second answers with it.
    first = officer_client.post("/ho-so/lap-moi/", {**form, "submission_token": token})
    second = officer_client.post("/ho-so/lap-moi/", {**form, "submission_token": token})
    dossier = Dossier.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/ho-so/{dossier.public_id}/"
    shown = officer_client.get(second["Location"]).content.decode()
    assert "đã được gửi và ghi từ trước" in shown
    # A new form is a new submission (here: the same person again, so a warning first).
    fresh = _token(officer_client.get("/ho-so/lap-moi/").content.decode())
    assert fresh != token
    again = officer_client.post("/ho-so/lap-moi/", {**form, "submission_token": fresh})
    assert again.status_code == 200 and "Có thể người này đã có hồ sơ." in again.content.decode()
    assert _token(again.content.decode()) == fresh


def test_a_new_declaration_form_sent_twice_makes_one_version(
    tree: Tree, officer_client: Client
) -> None:
    dossier = services.dossier_create(
        actor=SYSTEM, managing_org_code="t-a", content=declaration("Vũ Thị Hạnh", "03/1982")
    )
    url = f"/ho-so/{dossier.public_id}/khai-moi/"
    token = _token(officer_client.get(url).content.decode())
    form = _identity(**{"identity-religion": "Phật giáo", "expected_number": "1"})
    first = officer_client.post(url, {**form, "submission_token": token})
    # Without the token the second would be refused as a conflict ("người khác nộp").
    second = officer_client.post(url, {**form, "submission_token": token})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/ho-so/{dossier.public_id}/#versions"
    assert Declaration.objects.filter(dossier=dossier).count() == 2


def test_the_same_token_of_another_user_is_another_submission(tree: Tree) -> None:
    token = uuid.uuid4()
    content = declaration("Vũ Thị Hạnh", "03/1982", relatives=[])
    for org in ("t-a", "t-b"):
        services.dossier_create(
            actor=make_user(tree.root, Role.BVCT_OFFICER), managing_org_code=org,
            content=content, confirm_not_duplicate=True, submission=token,
        )  # fmt: skip
    assert Dossier.objects.count() == 2


def test_a_submission_that_meets_a_committed_one_makes_nothing(
    tree: Tree, officer_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two concurrent posts: the second passes the page's check before the first commits,
    then meets the token in the service's transaction (the unique constraint) and answers
    with the first's dossier, writing nothing."""
    token = _token(officer_client.get("/ho-so/lap-moi/").content.decode())
    form = {"dossier-managing_org": "t-a", "dossier-classification": "NONE", **_identity()}
    first = officer_client.post("/ho-so/lap-moi/", {**form, "submission_token": token})
    monkeypatch.setattr(submissions, "_earlier_result", lambda user, token: None)
    second = officer_client.post("/ho-so/lap-moi/", {**form, "submission_token": token})
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert Dossier.objects.count() == 1
    with pytest.raises(AlreadySubmitted) as taken:
        services.dossier_create(
            actor=User.objects.get(pk=officer_client.session["_auth_user_id"]),
            managing_org_code="t-a", content=declaration("Lê Văn Khác", "1970"),
            submission=uuid.UUID(token),
        )  # fmt: skip
    assert taken.value.result == Dossier.objects.get().public_id
    assert Dossier.objects.count() == 1


FAILED: list[BaseException] = []


def _in_thread(work: Any) -> threading.Thread:
    """Run ``work`` in a thread with its own database connection (closed at the end)."""

    def run() -> None:
        try:
            work()
        except BaseException as exc:
            FAILED.append(exc)
            raise
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # kept per transaction otherwise
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND query LIKE %s",
            ["%core_submissiontoken%"],
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.parametrize("first_commits", [True, False], ids=["committed", "rolled-back"])
def test_two_concurrent_claims_of_one_token(tree: Tree, first_commits: bool) -> None:
    """Two connections claim one token at once: the second waits for the first's transaction;
    taken if it commits (with its result), its own if the first was rolled back."""
    made = uuid.uuid4()
    user: dict[str, User] = {}
    outcome: dict[str, Any] = {}

    def make() -> None:  # committed (the test's own transaction is invisible to the others)
        user["u"] = User.objects.create(
            username=f"dongthoi-{made.hex[:12]}", full_name="Người Thử Nghiệm",
            organisation=tree.committee_a, scope=tree.committee_a, roles=[Role.BVCT_OFFICER],
        )  # fmt: skip

    _in_thread(make).join()
    assert not FAILED, FAILED
    token = uuid.uuid4()
    claimed, release = threading.Event(), threading.Event()

    def first() -> None:
        with transaction.atomic():
            submission_claim(actor=user["u"], token=token)
            submission_result(actor=user["u"], token=token, result=made)
            claimed.set()
            release.wait(10)
            if not first_commits:
                transaction.set_rollback(True)

    def second() -> None:
        try:
            with transaction.atomic():
                submission_claim(actor=user["u"], token=token)
                submission_result(actor=user["u"], token=token, result=uuid.uuid4())
            outcome["claimed"] = True
        except AlreadySubmitted as exc:
            outcome["taken"] = exc.result

    try:
        one = _in_thread(first)
        assert claimed.wait(10)
        two = _in_thread(second)
        for _ in range(100):  # the second is waiting on the first's row
            if _waiting_on_a_lock():
                break
            threading.Event().wait(0.05)
        else:
            pytest.fail(f"the second claim did not wait for the first: {FAILED} {outcome}")
        release.set()
        one.join(10)
        two.join(10)
        assert outcome == ({"taken": made} if first_commits else {"claimed": True})
    finally:
        release.set()

        def clean() -> None:
            SubmissionToken.objects.filter(user=user["u"]).delete()
            user["u"].delete()

        _in_thread(clean).join()
