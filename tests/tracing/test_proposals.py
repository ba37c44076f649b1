"""Proposed contacts: who the data shows near a case (F1), then near its confirmed F1s (F2).

The scenario: Lò Thị Ca, confirmed case, travelled on coach 25B-012.34 on 20/11 and crossed the
Km 15 checkpoint on it at 08:00; she visited the paediatrics department of the provincial
hospital on 21/11; she lives at "Tổ 3, số 12 đường Lê Lợi" in Tam Đường town.
"""

from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from checkpoints.models import Passage
from declarations.models import Declaration
from tests.conftest import LAI_CHAU_CITY, QUYET_THANG
from tracing.models import Case, Contact, FollowUp
from tracing.proposals import Window, address_key, case_window, contacts_found, reason_text
from tracing.services import (
    case_confirm,
    contact_decide,
    contacts_decide_all,
    contacts_propose,
    contacts_propose_onward,
)

HANOI_TIME = ZoneInfo("Asia/Ho_Chi_Minh")
DAY1, DAY2, DAY3 = date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 22)
BUS, OTHER_BUS = "25B-012.34", "25B-555.66"
HOME = "Tổ 3, số 12 đường Lê Lợi"


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=HANOI_TIME)


@pytest.fixture
def people(make_declaration):
    """Make a person with one declaration; ``visit_on`` moves a facility visit to a day."""

    def person(name, *, visit_on=None, **changes):
        declaration = make_declaration(full_name=name, **changes)
        if visit_on is not None:  # declarations are immutable; only a test moves one in time
            Declaration.objects.filter(pk=declaration.pk).update(submitted_at=visit_on)
        return declaration.person

    return person


def passage(person, checkpoint, when, plate=BUS):
    return Passage.objects.create(
        person=person,
        checkpoint=checkpoint,
        at=when,
        direction="in",
        vehicle_plate=plate,
        outcome="allowed",
    )


def ride(people, name, day, plate=BUS):
    return people(name, transport="coach", vehicle_plate=plate, travel_date=day)


@pytest.fixture
def scenario(people, make_declaration, checkpoint, other_checkpoint, facility, health_worker):
    s = SimpleNamespace()
    s.case_person = ride(people, "Lò Thị Ca", DAY1)
    make_declaration(  # her visit to the hospital, declared with its QR, at home at HOME
        person=s.case_person,
        full_name="Lò Thị Ca",
        residence_address=HOME,
        point=facility.point,
        visit_role="relative",
        department="Khoa Nhi",
    )
    Declaration.objects.filter(person=s.case_person, point=facility.point).update(
        submitted_at=at(DAY2, 9)
    )
    passage(s.case_person, checkpoint, at(DAY1, 8))

    # The coach: 40 passengers with her on day 1, some the next day, some the day after.
    s.day1 = [ride(people, f"Hành Khách {n:02}", DAY1) for n in range(40)]
    s.day2 = [ride(people, f"Ngày Hai {n}", DAY2) for n in range(3)]
    s.day3 = [ride(people, f"Ngày Ba {n}", DAY3) for n in range(3)]
    s.other_bus = ride(people, "Xe Khác", DAY1, plate=OTHER_BUS)

    # The checkpoint: the same plate at A within 30 minutes, 45 minutes later, at B.
    s.crossed_with = people("Qua Chốt Cùng")
    passage(s.crossed_with, checkpoint, at(DAY1, 8, 20))
    s.crossed_later = people("Qua Chốt Sau")
    passage(s.crossed_later, checkpoint, at(DAY1, 8, 45))
    s.crossed_elsewhere = people("Qua Chốt Khác")
    passage(s.crossed_elsewhere, other_checkpoint, at(DAY1, 8, 10))
    s.crossed_other_plate = people("Xe Máy")
    passage(s.crossed_other_plate, checkpoint, at(DAY1, 8, 5), plate="24B1-234.56")
    passage(s.day1[0], checkpoint, at(DAY1, 8, 1))  # a passenger, counted once, two reasons

    # The hospital: the same department the same day; another department; another day.
    visit = {"point": facility.point, "visit_role": "patient"}
    s.same_ward = people("Cùng Khoa", visit_on=at(DAY2, 15), department="Khoa Nhi", **visit)
    s.other_ward = people("Khoa Khác", visit_on=at(DAY2, 10), department="Khoa Khám bệnh", **visit)
    s.other_day = people("Hôm Khác", visit_on=at(DAY3, 9), department="Khoa Nhi", **visit)

    # The household: the same address, cased and spaced otherwise; the same in another commune.
    s.housemate = people("Cùng Nhà", residence_address="  tổ 3,  SỐ 12 ĐƯỜNG  lê lợi ")
    s.neighbour = people("Hàng Xóm", residence_address="Tổ 3, số 14 đường Lê Lợi")
    s.same_address_elsewhere = people(
        "Nơi Khác",
        residence_address=HOME,
        residence_district=LAI_CHAU_CITY,
        residence_commune=QUYET_THANG,
    )
    s.case = case_confirm(
        person=s.case_person,
        confirmed_on=DAY3,
        how_confirmed="RT-PCR",
        isolated_at="",
        user=health_worker,
    )
    return s


