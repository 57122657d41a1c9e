"""A whole synthetic province (合成省 990000, its cities and counties, departments in each)
with on-time, late and missing publications: for the region pages, the coverage board and
their benchmarks. Built on `synthetic.generate`; nothing here is a real region's data."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from disclosure.content import DisclosureContent, ParsedTable, content_write
from disclosure.layouts import get_layout
from disclosure.models import Department, Disclosure, FiscalYear
from disclosure.models.statements import Status, TableState
from disclosure.pagecache import public_pages_changed
from disclosure.synthetic import LAYOUT, Generated, generate

SYNTHETIC_PROVINCE = ("990000", "合成省")  # 99: no real province has this code


@dataclass
class ProvinceGenerated:
    regions: int = 0
    departments: int = 0
    disclosures: int = 0
    skipped_regions: int = 0
    states: dict[str, int] = field(default_factory=dict)


def province_regions(*, cities: int, counties: int):
    """The synthetic province's tree: 990000 合成省, cities 99CC00 合成市CC, and `counties`
    counties 99CCNN spread evenly over the cities. Created where missing; returned from
    the top down (province, then each city followed by its counties)."""
    from disclosure.models import Region

    if not 1 <= cities <= 99 or counties < 0 or counties > cities * 99:
        raise ValueError("cities 1–99, counties 0–99 per city")
    code, name = SYNTHETIC_PROVINCE
    province, _created = Region.objects.get_or_create(
        code=code, defaults={"name": name, "level": "province"}
    )
    tree = [province]
    for c in range(1, cities + 1):
        city, _created = Region.objects.get_or_create(
            code=f"99{c:02d}00",
            defaults={"name": f"合成市{c:02d}", "level": "city", "parent": province},
        )
        tree.append(city)
        share = counties // cities + (1 if c <= counties % cities else 0)
        for n in range(1, share + 1):
            county, _created = Region.objects.get_or_create(
                code=f"99{c:02d}{n:02d}",
                defaults={
                    "name": f"合成市{c:02d}县{n:02d}",
                    "level": "county",
                    "parent": city,
                },
            )
            tree.append(county)
    return tree


def generate_province(
    *,
    cities: int = 16,
    counties: int = 130,
    departments: int = 50,
    years: int = 3,
    seed: int = 1,
    first_year: int = 2021,
    late: float = 0.1,
    missing: float = 0.05,
    content: bool = True,
    progress=None,
) -> ProvinceGenerated:
    """A province for the region pages and the coverage board: every region of
    `province_regions` gets `departments` synthetic departments (本级) with `years` years
    each, published; then a share `late` is approved more than 20 days before publication,
    a share `missing` is left approved and unpublished, the rest published on time.

    Each region's departments come from one `generate` call with its own seed
    (seed × 1000 + the region's place in the tree), so a run that stopped half-way resumes:
    a region whose departments exist already is skipped.

    `content=False` writes no table content: each disclosure gets its layout's tables as
    records (state "provided") and no rows or amounts — what the region pages, the coverage
    board and search read, at a fraction of the time, for measuring those at full scale.
    Those disclosures' own pages show empty tables."""
    from django.db.models import F, Value
    from django.db.models.functions import Concat

    result = ProvinceGenerated()
    tree = province_regions(cities=cities, counties=counties)
    result.regions = len(tree)
    rng = random.Random(seed)
    for index, region in enumerate(tree):
        region_seed = seed * 1000 + index
        if Department.objects.filter(code__startswith=f"syn{region_seed}-").exists():
            result.skipped_regions += 1
            continue
        if content:
            generated = generate(
                departments=departments, years=years, seed=region_seed, first_year=first_year
            )
        else:
            generated = _generate_records(
                departments=departments,
                years=years,
                seed=region_seed,
                first_year=first_year,
                region=region,
            )
        Department.objects.filter(code__startswith=f"syn{region_seed}-").update(
            region=region, name=Concat(Value(region.name), F("name"))
        )
        _draw_publications(rng, generated.disclosures, missing=missing, late=late, into=result)
        result.departments += departments
        result.disclosures += len(generated.disclosures)
        if progress is not None:
            progress(index + 1, len(tree), region)
    public_pages_changed()
    return result


def _draw_publications(
    rng: random.Random, disclosures, *, missing: float, late: float, into: ProvinceGenerated
) -> None:
    """Each disclosure published on time (≤ 批复 + 20 days), late, or left approved and
    unpublished (missing), drawn with the given shares; counted in `into.states`."""
    from disclosure.coverage import State

    changed = []
    for disclosure in disclosures:
        draw = rng.random()
        published_on = timezone.localdate(disclosure.published_at)
        if draw < missing:
            disclosure.status = Status.APPROVED
            disclosure.published_at = None
            disclosure.approved_on = published_on - timedelta(days=rng.randint(1, 10))
            state = State.MISSING
        elif draw < missing + late:
            disclosure.approved_on = published_on - timedelta(days=rng.randint(21, 60))
            state = State.LATE
        else:
            disclosure.approved_on = published_on - timedelta(days=rng.randint(0, 20))
            state = State.ON_TIME
        into.states[state] = into.states.get(state, 0) + 1
        changed.append(disclosure)
    Disclosure.objects.bulk_update(
        changed, ["status", "published_at", "approved_on"], batch_size=500
    )


def _generate_records(
    *, departments: int, years: int, seed: int, first_year: int, region
) -> Generated:
    """Departments syn<seed>-NNNN of `region` with published disclosures whose tables are
    records only."""
    now = timezone.now()
    years_ = [FiscalYear.objects.get_or_create(year=first_year + y)[0] for y in range(years)]
    prefix = f"syn{seed}"
    depts = Department.objects.bulk_create(
        [
            Department(code=f"{prefix}-{i + 1:04d}", name=f"合成部门{i + 1:04d}", region=region)
            for i in range(departments)
        ]
    )
    # Every table provided, none with rows: what the region pages and the board read.
    content = DisclosureContent(
        layout=LAYOUT,
        tables={
            t.number: ParsedTable(number=t.number, state=TableState.PROVIDED)
            for t in get_layout(LAYOUT).tables
        },
    )
    disclosures = Disclosure.objects.bulk_create(
        [
            Disclosure(
                department=dept,
                year=fy,
                layout=LAYOUT,
                status=Status.PUBLISHED,
                published_at=now,
                content_digest=content.digest(),
                source_name="synthetic (records only)",
            )
            for dept in depts
            for fy in years_
        ]
    )
    content_write([(d, content) for d in disclosures])
    return Generated(disclosures=disclosures)
