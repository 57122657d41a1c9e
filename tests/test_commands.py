"""The import and demo commands, as a newcomer runs them."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from disclosure.models import Disclosure
from tests.conftest import SEED_PATH

pytestmark = pytest.mark.django_db


def test_import_disclosure_command_reports_what_it_did(capsys):
    call_command(
        "import_disclosure", str(SEED_PATH), department="yuxi-xinfang", year=2021, publish=True
    )
    out = capsys.readouterr().out
    assert "玉溪市信访局 2021年度 第1版（已公开）：新建" in out
    assert "未提供：公开01" in out
    assert Disclosure.objects.published().count() == 1


def test_import_disclosure_command_fails_cleanly_on_bad_input(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("收入决算表\n公开02表\n201\t一般公共服务支出\t\t\t12,3a\n", encoding="utf-8")
    with pytest.raises(CommandError) as info:
        call_command(
            "import_disclosure",
            str(bad),
            department="x-dept",
            year=2021,
            department_name="某部门",
            layout="yunnan-2021",
        )
    message = str(info.value)
    assert "数据库未作任何改动" in message
    assert "公开02 第 3 行第 E 列（本年收入合计）：“12,3a”" in message
    assert not Disclosure.objects.exists()


def test_import_disclosure_without_a_layout_names_the_candidates_of_an_ambiguous_file(tmp_path):
    # 收入决算表 is 公开02 in both layouts: nothing in the file tells them apart.
    bad = tmp_path / "bad.txt"
    bad.write_text("收入决算表\n公开02表\n合计\t\t12.30\n", encoding="utf-8")
    with pytest.raises(CommandError) as info:
        call_command("import_disclosure", str(bad), department="x-dept", year=2021)
    message = str(info.value)
    assert "无法判断文件的表式" in message
    assert "（yunnan-2021）" in message and "（national-2024）" in message
    assert not Disclosure.objects.exists()


def test_setup_demo_is_idempotent_and_prints_the_accounts(capsys):
    call_command("setup_demo")
    call_command("setup_demo")
    out = capsys.readouterr().out
    assert "用户名 reviewer" in out and "密码 Demo-reviewer-2021" in out
    assert Disclosure.objects.count() == 1
    assert Disclosure.objects.get().is_published
    preparer = User.objects.get(username="xinfang")
    assert preparer.role == "preparer" and preparer.department.code == "yuxi-xinfang"
    assert preparer.check_password("Demo-xinfang-2021")
