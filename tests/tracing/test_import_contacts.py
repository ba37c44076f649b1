"""Contacts of a case imported from an investigation team's Excel or CSV file."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from accounts.models import AuditAction, AuditEntry
from declarations.models import Person
from tests.conftest import LAI_CHAU_CITY, QUYET_THANG, TAM_DUONG_TOWN, audit_detail, confirm_case
from tracing.contact_import import COLUMNS, check_contacts, contacts_import, read_table
from tracing.models import Contact, ContactLevel, ContactSource, ContactStatus, FollowUp

HEADERS = [column.header for column in COLUMNS]
CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{8}$")


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def case(citizen, health_worker):
    """Lò Văn Minh of Tam Đường, confirmed today."""
    return confirm_case(citizen)


def row(**cells) -> list:
    """A row under the template's headers, by attribute: ``row(full_name="A", phone=...)``."""
    values = {column.attribute: "" for column in COLUMNS} | cells
    return [values[column.attribute] for column in COLUMNS]


def xlsx(*rows, headers=HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for values in rows:
        sheet.append(values)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def upload(client, case, content: bytes, name="danh-sach.xlsx"):
    return client.post(
        f"/y-te/ca-benh/{case.pk}/tiep-xuc/nhap/", {"file": SimpleUploadedFile(name, content)}
    )


def confirm(client, case, response):
    return client.post(
        f"/y-te/ca-benh/{case.pk}/tiep-xuc/nhap/xac-nhan/", {"sha256": response.context["sha256"]}
    )


NEW_IN_LAI_CHAU = {
    "full_name": "Giàng Thị Mỷ",
    "birth_year": 1995,
    "sex": "Nữ",
    "phone": "0977000111",
    "district": "Thành phố Lai Châu",
    "commune": "Quyết Thắng",
}


# -- the template ------------------------------------------------------------------------------


def test_the_excel_template_downloads_with_the_vietnamese_headers(client, health_worker):
    client.force_login(health_worker)
    response = client.get("/y-te/tiep-xuc/mau-nhap.xlsx")
    assert response.status_code == 200
    assert "mau-danh-sach-tiep-xuc.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    headers = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert headers[:3] == ["Họ và tên", "Năm sinh", "Giới tính"]
    assert headers == HEADERS


def test_the_csv_template_downloads_with_the_same_headers(client, health_worker):
    client.force_login(health_worker)
    response = client.get("/y-te/tiep-xuc/mau-nhap.csv")
    assert response.content.decode("utf-8-sig").strip() == ",".join(HEADERS)


def test_the_filled_in_template_is_read_back(places):
    template = load_workbook(io.BytesIO(_template_bytes()))
    template.worksheets[0].append(row(**NEW_IN_LAI_CHAU))
    output = io.BytesIO()
    template.save(output)
    table = read_table(output.getvalue(), "mau.xlsx")
    assert table.dataset.dict[0]["Họ và tên"] == "Giàng Thị Mỷ"


def _template_bytes() -> bytes:
    from tracing.contact_import import template_xlsx

    return template_xlsx()


# -- bad rows: nothing is imported ----------------------------------------------------------------


def test_a_file_with_bad_rows_imports_nothing_and_shows_each_error_with_its_row(
    client, health_worker, case
):
    people = Person.objects.count()
    content = xlsx(
        row(**NEW_IN_LAI_CHAU),  # row 2: right
        row(**NEW_IN_LAI_CHAU | {"full_name": "Lò Thị Hoa", "phone": "12345"}),  # row 3
        row(**NEW_IN_LAI_CHAU | {"full_name": "Vàng A Páo", "birth_year": "", "phone": ""}),
        row(**NEW_IN_LAI_CHAU | {"full_name": "Sần Văn Lả", "phone": "0977000333", "level": "F2"}),
        row(
            **NEW_IN_LAI_CHAU
            | {"full_name": "Lù Thị Dung", "phone": "0977000444", "commune": "Xã Không Có"}
        ),
    )
    client.force_login(health_worker)
    response = upload(client, case, content)

    assert response.status_code == 200
    found = {(e.line, e.column) for e in response.context["check"].errors}
    assert found == {
        (3, "Số điện thoại"),
        (4, "Năm sinh"),
        (4, "Số điện thoại"),
        (5, "F1 liên quan (mã tra cứu hoặc SĐT)"),
        (6, "Phường/xã"),
    }
    html = response.content.decode()
    for line in (3, 4, 5, 6):
        assert f'id="error-row-{line}"' in html
    assert "confirm-import" not in html
    assert not Contact.objects.exists()
    assert Person.objects.count() == people


def test_a_vietnamese_page_gives_the_errors_in_vietnamese(client, health_worker, case):
    client.cookies["django_language"] = "vi"
    client.force_login(health_worker)
    response = upload(client, case, xlsx(row(**NEW_IN_LAI_CHAU | {"phone": "12345"})))
    assert "Nhập số điện thoại di động Việt Nam" in response.content.decode()


def test_a_row_repeating_an_earlier_row_is_refused(client, health_worker, case):
    client.force_login(health_worker)
    response = upload(client, case, xlsx(row(**NEW_IN_LAI_CHAU), row(**NEW_IN_LAI_CHAU)))
    errors = response.context["check"].errors
    assert [(e.line, e.message) for e in errors] == [(3, "The same person as on row 2.")]


def test_the_case_itself_is_refused_as_a_contact(client, health_worker, case):
    client.force_login(health_worker)
    content = xlsx(row(full_name=case.person.full_name, birth_year=1990, phone=case.person.phone))
    response = upload(client, case, content)
    assert [e.message for e in response.context["check"].errors] == [
        "This is the case (F0) itself."
    ]


def test_a_file_that_is_not_a_spreadsheet_is_refused(client, health_worker, case):
    client.force_login(health_worker)
    response = upload(client, case, b"not a zip", name="danh-sach.xlsx")
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "The file could not be read as an Excel file (.xlsx)."
    ]


