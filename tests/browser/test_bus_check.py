"""An officer checks a bus: scans its plate, unticks an absent passenger, records the check."""

import uuid

import pytest
from playwright.sync_api import expect

from checkpoints.models import BusCheck, Passage
from declarations.services import declaration_submit
from tests.conftest import declaration_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_checks_a_bus_against_its_list(
    live_server, chromium, officer, vehicle, screenshot
):
    passengers = [
        declaration_submit(
            data=declaration_data(full_name=name, vehicle_plate=vehicle.plate, point=vehicle.point),
            token=uuid.uuid4(),
        ).person
        for name in ("Lường Thị Mai", "Tòng Văn Hải", "Vắng Mặt")
    ]
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/dang-nhap/?next=/chot/kiem-tra-xe/")
    page.fill("#id_username", "officer")
    page.fill("#id_password", "correct-horse-battery")
    page.click("main button[type=submit]")

    page.fill("#id_plate", "25b01234")
    page.keyboard.press("Enter")
    page.wait_for_selector("input[name=on_board]")
    expect(page.locator("input[name=on_board]:checked")).to_have_count(3)
    page.uncheck(f"#board-{passengers[2].pk}")
    page.fill("#id_undeclared", "1")
    screenshot(page, "bus-check", full_page=False)
    page.click("button[name=record]")
    page.wait_for_selector("#undeclared")

    assert page.inner_text("#on-board") == "2"
    assert page.inner_text("#undeclared") == "1"
    check = BusCheck.objects.get()
    assert {p.person for p in Passage.objects.filter(bus_check=check)} == set(passengers[:2])
    page.click("text=/Khai báo tại chốt|Declare on the spot/")
    assert page.input_value("#id_vehicle_plate") == "25B-012.34"
    context.close()
