import re

import pytest

from declarations.models import Declaration, Person
from declarations.services import risk_flag_add
from tests.conftest import confirm_case, form_data
from tracing.services import contact_report

WRONG_PAIR = "The lookup code and phone digits do not match a declaration."


def look_up(client, code, last4):
    return client.post("/tra-cuu/", {"code": code, "phone_last4": last4})


def test_the_right_code_and_phone_digits_show_the_declarations(client, citizen):
    response = look_up(client, citizen.display_code, "4321")
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert citizen.full_name in page.content.decode()
    assert list(page.context["declarations"]) == list(citizen.declarations.all())


def test_the_code_may_be_typed_loosely(client, citizen):
    typed = citizen.lookup_code.lower()[:4] + " " + citizen.lookup_code.lower()[4:]
    assert look_up(client, typed, "4321").status_code == 302


def test_the_phone_digits_may_be_pasted_with_spaces_around_or_between(client, citizen):
    for pasted in (" 4321", "43 21 ", "43.21"):
        assert look_up(client, citizen.display_code, pasted).status_code == 302
    page = client.get("/tra-cuu/").content.decode()
    assert 'maxlength="4"' not in page  # the browser would cut " 4321" to " 432"


def test_phone_digits_that_are_not_four_are_refused(client, citizen, settings):
    settings.LANGUAGE_CODE = "en"
    for typed in ("432", "43210", "4321a", "４３２１"):
        response = look_up(client, citizen.display_code, typed)
        assert response.status_code == 200
        assert response.context["form"].errors["phone_last4"] == [
            "Enter the last 4 digits of the phone number."
        ]


def test_wrong_phone_digits_get_the_generic_message(client, citizen, settings):
    settings.LANGUAGE_CODE = "en"
    response = look_up(client, citizen.display_code, "0000")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [WRONG_PAIR]


def test_an_unknown_code_gets_the_same_message(client, citizen, settings):
    settings.LANGUAGE_CODE = "en"
    response = look_up(client, "ZZZZ-ZZZZ", "4321")
    assert response.context["form"].non_field_errors() == [WRONG_PAIR]


def test_the_declarations_page_needs_a_look_up_first(client, citizen):
    assert client.get("/tra-cuu/to-khai/")["Location"] == "/tra-cuu/"
    assert client.get("/khai-bao/cap-nhat/")["Location"] == "/tra-cuu/"


def test_attempts_are_limited_per_client_address(client, make_declaration):
    people = [make_declaration(full_name=f"Người {n}").person for n in range(11)]
    for person in people[:10]:
        assert look_up(client, person.display_code, "0000").status_code == 200
    response = look_up(client, people[10].display_code, "4321")
    assert response.status_code == 429
    assert "lookup_person" not in client.session


def test_attempts_are_limited_per_code_whatever_the_address(client, citizen):
    for n in range(10):
        response = client.post(
            "/tra-cuu/",
            {"code": citizen.display_code, "phone_last4": f"{n:04d}"},
            REMOTE_ADDR=f"10.0.0.{n}",
        )
        assert response.status_code == 200
    response = client.post(
        "/tra-cuu/", {"code": citizen.display_code, "phone_last4": "4321"}, REMOTE_ADDR="10.0.1.1"
    )
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode() or "Quá nhiều" in (
        response.content.decode()
    )


def test_updating_adds_a_declaration_under_the_same_person_and_code(client, citizen):
    look_up(client, citizen.display_code, "4321")
    page = client.get("/khai-bao/cap-nhat/")
    assert page.context["form"].initial["full_name"] == citizen.full_name

    data = form_data(
        full_name=citizen.full_name,
        phone=citizen.phone,
        residence_province=citizen.residence_province_id,
        residence_district=citizen.residence_district_id,
        residence_commune=citizen.residence_commune_id,
        symptoms=["cough"],
    )
    response = client.post("/khai-bao/cap-nhat/", data)

    assert response.status_code == 302
    assert Declaration.objects.filter(person=citizen).count() == 2
    assert citizen.declarations.newest_first().first().risk_level == "high"
    citizen.refresh_from_db()
    assert citizen.lookup_code in client.get(response["Location"]).content.decode().replace("-", "")


def test_successful_look_ups_count_against_no_one(client, make_declaration):
    """Behind one address (a hospital's Wi-Fi, a carrier's shared address) many citizens look
    up their own declarations: only failed look-ups are counted."""
    people = [make_declaration(full_name=f"Người {n}").person for n in range(12)]
    for person in people:
        assert look_up(client, person.display_code, "4321").status_code == 302


def test_a_code_takes_a_limited_number_of_failures_over_a_day(client, citizen, settings):
    """A passenger list shows codes: the 10,000 possible last 4 digits of one must take longer
    than anyone would try, whatever the addresses and windows used."""
    settings.LOOKUP_RATE = "1000/10m"
    settings.LOOKUP_CODE_DAY_RATE = "30/d"
    for n in range(30):
        answer = look_up(client, citizen.display_code, f"{n:04d}")
        assert answer.status_code == 200
    refused = look_up(client, citizen.display_code, "4321")
    assert refused.status_code == 429
    assert "thử lại vào ngày mai" in refused.content.decode()


