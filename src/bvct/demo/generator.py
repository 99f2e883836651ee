"""A realistic, deterministic province of party members and their relatives, for tests,
demonstrations and benchmarks (`manage.py generate_data`).

Rows are streamed with PostgreSQL COPY in one transaction (all or nothing); ids are reserved
from the tables' identity sequences up front, under a table lock. Nothing here is per-row ORM.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import json
import random
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import connection, transaction
from vietnam_provinces import Province, Ward

from bvct.audit.constants import AuditAction
from bvct.audit.services import audit_record
from bvct.core.constants import Classification
from bvct.core.gate import SYSTEM
from bvct.demo.province import seed_demo_structure
from bvct.orgs.models import ManagementTier, Organisation
from bvct.people import namedata
from bvct.people.bulk import (
    BULK_INDEX_THRESHOLD,
    analyze_people,
    create_indexes,
    drop_person_indexes,
)
from bvct.people.identity import make_citizen_id
from bvct.people.models import RelationKind
from bvct.people.services import name_fields

PROVINCE_CODENAME = "bac_ninh"
CCCD_PLACE = "027"  # Bắc Ninh's place code on citizen ID numbers
CURRENT_YEAR = 2026
CREATED = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)


class Weighted:
    """Fast weighted choice with a given random generator."""

    def __init__(self, items: Sequence[tuple[Any, float]]) -> None:
        self.values = [v for v, _ in items]
        self.cum = list(itertools.accumulate(w for _, w in items))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random) -> Any:
        return self.values[bisect.bisect_right(self.cum, rng.random() * self.total)]


def _zipf(names: Sequence[str]) -> Weighted:
    return Weighted([(n, 1.0 / (i + 4)) for i, n in enumerate(names)])


FAMILY = Weighted(namedata.FAMILY)
MIDDLE = {"M": Weighted(namedata.MIDDLE_MALE), "F": Weighted(namedata.MIDDLE_FEMALE)}
GIVEN = {"M": _zipf(namedata.GIVEN_MALE), "F": _zipf(namedata.GIVEN_FEMALE)}
OCCUPATION = Weighted(namedata.OCCUPATIONS)
RELIGION = Weighted(namedata.RELIGIONS)


@lru_cache(maxsize=1_000_000)
def _name(full_name: str) -> dict[str, str]:
    return name_fields(full_name)


PERSON_COLUMNS = (
    "id public_id dossier_id is_subject relation_id declared full_name other_names name_norm "
    "family_norm given_norm name_sort sex birth_year birth_month birth_day death_year death_month "
    "death_day citizen_id party_card_no birthplace birthplace_ward hometown hometown_ward "
    "hometown_norm residence ethnicity religion nationality occupation org_path classification"
).split()
DOSSIER_COLUMNS = (
    "id public_id created_at updated_at version managing_org_id org_path tier_id classification "
    "current_posts status declaration_count"
).split()
DECLARATION_COLUMNS = (
    "id public_id dossier_id number status content submitted_at submitted_by submitted_by_username"
).split()


@dataclass
class Place:
    name: str
    ward: int | None
    norm: str


@dataclass
class Context:
    rng: random.Random
    home_places: list[Place]
    far_places: list[Place]
    relations: dict[str, int]
    committees: list[Organisation]
    root: Organisation
    tiers: dict[str, int]
    cccd_serials: dict[tuple[str, str, int], int]

    def citizen_id(self, place: str, sex: str, year: int) -> str:
        """A unique number: real ones count serials per place, sex and birth year too."""
        key = (place, sex, year)
        serial = self.cccd_serials.get(key, self.rng.randrange(100_000)) + 1
        self.cccd_serials[key] = serial
        return make_citizen_id(place, sex, year, serial)

    def uuid(self, row_id: int) -> str:
        """A public id whose high bits are the row's id: inserts land at the right edge of the
        unique index instead of all over it (random UUIDs made bulk loads several times slower)."""
        return str(uuid.UUID(int=(row_id << 80) | self.rng.getrandbits(80), version=4))

    def place(self) -> Place:
        pool = self.home_places if self.rng.random() < 0.85 else self.far_places
        return pool[self.rng.randrange(len(pool))]


def _places() -> tuple[list[Place], list[Place]]:
    from bvct.core.text import normalize

    province = next(p for p in Province.iter_all() if p.codename == PROVINCE_CODENAME)
    home: list[Place] = []
    far: list[Place] = []
    names = {p.code: p.name for p in Province.iter_all()}
    for ward in Ward.iter_all():
        label = f"{ward.name}, {names.get(ward.province_code, '')}".strip(", ")
        place = Place(label, int(ward.code.value), normalize(label))
        (home if ward.province_code == province.code else far).append(place)
    return home, far


@dataclass
class Row:
    """A person before it is written: what the declaration and the person row share."""

    relation: str | None
    full_name: str
    sex: str
    birth: tuple[int, int | None, int | None]
    death: tuple[int, int | None, int | None] | None
    place: Place
    birthplace: Place
    citizen_id: str | None
    occupation: str
    religion: str
    political_history: str = ""
    current_situation: str = ""
    death_details: str = ""
    residence: str = ""


DEATH_CAUSES = ("Mất do bệnh", "Mất do tuổi già", "Mất do tai nạn", "Mất do đột quỵ")


def _date_text(parts: tuple[int, int | None, int | None] | None) -> str:
    if parts is None:
        return ""
    year, month, day = parts
    if day is not None and month is not None:
        return f"{day:02d}/{month:02d}/{year}"
    if month is not None:
        return f"{month:02d}/{year}"
    return str(year)


def _birth(ctx: Context, year: int, precision: float) -> tuple[int, int | None, int | None]:
    """A date of birth in ``year``: full with probability ``precision``, else a year only."""
    if ctx.rng.random() < precision:
        month = ctx.rng.randint(1, 12)
        return (year, month, ctx.rng.randint(1, 28))
    return (year, None, None)


def _person_name(ctx: Context, sex: str, family: str | None = None) -> str:
    family = family or FAMILY.pick(ctx.rng)
    return f"{family} {MIDDLE[sex].pick(ctx.rng)} {GIVEN[sex].pick(ctx.rng)}"


def _maybe_dead(ctx: Context, birth_year: int) -> tuple[int, int | None, int | None] | None:
    age = CURRENT_YEAR - birth_year
    chance = 0.0 if age < 55 else 1.0 if age >= 100 else min(0.95, (age - 55) / 40)
    if ctx.rng.random() >= chance:
        return None
    year = ctx.rng.randint(min(CURRENT_YEAR - 1, birth_year + 55), CURRENT_YEAR - 1)
    return (year, None, None)


def _relative(ctx: Context, relation: str, sex: str, family: str | None, year: int) -> Row:
    year = min(year, CURRENT_YEAR - 1)
    death = _maybe_dead(ctx, year)
    row = Row(
        relation=relation,
        full_name=_person_name(ctx, sex, family),
        sex=sex,
        birth=_birth(ctx, year, 0.35),
        death=death,
        place=ctx.place(),
        birthplace=ctx.place(),
        citizen_id=None,
        occupation="" if death else OCCUPATION.pick(ctx.rng),
        religion=RELIGION.pick(ctx.rng),
    )
    if death is not None:
        row.death_details = f"{ctx.rng.choice(DEATH_CAUSES)}, tại {row.place.name}"
    if death is None and 1900 <= year <= CURRENT_YEAR - 14 and ctx.rng.random() < 0.6:
        row.citizen_id = ctx.citizen_id(CCCD_PLACE if ctx.rng.random() < 0.8 else "001", sex, year)
    if relation in ("cha", "ong-noi", "cha-vc") and ctx.rng.random() < 0.25:
        row.political_history = "Tham gia kháng chiến, bộ đội " + str(year + 20)
    if ctx.rng.random() < 0.02:
        row.current_situation = "Đang định cư ở " + ctx.rng.choice(namedata.COUNTRIES)
    return row


def _member_family(ctx: Context) -> tuple[Row, list[Row], dict[str, Any]]:
    rng = ctx.rng
    sex = "M" if rng.random() < 0.62 else "F"
    family = FAMILY.pick(rng)
    year = rng.randint(1958, 2002)
    subject = Row(
        relation=None,
        full_name=_person_name(ctx, sex, family),
        sex=sex,
        birth=_birth(ctx, year, 1.0),
        death=None,
        place=ctx.place(),
        birthplace=ctx.place(),
        citizen_id=ctx.citizen_id(CCCD_PLACE, sex, year),
        occupation=OCCUPATION.pick(rng),
        religion="Không" if rng.random() < 0.96 else RELIGION.pick(rng),
    )
    subject.residence = ctx.home_places[rng.randrange(len(ctx.home_places))].name
    father_year = year - rng.randint(20, 38)
    mother_year = father_year + rng.randint(-2, 8)
    relatives = [
        _relative(ctx, "cha", "M", family, father_year),
        _relative(ctx, "me", "F", None, mother_year),
        _relative(ctx, "ong-noi", "M", family, father_year - rng.randint(20, 35)),
        _relative(ctx, "ba-noi", "F", None, father_year - rng.randint(18, 33)),
    ]
    married = CURRENT_YEAR - year >= 24 and rng.random() < 0.88
    children_family = family
    if married:
        spouse_sex = "F" if sex == "M" else "M"
        spouse = _relative(ctx, "vo-chong", spouse_sex, None, year + rng.randint(-4, 6))
        relatives.append(spouse)
        spouse_family = spouse.full_name.split()[0]
        in_law_year = spouse.birth[0] - rng.randint(20, 36)
        relatives.append(_relative(ctx, "cha-vc", "M", spouse_family, in_law_year))
        relatives.append(_relative(ctx, "me-vc", "F", None, in_law_year + rng.randint(-2, 6)))
        if sex == "F":
            children_family = spouse_family
        for _ in range(rng.choice((0, 1, 1, 2, 2, 2, 3))):
            child_year = year + rng.randint(22, 40)
            if child_year < CURRENT_YEAR:
                child_sex = rng.choice("MF")
                relatives.append(_relative(ctx, "con", child_sex, children_family, child_year))
    for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4))):
        sibling_sex = rng.choice("MF")
        relatives.append(
            _relative(ctx, "anh-chi-em", sibling_sex, family, year + rng.randint(-12, 12))
        )
    history = []
    start = year + 18
    school = rng.choice(namedata.SCHOOLS)
    history.append({"from": f"09/{start}", "to": f"06/{start + 4}", "text": f"Sinh viên {school}"})
    job_start = start + 4
    while job_start < CURRENT_YEAR - 1 and len(history) < 5:
        end = min(CURRENT_YEAR, job_start + rng.randint(2, 12))
        org = ctx.committees[rng.randrange(len(ctx.committees))].name
        history.append(
            {
                "from": f"{rng.randint(1, 12):02d}/{job_start}",
                "to": f"{rng.randint(1, 12):02d}/{end}" if end < CURRENT_YEAR else "",
                "text": f"Công tác tại {org}",
            }
        )
        job_start = end
    events = []
    if rng.random() < 0.03 and start + 11 <= CURRENT_YEAR:
        events.append(
            {
                "kind": "PARTY_INTERRUPTION",
                "from": str(start + 10),
                "to": str(start + 11),
                "text": "Gián đoạn sinh hoạt đảng do đi học",
                "country": "",
            }
        )
    ties = []
    if rng.random() < 0.08:
        country = rng.choice(namedata.COUNTRIES)
        y = rng.randint(max(start, 1995), CURRENT_YEAR - 1)
        ties.append(
            {
                "kind": "TRIP",
                "from": f"{rng.randint(1, 12):02d}/{y}",
                "to": "",
                "text": f"Công tác ngắn hạn tại {country}",
                "country": country,
            }
        )
    extra = {"history": history, "political_events": events, "foreign_ties": ties}
    return subject, relatives, extra


def _content(
    subject: Row, relatives: list[Row], person_ids: list[str], extra: dict[str, Any]
) -> dict[str, Any]:
    def base(row: Row) -> dict[str, Any]:
        return {
            "full_name": row.full_name,
            "sex": row.sex,
            "birth": _date_text(row.birth),
            "death": _date_text(row.death),
            "citizen_id": row.citizen_id,
            "birthplace": row.birthplace.name,
            "hometown": row.place.name,
            "residence": row.residence,
            "occupation": row.occupation,
            "religion": row.religion,
            "ethnicity": "Kinh",
            "nationality": "Việt Nam",
        }

    identity = base(subject) | {
        "other_names": "",
        "party_card_no": "",
        "education": "Đại học",
        "birthplace_ward": subject.birthplace.ward,
        "hometown_ward": subject.place.ward,
    }
    rels = [
        base(r)
        | {
            "person": pid,
            "relation": r.relation,
            "political_history": r.political_history,
            "current_situation": r.current_situation,
            "death_details": r.death_details,
        }
        for r, pid in zip(relatives, person_ids, strict=True)
    ]
    return {"identity": identity, **extra, "relatives": rels}


def _reserve_ids(table: str, count: int) -> int:
    """First id of a block of ``count`` ids taken from ``table``'s identity sequence."""
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = cursor.fetchone()[0]
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
        start = int(cursor.fetchone()[0]) + 1
        cursor.execute("SELECT setval(%s, %s)", [sequence, start + count])
    return start


