"""A passenger scans the bus's QR on a phone; the poster prints on one A5 page."""

import re

import pytest
from playwright.sync_api import expect

from declarations.models import Declaration
from tests.browser.test_citizen_journey import assert_no_horizontal_scroll, fill_declaration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_a_passenger_declares_from_the_bus_qr_with_the_plate_filled(
    live_server, places, vehicle, phone_page, screenshot
):
    page = phone_page
    page.goto(f"{live_server.url}{vehicle.point.public_path}")
    assert_no_horizontal_scroll(page)
    plate = page.locator("#id_vehicle_plate")
    assert plate.input_value() == "25B-012.34"
    assert plate.is_disabled()
    screenshot(page, "vehicle-qr-form-360", full_page=False)

    fill_declaration(page, plate=None)
    page.click("input[type=submit][name=submit]")
    page.wait_for_selector("#lookup-code")

    declaration = Declaration.objects.get()
    assert (declaration.vehicle_plate, declaration.point_id) == ("25B-012.34", vehicle.point_id)
    assert "25B-012.34" in page.inner_text("main")


def test_a_passenger_with_a_code_updates_from_the_bus_qr(
    live_server, vehicle, citizen, phone_page, screenshot
):
    """Lò Văn Minh declared yesterday; on today's bus he scans its QR and updates instead."""
    page = phone_page
    page.goto(f"{live_server.url}{vehicle.point.public_path}")
    screenshot(page, "vehicle-qr-update-offer-360", full_page=False)
    page.click("#update-instead")
    page.fill("#id_code", citizen.display_code)
    page.fill("#id_phone_last4", "4321")
    page.click("main button[type=submit]")

    plate = page.locator("#id_vehicle_plate")
    assert (plate.input_value(), plate.is_disabled()) == ("25B-012.34", True)
    assert page.input_value("#id_full_name") == citizen.full_name
    screenshot(page, "vehicle-qr-update-form-360")  # once its stylesheets are in
    assert_no_horizontal_scroll(page)
    page.check("#id_commitment")
    page.click("input[type=submit][name=submit]")
    page.wait_for_selector("#lookup-code")

    assert page.inner_text("#lookup-code").strip() == citizen.display_code
    latest = citizen.declarations.newest_first().first()
    assert (citizen.declarations.count(), latest.point_id) == (2, vehicle.point_id)


def test_the_poster_prints_on_one_a5_page(live_server, chromium, officer, checkpoint):
    from tests.browser.conftest import ARTIFACTS

    context = chromium.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/dang-nhap/?next=/chot/{checkpoint.pk}/poster/")
    page.fill("#id_username", "officer")
    page.fill("#id_password", "correct-horse-battery")
    page.click("main button[type=submit]")
    page.wait_for_selector(".poster")
    page.emulate_media(media="print")
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = page.pdf(format="A5", prefer_css_page_size=True, print_background=True)
    (ARTIFACTS / "poster-a5.pdf").write_bytes(pdf)
    assert pdf_pages(pdf) == 1
    expect(page.locator(".poster svg.qr")).to_have_count(1)
    # Nothing is cut off at the foot of the A5 frame (it hides what overflows): the English
    # lines under the Vietnamese fit too.
    room = page.evaluate(
        """() => {
          const poster = document.querySelector('.poster');
          const padding = parseFloat(getComputedStyle(poster).paddingBottom);
          const bottom = poster.getBoundingClientRect().bottom - padding;
          return bottom - poster.lastElementChild.getBoundingClientRect().bottom;
        }"""
    )
    assert room >= 0
    context.close()
