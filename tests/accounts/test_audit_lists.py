"""Every page that lists people by name is written to the audit log, as a person page is: the
checkpoint's board, a coach's list at a bus check, a facility's visitors, a coach's passengers
(and the operator's page that declares for them), the cases, and a case's zoning."""

import pytest
from django.utils import timezone

from accounts.models import AuditAction, AuditEntry
from tests.conftest import audit_detail, confirm_case


@pytest.fixture
def case(citizen, provincial_health_worker):
    return confirm_case(citizen, user=provincial_health_worker)


def opened(client, user, path: str) -> AuditEntry:
    """Open ``path`` as ``user``; the one audit entry it wrote."""
    client.force_login(user)
    assert client.get(path).status_code == 200
    entry = AuditEntry.objects.get()
    assert (entry.user, entry.client_ip) == (user, "127.0.0.1")
    return entry


def test_the_board(client, officer, checkpoint):
    entry = opened(client, officer, "/chot/bang/")
    assert (entry.action, audit_detail(entry)) == (
        AuditAction.VIEW_LIST,
        f"board of {checkpoint.name}",
    )


def test_a_coachs_list_at_a_bus_check(client, officer, vehicle):
    entry = opened(client, officer, "/chot/kiem-tra-xe/?plate=25b01234")
    assert (entry.action, audit_detail(entry)) == (
        AuditAction.VIEW_LIST,
        "passenger list of 25B-012.34 at a bus check",
    )


def test_a_bus_check_without_a_plate_lists_nobody_and_is_not_written(client, officer):
    client.force_login(officer)
    assert client.get("/chot/kiem-tra-xe/").status_code == 200
    assert not AuditEntry.objects.exists()


def test_a_facilitys_visitors(client, facility_worker, facility):
    entry = opened(client, facility_worker, "/co-so-y-te/")
    today = timezone.localdate()
    assert (entry.action, audit_detail(entry)) == (
        AuditAction.VIEW_LIST,
        f"visitors of {facility.name} on {today:%d/%m/%Y}",
    )


@pytest.mark.parametrize("page", ["hanh-khach", "khai-ho"])
def test_a_coachs_passengers(client, operator, vehicle, page):
    entry = opened(client, operator, f"/nha-xe/xe/{vehicle.pk}/{page}/")
    today = timezone.localdate()
    assert (entry.action, audit_detail(entry)) == (
        AuditAction.VIEW_LIST,
        f"passenger list of 25B-012.34 on {today:%d/%m/%Y}",
    )


def test_the_cases(client, provincial_health_worker, case):
    entry = opened(client, provincial_health_worker, "/y-te/ca-benh/")
    assert (entry.action, audit_detail(entry)) == (AuditAction.VIEW_LIST, "list of cases, page 1")


def test_a_cases_zoning_names_its_person(client, provincial_health_worker, case):
    entry = opened(client, provincial_health_worker, f"/y-te/ca-benh/{case.pk}/khoanh-vung/")
    assert (entry.action, entry.person) == (AuditAction.VIEW_PERSON, case.person)
    assert audit_detail(entry) == f"zoning of case {case.pk}"


def test_a_filter_the_list_does_not_know_is_written_as_all(client, provincial_health_worker):
    client.force_login(provincial_health_worker)
    assert client.get("/y-te/ca-benh/", {"trang-thai": "mo\x00<b>"}).status_code == 200
    assert audit_detail(AuditEntry.objects.get()) == "list of cases, page 1"


def test_an_entry_keeps_no_nul_character(rf, officer):
    """PostgreSQL refuses NUL in text: a detail that carries one loses it, not the entry."""
    from accounts.audit import audit

    request = rf.get("/")
    request.user = officer
    audit(request, AuditAction.SEARCH, detail="lo\x00 thi hoa")
    assert AuditEntry.objects.get().detail == "lo thi hoa"


@pytest.fixture
def contacts_of(make_declaration):
    """Make a contact of ``case`` (F1 unless ``via`` an F1 contact) with a new person."""

    def make(case, name, *, status="proposed", via=None, reasons=()):
        from tracing.models import Contact

        person = make_declaration(full_name=name).person
        level = "F2" if via else "F1"
        return Contact.objects.create(
            case=case, person=person, level=level, status=status, via=via, reasons=list(reasons)
        )

    return make


def found_in_the_audit_log(client, administrator, typed: str) -> list:
    client.force_login(administrator)
    page = client.get("/admin/accounts/auditentry/", {"q": typed})
    return list(page.context["cl"].result_list)


def test_a_case_page_names_every_contact_it_shows_in_its_one_entry(
    client, provincial_health_worker, administrator, case, contacts_of
):
    """The page lists its contacts by name and phone: its one entry keeps their codes, and the
    administrator searching the log by one of them (as printed) finds the page."""
    f1 = contacts_of(case, "Lò Văn Một", status="confirmed")
    other_f1 = contacts_of(case, "Lò Văn Khác", status="dismissed")
    proposed = contacts_of(case, "Lò Thị Đề Xuất")
    near = {"rule": "vehicle", "plate": "25B-012.34", "day": "2026-11-21", "via": other_f1.pk}
    f2 = contacts_of(case, "Lò Thị Hai", via=f1, reasons=[near])

    entry = opened(client, provincial_health_worker, f"/y-te/ca-benh/{case.pk}/")

    assert (entry.action, entry.person, audit_detail(entry)) == (
        AuditAction.VIEW_PERSON,
        case.person,
        f"case {case.pk}",
    )
    shown = {c.person.lookup_code for c in (f1, other_f1, proposed, f2)}
    assert set(entry.people_shown.split()) == shown
    for contact in (proposed, f2):
        for typed in (contact.person.display_code, contact.person.lookup_code.lower()):
            assert found_in_the_audit_log(client, administrator, typed) == [entry]


