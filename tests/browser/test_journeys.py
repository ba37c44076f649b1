"""One journey per role, through the real pages, in Chromium: the main task of each, from the
start page the role lands on. Each takes the screenshot of its role's page in the user guide
(static/guide/<slug>.png with SCREENSHOTS=1, test-artifacts/ otherwise).

The other browser tests go deeper into single features (the citizen's update, declaring for
passengers in a row, scanning at the desk, a case's chain, printing); these follow what each role
does first, and check that every start page leads to its guide.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import AuditEntry
from checkpoints.models import BusCheck, Checkpoint, Passage
from declarations.models import Declaration, MadeBy, Person, RiskFlag
from reports.counts import counts_rebuild
from tests.browser.conftest import lines_of_text
from tests.browser.test_citizen_journey import fill_declaration
from tests.conftest import LAI_CHAU_CITY, QUYET_THANG, TAM_DUONG, TAM_DUONG_TOWN
from tracing.models import Contact, FollowUp
from tracing.services import case_confirm
from transport.models import Vehicle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}")


def assert_guide_link(page, slug: str):
    """The staff menu, on every staff page, links to the guide of the user's role."""
    expect(page.locator(f".staff-menu a[href='/huong-dan/{slug}/']")).to_have_count(1)


def open_guide_from_menu(page, slug: str):
    page.click(f".staff-menu a[href='/huong-dan/{slug}/']")
    page.wait_for_url(re.compile(f"/huong-dan/{slug}/$"))
    screenshot = page.locator(f"main img[src$='/guide/{slug}.png']")
    assert screenshot.evaluate("image => image.complete && image.naturalWidth > 0")


# -- citizen -----------------------------------------------------------------------------------


def test_a_citizen_corrects_the_form_keeps_the_code_and_looks_it_up(
    live_server, places, phone_page, guide_screenshot
):
    page = phone_page
    page.goto(f"{live_server.url}/")
    page.click("main a[href='/khai-bao/']")
    page.wait_for_url(f"{live_server.url}/khai-bao/")

    # Sent empty: nothing is saved, and each missing answer says so next to its field.
    page.click("input[type=submit][name=submit]")
    page.wait_for_selector(".alert-danger")
    assert "Vui lòng sửa các mục" in page.inner_text(".alert-danger")
    assert "is-invalid" in page.get_attribute("#id_full_name", "class")
    assert "Vui lòng xác nhận cam kết" in page.inner_text("main form")
    assert Person.objects.count() == 0

    fill_declaration(page)
    page.click("input[type=submit][name=submit]")
    page.wait_for_selector("#lookup-code")
    code = page.inner_text("#lookup-code").strip()
    assert CODE.fullmatch(code)
    expect(page.locator("main svg.qr")).to_have_count(1)
    assert "Không có nguy cơ" in page.inner_text(".risk")
    guide_screenshot(page, "nguoi-dan")

    page.click("main a[href='/tra-cuu/']")
    page.fill("#id_code", code)
    page.fill("#id_phone_last4", "0000")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=không khớp với tờ khai nào")
    page.fill("#id_phone_last4", "6789")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/tra-cuu/to-khai/")
    assert page.inner_text("h1") == "Lường Thị Mai"
    expect(page.locator("main .list-group-item")).to_have_count(1)

    page.click("footer a[href='/huong-dan/nguoi-dan/']")
    page.wait_for_url(f"{live_server.url}/huong-dan/nguoi-dan/")
    shot = page.locator("main img[src$='/guide/nguoi-dan.png']")
    assert shot.evaluate("image => image.complete && image.naturalWidth > 0")


# -- bus operator ------------------------------------------------------------------------------


