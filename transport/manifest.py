"""A vehicle's passenger list (danh sách hành khách) for one day.

The list is made of the declarations sent through the vehicle's QR point, by the passengers
themselves or by the crew on their behalf, and of those sent on the ordinary form (or by an
officer or a hospital) with the vehicle's plate and that day as the travel date: they too
declared this vehicle, and a bus check must not count them as undeclared. The operators' pages,
their Excel export and the checkpoints' bus check all read it from here, so that they always
agree on who was on board.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from declarations.models import Declaration, MadeBy, PointKind, Transport
from declarations.risk import RiskLevel
from transport.models import PassengerRemoval, Vehicle


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The aware start and end (exclusive) of a local day in the site's time zone.

    A range on ``submitted_at`` uses its index, where ``__date`` would convert every row.
    """
    zone = timezone.get_default_timezone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


# What ``ManifestRow.declared_by`` reads of the account that declared on a passenger's behalf.
DECLARED_BY = (
    "made_by_user__staff_profile__checkpoint",
    "made_by_user__staff_profile__facility",
)


def manifest_declarations(vehicle: Vehicle, day: date) -> list[Declaration]:
    """The passengers of ``vehicle`` on the local ``day``: one declaration per person.

    These are the declarations of the vehicle for that day (``_declared_for``), by seat
    (``seat_order``: A02 before A10 before B01), then those without a seat in boarding order: a
    crew or an officer checks a coach seat by seat. A person who declared more than once
    appears once, with their latest declaration; one the crew took off the list does not,
    unless they declared again since (``_still_off``). ``person``, and what says who declared,
    are selected with each declaration, so reading the list costs one query however long it is
    (and one for those taken off).
    """
    declarations = (
        Declaration.objects.filter(_declared_for(vehicle, day))
        .select_related("person", "point", *DECLARED_BY)
        .order_by("submitted_at", "id")
    )
    latest = {declaration.person_id: declaration for declaration in declarations}
    off = taken_off([vehicle], day)
    listed = [
        d for d in latest.values() if not _still_off(off, vehicle.pk, d.person_id, d.submitted_at)
    ]
    return sorted(listed, key=lambda d: (*seat_order(d.seat), d.submitted_at, d.id))


def _declared_for(vehicle: Vehicle, day: date) -> Q:
    """Declarations of ``vehicle`` for the local ``day``: naming its plate, by coach, with that
    day as the travel date; or sent through its QR point that day (Asia/Ho_Chi_Minh time) for a
    journey that day (a passenger who scans today for tomorrow's trip is on tomorrow's list,
    through the plate). Each part reads an index (``decl_plate_date``, ``decl_point_newest``).
    A plate counts only with a journey by coach: one kept by mistake with another means is no
    passenger's. ``_is_for`` says the same of one declaration's values."""
    by_plate = Q(vehicle_plate=vehicle.plate, travel_date=day, transport=Transport.COACH)
    if vehicle.point_id is None:  # never read "no point" as "every declaration without one"
        return by_plate
    start, end = day_bounds(day)
    on_the_day = Q(travel_date=day) | Q(travel_date=None)
    by_point = Q(point=vehicle.point_id, submitted_at__gte=start, submitted_at__lt=end)
    return by_plate | (by_point & on_the_day)


class _Matcher:
    """Which of some vehicles a declaration's values (``ROW_FIELDS``) make it one of on
    ``day``, as ``_declared_for`` selects them, by dictionary look-ups."""

    def __init__(self, vehicles: list[Vehicle], day: date):
        self.day = day
        self.start, self.end = day_bounds(day)
        self.by_plate = {vehicle.plate: vehicle for vehicle in vehicles}
        self.by_point = {vehicle.point_id: vehicle for vehicle in vehicles if vehicle.point_id}

    def vehicles(self, row: dict) -> list[Vehicle]:
        found = []
        plate = self.by_plate.get(row["vehicle_plate"])
        if plate and row["travel_date"] == self.day and row["transport"] == Transport.COACH:
            found.append(plate)
        point = self.by_point.get(row["point"])
        in_the_day = point and self.start <= row["submitted_at"] < self.end
        if in_the_day and row["travel_date"] in (self.day, None) and point not in found:
            found.append(point)
        return found


