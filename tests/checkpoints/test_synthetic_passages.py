from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from checkpoints.models import BusCheck, Checkpoint, Outcome, Passage
from declarations.models import Declaration
from declarations.risk import RiskLevel
from transport.manifest import manifest_declarations

# Mid-afternoon: today's coaches have left, and most of the day is still in the future.
NOW = datetime(2021, 8, 20, 15, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def run(command: str, **options) -> str:
    out = StringIO()
    call_command(command, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def closed_checkpoint(places):
    return Checkpoint.objects.create(name="Chốt đã dỡ", district_id="106", is_active=False)


@pytest.fixture
def generated(time_machine, officer, other_checkpoint, closed_checkpoint) -> str:
    """Ten coaches, 800 declarations, then passages at the officer's Km 15 (Tam Đường) and
    at Pa So (Sìn Hồ, no officer); the Tam Đường checkpoint that closed gets none."""
    time_machine.move_to(NOW, tick=False)
    run("generate_fleet", companies=3, vehicles=10, seed=1)
    run("generate_data", declarations=800, seed=1)
    return run("generate_passages", share=0.3, seed=1)


def test_passages_are_at_active_checkpoints_and_never_in_the_future(
    generated, checkpoint, other_checkpoint
):
    passages = list(Passage.objects.all())
    assert "Created" in generated and len(passages) > 150
    assert {p.checkpoint_id for p in passages} == {checkpoint.pk, other_checkpoint.pk}
    earliest = NOW.replace(hour=0, minute=0) - timedelta(days=13)
    assert all(earliest <= p.at <= timezone.now() for p in passages)
    assert {p.direction for p in passages} == {"in"}


def test_travellers_cross_on_their_travel_day_at_a_checkpoint_of_their_destination(
    generated, other_checkpoint
):
    journeys = {}
    for person, day, district, point in Declaration.objects.values_list(
        "person", "travel_date", "to_district", "point"
    ):
        journeys.setdefault(person, set()).add((day, district, point))
    for passage in Passage.objects.filter(bus_check=None):
        day = timezone.localdate(passage.at)
        travelled = {(d, district) for d, district, _point in journeys[passage.person_id]}
        assert day in {d for d, _district in travelled} or day == NOW.date()  # or the board's
        through_its_qr = {point for _d, _district, point in journeys[passage.person_id]}
        if passage.checkpoint_id == other_checkpoint.pk:  # Pa So, in Sìn Hồ
            assert (day, "108") in travelled or other_checkpoint.point_id in through_its_qr


def test_only_people_at_risk_are_held_or_asked_to_update(generated):
    stopped = Passage.objects.exclude(outcome=Outcome.ALLOWED).select_related("person")
    assert stopped.exists()
    for passage in stopped:
        assert passage.person.declarations.exclude(risk_level=RiskLevel.NONE).exists()
    allowed = Passage.objects.filter(outcome=Outcome.ALLOWED).count()
    assert allowed > 0.9 * Passage.objects.count()


def test_officers_are_those_of_the_checkpoint(generated, officer, checkpoint, other_checkpoint):
    assert set(Passage.objects.filter(checkpoint=checkpoint).values_list("officer", flat=True)) == {
        officer.pk
    }
    at_pa_so = Passage.objects.filter(checkpoint=other_checkpoint)
    assert set(at_pa_so.values_list("officer", flat=True)) == {None}


def test_the_officers_board_shows_passages_today(generated, client, officer):
    client.force_login(officer)
    response = client.get("/chot/bang/")
    assert len(response.context["passages"]) >= 10
    assert response.context["counts"]["entering"] >= 10


def test_bus_checks_agree_with_the_coaches_lists(generated):
    checks = list(BusCheck.objects.select_related("vehicle").prefetch_related("passages"))
    assert checks
    for check in checks:
        listed = manifest_declarations(check.vehicle, timezone.localdate(check.at))
        assert check.on_list == len(listed)
        assert check.on_list - 2 <= check.on_board <= check.on_list
        assert 0 <= check.undeclared <= 3
        assert check.vehicle_plate == check.vehicle.plate
        passages = check.passages.all()
        assert len(passages) == check.on_board
        assert {p.person_id for p in passages} <= {d.person_id for d in listed}
        assert all(p.at == check.at and p.vehicle_plate == check.vehicle_plate for p in passages)
        assert check.at <= timezone.now()


def test_with_if_empty_a_second_run_adds_nothing(generated):
    count = Passage.objects.count()
    second = run("generate_passages", if_empty=True)
    assert "already exist" in second
    assert Passage.objects.count() == count


def test_without_an_active_checkpoint_nothing_is_generated(closed_checkpoint, make_declaration):
    make_declaration()
    with pytest.raises(CommandError):
        run("generate_passages")
    assert not Passage.objects.exists()