def test_an_operator_finds_yesterdays_list_downloads_it_and_replaces_a_lost_poster(
    live_server, operator, vehicle, other_vehicle, make_declaration, guide_screenshot, log_in
):
    Vehicle.objects.create(
        company=vehicle.company, plate="25B-013.55", seats=29, route="Lai Châu – Lào Cai"
    )
    today = timezone.localdate()
    for name, phone, seat in [
        ("Lò Thị Hoa", "0912345678", "3"),
        ("Vàng A Sình", "0987001122", "4"),
        ("Tòng Văn Ánh", "0377123456", "12"),
    ]:
        make_declaration(
            full_name=name,
            phone=phone,
            seat=seat,
            transport="coach",
            vehicle_plate=vehicle.plate,
            point=vehicle.point,
        )
    yesterday = make_declaration(
        full_name="Lường Văn Hôm Qua",
        transport="coach",
        vehicle_plate=vehicle.plate,
        point=vehicle.point,
        travel_date=today - timedelta(days=1),
    )
    Declaration.objects.filter(pk=yesterday.pk).update(
        submitted_at=timezone.now() - timedelta(days=1)
    )
    old_link = vehicle.point.public_path
    named(operator, "Vàng A Xe")

    page = log_in("operator")
    assert page.url == f"{live_server.url}/nha-xe/"
    assert_guide_link(page, "nha-xe")
    rows = page.locator("main tbody tr")
    expect(rows).to_have_count(2)  # their two coaches, not the other company's
    assert other_vehicle.plate not in page.inner_text("main")
    assert rows.filter(has_text=vehicle.plate).locator("td").nth(3).inner_text() == "3"

    page.click(f"main a:text-is('{vehicle.plate}')")
    page.click(f"main a[href='/nha-xe/xe/{vehicle.pk}/hanh-khach/']")
    assert page.inner_text("#manifest-count") == "3"
    guide_screenshot(page, "nha-xe")
    page.fill("#id_ngay", (today - timedelta(days=1)).isoformat())
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"\?ngay="))
    assert page.inner_text("#manifest-count") == "1"
    assert "Lường Văn Hôm Qua" in page.inner_text("table.passenger-table")
    with page.expect_download() as download:
        page.click("main a[href*='hanh-khach.xlsx']")
    assert download.value.suggested_filename.endswith(".xlsx")

    # The poster inside the coach was torn off and copied: a new QR, and the old one retires.
    page.goto(f"{live_server.url}/nha-xe/xe/{vehicle.pk}/")
    page.click("main details summary")
    with page.expect_navigation():
        page.click("main details button[type=submit]")
    page.wait_for_selector(".alert-success")
    page.click(f"main a[href='/nha-xe/xe/{vehicle.pk}/poster/']")
    page.wait_for_selector(".poster svg.qr")
    assert vehicle.plate in page.inner_text(".poster")
    vehicle.point.refresh_from_db()
    assert vehicle.point.public_path != old_link
    page.goto(f"{live_server.url}{old_link}")
    assert "không còn hiệu lực" in page.inner_text("h1")

    page.goto(f"{live_server.url}/nha-xe/")
    open_guide_from_menu(page, "nha-xe")


# -- checkpoint officer ------------------------------------------------------------------------


