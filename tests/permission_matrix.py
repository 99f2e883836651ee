"""The shared permission matrix every endpoint test runs.

Five callers try the same request: anonymous, someone of the right role in another scope,
someone of the right role and scope without enough clearance, a coordinating-agency officer,
and the allowed user. Hidden objects must answer exactly as missing ones (404), and a denied
write must change nothing (``state`` is compared before and after).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory

from bvct.accounts.models import User
from bvct.core.constants import Role
from bvct.orgs.models import Organisation
from tests.factories import make_user

NOT_FOUND = 404
_CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


def _masked(body: bytes, url: str) -> bytes:
    """A page without its per-response CSRF token and without its own URL (echoed back in
    links and forms; the requester knows it): what is left must not differ."""
    body = _CSRF.sub(b'name="csrfmiddlewaretoken" value=""', body)
    return body.replace(url.encode(), b"<url>")


LOGIN_REDIRECT = 302


@dataclass
class Personas:
    allowed: User
    other_scope: User
    insufficient_clearance: User
    agency: User

    def as_dict(self) -> dict[str, User | None]:
        return {
            "anonymous": None,
            "other_scope": self.other_scope,
            "insufficient_clearance": self.insufficient_clearance,
            "agency": self.agency,
            "allowed": self.allowed,
        }


def make_personas(
    *,
    role: str,
    org: Organisation,
    other_org: Organisation,
    agency_org: Organisation,
    clearance: str = "TUYET_MAT",
    low_clearance: str = "NONE",
) -> Personas:
    return Personas(
        allowed=make_user(org, role, clearance=clearance),
        other_scope=make_user(other_org, role, clearance=clearance),
        insufficient_clearance=make_user(org, role, clearance=low_clearance),
        agency=make_user(agency_org, Role.AGENCY_OFFICER, clearance=clearance),
    )


@dataclass(frozen=True)
class Expect:
    """Expected status per persona; anonymous defaults to the login redirect of a page."""

    anonymous: int = LOGIN_REDIRECT
    other_scope: int = NOT_FOUND
    insufficient_clearance: int = NOT_FOUND
    agency: int = NOT_FOUND
    allowed: int = 200
    skip: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def api(cls, **kwargs: Any) -> Expect:
        return cls(**{"anonymous": 401, **kwargs})


def _csrf(client: Client) -> str:
    """A CSRF token for the client's form posts, as a page it had loaded would carry."""
    request = RequestFactory().get("/")
    token = get_token(request)
    client.cookies[settings.CSRF_COOKIE_NAME] = request.META["CSRF_COOKIE"]
    return token


def _with_token(body: Any, token: str | None) -> Any:
    return body if token is None else {**(body or {}), "csrfmiddlewaretoken": token}


def _send(send: Any, method: str, form: bool, url: str, body: Any) -> Any:
    if method == "get":
        return send(url, data=body)
    if form:
        return send(url, data=body or {})  # form-encoded (multipart), as a browser posts
    return send(url, data=body or {}, content_type="application/json")


def assert_permission_matrix(
    url: str,
    personas: Personas,
    expect: Expect,
    *,
    method: str = "get",
    data: dict[str, Any] | Callable[[], dict[str, Any]] | None = None,
    state: Callable[[], Any] | None = None,
    missing_url: str | None = None,
    form: bool = False,
) -> dict[str, Any]:
    """Run the request as each persona; return the responses by persona name.

    A refused request (3xx/4xx) must write no audit event. With ``missing_url`` (the same
    endpoint for an id that does not exist), every 404 must be byte-for-byte the answer for a
    missing object, so a hidden object's existence does not show.

    ``form``: a page's form post (form-encoded, files allowed, CSRF checked as in production,
    each caller with a valid token). Its success may be a redirect
    and its refusal the form shown again with an error (200), so there every persona but the
    allowed one is refused, whatever the status: none may change ``state`` or write an event.
    """
    from bvct.audit.models import AuditEvent

    responses: dict[str, Any] = {}
    failures: list[str] = []
    for name, user in personas.as_dict().items():
        if name in expect.skip:
            continue
        client = Client(enforce_csrf_checks=form)
        if user is not None:
            client.force_login(user)
        token = _csrf(client) if form else None
        before = state() if state else None
        last_event = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
        send = getattr(client, method)
        body = _with_token(data() if callable(data) else data, token)
        response = _send(send, method, form, url, body)
        responses[name] = response
        wanted = getattr(expect, name)
        if response.status_code != wanted:
            failures.append(f"{name}: expected {wanted}, got {response.status_code}")
        refused = name != "allowed" if form else wanted >= 300
        if state and refused and state() != before:
            failures.append(f"{name}: was refused ({response.status_code}) but state changed")
        if (name != "allowed") if form else response.status_code >= 300:
            written = AuditEvent.objects.filter(seq__gt=last_event or 0).count()
            if written:
                failures.append(f"{name}: was refused but wrote {written} audit event(s)")
        if missing_url and response.status_code == NOT_FOUND:
            body = _with_token(data() if callable(data) else data, token)
            missing = _send(send, method, form, missing_url, body)
            if (missing.status_code, _masked(missing.content, missing_url)) != (
                response.status_code,
                _masked(response.content, url),
            ):
                failures.append(f"{name}: a hidden object answers differently from a missing one")
    assert not failures, f"{method.upper()} {url}: " + "; ".join(failures)
    return responses
