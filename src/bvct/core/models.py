"""Base models shared by every app."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class PublicModel(models.Model):
    """A row known outside the database by a UUID; integer keys stay internal.

    ``version`` grows on every change so that concurrent edits can be refused rather than
    silently overwritten (services compare it under ``select_for_update``).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class SubmissionToken(models.Model):
    """One submission of a form that makes something (a dossier, a declaration): the form
    carries a token drawn when it was rendered, recorded in the same transaction as what it
    made. A second POST of the same token (a double click, a resent request, two tabs) is
    answered with the first one's result instead of making another (``core.submissions``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    token = models.UUIDField()
    created_at = models.DateTimeField(auto_now_add=True)
    # The public id of what the submission made; set in the same transaction as the claim.
    result = models.UUIDField(null=True)

    class Meta:
        constraints = [
            # The arbiter between two concurrent posts: the second waits on the first's row
            # and, once that commits, finds the token taken.
            models.UniqueConstraint(fields=["user", "token"], name="submission_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.token}"