def test_an_officer_finds_a_traveller_by_name_flags_a_risk_and_declares_for_another(
    live_server, places, officer, checkpoint, citizen, guide_screenshot, log_in
):
    named(officer, "Lò Văn Chốt")
    page = log_in("officer")
    assert page.url == f"{live_server.url}/chot/"
    assert_guide_link(page, "chot-kiem-soat")

    # Typed without accents, the name still finds Lò Văn Minh.
    page.fill("#id_q", "lo van minh")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"\?q="))
    row = page.locator("main tbody tr", has_text=citizen.display_code)
    assert "Lò Văn Minh" in row.inner_text()
    row.locator("a").click()
    page.wait_for_url(f"{live_server.url}/c/{citizen.lookup_code}/")
    assert page.inner_text("h1") == "Lò Văn Minh"

    # A fever at the post: recorded as held, flagged for the health staff, asked to update.
    page.select_option("#id_direction", "in")
    page.fill("#id_vehicle_plate", "25b01234")
    page.select_option("#id_outcome", "held")
    page.fill("form[action$='/qua-chot/'] #id_note", "Sốt 38,5 °C, chuyển Trạm Y tế")
    with page.expect_navigation():
        page.click("button[name=record]")
    page.wait_for_selector(".alert-success")
    assert page.url == f"{live_server.url}/chot/"  # ready for the next traveller
    page.goto(f"{live_server.url}/c/{citizen.lookup_code}/")
    page.select_option("#id_level", "high")
    page.fill("#id_reason", "Thân nhiệt 38,5 °C khi qua chốt")
    with page.expect_navigation():
        page.click("form[action$='/nguy-co/'] button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert "risk-high" in page.get_attribute(".risk-banner", "class")
    assert "Thân nhiệt 38,5 °C" in page.inner_text("main")
    guide_screenshot(page, "chot-kiem-soat")
    with page.expect_navigation():
        page.click("form[action$='/yeu-cau-cap-nhat/'] button")
    page.wait_for_selector(".alert-warning")

    citizen.refresh_from_db()
    assert (citizen.risk_level, citizen.must_update) == ("high", True)
    assert RiskFlag.objects.get(person=citizen).flagged_by == officer
    assert Passage.objects.get(person=citizen).outcome == "held"

    # Another traveller never declared: the officer declares for her on the spot.
    page.goto(f"{live_server.url}/chot/")
    page.click("main a[href='/chot/khai-bao/']")
    fill_declaration(page)
    with page.expect_navigation():
        page.click("input[type=submit][name=submit]")
    page.wait_for_selector(".alert-success")
    declared = Person.objects.get(full_name="Lường Thị Mai")
    assert page.url == f"{live_server.url}/c/{declared.lookup_code}/"
    declaration = declared.declarations.get()
    assert (declaration.made_by, declaration.made_by_user) == (MadeBy.ON_BEHALF, officer)

    page.click(".staff-menu a[href='/chot/bang/']")
    assert page.inner_text("#count-declared") == "1"
    expect(page.locator("main tbody tr", has_text="Lò Văn Minh")).to_have_count(1)
    assert AuditEntry.objects.filter(username="officer").count() >= 4
    open_guide_from_menu(page, "chot-kiem-soat")


# -- staff of a health facility ----------------------------------------------------------------


def test_facility_staff_see_a_departments_visitors_and_open_one(
    live_server, facility, facility_worker, make_declaration, guide_screenshot, log_in
):
    named(facility_worker, "Quàng Thị Viện")
    visits = [
        ("Lò Thị Mai", "patient", "Khoa Nhi", ()),
        ("Lò Văn Bình", "relative", "Khoa Nhi", ()),
        ("Tòng Văn Hải", "patient", "Khoa Khám bệnh", ("cough",)),
        ("Vàng Thị Dua", "visitor", "Khoa Truyền nhiễm", ()),
    ]
    for name, role, department, symptoms in visits:
        make_declaration(
            full_name=name,
            point=facility.point,
            visit_role=role,
            department=department,
            symptoms=symptoms,
            to_district=LAI_CHAU_CITY,
            to_commune=QUYET_THANG,
        )

    page = log_in("hospital")
    assert page.url == f"{live_server.url}/co-so-y-te/"
    assert_guide_link(page, "co-so-y-te")
    assert page.inner_text("#count-visitors") == "4"
    assert page.inner_text("#count-risk") == "1"
    guide_screenshot(page, "co-so-y-te")

    page.select_option("#id_khoa", "Khoa Nhi")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"khoa="))
    rows = page.locator("main tbody tr")
    expect(rows).to_have_count(2)
    assert page.inner_text("#count-patients") == "1"
    assert page.inner_text("#count-relatives") == "1"
    rows.filter(has_text="Lò Văn Bình").locator("a").click()
    page.wait_for_url(re.compile(r"/c/[0-9A-Z]+/$"))
    assert page.inner_text("h1") == "Lò Văn Bình"

    page.goto(f"{live_server.url}/co-so-y-te/")
    page.click(f"main a[href='/co-so-y-te/{facility.pk}/poster/']")
    assert facility.name in page.inner_text(".poster")
    expect(page.locator(".poster svg")).to_have_count(1)
    page.goto(f"{live_server.url}/co-so-y-te/")
    open_guide_from_menu(page, "co-so-y-te")


