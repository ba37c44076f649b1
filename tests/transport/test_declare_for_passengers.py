"""The crew declares for passengers one after another (khai hộ), each with their own code."""

import uuid

import pytest

from accounts.models import AuditEntry
from declarations.models import Declaration, EpidemicZone, MadeBy, Person
from tests.conftest import BA_DINH, HA_NOI, LAI_CHAU, LAI_CHAU_CITY, PHUC_XA, QUYET_THANG
from transport.services import PassengerData, passenger_declare


def passenger(**changes) -> dict:
    """A valid post of the short form: a passenger from Hà Nội to Lai Châu city."""
    data = {
        "form_token": str(uuid.uuid4()),
        "full_name": "Lò Thị Mai",
        "birth_year": "1975",
        "sex": "female",
        "phone": "0912 345 678",
        "residence_province": HA_NOI,
        "residence_district": BA_DINH,
        "residence_commune": PHUC_XA,
        "from_province": HA_NOI,
        "from_district": BA_DINH,
        "to_district": LAI_CHAU_CITY,
        "to_commune": QUYET_THANG,
        "seat": "5",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def crew(client, operator):
    client.force_login(operator)
    return client


@pytest.fixture
def page(vehicle):
    return f"/nha-xe/xe/{vehicle.pk}/khai-ho/"


def test_declaring_for_a_passenger_records_them_on_the_vehicle_on_their_behalf(
    crew, page, operator, vehicle, today
):
    response = crew.post(page, passenger(symptoms=["fever"]))

    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{page}?ma={person.lookup_code}"
    declaration = person.declarations.get()
    assert (declaration.made_by, declaration.made_by_user) == (MadeBy.ON_BEHALF, operator)
    assert declaration.point == vehicle.point
    assert (declaration.vehicle_plate, declaration.transport) == ("25B-012.34", "coach")
    assert (declaration.travel_date, declaration.seat) == (today, "5")
    assert (declaration.from_province_id, declaration.from_district_id) == (HA_NOI, BA_DINH)
    assert (declaration.to_district_id, declaration.to_commune_id) == (LAI_CHAU_CITY, QUYET_THANG)
    assert (person.residence_commune_id, person.phone) == (PHUC_XA, "0912345678")
    assert (person.nationality, declaration.risk_level) == ("Việt Nam", "high")
    assert AuditEntry.objects.filter(
        action="declare_on_behalf", person=person, user=operator
    ).exists()


def test_a_resident_coming_home_from_an_epidemic_zone_is_at_risk_from_where_they_boarded(
    crew, page, today
):
    EpidemicZone.objects.create(place_code=HA_NOI, place_name="Hà Nội", starts_on=today)
    home = {
        "residence_province": LAI_CHAU,
        "residence_district": LAI_CHAU_CITY,
        "residence_commune": QUYET_THANG,
    }

    crew.post(page, passenger(**home, from_province=HA_NOI, from_district=BA_DINH))

    declaration = Declaration.objects.get()
    assert (declaration.from_province_id, declaration.from_district_id) == (HA_NOI, BA_DINH)
    assert declaration.person.residence_province_id == LAI_CHAU
    assert declaration.risk_level == "medium"


def test_the_boarding_place_is_required_and_must_be_nested(crew, page):
    response = crew.post(page, passenger(from_province="", from_district=LAI_CHAU_CITY))
    assert "from_province" in response.context["form"].errors

    response = crew.post(page, passenger(from_province=HA_NOI, from_district=LAI_CHAU_CITY))
    assert "from_district" in response.context["form"].errors
    assert not Person.objects.exists()


def test_the_crew_records_the_passengers_nationality_vietnamese_unless_told(crew, page):
    first = crew.get(page).context["form"]
    assert first["nationality"].value() == "Việt Nam"

    crew.post(page, passenger(full_name="Lò Thị Mai", nationality="Lào"))
    crew.post(page, passenger(full_name="Vàng A Páo", nationality=" "))

    nationalities = dict(Person.objects.values_list("full_name", "nationality"))
    assert nationalities == {"Lò Thị Mai": "Lào", "Vàng A Páo": "Việt Nam"}


def test_three_passengers_get_three_people_and_three_codes(crew, page, vehicle):
    for name in ("Lò Thị Mai", "Lò Thị Mai", "Vàng A Páo"):
        crew.post(page, passenger(full_name=name))

    assert Person.objects.count() == 3
    assert len(set(Person.objects.values_list("lookup_code", flat=True))) == 3
    assert Declaration.objects.filter(point=vehicle.point).count() == 3


def test_the_same_form_sent_twice_records_one_passenger(crew, page):
    data = passenger()
    first = crew.post(page, data)
    second = crew.post(page, data)

    assert Person.objects.count() == 1
    assert Declaration.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_the_page_after_declaring_shows_the_code_large_and_the_list(crew, page):
    crew.post(page, passenger(full_name="Vàng A Páo"))
    person = Person.objects.get()

    response = crew.get(f"{page}?ma={person.lookup_code}")

    assert response.context["declared"].person == person
    html = response.content.decode()
    assert f'<p class="lookup-code mb-1" id="declared-code">{person.display_code}</p>' in html
    assert [row.person for row in response.context["rows"]] == [person]


def test_a_code_that_is_not_on_this_vehicles_list_today_is_not_shown(
    crew, page, citizen, other_vehicle, make_declaration
):
    elsewhere = make_declaration(full_name="Xe Khác", point=other_vehicle.point).person

    for code in (citizen.lookup_code, elsewhere.lookup_code, "not-a-code"):
        response = crew.get(page, {"ma": code})
        assert response.context["declared"] is None
        assert citizen.display_code not in response.content.decode()
        assert elsewhere.display_code not in response.content.decode()


def test_the_next_form_is_empty_but_keeps_the_last_places(crew, page, settings):
    first = crew.get(page).context["form"]
    assert first.initial == {"residence_province": settings.PROVINCE_CODE}

    crew.post(page, passenger(full_name="Lò Thị Mai"))
    form = crew.get(page).context["form"]

    assert form.initial == {
        "residence_province": HA_NOI,
        "residence_district": BA_DINH,
        "residence_commune": PHUC_XA,
        "from_province": HA_NOI,
        "from_district": BA_DINH,
        "to_district": LAI_CHAU_CITY,
        "to_commune": QUYET_THANG,
    }
    assert not form.is_bound
    assert form["full_name"].value() is None
    assert form.fields["full_name"].widget.attrs["autofocus"]
    assert form["form_token"].value() != first["form_token"].value()
    communes = dict(form.fields["residence_commune"].choices)
    assert communes[PHUC_XA] == "Phường Phúc Xá"


def test_wrong_answers_are_shown_with_the_declaration_forms_messages(crew, page, settings):
    settings.LANGUAGE_CODE = "en"
    response = crew.post(
        page,
        passenger(
            full_name=" ", birth_year="1850", phone="12345", to_district="001", to_commune=""
        ),
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["full_name"] == ["This field is required."]
    assert errors["birth_year"][0].startswith("Enter a year of birth between 1900 and")
    assert errors["phone"][0].startswith("Enter a Vietnamese mobile number of 10 digits")
    assert errors["to_district"] == ["Choose a district of this province."]
    assert not Person.objects.exists()


def test_a_commune_outside_the_district_chosen_is_refused(crew, page):
    response = crew.post(page, passenger(residence_commune=QUYET_THANG))

    assert "residence_commune" in response.context["form"].errors
    assert not Person.objects.exists()


def test_without_javascript_the_refresh_button_lists_the_districts_of_the_province_chosen(
    crew, page
):
    data = passenger(residence_province=LAI_CHAU, residence_district="", residence_commune="")
    response = crew.post(page, {**data, "refresh_places": "1"})

    form = response.context["form"]
    assert not form.errors
    districts = dict(form.fields["residence_district"].choices)
    assert districts[LAI_CHAU_CITY] == "Thành phố Lai Châu"
    assert form["full_name"].value() == "Lò Thị Mai"
    assert not Person.objects.exists()


def test_the_service_declares_with_the_vehicles_point_and_plate(vehicle, operator, places):
    data = PassengerData(
        full_name="Giàng A Sử",
        birth_year=1960,
        sex="male",
        phone="0377123456",
        home_province=LAI_CHAU,
        home_district=LAI_CHAU_CITY,
        home_commune=QUYET_THANG,
        from_province=LAI_CHAU,
        from_district=LAI_CHAU_CITY,
        to_district=LAI_CHAU_CITY,
        to_commune=QUYET_THANG,
    )
    token = uuid.uuid4()

    declaration = passenger_declare(vehicle=vehicle, operator=operator, data=data, token=token)
    again = passenger_declare(vehicle=vehicle, operator=operator, data=data, token=token)

    assert again == declaration
    assert (declaration.point, declaration.vehicle_plate) == (vehicle.point, vehicle.plate)
    assert declaration.made_by_user == operator
    assert Person.objects.count() == 1


def test_the_crew_is_asked_for_a_relatives_phone_never_their_own(crew, page, settings):
    settings.LANGUAGE_CODE = "en"
    form = crew.get(page).context["form"]
    help_text = str(form["phone"].help_text)
    assert "a relative's or a carer's mobile number, never the crew's" in help_text

    response = crew.post(page, passenger(phone=""))

    assert response.context["form"].errors["phone"] == [
        "Enter a mobile number. Someone without a phone gives a relative's or a carer's."
    ]


def test_the_crew_is_asked_about_the_passenger_not_about_themselves(crew, page, settings):
    """The crew read "In the last 14 days, have you had any of these symptoms?"."""
    import re

    from crispy_forms.utils import render_crispy_form
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    response = crew.get(page)
    html = response.content.decode()

    assert "In the last 14 days, has the person had any of these symptoms?" in html
    assert "In the last 14 days, has any of these applied to the person?" in html
    with translation.override("en"):
        form = render_crispy_form(response.context["form"])
    assert re.findall(r"\byour?\b", form, re.IGNORECASE) == []


def test_a_passenger_declared_at_risk_is_shown_so_with_what_to_tell_them(crew, page):
    """The passenger without a smartphone sees no success page: the crew is shown the risk
    and what to tell them, as the success page would."""
    at_risk = crew.get(crew.post(page, passenger(symptoms=["fever"]))["Location"])
    card = at_risk.content.decode().split('id="declared-code"')[1].split("</div>")[0]
    assert "Nguy cơ cao" in card
    assert "gọi ngay cho Trung tâm Y tế huyện" in card
    assert 'href="tel:19009095"' in card

    well = crew.get(crew.post(page, passenger(full_name="Lò Văn Khỏe"))["Location"])
    card = well.content.decode().split('id="declared-code"')[1].split("</div>")[0]
    assert "Không có nguy cơ" in card
    assert "gọi ngay cho Trung tâm Y tế huyện" not in card
