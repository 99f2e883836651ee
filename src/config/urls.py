"""URL map: pages under their app, the API under /api/, OpenAPI docs served locally."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from bvct.accounts import api as accounts_api
from bvct.audit import api as audit_api
from bvct.orgs import api as orgs_api
from bvct.people import api as people_api
from bvct.positions.api import urlpatterns as positions_api
from bvct.vetting import api_rules as vetting_rules_api
from bvct.vetting.api_cases import urlpatterns as vetting_cases_api

api_patterns = [
    path("me/", accounts_api.MeApi.as_view(), name="me"),
    path("users/", accounts_api.UserListApi.as_view(), name="user_list"),
    path("users/<uuid:public_id>/", accounts_api.UserDetailApi.as_view(), name="user_detail"),
    path("users/grants/", accounts_api.GrantListApi.as_view(), name="grant_list"),
    path(
        "users/grants/<uuid:public_id>/confirm/",
        accounts_api.GrantConfirmApi.as_view(),
        name="grant_confirm",
    ),
    path(
        "users/grants/<uuid:public_id>/decline/",
        accounts_api.GrantDeclineApi.as_view(),
        name="grant_decline",
    ),
    path("tokens/", accounts_api.TokenListApi.as_view(), name="token_list"),
    path("tokens/<uuid:public_id>/", accounts_api.TokenRevokeApi.as_view(), name="token_revoke"),
    path("orgs/", orgs_api.OrganisationListApi.as_view(), name="org_list"),
    path("orgs/<uuid:public_id>/", orgs_api.OrganisationDetailApi.as_view(), name="org_detail"),
    path("audit/events/", audit_api.AuditEventListApi.as_view(), name="audit_event_list"),
    path(
        "audit/events/<uuid:public_id>/",
        audit_api.AuditEventDetailApi.as_view(),
        name="audit_event_detail",
    ),
    path("persons/", people_api.PersonSearchApi.as_view(), name="person_search"),
    path("dossiers/", people_api.DossierCreateApi.as_view(), name="dossier_create"),
    path("dossiers/import/", people_api.DossierImportApi.as_view(), name="dossier_import"),
    path(
        "dossiers/<uuid:public_id>/", people_api.DossierDetailApi.as_view(), name="dossier_detail"
    ),
    path(
        "dossiers/<uuid:public_id>/declarations/",
        people_api.DeclarationListApi.as_view(),
        name="declaration_list",
    ),
    path(
        "dossiers/<uuid:public_id>/links/",
        people_api.DossierLinksApi.as_view(),
        name="dossier_links",
    ),
    path(
        "links/<uuid:public_id>/decision/",
        people_api.LinkDecisionApi.as_view(),
        name="link_decision",
    ),
    path(
        "dossiers/<uuid:public_id>/declarations/<int:a>/diff/<int:b>/",
        people_api.DeclarationDiffApi.as_view(),
        name="declaration_diff",
    ),
    path("rules/", vetting_rules_api.RulePackCurrentApi.as_view(), name="rules_current"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
api_patterns += positions_api
api_patterns += vetting_cases_api

urlpatterns = [
    path("", include("bvct.home.urls")),
    path("accounts/", include("bvct.accounts.urls")),
    path("audit/", include("bvct.audit.urls")),
    path("orgs/", include("bvct.orgs.urls")),
    path("ho-so/", include("bvct.people.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include((api_patterns, "api"))),
    path("tham-tra/", include("bvct.vetting.urls")),
    path("", include("bvct.positions.urls")),
    path("van-ban/", include("bvct.documents.urls")),
]