def proposed(case, **filters) -> dict:
    contacts = Contact.objects.filter(case=case, **filters).select_related("person")
    return {contact.person: contact for contact in contacts}


def test_the_proposals_are_exactly_the_people_who_shared_a_bus_a_checkpoint_a_ward_or_a_home(
    scenario,
):
    s = scenario

    count = contacts_propose(case=s.case)

    found = proposed(s.case)
    expected = {*s.day1, *s.day2, s.crossed_with, s.same_ward, s.housemate}
    assert set(found) == expected
    assert count == len(expected) == 46
    assert {(c.level, c.status, c.source, c.via_id) for c in found.values()} == {
        ("F1", "proposed", "search", None)
    }


def test_each_proposal_says_why_with_a_code_and_its_detail(scenario):
    s = scenario

    contacts_propose(case=s.case)

    found = proposed(s.case)
    assert found[s.day1[5]].reasons == [{"rule": "vehicle", "plate": BUS, "day": "2026-11-20"}]
    assert found[s.day2[0]].reasons == [{"rule": "vehicle", "plate": BUS, "day": "2026-11-21"}]
    assert found[s.crossed_with].reasons == [
        {
            "rule": "checkpoint",
            "checkpoint": "Chốt Km 15 QL4D",
            "plate": BUS,
            "at": "2026-11-20T08:20+07:00",
            "minutes": 20,
        }
    ]
    assert found[s.same_ward].reasons == [
        {
            "rule": "facility",
            "facility": "Bệnh viện Đa khoa tỉnh Lai Châu",
            "department": "Khoa Nhi",
            "day": "2026-11-21",
        }
    ]
    assert found[s.housemate].reasons == [
        {"rule": "household", "address": HOME, "commune": "Thị trấn Tam Đường"}
    ]


def test_a_person_found_by_several_rules_is_proposed_once_with_every_reason(scenario):
    s = scenario

    contacts_propose(case=s.case)

    [contact] = Contact.objects.filter(case=s.case, person=s.day1[0])
    assert [reason["rule"] for reason in contact.reasons] == ["vehicle", "checkpoint"]


def test_proposing_twice_adds_nobody(scenario):
    first = contacts_propose(case=scenario.case)

    second = contacts_propose(case=scenario.case)

    assert (first, second) == (46, 0)
    assert Contact.objects.filter(case=scenario.case).count() == 46


def test_a_dismissed_or_confirmed_contact_is_not_proposed_again(scenario, health_worker):
    s = scenario
    contacts_propose(case=s.case)
    dismissed = Contact.objects.get(case=s.case, person=s.housemate)
    contact_decide(contact=dismissed, status="dismissed", user=health_worker)
    contacts_decide_all(case=s.case, status="confirmed", user=health_worker)

    assert contacts_propose(case=s.case) == 0

    dismissed.refresh_from_db()
    assert dismissed.status == "dismissed"


def test_the_search_reads_a_fixed_number_of_queries_however_many_were_near(
    scenario, django_assert_num_queries
):
    # Three to read the case's journeys, passages and home; one per rule.
    with django_assert_num_queries(7):
        found = contacts_found({scenario.case_person.pk: case_window(scenario.case)})

    assert len(found) == 46


