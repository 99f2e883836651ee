"""Every route of the application, registered with who may use it.

``tests/core/test_routes.py`` walks Django's URL resolver and fails on any route that is not
here, then tries each registered route as a persona of every role (anonymous too) and holds
the answer to what is registered. The detailed matrices (other scope, short of clearance,
hidden answering as missing, nothing written on refusal) stay in each app's endpoint tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bvct.core.constants import Role

PUBLIC = "public"  # anyone, signed in or not
SIGNED_IN = "signed_in"  # any active account
ALL_ROLES = frozenset(Role)
DOSSIER_READERS = frozenset({Role.BVCT_OFFICER, Role.COMMITTEE_MEMBER, Role.AUDITOR})
OFFICERS = frozenset({Role.BVCT_OFFICER})
ADMINS = frozenset({Role.SYSADMIN})
AUDITORS = frozenset({Role.AUDITOR})


@dataclass(frozen=True)
class Route:
    """``who``: the roles that may use it (a persona of each, in scope and cleared, gets an
    answer other than 403/404), or PUBLIC / SIGNED_IN. ``url``: the address to try, built
    from the sweep's objects. ``method``: the one to try (GET unless the route takes none).
    ``api``: answers anonymous callers 401/403 rather than a redirect to sign-in. ``writes``:
    who may use the route's writing method (POST, or as named: ``{"patch": ...}``), tried with
    an empty body: a caller who may not is refused before the body is read."""

    who: frozenset[str] | str
    url: Callable[[Any], str]
    method: str = "get"
    api: bool = False
    writes: dict[str, frozenset[str] | str] = field(default_factory=dict)

    def tries(self) -> list[tuple[str, frozenset[str] | str]]:
        return [(self.method, self.who), *self.writes.items()]


def _d(path: str) -> Callable[[Any], str]:
    return lambda o: path.format(d=o.dossier.public_id, link=o.link.public_id)


ROUTES: dict[str, Route] = {
    "home:home": Route(SIGNED_IN, lambda o: "/"),
    "set_language": Route(PUBLIC, lambda o: "/i18n/setlang/", method="post"),
    "accounts:login": Route(PUBLIC, lambda o: "/accounts/login/"),
    "accounts:logout": Route(PUBLIC, lambda o: "/accounts/logout/", method="post"),
    # Answers anyone: without a session it says so in place (the typed form stays).
    "accounts:password_change": Route(
        SIGNED_IN, lambda o: "/accounts/doi-mat-khau/", writes={"post": SIGNED_IN}
    ),
    "accounts:keepalive": Route(PUBLIC, lambda o: "/accounts/giu-phien/", method="post"),
    # The administrator's account pages.
    "accounts:user_list": Route(ADMINS, lambda o: "/accounts/quan-ly/"),
    "accounts:user_create": Route(
        ADMINS, lambda o: "/accounts/quan-ly/tao-moi/", writes={"post": ADMINS}
    ),
    "accounts:user_detail": Route(
        ADMINS, lambda o: f"/accounts/quan-ly/{o.user.public_id}/", writes={"post": ADMINS}
    ),
    "accounts:user_active": Route(
        ADMINS, lambda o: f"/accounts/quan-ly/{o.user.public_id}/trang-thai/", method="post"
    ),
    "accounts:grant_list": Route(ADMINS | AUDITORS, lambda o: "/accounts/quan-ly/cap-quyen/"),
    "accounts:grant_confirm": Route(
        ADMINS, lambda o: f"/accounts/quan-ly/cap-quyen/{o.grant.public_id}/xac-nhan/", "post"
    ),
    "accounts:grant_decline": Route(
        ADMINS, lambda o: f"/accounts/quan-ly/cap-quyen/{o.grant.public_id}/tu-choi/", "post"
    ),
    "accounts:user_password": Route(
        ADMINS, lambda o: f"/accounts/quan-ly/{o.user.public_id}/mat-khau/", method="post"
    ),
    "audit:event_list": Route(AUDITORS, lambda o: "/audit/"),
    "audit:event_detail": Route(AUDITORS, lambda o: f"/audit/{o.event.public_id}/"),
    "orgs:list": Route(SIGNED_IN, lambda o: "/orgs/"),
    "orgs:detail": Route(SIGNED_IN, lambda o: f"/orgs/{o.org.public_id}/"),
    "orgs:rename": Route(ADMINS, lambda o: f"/orgs/{o.org.public_id}/doi-ten/", method="post"),
    "orgs:child_create": Route(
        ADMINS, lambda o: f"/orgs/{o.org.public_id}/them-truc-thuoc/", method="post"
    ),
    # The chooser's options by name (htmx): the organisations of one's own scope, or (the
    # account pages' rule) every organisation the gate lets one see.
    "orgs:choices": Route(SIGNED_IN, lambda o: "/orgs/chon/?field=org&org_q=a"),
    "people:search": Route(DOSSIER_READERS, _d("/ho-so/")),
    "people:export": Route(
        DOSSIER_READERS, _d("/ho-so/xuat-excel/"), writes={"post": DOSSIER_READERS}
    ),
    "people:import": Route(OFFICERS, _d("/ho-so/nhap/"), writes={"post": OFFICERS}),
    "people:import_template": Route(OFFICERS, _d("/ho-so/nhap/tep-mau.xlsx")),
    "people:new": Route(OFFICERS, _d("/ho-so/lap-moi/"), writes={"post": OFFICERS}),
    "people:declaration_new": Route(
        OFFICERS, _d("/ho-so/{d}/khai-moi/"), writes={"post": OFFICERS}
    ),
    "people:print": Route(DOSSIER_READERS, _d("/ho-so/{d}/ban-in/")),
    "people:link_decide": Route(OFFICERS, _d("/ho-so/lien-ket/{link}/"), method="post"),
    "people:update": Route(OFFICERS, _d("/ho-so/{d}/sua/"), method="post"),
    "people:detail": Route(DOSSIER_READERS, _d("/ho-so/{d}/")),
    "people:diff": Route(DOSSIER_READERS, _d("/ho-so/{d}/so-sanh/1/2/")),
    "api:me": Route(SIGNED_IN, lambda o: "/api/me/", api=True),
    # Everyone lists the accounts they may see: their own, an auditor's scope, all (admin).
    "api:user_list": Route(SIGNED_IN, lambda o: "/api/users/", api=True, writes={"post": ADMINS}),
    "api:user_detail": Route(
        ADMINS | AUDITORS,
        lambda o: f"/api/users/{o.user.public_id}/",
        api=True,
        writes={"patch": ADMINS},
    ),
    # Access waiting for a second administrator: decided by administrators, read by auditors.
    "api:grant_list": Route(ADMINS | AUDITORS, lambda o: "/api/users/grants/", api=True),
    "api:grant_confirm": Route(
        ADMINS, lambda o: f"/api/users/grants/{o.grant.public_id}/confirm/", "post", api=True
    ),
    "api:grant_decline": Route(
        ADMINS, lambda o: f"/api/users/grants/{o.grant.public_id}/decline/", "post", api=True
    ),
    "api:token_list": Route(
        SIGNED_IN, lambda o: "/api/tokens/", api=True, writes={"post": SIGNED_IN}
    ),
    # Only the token's owner, who is none of the sweep's personas.
    "api:token_revoke": Route(
        frozenset(), lambda o: f"/api/tokens/{o.token.public_id}/", method="delete", api=True
    ),
    "api:org_list": Route(SIGNED_IN, lambda o: "/api/orgs/", api=True, writes={"post": ADMINS}),
    "api:org_detail": Route(
        SIGNED_IN, lambda o: f"/api/orgs/{o.org.public_id}/", api=True, writes={"patch": ADMINS}
    ),
    "api:audit_event_list": Route(AUDITORS, lambda o: "/api/audit/events/", api=True),
    "api:audit_event_detail": Route(
        AUDITORS, lambda o: f"/api/audit/events/{o.event.public_id}/", api=True
    ),
    "api:person_search": Route(DOSSIER_READERS, _d("/api/persons/?q=hung"), api=True),
    # GET lists the dossiers one may read; POST opens one.
    "api:dossier_create": Route(
        DOSSIER_READERS, _d("/api/dossiers/"), api=True, writes={"post": OFFICERS}
    ),
    "api:dossier_import": Route(OFFICERS, _d("/api/dossiers/import/"), method="post", api=True),
    "api:dossier_detail": Route(
        DOSSIER_READERS, _d("/api/dossiers/{d}/"), api=True, writes={"patch": OFFICERS}
    ),
    "api:declaration_list": Route(
        DOSSIER_READERS, _d("/api/dossiers/{d}/declarations/"), api=True, writes={"post": OFFICERS}
    ),
    "api:dossier_links": Route(DOSSIER_READERS, _d("/api/dossiers/{d}/links/"), api=True),
    "api:link_decision": Route(
        OFFICERS, _d("/api/links/{link}/decision/"), method="post", api=True
    ),
    "api:declaration_diff": Route(
        DOSSIER_READERS, _d("/api/dossiers/{d}/declarations/1/diff/2/"), api=True
    ),
    "api:schema": Route(SIGNED_IN, lambda o: "/api/schema/", api=True),
    "api:docs": Route(SIGNED_IN, lambda o: "/api/docs/", api=True),
    # The rule pack and the working-day calendar: everyone reads, the administrator changes.
    "vetting:rules_current": Route(SIGNED_IN, lambda o: "/tham-tra/bo-quy-tac/"),
    "vetting:rules_versions": Route(SIGNED_IN, lambda o: "/tham-tra/bo-quy-tac/phien-ban/"),
    "vetting:rules_version": Route(SIGNED_IN, lambda o: "/tham-tra/bo-quy-tac/phien-ban/1/"),
    "vetting:rules_draft": Route(ADMINS, lambda o: "/tham-tra/bo-quy-tac/ban-nhap/"),
    "vetting:rules_draft_create": Route(
        ADMINS, lambda o: "/tham-tra/bo-quy-tac/ban-nhap/lap/", method="post"
    ),
    "vetting:rules_draft_section": Route(
        ADMINS, lambda o: "/tham-tra/bo-quy-tac/ban-nhap/sua/deadlines/", writes={"post": ADMINS}
    ),
    "vetting:rules_publish": Route(
        ADMINS, lambda o: "/tham-tra/bo-quy-tac/ban-nhap/cong-bo/", method="post"
    ),
    "vetting:rules_discard": Route(
        ADMINS, lambda o: "/tham-tra/bo-quy-tac/ban-nhap/huy/", method="post"
    ),
    "vetting:calendar": Route(
        SIGNED_IN, lambda o: "/tham-tra/ngay-lam-viec/", writes={"post": ADMINS}
    ),
    "vetting:calendar_remove": Route(
        ADMINS, lambda o: "/tham-tra/ngay-lam-viec/2026-12-31/xoa/", method="post"
    ),
    "api:rules_current": Route(SIGNED_IN, lambda o: "/api/rules/", api=True),
    # Casework pages: decisions' requirement check, cases and the work in them, a dossier's
    # cases, conclusions and reported changes (objects: tests/vetting/route_objects.py).
    "vetting:decision_detail": Route(
        DOSSIER_READERS, lambda o: f"/tham-tra/quyet-dinh/{_rt('decision', o).public_id}/"
    ),
    "vetting:decision_check": Route(
        OFFICERS,
        lambda o: f"/tham-tra/quyet-dinh/{_rt('decision', o).public_id}/kiem-tra/",
        method="post",
    ),
    "vetting:case_list": Route(DOSSIER_READERS, lambda o: "/tham-tra/ho-so-tham-tra/"),
    "vetting:case_detail": Route(DOSSIER_READERS, lambda o: _case_url(o)),
    "vetting:case_transition": Route(OFFICERS, lambda o: _case_url(o, "chuyen-buoc/"), "post"),
    "vetting:case_withdraw": Route(OFFICERS, lambda o: _case_url(o, "rut/"), "post"),
    "vetting:case_assign": Route(OFFICERS, lambda o: _case_url(o, "phan-cong/"), "post"),
    "vetting:case_unassign": Route(OFFICERS, lambda o: _case_url(o, "thoi-phan-cong/"), "post"),
    "vetting:case_reopen": Route(
        OFFICERS, lambda o: _case_url(o, "mo-ho-so-moi/", "concluded"), writes={"post": OFFICERS}
    ),
    # The case's deadline, decisions and restriction: a page with its form, sent to a service.
    "vetting:case_deadline": Route(
        OFFICERS, lambda o: _case_url(o, "doi-han/"), writes={"post": OFFICERS}
    ),
    "vetting:case_link_decision": Route(
        OFFICERS, lambda o: _case_url(o, "gan-de-xuat/"), writes={"post": OFFICERS}
    ),
    "vetting:case_restriction": Route(
        OFFICERS, lambda o: _case_url(o, "han-che/"), writes={"post": OFFICERS}
    ),
    "vetting:appraisal_record": Route(OFFICERS, lambda o: _case_url(o, "tham-dinh/"), "post"),
    "vetting:finding_new": Route(OFFICERS, lambda o: _case_url(o, "van-de/moi/"), "post"),
    "vetting:finding_update": Route(
        OFFICERS, lambda o: f"/tham-tra/van-de/{_rt('finding', o).public_id}/", method="post"
    ),
    "vetting:result_new": Route(OFFICERS, lambda o: _case_url(o, "ket-qua-xac-minh/moi/"), "post"),
    "vetting:appraisal_report": Route(
        OFFICERS, lambda o: _case_url(o, "bao-cao-tham-dinh/"), writes={"post": OFFICERS}
    ),
    "vetting:conclusion_new": Route(
        frozenset({Role.COMMITTEE_MEMBER}),
        lambda o: _case_url(o, "ket-luan/", "deliberating"),
        writes={"post": frozenset({Role.COMMITTEE_MEMBER})},
    ),
    "vetting:dossier_cases": Route(
        DOSSIER_READERS, _d("/tham-tra/ho-so/{d}/"), writes={"post": OFFICERS}
    ),
    # Numbered documents: the readers' list and download; the administrator's terms, templates.
    "documents:list": Route(DOSSIER_READERS, lambda o: "/van-ban/"),
    "documents:download": Route(
        DOSSIER_READERS, lambda o: f"/van-ban/{_document(o).public_id}/tai-ve/"
    ),
    "documents:term_list": Route(ADMINS, lambda o: "/van-ban/nhiem-ky/", writes={"post": ADMINS}),
    "documents:term_edit": Route(
        ADMINS, lambda o: f"/van-ban/nhiem-ky/{_term(o).public_id}/", writes={"post": ADMINS}
    ),
    "documents:template_list": Route(ADMINS, lambda o: "/van-ban/mau/"),
    "documents:template_replace": Route(
        ADMINS, lambda o: "/van-ban/mau/ket-luan/thay-the/", method="post"
    ),
    "documents:template_default": Route(ADMINS, lambda o: "/van-ban/mau/ket-luan/mac-dinh.docx"),
    "documents:template_file": Route(
        ADMINS, lambda o: f"/van-ban/mau/tep/{_document(o).template.public_id}/"
    ),
}


# --- positions: posts, the key/classified catalogue, holdings and personnel decisions -------
def _pos(path: str) -> Callable[[Any], str]:
    """A positions route's address, built from a post, a catalogue entry, a holding and a
    decision made (once per sweep) in the sweep's root organisation about its dossier."""

    def url(o: Any) -> str:
        if not hasattr(o, "positions"):
            from tests.positions.factories import sweep_objects

            o.positions = sweep_objects(o.org, o.dossier)
        p = o.positions
        return path.format(
            d=o.dossier.public_id, post=p.post.public_id, entry=p.entry.public_id,
            holding=p.holding.public_id, decision=p.decision.public_id,
        )  # fmt: skip

    return url