def test_a_file_without_the_required_columns_is_refused(client, health_worker, case):
    client.force_login(health_worker)
    response = upload(client, case, xlsx(["Nguyễn Văn A"], headers=["Tên khác"]))
    assert "Họ và tên, Năm sinh" in response.context["form"].errors["file"][0]


# -- good rows -----------------------------------------------------------------------------------


def test_a_good_file_matches_known_people_and_creates_the_others_with_codes(
    client, health_worker, case, make_declaration
):
    by_id = make_declaration(
        full_name="Nguyễn Văn An", id_number="001190000001", phone="0911000001"
    ).person
    by_phone = make_declaration(
        full_name="Trần Thị Bình", birth_year=1985, phone="0911111111"
    ).person
    content = xlsx(
        row(full_name="Nguyen Van An (sai ten)", birth_year=1990, id_number="001 190 000 001"),
        row(full_name="tran thi binh", birth_year="1985", phone="+84 911 111 111"),
        row(**NEW_IN_LAI_CHAU),
        row(
            full_name="Giàng A Sử",
            birth_year=2012,
            sex="Nam",
            phone="0977000222",
            district="106",
            commune=TAM_DUONG_TOWN,
            level="F2",
            via="0977 000 111",
        ),
    )
    client.force_login(health_worker)
    preview = upload(client, case, content)
    assert preview.context["check"].counts() == {
        "rows": 4,
        "matched": 2,
        "new": 2,
        "f1": 3,
        "f2": 1,
    }
    assert not Contact.objects.exists()

    response = confirm(client, case, preview)

    assert response.status_code == 302
    contacts = {c.person.full_name: c for c in Contact.objects.select_related("person", "via")}
    assert contacts["Nguyễn Văn An"].person == by_id
    assert contacts["Trần Thị Bình"].person == by_phone
    new_f1, new_f2 = contacts["Giàng Thị Mỷ"], contacts["Giàng A Sử"]
    assert new_f1.person.residence_commune_id == QUYET_THANG
    assert CODE.match(new_f1.person.lookup_code) and CODE.match(new_f2.person.lookup_code)
    assert new_f2.level == ContactLevel.F2 and new_f2.via == new_f1
    assert {c.status for c in contacts.values()} == {ContactStatus.CONFIRMED}
    assert {c.source for c in contacts.values()} == {ContactSource.INVESTIGATION}
    assert FollowUp.objects.filter(person__contacts__case=case).count() == 4
    entry = AuditEntry.objects.get(action=AuditAction.IMPORT_CONTACTS)
    assert (entry.user, audit_detail(entry)) == (
        health_worker,
        f"4 contacts imported, case {case.pk}",
    )
    # The entry names everyone made a contact, so that the log searched by a code finds it.
    assert set(entry.people_shown.split()) == {c.person.lookup_code for c in contacts.values()}
    checked = AuditEntry.objects.get(action=AuditAction.MATCH_CONTACTS)
    assert audit_detail(checked) == f"file of contacts checked, case {case.pk}"
    assert set(checked.people_shown.split()) == {by_id.lookup_code, by_phone.lookup_code}
    assert not AuditEntry.objects.filter(action=AuditAction.SEARCH).exists()


