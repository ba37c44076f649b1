"""The risk list in Excel: the same filters as the page, every row, safe cells, audited."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import AuditAction, AuditEntry
from tests.conftest import LAI_CHAU_CITY, QUYET_THANG, audit_detail
from tracing.services import follow_up_update


@pytest.fixture
def staff(client, provincial_health_worker, settings):
    settings.LANGUAGE_CODE = "en"
    client.force_login(provincial_health_worker)
    return client


def read_rows(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_export_has_a_row_per_person_at_risk_with_the_lists_columns(
    staff, make_declaration, monkeypatch
):
    monkeypatch.setattr("tracing.risk_views.RESULTS_PER_PAGE", 1)
    fever = make_declaration(symptoms=("fever",)).person
    make_declaration(full_name="Ho", symptoms=("cough",), phone="0912345678")
    make_declaration(full_name="Khoẻ")

    response = staff.get("/y-te/", {"format": "xlsx"})

    assert response["Content-Disposition"].startswith('attachment; filename="nguy-co-')
    header, *rows = read_rows(response)
    assert header == [
        "Lookup code",
        "Full name",
        "Year of birth",
        "Phone",
        "District of residence",
        "Risk",
        "Follow-up",
        "Assigned to",
        "Follow-up changed",
        "Updated",
        "Overdue",
    ]
    assert [row[1] for row in rows] == ["Ho", "Lò Văn Minh"]  # all of them, not one page
    assert rows[1][:8] == [
        fever.display_code,
        "Lò Văn Minh",
        1990,
        "0987654321",
        "Huyện Tam Đường",
        "High risk",
        "New",
        None,
    ]
    fever.refresh_from_db()
    local = timezone.localtime
    assert rows[1][8:] == [
        f"{local(fever.follow_up.updated_at):%d/%m/%Y %H:%M}",
        f"{local(fever.updated_at):%d/%m/%Y %H:%M}",
        None,
    ]


def test_the_export_keeps_the_filters(staff, make_declaration):
    make_declaration(symptoms=("fever",))
    make_declaration(
        full_name="Thành Phố",
        residence_district=LAI_CHAU_CITY,
        residence_commune=QUYET_THANG,
        symptoms=("fever",),
    )
    _header, *rows = read_rows(staff.get("/y-te/", {"huyen": LAI_CHAU_CITY, "format": "xlsx"}))
    assert [row[1] for row in rows] == ["Thành Phố"]


def test_district_staff_export_only_their_district(client, health_worker, make_declaration):
    make_declaration(symptoms=("fever",))
    make_declaration(
        full_name="Thành Phố",
        residence_district=LAI_CHAU_CITY,
        residence_commune=QUYET_THANG,
        to_district=LAI_CHAU_CITY,
        to_commune=QUYET_THANG,
        symptoms=("fever",),
    )
    client.force_login(health_worker)
    _header, *rows = read_rows(client.get("/y-te/", {"format": "xlsx"}))
    assert [row[1] for row in rows] == ["Lò Văn Minh"]


@pytest.mark.parametrize("name", ['=HYPERLINK("http://evil.example","Bấm")', "+84 Ba", "@SUM(A1)"])
def test_a_name_that_looks_like_a_formula_is_exported_as_text(staff, make_declaration, name):
    make_declaration(full_name=name, symptoms=("fever",))
    _header, row = read_rows(staff.get("/y-te/", {"format": "xlsx"}))
    assert row[1] == "'" + name


def test_the_export_is_audited_with_its_filters(staff, make_declaration, provincial_health_worker):
    make_declaration(symptoms=("fever",))
    staff.get("/y-te/", {"muc": "high", "format": "xlsx"})
    entry = AuditEntry.objects.get()
    assert (entry.user, entry.action) == (provincial_health_worker, AuditAction.EXPORT)
    assert audit_detail(entry) == "list of people at risk: muc=high"


def test_an_export_with_a_wrong_filter_exports_nothing(staff, make_declaration):
    make_declaration(symptoms=("fever",))
    response = staff.get("/y-te/", {"huyen": "001", "format": "xlsx"})
    assert response["Content-Type"].startswith("text/html")
    assert not AuditEntry.objects.exists()


def test_roles_without_the_risk_list_cannot_export(client, officer):
    client.force_login(officer)
    assert client.get("/y-te/", {"format": "xlsx"}).status_code == 403


def test_the_assignees_cost_no_query_a_row(staff, make_declaration, health_worker):
    """Their names come from the staff's names each process keeps: however many rows, the
    export reads the same queries, and joins no account."""
    health_worker.first_name, health_worker.last_name = "Mai", "Lò Thị"
    health_worker.save()

    def export() -> tuple[list, list[str]]:
        with CaptureQueriesContext(connection) as queries:
            _header, *rows = read_rows(staff.get("/y-te/", {"format": "xlsx"}))
        return rows, [q["sql"] for q in queries]

    def assigned(count: int) -> None:
        for number in range(count):
            person = make_declaration(full_name=f"Người {number}", symptoms=("cough",)).person
            follow_up_update(follow_up=person.follow_up, user=None, assignee=health_worker)

    assigned(1)
    export()  # the staff's names read once in this process
    rows, few = export()
    assigned(20)
    rows, many = export()
    assert [row[7] for row in rows] == ["Mai Lò Thị"] * 21
    assert len(many) == len(few)
    assert not [sql for sql in many if 'JOIN "auth_user"' in sql]


def test_the_export_reads_its_people_in_batches_and_writes_them_all(
    staff, make_declaration, health_worker, monkeypatch
):
    monkeypatch.setattr("tracing.risk_views.EXPORT_BATCH", 2)
    for number in range(5):
        person = make_declaration(full_name=f"Người {number}", symptoms=("cough",)).person
        follow_up_update(follow_up=person.follow_up, user=None, assignee=health_worker)
    _header, *rows = read_rows(staff.get("/y-te/", {"format": "xlsx"}))
    assert sorted(row[1] for row in rows) == [f"Người {number}" for number in range(5)]
    assert {row[7] for row in rows} == {health_worker.username}
