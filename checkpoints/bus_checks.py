"""Checking a bus at a checkpoint against its passenger list, and what the checks found."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone

from checkpoints.models import BusCheck, Checkpoint, Direction, Outcome, Passage
from checkpoints.services import SAME_CROSSING_WINDOW, crossings_already_recorded, recording_at
from transport.manifest import manifest_declarations
from transport.models import Vehicle


def todays_list(vehicle: Vehicle | None) -> list:
    """Today's passenger list of the vehicle (declarations, one per person), or nothing."""
    return manifest_declarations(vehicle, timezone.localdate()) if vehicle else []


def same_crossing_checked(*, checkpoint: Checkpoint, plate: str, direction: str):
    """The check of this bus at this checkpoint in this direction within
    ``SAME_CROSSING_WINDOW``, if any. A check sent then is the same crossing checked again (a
    form sent again after Back, which draws it with a new token; a passenger forgotten; a
    recount): it joins that check, so the transport department's findings count the bus once.
    As for a person's crossing, a coach does not cross one checkpoint the same way twice in the
    window; a return trip crosses the other way."""
    since = timezone.now() - SAME_CROSSING_WINDOW
    checks = BusCheck.objects.filter(
        checkpoint=checkpoint, vehicle_plate=plate, direction=direction, at__gt=since
    )
    return checks.order_by("-at").first()


@transaction.atomic
def bus_check_record(
    *,
    checkpoint: Checkpoint,
    officer,
    plate: str,
    vehicle: Vehicle | None,
    on_board: list,
    on_list: int,
    undeclared: int,
    direction: str = Direction.IN,
    note: str = "",
    form_token=None,
) -> BusCheck:
    """Save the check and one passage for every listed passenger found on board, but for those
    whose crossing is already recorded (``crossings_already_recorded``): the same check sent
    twice, or the same bus checked again, records each crossing once. ``on_board`` counts them
    all; the check's passages are those recorded by it. A form sent again (``form_token``)
    finds the check it recorded and records nothing more; a check of the same crossing
    (``same_crossing_checked``) joins it, and is returned with ``checked_again`` true."""
    recording_at(checkpoint)
    if form_token is not None:
        sent_before = BusCheck.objects.filter(form_token=form_token).first()
        if sent_before is not None:
            return sent_before
    check = same_crossing_checked(checkpoint=checkpoint, plate=plate, direction=direction)
    if check is not None:
        _check_again(check, on_board=on_board, on_list=on_list, undeclared=undeclared, note=note)
    else:
        check = BusCheck.objects.create(
            form_token=form_token,
            direction=direction,
            checkpoint=checkpoint,
            officer=officer,
            vehicle=vehicle,
            vehicle_plate=plate,
            on_list=on_list,
            on_board=len(on_board),
            undeclared=undeclared,
            note=note,
        )
    recorded = crossings_already_recorded(
        checkpoint=checkpoint, direction=direction, people=[p.pk for p in on_board], at=check.at
    )
    Passage.objects.bulk_create(
        Passage(
            person=person,
            checkpoint=checkpoint,
            officer=officer,
            direction=direction,
            vehicle_plate=plate,
            outcome=Outcome.ALLOWED,
            bus_check=check,
        )
        for person in on_board
        if person.pk not in recorded
    )
    return check


def _check_again(check: BusCheck, *, on_board: list, on_list: int, undeclared: int, note: str):
    """The same crossing checked again: the latest count of undeclared passengers stands (a
    recount corrects the first), the passengers on board are the most either check found, and
    a new note is added to the first."""
    check.undeclared = undeclared
    check.on_list = on_list
    check.on_board = max(check.on_board, len(on_board))
    if note and note not in check.note:
        check.note = f"{check.note} · {note}" if check.note else note
        check.note = check.note[: BusCheck._meta.get_field("note").max_length]
    check.save(update_fields=["undeclared", "on_list", "on_board", "note"])
    check.checked_again = True


@dataclass
class Finding:
    plate: str
    company: str
    checks: int
    undeclared: int
    last_at: datetime
    checkpoints: str


def undeclared_findings(start: date, end: date) -> list[Finding]:
    """Vehicles found carrying undeclared passengers between two days (inclusive), worst first.

    A finding is a plate's, with the company the plate is registered to now, as the plate's
    page (``plate_checks``) gives it: a coach registered after it was first found (its earlier
    checks have no vehicle) is one finding, of its company, not two.
    """
    checks = _checks_between(start, end).filter(undeclared__gt=0)
    rows = list(
        checks.values("vehicle_plate")
        .annotate(checks=Count("id"), undeclared=Sum("undeclared"), last_at=Max("at"))
        .order_by("-undeclared", "vehicle_plate")
    )
    plates = [row["vehicle_plate"] for row in rows]
    companies = dict(Vehicle.objects.filter(plate__in=plates).values_list("plate", "company__name"))
    places = _checkpoints_by_plate(checks)
    return [
        Finding(
            plate=row["vehicle_plate"],
            company=companies.get(row["vehicle_plate"], ""),
            checks=row["checks"],
            undeclared=row["undeclared"],
            last_at=row["last_at"],
            checkpoints=", ".join(sorted(places.get(row["vehicle_plate"], ()))),
        )
        for row in rows
    ]


def plate_checks(plate: str, start: date, end: date):
    """The checks behind a finding: every check of the plate between two days, latest first."""
    checks = _checks_between(start, end).filter(vehicle_plate=plate)
    return checks.select_related("checkpoint", "officer").order_by("-at")


def _checks_between(start: date, end: date):
    zone = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tzinfo=zone)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)
    return BusCheck.objects.filter(at__gte=since, at__lt=until)


def _checkpoints_by_plate(checks) -> dict[str, set[str]]:
    places: dict[str, set[str]] = {}
    for plate, name in checks.values_list("vehicle_plate", "checkpoint__name").distinct():
        places.setdefault(plate, set()).add(name)
    return places