def test_confirming_all_gives_every_contact_a_follow_up(scenario, health_worker):
    s = scenario
    contacts_propose(case=s.case)

    confirmed = contacts_decide_all(case=s.case, status="confirmed", user=health_worker)

    assert len(confirmed) == 46
    assert set(proposed(s.case, status="confirmed")) == set(proposed(s.case))
    followed = FollowUp.objects.filter(person__in=list(proposed(s.case)))
    assert followed.count() == 46
    assert set(followed.values_list("reason", flat=True)) == {f"F1 {s.case_person}"}


def test_dismissing_all_opens_no_follow_up(scenario, health_worker):
    s = scenario
    contacts_propose(case=s.case)

    contacts_decide_all(case=s.case, status="dismissed", user=health_worker)

    assert set(proposed(s.case, status="dismissed")) == set(proposed(s.case))
    assert not FollowUp.objects.filter(person=s.housemate).exists()


def test_f2_are_proposed_from_confirmed_f1s_only(scenario, people, other_checkpoint, health_worker):
    s = scenario
    contacts_propose(case=s.case)
    confirmed_f1 = Contact.objects.get(case=s.case, person=s.day2[0])  # travelled on day 2
    contact_decide(contact=confirmed_f1, status="confirmed", user=health_worker)
    dismissed_f1 = Contact.objects.get(case=s.case, person=s.housemate)
    contact_decide(contact=dismissed_f1, status="dismissed", user=health_worker)
    # Someone near the dismissed F1 only, and someone near an F1 still only proposed.
    near_dismissed, near_proposed = people("Gần Người Bị Loại"), people("Gần Người Đề Xuất")
    for f1, near, plate in [
        (s.housemate, near_dismissed, "29B-111.11"),
        (s.crossed_with, near_proposed, "29B-222.22"),
    ]:
        passage(f1, other_checkpoint, at(DAY2, 18), plate=plate)
        passage(near, other_checkpoint, at(DAY2, 18, 5), plate=plate)

    count = contacts_propose_onward(case=s.case)

    f2s = proposed(s.case, level="F2")
    # From the day-2 passenger: the day-3 passengers (a day apart); everyone else on the coach
    # is already a contact of the case.
    assert set(f2s) == set(s.day3)
    assert count == 3
    assert {c.via for c in f2s.values()} == {confirmed_f1}
    assert f2s[s.day3[0]].reasons == [
        {"rule": "vehicle", "plate": BUS, "day": "2026-11-22", "via": confirmed_f1.pk}
    ]
    assert contacts_propose_onward(case=s.case) == 0


def test_f2_found_near_several_f1s_is_proposed_once_with_each_reason(
    scenario, people, health_worker
):
    s = scenario
    contacts_propose(case=s.case)
    contacts_decide_all(case=s.case, status="confirmed", user=health_worker)
    first = Contact.objects.get(case=s.case, person=s.day2[0])
    second = Contact.objects.get(case=s.case, person=s.day2[1])

    contacts_propose_onward(case=s.case)

    contact = Contact.objects.get(case=s.case, person=s.day3[0])
    assert contact.via == first
    vias = [reason["via"] for reason in contact.reasons]
    assert first.pk in vias
    assert second.pk in vias
    assert len(vias) == 3  # the three day-2 passengers


def ride_again(make_declaration, person, day, plate):
    """Another journey of someone who declared already (their declaration of that trip)."""
    make_declaration(
        person=person,
        full_name=person.full_name,
        transport="coach",
        vehicle_plate=plate,
        travel_date=day,
    )


def test_f1_are_searched_only_from_the_case_s_journeys_while_it_could_infect(
    scenario, people, make_declaration
):
    """Confirmed on 22/11, the case is searched from 19/11 to 22/11: not a trip of 10/11, nor
    one after it was confirmed and isolated."""
    s = scenario
    ride_again(make_declaration, s.case_person, date(2026, 11, 10), "25B-777.77")
    before = ride(people, "Đi Trước", date(2026, 11, 10), plate="25B-777.77")
    ride_again(make_declaration, s.case_person, date(2026, 11, 24), "25B-888.88")
    after = ride(people, "Đi Sau", date(2026, 11, 24), plate="25B-888.88")

    contacts_propose(case=s.case)

    found = proposed(s.case)
    assert before not in found
    assert after not in found
    assert s.day1[0] in found
    assert case_window(s.case) == Window(date(2026, 11, 19), DAY3)


