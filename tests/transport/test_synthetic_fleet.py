from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from declarations.models import Declaration, DeclarationPoint, PointKind
from declarations.normalize import normalize_plate
from transport.manifest import manifest_declarations
from transport.models import BusCompany, Vehicle

NOW = datetime(2021, 8, 20, 15, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def run(command: str, **options) -> str:
    out = StringIO()
    call_command(command, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def fleet(places, company, vehicle) -> str:
    """Six companies and forty coaches, next to the demo's Hưng Thành and its coach."""
    return run("generate_fleet", companies=6, vehicles=40, seed=4)


def test_the_command_creates_the_companies_and_vehicles_asked_for(fleet, company):
    assert "Created 6 bus companies and 40 vehicles" in fleet
    assert BusCompany.objects.count() == 7
    assert Vehicle.objects.count() == 41
    assert Vehicle.objects.filter(company=company).count() == 1  # the existing one only
    new = BusCompany.objects.exclude(pk=company.pk)
    assert all(c.phone and c.address and c.vehicles.exists() for c in new)


def test_plates_are_unique_provincial_and_written_as_the_form_stores_them(fleet):
    plates = list(Vehicle.objects.values_list("plate", flat=True))
    assert len(set(plates)) == len(plates)
    assert all(normalize_plate(plate) == plate and plate.startswith("25B-") for plate in plates)


def test_vehicles_have_coach_seats_a_route_and_their_qr_point(fleet):
    vehicles = list(Vehicle.objects.select_related("point", "company"))
    assert {v.seats for v in vehicles} <= {16, 29, 35, 40, 45}
    for vehicle in vehicles:
        assert " – " in vehicle.route
        assert vehicle.point.kind == PointKind.VEHICLE
        assert vehicle.point.vehicle_plate == vehicle.plate
        assert vehicle.point.name == f"{vehicle.plate} · {vehicle.company.name}"
    assert DeclarationPoint.objects.filter(kind=PointKind.VEHICLE).count() == len(vehicles)
    assert any(v.route.startswith("Lai Châu – ") for v in vehicles)


def test_names_of_existing_companies_are_never_drawn_again(places, company):
    run("generate_fleet", companies=40, vehicles=40, seed=1)
    names = list(BusCompany.objects.values_list("name", flat=True))
    assert len(names) == 41 == len(set(names))


def test_with_if_empty_a_second_run_adds_nothing(fleet):
    second = run("generate_fleet", companies=6, vehicles=40, if_empty=True)
    assert "already exist" in second
    assert Vehicle.objects.count() == 41


def test_with_if_empty_the_demos_coaches_are_not_a_fleet(places, vehicle):
    run("generate_fleet", companies=2, vehicles=5, if_empty=True)
    assert Vehicle.objects.count() == 6


def test_vehicles_without_a_company_are_refused(places):
    with pytest.raises(CommandError):
        run("generate_fleet", companies=0, vehicles=3)
    assert not Vehicle.objects.exists()


def test_the_fleet_carries_the_generated_passengers_in_daily_lists(fleet, time_machine):
    time_machine.move_to(NOW, tick=False)  # the seed alone decides what is drawn
    out = run("generate_data", declarations=1000, seed=5)
    assert "on coaches' passenger lists" in out
    vehicles = {vehicle.point_id: vehicle for vehicle in Vehicle.objects.all()}
    runs = {
        (vehicles[point], timezone.localdate(moment))
        for point, moment in Declaration.objects.filter(point__in=list(vehicles)).values_list(
            "point", "submitted_at"
        )
    }
    assert len({vehicle for vehicle, _day in runs}) > 10
    sizes = []
    for vehicle, day in runs:
        passengers = manifest_declarations(vehicle, day)
        assert all(d.vehicle_plate == vehicle.plate and d.transport == "coach" for d in passengers)
        sizes.append(len(passengers))
    assert max(sizes) <= 40
    assert sum(size >= 5 for size in sizes) > 0.8 * len(sizes)
