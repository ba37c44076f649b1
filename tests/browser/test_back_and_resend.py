"""A citizen goes back from the success page and sends the form again: the browser draws the form
anew (a new one-time token) and puts the answers back. The lists below the province put back are
loaded for it, with the places chosen in them (kept in the tab when the form was sent), and the
same answers lead to the same declaration and code, not a second person (static/js/site.js sends
them with the first token)."""

import pytest
from playwright.sync_api import expect

from declarations.models import Declaration, Person
from tests.browser.test_citizen_journey import fill_declaration, read_code
from tests.conftest import BA_DINH, HA_NOI, LAI_CHAU_CITY, PHUC_XA, QUYET_THANG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_back_from_the_success_page_and_send_again_gives_the_same_code(
    live_server, places, phone_page
):
    page = phone_page
    page.goto(f"{live_server.url}/khai-bao/")
    fill_declaration(page)
    first_token = page.input_value("input[name=form_token]")
    page.click("input[type=submit][name=submit]")
    page.wait_for_selector("#lookup-code")
    code = read_code(page)

    page.go_back()
    page.wait_for_selector("#id_full_name")
    assert page.input_value("#id_full_name") == "Lường Thị Mai"  # put back by the browser
    assert page.input_value("input[name=form_token]") != first_token  # a new form
    assert page.input_value("#id_residence_province") == HA_NOI
    # The districts of Hà Nội, not of the province the form was first drawn with.
    expect(page.locator(f"#id_residence_district option[value='{BA_DINH}']")).to_have_count(1)
    expect_places_back(page)
    page.click("input[type=submit][name=submit]")
    page.wait_for_selector("#lookup-code")

    assert read_code(page) == code
    assert Person.objects.count() == 1
    assert Declaration.objects.count() == 1

    # Back again, for a relative this time: other answers make another person.
    page.go_back()
    page.wait_for_selector("#id_full_name")
    expect_places_back(page)
    page.fill("#id_full_name", "Lường Văn Nam")
    page.click("input[type=submit][name=submit]")
    page.wait_for_selector("#lookup-code")
    assert read_code(page) != code
    assert Person.objects.count() == 2


def expect_places_back(page):
    """Every place chosen comes back once its list is loaded again: none to choose again."""
    for field, value in [
        ("residence_district", BA_DINH),
        ("residence_commune", PHUC_XA),
        ("from_district", BA_DINH),
        ("to_district", LAI_CHAU_CITY),
        ("to_commune", QUYET_THANG),
    ]:
        expect(page.locator(f"#id_{field}")).to_have_value(value)