def test_f2_are_searched_only_from_the_day_the_f1_met_the_case(
    scenario, people, make_declaration, health_worker
):
    """The F1 met the case on the coach on 21/11: a trip of theirs on 15/11 (before they met
    the case) proposes nobody; one on 25/11 proposes their co-passenger."""
    s = scenario
    f1 = s.day2[0]
    ride_again(make_declaration, f1, date(2026, 11, 15), "25B-111.22")
    ride_again(make_declaration, f1, date(2026, 11, 25), "25B-333.44")
    earlier = ride(people, "Đi Với F1 Trước", date(2026, 11, 15), plate="25B-111.22")
    later = ride(people, "Đi Với F1 Sau", date(2026, 11, 25), plate="25B-333.44")
    contacts_propose(case=s.case)
    contact_decide(
        contact=Contact.objects.get(case=s.case, person=f1), status="confirmed", user=health_worker
    )

    contacts_propose_onward(case=s.case)

    f2s = proposed(s.case, level="F2")
    assert later in f2s
    assert earlier not in f2s
    assert set(f2s) == {*s.day3, later}


def test_f2_are_not_found_the_day_before_the_f1_met_the_case_even_a_day_apart(
    scenario, people, make_declaration, health_worker
):
    """The case rode the coach on 20/11; an F1 who declared that coach on 19/11 met it then,
    and took another coach the same day. On both coaches, who travelled on 18/11 (a day apart
    from the F1, but before they could pass anything on) is not an F2; on the other coach,
    who travelled on 19/11 or 20/11 is."""
    s = scenario
    met_on = date(2026, 11, 19)
    f1 = ride(people, "Đi Hôm Trước", met_on)
    ride_again(make_declaration, f1, met_on, OTHER_BUS)
    before_on_the_coach = ride(people, "Đi Xe Ngày 18", met_on - timedelta(days=1))
    before = ride(people, "Xe Khác Ngày 18", met_on - timedelta(days=1), plate=OTHER_BUS)
    same_day = ride(people, "Xe Khác Ngày 19", met_on, plate=OTHER_BUS)
    day_after = ride(people, "Xe Khác Ngày 20", met_on + timedelta(days=1), plate=OTHER_BUS)
    contacts_propose(case=s.case)
    contact = Contact.objects.get(case=s.case, person=f1)
    assert contact.reasons == [{"rule": "vehicle", "plate": BUS, "day": "2026-11-19"}]
    contact_decide(contact=contact, status="confirmed", user=health_worker)

    contacts_propose_onward(case=s.case)

    f2s = proposed(s.case, level="F2")
    assert same_day in f2s
    assert day_after in f2s
    assert before not in f2s
    assert before_on_the_coach not in f2s


def test_f1_are_not_found_outside_the_case_s_window_even_a_day_or_minutes_apart(
    scenario, people, make_declaration, checkpoint
):
    """Confirmed on 22/11, the case could infect from 19/11 to 22/11. Its coach of 19/11 and
    of 22/11 are searched; who travelled on them on 18/11 or on 23/11 is not an F1, who
    travelled on 19/11, 20/11 or 22/11 is. Nor who crossed a checkpoint with it at 23:50 on
    18/11, ten minutes before it did, on 19/11."""
    s = scenario
    first, last = date(2026, 11, 19), DAY3
    day = timedelta(days=1)
    ride_again(make_declaration, s.case_person, first, "25B-191.19")
    ride_again(make_declaration, s.case_person, last, "25B-222.22")
    passage(s.case_person, checkpoint, at(first, 0, 0) + timedelta(minutes=5), plate="25B-191.19")
    day_before = ride(people, "Ngày 18", first - day, plate="25B-191.19")
    first_day = ride(people, "Ngày 19", first, plate="25B-191.19")
    next_day = ride(people, "Ngày 20", first + day, plate="25B-191.19")
    last_day = ride(people, "Ngày 22", last, plate="25B-222.22")
    day_after = ride(people, "Ngày 23", last + day, plate="25B-222.22")
    crossed_the_day_before = people("Qua Chốt Đêm Trước")
    passage(crossed_the_day_before, checkpoint, at(first - day, 23, 50), plate="25B-191.19")
    crossed_the_first_day = people("Qua Chốt Sáng Sớm")
    passage(crossed_the_first_day, checkpoint, at(first, 0, 20), plate="25B-191.19")

    contacts_propose(case=s.case)

    found = proposed(s.case)
    assert {first_day, next_day, last_day, crossed_the_first_day} <= set(found)
    assert day_before not in found
    assert day_after not in found
    assert crossed_the_day_before not in found
    assert case_window(s.case) == Window(first, last)


