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
    appears once, with their latest declaration. ``person``, and what says who declared, are
    selected with each declaration, so reading the list costs one query however long it is.
    """
    declarations = (
        Declaration.objects.filter(_declared_for(vehicle, day))
        .select_related("person", "point", *DECLARED_BY)
        .order_by("submitted_at", "id")
    )
    latest = {declaration.person_id: declaration for declaration in declarations}
    for person_id in removed_people(vehicle, day):
        latest.pop(person_id, None)
    return sorted(latest.values(), key=lambda d: (*seat_order(d.seat), d.submitted_at, d.id))


def _declared_for(vehicle: Vehicle, day: date) -> Q:
    """Declarations of ``vehicle`` for the local ``day``: sent through its QR point that day
    (Asia/Ho_Chi_Minh time), or naming its plate with that day as the travel date. Each part
    reads an index (``decl_point_newest``, ``decl_plate_date``). A plate counts only with a
    journey by coach: one kept by mistake with another means is no passenger's."""
    by_plate = Q(vehicle_plate=vehicle.plate, travel_date=day, transport=Transport.COACH)
    if vehicle.point_id is None:  # never read "no point" as "every declaration without one"
        return by_plate
    start, end = day_bounds(day)
    return by_plate | Q(point=vehicle.point_id, submitted_at__gte=start, submitted_at__lt=end)


def seat_order(seat: str) -> tuple:
    """A seat's place in the list: seats by their letters then their number, as people read them
    ("A2" and "A02" together, before "A10"), and no seat last."""
    parts = re.findall(r"\d+|[^\d\s-]+", seat.upper())
    if not parts:
        return (1, ())
    return (0, tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts))


def passenger_counts(vehicles: Iterable[Vehicle], day: date) -> dict[int, int]:
    """How many people declared each vehicle for ``day`` (``_declared_for``), by vehicle id."""
    vehicles = list(vehicles)
    if not vehicles:
        return {}
    by_point = {vehicle.point_id: vehicle.pk for vehicle in vehicles if vehicle.point_id}
    by_plate = {vehicle.plate: vehicle.pk for vehicle in vehicles}
    rows = Declaration.objects.filter(
        reduce(or_, (_declared_for(vehicle, day) for vehicle in vehicles))
    ).values_list("point", "submitted_at", "vehicle_plate", "travel_date", "transport", "person")
    start, end = day_bounds(day)
    people = defaultdict(set)
    for point, submitted_at, plate, travel_date, transport, person in rows:
        if travel_date == day and plate in by_plate and transport == Transport.COACH:
            people[by_plate[plate]].add(person)
        if point in by_point and start <= submitted_at < end:
            people[by_point[point]].add(person)
    taken_off = PassengerRemoval.objects.filter(vehicle__in=list(by_plate.values()), day=day)
    for vehicle, person in taken_off.values_list("vehicle", "person"):
        people[vehicle].discard(person)
    return {vehicle: len(passengers) for vehicle, passengers in people.items()}


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
            str(RiskLevel(self.declaration.risk_level).label),
            self.declared_by,
        ]


def manifest_rows(declarations: Iterable[Declaration]) -> list[ManifestRow]:
    return [ManifestRow(number, d) for number, d in enumerate(declarations, start=1)]


def vehicles_carrying(person, vehicles: Iterable[Vehicle], day: date) -> list[tuple]:
    """Which of ``vehicles`` have ``person`` on their passenger list for ``day``, each with the
    person's latest declaration of it: [(vehicle, declaration)], by plate."""
    vehicles = list(vehicles)
    if not vehicles:
        return []
    declarations = list(
        Declaration.objects.filter(person=person)
        .filter(reduce(or_, (_declared_for(vehicle, day) for vehicle in vehicles)))
        .order_by("submitted_at", "id")
    )
    start, end = day_bounds(day)
    carrying = {}
    for vehicle in vehicles:
        for declaration in declarations:
            by_plate = declaration.vehicle_plate == vehicle.plate and declaration.travel_date == day
            by_point = declaration.point_id == vehicle.point_id and vehicle.point_id is not None
            if by_plate or (by_point and start <= declaration.submitted_at < end):
                carrying[vehicle.pk] = (vehicle, declaration)
    return sorted(carrying.values(), key=lambda pair: pair[0].plate)


def removed_people(vehicle: Vehicle, day: date) -> set[int]:
    """The people the crew took off the vehicle's list for ``day`` (``PassengerRemoval``)."""
    return set(
        PassengerRemoval.objects.filter(vehicle=vehicle, day=day).values_list("person", flat=True)
    )


def removals(vehicle: Vehicle, day: date) -> list[PassengerRemoval]:
    """Who was taken off the vehicle's list for ``day``, and why, latest first."""
    found = PassengerRemoval.objects.filter(vehicle=vehicle, day=day).select_related("person")
    return list(found.order_by("-removed_at"))
