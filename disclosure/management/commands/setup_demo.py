"""Everything the demo needs, idempotent: 2021 catalogues, the seed disclosure published,
and demo accounts whose passwords are printed."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.actors import system_actor
from accounts.models import Role
from disclosure.catalogues import catalogue_load, read_catalogue_file
from disclosure.importing.services import workbook_import
from disclosure.models import Department, Region
from disclosure.models.organisation import DepartmentKind
from disclosure.models.regions import level_for_code

DATA = Path(__file__).resolve().parents[2] / "data"
CATALOGUES = [
    ("functional", ["2021-functional-classes.csv", "2021-functional-seed-codes.csv"]),
    ("economic", ["2021-economic.csv"]),
]
SEED = DATA / "seeds" / "yuxi-xinfang-2021.txt"
SEED_DEPARTMENT = ("yuxi-xinfang", "玉溪市信访局")
# The seed's department belongs to 云南省 › 玉溪市 (本级).
DEMO_REGIONS = [("530000", "云南省"), ("530400", "玉溪市")]

# Demo only: these accounts exist on a developer's machine, never in production.
# (username, password, role, department code, region code, full name)
DEMO_USERS = [
    ("admin", "Demo-admin-2021", Role.ADMINISTRATOR, None, None, "系统管理员"),
    ("reviewer", "Demo-reviewer-2021", Role.REVIEWER, None, "530400", "玉溪市财政局审核人"),
    ("oversight", "Demo-oversight-2021", Role.OVERSIGHT, None, "530000", "云南省财政厅监督"),
    ("xinfang", "Demo-xinfang-2021", Role.PREPARER, "yuxi-xinfang", None, "信访局填报人"),
]


class Command(BaseCommand):
    help = "载入演示数据：2021 年分类科目、玉溪市信访局 2021 年度决算（已公开）、演示账户。"

    @transaction.atomic
    def handle(self, *args, **opts):
        for kind, files in CATALOGUES:
            entries = []
            for name in files:
                entries += read_catalogue_file((DATA / "catalogues" / name).read_bytes(), kind=kind)
            catalogue_load(
                year=2021,
                kind=kind,
                entries=entries,
                source="；".join(files),
                provenance="compiled",
            )
        parent = None
        for region_code, region_name in DEMO_REGIONS:
            parent, _created = Region.objects.get_or_create(
                code=region_code,
                defaults={
                    "name": region_name,
                    "level": level_for_code(region_code),
                    "parent": parent,
                },
            )
        code, name = SEED_DEPARTMENT
        department, _created = Department.objects.get_or_create(
            code=code,
            defaults={"name": name, "kind": DepartmentKind.ADMINISTRATIVE, "region": parent},
        )
        if department.region_id != parent.pk:
            department.region = parent
            department.save(update_fields=["region"])
        result = workbook_import(
            actor=system_actor(),
            data=SEED.read_bytes(),
            filename=SEED.name,
            department_code=code,
            year=2021,
            publish=True,
        )
        self.stdout.write(result.summary())

        User = get_user_model()
        self.stdout.write("演示账户（仅供本机演示）：")
        for username, password, role, dept_code, region_code, full_name in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.role = role
            user.first_name = full_name
            user.department = Department.objects.get(code=dept_code) if dept_code else None
            user.region = Region.objects.get(code=region_code) if region_code else None
            # Every role signs in to the admin: a preparer sees there only the import screens
            # and the disclosures of their own department (see disclosure/admin.py).
            user.is_staff = True
            user.is_superuser = role == Role.ADMINISTRATOR
            user.set_password(password)
            user.save()
            self.stdout.write(f"  {full_name:<8} 用户名 {username:<10} 密码 {password}")
