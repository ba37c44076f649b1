"""Writes of the bus crews: declaring on behalf of their passengers (khai hộ), and taking a
passenger off a day's list."""

import uuid
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from declarations.models import Declaration, MadeBy, Transport
from declarations.services import DeclarationData, declaration_submit
from transport.models import PassengerRemoval, Vehicle


@dataclass(frozen=True)
class PassengerData:
    """The crew's short form for one passenger, validated and normalised (``PassengerForm``).

    Their journey starts where they boarded (``from_province``, ``from_district``), which is
    often not where they live.
    """

    full_name: str
    birth_year: int
    sex: str
    phone: str
    home_province: str
    home_district: str
    home_commune: str
    from_province: str
    from_district: str
    to_district: str
    to_commune: str
    nationality: str = "Việt Nam"
    seat: str = ""
    symptoms: tuple[str, ...] = ()
    exposures: tuple[str, ...] = ()


def passenger_declare(
    *, vehicle: Vehicle, operator, data: PassengerData, token: uuid.UUID
) -> Declaration:
    """Declare today's journey on ``vehicle`` for a passenger, on their behalf.

    Every call makes a new person with their own lookup code: the crew cannot know whether a
    passenger has declared before, and a code must never be handed to someone else. Idempotent
    on ``token``, like every declaration: the same form sent twice records one passenger.
    """
    declaration_data = DeclarationData(
        full_name=data.full_name,
        birth_year=data.birth_year,
        sex=data.sex,
        nationality=data.nationality,
        phone=data.phone,
        residence_province=data.home_province,
        residence_district=data.home_district,
        residence_commune=data.home_commune,
        travel_date=timezone.localdate(),
        from_province=data.from_province,
        from_district=data.from_district,
        to_district=data.to_district,
        to_commune=data.to_commune,
        transport=Transport.COACH,
        vehicle_plate=vehicle.plate,
        seat=data.seat,
        symptoms=data.symptoms,
        exposures=data.exposures,
        point=vehicle.point,
    )
    return declaration_submit(
        data=declaration_data,
        token=token,
        made_by=MadeBy.ON_BEHALF,
        made_by_user=operator,
    )


@transaction.atomic
def passenger_take_off(
    *, vehicle: Vehicle, day: date, listed: Declaration, reason: str, user
) -> PassengerRemoval:
    """Take the passenger of ``listed`` (their declaration on the vehicle's list for ``day``)
    off that list, for ``reason``.

    Sent twice, it takes them off once. A passenger taken off earlier who came back on the list
    by declaring the vehicle again is taken off again: the earlier removal is closed at that
    declaration (it stays, as the record of why they were taken off then), and a new one starts.
    """
    earlier = (
        PassengerRemoval.objects.select_for_update()
        .filter(vehicle=vehicle, day=day, person=listed.person_id, restored_at=None)
        .first()
    )
    if earlier is not None:
        if listed.submitted_at <= earlier.removed_at:
            return earlier
        earlier.restored_at = listed.submitted_at
        earlier.save(update_fields=["restored_at"])
    try:
        with transaction.atomic():
            return PassengerRemoval.objects.create(
                vehicle=vehicle, day=day, person_id=listed.person_id, reason=reason, removed_by=user
            )
    except IntegrityError:  # the same form sent at the same moment took them off first
        return PassengerRemoval.objects.get(
            vehicle=vehicle, day=day, person=listed.person_id, restored_at=None
        )