ROW_FIELDS = ("point", "submitted_at", "vehicle_plate", "travel_date", "transport", "person")


def taken_off(vehicles: Iterable[Vehicle], day: date) -> dict[tuple[int, int], datetime]:
    """Who the crews took off these vehicles' lists for ``day`` and did not put back, with
    when: {(vehicle id, person id): removed_at} (``PassengerRemoval``), in one query."""
    removals = PassengerRemoval.objects.filter(
        vehicle__in=[vehicle.pk for vehicle in vehicles], day=day, restored_at=None
    )
    return {(v, p): at for v, p, at in removals.values_list("vehicle", "person", "removed_at")}


def _still_off(off: dict, vehicle_id: int, person_id: int, latest_submitted: datetime) -> bool:
    """Taken off (``taken_off``), and not declared again for the vehicle since."""
    removed_at = off.get((vehicle_id, person_id))
    return removed_at is not None and latest_submitted <= removed_at


def seat_order(seat: str) -> tuple:
    """A seat's place in the list: seats by their letters then their number, as people read them
    ("A2" and "A02" together, before "A10"), and no seat last."""
    parts = re.findall(r"\d+|[^\d\s-]+", seat.upper())
    if not parts:
        return (1, ())
    return (0, tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts))


def passenger_counts(vehicles: Iterable[Vehicle], day: date) -> dict[int, int]:
    """How many people are on each vehicle's list for ``day`` (as ``manifest_declarations``
    lists them), by vehicle id."""
    vehicles = list(vehicles)
    if not vehicles:
        return {}
    rows = Declaration.objects.filter(
        reduce(or_, (_declared_for(vehicle, day) for vehicle in vehicles))
    ).values(*ROW_FIELDS)
    latest: dict[tuple[int, int], datetime] = {}  # (vehicle, person) -> latest declaration
    matcher = _Matcher(vehicles, day)
    for row in rows:
        for vehicle in matcher.vehicles(row):
            key = (vehicle.pk, row["person"])
            latest[key] = max(latest.get(key, row["submitted_at"]), row["submitted_at"])
    off = taken_off(vehicles, day)
    people = defaultdict(int)
    for (vehicle, person), submitted in latest.items():
        if not _still_off(off, vehicle, person, submitted):
            people[vehicle] += 1
    return dict(people)


def mask_phone(phone: str) -> str:
    """A phone number with only its network prefix shown: ``091*******``.

    Operators keep passenger lists on paper and on phones, beside each passenger's lookup code.
    The last 4 digits are the citizen's second factor at /tra-cuu/: showing even 2 of them
    would leave 100 guesses to open a passenger's declarations, so none of the last digits
    shows.
    """
    if not phone:
        return ""
    return phone[:3] + "*" * max(len(phone) - 3, 7)


MANIFEST_HEADERS = [
    _("No."),
    _("Full name"),
    _("Year of birth"),
    _("Seat"),
    _("Phone"),
    _("Lookup code"),
    _("Risk"),
    _("Declared by"),
]


