"""On a 360px phone every radio and checkbox of the declaration forms is a finger's tap target."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MIN_HEIGHT = 44  # pixels, the usual smallest tap target


def tap_heights(page, selector: str) -> list[float]:
    """The height of what a tap on each of these inputs hits: the box, or its label."""
    heights = []
    for field in page.locator(selector).all():
        label = page.locator(f"label[for='{field.get_attribute('id')}']")
        heights.append(max(field.bounding_box()["height"], label.bounding_box()["height"]))
    return heights


def test_the_citizens_choices_are_44px_high(live_server, places, phone_page, screenshot):
    page = phone_page
    page.goto(f"{live_server.url}/khai-bao/")
    screenshot(page, "declare-form-choices-360")

    for name in ("sex", "symptoms", "exposures", "commitment"):
        heights = tap_heights(page, f"input[name={name}]")
        assert heights and min(heights) >= MIN_HEIGHT, (name, heights)
    assert page.locator("input[name=sex]").first.bounding_box()["width"] >= 20


def test_the_crews_choices_are_44px_high(live_server, chromium, operator, vehicle, screenshot):
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", "operator")
    page.fill("#id_password", "correct-horse-battery")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/nha-xe/")
    page.goto(f"{live_server.url}/nha-xe/xe/{vehicle.pk}/khai-ho/")

    for name in ("sex", "symptoms", "exposures"):
        heights = tap_heights(page, f"input[name={name}]")
        assert heights and min(heights) >= MIN_HEIGHT, (name, heights)
    screenshot(page, "crew-form-choices-360")
    context.close()
