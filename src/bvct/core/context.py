"""Per-request context (request id, client address) that services and the audit trail read.

Kept in a ContextVar so that services need no request parameter and management commands
(which have no request) simply leave it empty.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    client_addr: str | None = None


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "bvct_request_context",
    default=RequestContext(),  # noqa: B039  (frozen: the shared default cannot be mutated)
)


def current() -> RequestContext:
    return _current.get()


@contextmanager
def bound(ctx: RequestContext) -> Iterator[None]:
    token = _current.set(ctx)
    try:
        yield
    finally:
        _current.reset(token)
