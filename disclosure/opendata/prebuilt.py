"""A large year's package (the zip and its CSV), built in the background, not for a reader.

At province scale the year's package takes longer to build than a web request may last
(1,000 departments: over 30 s, gunicorn's default timeout). A year with more than
`PORTAL_PACKAGE_BUILD_ON_REQUEST` published disclosures is therefore served from files
built by a background task and stored through Django's storage (object storage in
production), named after the year's stamp — which versions are current:

- the files for the current stamp exist: they are served;
- they do not: a build is queued (once per stamp) and the latest files built for the year
  are served meanwhile, marked by `X-Package-Current: false`; before any build has
  finished the answer is 503 with Retry-After.

A build always builds what is current when it runs, so a burst of publications (release
day) queues many builds that mostly find their work done. Smaller years are built on
request, as before, and cached for ten minutes.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django_tasks import task

from disclosure.models import Disclosure
from disclosure.opendata import package

logger = logging.getLogger(__name__)

KINDS = ("zip", "csv")
FILE_FORMAT = "2:"  # the package's columns; "2": with each department's region


def year_stamp(disclosures: list[Disclosure]) -> str:
    """Which versions a year's files contain: changes with every publication, with a
    department moved to another region or a region renamed, and with the files' format."""
    stamp = FILE_FORMAT + ";".join(
        f"{d.pk}:{d.updated_at.isoformat()}:{d.department.region.code}:{d.department.region.name}"
        for d in disclosures
    )
    return hashlib.sha256(stamp.encode()).hexdigest()[:24]


def built_on_request(disclosures: list[Disclosure]) -> bool:
    return len(disclosures) <= settings.PORTAL_PACKAGE_BUILD_ON_REQUEST


def _name(year: int, stamp: str, kind: str) -> str:
    filename = "fiscal-data-package.zip" if kind == "zip" else package.csv_name(year)
    return f"opendata/{year}/{stamp}/{filename}"


def _latest_name(year: int) -> str:
    return f"opendata/{year}/latest.txt"


def stored_file(year: int, disclosures: list[Disclosure], kind: str) -> tuple[bytes, bool] | None:
    """The year's file of `kind` and whether it is current; None before any build. Queues
    a build when the current one is missing."""
    stamp = year_stamp(disclosures)
    name = _name(year, stamp, kind)
    if default_storage.exists(name):
        return _read(name), True
    if cache.add(f"opendata:queued:{year}:{stamp}", 1, timeout=3600):
        build_year_files.enqueue(year)
    pointer = _latest_name(year)
    latest = _read(pointer).decode() if default_storage.exists(pointer) else ""
    if latest and default_storage.exists(_name(year, latest, kind)):
        return _read(_name(year, latest, kind)), False
    return None


def _read(name: str) -> bytes:
    with default_storage.open(name, "rb") as fh:
        return fh.read()


def _store(name: str, content: bytes) -> None:
    if default_storage.exists(name):
        default_storage.delete(name)
    default_storage.save(name, ContentFile(content))


def year_files_build(*, year: int) -> str | None:
    """Build and store the year's zip and CSV for what is published now (nothing when they
    exist already); returns the stamp, None when nothing is published for the year."""
    disclosures = list(package.year_disclosures(year))
    if not disclosures:
        return None
    stamp = year_stamp(disclosures)
    if not all(default_storage.exists(_name(year, stamp, kind)) for kind in KINDS):
        csv = package.year_csv(disclosures)
        _store(_name(year, stamp, "csv"), csv)
        _store(_name(year, stamp, "zip"), package.year_package(year, disclosures, csv=csv))
        logger.info("Built the %s package of %d disclosures", year, len(disclosures))
    _store(_latest_name(year), stamp.encode())
    return stamp


@task()
def build_year_files(year: int) -> str | None:
    """The background task: build the year's package files if they are not current."""
    return year_files_build(year=year)
