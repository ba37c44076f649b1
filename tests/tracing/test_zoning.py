"""Zoning: the communes where the cases and their contacts live and went, with counts."""

import io
from datetime import timedelta

import pytest
from django.db import connection
from openpyxl import load_workbook

from accounts.models import AuditAction, AuditEntry
from tests.conftest import (
    BA_DINH,
    HA_NOI,
    LAI_CHAU_CITY,
    PHUC_XA,
    QUYET_THANG,
    TAM_DUONG,
    TAM_DUONG_TOWN,
    audit_detail,
    confirm_case,
)
from tracing.models import Case, Contact, ContactLevel, ContactStatus
from tracing.zoning import people_involved

THEN_SIN, TA_LENG, DOAN_KET = "03394", "03400", "03389"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def seeded_case(citizen, make_declaration, today):
    """The case lives in Tam Đường town and went to Quyết Thắng five days ago. Its F1s: one of
    Quyết Thắng, one of Hà Nội who went to Quyết Thắng (and to Thèn Sin three weeks ago); an F2
    of Tam Đường town; a proposed F1 of Thèn Sin; a dismissed one of Tả Lèng."""

    def person(name, phone, district, commune, to_district, to_commune, days_ago=0, province="12"):
        return make_declaration(
            full_name=name,
            phone=phone,
            residence_province=province,
            residence_district=district,
            residence_commune=commune,
            to_district=to_district,
            to_commune=to_commune,
            travel_date=today - timedelta(days=days_ago),
        ).person

    make_declaration(
        person=citizen,
        to_district=LAI_CHAU_CITY,
        to_commune=QUYET_THANG,
        travel_date=today - timedelta(days=5),
    )
    case = confirm_case(citizen)
    f1_here = person(
        "Giàng Thị Mỷ", "0911000001", LAI_CHAU_CITY, QUYET_THANG, LAI_CHAU_CITY, QUYET_THANG
    )
    f1_visitor = person(
        "Nguyễn Văn An", "0911000002", BA_DINH, PHUC_XA, LAI_CHAU_CITY, QUYET_THANG, 3, HA_NOI
    )
    make_declaration(  # declaring again: the person's details as typed again
        person=f1_visitor,
        full_name=f1_visitor.full_name,
        phone=f1_visitor.phone,
        residence_province=HA_NOI,
        residence_district=BA_DINH,
        residence_commune=PHUC_XA,
        to_district=TAM_DUONG,
        to_commune=THEN_SIN,
        travel_date=today - timedelta(days=20),
    )
    f2 = person("Sần Văn Lả", "0911000003", TAM_DUONG, TAM_DUONG_TOWN, TAM_DUONG, TAM_DUONG_TOWN)
    proposed = person("Lù Thị Dung", "0911000004", TAM_DUONG, THEN_SIN, TAM_DUONG, THEN_SIN)
    dismissed = person("Vàng A Páo", "0911000005", TAM_DUONG, TA_LENG, TAM_DUONG, TA_LENG)
    confirmed = {"level": ContactLevel.F1, "status": ContactStatus.CONFIRMED}
    via = Contact.objects.create(case=case, person=f1_here, **confirmed)
    Contact.objects.create(case=case, person=f1_visitor, **confirmed)
    Contact.objects.create(
        case=case, person=f2, level=ContactLevel.F2, via=via, status=ContactStatus.CONFIRMED
    )
    Contact.objects.create(case=case, person=proposed, level=ContactLevel.F1)
    Contact.objects.create(
        case=case, person=dismissed, level=ContactLevel.F1, status=ContactStatus.DISMISSED
    )
    return case


def rows(response):
    return [(c.code, c.living, c.went, c.total) for c in response.context["zoning"].communes]


def test_the_counts_of_one_case_are_exact_and_sorted(client, health_worker, seeded_case):
    client.force_login(health_worker)
    response = client.get(f"/y-te/ca-benh/{seeded_case.pk}/khoanh-vung/")
    assert rows(response) == [
        (QUYET_THANG, 1, 3, 3),
        (TAM_DUONG_TOWN, 2, 2, 2),
        (PHUC_XA, 1, 0, 1),
    ]
    zoning = response.context["zoning"]
    assert (zoning.cases, zoning.people) == (1, 4)
    html = response.content.decode()
    assert "Phường Quyết Thắng" in html and "Thành phố Lai Châu" in html
    assert "Quận Ba Đình, Thành phố Hà Nội" in html


