"""Writes that span people and declarations. Views, admin actions, importers and tests use these."""

import uuid
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from declarations import codes
from declarations.models import Declaration, EpidemicZone, MadeBy, Person
from declarations.risk import Zone, assess_risk

CODE_ATTEMPTS = 10


@dataclass(frozen=True)
class DeclarationData:
    """The answers of one declaration form, already validated and normalised."""

    full_name: str
    birth_year: int
    sex: str
    nationality: str
    phone: str
    residence_province: str
    residence_district: str
    residence_commune: str
    travel_date: date
    from_province: str
    from_district: str
    to_district: str
    to_commune: str
    transport: str
    id_number: str = ""
    email: str = ""
    residence_address: str = ""
    to_address: str = ""
    vehicle_plate: str = ""
    seat: str = ""
    places_visited: str = ""
    symptoms: tuple[str, ...] = ()
    exposures: tuple[str, ...] = ()
    vaccine_doses: int = 0

    PERSON_FIELDS = (
        "full_name",
        "birth_year",
        "sex",
        "nationality",
        "id_number",
        "phone",
        "email",
        "residence_address",
    )
    PERSON_PLACES = ("residence_province", "residence_district", "residence_commune")

    def person_values(self) -> dict:
        values = {name: getattr(self, name) for name in self.PERSON_FIELDS}
        values |= {f"{name}_id": getattr(self, name) for name in self.PERSON_PLACES}
        return values


def active_zones(day: date) -> list[Zone]:
    """The epidemic zones in force on ``day``, as the risk rules take them."""
    rows = EpidemicZone.objects.filter(starts_on__lte=day).exclude(ends_on__lt=day)
    return [Zone(z.place_code, z.place_name, z.starts_on, z.ends_on) for z in rows]


def declaration_submit(
    *,
    data: DeclarationData,
    token: uuid.UUID,
    person: Person | None = None,
    made_by: str = MadeBy.SELF,
    made_by_user=None,
) -> Declaration:
    """Record one declaration, creating the person (and their code) unless one is given.

    Idempotent on ``token``: a second call with the same token (a double tap, a retry after a
    timeout) returns the declaration the first call made and writes nothing.
    """
    existing = Declaration.objects.select_related("person").filter(submission_token=token).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            person = _person_save(person, data)
            return _declaration_create(person, data, token, made_by, made_by_user)
    except IntegrityError:
        # Another request with the same token committed first; it is the one to show.
        existing = Declaration.objects.select_related("person").filter(submission_token=token)
        if existing.exists():
            return existing.get()
        raise


def _person_save(person: Person | None, data: DeclarationData) -> Person:
    values = data.person_values()
    if person is None:
        return person_create(values)
    for name, value in values.items():
        setattr(person, name, value)
    person.updated_at = timezone.now()
    person.save(update_fields=[*values, "updated_at"])
    return person


def person_create(values: dict) -> Person:
    """Create a person with a fresh lookup code, drawing again if the code is already taken."""
    for _attempt in range(CODE_ATTEMPTS):
        code = codes.generate_code()
        try:
            with transaction.atomic():
                return Person.objects.create(lookup_code=code, **values)
        except IntegrityError:
            if not Person.objects.filter(lookup_code=code).exists():
                raise
    raise RuntimeError(f"No free lookup code after {CODE_ATTEMPTS} draws.")


def _declaration_create(person, data, token, made_by, made_by_user) -> Declaration:
    risk = assess_risk(
        symptoms=data.symptoms,
        exposures=data.exposures,
        place_codes=[
            data.from_province,
            data.from_district,
            data.residence_province,
            data.residence_district,
            data.residence_commune,
        ],
        travel_date=data.travel_date,
        zones=active_zones(data.travel_date),
    )
    return Declaration.objects.create(
        person=person,
        submission_token=token,
        made_by=made_by,
        made_by_user=made_by_user,
        travel_date=data.travel_date,
        from_province_id=data.from_province,
        from_district_id=data.from_district,
        to_district_id=data.to_district,
        to_commune_id=data.to_commune,
        to_address=data.to_address,
        transport=data.transport,
        vehicle_plate=data.vehicle_plate,
        seat=data.seat,
        places_visited=data.places_visited,
        symptoms=list(data.symptoms),
        exposures=list(data.exposures),
        vaccine_doses=data.vaccine_doses,
        risk_level=risk.level,
        risk_reasons=risk.stored_reasons(),
    )
