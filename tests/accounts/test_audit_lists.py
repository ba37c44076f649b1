"""Every page that lists people by name is written to the audit log, as a person page is: the
checkpoint's board, a coach's list at a bus check, a facility's visitors, a coach's passengers
(and the operator's page that declares for them), the cases, and a case's zoning."""

import pytest
from django.utils import timezone

from accounts.models import AuditAction, AuditEntry
from tests.conftest import audit_detail
from tracing.services import case_confirm


@pytest.fixture
def case(citizen, provincial_health_worker):
    return case_confirm(
        person=citizen,
        confirmed_on=timezone.localdate(),
        how_confirmed="RT-PCR",
        isolated_at="",
        user=provincial_health_worker,
    )


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
    assert (entry.action, audit_detail(entry)) == (
        AuditAction.VIEW_LIST,
        f"visitors of {facility.name}",
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
