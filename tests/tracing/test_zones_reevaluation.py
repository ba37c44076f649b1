"""Adding or ending an epidemic zone re-evaluates the last 14 days of declarations: the right
people are raised (they came from, or live in, the zone on their travel date) and lowered back,
their current risk follows, and whoever becomes at risk gets a follow-up."""

from datetime import timedelta

import pytest
from django.utils import timezone

from declarations.models import Declaration, EpidemicZone, Person
from declarations.services import risk_flag_add
from tests.conftest import BA_DINH, HA_NOI, LAI_CHAU_CITY, QUYET_THANG
from tracing.models import Case, FollowUp, FollowUpStatus
from tracing.services import follow_up_update
from tracing.zones import risk_reevaluate, zone_add, zone_end

HOAN_KIEM = "002"


def level(person) -> str:
    return Person.objects.get(pk=person.pk).risk_level


def reasons(declaration) -> list[str]:
    return Declaration.objects.get(pk=declaration.pk).risk_reasons


@pytest.fixture
def from_ba_dinh(make_declaration):
    """Came from Ba Đình (Hà Nội) to Tam Đường today, with no symptom."""
    return make_declaration(full_name="Từ Ba Đình")


@pytest.fixture
def from_hoan_kiem(make_declaration):
    return make_declaration(full_name="Từ Hoàn Kiếm", from_district=HOAN_KIEM)


def test_a_zone_raises_who_came_from_it_and_only_them(from_ba_dinh, from_hoan_kiem, today):
    zone, result = zone_add(place_code=BA_DINH, starts_on=today)

    assert zone.place_name == "Quận Ba Đình"
    assert (level(from_ba_dinh.person), reasons(from_ba_dinh)) == ("medium", [f"zone:{BA_DINH}"])
    assert Declaration.objects.get(pk=from_ba_dinh.pk).risk_level == "medium"
    assert level(from_hoan_kiem.person) == "none"
    assert (result.changed, result.people_changed, result.follow_ups_opened) == (1, 1, 1)


def test_a_province_zone_raises_everyone_from_the_province(from_ba_dinh, from_hoan_kiem, today):
    zone_add(place_code=HA_NOI, starts_on=today)
    assert level(from_ba_dinh.person) == level(from_hoan_kiem.person) == "medium"
    assert reasons(from_hoan_kiem) == [f"zone:{HA_NOI}"]


def test_a_zone_raises_who_lives_in_it(make_declaration, today):
    resident = make_declaration(
        full_name="Dân Quyết Thắng",
        residence_district=LAI_CHAU_CITY,
        residence_commune=QUYET_THANG,
        from_province="12",
        from_district=LAI_CHAU_CITY,
    )
    neighbour = make_declaration(full_name="Dân Tam Đường", from_province="12", from_district="105")
    zone_add(place_code=QUYET_THANG, starts_on=today)
    assert reasons(resident) == [f"zone:{QUYET_THANG}"]
    assert level(neighbour.person) == "none"


def test_a_zone_counts_only_on_travel_dates_within_it(make_declaration, today):
    before = make_declaration(full_name="Đi Hôm Trước", travel_date=today - timedelta(days=3))
    during = make_declaration(full_name="Đi Hôm Qua", travel_date=today - timedelta(days=1))
    zone_add(place_code=BA_DINH, starts_on=today - timedelta(days=2))
    assert level(before.person) == "none"
    assert level(during.person) == "medium"


def test_people_raised_get_a_follow_up_and_a_cleared_one_is_reopened(
    from_ba_dinh, make_declaration, today
):
    earlier = make_declaration(full_name="Đã Khỏi", from_district=BA_DINH)
    follow_up = FollowUp.objects.create(person=earlier.person, status=FollowUpStatus.CLEARED)

    zone_add(place_code=BA_DINH, starts_on=today)

    assert FollowUp.objects.get(person=from_ba_dinh.person).status == FollowUpStatus.NEW
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.NEW
    assert follow_up.events.get().status == FollowUpStatus.NEW


def test_people_raised_appear_on_the_risk_list(client, health_worker, from_ba_dinh, today):
    zone_add(place_code=BA_DINH, starts_on=today)
    client.force_login(health_worker)
    rows = client.get("/y-te/", {"ly_do": "zone"}).context["rows"]
    assert [row.person.lookup_code for row in rows] == [from_ba_dinh.person.lookup_code]


