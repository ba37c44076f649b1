"""Demo accounts for development: one per role, listed in README.md. Never in production."""

from django.contrib.auth.models import Group, User
from django.db import transaction

from accounts.models import StaffProfile
from accounts.roles import ADMIN_SITE_ROLES, Role
from checkpoints.models import Checkpoint
from facilities.models import HealthFacility
from transport.models import BusCompany, Vehicle

DEMO_PASSWORD = "truyvet-demo"  # noqa: S105 - development only; refused when DEBUG is off

# username, full name, role, profile (district code, province-wide, works at the checkpoint)
DEMO_ACCOUNTS = [
    ("admin", "Quản trị hệ thống", Role.ADMINISTRATOR, {}),
    ("chot", "Lò Văn Chốt", Role.CHECKPOINT_OFFICER, {"at_checkpoint": True}),
    ("yte", "Tòng Thị Y", Role.HEALTH_STAFF, {"district": "105"}),
    ("yte-tinh", "Nguyễn Văn Tỉnh", Role.HEALTH_STAFF, {"province_wide": True}),
    ("benhvien", "Quàng Thị Viện", Role.HEALTH_STAFF, {"at_facility": True}),
    ("nhaxe", "Vàng A Xe", Role.OPERATOR, {"at_company": True}),
    ("giaothong", "Trần Văn Giao", Role.TRANSPORT, {}),
    ("lanhdao", "Hoàng Văn Đạo", Role.LEADERSHIP, {}),
]
DEMO_COMPANY = {"name": "Nhà xe Hưng Thành", "phone": "0213 3876 543"}
DEMO_VEHICLES = [("25B-012.34", 40, "Lai Châu – Hà Nội"), ("25B-013.55", 29, "Lai Châu – Lào Cai")]
DEMO_FACILITY = {
    "name": "Bệnh viện Đa khoa tỉnh Lai Châu",
    "kind": "hospital",
    "district_id": "105",
    "departments": "Khoa Khám bệnh\nKhoa Nhi\nKhoa Nội\nKhoa Truyền nhiễm",
}
DEMO_CHECKPOINT = {
    "name": "Chốt kiểm soát Km 15 QL4D",
    "district_id": "106",
    "road": "Quốc lộ 4D",
    "entering_direction": "Từ Lào Cai về Lai Châu",
}


@transaction.atomic
def demo_accounts_create() -> list[tuple[str, bool]]:
    """Create the demo checkpoint and accounts that are missing; return (username, created)."""
    checkpoint, _ = Checkpoint.objects.get_or_create(
        name=DEMO_CHECKPOINT["name"], defaults=DEMO_CHECKPOINT
    )
    company, _ = BusCompany.objects.get_or_create(name=DEMO_COMPANY["name"], defaults=DEMO_COMPANY)
    for plate, seats, route in DEMO_VEHICLES:
        Vehicle.objects.get_or_create(
            plate=plate, defaults={"company": company, "seats": seats, "route": route}
        )
    facility, _ = HealthFacility.objects.get_or_create(
        name=DEMO_FACILITY["name"], defaults=DEMO_FACILITY
    )
    results = []
    for username, full_name, role, scope in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.first_name = full_name  # Vietnamese names read family name first
            user.is_superuser = role == Role.ADMINISTRATOR
            user.is_staff = role in ADMIN_SITE_ROLES
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.add(Group.objects.get(name=role))
            StaffProfile.objects.create(
                user=user,
                checkpoint=checkpoint if scope.get("at_checkpoint") else None,
                company=company if scope.get("at_company") else None,
                facility=facility if scope.get("at_facility") else None,
                district_id=scope.get("district"),
                province_wide=scope.get("province_wide", False),
            )
        results.append((username, created))
    return results