# -- health staff ------------------------------------------------------------------------------


def test_a_health_worker_follows_up_a_person_at_risk_and_confirms_a_cases_contacts(
    live_server, health_worker, make_declaration, guide_screenshot, log_in
):
    named(health_worker, "Tòng Thị Y")
    bus = {"transport": "coach", "vehicle_plate": "25B-012.34"}
    feverish = make_declaration(full_name="Lò Văn Sốt", symptoms=("fever",), **bus).person
    coughing = make_declaration(full_name="Vàng Thị Ho", symptoms=("cough",)).person
    make_declaration(full_name="Lường Văn Vùng", exposures=("been_in_epidemic_area",))
    make_declaration(full_name="Điêu Thị Tiếp", exposures=("suspected_case",))
    make_declaration(full_name="Tòng Thị Đồng Hành", **bus)
    make_declaration(full_name="Sùng A Cùng Xe", seat="7", **bus)
    case = case_confirm(
        person=feverish,
        confirmed_on=timezone.localdate(),
        how_confirmed="RT-PCR dương tính, CDC tỉnh",
        isolated_at="Bệnh viện Đa khoa tỉnh",
        user=health_worker,
    )

    page = log_in("health")
    assert page.url == f"{live_server.url}/y-te/"
    assert_guide_link(page, "y-te")
    expect(page.locator("main tbody tr")).to_have_count(4)
    code = page.locator("main tbody tr td:first-child a").first  # K7QX-3M9P, on one line
    line = code.evaluate("a => parseFloat(getComputedStyle(a).lineHeight)")
    assert code.bounding_box()["height"] < 1.5 * line
    guide_screenshot(page, "y-te")

    page.select_option("#id_muc", "high")
    page.click("main form[role=search] button[type=submit]")
    page.wait_for_url(re.compile(r"muc=high"))
    rows = page.locator("main tbody tr")
    expect(rows).to_have_count(2)
    rows.filter(has_text="Vàng Thị Ho").locator(
        f"a[href^='/y-te/theo-doi/{coughing.lookup_code}/?next=']"
    ).click()
    page.wait_for_url(f"{live_server.url}/y-te/theo-doi/{coughing.lookup_code}/?next=*")
    page.select_option("#id_status", "contacted")
    page.fill("#id_note", "Đã gọi điện, hẹn lấy mẫu xét nghiệm sáng mai")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert page.inner_text("#follow-up-status") == "Đã liên hệ"
    assert "hẹn lấy mẫu" in page.inner_text("main table")
    assert FollowUp.objects.get(person=coughing).status == "contacted"
    with page.expect_navigation():  # back to the list as it was filtered
        page.click("#back-to-list")
    assert "/y-te/?" in page.url and "&muc=high&" in page.url

    # A citizen calls: the worker finds her by name typed without accents, from the risk list.
    page.goto(f"{live_server.url}/y-te/")
    page.fill("#id_tim", "vang thi ho")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.locator("main tbody tr", has_text="Vàng Thị Ho").locator("a").click()
    page.wait_for_url(f"{live_server.url}/c/{coughing.lookup_code}/")

    # The case's companions on the bus are proposed, with why; the worker confirms them all.
    page.click(".staff-menu a[href='/y-te/ca-benh/']")
    page.click(f"main a[href='/y-te/ca-benh/{case.pk}/'] >> nth=0")
    with page.expect_navigation():
        page.click("#propose-f1")
    page.wait_for_selector(".alert-success")
    expect(page.locator("main tr[id^=contact-]")).to_have_count(2)
    assert "25B-012.34" in page.inner_text("main tr[id^=contact-] >> nth=0")
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    with page.expect_navigation():
        page.click("main button[value=confirmed]:text-is('Xác nhận tất cả đề xuất')")
    assert questions == ["Xác nhận cả 2 F1 được đề xuất? Họ sẽ được theo dõi và có nguy cơ."]
    page.wait_for_selector(".alert-success")
    assert set(Contact.objects.filter(case=case).values_list("status", flat=True)) == {"confirmed"}
    assert FollowUp.objects.filter(person__full_name="Sùng A Cùng Xe").exists()

    page.click(f"main a[href='/y-te/ca-benh/{case.pk}/khoanh-vung/']")
    assert page.inner_text("#count-people") == "3"
    expect(page.locator(f"#commune-{TAM_DUONG_TOWN}")).to_have_count(1)
    open_guide_from_menu(page, "y-te")


