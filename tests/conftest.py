"""Shared fixtures: the seed document, an imported seed disclosure, and the personas."""

from pathlib import Path

import pytest

from disclosure.catalogues import catalogue_load, read_catalogue_file

DATA = Path(__file__).resolve().parent.parent / "disclosure" / "data"
SEED_PATH = DATA / "seeds" / "yuxi-xinfang-2021.txt"


@pytest.fixture(scope="session", autouse=True)
def _plain_http_for_the_session():
    # The live server's middleware is built once per session, before per-test overrides.
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False
    settings.SECURE_HSTS_SECONDS = 0
    # Hashing a password the production way takes ~0.3 s of CPU per user created or signed
    # in; the tests check who may do what, not the hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # Production settings redirect to HTTPS when DEBUG is off; the test client speaks HTTP.
    settings.SECURE_SSL_REDIRECT = False
    # Hashed static names need `collectstatic`, which tests do not run.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _no_cached_pages_between_tests():
    # Anonymous public pages are cached (disclosure/pagecache.py), and outside a real commit
    # a publication does not start a new page generation: a page one test cached must not
    # be served to the next.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def seed_bytes() -> bytes:
    return SEED_PATH.read_bytes()


@pytest.fixture(scope="session")
def seed_text(seed_bytes) -> str:
    return seed_bytes.decode("utf-8")


@pytest.fixture
def catalogues_2021(db):
    for kind, files in [
        ("functional", ["2021-functional-classes.csv", "2021-functional-seed-codes.csv"]),
        ("economic", ["2021-economic.csv"]),
    ]:
        entries = []
        for name in files:
            entries += read_catalogue_file((DATA / "catalogues" / name).read_bytes(), kind=kind)
        catalogue_load(year=2021, kind=kind, entries=entries)


@pytest.fixture
def seed_disclosure(db, seed_bytes):
    """The seed imported and published as 玉溪市信访局 2021 (code yuxi-xinfang)."""
    from tests.helpers import import_file

    return import_file(
        data=seed_bytes,
        filename=SEED_PATH.name,
        department_code="yuxi-xinfang",
        year=2021,
        publish=True,
    ).disclosure


@pytest.fixture
def seed_draft(db, seed_bytes):
    """The seed imported as a draft (not public)."""
    from tests.helpers import import_file

    return import_file(
        data=seed_bytes, filename=SEED_PATH.name, department_code="yuxi-xinfang", year=2021
    ).disclosure


@pytest.fixture(autouse=True)
def _background_tasks_stay_queued(settings):
    # Publishing queues the PDF build (inline by default). Tests run no background work
    # unless they ask for it: tests/test_pdf.py builds the PDFs it checks.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


# ---------------------------------------------------------------- personas
@pytest.fixture
def other_department(db):
    from disclosure.models import Department

    return Department.objects.create(code="yuxi-jiaoyu", name="玉溪市教育体育局")


@pytest.fixture
def preparer(db, seed_draft):
    """A preparer (填报人) of 玉溪市信访局, the seed's department."""
    from accounts.models import User

    return User.objects.create_user(
        "xinfang", password="Xf-2021-demo!", role="preparer", department=seed_draft.department
    )


@pytest.fixture
def other_preparer(db, other_department):
    """A preparer of another department: must never see 信访局's drafts."""
    from accounts.models import User

    return User.objects.create_user(
        "jiaoyu", password="Jy-2021-demo!", role="preparer", department=other_department
    )


@pytest.fixture
def reviewer(db, city):
    """A reviewer (财政审核人) of 玉溪市's finance bureau: reads and decides for 玉溪市's own
    departments (the seed's among them), edits no number."""
    from accounts.models import User

    return User.objects.create_user(
        "reviewer", password="Rv-2021-demo!", role="reviewer", region=city
    )


# ---------------------------------------------------------------- regions
@pytest.fixture
def province(db):
    """云南省: the province, the top of the tree."""
    from disclosure.models.regions import default_region

    return default_region().parent


@pytest.fixture
def city(db):
    """玉溪市: the default region, where the seed's department (玉溪市信访局) belongs."""
    from disclosure.models.regions import default_region

    return default_region()


@pytest.fixture
def county(db, city):
    """红塔区, a county below 玉溪市."""
    from disclosure.models import Region

    return Region.objects.create(code="530402", name="红塔区", level="county", parent=city)


@pytest.fixture
def other_city(db, province):
    """昆明市, another city of the province."""
    from disclosure.models import Region

    return Region.objects.create(code="530100", name="昆明市", level="city", parent=province)


@pytest.fixture
def county_reviewer(db, county):
    """A reviewer of 红塔区's finance bureau: decides for 红塔区's departments only."""
    from accounts.models import User

    return User.objects.create_user(
        "hongta", password="Ht-2021-demo!", role="reviewer", region=county
    )


@pytest.fixture
def city_oversight(db, city):
    """玉溪市's oversight (财政监督): reads 玉溪市's and its counties' queues, never decides."""
    from accounts.models import User

    return User.objects.create_user(
        "jiandu", password="Jd-2021-demo!", role="oversight", region=city, is_staff=True
    )


@pytest.fixture
def county_admin(db, county):
    """红塔区's regional administrator (地区管理员): manages 红塔区's departments and users."""
    from accounts.models import User

    return User.objects.create_user(
        "hongta-admin",
        password="Ha-2021-demo!",
        role="region_admin",
        region=county,
        is_staff=True,
    )


@pytest.fixture
def administrator(db):
    """An administrator: may do what a reviewer may."""
    from accounts.models import User

    return User.objects.create_user(
        "admin", password="Ad-2021-demo!", role="administrator", is_staff=True, is_superuser=True
    )
