"""A provincial health worker at the desk PC: sees a person at risk, follows them up, marks them
as a confirmed case, has their bus companion proposed, confirms them and reads the chain."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from declarations.models import Person
from tracing.models import Case, Contact, FollowUp
from tracing.services import follow_up_update

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUS = "25B-012.34"


def test_a_health_worker_marks_a_person_at_risk_as_a_case_and_traces_the_bus_companion(
    live_server, chromium, provincial_health_worker, make_declaration, screenshot
):
    today = timezone.localdate()
    feverish = make_declaration(
        full_name="Lò Văn Sốt",
        symptoms=("fever",),
        transport="coach",
        vehicle_plate=BUS,
        travel_date=today,
    ).person
    companion = make_declaration(
        full_name="Tòng Thị Đồng Hành", transport="coach", vehicle_plate=BUS, travel_date=today
    ).person
    assert feverish.risk_level == "high"

    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/y-te/")
    page.fill("#id_username", "cdc")
    page.fill("#id_password", "correct-horse-battery")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/y-te/")

    # The risk list and the follow-up page (the risk pages of the tracing app).
    row = page.locator("tbody tr", has_text=feverish.display_code)
    expect(row).to_have_count(1)
    assert "Lò Văn Sốt" in row.inner_text()
    page.goto(f"{live_server.url}/y-te/theo-doi/{feverish.lookup_code}/")
    assert "Lò Văn Sốt" in page.inner_text("h1")
    screenshot(page, "health-follow-up", full_page=False)

    # The test came back positive: mark them as a case, by their code, from the list of cases.
    page.goto(f"{live_server.url}/y-te/ca-benh/")
    page.fill("#id_ma", feverish.display_code)
    page.click("main form[action='/y-te/ca-benh/moi/'] button[type=submit]")
    page.fill("#id_how_confirmed", "RT-PCR dương tính, CDC tỉnh")
    page.fill("#id_isolated_at", "Bệnh viện Đa khoa tỉnh, khoa Truyền nhiễm")
    with page.expect_navigation():  # the case is saved when the next page comes
        page.click("main button[type=submit]")
    case = Case.objects.get(person=feverish)
    page.wait_for_url(f"{live_server.url}/y-te/ca-benh/{case.pk}/")
    assert "Lò Văn Sốt" in page.inner_text("#case-name")

    # The data proposes the companion of the bus, with why.
    with page.expect_navigation():
        page.click("#propose-f1")
    page.wait_for_selector(".alert-success")
    contact = Contact.objects.get(case=case, person=companion)
    proposal = page.locator(f"#contact-{contact.pk}")
    assert "Tòng Thị Đồng Hành" in proposal.inner_text()
    assert BUS in proposal.inner_text()
    screenshot(page, "health-case-proposals")

    with page.expect_navigation():
        proposal.locator("button[value=confirmed]").click()
    page.wait_for_selector(".alert-success")
    contact.refresh_from_db()
    assert contact.status == "confirmed"
    assert FollowUp.objects.filter(person=companion).exists()

    page.click("#chain-link")
    page.wait_for_url(f"{live_server.url}/y-te/ca-benh/{case.pk}/chuoi/")
    assert "Tòng Thị Đồng Hành" in page.inner_html("svg")
    assert "Tòng Thị Đồng Hành" in page.inner_text(".chain-list")
    screenshot(page, "health-chain")
    context.close()


def test_a_follow_ups_notes_stay_readable_on_a_phone(
    log_in, live_server, health_worker, make_declaration
):
    person = make_declaration(symptoms=("fever",)).person
    note = "Cán bộ trạm y tế xã đã đến nhà, hướng dẫn đeo khẩu trang và hạn chế tiếp xúc."
    follow_up_update(follow_up=person.follow_up, user=health_worker, status="contacted", note=note)
    page = log_in("health", viewport={"width": 360, "height": 740})
    page.goto(f"{live_server.url}/y-te/theo-doi/{person.lookup_code}/")
    cell = page.locator("td.note-cell", has_text="Cán bộ trạm y tế xã")
    assert cell.bounding_box()["width"] >= 180  # not a column a word wide; the table scrolls


def test_a_district_health_worker_pages_through_the_risk_list_as_it_changes(
    log_in, live_server, health_worker, make_declaration, monkeypatch
):
    """Older goes on from the last person shown: someone further down who is updated meanwhile
    moves to the top, and nobody already seen comes back (with page numbers, "Người Sốt 3"
    would). Newer comes back, to the first page as it is now."""
    monkeypatch.setattr("tracing.risk_views.RESULTS_PER_PAGE", 2)
    people = [
        make_declaration(full_name=f"Người Sốt {n}", symptoms=("fever",)).person for n in range(5)
    ]  # of Tam Đường, newest last
    page = log_in("health", viewport={"width": 360, "height": 740})
    page.goto(f"{live_server.url}/y-te/")
    names = page.locator("tbody tr td:nth-child(2)")
    older, newer = page.get_by_role("link", name="Cũ hơn"), page.get_by_role("link", name="Mới hơn")

    # expect() waits for the page the link opens; a plain read could see the old page going.
    expect(names).to_have_text(["Người Sốt 4", "Người Sốt 3"])
    expect(newer).to_have_count(0)
    Person.objects.filter(pk=people[0].pk).update(updated_at=timezone.now())  # declared again
    older.click()
    expect(names).to_have_text(["Người Sốt 2", "Người Sốt 1"])
    expect(older).to_have_count(0)  # "Người Sốt 0" has moved to the top
    newer.click()
    expect(names).to_have_text(["Người Sốt 4", "Người Sốt 3"])
    newer.click()
    expect(names).to_have_text(["Người Sốt 0", "Người Sốt 4"])
    expect(newer).to_have_count(0)