def update_data(citizen, **changes) -> dict:
    return form_data(
        phone=citizen.phone,
        residence_province=citizen.residence_province_id,
        residence_district=citizen.residence_district_id,
        residence_commune=citizen.residence_commune_id,
        **changes,
    )


def test_the_update_form_is_named_an_update_in_its_title_too(client, citizen):
    """The tab and the history read "Update your declaration", as the heading does."""
    look_up(client, citizen.display_code, "4321")
    html = client.get("/khai-bao/cap-nhat/").content.decode()
    assert "<title>Cập nhật tờ khai ·" in html


def test_an_update_by_motorbike_drops_the_coach_plate_of_the_last_journey(client, make_declaration):
    """The update form starts from the last declaration, plate included."""
    citizen = make_declaration(transport="coach", vehicle_plate="25B-012.34", seat="12").person
    look_up(client, citizen.display_code, "4321")
    data = update_data(citizen, transport="motorbike", vehicle_plate="25B-012.34", seat="12")

    assert client.post("/khai-bao/cap-nhat/", data).status_code == 302

    newest = citizen.declarations.newest_first().first()
    assert (newest.transport, newest.vehicle_plate, newest.seat) == ("motorbike", "", "")


def test_an_update_keeps_the_plate_carried_for_the_same_means_or_typed_for_another(
    client, make_declaration
):
    citizen = make_declaration(transport="coach", vehicle_plate="25B-012.34", seat="12").person
    look_up(client, citizen.display_code, "4321")
    same_bus = update_data(citizen, transport="coach", vehicle_plate="25B-012.34", seat="12")
    own_car = update_data(citizen, transport="car", vehicle_plate="30A-123.45", seat="")

    for data in (same_bus, own_car):
        assert client.post("/khai-bao/cap-nhat/", data).status_code == 302

    plates = citizen.declarations.order_by("id").values_list("transport", "vehicle_plate")
    assert list(plates)[1:] == [("coach", "25B-012.34"), ("car", "30A-123.45")]


# -- the risk a citizen sees: their current one, as the staff see it ----------------------------

CASE_NAME = "Trần Thị Ca"
FLAG_NOTE = "Sốt 38,5 đo tại chốt"


def _confirmed_f1_contact(person, make_declaration) -> None:
    case_person = make_declaration(full_name=CASE_NAME, phone="0911222333").person
    case = confirm_case(case_person)
    contact_report(case=case, person=person, person_values={}, level="F1", user=None)


def _flagged_by_staff(person, make_declaration) -> None:
    risk_flag_add(person=person, level="high", reason=FLAG_NOTE, place="Chốt Km 15", user=None)


def _confirmed_case(person, make_declaration) -> None:
    confirm_case(person)


# Each puts a person who declared no risk at high risk, through the services the staff use.
RAISED_BY = {
    "confirmed F1 contact": _confirmed_f1_contact,
    "flag by staff": _flagged_by_staff,
    "open case": _confirmed_case,
}


@pytest.fixture(params=list(RAISED_BY))
def raised_to_high(request, citizen, make_declaration) -> Person:
    """The citizen, whose one declaration was assessed without risk, now at high risk."""
    assert citizen.declarations.get().risk_level == "none"
    RAISED_BY[request.param](citizen, make_declaration)
    citizen.refresh_from_db()
    assert citizen.risk_level == "high"
    return citizen


def current_risk(html: str) -> tuple[str, str]:
    """The level (its class) and the words of the status the page heads with."""
    found = re.search(r'<p class="risk risk-(\w+)[^"]*" id="current-risk">([^<]*)</p>', html)
    assert found, "no current risk on the page"
    return found.group(1), found.group(2)


def assert_high_risk_advice_without_why(html: str) -> None:
    assert current_risk(html) == ("high", "High risk")
    assert "Stay at home or where you are staying" in html
    assert "Show this code at checkpoints" not in html
    assert CASE_NAME not in html and FLAG_NOTE not in html
    assert not re.search(r"\bF[012]\b", html)  # nor that one is a case or a contact


def test_the_look_up_heads_with_the_persons_current_risk_and_its_advice(
    client, raised_to_high, settings
):
    settings.LANGUAGE_CODE = "en"
    look_up(client, raised_to_high.display_code, "4321")
    html = client.get("/tra-cuu/to-khai/").content.decode()

    assert_high_risk_advice_without_why(html)
    # The declaration keeps its own assessment, said to be of its time.
    assert "Assessed when declared: No risk found" in html


def test_the_success_page_of_an_update_shows_the_persons_current_risk(
    client, raised_to_high, settings
):
    settings.LANGUAGE_CODE = "en"
    look_up(client, raised_to_high.display_code, "4321")
    data = update_data(raised_to_high, full_name=raised_to_high.full_name)
    response = client.post("/khai-bao/cap-nhat/", data)
    assert raised_to_high.declarations.newest_first().first().risk_level == "none"

    html = client.get(response["Location"]).content.decode()

    assert_high_risk_advice_without_why(html)
    assert "This is your current risk" in html
