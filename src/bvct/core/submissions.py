"""Forms that make something are carried out once per rendering of the form.

A page that makes something (a dossier, a declaration) renders a one-time token in its form
(``{% submission_token %}``); the service the form runs records it first thing in its own
transaction (:func:`submission_claim`) together with what it made (:func:`submission_result`).
A second POST of the same token (a double click, a resent request, the form sent again from
another tab) is answered with the first one's result, a redirect to what it made, instead of
making another:

- after the first committed, the view's decorator (:func:`once_per_submission`) finds the token
  taken before the form is even read;
- while the first is still running, the second's claim waits on the unique constraint for the
  first's transaction: if it commits, the token is taken and the second changes nothing
  (:class:`AlreadySubmitted`); if it is refused (rolled back), the second is carried out as the
  new attempt it then is.

A refused submission (a missing field, a conflict) is rolled back with its claim, so the page
shown again with its errors keeps the same token and can be sent again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

FIELD = "submission_token"
ALREADY_DONE = (
    "Biểu mẫu này đã được gửi và ghi từ trước (bấm hai lần hoặc gửi lại): không ghi thêm "
    "lần nữa. Đây là kết quả của lần gửi đó."
)


class AlreadySubmitted(Exception):
    """The token was recorded by an earlier submission that made ``result``.

    Not a ServiceError: pages catch those to show them beside the form, and this one must
    reach :func:`once_per_submission` instead, which answers with the earlier result."""

    def __init__(self, result: uuid.UUID | None) -> None:
        super().__init__(ALREADY_DONE)
        self.result = result


def posted_token(request: HttpRequest) -> uuid.UUID | None:
    """The token the form was rendered with, if the request is a POST carrying a valid one."""
    if request.method != "POST":
        return None
    raw = request.POST.get(FIELD, "")
    try:
        return uuid.UUID(raw) if raw else None
    except ValueError:
        return None


def submission_claim(*, actor: Any, token: uuid.UUID | None) -> None:
    """Record the token, first thing in the transaction of the service that runs the form.

    Raises :class:`AlreadySubmitted` when an earlier submission of it was carried out; waits
    for one still running (the unique constraint ``submission_once``). Nothing to do without a
    token or an account (the API, the system)."""
    if token is None or getattr(actor, "pk", None) is None:  # the system, the API
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO core_submissiontoken (user_id, token, created_at)
               VALUES (%s, %s, now())
               ON CONFLICT (user_id, token) DO NOTHING RETURNING id""",
            [actor.pk, token],
        )
        if cursor.fetchone() is not None:
            return
        cursor.execute(
            "SELECT result FROM core_submissiontoken WHERE user_id = %s AND token = %s",
            [actor.pk, token],
        )
        row = cursor.fetchone()
    raise AlreadySubmitted(row[0] if row else None)


def submission_result(*, actor: Any, token: uuid.UUID | None, result: uuid.UUID) -> None:
    """What the claimed submission made (in the same transaction as the claim)."""
    if token is None or getattr(actor, "pk", None) is None:  # the system, the API
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_submissiontoken SET result = %s WHERE user_id = %s AND token = %s",
            [result, actor.pk, token],
        )


def _earlier_result(user: Any, token: uuid.UUID) -> uuid.UUID | None:
    from bvct.core.models import SubmissionToken

    return (
        SubmissionToken.objects.filter(user=user, token=token, result__isnull=False)
        .values_list("result", flat=True)
        .first()
    )


View = Callable[..., HttpResponse]


def once_per_submission(redirect_to: Callable[..., str]) -> Callable[[View], View]:
    """For a form page whose POST runs a service given ``request.submission_token`` (which
    calls :func:`submission_claim` and :func:`submission_result`): a token already carried out
    is answered with a redirect to ``redirect_to(result, *view_args, **view_kwargs)``, the
    first submission's result, with a message saying nothing more was written.

    ``request.submission_token`` is the posted token (a page shown again after a refusal keeps
    it) or a new one for a new form."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            posted = posted_token(request)
            request.submission_token = posted or uuid.uuid4()  # type: ignore[attr-defined]
            if posted is not None and request.user.is_authenticated:
                done = _earlier_result(request.user, posted)
                if done is not None:
                    return _answer(request, redirect_to(done, *args, **kwargs))
            try:
                return view(request, *args, **kwargs)
            except AlreadySubmitted as exc:
                if exc.result is None:  # made by nothing we know of: a fresh form
                    return HttpResponseRedirect(request.path)
                return _answer(request, redirect_to(exc.result, *args, **kwargs))

        return wrapped

    return decorate


def _answer(request: HttpRequest, url: str) -> HttpResponse:
    messages.info(request, ALREADY_DONE)
    return HttpResponseRedirect(url)
