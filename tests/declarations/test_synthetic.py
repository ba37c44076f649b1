import unicodedata
from collections import Counter
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Max
from django.utils import timezone

from declarations import codes
from declarations.models import (
    Declaration,
    DeclarationPoint,
    MadeBy,
    Person,
    PointKind,
    Transport,
    VisitRole,
)
from declarations.normalize import fold_name, normalize_phone, normalize_plate
from declarations.risk import RiskLevel, assess_risk
from declarations.services import people_risk_levels
from declarations.synthetic import SyntheticPopulation, lookup_codes_assign
from tests.conftest import LAI_CHAU

NOW = datetime(2021, 8, 20, 15, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def generate(**options) -> str:
    out = StringIO()
    call_command("generate_data", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def generated(places):
    """400 declarations by 250 people, in batches of 100."""
    return generate(declarations=400, people=250, seed=7, batch=100)


def test_the_command_creates_the_people_and_declarations_asked_for(generated):
    assert Person.objects.count() == 250
    assert Declaration.objects.count() == 400
    assert "Created 250 people and 400 declarations" in generated


def test_by_default_people_declare_1_6_times_on_average(places):
    generate(declarations=160, seed=1)
    assert Person.objects.count() == 100
    assert Declaration.objects.count() == 160


def test_every_person_has_declarations_the_risk_the_rule_gives_and_the_latest_time(generated):
    declarations = Declaration.objects.order_by("person_id", "submitted_at", "id")
    first, latest = {}, {}
    for declaration in declarations:
        first.setdefault(declaration.person_id, declaration)
        latest[declaration.person_id] = declaration
    people = list(Person.objects.all())
    assert {person.pk for person in people} == set(latest)
    levels = people_risk_levels(person.pk for person in people)
    for person in people:
        assert person.risk_level == levels[person.pk]
        assert person.updated_at == latest[person.pk].submitted_at
        assert person.created_at == first[person.pk].submitted_at
    counts = Person.objects.annotate(n=Count("declarations")).values_list("n", flat=True)
    assert min(counts) >= 1 and max(counts) > 1


def test_each_declaration_has_the_risk_the_rules_give(generated):
    for declaration in Declaration.objects.all():
        risk = assess_risk(
            symptoms=declaration.symptoms,
            exposures=declaration.exposures,
            place_codes=[],
            travel_date=declaration.travel_date,
            zones=[],
        )
        assert declaration.risk_level == risk.level
        assert declaration.risk_reasons == risk.stored_reasons()


def test_names_have_diacritics_and_are_folded(generated):
    names = list(Person.objects.values_list("full_name", "name_folded"))
    for full_name, folded in names:
        assert len(full_name.split()) == 3
        assert unicodedata.is_normalized("NFC", full_name)
        assert folded == fold_name(full_name) and folded.isascii()
    assert sum(not full_name.isascii() for full_name, _ in names) > len(names) / 2
    assert any(full_name.startswith("Nguyễn ") for full_name, _ in names)


def test_phones_id_numbers_and_plates_are_written_as_the_form_stores_them(generated):
    people = list(Person.objects.all())
    assert all(normalize_phone(person.phone) == person.phone for person in people)
    id_numbers = [person for person in people if person.id_number]
    assert 0.55 < len(id_numbers) / len(people) < 0.85
    for person in id_numbers:
        assert len(person.id_number) == 12 and person.id_number.isdigit()
        assert person.id_number[:3] == "0" + person.residence_province_id
    assert {person.nationality for person in people} == {"Việt Nam"}
    for plate, transport, seat in Declaration.objects.values_list(
        "vehicle_plate", "transport", "seat"
    ):
        assert plate == "" or normalize_plate(plate) == plate
        if transport == Transport.COACH:
            assert plate and seat


def test_coaches_carry_many_passengers(generated):
    coach = Declaration.objects.filter(transport=Transport.COACH)
    plates = set(coach.values_list("vehicle_plate", flat=True))
    assert coach.count() > 200
    assert len(plates) <= coach.count() / 10


def test_journeys_end_in_the_served_province_and_places_nest(generated, places):
    for declaration in Declaration.objects.all():
        assert places.is_child(declaration.to_district_id, LAI_CHAU)
        assert places.is_child(declaration.to_commune_id, declaration.to_district_id)
        assert places.is_child(declaration.from_district_id, declaration.from_province_id)
        assert declaration.from_province_id != LAI_CHAU
    people = list(Person.objects.all())
    for person in people:
        assert places.is_child(person.residence_district_id, person.residence_province_id)
        assert places.is_child(person.residence_commune_id, person.residence_district_id)
    local = sum(person.residence_province_id == LAI_CHAU for person in people)
    assert 0.6 < local / len(people) < 0.9


def test_declarations_fall_in_the_last_days_and_never_in_the_future(places):
    generate(declarations=300, people=60, days=3, seed=3)
    now, today = timezone.now(), timezone.localdate()
    for declaration in Declaration.objects.all():
        assert today - timedelta(days=2) <= declaration.travel_date <= today
        assert declaration.submitted_at <= now
        assert timezone.localdate(declaration.submitted_at) == declaration.travel_date
    # Five declarations each in three days: the latest is still the person's.
    latest = Person.objects.annotate(latest=Max("declarations__submitted_at"))
    assert all(person.updated_at == person.latest for person in latest)


def test_about_one_declaration_in_twenty_is_at_risk(places):
    generate(declarations=2000, seed=1)
    levels = list(Declaration.objects.values_list("risk_level", flat=True))
    at_risk = sum(level != RiskLevel.NONE for level in levels) / len(levels)
    assert 0.03 < at_risk < 0.075
    assert RiskLevel.HIGH in levels and RiskLevel.MEDIUM in levels
    made_by = list(Declaration.objects.values_list("made_by", "made_by_user"))
    on_behalf = [user for how, user in made_by if how == MadeBy.ON_BEHALF]
    assert 0.02 < len(on_behalf) / len(made_by) < 0.08
    assert set(on_behalf) == {None}


def test_lookup_codes_are_valid_and_unique(generated):
    lookup_codes = list(Person.objects.values_list("lookup_code", flat=True))
    assert len(set(lookup_codes)) == len(lookup_codes)
    assert all(codes.parse_code(code) == code for code in lookup_codes)


def test_a_lookup_code_taken_in_the_database_or_in_the_run_is_drawn_again(citizen, monkeypatch):
    draws = iter([citizen.lookup_code, "22222222", "22222222", "33333333"])
    monkeypatch.setattr(codes, "generate_code", lambda: next(draws))
    people = [Person(), Person()]

    lookup_codes_assign(people, taken=set())

    assert [person.lookup_code for person in people] == ["33333333", "22222222"]


def test_with_if_empty_a_second_run_adds_nothing(places):
    generate(declarations=50, if_empty=True)
    second = generate(declarations=50, if_empty=True)
    assert Declaration.objects.count() == 50
    assert "already" in second


def test_the_same_seed_draws_the_same_population(places):
    now = timezone.now()

    def draw(seed: int) -> list[tuple]:
        population = SyntheticPopulation(
            tree=places,
            province_code=LAI_CHAU,
            declarations=60,
            people=40,
            seed=seed,
            now=now,
        )
        return [
            (r.person.full_name, r.person.phone, [d.submitted_at for d in r.declarations])
            for r in population.records()
        ]

    assert draw(5) == draw(5)
    assert draw(5) != draw(6)


def test_more_people_than_declarations_is_refused(places):
    with pytest.raises(CommandError):
        generate(declarations=10, people=11)
    assert not Person.objects.exists()


# -- through declaration points ------------------------------------------------------------------


@pytest.fixture
def points(places, time_machine):
    """Ten coaches, a hospital with its departments, and a checkpoint, as their QR points; the
    time frozen, so that the seed alone decides what is drawn."""
    time_machine.move_to(NOW, tick=False)
    coaches = [
        DeclarationPoint.objects.create(
            kind=PointKind.VEHICLE, name=f"25B-100.{n:02d}", vehicle_plate=f"25B-100.{n:02d}"
        )
        for n in range(10)
    ]
    hospital = DeclarationPoint.objects.create(
        kind=PointKind.FACILITY, name="Bệnh viện", departments="Khoa Nhi\n Khoa Nội \n\n"
    )
    checkpoint = DeclarationPoint.objects.create(kind=PointKind.CHECKPOINT, name="Chốt")
    return coaches, hospital, checkpoint


def test_coach_passengers_declare_through_a_running_coachs_qr(points):
    coaches, _hospital, _checkpoint = points
    out = generate(declarations=1000, seed=2)
    through = Declaration.objects.filter(point__in=coaches)
    assert through.count() > 400
    assert "on coaches' passenger lists" in out
    plates = {coach.pk: coach.vehicle_plate for coach in coaches}
    for point, plate, transport, seat in through.values_list(
        "point", "vehicle_plate", "transport", "seat"
    ):
        assert plate == plates[point]
        assert transport == Transport.COACH and seat
    lists = Counter(
        (point, timezone.localdate(moment))
        for point, moment in through.values_list("point", "submitted_at")
    )
    sizes = sorted(lists.values())
    assert max(sizes) <= 40
    assert {day for point, day in lists if point == coaches[0].pk} == {
        NOW.date() - timedelta(days=offset) for offset in range(14)
    }  # the first coach registered runs every day, today too
    assert sum(5 <= size <= 40 for size in sizes) > 0.8 * len(sizes)
    seats = Counter(
        (point, timezone.localdate(moment), seat)
        for point, moment, seat in through.values_list("point", "submitted_at", "seat")
    )
    assert max(seats.values()) == 1  # no two passengers of a run on one seat


def test_a_few_declare_at_a_facility_or_a_checkpoint(points):
    _coaches, hospital, checkpoint = points
    generate(declarations=1000, seed=2)
    visits = list(Declaration.objects.filter(point=hospital))
    assert 0.02 < len(visits) / 1000 < 0.06
    assert {visit.department for visit in visits} == {"Khoa Nhi", "Khoa Nội"}
    roles = Counter(visit.visit_role for visit in visits)
    assert roles[VisitRole.PATIENT] + roles[VisitRole.RELATIVE] > 0.7 * len(visits)
    at_checkpoint = Declaration.objects.filter(point=checkpoint)
    assert 0.01 < at_checkpoint.count() / 1000 < 0.035
    transports = set(at_checkpoint.values_list("transport", flat=True))
    assert transports <= {Transport.MOTORBIKE, Transport.ON_FOOT}
    others = Declaration.objects.exclude(point=hospital)
    assert not others.exclude(visit_role="").exists()
    assert not others.exclude(department="").exists()


def test_points_out_of_service_are_left_out(points):
    DeclarationPoint.objects.update(is_active=False)
    generate(declarations=200, seed=2)
    assert not Declaration.objects.filter(point__isnull=False).exists()
