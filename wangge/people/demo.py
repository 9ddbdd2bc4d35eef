"""The people app's part of the demo: households, residents and their care tags.

Households go into the dwellings of the buildings the areas app planned
(``build.households`` per grid); on PostgreSQL the three tables are loaded with COPY
while their secondary indexes and foreign keys are dropped (``CityBuild.bulk_load``).
Deterministic for a seed: the same names, ID numbers, phones and tags every run.
Some householders are handed on as ``build.householders`` to become resident users.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import random
from dataclasses import dataclass
from datetime import date, timedelta

from wangge.areas.demo_tree import CITY_NAME, _words
from wangge.areas.models import AreaKind
from wangge.core import clock, crypto
from wangge.core.identity import id_check_char
from wangge.demo.bulk import RowWriter, next_id
from wangge.demo.city import CityBuild
from wangge.demo.names import person_name
from wangge.demo.names import surname as _surname
from wangge.people.models import CareTag, Household, Resident

# Ages are counted from a fixed day, so a seed gives the same people whenever it runs.
REFERENCE_DATE = date(2025, 6, 30)
_ETHNICITIES = ["汉族", "蒙古族", "回族", "满族", "达斡尔族", "鄂温克族", "朝鲜族"]
_ETHNICITY_CUM = list(itertools.accumulate([93.5, 4.0, 1.2, 1.0, 0.15, 0.05, 0.1]))
_PHONE_PREFIXES = _words(
    "130 131 132 133 135 136 137 138 139 147 150 151 152 155 156 157 158 159 166 173 176 177 "
    "180 181 182 183 186 187 188 189 191 198 199"
)
# (code, weight, minimum age, maximum age); weekly tags are rarer.
_CARE_TAG_WEIGHTS = [
    ("low_income", 30, 0, 120),
    ("disabled", 20, 0, 120),
    ("elderly_alone", 18, 60, 120),
    ("extreme_poverty", 6, 0, 120),
    ("left_behind_child", 6, 0, 15),
    ("severe_mental_illness", 4, 14, 120),
    ("released_prisoner", 3, 18, 120),
    ("community_correction", 2, 18, 120),
    ("drug_rehab", 1.5, 18, 70),
    ("elderly_80_alone", 2, 80, 120),
    ("high_risk", 1, 14, 120),
]
CARE_TAG_SHARE = 0.05


class _IdNumbers:
    """Unique GB 11643 numbers: region + birth date + 3-digit sequence + check character.

    The sequence is odd for men and even for women; 500 numbers exist per region, day and
    gender, handed out in a scrambled order, moving to the next day if a day runs out.
    """

    def __init__(self):
        self.used: dict[tuple[str, int, bool], int] = {}

    def issue(self, region: str, birth: date, male: bool) -> tuple[str, date]:
        while True:
            key = (region, birth.toordinal(), male)
            n = self.used.get(key, 0)
            if n < 500:
                self.used[key] = n + 1
                pair = (key[1] * 37 + n * 7) % 500
                first17 = (
                    f"{region}{birth.year:04d}{birth.month:02d}{birth.day:02d}{pair * 2 + male:03d}"
                )
                return first17 + id_check_char(first17), birth
            birth += timedelta(days=1)


class _People:
    """Draws households' members: names, ages, genders, ID numbers, phones, tags."""

    def __init__(self, care_tag_ids: dict[str, int]):
        self.ids = _IdNumbers()
        self.tags = [
            (care_tag_ids[code], weight, lo, hi)
            for code, weight, lo, hi in _CARE_TAG_WEIGHTS
            if code in care_tag_ids
        ]

    @staticmethod
    def name(rng: random.Random, male: bool, surname: str | None, mongol: bool) -> str:
        return person_name(rng, male, surname, mongol)

    @staticmethod
    def phone(rng: random.Random, age: int) -> str:
        if age < 14 or (age >= 75 and rng.random() < 0.4) or rng.random() < 0.03:
            return ""
        return f"{rng.choice(_PHONE_PREFIXES)}{rng.randrange(100_000_000):08d}"

    def care_tags(self, rng: random.Random, age: int) -> list[int]:
        if not self.tags or rng.random() >= CARE_TAG_SHARE:
            return []
        eligible = [(tag, weight) for tag, weight, lo, hi in self.tags if lo <= age <= hi]
        if not eligible:
            return []
        picked = rng.choices([t for t, _ in eligible], [w for _, w in eligible])
        if rng.random() < 0.1:
            second = rng.choices([t for t, _ in eligible], [w for _, w in eligible])[0]
            if second != picked[0]:
                picked.append(second)
        return picked


