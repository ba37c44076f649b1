"""A leader at a desk PC: logs in, opens the daily report, reads a figure, prints it to PDF."""

import pytest
from playwright.sync_api import expect

from checkpoints.models import Passage
from reports.counts import counts_refresh
from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_reads_the_report_and_prints_it_to_a_pdf(
    live_server, chromium, leader, make_declaration, checkpoint, screenshot
):
    for _i in range(3):
        make_declaration()
    declared = make_declaration(symptoms=("fever",))
    Passage.objects.create(
        person=declared.person, checkpoint=checkpoint, direction="in", outcome="allowed"
    )
    counts_refresh(days=2)

    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/bao-cao/")
    page.fill("#id_username", "leader")
    page.fill("#id_password", "correct-horse-battery")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/bao-cao/")

    total = page.locator("#province-total td")
    assert total.nth(0).inner_text() == "4"  # declarations
    assert total.nth(3).inner_text() == "1"  # high risk
    expect(page.locator("#by-checkpoint tbody tr", has_text=checkpoint.name)).to_have_count(1)
    assert declared.person.full_name not in page.content()
    screenshot(page, "leader-report", full_page=True)

    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    screenshot(page, "leader-report-print", full_page=True)
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "leader-report.pdf"
    page.pdf(path=str(path), format="A4", print_background=True)
    pdf = path.read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") >= 1
    context.close()
