"""Numbers count from 01 per type and issuer within a term, restart with a new term, have no
gap when an issue is rolled back and no duplicate when several connections issue at once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connections, transaction

from bvct.audit.constants import AuditAction
from bvct.core.constants import Role
from bvct.core.errors import PermissionDeniedError, ValidationFailed
from bvct.documents.constants import DocumentType
from bvct.documents.models import DocumentTemplate, IssuedDocument, NumberSequence, Term
from bvct.documents.numbering import date_in_words, number_symbol
from bvct.orgs.models import Organisation
from tests.conftest import events_since
from tests.documents.helpers import D, issue, make_term
from tests.factories import Tree, make_user

pytestmark = pytest.mark.django_db


def test_numbers_count_per_type_and_issuer(tree: Tree, audit_mark: int) -> None:
    make_term(tree.root)
    make_term(tree.committee_a, symbol="ĐU")
    symbols = [issue(tree.root).number_symbol for _ in range(3)]
    assert symbols == ["01-KL/TU", "02-KL/TU", "03-KL/TU"]
    assert issue(tree.root, doc_type=DocumentType.APPRAISAL_REPORT).number_symbol == "01-BC/TU"
    assert issue(tree.committee_a).number_symbol == "01-KL/ĐU"
    assert issue(tree.root).number_symbol == "04-KL/TU"
    issued = events_since(audit_mark, action=AuditAction.DOCUMENT_ISSUE)
    assert [e.after["number_symbol"] for e in issued] == [
        "01-KL/TU", "02-KL/TU", "03-KL/TU", "01-BC/TU", "01-KL/ĐU", "04-KL/TU",
    ]  # fmt: skip
    assert all(e.actor_public_id is None for e in issued)  # the system


def test_numbering_restarts_with_each_term(tree: Tree) -> None:
    old = make_term(tree.root, D(2020, 10, 1), D(2025, 9, 30), name="2020–2025")
    new = make_term(tree.root)
    assert issue(tree.root, issued_on=D(2025, 9, 30)).number_symbol == "01-KL/TU"
    assert issue(tree.root, issued_on=D(2025, 9, 29)).number_symbol == "02-KL/TU"
    first_of_new = issue(tree.root, issued_on=D(2025, 10, 1))
    assert (first_of_new.number_symbol, first_of_new.term) == ("01-KL/TU", new)
    # A paper of the old term recorded late takes the old term's next number.
    late = issue(tree.root, issued_on=D(2025, 3, 1))
    assert (late.number_symbol, late.term) == ("03-KL/TU", old)


def test_a_rolled_back_issue_gives_its_number_back(tree: Tree) -> None:
    make_term(tree.root)
    assert issue(tree.root).number == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        assert issue(tree.root).number == 2
        raise RuntimeError("the caller's transaction fails after the document was issued")
    assert issue(tree.root).number == 2
    assert sorted(IssuedDocument.objects.values_list("number", flat=True)) == [1, 2]


def test_refusals_take_no_number(tree: Tree, audit_mark: int) -> None:
    with pytest.raises(ValidationFailed, match="chưa có nhiệm kỳ"):
        issue(tree.root)
    make_term(tree.root)
    with pytest.raises(ValidationFailed, match="Kết luận"):
        issue(tree.root, fields={"ho_ten": "Nguyễn Văn A"})
    with pytest.raises(ValidationFailed, match="sau hôm nay"):
        issue(tree.root, issued_on=D(2099, 1, 1))
    outsider = make_user(tree.committee_b, Role.BVCT_OFFICER, clearance="TUYET_MAT")
    with pytest.raises(PermissionDeniedError):
        issue(tree.root, actor=outsider)
    low = make_user(tree.root, Role.BVCT_OFFICER, clearance="MAT")
    with pytest.raises(PermissionDeniedError):
        issue(tree.root, actor=low, classification=2)
    assert not NumberSequence.objects.exists()
    assert not events_since(audit_mark, action=AuditAction.DOCUMENT_ISSUE)
    assert issue(tree.root).number_symbol == "01-KL/TU"


def test_who_may_issue(tree: Tree) -> None:
    """An officer in scope, or a committee member of the issuing body (not of another)."""
    make_term(tree.root)
    officer = make_user(tree.board, Role.BVCT_OFFICER, clearance="TOI_MAT")
    assert issue(tree.root, actor=officer, scope_org=tree.committee_a).created_by == officer
    member = make_user(tree.root, Role.COMMITTEE_MEMBER, clearance="TOI_MAT")
    assert issue(tree.root, actor=member).number == 2
    other_member = make_user(tree.committee_a, Role.COMMITTEE_MEMBER, clearance="TOI_MAT")
    with pytest.raises(PermissionDeniedError):
        issue(tree.root, actor=other_member)


def test_number_symbol_and_date_in_words() -> None:
    assert number_symbol(1, "KL", "TU") == "01-KL/TU"
    assert number_symbol(12, "KL", "TU") == "12-KL/TU"
    assert number_symbol(123, "BC", "BTCTU") == "123-BC/BTCTU"
    assert date_in_words(D(2026, 6, 2)) == "ngày 02 tháng 6 năm 2026"
    assert date_in_words(D(2026, 2, 15)) == "ngày 15 tháng 02 năm 2026"
    assert date_in_words(D(2026, 1, 9)) == "ngày 09 tháng 01 năm 2026"
    assert date_in_words(D(2025, 12, 31)) == "ngày 31 tháng 12 năm 2025"
    assert date_in_words(D(2018, 4, 3)) == "ngày 03 tháng 4 năm 2018"  # HD 36's own date


# --- concurrency: real connections, each issue committed or rolled back on its own ------------

FAILED: list[BaseException] = []


def _in_thread(work: Any) -> threading.Thread:
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


class _Rollback(Exception):
    pass


def test_concurrent_issues_have_no_gap_and_no_duplicate(tree: Tree) -> None:
    """Four connections issue five documents each at once; every third issue of each is
    rolled back after taking its number. The committed numbers are 1..n exactly."""
    FAILED.clear()
    made: dict[str, Any] = {}

    def setup() -> None:  # committed: the test's own transaction is invisible to the threads
        issuer = Organisation.objects.get(pk=tree.committee_b.pk)
        made["term"] = make_term(issuer, symbol="XB")
        made["issuer"] = issuer

    _in_thread(setup).join()
    assert not FAILED, FAILED
    start = threading.Barrier(4)
    committed: list[int] = []
    rolled_back: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        start.wait(10)
        for i in range(5):
            try:
                with transaction.atomic():
                    document = issue(made["issuer"])
                    if i % 3 == 2:
                        with lock:
                            rolled_back.append(document.number)
                        raise _Rollback
                with lock:
                    committed.append(document.number)
            except _Rollback:
                pass

    try:
        workers = [_in_thread(worker) for _ in range(4)]
        for w in workers:
            w.join(60)
        assert not FAILED, FAILED
        assert len(committed) == 4 * 4 and len(rolled_back) == 4
        assert sorted(committed) == list(range(1, len(committed) + 1))
        stored = []

        def read() -> None:
            stored.extend(
                IssuedDocument.objects.filter(term=made["term"]).values_list("number", flat=True)
            )

        _in_thread(read).join()
        assert sorted(stored) == sorted(committed)
    finally:

        def clean() -> None:
            IssuedDocument.objects.filter(term_id=made["term"].pk).delete()
            NumberSequence.objects.filter(term_id=made["term"].pk).delete()
            Term.objects.filter(pk=made["term"].pk).delete()
            DocumentTemplate.objects.filter(uploaded_by__isnull=True).exclude(
                pk__in=IssuedDocument.objects.values("template")
            ).delete()

        if "term" in made:
            _in_thread(clean).join()


def test_term_of_a_day_is_needed(tree: Tree) -> None:
    make_term(tree.root, D(2020, 10, 1), D(2025, 9, 30), name="2020–2025")
    with pytest.raises(ValidationFailed, match="01/10/2025"):
        issue(tree.root, issued_on=D(2025, 10, 1))
