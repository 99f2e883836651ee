"""Pick the demo dossiers the browser flows use; print them as JSON (run by conftest).

The demo data is generated (src/bvct/demo/generator.py): rather than hard-coding names that
change whenever the generator does, each flow gets a dossier chosen here by what it needs
(a trip abroad, a relative with an occupation...), a different one per flow. Runs in its own
process against the browser database: ``python -m tests.browser.demo_cases``.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from typing import Any

KINH_BAC = "du-phuong-kinh-bac"  # canbo.xa's committee (src/bvct/demo/province.py)


def pick() -> dict[str, Any]:
    from bvct.core.constants import Classification
    from bvct.core.text import normalize
    from bvct.orgs.models import Organisation
    from bvct.people.models import Declaration, Person

    kinh_bac = Organisation.objects.get(code=KINH_BAC).path
    # Dossiers with one declaration: the flows number the versions they submit from 2 (the
    # demo gives a few dossiers more versions, src/bvct/demo/province.py).
    subjects = list(
        Person.objects.filter(
            is_subject=True,
            classification__lte=Classification.TOI_MAT,
            dossier__declaration_count=1,
        )
        .select_related("dossier")
        .order_by("id")
    )
    # Names that open exactly one result when searched (search finds subjects by name).
    same = Counter(normalize(p.full_name) for p in Person.objects.filter(is_subject=True))
    unique = [p for p in subjects if same[normalize(p.full_name)] == 1]
    content = {
        d.dossier_id: d.content
        for d in Declaration.objects.filter(
            dossier_id__in=[p.dossier_id for p in unique], status="SUBMITTED"
        )
    }
    used: set[int] = set()

    def take(test: Any, what: str) -> Person:
        for person in unique:
            if person.dossier_id not in used and person.dossier_id in content and test(person):
                used.add(person.dossier_id)
                return person
        raise SystemExit(f"the demo data has no dossier for: {what}")

    def one_relative(person: Person, needs: Any) -> dict[str, Any] | None:
        """A declared relative whose name is unique in the dossier and who meets ``needs``."""
        relatives = content[person.dossier_id].get("relatives", [])
        names = Counter(r["full_name"] for r in relatives)
        names.update([person.full_name])
        for relative in relatives:
            if names[relative["full_name"]] == 1 and needs(relative):
                return relative
        return None

    def given(person: Person) -> str:
        return normalize(person.full_name).split()[-1]

    # A doubled last letter in a given name of 3+ letters (the README's "nguyen van hungg").
    searched = take(
        lambda p: (
            not p.org_path.startswith(kinh_bac)
            and normalize(p.full_name) != p.full_name.lower()
            and len(given(p)) >= 3
        ),
        "a name with diacritics outside phường Kinh Bắc",
    )
    plain = normalize(searched.full_name)
    typo = plain + plain[-1]
    in_kinh_bac = take(
        lambda p: p.org_path.startswith(kinh_bac) and p.classification <= Classification.MAT,
        "a dossier of phường Kinh Bắc",
    )
    tabbed = take(
        lambda p: bool(
            p.birthplace
            and p.citizen_id
            and content[p.dossier_id].get("history")
            and content[p.dossier_id].get("foreign_ties")
            and one_relative(p, lambda r: r.get("death"))
        ),
        "a dossier with history, a trip abroad and a relative who died",
    )
    tabbed_content = content[tabbed.dossier_id]
    died = one_relative(tabbed, lambda r: r.get("death")) or {}
    tie = tabbed_content["foreign_ties"][0]

    def living_with_occupation(relative: dict[str, Any]) -> bool:
        return bool(relative.get("occupation")) and not relative.get("death")

    def editable(p: Person) -> bool:
        return one_relative(p, living_with_occupation) is not None

    edited = take(editable, "a relative with an occupation")
    contested = take(editable, "a second relative with an occupation")
    relabelled = take(editable, "a third relative with an occupation")
    audited = take(lambda p: True, "one more dossier")

    def with_relative(p: Person) -> dict[str, str]:
        relative = one_relative(p, living_with_occupation) or {}
        return {
            "name": p.full_name,
            "relative": relative["full_name"],
            "occupation": relative["occupation"],
        }

    return {
        "searched": {"name": searched.full_name, "typo": typo, "typo_word": typo.split()[-1]},
        "in_kinh_bac": {"name": in_kinh_bac.full_name, "query": normalize(in_kinh_bac.full_name)},
        "tabbed": {
            "name": tabbed.full_name,
            "identity": [tabbed.birthplace, tabbed.citizen_id],
            "history": [tabbed_content["history"][0]["text"]],
            "relatives": [f"{died['full_name']} (đã mất {died['death']})"],
            "foreign": [f"{tie.get('country', '')}: {tie['text']}"],
        },
        "edited": with_relative(edited),
        "contested": with_relative(contested),
        "relabelled": with_relative(relabelled),
        "audited": {"name": audited.full_name},
    }


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    json.dump(pick(), sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