def test_a_case_with_symptoms_is_searched_from_two_days_before_they_began(
    scenario, people, make_declaration
):
    """Symptoms from 16/11, confirmed on 22/11: its trip of 14/11 is searched (not 13/11)."""
    s = scenario
    s.case.onset_on = date(2026, 11, 16)
    s.case.save()
    ride_again(make_declaration, s.case_person, date(2026, 11, 14), "25B-141.14")
    ride_again(make_declaration, s.case_person, date(2026, 11, 13), "25B-131.13")
    in_window = ride(people, "Đi Ngày Mười Bốn", date(2026, 11, 14), plate="25B-141.14")
    too_early = ride(people, "Đi Ngày Mười Ba", date(2026, 11, 13), plate="25B-131.13")

    contacts_propose(case=s.case)

    found = proposed(s.case)
    assert in_window in found
    assert too_early not in found
    assert case_window(s.case) == Window(date(2026, 11, 14), DAY3)
    # Symptoms that began only after the test leave the window at 3 days before confirmation.
    s.case.onset_on = DAY3
    assert case_window(s.case) == Window(date(2026, 11, 19), DAY3)


def test_the_onset_of_symptoms_is_entered_with_the_case(client, health_worker, citizen, today):
    client.force_login(health_worker)
    data = {"confirmed_on": today, "how_confirmed": "RT-PCR", "isolated_at": ""}

    future = client.post(
        f"/y-te/ca-benh/moi/?ma={citizen.lookup_code}",
        data | {"onset_on": today + timedelta(days=1)},
    )
    assert "Ngày bắt đầu có triệu chứng không thể ở tương lai." in future.content.decode()
    client.post(
        f"/y-te/ca-benh/moi/?ma={citizen.lookup_code}",
        data | {"onset_on": (today - timedelta(days=4)).strftime("%d/%m/%Y")},
    )

    case = Case.objects.get(person=citizen)
    assert case.onset_on == today - timedelta(days=4)
    page = client.get(f"/y-te/ca-benh/{case.pk}/").content.decode()
    assert (today - timedelta(days=4)).strftime("%d/%m/%Y") in page


def test_the_case_page_says_which_days_were_searched(client, scenario, health_worker):
    client.force_login(health_worker)

    page = client.get(f"/y-te/ca-benh/{scenario.case.pk}/").content.decode()

    searched = (
        "F1: người tiếp xúc với ca bệnh từ 19/11/2026 đến 22/11/2026 (tìm trong các hành trình"
    )
    assert searched in page


def test_a_reason_reads_in_words():
    with translation.override("en"):
        assert_reasons_in_english()


def test_a_reason_reads_in_vietnamese_by_default():
    text = reason_text({"rule": "vehicle", "plate": BUS, "day": "2026-11-20"})
    assert text == "Đi cùng xe 25B-012.34 ngày 20/11/2026"