def test_the_preview_says_what_each_row_will_match_or_create(
    client, health_worker, case, make_declaration
):
    known = make_declaration(full_name="Nguyễn Văn An", id_number="001190000001").person
    content = xlsx(
        row(full_name="Nguyễn Văn An", birth_year=1990, id_number="001190000001"),
        row(**NEW_IN_LAI_CHAU),
    )
    client.force_login(health_worker)
    html = upload(client, case, content).content.decode()
    assert known.display_code in html
    assert "new person" in html and "Phường Quyết Thắng" in html
    assert f'href="{known.staff_path}"' in html  # of Tam Đường, the worker's district


def test_the_preview_links_only_the_known_people_the_worker_may_open(
    client, health_worker, case, make_declaration
):
    elsewhere = make_declaration(
        full_name="Ở Xa",
        id_number="001190000002",
        residence_district=LAI_CHAU_CITY,
        residence_commune=QUYET_THANG,
        to_district=LAI_CHAU_CITY,
        to_commune=QUYET_THANG,
    ).person
    content = xlsx(row(full_name="Ở Xa", birth_year=1990, id_number="001190000002"))
    client.force_login(health_worker)
    html = upload(client, case, content).content.decode()
    assert elsewhere.display_code in html
    assert f'href="{elsewhere.staff_path}"' not in html


def test_an_f2_row_may_name_an_f1_further_down_the_file(client, health_worker, case):
    content = xlsx(
        row(
            full_name="Giàng A Sử",
            birth_year=2012,
            sex="Nam",
            phone="0977000222",
            district="Tam Đường",
            commune="Thị trấn Tam Đường",
            level="f2",
            via="0977000111",
        ),
        row(**NEW_IN_LAI_CHAU),
    )
    client.force_login(health_worker)
    confirm(client, case, upload(client, case, content))
    f2 = Contact.objects.get(level=ContactLevel.F2)
    assert f2.via.person.full_name == "Giàng Thị Mỷ"


def test_an_f2_row_may_name_an_f1_entered_before_by_code(
    client, health_worker, case, make_declaration
):
    f1 = make_declaration(full_name="Nguyễn Văn An", phone="0911000001").person
    client.force_login(health_worker)
    confirm(
        client,
        case,
        upload(
            client, case, xlsx(row(full_name="Nguyễn Văn An", birth_year=1990, phone="0911000001"))
        ),
    )
    content = xlsx(row(**NEW_IN_LAI_CHAU | {"level": "F2", "via": f1.display_code.lower()}))
    confirm(client, case, upload(client, case, content))
    assert Contact.objects.get(level=ContactLevel.F2).via.person == f1


def test_an_f2_row_naming_a_proposed_f1_confirms_that_f1(
    client, health_worker, case, make_declaration
):
    """Else the F2 is counted as confirmed but left out of the chain (confirmed F1s only)."""
    f1_person = make_declaration(full_name="Nguyễn Văn An", phone="0911000001").person
    f1 = Contact.objects.create(case=case, person=f1_person, level=ContactLevel.F1)
    client.force_login(health_worker)
    content = xlsx(row(**NEW_IN_LAI_CHAU | {"level": "F2", "via": f1_person.display_code}))
    confirm(client, case, upload(client, case, content))
    f1.refresh_from_db()
    assert f1.status == ContactStatus.CONFIRMED
    assert Contact.objects.get(level=ContactLevel.F2).via == f1
    [decision] = AuditEntry.objects.filter(action=AuditAction.DECIDE_CONTACT)
    assert (decision.user, decision.person, audit_detail(decision)) == (
        health_worker,
        f1_person,
        f"confirmed as F1 of case {case.pk}",
    )


def test_importing_the_same_file_twice_adds_nobody_twice(client, health_worker, case):
    client.force_login(health_worker)
    content = xlsx(row(**NEW_IN_LAI_CHAU))
    confirm(client, case, upload(client, case, content))
    confirm(client, case, upload(client, case, content))
    assert Contact.objects.count() == 1
    assert Person.objects.filter(phone="0977000111").count() == 1