def _birth(rng: random.Random, age: int) -> date:
    return REFERENCE_DATE - timedelta(days=int(age * 365.25) + rng.randrange(365))


# Household make-up by size: (relation, age offset range from the householder or None).
_SIZE_CUM = list(itertools.accumulate([17, 31, 30, 13, 6, 3]))
_MAKEUPS = {
    1: [(1.0, [])],
    2: [(0.75, ["spouse"]), (0.15, ["child"]), (0.10, ["parent"])],
    3: [(0.8, ["spouse", "child"]), (0.1, ["child", "child"]), (0.1, ["spouse", "parent"])],
    4: [(0.6, ["spouse", "child", "child"]), (0.4, ["spouse", "child", "parent"])],
    5: [
        (0.5, ["spouse", "child", "parent", "parent"]),
        (0.5, ["spouse", "child", "child", "parent"]),
    ],
    6: [
        (0.6, ["spouse", "child", "child", "parent", "parent"]),
        (0.4, ["spouse", "child", "grandchild", "grandchild", "parent"]),
    ],
}


@dataclass(slots=True)
class _Flat:
    building_id: int
    label: str  # e.g. "幸福小区3号楼2单元501室" or "一组12号"
    room: str


def _flats(
    rng: random.Random, buildings: list[tuple[int, str, str, int, int]], needed: int
) -> list[_Flat]:
    """``needed`` distinct dwellings, chosen at random, in building order."""
    sizes = [
        floors * units * 2 if kind == "flat" else units for _, _, kind, floors, units in buildings
    ]
    total = sum(sizes)
    picked = sorted(rng.sample(range(total), needed)) if needed else []
    starts = list(itertools.accumulate(sizes, initial=0))
    flats = []
    for index in picked:
        b = bisect.bisect_right(starts, index) - 1
        building_id, label, kind, floors, units = buildings[b]
        offset = index - starts[b]
        if kind == "house":
            flats.append(_Flat(building_id, f"{label}{offset + 1}号", f"{offset + 1}号"))
            continue
        unit, rest = divmod(offset, floors * 2)
        floor, door = divmod(rest, 2)
        room = f"{floor + 1}{door + 1:02d}"
        flats.append(_Flat(building_id, f"{label}{unit + 1}单元{room}室", f"{unit + 1}-{room}"))
    return flats


