"""Classification catalogues per year, loaded from CSV or XLSX, idempotently."""

import io

import openpyxl
import pytest
from django.core.management import call_command

from disclosure.catalogues import catalogue_load, read_catalogue_file
from disclosure.importing.errors import ImportRejected
from disclosure.models import Catalogue, ClassificationCode
from tests.conftest import DATA

pytestmark = pytest.mark.django_db


def test_the_shipped_2021_catalogues_load_with_parents_and_levels(catalogues_2021):
    functional = Catalogue.objects.get(year=2021, kind="functional")
    item = functional.codes.get(code="2010308")
    assert (item.name, item.level) == ("信访事务", 3)
    assert item.parent.code == "20103" and item.parent.parent.code == "201"
    assert functional.codes.filter(level=1).count() == 29  # every 类 of 2021
    economic = Catalogue.objects.get(year=2021, kind="economic")
    assert economic.codes.get(code="30226").name == "劳务费"
    assert economic.codes.get(code="30226").parent.code == "302"
    assert economic.codes.count() == 88


def test_loading_twice_changes_nothing(catalogues_2021):
    before = list(ClassificationCode.objects.order_by("id").values_list("id", "code", "name"))
    entries = read_catalogue_file(
        (DATA / "catalogues" / "2021-economic.csv").read_bytes(), kind="economic"
    )
    catalogue_load(year=2021, kind="economic", entries=entries)
    after = list(ClassificationCode.objects.order_by("id").values_list("id", "code", "name"))
    assert before == after


def test_a_catalogue_reloads_from_xlsx_and_replaces_names(catalogues_2021):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["编码", "级次", "名称"])
    ws.append([201, "类", "一般公共服务支出"])
    ws.append([20103, "款", "政府办公厅（室）及相关机构事务"])
    ws.append([2010308, "项", "信访事务（新名称）"])
    out = io.BytesIO()
    book.save(out)
    entries = read_catalogue_file(out.getvalue(), kind="functional")
    catalogue_load(year=2021, kind="functional", entries=entries, replace=True)
    functional = Catalogue.objects.get(year=2021, kind="functional")
    assert sorted(functional.codes.values_list("code", flat=True)) == ["201", "20103", "2010308"]
    assert functional.codes.get(code="2010308").name == "信访事务（新名称）"


def test_a_level_that_contradicts_the_code_is_refused():
    data = "code,level,name\n20103,类,政府办公厅\n".encode()
    with pytest.raises(ImportRejected, match="级次与编码位数不符"):
        read_catalogue_file(data, kind="functional")


def test_a_code_without_its_parent_is_refused():
    entries = read_catalogue_file("code,name\n2010308,信访事务\n".encode(), kind="functional")
    with pytest.raises(ImportRejected, match="上级科目 20103 不在科目表中"):
        catalogue_load(year=2021, kind="functional", entries=entries)
    assert not ClassificationCode.objects.exists()


def test_the_command_loads_several_files(capsys):
    call_command(
        "load_catalogue",
        str(DATA / "catalogues" / "2021-functional-classes.csv"),
        str(DATA / "catalogues" / "2021-functional-seed-codes.csv"),
        year=2021,
        kind="functional",
    )
    assert "2021 支出功能分类：44 个科目" in capsys.readouterr().out