@dataclass(frozen=True)
class ManifestRow:
    """One line of the passenger list, as the page, the printout and the export show it."""

    number: int
    declaration: Declaration

    @property
    def person(self):
        return self.declaration.person

    @property
    def risk_level(self) -> str:
        """The person's current risk, as their page, the desk and the bus check show it: a
        confirmed contact is at high risk whatever the trip's declaration said, and one the
        health staff cleared is at none. The crew print and sign this list, so it must not
        contradict the other pages."""
        return self.person.risk_level

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.person.phone)

    @property
    def declared_by(self) -> str:
        """Who sent the declaration: the passenger, or on their behalf the crew, a checkpoint
        or a health facility (by name). The point it was sent through says so; an officer's
        declaration on the spot has none, and their checkpoint says it."""
        declaration = self.declaration
        if declaration.made_by != MadeBy.ON_BEHALF:
            return str(_("Self"))
        point = declaration.point
        if point is not None and point.kind == PointKind.VEHICLE:
            return str(_("Crew"))
        if point is not None and point.kind == PointKind.FACILITY:
            return _("Health facility (%(name)s)") % {"name": point.name}
        if point is not None and point.kind == PointKind.CHECKPOINT:
            return _("Checkpoint (%(name)s)") % {"name": point.name}
        profile = getattr(declaration.made_by_user, "staff_profile", None)
        if profile is not None and profile.checkpoint is not None:
            return _("Checkpoint (%(name)s)") % {"name": profile.checkpoint.name}
        if profile is not None and profile.facility is not None:
            return _("Health facility (%(name)s)") % {"name": profile.facility.name}
        if profile is not None and profile.company_id is not None:
            return str(_("Crew"))
        return str(_("Staff, on the passenger's behalf"))

    def cells(self) -> list:
        """The values of the columns of ``MANIFEST_HEADERS``, in order."""
        return [
            self.number,
            self.person.full_name,
            self.person.birth_year,
            self.declaration.seat,
            self.masked_phone,
            self.person.display_code,
            str(RiskLevel(self.risk_level).label),
            self.declared_by,
        ]


def manifest_rows(declarations: Iterable[Declaration]) -> list[ManifestRow]:
    return [ManifestRow(number, d) for number, d in enumerate(declarations, start=1)]


def vehicles_carrying(person, vehicles: Iterable[Vehicle], day: date) -> list[tuple]:
    """Which of ``vehicles`` have ``person`` on their passenger list for ``day`` (as
    ``manifest_declarations`` lists them: not if taken off and not declared again since), each
    with the person's latest declaration of it: [(vehicle, declaration)], by plate."""
    vehicles = list(vehicles)
    if not vehicles:
        return []
    declarations = list(
        Declaration.objects.filter(person=person)
        .filter(reduce(or_, (_declared_for(vehicle, day) for vehicle in vehicles)))
        .order_by("submitted_at", "id")
    )
    carrying = {}
    matcher = _Matcher(vehicles, day)
    for declaration in declarations:  # in order: the latest of each vehicle last
        row = {field: getattr(declaration, field) for field in ROW_FIELDS[1:-1]}
        row["point"] = declaration.point_id
        for vehicle in matcher.vehicles(row):
            carrying[vehicle.pk] = (vehicle, declaration)
    off = taken_off(vehicles, day)
    listed = [
        (vehicle, declaration)
        for vehicle, declaration in carrying.values()
        if not _still_off(off, vehicle.pk, person.pk, declaration.submitted_at)
    ]
    return sorted(listed, key=lambda pair: pair[0].plate)


def removals(vehicle: Vehicle, day: date, listed: Iterable[Declaration] = ()) -> list:
    """Who is off the vehicle's list for ``day`` (taken off, not put back), and why, latest
    first; but for those back on it (``listed``: the list, ``manifest_declarations``) by
    declaring the vehicle again since."""
    back = {declaration.person_id for declaration in listed}
    found = PassengerRemoval.objects.filter(vehicle=vehicle, day=day, restored_at=None)
    found = found.exclude(person__in=back) if back else found
    return list(found.select_related("person").order_by("-removed_at"))


def person_removals(person, vehicles: Iterable[Vehicle], day: date) -> list[PassengerRemoval]:
    """Which of ``vehicles``' lists for ``day`` the crews took ``person`` off and did not put
    back, each with its vehicle, by plate."""
    found = PassengerRemoval.objects.filter(
        vehicle__in=[vehicle.pk for vehicle in vehicles], day=day, person=person, restored_at=None
    )
    return list(found.select_related("vehicle").order_by("vehicle__plate"))