def _insert_people(build: CityBuild) -> list[tuple[int, str, str]]:
    """Households, residents and their care tags; returns some householders as
    (grid id, grid path, name) to become resident users."""
    seed, grids, per_grid = build.seed, build.grids, build.households
    buildings, area_ids, stats, say = build.buildings, build.area_ids, build.stats, build.say
    now = clock.now()
    care_tag_ids = dict(CareTag.objects.values_list("code", "id"))
    people = _People(care_tag_ids)
    households = RowWriter(
        Household,
        [
            "id",
            "grid_id",
            "area_path",
            "code",
            "building_id",
            "address",
            "room",
            "created_at",
            "updated_at",
        ],
    )
    residents = RowWriter(
        Resident,
        [
            "id",
            "household_id",
            "area_path",
            "name",
            "gender",
            "birth_date",
            "doc_type",
            "id_number_enc",
            "id_number_index",
            "phone_enc",
            "phone_index",
            "relation",
            "residence_status",
            "ethnicity",
            "notes",
            "created_at",
            "updated_at",
        ],
    )
    through = Resident.care_tags.through
    tag_links = RowWriter(through, ["id", "resident_id", "caretag_id"])
    household_id, resident_id, link_id = next_id(Household), next_id(Resident), next_id(through)
    encrypt, blind_index = crypto.encrypt, crypto.blind_index
    issue = people.ids.issue
    householders: list[tuple[int, str, str]] = []
    total_households = sum(per_grid)
    done_households = 0
    next_report = 0.1
    for grid, n_households in zip(grids, per_grid, strict=True):
        if not n_households:
            continue
        rng = random.Random(f"wangge-city:{seed}:grid:{grid.code}")
        region = grid.district_code
        prefix = f"{CITY_NAME}{grid.parent.parent.parent.name}{grid.parent.parent.name}"
        path = grid.path
        grid_id = area_ids[grid.code]
        for number, flat in enumerate(_flats(rng, buildings[grid.code], n_households), 1):
            households.add(
                (
                    household_id,
                    grid_id,
                    path,
                    f"{grid.code}{number:04d}",
                    flat.building_id,
                    prefix + flat.label,
                    flat.room,
                    now,
                    now,
                )
            )
            roll = rng.random()
            status = "permanent" if roll < 0.88 else "floating" if roll < 0.97 else "temporary"
            ethnicity = _ETHNICITIES[bisect.bisect(_ETHNICITY_CUM, rng.random() * 100, hi=6)]
            mongol = ethnicity == "蒙古族"
            size = bisect.bisect(_SIZE_CUM, rng.random() * 100, hi=5) + 1
            roll, makeup = rng.random(), None
            for share, members in _MAKEUPS[size]:
                makeup = members
                if roll < share:
                    break
                roll -= share
            head_age = int(rng.triangular(22, 90, 45))
            head_male = rng.random() < 0.7
            head_surname = _surname(rng)
            other_surname = _surname(rng)
            members = [("self", head_age, head_male, head_surname)]
            for relation in makeup:
                if relation == "spouse":
                    age = max(20, head_age + rng.randint(-5, 5))
                    members.append((relation, age, not head_male, other_surname))
                elif relation == "child":
                    age = max(0, head_age - rng.randint(22, 36))
                    father = head_surname if head_male else other_surname
                    members.append((relation, age, rng.random() < 0.52, father))
                elif relation == "grandchild":
                    members.append(
                        (
                            relation,
                            max(0, head_age - rng.randint(45, 60)),
                            rng.random() < 0.52,
                            head_surname,
                        )
                    )
                else:  # parent: father first, then mother
                    male = not any(m[0] == "parent" and m[2] for m in members)
                    members.append(
                        (
                            relation,
                            min(100, head_age + rng.randint(22, 32)),
                            male,
                            head_surname if male else _surname(rng),
                        )
                    )
            for relation, age, male, surname in members:
                name = people.name(rng, male, surname, mongol)
                id_number, birth = issue(region, _birth(rng, age), male)
                phone = people.phone(rng, age)
                member_status = status
                if status == "permanent" and relation != "self" and 18 <= age <= 40:
                    member_status = "registered_absent" if rng.random() < 0.25 else status
                residents.add(
                    (
                        resident_id,
                        household_id,
                        path,
                        name,
                        "male" if male else "female",
                        birth,
                        "id_card",
                        encrypt(id_number),
                        blind_index(id_number, purpose="id"),
                        encrypt(phone),
                        blind_index(phone, purpose="phone"),
                        relation,
                        member_status,
                        ethnicity,
                        "",
                        now,
                        now,
                    )
                )
                tags = people.care_tags(rng, age)
                if tags:
                    stats.add("tagged_residents")
                    for tag in tags:
                        tag_links.add((link_id, resident_id, tag))
                        link_id += 1
                        stats.add("care_tag_links")
                if relation == "self" and rng.random() < 0.01:
                    householders.append((grid_id, path, name))
                resident_id += 1
                stats.add("residents")
            household_id += 1
            stats.add("households")
        if len(residents.rows) >= 20_000:
            households.flush()
            residents.flush()
            tag_links.flush()
        done_households += n_households
        if total_households and done_households / total_households >= next_report:
            say(f"  {done_households:,} / {total_households:,} 户")
            next_report += 0.1
    households.flush()
    residents.flush()
    tag_links.flush()
    return householders


def city_populate(build: CityBuild) -> None:
    for name in ("households", "residents", "tagged_residents", "care_tag_links"):
        build.stats.add(name, 0)
    build.bulk_load([Household, Resident, Resident.care_tags.through])
    build.say("开始生成居民…")
    build.householders = _insert_people(build)
    build.audit_detail.update(households=build.stats.households, residents=build.stats.residents)


def history_prepare(world) -> None:
    """The grids where people live: the stories of the other apps happen there."""
    world.populated = list(world.areas(kind=AreaKind.GRID, households__isnull=False))


def population_digest() -> str:
    """SHA-256 over residents' names and ID blind indexes in id order (determinism checks)."""
    digest = hashlib.sha256()
    for name, index in Resident.objects.order_by("id").values_list("name", "id_number_index"):
        digest.update(f"{name}\t{index}\n".encode())
    return digest.hexdigest()
