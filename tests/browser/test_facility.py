"""A patient scans the hospital's QR on a phone; the hospital's staff see the visit, and
declare on the spot for a relative who has no smartphone."""

import re

import pytest
from playwright.sync_api import expect

from declarations.models import Declaration, MadeBy
from tests.browser.test_citizen_journey import fill_declaration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_qr_visit_shows_on_the_staff_list_and_staff_declare_for_a_relative(
    live_server, chromium, phone_page, facility, facility_worker, screenshot
):
    phone_page.goto(f"{live_server.url}/q/{facility.point.token}/")
    fill_declaration(phone_page)
    phone_page.check("input[name=visit_role][value=patient]")
    phone_page.select_option("#id_department", "Khoa Nhi")
    phone_page.click("input[type=submit][name=submit]")
    phone_page.wait_for_selector("#lookup-code")
    patient_code = phone_page.inner_text("#lookup-code").strip()

    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/co-so-y-te/")
    page.fill("#id_username", "hospital")
    page.fill("#id_password", "correct-horse-battery")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/co-so-y-te/")
    row = page.locator("tbody tr", has_text=patient_code)
    assert "Khoa Nhi" in row.inner_text()
    assert page.inner_text("#count-patients") == "1"
    screenshot(page, "facility-visitors", full_page=False)

    page.click("main a[href^='/co-so-y-te/khai-bao/']")
    fill_declaration(page)
    page.fill("#id_full_name", "Lường Văn Bình")
    page.check("input[name=visit_role][value=relative]")
    page.select_option("#id_department", "Khoa Nhi")
    with page.expect_navigation():
        page.click("input[type=submit][name=submit]")
    page.wait_for_selector(".alert-success")
    message = page.inner_text(".alert-success")
    code = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}", message).group()
    expect(page.locator("tbody tr", has_text=code)).to_have_count(1)
    assert page.inner_text("#count-relatives") == "1"
    declaration = Declaration.objects.get(visit_role="relative")
    assert (declaration.made_by, declaration.made_by_user) == (MadeBy.ON_BEHALF, facility_worker)
    screenshot(page, "facility-declared-for-relative", full_page=False)

    # On a phone every visitor's cells, the risk included, are on the screen: no sideways scroll.
    page.set_viewport_size({"width": 360, "height": 740})
    page.reload()
    rows = page.locator("table.visitor-table tbody tr")
    expect(rows).to_have_count(2)
    for row in rows.all():
        for cell in row.locator("td").all():
            box = cell.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 360, cell.inner_text()
        risk, name = row.locator("td.visitor-risk").bounding_box(), row.locator("td").nth(2)
        assert abs(risk["y"] - name.bounding_box()["y"]) < 20  # on the name's line
    screenshot(page, "facility-visitors-phone")
    context.close()


def test_the_visitors_page_waits_to_refresh_while_a_filter_is_being_chosen(
    live_server, log_in, facility, facility_worker
):
    page = log_in("hospital")
    page.clock.install()
    page.goto(f"{live_server.url}/co-so-y-te/")
    loads = []
    page.on("load", lambda _page: loads.append(page.url))

    page.focus("#id_khoa")
    page.clock.run_for(125_000)
    page.wait_for_timeout(500)  # time for a reload that should not come
    assert loads == []

    page.evaluate("document.activeElement.blur()")
    with page.expect_event("load"):
        page.clock.run_for(61_000)
    assert loads == [f"{live_server.url}/co-so-y-te/"]


def test_the_visitors_list_prints_whole_on_a4(
    live_server, log_in, facility, facility_worker, make_declaration
):
    """Printed, the list is as wide as an A4 page (about 718 CSS pixels between 12 mm margins):
    no column (the risk, who declared) is cut off at the right edge."""
    for number in range(3):
        make_declaration(
            point=facility.point,
            full_name=f"Nguyễn Thị Phương Thảo {number}",
            visit_role="relative",
            department="Khoa Truyền nhiễm",
        )
    page = log_in("hospital", viewport={"width": 718, "height": 1000})
    assert page.url == f"{live_server.url}/co-so-y-te/"
    page.emulate_media(media="print")

    table, main, page_width = page.evaluate(
        "() => [document.querySelector('table.visitor-table').scrollWidth,"
        " document.querySelector('main').clientWidth, document.documentElement.clientWidth]"
    )
    assert main >= page_width - 40
    assert table <= main
    assert not page.locator("[data-refresh-toggle]").is_visible()  # a button has no use on paper
    page.emulate_media(media="screen")
    assert page.locator("[data-refresh-toggle]").is_visible()