# -- transport department ----------------------------------------------------------------------


def test_the_transport_department_finds_undeclared_passengers_and_adds_a_vehicle(
    live_server, transport_officer, checkpoint, vehicle, other_vehicle, guide_screenshot, log_in
):
    named(transport_officer, "Trần Văn Giao")
    now = timezone.now()
    for plate, found, undeclared, when in [
        (vehicle, vehicle.plate, 3, now - timedelta(hours=2)),
        (vehicle, vehicle.plate, 1, now - timedelta(days=3)),
        (None, "29B-999.99", 2, now - timedelta(days=1)),
        (other_vehicle, other_vehicle.plate, 5, now - timedelta(days=40)),
    ]:
        BusCheck.objects.create(
            checkpoint=checkpoint,
            vehicle=plate,
            vehicle_plate=found,
            at=when,
            on_list=20,
            on_board=18,
            undeclared=undeclared,
        )

    page = log_in("transport")
    assert page.url == f"{live_server.url}/nha-xe/"
    assert_guide_link(page, "giao-thong")
    expect(page.locator("main tbody tr")).to_have_count(2)  # every company's vehicles
    page.select_option("#id_nha_xe", label="Nhà xe Hưng Thành")
    page.click("main form button[type=submit]")
    expect(page.locator("main tbody tr")).to_have_count(1)

    page.click(".staff-menu a[href='/giao-thong/phat-hien/']")
    rows = page.locator("main tbody tr")
    expect(rows).to_have_count(2)  # the last 30 days
    assert rows.nth(0).locator("td").nth(3).inner_text() == "4"
    assert "Phương tiện chưa đăng ký" in page.inner_text("main ul")
    guide_screenshot(page, "giao-thong")
    page.fill("#id_start", (timezone.localdate() - timedelta(days=60)).isoformat())
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"start="))
    expect(rows).to_have_count(3)
    assert other_vehicle.plate in rows.nth(0).inner_text()
    with page.expect_download() as download:
        page.click("main a[href*='format=xlsx']")
    assert download.value.suggested_filename.endswith(".xlsx")
    rows.nth(0).locator("a").click()  # the checks behind the worst finding
    page.wait_for_url(re.compile(rf"/giao-thong/phat-hien/{re.escape(other_vehicle.plate)}/"))
    checks = page.locator("main tbody tr")
    expect(checks).to_have_count(1)
    assert checks.nth(0).locator("td").nth(5).inner_text() == "5"

    # A new coach of Hưng Thành, added in the administration, on the company's page.
    page.click(".staff-menu a[href='/admin/']")
    page.goto(f"{live_server.url}/admin/transport/buscompany/{vehicle.company_id}/change/")
    page.click(".inline-group .add-row a")
    row = page.locator(".inline-group tr.dynamic-vehicles").last
    row.locator("input[name$='-plate']").fill("25b 021.77")
    row.locator("input[name$='-seats']").fill("45")
    row.locator("input[name$='-route']").fill("Lai Châu – Điện Biên")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    page.goto(f"{live_server.url}/nha-xe/")
    expect(page.locator("main tbody tr", has_text="25B-021.77")).to_have_count(1)
    open_guide_from_menu(page, "giao-thong")


