"""A vehicle's passenger list for a day: who declared with its QR or its plate, once per person."""

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone, translation

from declarations.models import Declaration, MadeBy
from declarations.services import declaration_submit
from tests.conftest import LAI_CHAU, LAI_CHAU_CITY, QUYET_THANG, declaration_data
from transport.manifest import manifest_declarations, manifest_rows, mask_phone, passenger_counts
from transport.services import PassengerData, passenger_declare

HANOI_TIME = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 15, 0, tzinfo=HANOI_TIME)


@pytest.fixture
def board(vehicle, make_declaration):
    """A passenger boarding ``vehicle`` (or another, given ``on``) at a given time."""

    def board(*, on=None, at=None, person=None, **changes):
        on = on or vehicle
        values = {"point": on.point, "transport": "coach", "vehicle_plate": on.plate, **changes}
        declaration = make_declaration(person=person, **values)
        if at is not None:  # declarations are immutable; only a test moves one in time
            Declaration.objects.filter(pk=declaration.pk).update(submitted_at=at)
        return declaration

    return board


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


def at(hour, minute=0, day=TODAY):
    return datetime.combine(day, datetime.min.time(), tzinfo=HANOI_TIME).replace(
        hour=hour, minute=minute
    )


@time_machine.travel(NOW, tick=False)
def test_the_list_holds_the_days_passengers_of_this_vehicle_in_boarding_order(
    vehicle, other_vehicle, board
):
    second = board(full_name="Hai", at=at(9))
    first = board(full_name="Một", at=at(0, 5))  # 17:05 UTC the day before
    # The QR form dates the journey the day it is sent.
    yesterday, tomorrow = date(2026, 3, 9), date(2026, 3, 11)
    board(
        full_name="Hôm Qua",
        travel_date=yesterday,
        at=datetime(2026, 3, 9, 23, 59, tzinfo=HANOI_TIME),
    )
    board(full_name="Ngày Mai", travel_date=tomorrow, at=datetime(2026, 3, 11, tzinfo=HANOI_TIME))
    board(full_name="Xe Khác", on=other_vehicle, at=at(10))
    # The ordinary form with the vehicle's plate and today as the travel date: declared too.
    typed = board(full_name="Không Quét QR", point=None, at=at(11))
    board(full_name="Đi Ngày Mai", point=None, travel_date=tomorrow, at=at(12))

    assert manifest_declarations(vehicle, TODAY) == [first, second, typed]


@time_machine.travel(NOW, tick=False)
def test_the_list_runs_by_seat_as_people_read_them_and_those_without_a_seat_last(vehicle, board):
    """An officer ticks a coach seat by seat: B08, B02, A03 in boarding order is hard to follow."""
    seats = ["B08", "", "b2", "A10", "A03", "14", "A3", ""]
    boarded = [
        board(full_name=f"Khách {n}", seat=seat, at=at(8, n)) for n, seat in enumerate(seats)
    ]
    listed = [d.seat for d in manifest_declarations(vehicle, TODAY)]
    assert listed == ["14", "A03", "A3", "A10", "b2", "B08", "", ""]
    no_seat = [d for d in manifest_declarations(vehicle, TODAY) if not d.seat]
    assert no_seat == [boarded[1], boarded[7]]  # in boarding order


@time_machine.travel(NOW, tick=False)
def test_a_passenger_who_declared_twice_is_listed_once_with_the_latest_declaration(vehicle, board):
    morning = board(full_name="Lò Văn Minh", at=at(7))
    other = board(full_name="Tòng Thị Ánh", at=at(8))
    again = board(person=morning.person, at=at(9), symptoms=("cough",))

    listed = manifest_declarations(vehicle, TODAY)

    assert listed == [other, again]
    assert listed[1].risk_level == "high"


@time_machine.travel(NOW, tick=False)
def test_yesterdays_list_is_read_with_the_date_in_the_address(operator_client, vehicle, board):
    board(full_name="Hôm Qua", at=at(20, day=date(2026, 3, 9)), travel_date=date(2026, 3, 9))
    board(full_name="Hôm Nay", at=at(8))

    response = operator_client.get(f"/nha-xe/xe/{vehicle.pk}/hanh-khach/?ngay=2026-03-09")

    names = [row.person.full_name for row in response.context["rows"]]
    assert names == ["Hôm Qua"]
    assert response.context["day"] == date(2026, 3, 9)


@pytest.mark.parametrize(
    "asked", ["hôm-qua", "2026-02-30", "2026-03-14", "1999-01-01", "0001-01-01"]
)
@time_machine.travel(NOW, tick=False)
def test_a_bad_or_out_of_range_date_shows_today_with_a_message(
    operator_client, vehicle, board, asked
):
    board(full_name="Hôm Nay", at=at(8))

    response = operator_client.get(f"/nha-xe/xe/{vehicle.pk}/hanh-khach/", {"ngay": asked})

    assert response.status_code == 200
    assert response.context["day"] == TODAY
    assert [row.person.full_name for row in response.context["rows"]] == ["Hôm Nay"]
    assert [m.level_tag for m in response.context["messages"]] == ["warning"]