def test_ending_the_zone_lowers_them_back(from_ba_dinh, today):
    zone, _result = zone_add(place_code=BA_DINH, starts_on=today - timedelta(days=5))
    result = zone_end(zone=zone, ends_on=today - timedelta(days=1))
    assert (level(from_ba_dinh.person), reasons(from_ba_dinh)) == ("none", [])
    assert (result.changed, result.people_changed) == (1, 1)


def test_ending_a_zone_keeps_symptoms_exposures_and_other_zones(make_declaration, today):
    declaration = make_declaration(
        full_name="Ho Và Tiếp Xúc", symptoms=("cough",), exposures=("suspected_case",)
    )
    ba_dinh, _result = zone_add(place_code=BA_DINH, starts_on=today - timedelta(days=1))
    zone_add(place_code=HA_NOI, starts_on=today)
    assert reasons(declaration) == [
        "symptom:cough",
        "exposure:suspected_case",
        f"zone:{BA_DINH}",
        f"zone:{HA_NOI}",
    ]
    zone_end(zone=ba_dinh, ends_on=today - timedelta(days=1))
    assert reasons(declaration) == ["symptom:cough", "exposure:suspected_case", f"zone:{HA_NOI}"]
    assert level(declaration.person) == "high"


def test_an_open_risk_flag_or_case_keeps_the_person_at_risk(
    make_declaration, provincial_health_worker, today
):
    flagged = make_declaration(full_name="Có Cờ")
    case = make_declaration(full_name="Ca Bệnh")
    zone, _result = zone_add(place_code=BA_DINH, starts_on=today - timedelta(days=2))
    risk_flag_add(person=flagged.person, level="medium", reason="Sốt", place="", user=None)
    Case.objects.create(person=case.person, confirmed_on=today, how_confirmed="PCR")
    Person.objects.filter(pk=case.person.pk).update(risk_level="high")

    zone_end(zone=zone, ends_on=today - timedelta(days=1))

    assert (level(flagged.person), reasons(flagged)) == ("medium", [])
    assert level(case.person) == "high"


def test_an_earlier_declaration_of_the_last_14_days_counts_too(make_declaration, today):
    """The later declaration came from elsewhere, but two days ago they came from the zone."""
    older = make_declaration(full_name="Đi Hai Lần", travel_date=today - timedelta(days=2))
    Declaration.objects.filter(pk=older.pk).update(submitted_at=timezone.now() - timedelta(days=2))
    make_declaration(
        person=older.person, full_name="Đi Hai Lần", from_province="12", from_district="105"
    )
    zone_add(place_code=BA_DINH, starts_on=today - timedelta(days=5))
    assert reasons(older) == [f"zone:{BA_DINH}"]
    assert level(older.person) == "medium"
    assert FollowUp.objects.filter(person=older.person).exists()


def test_a_zone_raising_a_declaration_made_before_the_clearing_raises_the_person(
    make_declaration, today, health_worker
):
    """The health staff cleared them without knowing of the zone: it reopens their follow-up."""
    older = make_declaration(full_name="Đã Xong", travel_date=today - timedelta(days=2))
    Declaration.objects.filter(pk=older.pk).update(submitted_at=timezone.now() - timedelta(days=2))
    follow_up = FollowUp.objects.create(person=older.person)
    follow_up_update(follow_up=follow_up, user=health_worker, status="cleared")

    zone_add(place_code=BA_DINH, starts_on=today - timedelta(days=5))

    assert level(older.person) == "medium"
    follow_up.refresh_from_db()
    assert follow_up.status == "new"


def test_a_declaration_at_risk_before_the_clearing_still_does_not_count(
    make_declaration, today, health_worker
):
    """A zone that only adds a reason to a fever already cleared brings nothing new."""
    fever = make_declaration(full_name="Đã Hết Sốt", symptoms=("fever",))
    Declaration.objects.filter(pk=fever.pk).update(submitted_at=timezone.now() - timedelta(days=2))
    follow_up = FollowUp.objects.get(person=fever.person)
    follow_up_update(follow_up=follow_up, user=health_worker, status="cleared")
    assert level(fever.person) == "none"

    zone_add(place_code=BA_DINH, starts_on=today - timedelta(days=5))

    assert reasons(fever) == ["symptom:fever", f"zone:{BA_DINH}"]
    assert level(fever.person) == "none"
    follow_up.refresh_from_db()
    assert follow_up.status == "cleared"


