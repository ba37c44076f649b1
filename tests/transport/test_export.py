"""The passenger list in Excel: the page's columns, masked phones, safe cells, audited."""

import io

import pytest
from openpyxl import load_workbook

from accounts.models import AuditEntry
from tests.conftest import audit_detail


@pytest.fixture
def crew(client, operator):
    client.force_login(operator)
    return client


def read_rows(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_export_has_the_pages_columns_with_masked_phones_and_codes(
    crew, vehicle, make_declaration, settings
):
    settings.LANGUAGE_CODE = "en"
    declaration = make_declaration(point=vehicle.point, phone="0987654321", seat="12")

    response = crew.get(f"/nha-xe/xe/{vehicle.pk}/hanh-khach.xlsx")

    header, row = read_rows(response)
    page = crew.get(f"/nha-xe/xe/{vehicle.pk}/hanh-khach/")
    assert header == [str(h) for h in page.context["headers"]]
    assert header == [
        "No.",
        "Full name",
        "Year of birth",
        "Seat",
        "Phone",
        "Lookup code",
        "Risk",
        "Declared by",
    ]
    code = declaration.person.display_code
    assert row == [1, "Lò Văn Minh", 1990, "12", "098*******", code, "No risk found", "Self"]
    assert "0987654321" not in str(read_rows(crew.get(f"/nha-xe/xe/{vehicle.pk}/hanh-khach.xlsx")))
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://evil.example","Bấm")', "+84 Ba", "-1+1", "@SUM(A1)"]
)
def test_a_name_that_looks_like_a_formula_is_exported_as_text(
    crew, vehicle, make_declaration, name
):
    make_declaration(point=vehicle.point, full_name=name)

    _header, row = read_rows(crew.get(f"/nha-xe/xe/{vehicle.pk}/hanh-khach.xlsx"))

    assert row[1] == "'" + name


def test_the_export_of_a_day_is_audited(crew, operator, vehicle, today):
    crew.get(f"/nha-xe/xe/{vehicle.pk}/hanh-khach.xlsx?ngay={today:%Y-%m-%d}")

    entry = AuditEntry.objects.get()
    assert (entry.user, entry.action) == (operator, "export")
    assert audit_detail(entry) == f"passenger list of 25B-012.34 on {today:%d/%m/%Y}"


def test_another_companys_operator_exports_nothing_and_is_not_audited(
    client, other_operator, vehicle, make_declaration
):
    make_declaration(point=vehicle.point)
    client.force_login(other_operator)

    assert client.get(f"/nha-xe/xe/{vehicle.pk}/hanh-khach.xlsx").status_code == 404
    assert not AuditEntry.objects.exists()


def test_the_sheet_is_named_by_the_plate_and_day_within_excels_31_characters(crew, vehicle, today):
    response = crew.get(f"/nha-xe/xe/{vehicle.pk}/hanh-khach.xlsx")

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.title == f"25B-012.34 {today:%d-%m-%Y}"


def test_the_list_and_its_export_show_each_passengers_risk_now_not_the_trips_declaration(
    crew, vehicle, make_declaration, settings
):
    """A passenger confirmed as a contact after declaring no symptoms is at high risk on the
    crew's list as on every other page; one the health staff cleared is at none."""
    from declarations.models import Person

    settings.LANGUAGE_CODE = "en"
    contact = make_declaration(point=vehicle.point, full_name="Contact").person
    cleared = make_declaration(point=vehicle.point, full_name="Cleared", symptoms=("fever",))
    Person.objects.filter(pk=contact.pk).update(risk_level="high")
    Person.objects.filter(pk=cleared.person_id).update(risk_level="none")

    rows = read_rows(crew.get(f"/nha-xe/xe/{vehicle.pk}/hanh-khach.xlsx"))[1:]
    page = crew.get(f"/nha-xe/xe/{vehicle.pk}/hanh-khach/").content.decode()

    assert {row[1]: row[6] for row in rows} == {"Contact": "High risk", "Cleared": "No risk found"}
    assert page.count('class="badge risk-high"') == 1 and page.count("row-risk-high") == 1
    assert page.count('class="badge risk-none"') == 1


def test_a_download_of_a_day_not_understood_leaves_no_message_for_the_next_page(
    crew, vehicle, today
):
    """A file has no page to say it on: the warning must not turn up later on another page."""
    export = crew.get(f"/nha-xe/xe/{vehicle.pk}/hanh-khach.xlsx?ngay=abc")
    assert f"{today:%Y-%m-%d}" in export["Content-Disposition"]
    assert "Đang hiển thị danh sách hôm nay" not in crew.get("/nha-xe/").content.decode()