@time_machine.travel(NOW, tick=False)
def test_the_list_of_a_day_ahead_holds_those_who_declared_their_journey_for_it(
    operator_client, vehicle, board
):
    """Citizens may declare a journey up to 3 days ahead, with the plate of their coach."""
    board(full_name="Hôm Nay", at=at(8))
    board(full_name="Ngày Kia", point=None, travel_date=date(2026, 3, 13), at=at(9))

    response = operator_client.get(f"/nha-xe/xe/{vehicle.pk}/hanh-khach/", {"ngay": "2026-03-13"})

    assert response.context["day"] == date(2026, 3, 13)
    assert [row.person.full_name for row in response.context["rows"]] == ["Ngày Kia"]
    assert not list(response.context["messages"])


def test_the_page_shows_each_passenger_with_a_masked_phone_and_the_code(
    operator_client, vehicle, board
):
    declaration = board(full_name="Lò Văn Minh", phone="0987654321", seat="7")

    html = operator_client.get(f"/nha-xe/xe/{vehicle.pk}/hanh-khach/").content.decode()

    assert "Lò Văn Minh" in html
    assert "098*******" in html and "21" not in html.split("098*******")[1][:40]
    assert "0987654321" not in html
    assert declaration.person.display_code in html
    assert vehicle.company.name in html
    assert "Lai Châu – Hà Nội" in html
    assert 'class="signatures d-none d-print-flex"' in html
    assert "data-print" in html


def test_masking_hides_every_one_of_the_last_digits():
    """The last four are the citizen's second factor at /tra-cuu/, with the code beside them:
    two of them shown left 100 guesses."""
    assert mask_phone("0912345678") == "091*******"
    assert mask_phone("") == ""


def test_the_list_page_costs_the_same_queries_for_three_or_thirty_passengers(
    operator_client, vehicle, board, django_assert_max_num_queries
):
    for number in range(3):
        board(full_name=f"Hành Khách {number}")
    operator_client.get(f"/nha-xe/xe/{vehicle.pk}/hanh-khach/")  # keeps access, renews session
    with django_assert_max_num_queries(10) as few:
        operator_client.get(f"/nha-xe/xe/{vehicle.pk}/hanh-khach/")

    for number in range(27):
        board(full_name=f"Hành Khách Thêm {number}")
    with django_assert_max_num_queries(10) as many:
        response = operator_client.get(f"/nha-xe/xe/{vehicle.pk}/hanh-khach/")

    assert len(response.context["rows"]) == 30
    assert len(many.captured_queries) == len(few.captured_queries)


@time_machine.travel(NOW, tick=False)
def test_the_vehicles_count_the_same_passengers_as_their_lists(
    vehicle, other_vehicle, board, operator_client
):
    first = board(full_name="Một", at=at(8))
    board(full_name="Một", person=first.person, at=at(9))  # declared again: counted once
    board(full_name="Gõ Biển Số", point=None, at=at(10))
    board(full_name="Ngày Mai", point=None, travel_date=date(2026, 3, 11), at=at(11))
    board(full_name="Xe Khác", on=other_vehicle, at=at(12))

    counts = passenger_counts([vehicle, other_vehicle], TODAY)

    assert counts == {vehicle.pk: 2, other_vehicle.pk: 1}
    assert counts[vehicle.pk] == len(manifest_declarations(vehicle, TODAY))


@time_machine.travel(NOW, tick=False)
def test_a_plate_declared_with_another_means_than_a_coach_is_no_passenger(
    vehicle, board, operator_client
):
    board(full_name="Xe Khách", point=None, at=at(8))
    board(full_name="Xe Máy", point=None, transport="motorbike", at=at(9))

    assert [d.person.full_name for d in manifest_declarations(vehicle, TODAY)] == ["Xe Khách"]
    assert passenger_counts([vehicle], TODAY) == {vehicle.pk: 1}


def test_the_list_says_who_declared_each_passenger(
    vehicle, board, operator, officer, facility, facility_worker, places
):
    on_behalf = {"made_by": MadeBy.ON_BEHALF, "point": None}
    self_made = board(full_name="Tự Khai", seat="1")
    crew = passenger_declare(
        vehicle=vehicle,
        operator=operator,
        data=PassengerData(
            full_name="Nhà Xe Khai",
            birth_year=1950,
            sex="male",
            phone="0377123456",
            home_province=LAI_CHAU,
            home_district=LAI_CHAU_CITY,
            home_commune=QUYET_THANG,
            from_province=LAI_CHAU,
            from_district=LAI_CHAU_CITY,
            to_district=LAI_CHAU_CITY,
            to_commune=QUYET_THANG,
            seat="2",
        ),
        token=uuid.uuid4(),
    )
    at_checkpoint = declare_for(officer, full_name="Chốt Khai", seat="3", **on_behalf)
    at_hospital = declare_for(
        facility_worker, full_name="Viện Khai", seat="4", **{**on_behalf, "point": facility.point}
    )

    with translation.override("en"):
        declared_by = {
            row.person: row.declared_by
            for row in manifest_rows(manifest_declarations(vehicle, timezone.localdate()))
        }

    assert declared_by == {
        self_made.person: "Self",
        crew.person: "Crew",
        at_checkpoint.person: "Checkpoint (Chốt Km 15 QL4D)",
        at_hospital.person: "Health facility (Bệnh viện Đa khoa tỉnh Lai Châu)",
    }


def declare_for(staff, *, made_by, point, **changes):
    """A declaration sent by ``staff`` on a passenger's behalf, with the coach's plate."""
    data = declaration_data(transport="coach", vehicle_plate="25B-012.34", point=point, **changes)
    return declaration_submit(data=data, token=uuid.uuid4(), made_by=made_by, made_by_user=staff)
