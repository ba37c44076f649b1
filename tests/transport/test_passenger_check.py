"""A crew scanning a passenger's code (the QR on the success page) learns whether the passenger
is on today's list of one of their vehicles, instead of being refused the person page."""

import pytest

from accounts.models import AuditEntry


@pytest.fixture
def crew(client, operator):
    client.force_login(operator)
    return client


def test_a_scanned_passenger_of_the_crews_vehicle_is_found_on_its_list(
    crew, vehicle, make_declaration
):
    declaration = make_declaration(
        point=vehicle.point, transport="coach", vehicle_plate=vehicle.plate, seat="B07"
    )
    code = declaration.person.lookup_code

    scanned = crew.get(f"/c/{code}/")
    assert scanned.status_code == 302
    page = crew.get(scanned["Location"])

    assert scanned["Location"] == f"/nha-xe/hanh-khach/{code}/"
    assert [vehicle_.plate for vehicle_, _d in page.context["trips"]] == [vehicle.plate]
    assert "ghế B07" in page.content.decode()
    assert f"/nha-xe/xe/{vehicle.pk}/hanh-khach/" in page.content.decode()
    assert AuditEntry.objects.filter(action="view_person", person=declaration.person).exists()


def test_a_passenger_of_another_companys_vehicle_is_not_on_the_crews_lists(
    crew, vehicle, other_vehicle, make_declaration
):
    declaration = make_declaration(
        point=other_vehicle.point, transport="coach", vehicle_plate=other_vehicle.plate
    )
    page = crew.get(f"/nha-xe/hanh-khach/{declaration.person.lookup_code}/")
    assert page.context["trips"] == []
    assert "Không có trong danh sách hành khách hôm nay" in page.content.decode()
    assert other_vehicle.plate not in page.content.decode()


def test_an_unknown_code_is_a_miss_counted_like_any_code_guessed(crew, places, settings):
    settings.CODE_MISS_RATE = "2/10m"
    assert crew.get("/nha-xe/hanh-khach/ZZZZZZZZ/").status_code == 404
    assert crew.get("/nha-xe/hanh-khach/not-a-code/").status_code == 404
    assert crew.get("/nha-xe/hanh-khach/ZZZZZZZY/").status_code == 429


@pytest.mark.parametrize("persona", ["transport_officer", "leader"])
def test_only_a_crew_checks_its_passengers(request, client, persona, citizen):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"/nha-xe/hanh-khach/{citizen.lookup_code}/").status_code == 403


def test_the_transport_department_learns_nothing_of_whether_a_code_exists(
    client, transport_officer, citizen
):
    """Refused alike for a known code and an unknown one: a 403 against a 404 would say that
    someone has the code."""
    client.force_login(transport_officer)
    known = client.get(f"/nha-xe/hanh-khach/{citizen.lookup_code}/")
    unknown = client.get("/nha-xe/hanh-khach/ZZZZZZZZ/")
    assert (known.status_code, unknown.status_code) == (403, 403)
    assert not AuditEntry.objects.exists()


def test_officers_still_open_the_person_page(client, officer, citizen):
    client.force_login(officer)
    assert client.get(f"/c/{citizen.lookup_code}/").status_code == 200


def test_the_check_shows_the_persons_risk_now_not_the_declarations(crew, vehicle, make_declaration):
    from declarations.models import Person

    declaration = make_declaration(
        point=vehicle.point, transport="coach", vehicle_plate=vehicle.plate
    )
    Person.objects.filter(pk=declaration.person_id).update(risk_level="high")  # a contact, say
    page = crew.get(f"/nha-xe/hanh-khach/{declaration.person.lookup_code}/").content.decode()
    assert 'class="badge risk-high"' in page and "risk-none" not in page


def test_a_scanned_passenger_the_crew_took_off_is_said_to_be_taken_off_with_the_way_back(
    crew, vehicle, make_declaration, today
):
    """Taken off by mistake, a passenger who is on board is not told to declare again: the
    crew sees that they took them off, why, and where to put them back."""
    person = make_declaration(
        point=vehicle.point, transport="coach", vehicle_plate=vehicle.plate
    ).person
    crew.post(
        f"/nha-xe/xe/{vehicle.pk}/hanh-khach/{person.lookup_code}/bo/?ngay={today:%Y-%m-%d}",
        {"reason": "not_on_board"},
    )

    page = crew.get(f"/nha-xe/hanh-khach/{person.lookup_code}/").content.decode()

    assert "Không có trong danh sách hành khách hôm nay" not in page
    assert f"Đã bị bỏ khỏi danh sách hành khách hôm nay của xe {vehicle.plate}" in page
    assert "Không đi xe này" in page
    assert f"/nha-xe/xe/{vehicle.pk}/hanh-khach/?ngay={today:%Y-%m-%d}#removed" in page