@dataclass(frozen=True)
class Generated:
    members: int
    persons: int
    seconds: float


def generate(
    *, members: int, seed: int, progress: Callable[[int], None] | None = None, chunk: int = 2000
) -> Generated:
    """Add ``members`` managed persons with their relatives to the demo province."""
    started = time.perf_counter()
    if not Organisation.objects.filter(code="tu-bac-ninh").exists():
        seed_demo_structure()
    root = Organisation.objects.get(code="tu-bac-ninh")
    committees = list(
        Organisation.objects.filter(parent=root, kind__is_committee=True).order_by("code")
    )
    home, far = _places()
    ctx = Context(
        rng=random.Random(seed),
        home_places=home,
        far_places=far,
        relations=dict(RelationKind.objects.values_list("code", "pk")),
        committees=committees,
        root=root,
        tiers=dict(ManagementTier.objects.values_list("code", "pk")),
        cccd_serials={},
    )
    total_persons = 0
    with transaction.atomic():
        dossier_id = _reserve_ids("people_dossier", members)
        declaration_id = _reserve_ids("people_declaration", members)
        # At most 16 relatives each (see _member_family), plus the member.
        person_id = _reserve_ids("people_person", members * 17)
        next_person = person_id
        # A large load is faster with the person indexes built once at the end than
        # maintained row by row; inside this transaction a failure restores them.
        rebuild = drop_person_indexes() if members >= BULK_INDEX_THRESHOLD else []
        for offset in range(0, members, chunk):
            size = min(chunk, members - offset)
            dossiers: list[list[Any]] = []
            persons: list[list[Any]] = []
            declarations: list[list[Any]] = []
            for i in range(size):
                d_id = dossier_id + offset + i
                subject, relatives, extra = _member_family(ctx)
                top = ctx.rng.random()
                if top < 0.02:
                    org, tier, level = root, ctx.tiers.get("dien-btv-tinh-uy"), Classification.MAT
                else:
                    org = committees[ctx.rng.randrange(len(committees))]
                    tier = ctx.tiers.get("dien-btv-dang-uy" if top < 0.1 else "dang-vien")
                    level = Classification.NONE
                dossiers.append([
                    d_id, ctx.uuid(d_id), CREATED, CREATED, 1, org.pk, org.path, tier, int(level),
                    "", "ACTIVE", 1,
                ])  # fmt: skip
                ids = []
                for row in [subject, *relatives]:
                    pid = ctx.uuid(next_person)
                    ids.append(pid)
                    names = _name(row.full_name)
                    death = row.death or (None, None, None)
                    persons.append([
                        next_person, pid, d_id, row.relation is None,
                        ctx.relations[row.relation] if row.relation else None, True,
                        row.full_name, "", names["name_norm"], names["family_norm"],
                        names["given_norm"], names["name_sort"], row.sex, *row.birth, *death,
                        row.citizen_id, "", row.birthplace.name, row.birthplace.ward,
                        row.place.name, row.place.ward, row.place.norm, row.residence, "Kinh",
                        row.religion, "Việt Nam", row.occupation, org.path, int(level),
                    ])  # fmt: skip
                    next_person += 1
                content = _content(subject, relatives, ids[1:], extra)
                decl_id = declaration_id + offset + i
                declarations.append([
                    decl_id, ctx.uuid(decl_id), d_id, 1, "SUBMITTED",
                    json.dumps(content, ensure_ascii=False), CREATED, None, "generate_data",
                ])  # fmt: skip
            total_persons += len(persons)
            _copy("people_dossier", DOSSIER_COLUMNS, dossiers)
            _copy("people_person", PERSON_COLUMNS, persons)
            _copy("people_declaration", DECLARATION_COLUMNS, declarations)
            if progress:
                progress(size)
        with connection.cursor() as cursor:
            # Leave the person sequence just past what was used.
            cursor.execute("SELECT pg_get_serial_sequence('people_person', 'id')")
            cursor.execute("SELECT setval(%s, %s)", [cursor.fetchone()[0], next_person])
        if rebuild:
            create_indexes(rebuild)
        analyze_people()
        audit_record(
            actor=SYSTEM,
            action=AuditAction.DATA_GENERATE,
            object_type="people.dossier",
            org=root,
            after={"members": members, "persons": total_persons, "seed": seed},
        )
    return Generated(members, total_persons, time.perf_counter() - started)


def _copy(table: str, columns: Sequence[str], rows: list[list[Any]]) -> None:
    """COPY the rows; psycopg encodes them (as the import does), no escaping by hand here."""
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