def test_a_case_page_names_the_f1s_its_f2s_were_found_near_even_when_left_out(
    client, provincial_health_worker, case, contacts_of, monkeypatch
):
    monkeypatch.setattr("tracing.case_views.CONTACTS_SHOWN", 1)
    f1 = contacts_of(case, "An Một", status="confirmed")
    left_out = contacts_of(case, "Bùi Hai", status="confirmed")  # the second by name
    near = {"rule": "vehicle", "plate": "25B-012.34", "day": "2026-11-21", "via": left_out.pk}
    f2 = contacts_of(case, "Cao Ba", via=f1, reasons=[near])

    entry = opened(client, provincial_health_worker, f"/y-te/ca-benh/{case.pk}/")

    expected = {f1.person.lookup_code, left_out.person.lookup_code, f2.person.lookup_code}
    assert set(entry.people_shown.split()) == expected


def test_a_cases_chain_names_its_confirmed_contacts(
    client, provincial_health_worker, administrator, case, contacts_of
):
    f1 = contacts_of(case, "Lò Văn Một", status="confirmed")
    f2 = contacts_of(case, "Lò Thị Hai", status="confirmed", via=f1)
    contacts_of(case, "Lò Thị Đề Xuất")  # not in the chain

    entry = opened(client, provincial_health_worker, f"/y-te/ca-benh/{case.pk}/chuoi/")

    assert (entry.person, audit_detail(entry)) == (
        case.person,
        f"chain of transmission of case {case.pk}",
    )
    assert entry.people_shown.split() == [f1.person.lookup_code, f2.person.lookup_code]
    assert found_in_the_audit_log(client, administrator, f2.person.display_code) == [entry]


def test_the_contact_entry_page_names_the_contacts_it_lists(
    client, provincial_health_worker, case, contacts_of
):
    f1 = contacts_of(case, "Lò Văn Một", status="confirmed")

    entry = opened(client, provincial_health_worker, f"/y-te/ca-benh/{case.pk}/tiep-xuc/them/")

    assert (entry.action, entry.person) == (AuditAction.VIEW_LIST, case.person)
    assert audit_detail(entry) == f"contacts of case {case.pk}"
    assert entry.people_shown == f1.person.lookup_code


def test_an_audit_entry_shows_the_codes_of_the_people_its_page_listed(
    client, provincial_health_worker, administrator, case, contacts_of
):
    f1 = contacts_of(case, "Lò Văn Một")
    entry = opened(client, provincial_health_worker, f"/y-te/ca-benh/{case.pk}/")
    administrator.is_superuser = True
    administrator.save()
    client.force_login(administrator)

    page = client.get(f"/admin/accounts/auditentry/{entry.pk}/change/").content.decode()

    assert f1.person.display_code in page


# -- the lists of a coach's passengers and of a facility's visitors name them too ---------------


@pytest.fixture
def passengers(vehicle, make_declaration):
    """Two of today's passengers of ``vehicle``, declared with its QR."""
    coach = {"point": vehicle.point, "transport": "coach", "vehicle_plate": vehicle.plate}
    return [
        make_declaration(full_name=name, phone=phone, **coach).person
        for name, phone in (("Lò Văn Một", "0912000001"), ("Lò Thị Hai", "0912000002"))
    ]


@pytest.mark.parametrize("page", ["hanh-khach/", "hanh-khach.xlsx", "khai-ho/"])
def test_a_coachs_passengers_entry_names_every_passenger_listed(
    client, operator, vehicle, passengers, page
):
    entry = opened(client, operator, f"/nha-xe/xe/{vehicle.pk}/{page}")
    assert set(entry.people_shown.split()) == {person.lookup_code for person in passengers}


def test_a_coachs_list_entry_names_those_taken_off_it_too(client, operator, vehicle, passengers):
    client.force_login(operator)
    day = f"{timezone.localdate():%Y-%m-%d}"
    taken_off = passengers[0]
    remove = f"/nha-xe/xe/{vehicle.pk}/hanh-khach/{taken_off.lookup_code}/bo/?ngay={day}"
    client.post(remove, {"reason": "not_on_board"})
    AuditEntry.objects.all().delete()

    entry = opened(client, operator, f"/nha-xe/xe/{vehicle.pk}/hanh-khach/")

    assert set(entry.people_shown.split()) == {person.lookup_code for person in passengers}


@pytest.mark.parametrize("page", ["", "excel/"])
def test_a_facilitys_visitors_entry_names_every_visitor_listed(
    client, facility_worker, facility, make_declaration, page
):
    visitors = [
        make_declaration(
            full_name=name, point=facility.point, visit_role="patient", department="Khoa Nhi"
        ).person
        for name in ("Lò Văn Khám", "Lò Thị Thăm")
    ]
    make_declaration(full_name="Người Khác")  # not a visitor: not named

    entry = opened(client, facility_worker, f"/co-so-y-te/{page}")

    assert set(entry.people_shown.split()) == {person.lookup_code for person in visitors}


def test_the_risk_list_download_names_everyone_in_the_file(
    client, provincial_health_worker, make_declaration
):
    names = ("Sốt Một", "Sốt Hai")
    at_risk = [make_declaration(full_name=name, symptoms=["fever"]).person for name in names]
    make_declaration(full_name="Khỏe Mạnh")  # not at risk: not in the file

    entry = opened(client, provincial_health_worker, "/y-te/?format=xlsx")

    assert entry.action == AuditAction.EXPORT
    assert set(entry.people_shown.split()) == {person.lookup_code for person in at_risk}
