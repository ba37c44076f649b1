"""A citizen on a 360x740 phone declares, keeps the code, looks it up and updates it."""

import re
from urllib.parse import urlparse

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from declarations.models import Person
from tests.conftest import BA_DINH, HA_NOI, LAI_CHAU_CITY, PHUC_XA, QUYET_THANG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_no_horizontal_scroll(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"


def choose(page, field: str, value: str):
    """Pick an option once the chained list has it (it arrives from the JSON endpoint)."""
    page.wait_for_selector(f"#id_{field} option[value='{value}']", state="attached")
    page.select_option(f"#id_{field}", value)


def fill_declaration(page, *, symptoms=(), plate="25b01234"):
    page.fill("#id_full_name", "Lường Thị Mai")
    page.fill("#id_birth_year", "1992")
    page.check("#id_sex_1")
    page.fill("#id_id_number", "012192001234")
    page.fill("#id_phone", "+84 983 456 789")
    choose(page, "residence_province", HA_NOI)
    choose(page, "residence_district", BA_DINH)
    choose(page, "residence_commune", PHUC_XA)
    page.fill("#id_residence_address", "8 Phố Phúc Xá")
    page.fill("#id_travel_date", timezone.localdate().isoformat())
    choose(page, "from_province", HA_NOI)
    choose(page, "from_district", BA_DINH)
    choose(page, "to_district", LAI_CHAU_CITY)
    choose(page, "to_commune", QUYET_THANG)
    page.fill("#id_to_address", "Số 5 đường Trần Phú")
    if plate is not None:  # a vehicle's QR fixes the transport and the plate
        page.select_option("#id_transport", "coach")
        page.fill("#id_vehicle_plate", plate)
    page.fill("#id_seat", "14")
    for symptom in symptoms:
        page.check(f"input[name=symptoms][value={symptom}]")
    page.select_option("#id_vaccine_doses", "2")
    page.check("#id_commitment")


def read_code(page) -> str:
    code = page.inner_text("#lookup-code").strip()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    return code


def assert_code_and_qr_fit_one_screen(page):
    for selector in ("#lookup-code", "svg.qr"):
        box = page.locator(selector).bounding_box()
        assert box is not None and box["y"] + box["height"] <= 740, selector


def test_declare_look_up_and_update_on_a_phone(live_server, places, phone_page, screenshot):
    page = phone_page
    hosts = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).netloc))
    page.goto(f"{live_server.url}/khai-bao/")
    assert_no_horizontal_scroll(page)
    screenshot(page, "declare-form-360")

    fill_declaration(page)
    page.click("input[type=submit][name=submit]")
    page.wait_for_selector("#lookup-code")
    code = read_code(page)
    assert_code_and_qr_fit_one_screen(page)
    assert_no_horizontal_scroll(page)
    screenshot(page, "declare-success-360", full_page=False)

    page.goto(f"{live_server.url}/tra-cuu/")
    page.fill("#id_code", code.lower().replace("-", " "))
    page.fill("#id_phone_last4", "6789")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Lường Thị Mai")
    page.click("a[href='/khai-bao/cap-nhat/']")

    assert page.input_value("#id_full_name") == "Lường Thị Mai"
    assert page.input_value("#id_residence_commune") == PHUC_XA
    kept = page.locator("main p strong", has_text=code)  # "your code stays K7QX-3M9P": one line
    assert kept.bounding_box()["height"] < 1.5 * page.locator("main p").first.evaluate(
        "p => parseFloat(getComputedStyle(p).lineHeight)"
    )
    page.fill("#id_travel_date", timezone.localdate().isoformat())
    page.check("input[name=symptoms][value=cough]")
    page.check("#id_commitment")
    page.click("input[type=submit][name=submit]")
    page.wait_for_selector("#lookup-code")

    assert read_code(page) == code
    expect(page.locator(".risk-high")).to_have_count(1)
    assert hosts == {urlparse(live_server.url).netloc}, "a request left the site"
    person = Person.objects.get()
    assert person.declarations.count() == 2
    assert person.phone == "0983456789"


def test_the_plate_shows_only_with_a_means_that_has_one_and_the_seat_only_by_coach(
    live_server, places, phone_page
):
    """A car's plate is asked for and kept; on foot there is none to type (the server would
    drop it), and a seat is a coach's."""
    page = phone_page
    page.goto(f"{live_server.url}/khai-bao/")
    plate, seat = page.locator("#div_id_vehicle_plate"), page.locator("#div_id_seat")
    expect(plate).to_be_visible()

    page.select_option("#id_transport", "car")
    expect(plate).to_be_visible()
    expect(seat).to_be_hidden()
    page.select_option("#id_transport", "on_foot")
    expect(plate).to_be_hidden()
    page.select_option("#id_transport", "coach")
    expect(plate).to_be_visible()
    expect(seat).to_be_visible()
