"""Today's visitors of a facility: who declared with its QR, or at its desk, today."""

import io
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accounts.models import AuditAction, AuditEntry
from declarations.models import Declaration, MadeBy
from declarations.services import declaration_submit, person_risk_clear, risk_flag_add
from tests.conftest import declaration_data, form_data

HANOI_TIME = ZoneInfo("Asia/Ho_Chi_Minh")
VISIT = {"visit_role": "patient", "department": "Khoa Nhi"}


@pytest.fixture
def visit(facility, make_declaration):
    """A declaration made with the facility's QR (or another point's, given ``point``)."""

    def visit(*, point=None, at=None, **changes):
        values = {"visit_role": "patient", "department": "Khoa Khám bệnh", **changes}
        declaration = make_declaration(point=point or facility.point, **values)
        if at is not None:  # declarations are immutable; only a test moves one in time
            Declaration.objects.filter(pk=declaration.pk).update(submitted_at=at)
        return declaration

    return visit


@pytest.fixture
def staff(client, facility_worker, settings):
    """The hospital's staff, reading the site in English (its source language)."""
    client.force_login(facility_worker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_visitor_who_scanned_the_facility_qr_is_on_todays_list(client, staff, facility):
    client.post(f"/q/{facility.point.token}/", form_data(**VISIT))

    response = staff.get("/co-so-y-te/")

    [declaration] = response.context["declarations"]
    assert declaration.person.full_name == "Nguyễn Thị Hoà"
    assert (declaration.visit_role, declaration.department) == ("patient", "Khoa Nhi")
    html = response.content.decode()
    assert "Nguyễn Thị Hoà" in html
    assert "Khoa Nhi" in html
    assert "Patient" in html
    assert declaration.person.staff_path in html


@time_machine.travel(datetime(2026, 3, 10, 8, 0, tzinfo=HANOI_TIME), tick=False)
def test_yesterdays_visitors_and_another_facilitys_are_not_on_the_list(
    staff, visit, other_facility
):
    early = visit(full_name="Sáng Sớm", at=datetime(2026, 3, 10, 0, 0, 30, tzinfo=HANOI_TIME))
    visit(full_name="Hôm Qua", at=datetime(2026, 3, 9, 23, 59, tzinfo=HANOI_TIME))
    visit(full_name="Nơi Khác", point=other_facility.point)

    response = staff.get("/co-so-y-te/")

    # 00:00:30 in Hà Nội is still the previous day in UTC: the day is the local one.
    assert list(response.context["declarations"]) == [early]


def test_the_newest_visitor_comes_first_and_a_high_risk_row_stands_out(staff, visit):
    first = visit(full_name="Lò Văn A")
    second = visit(full_name="Lò Văn B", symptoms=("fever",))

    response = staff.get("/co-so-y-te/")

    assert list(response.context["declarations"]) == [second, first]
    assert second.risk_level == "high"
    assert 'class="row-risk-high"' in response.content.decode()


def test_the_counts_are_of_people_by_role_and_risk(staff, visit):
    patient = visit(visit_role="patient", symptoms=("fever",))
    visit(person=patient.person, visit_role="patient")  # declared again: still one person
    visit(full_name="Người Nhà", visit_role="relative")
    visit(full_name="Khách", visit_role="visitor")

    counts = staff.get("/co-so-y-te/").context["counts"]

    assert counts == {
        "declarations": 4,
        "visitors": 3,
        "at_risk": 1,
        "patients": 1,
        "relatives": 1,
    }


def test_each_visitor_shows_and_counts_with_their_current_risk(staff, visit, officer):
    flagged = visit(full_name="Lò Thị Sốt")  # her visit declared no symptoms
    risk_flag_add(person=flagged.person, level="high", reason="38.5°C", place="", user=officer)
    coughing = visit(full_name="Lò Văn Ho")
    risk_flag_add(person=coughing.person, level="medium", reason="Ho", place="", user=officer)
    cleared = visit(full_name="Đã Khỏi", symptoms=("cough",))
    person_risk_clear(cleared.person)  # the health staff's follow-up cleared him

    response = staff.get("/co-so-y-te/")

    row_of = {d.person.full_name: d for d in response.context["declarations"]}
    assert row_of["Lò Thị Sốt"].risk_level == "none"
    assert row_of["Đã Khỏi"].risk_level != "none"
    rows = response.content.decode().split("<tr ")
    [sick] = [row for row in rows if "Lò Thị Sốt" in row]
    [well] = [row for row in rows if "Đã Khỏi" in row]
    assert sick.startswith('class="row-risk-high"') and "badge risk-high" in sick
    assert well.startswith('class="row-risk-none"') and "badge risk-none" in well
    assert response.context["counts"]["at_risk"] == 2
    assert response.context["counts"]["visitors"] == 3


def test_a_department_filter_keeps_only_its_visitors(staff, visit):
    child = visit(full_name="Bé Na", department="Khoa Nhi")
    visit(full_name="Ông Bảy", department="Khoa Khám bệnh")

    response = staff.get("/co-so-y-te/", {"khoa": "Khoa Nhi"})

    assert list(response.context["declarations"]) == [child]
    assert response.context["counts"]["visitors"] == 1
    assert '<option value="Khoa Nhi" selected>' in response.content.decode()


def test_a_department_not_of_the_facility_filters_nothing(staff, visit):
    visit(department="Khoa Nhi")
    visit(department="Khoa Khám bệnh")

    response = staff.get("/co-so-y-te/", {"khoa": "Khoa Ngoại"})

    assert response.context["department"] == ""
    assert len(response.context["declarations"]) == 2


def test_a_declaration_made_by_staff_says_who_made_it(staff, facility_worker):
    facility_worker.first_name = "Quàng Thị Viện"
    facility_worker.save(update_fields=["first_name"])
    staff.post("/co-so-y-te/khai-bao/", form_data(**VISIT))

    html = staff.get("/co-so-y-te/").content.decode()

    assert "On the person&#x27;s behalf · Quàng Thị Viện" in html


def test_the_page_refreshes_itself_every_minute_and_links_to_the_poster(staff, facility):
    html = staff.get("/co-so-y-te/").content.decode()
    assert '<noscript><meta http-equiv="refresh" content="60"></noscript>' in html
    assert 'data-refresh="60"' in html and "data-refresh-toggle" in html
    assert f'href="/co-so-y-te/{facility.pk}/poster/"' in html
    assert f'href="/co-so-y-te/khai-bao/?co_so={facility.pk}"' in html


# Session and user, permissions, profile, roles, the facility, the counts, the audit entry, the
# rows (+ the session save); administrators skip the permission queries but list the facilities.
VISITORS_QUERIES = 12


def test_the_list_costs_fixed_queries_however_many_visitors(
    staff, visit, django_assert_max_num_queries
):
    for number in range(8):
        visit(full_name=f"Người {number}", symptoms=("cough",), visit_role="relative")
    for number in range(2):
        staff.post("/co-so-y-te/khai-bao/", form_data(full_name=f"Nhờ khai {number}", **VISIT))

    with django_assert_max_num_queries(VISITORS_QUERIES):
        response = staff.get("/co-so-y-te/")

    assert len(response.context["declarations"]) == 10
    assert {d.made_by for d in response.context["declarations"]} == {"self", "on_behalf"}


def test_the_administrators_list_costs_fixed_queries_too(
    client, administrator, visit, other_facility, django_assert_max_num_queries
):
    client.force_login(administrator)
    for number in range(8):
        visit(full_name=f"Người {number}")
    with django_assert_max_num_queries(VISITORS_QUERIES):
        response = client.get("/co-so-y-te/")
    assert len(response.context["declarations"]) == 8


def test_the_list_shows_at_most_its_length_but_counts_everyone(staff, visit, monkeypatch):
    monkeypatch.setattr("facilities.views.VISITORS_SHOWN", 2)
    for number in range(3):
        visit(full_name=f"Người {number}")

    response = staff.get("/co-so-y-te/")

    assert len(response.context["declarations"]) == 2
    assert response.context["counts"]["visitors"] == 3
    assert "The newest 2 of 3 declarations of the day are shown" in response.content.decode()


def test_the_staff_who_declared_for_a_visitor_are_read_by_name_only(
    staff, facility, facility_worker
):
    facility_worker.first_name, facility_worker.last_name = "Hoa", "Đỗ Thị"
    facility_worker.save()
    declaration_submit(
        data=declaration_data(point=facility.point, **VISIT),
        token=uuid.uuid4(),
        made_by=MadeBy.ON_BEHALF,
        made_by_user=facility_worker,
    )

    with CaptureQueriesContext(connection) as queries:
        html = staff.get("/co-so-y-te/").content.decode()

    assert " · Hoa Đỗ Thị</td>" in html
    assert not [q for q in queries if 'JOIN "auth_user"' in q["sql"]]
    names = [q["sql"] for q in queries if q["sql"].startswith('SELECT "auth_user"')]
    names = [sql for sql in names if "password" not in sql]  # not the session's account
    assert len(names) == 1 and '"auth_user"."first_name"' in names[0]


def test_a_department_typed_with_a_trailing_space_is_chosen_and_filtered_by_its_name(
    client, staff, facility
):
    facility.departments = "Khoa Nhi \r\n  Khoa Ngoại\r\n"
    facility.save()

    client.post(f"/q/{facility.point.token}/", form_data(**VISIT))

    assert Declaration.objects.get().department == "Khoa Nhi"
    response = staff.get("/co-so-y-te/?khoa=Khoa Nhi")
    assert response.context["counts"]["visitors"] == 1


@time_machine.travel(datetime(2026, 3, 10, 8, 0, tzinfo=HANOI_TIME), tick=False)
def test_staff_see_an_earlier_days_visitors_by_department(staff, visit):
    visit(full_name="Hôm Nay")
    yesterday = visit(
        full_name="Hôm Qua", department="Khoa Nhi", at=datetime(2026, 3, 9, 9, tzinfo=HANOI_TIME)
    )
    visit(full_name="Khoa Khác", at=datetime(2026, 3, 9, 10, tzinfo=HANOI_TIME))

    response = staff.get("/co-so-y-te/?ngay=2026-03-09&khoa=Khoa Nhi")

    assert list(response.context["declarations"]) == [yesterday]
    assert response.context["counts"]["visitors"] == 1
    entry = AuditEntry.objects.get(action=AuditAction.VIEW_LIST)
    assert entry.subject == "visitors_day"
    assert "09/03/2026" in entry.detail
    assert "Khoa Nhi" in entry.detail


@time_machine.travel(datetime(2026, 3, 10, 8, 0, tzinfo=HANOI_TIME), tick=False)
@pytest.mark.parametrize("day", ["2026-03-11", "0001-01-01", "hôm-qua", "2025-01-01"])
def test_a_day_to_come_purged_or_misread_shows_todays_visitors_and_says_so(staff, visit, day):
    today = visit(full_name="Hôm Nay")

    response = staff.get(f"/co-so-y-te/?ngay={day}", follow=True)

    assert response.status_code == 200
    assert list(response.context["declarations"]) == [today]
    [message] = [str(m) for m in response.context["messages"]]
    assert message.endswith("Showing today's visitors.")


@time_machine.travel(datetime(2026, 3, 10, 8, 0, tzinfo=HANOI_TIME), tick=False)
def test_the_days_visitors_download_as_excel_all_of_them_and_audited(staff, visit, facility):
    visit(full_name="Lò Văn Một", at=datetime(2026, 3, 9, 9, tzinfo=HANOI_TIME))
    visit(full_name="Nơi Khác Ngày", at=datetime(2026, 3, 8, 9, tzinfo=HANOI_TIME))

    response = staff.get(f"/co-so-y-te/excel/?co_so={facility.pk}&ngay=2026-03-09")

    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    names = [row[2] for row in workbook.active.iter_rows(min_row=2, values_only=True)]
    assert names == ["Lò Văn Một"]
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.subject == "visitors_day"
    assert "09/03/2026" in entry.detail


def test_another_facilitys_visitors_cannot_be_downloaded(staff, other_facility):
    response = staff.get(f"/co-so-y-te/excel/?co_so={other_facility.pk}")
    assert response.status_code == 404
    assert not AuditEntry.objects.exists()


def test_a_facility_loaded_without_a_declaration_point_lists_nobody_elses_declarations(
    client, places, make_declaration
):
    """A facility loaded from a fixture (``loaddata`` skips ``save``) has no point yet: its
    staff must not see every declaration made without one."""
    from accounts.models import StaffProfile
    from facilities.models import HealthFacility
    from tests.conftest import make_staff

    [loaded] = HealthFacility.objects.bulk_create(
        [HealthFacility(name="Phòng khám nạp từ tệp", kind="clinic", district_id="105")]
    )
    make_declaration(full_name="Tự Khai Ở Nhà")  # through /khai-bao/: no point
    worker = make_staff("clinic", "health_staff", facility=loaded)
    assert StaffProfile.objects.get(user=worker).facility.point_id is None
    client.force_login(worker)

    response = client.get("/co-so-y-te/")

    assert list(response.context["declarations"]) == []
    assert response.context["counts"]["visitors"] == 0
