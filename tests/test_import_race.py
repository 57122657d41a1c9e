"""Two uploads of the first version of one department-year at the same moment: one version
is created, the other upload is refused in Chinese, never a 500."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from disclosure.importing.errors import ImportRejected
from disclosure.importing.locking import first_version_race
from disclosure.models import Department, Disclosure, FiscalYear

pytestmark = pytest.mark.django_db(transaction=True)


def in_thread(target, results: list, index: int):
    def run():
        try:
            results[index] = target()
        except Exception as exc:  # the test inspects what each upload ended with
            results[index] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_the_upload_that_loses_the_race_for_version_1_is_refused_in_chinese():
    department = Department.objects.create(code="race", name="玉溪市竞速局")
    year = FiscalYear.objects.create(year=2021)
    first_inserted = threading.Event()

    def winner():
        with transaction.atomic():
            Disclosure.objects.create(department=department, year=year, layout="yunnan-2021")
            first_inserted.set()
            time.sleep(0.5)  # the loser's insert now waits for this transaction
        return "stored"

    def loser():
        first_inserted.wait(5)
        with (
            transaction.atomic(),  # the import's own transaction
            first_version_race(department=department.name, year=2021),
        ):
            Disclosure.objects.create(department=department, year=year, layout="yunnan-2021")
        return "stored"

    results: list = [None, None]
    threads = [in_thread(winner, results, 0), in_thread(loser, results, 1)]
    for thread in threads:
        thread.join(30)
    assert results[0] == "stored"
    assert isinstance(results[1], ImportRejected), results[1]
    assert "刚刚由另一次上传创建" in str(results[1]) and "数据库未作改动" in str(results[1])
    assert Disclosure.objects.filter(department=department).count() == 1


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="in-memory SQLite test databases are not shared between threads' connections",
)
def test_two_first_imports_of_one_department_year_give_one_version_and_a_chinese_refusal(
    seed_bytes,
):
    from tests.helpers import import_file

    other = seed_bytes.replace("玉溪市信访局".encode(), "玉溪市信访局（修订）".encode(), 1)
    start = threading.Barrier(2)

    def upload(data):
        def run():
            start.wait(5)
            return import_file(data=data, department_code="yuxi-xinfang", year=2021)

        return run

    results: list = [None, None]
    threads = [in_thread(upload(seed_bytes), results, 0), in_thread(upload(other), results, 1)]
    for thread in threads:
        thread.join(120)
    assert Disclosure.objects.filter(department__code="yuxi-xinfang").count() == 1
    refused = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(r, ImportRejected) for r in refused), refused
