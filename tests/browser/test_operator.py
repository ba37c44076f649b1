"""A bus operator on their phone: declares three passengers in a row, then prints the list."""

import re

import pytest
from playwright.sync_api import expect

from declarations.models import Person
from tests.browser.conftest import ARTIFACTS, lines_of_text
from tests.conftest import (
    BA_DINH,
    HA_NOI,
    LAI_CHAU_CITY,
    QUYET_THANG,
    TAM_DUONG,
    TAM_DUONG_TOWN,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSENGERS = [
    ("Lò Thị Mai", "1975", "female", "0912345678"),
    ("Vàng A Páo", "1968", "male", "0987654321"),
    ("Tòng Văn Ánh", "2001", "male", "0377123456"),
]
# A PDF page object, not the /Pages tree that holds them.
PDF_PAGE = re.compile(rb"/Type\s*/Page(?!s)")


def test_operator_declares_three_passengers_and_prints_the_list(
    live_server, chromium, operator, vehicle, screenshot
):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)

    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", "operator")
    page.fill("#id_password", "correct-horse-battery")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/nha-xe/")  # an operator lands on their vehicles

    page.goto(f"{live_server.url}/nha-xe/")
    page.click(f"text={vehicle.plate}")
    page.wait_for_url(f"{live_server.url}/nha-xe/xe/{vehicle.pk}/")
    screenshot(page, "operator-vehicle")
    page.click(f"a[href='/nha-xe/xe/{vehicle.pk}/khai-ho/']")
    page.wait_for_url(f"{live_server.url}/nha-xe/xe/{vehicle.pk}/khai-ho/")
    # The first passenger sets where they live, boarded and go to; the next ones keep it.
    page.select_option("#id_residence_district", TAM_DUONG)
    page.wait_for_selector(
        f"#id_residence_commune option[value='{TAM_DUONG_TOWN}']", state="attached"
    )
    page.select_option("#id_residence_commune", TAM_DUONG_TOWN)
    page.select_option("#id_from_province", HA_NOI)
    page.wait_for_selector(f"#id_from_district option[value='{BA_DINH}']", state="attached")
    page.select_option("#id_from_district", BA_DINH)
    page.select_option("#id_to_district", LAI_CHAU_CITY)
    page.wait_for_selector(f"#id_to_commune option[value='{QUYET_THANG}']", state="attached")
    page.select_option("#id_to_commune", QUYET_THANG)

    codes = []
    for seat, (name, year, sex, phone) in enumerate(PASSENGERS, start=1):
        expect(page.locator("#id_full_name")).to_be_focused()  # applied when next drawn
        page.keyboard.type(name)
        page.fill("#id_birth_year", year)
        page.check(f"input[name=sex][value={sex}]")
        page.fill("#id_phone", phone)
        page.fill("#id_seat", str(seat))
        page.click("#submit-id-submit")
        page.wait_for_url(re.compile(r"\?ma="))
        person = Person.objects.get(full_name=name)
        assert page.inner_text("#declared-code") == person.display_code
        assert page.input_value("#id_full_name") == ""
        assert page.input_value("#id_to_commune") == QUYET_THANG
        assert page.input_value("#id_from_district") == BA_DINH
        codes.append(person.display_code)
    screenshot(page, "operator-declare")
    # A mistake sends the form back with the cursor on the field marked, not on the name.
    expect(page.locator("#id_full_name")).to_be_focused()
    page.keyboard.type("Lò Văn Sai")
    page.fill("#id_birth_year", "1990")
    page.check("input[name=sex][value=male]")
    page.fill("#id_phone", "09123")
    page.click("#submit-id-submit")
    expect(page.locator("#id_phone.is-invalid")).to_be_focused()
    assert page.input_value("#id_full_name") == "Lò Văn Sai"

    page.goto(f"{live_server.url}/nha-xe/xe/{vehicle.pk}/hanh-khach/")
    rows = page.locator("table.passenger-table tbody tr")
    expect(rows).to_have_count(3)
    for row, (name, _year, _sex, phone), code in zip(rows.all(), PASSENGERS, codes, strict=True):
        text = row.inner_text()
        assert name in text and code in text
        assert f"{phone[:3]}*******" in text and phone[-4:] not in text
        # On the phone, each row is a block: the code on the name's line, inside the screen.
        name_box = row.locator("td.stacked-grow").bounding_box()
        code_box = row.locator("td.passenger-code").bounding_box()
        assert code_box["x"] + code_box["width"] <= 390
        assert abs(code_box["y"] - name_box["y"]) < name_box["height"]
    assert page.is_visible("button[data-print]")
    screenshot(page, "operator-manifest")

    # The print layout at the width of an A4 page inside its margins (186 mm at 96 dpi).
    page.set_viewport_size({"width": 703, "height": 1032})
    page.emulate_media(media="print")
    assert page.is_visible(".signatures")
    assert not page.is_visible("button[data-print]")
    screenshot(page, "operator-manifest-print")
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = page.pdf(path=str(ARTIFACTS / "operator-manifest.pdf"), format="A4")
    assert len(PDF_PAGE.findall(pdf)) == 1


def test_the_poster_fits_a_phone_screen_and_still_prints_on_one_a5_page(
    live_server, operator, vehicle, screenshot, log_in
):
    """An operator opens the QR poster on their phone: it fitted A5 (499 px), not the screen."""
    page = log_in("operator", viewport={"width": 360, "height": 740})
    page.goto(f"{live_server.url}/nha-xe/xe/{vehicle.pk}/poster/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the poster is {overflow}px wider than the phone"
    assert lines_of_text(page.locator("nav a").first) == 1  # "← Quay lại", not on 3 lines
    screenshot(page, "poster-360")
    qr = page.locator(".qr-box svg").bounding_box()
    assert qr["width"] > 250 and qr["x"] >= 0 and qr["x"] + qr["width"] <= 360
    pdf = page.pdf(format="A5", prefer_css_page_size=True, print_background=True)
    assert len(PDF_PAGE.findall(pdf)) == 1


def test_a_passengers_missing_sex_is_said_under_the_radios(
    live_server, operator, vehicle, log_in, phone_page
):
    """The inline radios turned red while their "This field is required." stayed hidden; on the
    citizen's form it sat beside the last choice, "Other"."""
    page = log_in("operator", viewport={"width": 360, "height": 740})
    page.goto(f"{live_server.url}/nha-xe/xe/{vehicle.pk}/khai-ho/")
    page.evaluate("document.querySelectorAll('form').forEach(f => f.noValidate = true)")
    page.fill("#id_full_name", "Lò Thị Mai")
    page.click("input[type=submit][name=submit]")
    expect(page.locator("#id_sex_error")).to_be_visible()

    phone_page.goto(f"{live_server.url}/khai-bao/")
    phone_page.evaluate("document.querySelectorAll('form').forEach(f => f.noValidate = true)")
    phone_page.click("input[type=submit][name=submit]")
    error = phone_page.locator("#id_sex_error")
    expect(error).to_be_visible()
    last_choice = phone_page.locator("#div_id_sex .form-check").last.bounding_box()
    assert error.bounding_box()["y"] >= last_choice["y"] + last_choice["height"]
