"""Bad input is refused with a message naming table/sheet, row and column; nothing is written."""

import io
import zipfile

import pytest

from disclosure.importing.errors import ImportRejected
from disclosure.models import Amount, AuditEvent, Department, Disclosure, TableRow
from tests.helpers import import_file, snapshot
from tests.workbooks import seed_workbook

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return (
        Department.objects.count(),
        Disclosure.objects.count(),
        TableRow.objects.count(),
        Amount.objects.count(),
        AuditEvent.objects.count(),
    )


def rejected(data: bytes, **kwargs) -> str:
    before = counts()
    with pytest.raises(ImportRejected) as info:
        import_file(data=data, department_code=kwargs.pop("code", "bad-input"), year=2021, **kwargs)
    assert counts() == before, "a refused import must leave the database unchanged"
    return str(info.value)


def test_an_unparseable_amount_names_table_line_column_and_value(seed_text):
    broken = seed_text.replace("577,492.37", "577,49x.37")
    message = rejected(broken.encode())
    line = next(n for n, text in enumerate(broken.splitlines(), 1) if "577,49x.37" in text)
    assert f"公开06 第 {line} 行第 F 列（金额）：“577,49x.37”" in message
    assert "不是金额" in message


def test_an_unparseable_amount_in_a_workbook_names_the_sheet(seed_text):
    data = seed_workbook(seed_text.replace("9,918,893.45", "九百万"))
    message = rejected(data)
    assert "公开03 工作表“公开03”第 10 行第 E 列（本年支出合计）：“九百万”" in message


def test_an_unknown_table_is_refused(seed_text):
    message = rejected((seed_text + "\n公开13表\n金额单位：元\n").encode())
    assert "未知的表：“公开13表”" in message


def test_a_duplicated_table_is_refused(seed_text):
    start = seed_text.index("收入决算表")
    end = seed_text.index("支出决算表")
    message = rejected((seed_text + "\n" + seed_text[start:end]).encode())
    assert "公开02表出现了两次" in message


def test_a_duplicated_code_is_refused(seed_text):
    doubled = seed_text.replace(
        "2210203\t购房补贴\t\t\t27,936.00\t27,936.00",
        "2210203\t购房补贴\t\t\t27,936.00\t27,936.00\t\t\t\t\t\t\n2210203\t购房补贴\t\t\t1.00\t1.00",
        1,
    )
    message = rejected(doubled.encode())
    assert "科目编码 2210203 在表中出现了两次" in message


def test_a_value_outside_the_layout_columns_is_refused(seed_text):
    shifted = seed_text.replace(
        "2210203\t购房补贴\t\t\t27,936.00\t27,936.00\t\t\t\t\t\t",
        "2210203\t购房补贴\t\t\t27,936.00\t27,936.00\t\t\t\t\t\t\t99.00",
        1,
    )
    message = rejected(shifted.encode())
    assert "第 M 列：“99.00” —— 此处在表式中没有对应的栏目" in message


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "文件是空的"),
        (b"   \n\n", "文件是空的"),
        (b"%PDF-1.7\n...", "PDF 文件已损坏"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "旧版 Excel"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "无法识别的文件类型"),
        ("随便一段文字\n没有任何表\n".encode(), "找不到任何公开表"),
    ],
    ids=["empty", "blank", "pdf", "xls", "png", "no-tables"],
)
def test_wrong_or_empty_files_are_refused(data, expected):
    assert expected in rejected(data)


def test_a_truncated_workbook_is_refused(seed_text):
    data = seed_workbook(seed_text)
    assert "已损坏或不完整" in rejected(data[: len(data) // 2])


def test_a_text_file_cut_after_a_title_is_refused(seed_text):
    cut = seed_text[: seed_text.index("公开05表") + len("公开05表")]
    message = rejected(cut.encode())
    assert "公开05" in message and "文件可能不完整" in message


def test_a_macro_workbook_is_refused(seed_text):
    data = seed_workbook(seed_text)
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buffer, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/vbaProject.bin", b"macro")
    assert "含宏的工作簿" in rejected(buffer.getvalue())


def test_a_failure_while_writing_leaves_nothing_behind(seed_bytes, monkeypatch):
    # The indicators are the codec's last write: the tables, rows and texts are in by then.
    from disclosure import content
    from disclosure.models import Indicator

    insert = content.insert_records

    def explode(model, *args, **kwargs):
        if model is Indicator:
            raise RuntimeError("disk full")
        return insert(model, *args, **kwargs)

    monkeypatch.setattr(content, "insert_records", explode)
    before = counts()
    with pytest.raises(RuntimeError):
        import_file(data=seed_bytes, department_code="yuxi-xinfang", year=2021)
    assert counts() == before


def test_a_published_version_is_never_overwritten(seed_disclosure, seed_text):
    before = snapshot(seed_disclosure)
    changed = seed_text.replace("577,492.37", "577,492.38")
    message = rejected(changed.encode(), code="yuxi-xinfang")
    assert "第1版已公开，不能再导入，内容不能被覆盖" in message  # the one refusal, everywhere
    seed_disclosure.refresh_from_db()
    assert snapshot(seed_disclosure) == before


def test_importing_into_a_draft_replaces_its_tables(seed_draft, seed_text):
    changed = seed_text.replace("577,492.37", "577,492.38")
    result = import_file(data=changed.encode(), department_code="yuxi-xinfang", year=2021)
    assert result.disclosure.pk == seed_draft.pk and result.changed
    from tests.helpers import amount

    assert str(amount(seed_draft, "06", "30226", "amount")) == "577492.38"
    assert Disclosure.objects.count() == 1
    assert AuditEvent.objects.filter(disclosure=seed_draft, action="import").count() == 2


def test_an_unknown_department_needs_a_name():
    data = "收入决算表\n公开02表\n金额单位：元\n\t合计\t\t\t1.00\t1.00\n".encode()
    message = rejected(data, code="nobody")
    assert "部门“nobody”不存在" in message
