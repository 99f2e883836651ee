"""Errors raised by services; pages and the API turn them into specific Vietnamese messages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import IntegrityError, transaction


class ServiceError(Exception):
    """A request that cannot be carried out as asked; nothing was changed."""

    code = "invalid"
    status = 400

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


@contextmanager
def unique_as_error(message: str, *, field: str) -> Iterator[None]:
    """A concurrent duplicate insert (caught by a unique constraint) becomes a clear 400."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise ValidationFailed(message, field=field) from exc


class ValidationFailed(ServiceError):
    code = "invalid"


class PermissionDeniedError(ServiceError):
    """The actor may see the object but not do this to it."""

    code = "permission_denied"
    status = 403


class NotFoundError(ServiceError):
    """What the request names is not there, or not for this actor: told exactly alike."""

    code = "not_found"
    status = 404

    def __init__(self, message: str = "Không tìm thấy.", **kwargs: Any) -> None:
        super().__init__(message, **kwargs)


class ImportFileError(ServiceError):
    """An uploaded file itself cannot be read (format, encoding, headers, size)."""

    code = "invalid_file"


class ConflictError(ServiceError):
    """Someone else changed the object since it was read: the write was refused."""

    code = "conflict"
    status = 409


def refusal_on_form(form: Any, exc: ServiceError) -> None:
    """A service's refusal shown on a page's form: at the field it names, else above it."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