# -- leadership --------------------------------------------------------------------------------


def test_a_leader_reads_the_report_for_one_day_and_for_a_range(
    live_server, leader, checkpoint, make_declaration, guide_screenshot, log_in
):
    named(leader, "Hoàng Văn Đạo")
    today = timezone.localdate()
    per_day = [3, 5, 2, 6, 4, 7, 5]  # declarations submitted 6 days ago … today
    for days_ago, count in zip(range(6, -1, -1), per_day, strict=True):
        for n in range(count):
            to_city = n % 2 == 0
            declaration = make_declaration(
                symptoms=("fever",) if n == 0 and days_ago % 3 == 0 else (),
                to_district=LAI_CHAU_CITY if to_city else TAM_DUONG,
                to_commune=QUYET_THANG if to_city else TAM_DUONG_TOWN,
            )
            at = timezone.now() - timedelta(days=days_ago)
            Declaration.objects.filter(pk=declaration.pk).update(submitted_at=at)
            Passage.objects.create(
                person=declaration.person, checkpoint=checkpoint, direction="in", at=at
            )
    counts_rebuild(start=today - timedelta(days=13), end=today)

    page = log_in("leader")
    assert page.url == f"{live_server.url}/bao-cao/"
    assert_guide_link(page, "lanh-dao")
    total = page.locator("#province-total td")
    assert total.nth(0).inner_text() == str(sum(per_day))
    guide_screenshot(page, "lanh-dao")

    yesterday = today - timedelta(days=1)
    page.fill("#id_day", yesterday.isoformat())
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"day="))
    assert page.inner_text("#period").startswith(f"Ngày {yesterday:%d/%m/%Y}")
    assert total.nth(0).inner_text() == str(per_day[-2])

    page.fill("#id_day", "")
    page.fill("#id_start", (today - timedelta(days=2)).isoformat())
    page.fill("#id_end", today.isoformat())
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"start="))
    expect(page.locator("#by-day tbody tr")).to_have_count(3)
    assert total.nth(0).inner_text() == str(sum(per_day[-3:]))
    expect(page.locator("#by-checkpoint tbody tr", has_text=checkpoint.name)).to_have_count(1)

    # One district's days: every other declaration went to Tam Đường, the rest to the city.
    page.select_option("#id_district", label="Huyện Tam Đường")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(f"district={TAM_DUONG}"))
    assert "HUYỆN TAM ĐƯỜNG" in page.inner_text("h1")  # the title, in capitals
    assert page.locator("#day-total td").nth(0).inner_text() == str(
        sum(count // 2 for count in per_day[-3:])
    )
    assert total.nth(0).inner_text() == str(sum(per_day[-3:]))  # the province's, for comparison
    expect(page.locator("#chosen-district")).to_contain_text("Huyện Tam Đường")
    with page.expect_download() as download:
        page.click("main a[href*='format=csv']")
    assert download.value.suggested_filename.startswith("bao-cao-tam-duong-")
    page.select_option("#id_district", value="")

    page.fill("#id_start", today.isoformat())
    page.fill("#id_end", yesterday.isoformat())
    page.click("main form button[type=submit]")
    assert "Ngày bắt đầu phải trước ngày kết thúc" in page.inner_text("main .alert-danger")
    page.fill("#id_start", (today - timedelta(days=2)).isoformat())
    page.fill("#id_end", today.isoformat())
    page.click("main form button[type=submit]")
    with page.expect_download() as download:
        page.click("main a[href*='format=csv']")
    assert download.value.suggested_filename.endswith(".csv")
    open_guide_from_menu(page, "lanh-dao")


# -- administrator -----------------------------------------------------------------------------


def test_an_administrator_opens_a_checkpoint_and_gives_it_an_officer(
    live_server, chromium, administrator, checkpoint, guide_screenshot, log_in
):
    named(administrator, "Quản trị hệ thống")
    page = log_in("root")
    assert page.url == f"{live_server.url}/nhan-vien/"
    assert_guide_link(page, "quan-tri")
    expect(page.locator("main a.btn")).to_have_count(13)  # every staff page
    guide_screenshot(page, "quan-tri")

    # A new checkpoint, in the administration.
    page.click("main a[href='/admin/']")
    page.goto(f"{live_server.url}/admin/checkpoints/checkpoint/add/")
    page.fill("#id_name", "Chốt kiểm soát Pa Tần")
    page.select_option("#id_district", label="Huyện Sìn Hồ")  # the province's districts only
    page.fill("#id_road", "Quốc lộ 12")
    page.fill("#id_entering_direction", "Từ Điện Biên về Lai Châu")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    new_checkpoint = Checkpoint.objects.get(name="Chốt kiểm soát Pa Tần")

    # A new officer for it: an account, the checkpoint officers' group, and the checkpoint.
    page.goto(f"{live_server.url}/admin/auth/user/add/")
    page.fill("#id_username", "patan")
    page.fill("#id_password1", "Pa-Tan-2021-chot")
    page.fill("#id_password2", "Pa-Tan-2021-chot")
    page.click("input[name=_continue]")
    page.wait_for_selector("#id_first_name")
    page.fill("#id_first_name", "Lò Thị Pa")
    page.select_option("#id_groups_from", label="Cán bộ chốt kiểm soát")
    page.click("#id_groups_add")
    page.select_option("select[name$='-checkpoint']", str(new_checkpoint.pk))
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    officer = User.objects.get(username="patan")
    assert officer.groups.filter(name="checkpoint_officer").exists()
    assert officer.staff_profile.checkpoint == new_checkpoint

    # The officer can work at once: they land on the desk and their board is Pa Tần's.
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    officer_page = context.new_page()
    officer_page.goto(f"{live_server.url}/dang-nhap/")
    officer_page.fill("#id_username", "patan")
    officer_page.fill("#id_password", "Pa-Tan-2021-chot")
    officer_page.click("main button[type=submit]")
    officer_page.wait_for_url(f"{live_server.url}/chot/")
    officer_page.goto(f"{live_server.url}/chot/bang/")
    assert "Chốt kiểm soát Pa Tần" in officer_page.inner_text("h1")
    assert_guide_link(officer_page, "chot-kiem-soat")
    context.close()

    page.goto(f"{live_server.url}/nhan-vien/")
    open_guide_from_menu(page, "quan-tri")


def named(user, full_name: str):
    """Give a persona the full name that the staff menu shows."""
    user.first_name = full_name
    user.save(update_fields=["first_name"])


def test_plates_stay_on_one_line_in_the_transport_departments_tables(
    live_server, transport_officer, checkpoint, vehicle, log_in
):
    """25B-012.34 read as "25B-" / "012.34" in a narrow column."""
    BusCheck.objects.create(
        checkpoint=checkpoint,
        vehicle=vehicle,
        vehicle_plate=vehicle.plate,
        at=timezone.now(),
        on_list=20,
        on_board=18,
        undeclared=2,
    )
    page = log_in("transport")
    page.set_viewport_size({"width": 700, "height": 800})
    for path, plate in [
        ("/nha-xe/", "main tbody a.fw-bold"),
        ("/giao-thong/phat-hien/", "main tbody td:first-child"),
    ]:
        page.goto(f"{live_server.url}{path}")
        assert lines_of_text(page.locator(plate).first) == 1, path
