"""Who may keep the documents' set-up (terms, templates); which documents a user sees is the
gate's (``models.DOCUMENT_GATE``)."""

from __future__ import annotations

from typing import Any

from bvct.core.constants import Action
from bvct.core.gate import may
from bvct.documents.models import DOCUMENT_GATE


def can_manage_documents_setup(user: Any) -> bool:
    """Terms and templates: the system administrator (they hold no personal data)."""
    return may(user, Action.ADMINISTER)


def can_read_documents(user: Any) -> bool:
    """Whether the user's roles let them see any issued document at all."""
    return DOCUMENT_GATE.q(user, Action.VIEW) is not None