def test_an_import_confirmed_twice_says_the_file_is_imported(client, health_worker, case):
    """A double click on Import: the second sending said the file was no longer available
    and to choose it again, though every contact had been imported."""
    client.force_login(health_worker)
    preview = upload(client, case, xlsx(row(**NEW_IN_LAI_CHAU)))
    confirm(client, case, preview)
    again = confirm(client, case, preview)
    assert again["Location"] == f"/y-te/ca-benh/{case.pk}/tiep-xuc/them/"
    page = client.get(again["Location"]).content.decode()
    assert "This file has been imported." in page
    assert "no longer available" not in page
    assert Contact.objects.count() == 1


def test_the_import_locks_the_case_before_checking_the_file(health_worker, case):
    """Run at the same moment (a double click), two imports of one file both found nobody
    and created every new person twice: the second now waits for the first, then finds them."""
    table = read_table(xlsx(row(**NEW_IN_LAI_CHAU)), "danh-sach.xlsx")
    with CaptureQueriesContext(connection) as queries:
        contacts_import(case=case, dataset=table.dataset, user=health_worker)
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert 'FROM "tracing_case"' in reads[0]
    assert connection.features.has_select_for_update is False or "FOR UPDATE" in reads[0]


def test_a_csv_file_with_semicolons_is_read(client, health_worker, case):
    lines = [";".join(HEADERS), ";".join(str(v) for v in row(**NEW_IN_LAI_CHAU))]
    content = ("\n".join(lines) + "\n").encode("utf-8-sig")
    client.force_login(health_worker)
    preview = upload(client, case, content, name="danh-sach.csv")
    assert preview.context["check"].is_valid
    confirm(client, case, preview)
    assert Contact.objects.get().person.full_name == "Giàng Thị Mỷ"


def test_excel_numbers_keep_their_digits(places, case):
    content = xlsx(row(**NEW_IN_LAI_CHAU | {"phone": 977000111, "birth_year": 1995.0}))
    check = check_contacts(case=case, dataset=read_table(content, "a.xlsx").dataset)
    assert check.is_valid
    assert check.rows[0].values["phone"] == "0977000111"


def test_confirming_another_file_than_the_one_checked_imports_nothing(client, health_worker, case):
    client.force_login(health_worker)
    upload(client, case, xlsx(row(**NEW_IN_LAI_CHAU)))
    response = client.post(f"/y-te/ca-benh/{case.pk}/tiep-xuc/nhap/xac-nhan/", {"sha256": "0" * 64})
    assert response.status_code == 302
    assert not Contact.objects.exists()


# -- access --------------------------------------------------------------------------------------


def test_health_staff_of_another_district_get_404_on_the_import_pages(
    client, other_health_worker, case
):
    client.force_login(other_health_worker)
    assert client.get(f"/y-te/ca-benh/{case.pk}/tiep-xuc/nhap/").status_code == 404
    response = upload(client, case, xlsx(row(**NEW_IN_LAI_CHAU)))
    assert response.status_code == 404
    assert not Contact.objects.exists()


def test_a_checkpoint_officer_may_not_import_contacts(client, officer, case):
    client.force_login(officer)
    assert client.get(f"/y-te/ca-benh/{case.pk}/tiep-xuc/nhap/").status_code == 403


def test_a_checked_file_left_for_more_than_half_an_hour_must_be_chosen_again(
    client, health_worker, case, time_machine
):
    time_machine.move_to(timezone.now())
    client.force_login(health_worker)
    preview = upload(client, case, xlsx(row(**NEW_IN_LAI_CHAU)))
    time_machine.shift(31 * 60)
    response = confirm(client, case, preview)
    assert response["Location"] == f"/y-te/ca-benh/{case.pk}/tiep-xuc/nhap/"
    assert not Contact.objects.exists()


def test_checking_a_long_file_takes_a_fixed_number_of_queries(
    places, case, make_declaration, django_assert_max_num_queries
):
    make_declaration(full_name="Nguyễn Văn An", id_number="001190000001")
    rows = [
        row(**NEW_IN_LAI_CHAU | {"full_name": f"Người số {n}", "phone": f"09770{n:05}"})
        for n in range(60)
    ]
    rows.append(row(full_name="Nguyễn Văn An", birth_year=1990, id_number="001190000001"))
    dataset = read_table(xlsx(*rows), "a.xlsx").dataset
    # Three reads (people by ID number, by phone and name, the case's contacts) and the
    # savepoints of django-import-export, whatever the number of rows.
    with django_assert_max_num_queries(12):
        check = check_contacts(case=case, dataset=dataset)
    assert check.counts() == {"rows": 61, "matched": 1, "new": 60, "f1": 61, "f2": 0}
