"""Likely duplicates: a new dossier whose member has the same name and date of birth as the
member of a dossier its author sees (``selectors.dossier_likely_duplicates``) is opened only
once the author says it is somebody else."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import connection

from bvct.core.errors import ConflictError
from bvct.core.gate import SystemPrincipal
from bvct.core.text import normalize
from bvct.people.models import Person
from bvct.people.selectors import dossier_likely_duplicates

if TYPE_CHECKING:
    from bvct.accounts.models import User


class LikelyDuplicate(ConflictError):
    """The person may already have a dossier the author sees (same name and date of birth,
    no citizen ID telling them apart): ``candidates`` are those dossiers' members. Opened
    anyway only when the author confirms it is somebody else."""

    code = "likely_duplicate"

    def __init__(self, identity: dict[str, Any], candidates: list[Person]) -> None:
        super().__init__(
            "Có thể người này đã có hồ sơ: cùng họ tên và ngày sinh với người được quản lý "
            "của hồ sơ đã có. Hãy mở hồ sơ đó để nhập bản khai mới; chỉ lập hồ sơ mới nếu "
            "là người khác."
        )
        self.candidates = candidates
        # What was looked for, as the listing of the candidates shown records it.
        self.filters = {
            "q": identity["full_name"],
            "birth": identity["birth"],
            "likely_duplicates": True,
        }


def warn_of_likely_duplicates(
    actor: User | SystemPrincipal, cleaned: dict[str, Any], *, confirmed: bool
) -> None:
    """In the transaction that opens a dossier for this cleaned declaration: refuse it
    (:class:`LikelyDuplicate`) unless ``confirmed`` (the author says it is another person)."""
    identity = cleaned["identity"]
    # Two openings of one name and birth date, one after the other (a confirmed one too), so
    # the second is compared with the first.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))",
            ["subject-name " + normalize(identity["full_name"]) + " " + identity["birth"]],
        )
    if confirmed:
        return
    candidates = dossier_likely_duplicates(user=actor, identity=identity)
    if candidates:
        raise LikelyDuplicate(identity, candidates)