def test_declarations_older_than_14_days_are_left_as_they_were(from_ba_dinh, today):
    long_ago = timezone.now() - timedelta(days=15)
    Declaration.objects.filter(pk=from_ba_dinh.pk).update(submitted_at=long_ago)
    _zone, result = zone_add(place_code=BA_DINH, starts_on=today - timedelta(days=30))
    assert (result.declarations, result.changed) == (0, 0)
    assert reasons(from_ba_dinh) == []


def test_a_second_re_evaluation_changes_nothing(from_ba_dinh, from_hoan_kiem, today):
    zone_add(place_code=BA_DINH, starts_on=today)
    result = risk_reevaluate()
    assert (result.declarations, result.changed, result.people_changed) == (2, 0, 0)


def test_re_evaluation_reads_every_batch(make_declaration, monkeypatch, today):
    monkeypatch.setattr("tracing.zones.BATCH", 2)
    people = [make_declaration(full_name=f"Khách {n}").person for n in range(5)]
    now = timezone.now()
    Declaration.objects.update(submitted_at=now)  # ties on the submission time too
    _zone, result = zone_add(place_code=HA_NOI, starts_on=today)
    assert result.declarations == result.changed == 5
    assert {level(person) for person in people} == {"medium"}


def test_a_raised_person_moves_to_the_top_of_the_list(
    client, health_worker, make_declaration, today
):
    raised = make_declaration(full_name="Từ Hà Nội")
    Person.objects.filter(pk=raised.person.pk).update(updated_at=timezone.now() - timedelta(days=2))
    make_declaration(
        full_name="Sốt Sau", symptoms=("fever",), from_province="12", from_district="105"
    )
    zone_add(place_code=HA_NOI, starts_on=today)
    client.force_login(health_worker)
    rows = client.get("/y-te/").context["rows"]
    assert [row.person.full_name for row in rows] == ["Từ Hà Nội", "Sốt Sau"]


def test_declarations_made_after_a_zone_is_added_see_it(make_declaration, today):
    make_declaration(full_name="Trước")  # fills the shared cache of zones
    zone_add(place_code=BA_DINH, starts_on=today)
    later = make_declaration(full_name="Sau")
    assert later.risk_reasons == [f"zone:{BA_DINH}"]


def test_a_follow_up_handled_since_is_not_touched_when_the_zone_ends(from_ba_dinh, today):
    zone, _result = zone_add(place_code=BA_DINH, starts_on=today - timedelta(days=1))
    follow_up = FollowUp.objects.get(person=from_ba_dinh.person)
    follow_up_update(follow_up=follow_up, user=None, status="home")
    zone_end(zone=zone, ends_on=today - timedelta(days=1))
    follow_up.refresh_from_db()
    assert follow_up.status == "home"


def test_a_change_of_zones_recounts_the_report_of_the_days_it_changed(make_declaration, today):
    from reports.counts import counts_rebuild
    from reports.models import DailyCount, Purge

    old = make_declaration(full_name="Từ Ba Đình Tuần Trước")
    purged = make_declaration(full_name="Từ Ba Đình Trước Khi Xóa")
    week_ago, ten_days_ago = (timezone.now() - timedelta(days=n) for n in (7, 10))
    Declaration.objects.filter(pk=old.pk).update(submitted_at=week_ago)
    Declaration.objects.filter(pk=purged.pk).update(submitted_at=ten_days_ago)
    day, purged_day = timezone.localdate(week_ago), timezone.localdate(ten_days_ago)
    counts_rebuild(start=purged_day, end=today)
    Purge.objects.create(first_kept_day=purged_day + timedelta(days=1))

    def medium_on(when) -> int:
        counts = DailyCount.objects.filter(day=when, measure="medium_risk")
        return sum(counts.values_list("value", flat=True))

    assert medium_on(day) == medium_on(purged_day) == 0
    zone_add(place_code=BA_DINH, starts_on=today - timedelta(days=20))
    assert medium_on(day) == 1  # counted again at once, not only the last 2 days
    assert medium_on(purged_day) == 0  # a purge's day stays as stored

    zone_end(zone=EpidemicZone.objects.get(place_code=BA_DINH), ends_on=today - timedelta(days=15))
    assert medium_on(day) == 0