def assert_reasons_in_english():
    assert (
        reason_text({"rule": "vehicle", "plate": BUS, "day": "2026-11-20"})
        == "Travelled in the same vehicle 25B-012.34 on 20/11/2026"
    )
    checkpoint = {
        "rule": "checkpoint",
        "checkpoint": "Chốt Km 15",
        "plate": BUS,
        "at": "2026-11-20T08:20+07:00",
        "minutes": 20,
    }
    assert reason_text(checkpoint) == (
        "Crossed Chốt Km 15 in the same vehicle 25B-012.34 at 08:20 20/11/2026, 20 minutes apart"
    )
    ward = {"rule": "facility", "facility": "BV", "department": "Khoa Nhi", "day": "2026-11-21"}
    assert reason_text(ward) == "Visited Khoa Nhi at BV the same day, 21/11/2026"
    home = {"rule": "household", "address": HOME, "commune": "Thị trấn Tam Đường"}
    assert reason_text(home) == f"Lives at the same address: {HOME}, Thị trấn Tam Đường"


@pytest.mark.parametrize(("minutes", "apart"), [(1, "1 minute apart"), (5, "5 minutes apart")])
def test_a_checkpoint_reason_counts_its_minutes_in_words(minutes, apart):
    checkpoint = {
        "rule": "checkpoint",
        "checkpoint": "Chốt Km 15",
        "plate": BUS,
        "at": "2026-11-20T08:20+07:00",
        "minutes": minutes,
    }
    with translation.override("en"):
        assert reason_text(checkpoint).endswith(f"at 08:20 20/11/2026, {apart}")
    assert reason_text(checkpoint).endswith(f"cách nhau {minutes} phút")


def test_an_address_key_ignores_case_and_spaces_but_not_the_house_number():
    assert address_key("  tổ 3,  SỐ 12 ĐƯỜNG  lê lợi ") == address_key(HOME)
    assert address_key("Tổ 3, số 14 đường Lê Lợi") != address_key(HOME)


def test_a_case_who_never_travelled_has_no_proposal(people, health_worker):
    person = people("Ở Nhà")
    case = case_confirm(
        person=person,
        confirmed_on=DAY1,
        how_confirmed="RT-PCR",
        isolated_at="",
        user=health_worker,
    )

    assert contacts_propose(case=case) == 0
    assert contacts_found({}) == {}


def test_the_window_of_a_checkpoint_is_thirty_minutes_either_side(
    people, checkpoint, health_worker
):
    case_person = people("Ca Bệnh")
    passage(case_person, checkpoint, at(DAY1, 8))
    before = people("Trước")
    passage(before, checkpoint, at(DAY1, 8) - timedelta(minutes=30))
    too_early = people("Sớm Quá")
    passage(too_early, checkpoint, at(DAY1, 7, 29))

    found = contacts_found({case_person.pk: Window(DAY1, DAY1)})

    assert set(found) == {before.pk}


def test_a_hamlet_or_a_crowded_address_is_not_a_household(people, health_worker):
    def case_of(person):
        return case_confirm(
            person=person,
            confirmed_on=DAY1,
            how_confirmed="RT-PCR",
            isolated_at="",
            user=health_worker,
        )

    hamlet = [people(f"Bản {n}", residence_address="Bản Nà Khuồng") for n in range(3)]
    assert contacts_propose(case=case_of(hamlet[0])) == 0
    block = [people(f"Tổ {n}", residence_address="Số 5 Tổ 5") for n in range(14)]
    assert contacts_propose(case=case_of(block[0])) == 0
    home = [people(f"Nhà {n}", residence_address="12 Trần Phú") for n in range(3)]
    assert contacts_propose(case=case_of(home[0])) == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="CI runs this on PostgreSQL")
def test_a_household_is_looked_up_in_its_commune_not_its_whole_district(people):
    """The household rule finds the commune's people through an index (``person_home``), not by
    reading every person of the district (112,000 among a million declarations)."""
    source = people("Nguồn", residence_address=HOME)
    with CaptureQueriesContext(connection) as queries:
        contacts_found({source.pk: Window(DAY1)})
    wheres = [(q["sql"], q["sql"].partition("WHERE")[2]) for q in queries]
    household = next(sql for sql, where in wheres if '"residence_commune_id" =' in where)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is small enough to scan
        cursor.execute(f"EXPLAIN {household}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    index_conditions = [line for line in plan.splitlines() if "Index Cond" in line]
    assert any("residence_commune_id" in line for line in index_conditions), plan
