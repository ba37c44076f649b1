"""The citizen's pages pass axe-core (through axe-playwright-python) with no serious or critical
violation, on a phone, in Vietnamese and in English; the staff pages that show someone at high
risk, and some start pages, have none at all, on a desk PC."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from checkpoints.services import passage_record
from declarations.services import point_replace_token
from tests.browser.test_citizen_journey import fill_declaration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEVERE = {"serious", "critical"}
axe = Axe()


def severe_violations(page) -> list[str]:
    """axe's serious and critical findings on the page as it stands, one line each."""
    return [line for impact, line in _violations(page) if impact in SEVERE]


def all_violations(page) -> list[str]:
    """axe's findings of any impact on the page as it stands, one line each."""
    return [line for _impact, line in _violations(page)]


def _violations(page) -> list[tuple[str, str]]:
    return [
        (
            v["impact"],
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(" ".join(node["target"]) for node in v["nodes"]),
        )
        for v in axe.run(page).response["violations"]
    ]


@pytest.fixture
def check(phone_page):
    """Run axe on the page as it stands; collect what it finds under the page's name."""
    found: dict[str, list[str]] = {}

    def run(name: str):
        # After a click, the new page's elements can be there before its stylesheets: axe would
        # then judge the navigation bar's white buttons on a white page (a flaky CI failure).
        phone_page.wait_for_load_state("load")
        expect(phone_page.locator("html[lang]")).to_have_count(1)
        violations = severe_violations(phone_page)
        if violations:
            found[name] = violations

    run.found = found
    return run


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_citizen_pages_have_no_serious_accessibility_violation(
    live_server, places, vehicle, facility, phone_page, check, language
):
    page = phone_page
    base = live_server.url
    if language == "en":
        page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    retired = vehicle.point.token
    point_replace_token(point=vehicle.point)

    for name, path in [
        ("home", "/"),
        ("declaration form", "/khai-bao/"),
        ("lookup", "/tra-cuu/"),
        ("privacy notice", "/quyen-rieng-tu/"),
        ("retired poster", f"/q/{retired}/"),
        ("vehicle QR form", vehicle.point.public_path),
        ("facility QR form", facility.point.public_path),
        ("page not found", "/khong-co-trang-nay/"),
        ("user guides", "/huong-dan/"),
        ("citizen's guide", "/huong-dan/nguoi-dan/"),
    ]:
        page.goto(f"{base}{path}")
        check(name)

    page.goto(f"{base}/khai-bao/")
    page.click("input[type=submit][name=submit]")
    page.wait_for_selector(".invalid-feedback")
    check("declaration form with errors")

    page.goto(f"{base}/tra-cuu/")
    page.fill("#id_code", "K7QX-3M9P")
    page.fill("#id_phone_last4", "12")
    page.click("main button[type=submit]")
    page.wait_for_selector(".invalid-feedback, .alert-danger, .alert-block")
    check("lookup with errors")

    page.goto(f"{base}/khai-bao/")
    fill_declaration(page)
    page.click("input[type=submit][name=submit]")
    page.wait_for_selector("#lookup-code")
    check("success page")
    code = page.inner_text("#lookup-code").strip()

    page.goto(f"{base}/tra-cuu/")
    page.fill("#id_code", code)
    page.fill("#id_phone_last4", "6789")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/tra-cuu/to-khai/")
    check("your declarations")
    page.goto(f"{base}/khai-bao/cap-nhat/")
    check("update form")

    assert check.found == {}


def test_the_staff_pages_have_no_accessibility_violation(
    live_server, log_in, officer, checkpoint, health_worker, provincial_health_worker,
    facility_worker, facility, operator, vehicle, make_declaration,
):  # fmt: skip
    """The staff pages that show someone at high risk (their rows are pink, and their links and
    buttons must keep their contrast on it; the pages that refresh themselves can be paused)
    and the start pages: no violation at all, of any impact."""
    at_risk = make_declaration(symptoms=("fever",)).person
    passage_record(
        person=at_risk, checkpoint=checkpoint, officer=officer, direction="in", outcome="allowed"
    )
    make_declaration(
        full_name="Lò Thị Khám",
        symptoms=("cough",),
        phone="0912345678",
        point=facility.point,
        visit_role="patient",
        department="Khoa Khám bệnh",
    )
    at_risk_shown = [
        ("officer", ["/chot/bang/", at_risk.staff_path, f"/chot/?q={at_risk.phone}"]),
        ("health", ["/y-te/", f"/y-te/theo-doi/{at_risk.lookup_code}/"]),
        ("hospital", ["/co-so-y-te/"]),
    ]
    start_pages = [
        ("officer", ["/chot/"]),
        ("operator", ["/nha-xe/"]),
        ("cdc", ["/y-te/vung-dich/"]),
    ]
    found = {}
    for username, paths in at_risk_shown + start_pages:
        page = log_in(username)
        for path in paths:
            page.goto(f"{live_server.url}{path}")
            if (username, paths) in at_risk_shown:
                assert page.locator("tr.row-risk-high, .risk-banner.risk-high").count()
            if violations := all_violations(page):
                found[path] = violations
    assert found == {}
