"""A crew takes a passenger off a day's list (did not travel, listed twice, declared with a
mistake) and can put them back; the declaration itself never changes."""

import pytest
from django.utils import timezone

from accounts.models import AuditEntry
from checkpoints.bus_checks import todays_list
from declarations.models import Declaration
from transport.manifest import manifest_declarations, passenger_counts
from transport.models import PassengerRemoval


@pytest.fixture
def crew(client, operator):
    client.force_login(operator)
    return client


@pytest.fixture
def passenger(vehicle, make_declaration):
    return make_declaration(
        full_name="Lò Văn Nhầm", point=vehicle.point, transport="coach", vehicle_plate=vehicle.plate
    )


def remove_url(vehicle, person, day=None):
    day = day or timezone.localdate()
    return f"/nha-xe/xe/{vehicle.pk}/hanh-khach/{person.lookup_code}/bo/?ngay={day:%Y-%m-%d}"


def test_a_passenger_taken_off_leaves_the_list_the_count_and_the_bus_check(
    crew, vehicle, passenger
):
    today = timezone.localdate()
    manifest = crew.get(f"/nha-xe/xe/{vehicle.pk}/hanh-khach/").content.decode()
    assert remove_url(vehicle, passenger.person).replace("&", "&amp;") in manifest

    confirm = crew.get(remove_url(vehicle, passenger.person))
    assert "Lò Văn Nhầm" in confirm.content.decode()
    assert not PassengerRemoval.objects.exists()  # asking is not doing
    done = crew.post(remove_url(vehicle, passenger.person), {"reason": "not_on_board"})

    assert done["Location"] == f"/nha-xe/xe/{vehicle.pk}/hanh-khach/?ngay={today:%Y-%m-%d}"
    assert manifest_declarations(vehicle, today) == []
    assert passenger_counts([vehicle], today).get(vehicle.pk, 0) == 0
    assert todays_list(vehicle) == []
    assert Declaration.objects.filter(pk=passenger.pk).exists()  # never changed
    entry = AuditEntry.objects.get(action="passenger_list")
    assert entry.person == passenger.person
    page = crew.get(done["Location"]).content.decode()
    assert 'id="removed"' in page and "Không đi xe này" in page


def test_the_page_asking_to_take_a_passenger_off_is_audited_as_a_view_of_them(
    crew, operator, vehicle, passenger
):
    crew.get(remove_url(vehicle, passenger.person))

    entry = AuditEntry.objects.get()
    assert (entry.user, entry.action, entry.person) == (operator, "view_person", passenger.person)


def test_a_passenger_taken_off_by_mistake_is_put_back(crew, vehicle, passenger):
    today = timezone.localdate()
    crew.post(remove_url(vehicle, passenger.person), {"reason": "duplicate"})
    crew.post(
        f"/nha-xe/xe/{vehicle.pk}/hanh-khach/{passenger.person.lookup_code}/dua-lai/"
        f"?ngay={today:%Y-%m-%d}"
    )
    assert [d.person for d in manifest_declarations(vehicle, today)] == [passenger.person]
    assert AuditEntry.objects.filter(action="passenger_list").count() == 2


def test_taking_off_needs_a_reason_and_sending_twice_takes_off_once(crew, vehicle, passenger):
    refused = crew.post(remove_url(vehicle, passenger.person), {})
    assert refused.status_code == 200
    assert refused.context["form"].errors["reason"]
    for _ in range(2):
        crew.post(remove_url(vehicle, passenger.person), {"reason": "mistake"})
    assert PassengerRemoval.objects.count() == 1


def test_only_someone_on_the_list_is_taken_off_and_only_by_its_crew(
    client, crew, vehicle, passenger, citizen, other_operator, transport_officer
):
    assert crew.get(remove_url(vehicle, citizen)).status_code == 404  # not on this list
    for outsider, status in ((other_operator, 404), (transport_officer, 403)):
        client.force_login(outsider)
        answer = client.post(remove_url(vehicle, passenger.person), {"reason": "mistake"})
        assert answer.status_code == status
    assert not PassengerRemoval.objects.exists()


def test_a_passenger_taken_off_is_off_the_crews_check_too(crew, vehicle, passenger):
    crew.post(remove_url(vehicle, passenger.person), {"reason": "not_on_board"})
    page = crew.get(f"/nha-xe/hanh-khach/{passenger.person.lookup_code}/")
    assert page.context["trips"] == []


def test_declaring_the_vehicle_again_after_being_taken_off_puts_the_passenger_back(
    crew, vehicle, passenger, make_declaration
):
    today = timezone.localdate()
    crew.post(remove_url(vehicle, passenger.person), {"reason": "mistake"})
    corrected = make_declaration(
        person=passenger.person,
        point=vehicle.point,
        transport="coach",
        vehicle_plate=vehicle.plate,
        seat="A02",
    )
    assert [d.pk for d in manifest_declarations(vehicle, today)] == [corrected.pk]
    assert passenger_counts([vehicle], today)[vehicle.pk] == 1


