"""Switching the language half-way through a form keeps what was typed (static/js/site.js)."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_citizen_journey import choose
from tests.conftest import BA_DINH, HA_NOI, PHUC_XA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_switching_to_english_mid_form_keeps_the_answers(live_server, places, phone_page):
    page = phone_page
    page.goto(f"{live_server.url}/khai-bao/")
    page.fill("#id_full_name", "Lường Thị Mai")
    page.fill("#id_birth_year", "1992")
    page.check("input[name=sex][value=female]")
    page.fill("#id_phone", "0983456789")
    choose(page, "residence_province", HA_NOI)
    choose(page, "residence_district", BA_DINH)
    choose(page, "residence_commune", PHUC_XA)
    page.check("input[name=symptoms][value=cough]")

    page.click("form.language-switch button[value=en]")
    page.wait_for_selector("html[lang=en]")

    expect(page.locator("#id_full_name")).to_have_value("Lường Thị Mai")
    expect(page.locator("#id_birth_year")).to_have_value("1992")
    expect(page.locator("input[name=sex][value=female]")).to_be_checked()
    expect(page.locator("#id_phone")).to_have_value("0983456789")
    expect(page.locator("input[name=symptoms][value=cough]")).to_be_checked()
    expect(page.locator("#id_residence_province")).to_have_value(HA_NOI)
    expect(page.locator("#id_residence_district")).to_have_value(BA_DINH)
    expect(page.locator("#id_residence_commune")).to_have_value(PHUC_XA)

    # Put back once: the same page opened again later is blank.
    page.goto(f"{live_server.url}/khai-bao/")
    expect(page.locator("#id_full_name")).to_have_value("")
