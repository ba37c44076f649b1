"""An officer at the desk PC: logs in, scans a code, records a passage, sees it on the board."""

import re

import pytest
from playwright.sync_api import expect

from checkpoints.models import Passage
from declarations.models import RiskFlag
from tests.browser.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_scans_records_a_passage_and_sees_it_on_the_board(
    live_server, chromium, officer, citizen, screenshot
):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)

    page.goto(f"{live_server.url}/chot/")
    page.fill("#id_username", "officer")
    page.fill("#id_password", "correct-horse-battery")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/chot/")

    # A USB scanner types the QR's link, then Enter, into the focused box.
    # Chromium applies autofocus when it next draws the page, which can be after "load".
    expect(page.locator("#id_q")).to_be_focused()
    page.keyboard.type(f"{live_server.url}/c/{citizen.lookup_code}/")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/c/{citizen.lookup_code}/")
    assert citizen.full_name in page.inner_text("h1")
    screenshot(page, "desk-person", full_page=False)

    # The passage box has the focus: one Tab reaches its first field, past the menus.
    expect(page.locator("#record-passage")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#id_checkpoint")).to_be_focused()
    page.select_option("#id_direction", "in")
    page.fill("#id_vehicle_plate", "25b01234")
    with page.expect_navigation():
        page.click("button[name=record]")

    # Back at the desk, the cursor in the box: the next scan goes straight in.
    page.wait_for_url(f"{live_server.url}/chot/")
    expect(page.locator(".alert-success")).to_contain_text(citizen.display_code)
    expect(page.locator("#id_q")).to_be_focused()
    assert Passage.objects.filter(person=citizen, officer=officer).count() == 1

    page.goto(f"{live_server.url}/chot/bang/")
    row = page.locator("tbody tr", has_text=citizen.full_name)
    expect(row).to_have_count(1)
    assert "25B-012.34" in row.inner_text()
    assert page.inner_text("#count-in") == "1"
    screenshot(page, "desk-board", full_page=False)
    context.close()


def test_a_phone_typed_after_a_search_replaces_the_text_searched(
    live_server, log_in, officer, citizen
):
    page = log_in("officer")
    page.fill("#id_q", "nguyen thi")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    box = page.locator("#id_q")
    expect(box).to_be_focused()
    expect(box).to_have_value("nguyen thi")  # put back, selected

    page.keyboard.type(citizen.phone)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(box).to_have_value(citizen.phone)
    expect(page.locator("main tbody tr", has_text=citizen.display_code)).to_have_count(1)


def test_the_board_refreshes_itself_until_paused(live_server, log_in, officer):
    page = log_in("officer")
    page.clock.install()
    page.goto(f"{live_server.url}/chot/bang/")
    loads = []
    page.on("load", lambda _page: loads.append(page.url))

    with page.expect_event("load"):
        page.clock.run_for(31_000)
    assert loads == [f"{live_server.url}/chot/bang/"]

    toggle = page.locator("[data-refresh-toggle]")
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    assert toggle.inner_text() == "Tiếp tục tự cập nhật"
    page.clock.run_for(95_000)
    page.wait_for_timeout(500)  # time for a reload that should not come
    assert len(loads) == 1

    toggle.click()
    assert toggle.inner_text() == "Tạm dừng tự cập nhật"
    with page.expect_event("load"):
        page.clock.run_for(31_000)
    assert len(loads) == 2


def test_a_flag_sent_after_the_session_ended_leads_back_to_the_person_after_login(
    live_server, log_in, officer, citizen, settings
):
    page = log_in("officer")
    page.goto(f"{live_server.url}/c/{citizen.lookup_code}/")
    page.fill("#id_reason", "Sốt 38,5 độ")
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)  # the session ends meanwhile

    page.click("form[action$='/nguy-co/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/dang-nhap/\?next="))
    expect(page.locator("main .alert-info")).to_contain_text("phút không sử dụng")
    page.fill("#id_username", "officer")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")

    page.wait_for_url(f"{live_server.url}/c/{citizen.lookup_code}/")
    expect(page.locator(".alert-warning")).to_contain_text("Chưa lưu gì")
    assert not RiskFlag.objects.exists()


def test_a_code_scanned_on_a_persons_page_opens_the_next_person(
    live_server, log_in, officer, citizen, make_declaration
):
    """The passage box has the focus, not a field: the scanner's keys, the link and Enter,
    open the next traveller as they would at the desk, without going back to it by mouse."""
    other = make_declaration(full_name="Lò Thị Mai", phone="0912000111").person
    page = log_in("officer")
    page.goto(f"{live_server.url}/c/{citizen.lookup_code}/")
    expect(page.locator("#record-passage")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.type(f"{live_server.url}/c/{other.lookup_code}/")
        page.keyboard.press("Enter")
    assert page.url == f"{live_server.url}/c/{other.lookup_code}/"
    assert other.full_name in page.inner_text("h1")
    assert not Passage.objects.exists()

    # Typed into a field, the same keys stay in the field.
    page.fill("#id_note", "")
    page.keyboard.type(f"/c/{citizen.lookup_code}/")
    expect(page.locator("#id_note")).to_have_value(f"/c/{citizen.lookup_code}/")