def test_proposed_contacts_are_counted_when_asked(client, health_worker, seeded_case):
    client.force_login(health_worker)
    response = client.get(f"/y-te/ca-benh/{seeded_case.pk}/khoanh-vung/?de-xuat=1")
    assert rows(response) == [
        (QUYET_THANG, 1, 3, 3),
        (TAM_DUONG_TOWN, 2, 2, 2),
        (THEN_SIN, 1, 1, 1),
        (PHUC_XA, 1, 0, 1),
    ]


def test_the_zoning_downloads_as_excel_and_is_audited(client, health_worker, seeded_case):
    client.force_login(health_worker)
    response = client.get(f"/y-te/ca-benh/{seeded_case.pk}/khoanh-vung/xuat/")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][-1] == "People in all"
    assert values[1] == (1, "Phường Quyết Thắng", "Thành phố Lai Châu", None, 1, 3, 3)
    assert len(values) == 4
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert audit_detail(entry) == f"zoning of case {seeded_case.pk}"


def test_all_open_cases_of_the_users_scope_are_zoned_together(
    client, health_worker, provincial_health_worker, seeded_case, make_declaration
):
    elsewhere = make_declaration(
        full_name="Lò Thị Hoa",
        phone="0911000009",
        residence_district=LAI_CHAU_CITY,
        residence_commune=DOAN_KET,
        to_district=LAI_CHAU_CITY,
        to_commune=DOAN_KET,
    ).person
    confirm_case(elsewhere)
    closed = confirm_case(make_declaration(full_name="Lò Văn Cũ", phone="0911000010").person)
    closed.closed_at = closed.created_at
    closed.save(update_fields=["closed_at"])

    client.force_login(health_worker)
    assert DOAN_KET not in [code for code, *_counts in rows(client.get("/y-te/khoanh-vung/"))]
    client.force_login(provincial_health_worker)
    response = client.get("/y-te/khoanh-vung/")
    assert response.context["zoning"].cases == 2
    assert (DOAN_KET, 1, 1, 1) in rows(response)


def test_the_open_cases_zoning_downloads_as_excel(client, provincial_health_worker, seeded_case):
    client.force_login(provincial_health_worker)
    response = client.get("/y-te/khoanh-vung/xuat/?de-xuat=1")
    assert response["Content-Disposition"].startswith('attachment; filename="khoanh-vung-')
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert audit_detail(entry) == "zoning of the open cases, proposed contacts included"


def test_health_staff_of_another_district_get_404_for_a_case_zoning(
    client, other_health_worker, citizen
):
    case = confirm_case(citizen)
    client.force_login(other_health_worker)
    assert client.get(f"/y-te/ca-benh/{case.pk}/khoanh-vung/").status_code == 404
    assert client.get(f"/y-te/ca-benh/{case.pk}/khoanh-vung/xuat/").status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_leader_may_not_see_the_zoning_pages(client, leader, places):
    client.force_login(leader)
    assert client.get("/y-te/khoanh-vung/").status_code == 403


def test_the_zoning_page_takes_a_fixed_number_of_queries(
    client, provincial_health_worker, seeded_case, django_assert_max_num_queries
):
    client.force_login(provincial_health_worker)
    with django_assert_max_num_queries(11):
        client.get("/y-te/khoanh-vung/?de-xuat=1")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a PostgreSQL plan; CI runs this on PostgreSQL"
)
@pytest.mark.parametrize("include_proposed", [False, True])
def test_the_people_involved_are_read_by_key_not_by_reading_everyone(seeded_case, include_proposed):
    """The cases' people and their contacts are one set of keys: PostgreSQL reads each person by
    their key, never every person of the province (130 ms among 700,000 people)."""
    people = people_involved(Case.objects.all(), include_proposed=include_proposed)
    sql, params = people.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # as if the table were large
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan on declarations_person" not in plan
    assert len(people) == (5 if include_proposed else 4)