ROUTES.update(
    {
        "positions:post_list": Route(DOSSIER_READERS, _pos("/chuc-vu/")),
        "positions:post_new": Route(OFFICERS, _pos("/chuc-vu/moi/"), writes={"post": OFFICERS}),
        "positions:post_detail": Route(
            DOSSIER_READERS, _pos("/chuc-vu/{post}/"), writes={"post": OFFICERS}
        ),
        "positions:catalogue_list": Route(DOSSIER_READERS, _pos("/danh-muc-trong-yeu/")),
        "positions:catalogue_new": Route(
            OFFICERS, _pos("/danh-muc-trong-yeu/moi/"), writes={"post": OFFICERS}
        ),
        "positions:catalogue_import": Route(
            OFFICERS, _pos("/danh-muc-trong-yeu/nhap/"), writes={"post": OFFICERS}
        ),
        "positions:catalogue_template": Route(
            OFFICERS, _pos("/danh-muc-trong-yeu/nhap/tep-mau.xlsx")
        ),
        "positions:catalogue_detail": Route(
            DOSSIER_READERS, _pos("/danh-muc-trong-yeu/{entry}/"), writes={"post": OFFICERS}
        ),
        "positions:dossier_positions": Route(
            DOSSIER_READERS, _pos("/ho-so/{d}/chuc-vu/"), writes={"post": OFFICERS}
        ),
        "positions:decision_new": Route(
            OFFICERS, _pos("/ho-so/{d}/quyet-dinh/moi/"), writes={"post": OFFICERS}
        ),
        "positions:holding_end": Route(
            OFFICERS, _pos("/giu-chuc-vu/{holding}/ket-thuc/"), method="post"
        ),
        "positions:decision_withdraw": Route(
            OFFICERS, _pos("/quyet-dinh/{decision}/rut/"), method="post"
        ),
        "api:post_list": Route(
            DOSSIER_READERS, _pos("/api/posts/"), api=True, writes={"post": OFFICERS}
        ),
        "api:post_detail": Route(
            DOSSIER_READERS, _pos("/api/posts/{post}/"), api=True, writes={"patch": OFFICERS}
        ),
        "api:catalogue_list": Route(
            DOSSIER_READERS, _pos("/api/catalogue/"), api=True, writes={"post": OFFICERS}
        ),
        "api:catalogue_import": Route(
            OFFICERS, _pos("/api/catalogue/import/"), method="post", api=True
        ),
        "api:catalogue_detail": Route(
            DOSSIER_READERS, _pos("/api/catalogue/{entry}/"), api=True, writes={"patch": OFFICERS}
        ),
        "api:holding_list": Route(
            DOSSIER_READERS,
            _pos("/api/dossiers/{d}/holdings/"),
            api=True,
            writes={"post": OFFICERS},
        ),
        "api:holding_end": Route(
            OFFICERS, _pos("/api/holdings/{holding}/end/"), method="post", api=True
        ),
        "api:decision_list": Route(
            DOSSIER_READERS, _pos("/api/decisions/"), api=True, writes={"post": OFFICERS}
        ),
        "api:decision_detail": Route(DOSSIER_READERS, _pos("/api/decisions/{decision}/"), api=True),
        "api:decision_withdraw": Route(
            OFFICERS, _pos("/api/decisions/{decision}/withdraw/"), method="post", api=True
        ),
    }
)


