"""Health staff enter the contacts an investigation team reports: one by one on a desk PC with
the chained place selects, then a list from an Excel file, checked before it is imported."""

import os
import threading

import pytest
from openpyxl import Workbook

from tests.browser.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS
from tests.conftest import LAI_CHAU_CITY, QUYET_THANG, confirm_case
from tracing.contact_import import COLUMNS
from tracing.models import Contact, ContactLevel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def in_browser(steps):
    """Run ``steps(browser)`` in a thread of its own, with its own Playwright: the browser
    tests' Playwright, started once for the session, may be running in this thread already.
    The steps only drive the browser; the database is checked here, after them."""
    if not CHROMIUM.exists():
        reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    outcome = {}

    def run():
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
                )
                try:
                    outcome["value"] = steps(browser)
                finally:
                    browser.close()
        except BaseException as error:  # re-raised in the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def contacts_file(path, f1_code: str) -> None:
    workbook = Workbook()
    workbook.active.append([column.header for column in COLUMNS])
    cells = {
        "full_name": "Giàng A Sử",
        "birth_year": 2012,
        "sex": "Nam",
        "phone": "0977000222",
        "district": "Tam Đường",
        "commune": "Thị trấn Tam Đường",
        "level": "F2",
        "via": f1_code,
    }
    workbook.active.append([cells.get(column.attribute, "") for column in COLUMNS])
    workbook.save(path)


def test_a_health_worker_enters_contacts_one_by_one_then_imports_a_list(
    live_server, health_worker, citizen, tmp_path
):
    case = confirm_case(citizen)
    ARTIFACTS.mkdir(exist_ok=True)

    def steps(browser):
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}/dang-nhap/")
        page.fill("#id_username", "health")
        page.fill("#id_password", "correct-horse-battery")
        page.click("main button[type=submit]")
        page.wait_for_load_state()

        page.goto(f"{live_server.url}/y-te/ca-benh/{case.pk}/tiep-xuc/them/")
        page.fill("#id_full_name", "Giàng Thị Mỷ")
        page.fill("#id_birth_year", "1995")
        page.fill("#id_phone", "0977000111")
        page.check("input[name=sex][value=female]")
        page.select_option("#id_residence_district", LAI_CHAU_CITY)  # the communes follow
        page.wait_for_selector(
            f"#id_residence_commune option[value='{QUYET_THANG}']", state="attached"
        )
        page.select_option("#id_residence_commune", QUYET_THANG)
        page.click("input[type=submit][name=submit]")
        added = page.inner_text(".alert-success")
        commune_kept = page.input_value("#id_residence_commune")
        page.screenshot(path=str(ARTIFACTS / "contact-entry.png"))

        f1_code = added.rsplit(" ", 1)[-1].rstrip(".")
        contacts_file(tmp_path / "danh-sach.xlsx", f1_code)
        page.click(f"a[href='/y-te/ca-benh/{case.pk}/tiep-xuc/nhap/']")
        page.set_input_files("#id_file", str(tmp_path / "danh-sach.xlsx"))
        page.click("main button[type=submit]")
        preview = page.inner_text("#row-2")
        page.screenshot(path=str(ARTIFACTS / "contact-import-preview.png"))
        page.click("#confirm-import")
        page.wait_for_selector(".alert-success")
        return added, commune_kept, f1_code, preview

    added, commune_kept, f1_code, preview = in_browser(steps)

    f1 = Contact.objects.select_related("person").get(level=ContactLevel.F1)
    assert f1.person.display_code == f1_code and "Giàng Thị Mỷ" in added
    assert commune_kept == QUYET_THANG  # the next entry starts in the same commune
    assert "Giàng A Sử" in preview and "Giàng Thị Mỷ" in preview  # the F2, through the F1
    assert Contact.objects.get(level=ContactLevel.F2).via == f1
