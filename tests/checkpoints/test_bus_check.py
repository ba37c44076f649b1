import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEntry
from checkpoints.bus_checks import bus_check_record, undeclared_findings
from checkpoints.models import BusCheck, Passage
from declarations.models import Declaration
from declarations.services import declaration_submit, point_replace_token
from tests.conftest import declaration_data


@pytest.fixture
def desk(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def board_passenger(vehicle):
    """Declare someone through the vehicle's QR today."""

    def board(name: str):
        data = declaration_data(full_name=name, vehicle_plate=vehicle.plate, point=vehicle.point)
        return declaration_submit(data=data, token=uuid.uuid4()).person

    return board


def test_a_plate_shows_todays_list_of_that_vehicle(desk, vehicle, board_passenger, other_vehicle):
    mai, lan = board_passenger("Lường Thị Mai"), board_passenger("Tòng Thị Lan")
    yesterday = board_passenger("Hôm Qua")
    Declaration.objects.filter(person=yesterday).update(
        submitted_at=timezone.now() - timedelta(days=1),
        travel_date=timezone.localdate() - timedelta(days=1),
    )
    # Declared on the ordinary form, not the bus's QR, with the plate typed: declared too.
    typed = declaration_data(
        full_name="Quàng Văn Gõ", transport="coach", vehicle_plate="25B-012.34", point=None
    )
    typed = declaration_submit(data=typed, token=uuid.uuid4()).person
    response = desk.get("/chot/kiem-tra-xe/", {"plate": "25b01234"})
    assert [d.person for d in response.context["passengers"]] == [mai, lan, typed]
    assert response.context["vehicle"] == vehicle


def test_scanning_the_vehicles_poster_shows_its_list(desk, vehicle, board_passenger):
    """A USB scanner reads the QR poster inside the bus: it types the poster's link."""
    mai = board_passenger("Lường Thị Mai")
    link = f"https://truyvet.example.vn{vehicle.point.public_path}"
    response = desk.get("/chot/kiem-tra-xe/", {"plate": link})
    assert response.context["plate"] == "25B-012.34"
    assert [d.person for d in response.context["passengers"]] == [mai]
    # A poster replaced since, still stuck in the bus, names the same vehicle.
    point_replace_token(point=vehicle.point)
    response = desk.get("/chot/kiem-tra-xe/", {"plate": link})
    assert response.context["plate"] == "25B-012.34"


def test_the_plate_box_is_drawn_empty_for_the_next_bus(desk, vehicle):
    """The next plate typed, or poster scanned, goes in front of the text in the box: the box is
    drawn empty, the plate shown kept aside for static/js/site.js to put back, selected."""
    html = desk.get("/chot/kiem-tra-xe/", {"plate": "25b01234"}).content.decode()
    box = re.search(r'<input type="text" name="plate"[^>]*>', html).group(0)
    assert 'value=""' in box
    assert 'data-previous="25B-012.34"' in box


def test_the_desk_reads_a_scanned_vehicle_poster_as_its_plate(desk, vehicle, board_passenger):
    mai = board_passenger("Lường Thị Mai")
    response = desk.get("/chot/", {"q": f"http://127.0.0.1:8000{vehicle.point.public_path}"})
    assert list(response.context["people"]) == [mai]


def test_after_the_check_the_cursor_is_on_the_next_step(desk, vehicle, board_passenger):
    """Enter declares the first undeclared passenger; with none, it checks another bus."""
    mai = board_passenger("Lường Thị Mai")
    sent = {"on_board": [mai.pk], "undeclared": "1", "direction": "in"}
    done = desk.post("/chot/kiem-tra-xe/?plate=25B-012.34", sent, follow=True)
    html = done.content.decode()
    assert re.search(r'<a [^>]*href="/chot/khai-bao/\?bien-so=25B-012.34"[^>]*autofocus', html)
    sent = {"on_board": [mai.pk], "undeclared": "0", "direction": "out"}
    done = desk.post("/chot/kiem-tra-xe/?plate=25B-012.34", sent, follow=True)
    assert re.search(r'<a href="/chot/kiem-tra-xe/"[^>]*autofocus', done.content.decode())


def test_the_bus_lists_entry_names_its_passengers(desk, vehicle, board_passenger):
    mai, lan = board_passenger("Lường Thị Mai"), board_passenger("Tòng Thị Lan")
    desk.get("/chot/kiem-tra-xe/", {"plate": "25B-012.34"})
    entry = AuditEntry.objects.get(action="view_list")
    assert set(entry.people_shown.split()) == {mai.lookup_code, lan.lookup_code}


def test_ticked_passengers_get_their_passages_in_one_action(
    desk, officer, checkpoint, vehicle, board_passenger
):
    mai, lan, _absent = (board_passenger(n) for n in ("Mai", "Lan", "Vắng Mặt"))
    response = desk.post(
        "/chot/kiem-tra-xe/?plate=25B-012.34",
        {"on_board": [mai.pk, lan.pk], "undeclared": "2", "direction": "in"},
    )
    check = BusCheck.objects.get()
    assert response["Location"] == f"/chot/kiem-tra-xe/{check.pk}/"
    assert (check.on_list, check.on_board, check.undeclared) == (3, 2, 2)
    assert (check.vehicle, check.checkpoint, check.officer) == (vehicle, checkpoint, officer)
    passages = Passage.objects.filter(bus_check=check)
    assert {p.person for p in passages} == {mai, lan}
    assert all(p.vehicle_plate == "25B-012.34" for p in passages)
    assert AuditEntry.objects.filter(action="record_passage").exists()
    done = desk.get(response["Location"]).content.decode()
    assert "/chot/khai-bao/?bien-so=25B-012.34" in done


def test_a_bus_checks_entry_names_the_passengers_recorded_on_board(desk, board_passenger):
    """Every passage is audited: the check's one entry holds the codes of those ticked on board,
    so that the log searched by a passenger's code finds the crossing."""
    mai, lan, _absent = (board_passenger(n) for n in ("Mai", "Lan", "Vắng Mặt"))
    check_bus(desk, mai, lan, undeclared="1")

    entry = AuditEntry.objects.get(action="record_passage")
    assert set(entry.people_shown.split()) == {mai.lookup_code, lan.lookup_code}


def test_people_not_on_the_list_cannot_be_ticked(desk, vehicle, board_passenger, citizen):
    board_passenger("Mai")
    desk.post(
        "/chot/kiem-tra-xe/?plate=25B-012.34",
        {"on_board": [citizen.pk], "undeclared": "0", "direction": "in"},
    )
    assert not BusCheck.objects.exists()
    assert not Passage.objects.exists()


def test_an_unregistered_plate_counts_everyone_as_undeclared(desk, places, checkpoint):
    desk.post("/chot/kiem-tra-xe/?plate=29A12345", {"undeclared": "7", "direction": "in"})
    check = BusCheck.objects.get()
    assert (check.vehicle, check.vehicle_plate, check.undeclared) == (None, "29A-123.45", 7)


def test_a_bad_plate_gets_a_message(desk, places, settings):
    settings.LANGUAGE_CODE = "en"
    response = desk.get("/chot/kiem-tra-xe/", {"plate": "hello"})
    assert response.context["plate_form"].errors["plate"]


def test_declaring_on_the_spot_after_a_check_fills_the_coach(desk, checkpoint):
    form = desk.get("/chot/khai-bao/?bien-so=25b01234").context["form"]
    assert (form.initial["vehicle_plate"], form.initial["transport"]) == ("25B-012.34", "coach")


def check(checkpoint, officer, plate, vehicle, undeclared, days_ago=0, hours_ago=0):
    made = bus_check_record(
        checkpoint=checkpoint,
        officer=officer,
        plate=plate,
        vehicle=vehicle,
        on_board=[],
        on_list=0,
        undeclared=undeclared,
    )
    at = timezone.now() - timedelta(days=days_ago, hours=hours_ago)
    BusCheck.objects.filter(pk=made.pk).update(at=at)
    return made


def test_findings_total_the_undeclared_by_vehicle_and_company(
    checkpoint, other_checkpoint, officer, vehicle, other_vehicle
):
    check(checkpoint, officer, vehicle.plate, vehicle, 3, hours_ago=3)  # another crossing
    check(other_checkpoint, officer, vehicle.plate, vehicle, 2, days_ago=2)
    check(checkpoint, officer, other_vehicle.plate, other_vehicle, 1)
    check(checkpoint, officer, vehicle.plate, vehicle, 0)
    check(checkpoint, officer, vehicle.plate, vehicle, 9, days_ago=40)
    today = timezone.localdate()

    rows = undeclared_findings(today - timedelta(days=29), today)

    assert [(r.plate, r.company, r.checks, r.undeclared) for r in rows] == [
        ("25B-012.34", "Nhà xe Hưng Thành", 2, 5),
        ("25B-555.66", "Nhà xe Sơn Hà", 1, 1),
    ]
    assert rows[0].checkpoints == "Chốt Km 15 QL4D, Chốt Pa So"


def test_the_transport_department_reads_and_exports_findings(
    client, transport_officer, checkpoint, officer, vehicle
):
    from datetime import datetime
    from io import BytesIO

    from openpyxl import load_workbook

    check(checkpoint, officer, vehicle.plate, vehicle, 4)
    client.force_login(transport_officer)
    page = client.get("/giao-thong/phat-hien/")
    assert page.context["total_undeclared"] == 4
    export = client.get("/giao-thong/phat-hien/", {"format": "xlsx"})
    sheet = load_workbook(BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.values)
    assert rows[1][:4] == ("25B-012.34", "Nhà xe Hưng Thành", 1, 4)
    assert isinstance(rows[1][5], datetime)  # the last finding as a date, which sorts
    assert sheet.title.startswith("Chưa khai báo ")
    assert AuditEntry.objects.filter(action="export").exists()


@pytest.mark.parametrize(("language", "word"), [("vi", "Chưa khai báo"), ("en", "Undeclared")])
def test_the_findings_sheet_is_titled_with_both_whole_dates(
    client, settings, transport_officer, language, word
):
    from io import BytesIO

    from openpyxl import load_workbook

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(transport_officer)
    export = client.get(
        "/giao-thong/phat-hien/", {"format": "xlsx", "start": "2026-11-07", "end": "2026-12-06"}
    )
    sheet = load_workbook(BytesIO(b"".join(export.streaming_content))).active
    assert sheet.title == f"{word} 07-11-26–06-12-26"


@pytest.mark.parametrize("persona", ["operator", "leader", "officer"])
def test_findings_are_for_the_transport_department(request, client, places, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/giao-thong/phat-hien/").status_code == 403


def test_a_bad_range_gets_a_message_not_an_error(client, transport_officer):
    client.force_login(transport_officer)
    response = client.get("/giao-thong/phat-hien/", {"start": "2026-02-30", "end": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_a_finding_opens_the_checks_behind_it(
    client, transport_officer, checkpoint, other_checkpoint, officer, vehicle, other_vehicle
):
    check(checkpoint, officer, vehicle.plate, vehicle, 9, days_ago=40)
    check(checkpoint, officer, vehicle.plate, vehicle, 3)
    check(other_checkpoint, officer, vehicle.plate, vehicle, 0, days_ago=1)
    check(checkpoint, officer, other_vehicle.plate, other_vehicle, 5)
    client.force_login(transport_officer)
    findings = client.get("/giao-thong/phat-hien/").content.decode()
    assert "/giao-thong/phat-hien/25B-012.34/?start=" in findings

    page = client.get("/giao-thong/phat-hien/25B-012.34/")

    assert [(c.checkpoint.name, c.undeclared) for c in page.context["checks"]] == [
        (checkpoint.name, 3),
        (other_checkpoint.name, 0),
    ]
    assert page.context["total_undeclared"] == 3
    assert "Nhà xe Hưng Thành" in page.content.decode()
    assert officer.get_full_name() in page.content.decode()


def test_the_checks_behind_a_finding_follow_the_range_and_the_plate_as_typed(
    client, transport_officer, checkpoint, officer, vehicle
):
    check(checkpoint, officer, vehicle.plate, vehicle, 9, days_ago=40)
    client.force_login(transport_officer)
    today = timezone.localdate()
    start = today - timedelta(days=45)

    page = client.get("/giao-thong/phat-hien/25b01234/", {"start": start, "end": today})

    assert [c.undeclared for c in page.context["checks"]] == [9]
    bad = client.get("/giao-thong/phat-hien/25b01234/", {"start": "x", "end": today})
    assert bad.status_code == 200 and bad.context["form"].errors
    assert client.get("/giao-thong/phat-hien/not-a-plate/").status_code == 404


@pytest.mark.parametrize("persona", ["operator", "officer"])
def test_the_checks_behind_a_finding_are_for_the_transport_department(
    request, client, places, persona
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/giao-thong/phat-hien/25B-012.34/").status_code == 403


def check_bus(desk, *people, direction="in", undeclared="0"):
    """Send the bus check of 25B-012.34 with ``people`` ticked; the page it leads to."""
    response = desk.post(
        "/chot/kiem-tra-xe/?plate=25B-012.34",
        {"on_board": [p.pk for p in people], "undeclared": undeclared, "direction": direction},
    )
    return desk.get(response["Location"])


def test_the_same_bus_checked_again_is_one_check_and_one_crossing_each(desk, board_passenger):
    """Checked again 20 minutes later (Lan forgotten, a recount): one check, which takes Lan
    and the latest count of undeclared passengers, and one crossing each."""
    mai, lan = board_passenger("Mai"), board_passenger("Lan")
    check_bus(desk, mai, undeclared="1")

    again = check_bus(desk, mai, lan, undeclared="2")

    assert sorted(Passage.objects.values_list("person__full_name", flat=True)) == ["Lan", "Mai"]
    check = BusCheck.objects.get()
    assert (check.on_board, check.undeclared) == (2, 2)
    assert (again.context["recorded"], again.context["already"]) == (2, 0)
    assert "Xe này đã được kiểm tra tại chốt lúc" in again.content.decode()
    assert desk.get("/chot/bang/").context["counts"]["entering"] == 2


def test_a_check_sent_again_after_back_counts_the_bus_once_in_the_findings(desk, board_passenger):
    """Back draws the form with a new token: sent again, it is still the same crossing."""
    mai = board_passenger("Mai")
    check_bus(desk, mai, undeclared="2")
    check_bus(desk, mai, undeclared="2")

    today = timezone.localdate()
    assert [(f.checks, f.undeclared) for f in undeclared_findings(today, today)] == [(1, 2)]


def test_the_list_shows_who_passed_today_and_leaves_them_unticked(desk, board_passenger):
    mai, lan = board_passenger("Mai"), board_passenger("Lan")
    check_bus(desk, mai)
    passed_at = timezone.localtime(Passage.objects.get().at)

    html = desk.get("/chot/kiem-tra-xe/", {"plate": "25B-012.34"}).content.decode()

    assert f'value="{mai.pk}" id="board-{mai.pk}">' in html  # not ticked
    assert f'value="{lan.pk}" id="board-{lan.pk}" checked>' in html
    assert f'<td class="passed-today">{passed_at:%H:%M} · Vào tỉnh</td>' in html
    assert "Hành khách đã qua chốt hôm nay không được đánh dấu sẵn" in html


def test_a_return_trip_or_a_crossing_hours_later_is_recorded(desk, board_passenger):
    mai = board_passenger("Mai")
    check_bus(desk, mai)
    check_bus(desk, mai, direction="out")  # the return trip
    Passage.objects.update(at=timezone.now() - timedelta(hours=3))
    check_bus(desk, mai)

    directions = Passage.objects.order_by("id").values_list("direction", flat=True)
    assert list(directions) == ["in", "out", "in"]


def test_a_bus_check_sent_twice_is_one_check_in_the_findings(desk, board_passenger):
    """A double tap or a retry sends the same form twice: one check, its undeclared once."""
    mai = board_passenger("Mai")
    form = {"on_board": [mai.pk], "undeclared": "3", "direction": "in"}
    token = str(uuid.uuid4())

    first = desk.post("/chot/kiem-tra-xe/?plate=25B-012.34", form | {"form_token": token})
    second = desk.post("/chot/kiem-tra-xe/?plate=25B-012.34", form | {"form_token": token})

    check = BusCheck.objects.get()
    assert first["Location"] == second["Location"] == f"/chot/kiem-tra-xe/{check.pk}/"
    today = timezone.localdate()
    assert [f.undeclared for f in undeclared_findings(today, today)] == [3]
    page = desk.get("/chot/kiem-tra-xe/", {"plate": "25B-012.34"}).content.decode()
    assert 'name="form_token"' in page


def test_a_bus_check_and_a_passage_are_named_in_the_provinces_time(
    checkpoint, officer, vehicle, citizen
):
    """The admin's "Bus check" list of choices read 05:33 for a check at 12:33 (UTC)."""
    from datetime import UTC, datetime

    at = datetime(2026, 12, 6, 5, 33, tzinfo=UTC)  # 12:33 in Việt Nam
    made = check(checkpoint, officer, vehicle.plate, vehicle, 1)
    BusCheck.objects.filter(pk=made.pk).update(at=at)
    passage = Passage.objects.create(person=citizen, checkpoint=checkpoint, officer=officer)
    Passage.objects.filter(pk=passage.pk).update(at=at)

    assert str(BusCheck.objects.get(pk=made.pk)).endswith("06/12/2026 12:33")
    assert str(Passage.objects.get(pk=passage.pk)).endswith("06/12/2026 12:33")


def test_a_plate_registered_after_it_was_found_is_one_finding_of_its_company(
    client, transport_officer, checkpoint, officer, company
):
    """The department registers a coach found carrying undeclared passengers, to act on its
    company: its earlier checks (no vehicle then) and the later ones make one finding, the
    company's, with the totals the plate's page gives."""
    from transport.models import Vehicle

    check(checkpoint, officer, "25B-777.88", None, 2, days_ago=3)
    registered = Vehicle.objects.create(company=company, plate="25B-777.88")
    check(checkpoint, officer, "25B-777.88", registered, 1, days_ago=1)
    today = timezone.localdate()

    rows = undeclared_findings(today - timedelta(days=29), today)

    assert [(r.plate, r.company, r.checks, r.undeclared) for r in rows] == [
        ("25B-777.88", "Nhà xe Hưng Thành", 2, 3)
    ]
    client.force_login(transport_officer)
    page = client.get("/giao-thong/phat-hien/25B-777.88/")
    assert page.context["total_undeclared"] == 3


def test_a_finding_of_a_plate_no_company_has_says_so_on_the_page_and_in_the_sheet(
    client, transport_officer, checkpoint, officer
):
    from io import BytesIO

    from openpyxl import load_workbook

    check(checkpoint, officer, "25B-777.88", None, 2)
    client.force_login(transport_officer)
    page = client.get("/giao-thong/phat-hien/").content.decode()
    assert "<td>Chưa đăng ký</td>" in page
    export = client.get("/giao-thong/phat-hien/", {"format": "xlsx"})
    rows = list(load_workbook(BytesIO(b"".join(export.streaming_content))).active.values)
    assert rows[1][:2] == ("25B-777.88", "Chưa đăng ký")