def test_putting_back_keeps_the_record_of_why_they_were_taken_off(crew, vehicle, passenger):
    today = timezone.localdate()
    crew.post(remove_url(vehicle, passenger.person), {"reason": "duplicate"})
    crew.post(
        f"/nha-xe/xe/{vehicle.pk}/hanh-khach/{passenger.person.lookup_code}/dua-lai/"
        f"?ngay={today:%Y-%m-%d}"
    )
    crew.post(remove_url(vehicle, passenger.person), {"reason": "not_on_board"})
    kept = PassengerRemoval.objects.order_by("removed_at", "pk")
    assert [(r.reason, r.restored_at is not None) for r in kept] == [
        ("duplicate", True),
        ("not_on_board", False),
    ]
    assert manifest_declarations(vehicle, today) == []


def test_a_qr_declaration_for_tomorrow_is_on_tomorrows_list_not_todays(
    crew, vehicle, make_declaration
):
    from datetime import timedelta

    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    make_declaration(
        point=vehicle.point, transport="coach", vehicle_plate=vehicle.plate, travel_date=tomorrow
    )
    assert manifest_declarations(vehicle, today) == []
    assert todays_list(vehicle) == []
    assert len(manifest_declarations(vehicle, tomorrow)) == 1
    assert passenger_counts([vehicle], today).get(vehicle.pk, 0) == 0
    assert passenger_counts([vehicle], tomorrow)[vehicle.pk] == 1


def test_taking_off_sent_again_goes_back_to_the_list_not_to_a_missing_page(
    crew, vehicle, passenger
):
    """A double tap, a retry on a bad network or Back then the button again: the passenger is
    already off, and the crew is brought back to the list with that said, not to a 404."""
    today = timezone.localdate()
    crew.post(remove_url(vehicle, passenger.person), {"reason": "not_on_board"})
    for again in (
        crew.post(remove_url(vehicle, passenger.person), {"reason": "not_on_board"}),
        crew.get(remove_url(vehicle, passenger.person)),
    ):
        assert again.status_code == 302
        assert again["Location"] == f"/nha-xe/xe/{vehicle.pk}/hanh-khach/?ngay={today:%Y-%m-%d}"
    page = crew.get(f"/nha-xe/xe/{vehicle.pk}/hanh-khach/?ngay={today:%Y-%m-%d}")
    assert "đã được bỏ khỏi danh sách" in page.content.decode()
    assert PassengerRemoval.objects.count() == 1
    assert AuditEntry.objects.filter(action="passenger_list").count() == 1


def test_a_passenger_back_on_the_list_by_declaring_again_can_be_taken_off_again(
    crew, vehicle, passenger, make_declaration
):
    today = timezone.localdate()
    crew.post(remove_url(vehicle, passenger.person), {"reason": "mistake"})
    make_declaration(
        person=passenger.person, point=vehicle.point, transport="coach", vehicle_plate=vehicle.plate
    )
    assert len(manifest_declarations(vehicle, today)) == 1

    crew.post(remove_url(vehicle, passenger.person), {"reason": "not_on_board"})

    assert manifest_declarations(vehicle, today) == []
    assert passenger_counts([vehicle], today).get(vehicle.pk, 0) == 0
    kept = PassengerRemoval.objects.order_by("removed_at", "pk")
    assert [(r.reason, r.restored_at is not None) for r in kept] == [
        ("mistake", True),  # the first removal stays, as the record of why
        ("not_on_board", False),
    ]


def test_a_passenger_back_by_declaring_again_is_no_longer_shown_as_taken_off(
    crew, vehicle, passenger, make_declaration
):
    """On the list again, they are not also among those taken off, with a button to put back
    someone who is there."""
    today = timezone.localdate()
    crew.post(remove_url(vehicle, passenger.person), {"reason": "mistake"})
    make_declaration(
        person=passenger.person, point=vehicle.point, transport="coach", vehicle_plate=vehicle.plate
    )

    page = crew.get(f"/nha-xe/xe/{vehicle.pk}/hanh-khach/?ngay={today:%Y-%m-%d}")

    assert [row.person for row in page.context["rows"]] == [passenger.person]
    assert page.context["removed"] == []
    assert 'id="removed"' not in page.content.decode()


def test_two_takings_off_sent_at_the_same_moment_take_off_once(
    monkeypatch, vehicle, passenger, operator
):
    """The second, which could not see the first's row yet, finds it instead of failing."""
    from django.db.models import QuerySet

    from transport.services import passenger_take_off

    today = timezone.localdate()
    first = passenger_take_off(
        vehicle=vehicle, day=today, listed=passenger, reason="not_on_board", user=operator
    )
    monkeypatch.setattr(QuerySet, "first", lambda self: None)  # as if not committed yet
    second = passenger_take_off(
        vehicle=vehicle, day=today, listed=passenger, reason="not_on_board", user=operator
    )
    assert second == first
    assert PassengerRemoval.objects.count() == 1