def _term(o: Any) -> Any:
    from tests.documents.helpers import make_term

    return make_term(o.org)


def _document(o: Any) -> Any:
    from tests.documents.helpers import issue

    _term(o)
    return issue(o.org)


def _rt(what: str, o: Any) -> Any:
    from tests.vetting import route_objects

    return getattr(route_objects, what)(o)


def _case_url(o: Any, tail: str = "", what: str = "case") -> str:
    return f"/tham-tra/ho-so-tham-tra/{_rt(what, o).public_id}/{tail}"


# --- casework: the requirement check, cases and what they record (API), the work queue -------
COMMITTEE = frozenset({Role.COMMITTEE_MEMBER})


def _cw(path: str) -> Callable[[Any], str]:
    """A casework route's address, built from the sweep's casework objects (tests/vetting/
    sweep.py: a case in appraisal with a finding, a concluded case, a decision to check)."""

    def url(o: Any) -> str:
        from tests.vetting.sweep import case_objects

        c = case_objects(o)
        return path.format(
            d=o.dossier.public_id, case=c.case.public_id, finding=c.finding.public_id,
            conclusion=c.conclusion.public_id, decision=c.decision.public_id,
        )  # fmt: skip

    return url


ROUTES.update(
    {
        "api:decision_check": Route(
            OFFICERS, _cw("/api/decisions/{decision}/check/"), method="post", api=True
        ),
        "api:case_list": Route(
            DOSSIER_READERS, _cw("/api/cases/"), api=True, writes={"post": OFFICERS}
        ),
        "api:case_detail": Route(DOSSIER_READERS, _cw("/api/cases/{case}/"), api=True),
        "api:case_transition": Route(
            OFFICERS, _cw("/api/cases/{case}/transition/"), method="post", api=True
        ),
        "api:case_assign": Route(
            OFFICERS, _cw("/api/cases/{case}/assign/"), method="post", api=True
        ),
        "api:case_withdraw": Route(
            OFFICERS, _cw("/api/cases/{case}/withdraw/"), method="post", api=True
        ),
        "api:case_deadline": Route(
            OFFICERS, _cw("/api/cases/{case}/deadline/"), method="post", api=True
        ),
        "api:case_decisions": Route(
            OFFICERS, _cw("/api/cases/{case}/decisions/"), method="post", api=True
        ),
        "api:case_restriction": Route(
            OFFICERS, _cw("/api/cases/{case}/restriction/"), method="post", api=True
        ),
        "api:case_appraisal": Route(
            DOSSIER_READERS,
            _cw("/api/cases/{case}/appraisal/"),
            api=True,
            writes={"post": OFFICERS},
        ),
        "api:case_findings": Route(
            DOSSIER_READERS,
            _cw("/api/cases/{case}/findings/"),
            api=True,
            writes={"post": OFFICERS},
        ),
        "api:finding_detail": Route(
            OFFICERS, _cw("/api/findings/{finding}/"), method="patch", api=True
        ),
        "api:case_results": Route(
            DOSSIER_READERS,
            _cw("/api/cases/{case}/results/"),
            api=True,
            writes={"post": OFFICERS},
        ),
        "api:case_conclusion": Route(
            COMMITTEE, _cw("/api/cases/{case}/conclusion/"), method="post", api=True
        ),
        "api:dossier_conclusions": Route(
            DOSSIER_READERS, _cw("/api/dossiers/{d}/conclusions/"), api=True
        ),
        "api:conclusion_document": Route(
            DOSSIER_READERS, _cw("/api/conclusions/{conclusion}/document/"), api=True
        ),
        "vetting:report_timeliness": Route(DOSSIER_READERS, _cw("/tham-tra/bao-cao/thoi-han/")),
        "api:dossier_changes": Route(
            DOSSIER_READERS,
            _cw("/api/dossiers/{d}/changes/"),
            api=True,
            writes={"post": OFFICERS},
        ),
    }
)
