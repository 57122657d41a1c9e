"""Finance bureaus scoped by region: who reads and decides which region's disclosures, the
oversight role's read-only view, and regional administrators in the admin.

Ladder: the same region, a child region (a county below the user's city), the parent region
(the city above a county user) and another region (another city)."""

import re

import pytest
from django.utils import timezone

from accounts.models import User
from disclosure.models import Department, Disclosure, FiscalYear
from disclosure.models.statements import Status
from disclosure.permissions import ACTIONS, can, overseen_departments, reviewable_departments
from tests.test_workflow import STATUS_FOR

pytestmark = pytest.mark.django_db

DECIDING = {"view_draft", "return", "approve", "publish"}


def unmasked(html: bytes) -> bytes:
    """A page with its CSRF token (masked anew for every response) left out."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", html)


def disclosure_in(region, code: str, status: str = Status.DRAFT) -> Disclosure:
    department = Department.objects.create(code=code, name=f"{region.name}{code}", region=region)
    year, _created = FiscalYear.objects.get_or_create(year=2021)
    return Disclosure.objects.create(
        department=department,
        year=year,
        layout="yunnan-2021",
        status=status,
        approved_on=timezone.localdate() if status in {Status.APPROVED, Status.PUBLISHED} else None,
        published_at=timezone.now() if status == Status.PUBLISHED else None,
    )


@pytest.fixture
def places(city, county, other_city, province):
    return {"city": city, "county": county, "other_city": other_city, "province": province}


# persona → place of the department → what the persona may do there
MATRIX = {
    "reviewer": {  # 玉溪市
        "city": DECIDING,
        "county": set(),
        "other_city": set(),
        "province": set(),
    },
    "county_reviewer": {  # 红塔区
        "city": set(),
        "county": DECIDING,
        "other_city": set(),
        "province": set(),
    },
    "city_oversight": {  # 玉溪市, read only
        "city": {"view_draft"},
        "county": {"view_draft"},
        "other_city": set(),
        "province": set(),
    },
    "county_admin": {  # 红塔区's regional administrator: no say over disclosures
        "city": set(),
        "county": set(),
        "other_city": set(),
        "province": set(),
    },
    "administrator": {  # everywhere
        "city": DECIDING,
        "county": DECIDING,
        "other_city": DECIDING,
        "province": DECIDING,
    },
}


@pytest.mark.parametrize("place", ["city", "county", "other_city", "province"])
@pytest.mark.parametrize("persona", list(MATRIX))
def test_region_permission_matrix(request, places, persona, place):
    user = request.getfixturevalue(persona)
    disclosure = disclosure_in(places[place], "dept-x")
    for action in ACTIONS:
        disclosure.status = STATUS_FOR[action]
        assert can(user, action, disclosure) is (action in MATRIX[persona][place]), (
            persona,
            place,
            action,
        )


def test_querysets_list_the_departments_each_user_decides_and_oversees(
    places, reviewer, county_reviewer, city_oversight, administrator
):
    for place in places:
        disclosure_in(places[place], f"d-{place}")
    codes = lambda qs: sorted(qs.values_list("code", flat=True))  # noqa: E731
    assert codes(reviewable_departments(reviewer)) == ["d-city"]
    assert codes(reviewable_departments(county_reviewer)) == ["d-county"]
    assert codes(reviewable_departments(city_oversight)) == []
    assert codes(overseen_departments(city_oversight)) == ["d-city", "d-county"]
    assert len(codes(reviewable_departments(administrator))) == 4


def test_a_reviewer_without_a_region_reviews_the_default_region(city, county):
    legacy = User.objects.create_user("legacy", password="x-2021-Demo!", role="reviewer")
    assert can(legacy, "approve", disclosure_in(city, "d-city", Status.SUBMITTED))
    assert not can(legacy, "approve", disclosure_in(county, "d-county", Status.SUBMITTED))


# ---------------------------------------------------------------- the workspace pages
def test_a_county_reviewer_gets_the_same_404_for_a_city_department_as_for_nothing(
    client, city, county_reviewer
):
    d = disclosure_in(city, "yuxi-caizheng", Status.SUBMITTED)
    client.force_login(county_reviewer)
    page = client.get(f"/workspace/2021/{d.department.code}/v1/")
    nothing = client.get("/workspace/2021/no-such-department/v1/")
    assert page.status_code == nothing.status_code == 404
    # The same page but for the address it echoes (the language switch returns there).
    asked = unmasked(page.content).replace(d.department.code.encode(), b"X")
    assert asked == unmasked(nothing.content).replace(b"no-such-department", b"X")
    response = client.post(
        f"/workspace/2021/{d.department.code}/v1/approve/",
        {"approved_on": "2022-06-01", "confirmed": "1"},
    )
    assert response.status_code == 404
    d.refresh_from_db()
    assert d.status == Status.SUBMITTED and d.approved_on is None


def test_a_city_reviewer_cannot_see_or_decide_a_county_department(client, county, reviewer):
    d = disclosure_in(county, "hongta-jiaoyu", Status.SUBMITTED)
    client.force_login(reviewer)
    assert client.get(f"/workspace/2021/{d.department.code}/v1/").status_code == 404
    response = client.post(
        f"/workspace/2021/{d.department.code}/v1/return/", {"comment": "请修改", "confirmed": "1"}
    )
    assert response.status_code == 404
    d.refresh_from_db()
    assert d.status == Status.SUBMITTED
    home = client.get("/workspace/").content.decode()
    assert "红塔区hongta-jiaoyu" not in home


def test_the_county_reviewer_decides_their_own_department(client, county, county_reviewer):
    d = disclosure_in(county, "hongta-jiaoyu", Status.SUBMITTED)
    client.force_login(county_reviewer)
    assert "红塔区hongta-jiaoyu" in client.get("/workspace/").content.decode()
    response = client.post(
        f"/workspace/2021/{d.department.code}/v1/approve/",
        {"approved_on": "2022-06-01", "confirmed": "1"},
    )
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.status == Status.APPROVED and str(d.approved_on) == "2022-06-01"


def test_oversight_reads_the_counties_queues_and_cannot_decide(
    client, county, other_city, city_oversight
):
    mine = disclosure_in(county, "hongta-jiaoyu", Status.SUBMITTED)
    disclosure_in(other_city, "kunming-jiaoyu", Status.SUBMITTED)
    client.force_login(city_oversight)
    home = client.get("/workspace/").content.decode()
    assert "红塔区hongta-jiaoyu" in home
    assert "昆明市kunming-jiaoyu" not in home
    page = client.get(f"/workspace/2021/{mine.department.code}/v1/")
    assert page.status_code == 200
    assert "/approve/" not in page.content.decode()
    response = client.post(
        f"/workspace/2021/{mine.department.code}/v1/approve/",
        {"approved_on": "2022-06-01", "confirmed": "1"},
    )
    assert response.status_code == 302  # back to the page, with the refusal
    mine.refresh_from_db()
    assert mine.status == Status.SUBMITTED
    assert client.get("/workspace/2021/kunming-jiaoyu/v1/").status_code == 404


# ---------------------------------------------------------------- regional administrators
def test_a_regional_administrator_manages_only_their_regions_users(
    client, city, county, county_admin
):
    own = User.objects.create_user("hongta-user", role="reviewer", region=county)
    other = User.objects.create_user("yuxi-user", role="reviewer", region=city)
    client.force_login(county_admin)
    listing = client.get("/admin/accounts/user/").content.decode()
    assert "hongta-user" in listing and "yuxi-user" not in listing
    assert client.get(f"/admin/accounts/user/{own.pk}/change/").status_code == 200
    response = client.get(f"/admin/accounts/user/{other.pk}/change/")
    assert response.status_code == 302  # the admin's "does not exist": no page, no data
    response = client.post(
        f"/admin/accounts/user/{other.pk}/change/",
        {"username": "yuxi-user", "role": "region_admin", "is_active": "on"},
    )
    other.refresh_from_db()
    assert other.role == "reviewer" and other.region == city


def test_a_regional_administrator_cannot_make_an_administrator_or_move_a_user_out(
    client, city, county, county_admin
):
    own = User.objects.create_user("hongta-user", role="reviewer", region=county)
    client.force_login(county_admin)
    for data in (
        {"role": "administrator", "region": county.pk},
        {"role": "reviewer", "region": city.pk},
    ):
        response = client.post(
            f"/admin/accounts/user/{own.pk}/change/",
            {"username": "hongta-user", "is_active": "on", **data},
        )
        assert response.status_code == 200  # the form again, with the error
        own.refresh_from_db()
        assert own.role == "reviewer" and own.region == county


def test_a_regional_administrator_manages_only_their_regions_departments(
    client, city, county, county_admin
):
    mine = Department.objects.create(code="hongta-jiaoyu", name="红塔区教育体育局", region=county)
    theirs = Department.objects.create(code="yuxi-jiaoyu", name="玉溪市教育体育局", region=city)
    client.force_login(county_admin)
    listing = client.get("/admin/disclosure/department/").content.decode()
    assert "红塔区教育体育局" in listing and "玉溪市教育体育局" not in listing
    assert client.get(f"/admin/disclosure/department/{mine.pk}/change/").status_code == 200
    assert client.get(f"/admin/disclosure/department/{theirs.pk}/change/").status_code == 302
    response = client.post(
        "/admin/disclosure/department/add/",
        {"code": "yuxi-new", "name": "新部门", "region": city.pk, "kind": "administrative"},
    )
    assert response.status_code == 200
    assert not Department.objects.filter(code="yuxi-new").exists()


def test_in_the_admin_a_reviewer_reads_only_their_regions_drafts(client, city, county):
    reviewer = User.objects.create_user(
        "hongta-staff", role="reviewer", region=county, is_staff=True
    )
    theirs = disclosure_in(city, "yuxi-draft", Status.SUBMITTED)
    mine = disclosure_in(county, "hongta-draft", Status.SUBMITTED)
    public = disclosure_in(city, "yuxi-public", Status.PUBLISHED)
    client.force_login(reviewer)
    listing = client.get("/admin/disclosure/disclosure/").content.decode()
    assert "红塔区hongta-draft" in listing and "玉溪市yuxi-public" in listing
    assert "玉溪市yuxi-draft" not in listing
    assert client.get(f"/admin/disclosure/disclosure/{mine.pk}/change/").status_code == 200
    assert client.get(f"/admin/disclosure/disclosure/{public.pk}/change/").status_code == 200
    assert client.get(f"/admin/disclosure/disclosure/{theirs.pk}/change/").status_code == 302
    export = client.get(f"/admin/disclosure/disclosure/{theirs.pk}/tables/02.csv")
    assert export.status_code == 404


# ---------------------------------------------------------------- departments in the admin
# persona → the departments (by place) its admin lists: a region and every region below it.
ADMIN_DEPARTMENTS = {
    "reviewer": {"city", "county"},  # 玉溪市 and 红塔区 below it
    "county_reviewer": {"county"},
    "city_oversight": {"city", "county"},
    "county_admin": {"county"},
    "administrator": {"city", "county", "other_city", "province"},
}


@pytest.mark.parametrize("persona", list(ADMIN_DEPARTMENTS))
def test_in_the_admin_each_persona_sees_only_the_departments_of_its_region_subtree(
    request, client, places, persona
):
    user = request.getfixturevalue(persona)
    user.is_staff = True
    user.save()
    departments = {
        place: Department.objects.create(code=f"dept-{place}", name=f"{place}部门", region=region)
        for place, region in places.items()
    }
    client.force_login(user)
    listing = client.get("/admin/disclosure/department/")
    if persona == "city_oversight":  # oversight reads queues, not the reference data
        assert listing.status_code == 403
        return
    assert listing.status_code == 200
    shown = {place for place in places if f"{place}部门" in listing.content.decode()}
    assert shown == ADMIN_DEPARTMENTS[persona]
    for place, department in departments.items():
        page = client.get(f"/admin/disclosure/department/{department.pk}/change/")
        # Another region's department is the admin's "does not exist": a redirect, no data.
        assert page.status_code == (200 if place in ADMIN_DEPARTMENTS[persona] else 302), place


def test_a_reviewer_cannot_move_a_department_out_of_their_region_in_the_admin(
    client, county, other_city, county_reviewer
):
    county_reviewer.is_staff = True
    county_reviewer.save()
    mine = Department.objects.create(code="hongta-jiaoyu", name="红塔区教育体育局", region=county)
    client.force_login(county_reviewer)
    response = client.post(
        f"/admin/disclosure/department/{mine.pk}/change/",
        {"name": "红塔区教育体育局", "region": other_city.pk, "kind": "administrative"},
    )
    assert response.status_code == 200  # the form again, with the error
    mine.refresh_from_db()
    assert mine.region == county


def test_a_reviewer_sees_only_their_regions_users_when_given_the_user_permissions(
    client, city, county, other_city, county_reviewer
):
    from django.contrib.auth.models import Permission

    county_reviewer.is_staff = True
    county_reviewer.save()
    county_reviewer.user_permissions.add(Permission.objects.get(codename="view_user"))
    User.objects.create_user("hongta-user", role="oversight", region=county)
    User.objects.create_user("kunming-user", role="reviewer", region=other_city)
    client.force_login(User.objects.get(pk=county_reviewer.pk))
    listing = client.get("/admin/accounts/user/").content.decode()
    assert "hongta-user" in listing and "kunming-user" not in listing
