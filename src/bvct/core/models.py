"""Base models shared by every app."""

from __future__ import annotations

import uuid

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
