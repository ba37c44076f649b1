"""Writes that span people and declarations. Views, admin actions, importers and tests use these."""

import functools
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar

from django.core.cache import cache, caches
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from declarations import codes
from declarations.models import (
    Declaration,
    DeclarationPoint,
    EpidemicZone,
    MadeBy,
    Person,
    PointKind,
    RetiredPointToken,
    RiskFlag,
)
from declarations.risk import (
    CONTACT_RISK,
    RISK_DAYS,
    Reason,
    Risk,
    RiskLevel,
    Zone,
    assess_risk,
)
from truyvet import inserts
from truyvet.compiled import compiled_once

CODE_ATTEMPTS = 10
T = TypeVar("T")


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
    visit_role: str = ""
    department: str = ""
    point: DeclarationPoint | None = None

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
    return [zone for zone in all_zones() if zone.active_on(day)]


ZONES_CACHE_KEY = "epidemic-zones"
ZONES_CACHE_SECONDS = 60
# Each process also keeps them this long in its own memory: asking Redis on every declaration
# cost a tenth of a declaration's work in the web worker.
ZONES_PROCESS_SECONDS = 5


def all_zones() -> list[Zone]:
    """Every epidemic zone: every declaration needs them.

    They are kept in the process's memory for a few seconds, and in the shared cache for a
    minute. Saving or deleting a zone clears the shared cache and this process's copy
    (``EpidemicZone.save``): the other processes see the change within
    ``ZONES_PROCESS_SECONDS``. The shared cache's time limit bounds staleness should a zone
    change some other way.
    """
    zones = caches["process"].get(ZONES_CACHE_KEY)
    if zones is None:
        zones = cache.get(ZONES_CACHE_KEY)
        if zones is None:
            zones = [
                Zone(z.place_code, z.place_name, z.starts_on, z.ends_on)
                for z in EpidemicZone.objects.all()
            ]
            cache.set(ZONES_CACHE_KEY, zones, ZONES_CACHE_SECONDS)
        caches["process"].set(ZONES_CACHE_KEY, zones, ZONES_PROCESS_SECONDS)
    return zones


def zones_changed() -> None:
    cache.delete(ZONES_CACHE_KEY)
    caches["process"].delete(ZONES_CACHE_KEY)


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
    timeout, even at the same instant) returns the declaration the first call made and writes
    nothing. The unique token in the database decides, so the usual path costs no extra query.

    The usual case, a new person's declaration without risk, is one statement on PostgreSQL
    (``truyvet/inserts.py``): nothing else is written with it, and no signal receiver acts on it
    (tracing opens a follow-up only for people at risk). Any other case is a transaction.
    """

    risk = declaration_risk(data)

    def write() -> Declaration:
        saved = _person_save(person, data, risk.level)
        declaration = _declaration_new(saved, data, token, risk, made_by, made_by_user)
        declaration.save(force_insert=True)
        return declaration

    def write_in_one_statement() -> Declaration:
        new_person = _person_new(data, risk.level)
        declaration = _declaration_new(new_person, data, token, risk, made_by, made_by_user)
        inserts.insert_pair(new_person, declaration, "person")
        return declaration

    try:
        if person is None and risk.level == RiskLevel.NONE and inserts.supported(Declaration):
            return with_fresh_code(write_in_one_statement, one_statement=True)
        return with_fresh_code(write)
    except IntegrityError as error:
        if "submission_token" not in str(error):
            raise
        return Declaration.objects.select_related("person").get(submission_token=token)


def with_fresh_code(write: Callable[[], T], *, one_statement: bool = False) -> T:
    """Run ``write`` in a transaction, again if the lookup code it drew was already taken.

    A collision is rare (39 random bits), so the whole transaction is retried rather than
    paying for a savepoint around every insert. ``write`` that is ``one_statement`` is atomic
    by itself and runs without a transaction of its own.
    """
    for _attempt in range(CODE_ATTEMPTS):
        try:
            with nullcontext() if one_statement else transaction.atomic():
                return write()
        except IntegrityError as error:
            if "lookup_code" not in str(error):
                raise
    raise RuntimeError(f"No free lookup code after {CODE_ATTEMPTS} draws.")


def _person_new(data: DeclarationData, risk_level: str) -> Person:
    """A new person (not saved yet) with a fresh lookup code and what ``save()`` derives."""
    person = Person(
        lookup_code=codes.generate_code(), risk_level=risk_level, **data.person_values()
    )
    person.fold_full_name()
    return person


def _person_save(person: Person | None, data: DeclarationData, risk_level: str) -> Person:
    if person is None:
        person = _person_new(data, risk_level)
        person.save(force_insert=True)
        return person
    values = data.person_values()
    for name, value in values.items():
        setattr(person, name, value)
    person.risk_level = RiskLevel.highest(risk_level, people_risk_levels([person.pk])[person.pk])
    person.must_update = False
    person.updated_at = timezone.now()
    person.save(update_fields=[*values, "risk_level", "must_update", "updated_at"])
    return person


def people_risk_levels(
    person_ids: Iterable[int], *, now: datetime | None = None
) -> dict[int, RiskLevel]:
    """Each person's current risk, by key: the one rule for ``Person.risk_level``. The highest of

    - the risk of each of their declarations of the last ``RISK_DAYS`` days made since the
      health staff last cleared them (``risk_cleared_at``, which a later epidemic zone can move
      back: ``tracing.zones``): a declaration without risk does not hide yesterday's fever;
    - their open risk flags (raised by staff);
    - high while they are a confirmed case not closed (tracing's ``Case``, by its relation);
    - as a confirmed contact of a case (tracing's ``Contact``), confirmed since they were last
      cleared: ``CONTACT_RISK`` of its level.

    ``people_risk_sources`` gives, by the same rule, what each level comes from.
    """
    person_ids = set(person_ids)
    found = _risk_found(person_ids, now=now)
    levels = defaultdict(list)
    for person_id, level in [
        *found.declared.values_list("person_id", "risk_level").distinct(),
        *found.flagged.values_list("person_id", "level"),
    ]:
        levels[person_id].append(level)
    for person_id in found.cases.values_list("pk", flat=True):
        levels[person_id].append(RiskLevel.HIGH)
    for person_id, contact_level in found.contacts.values_list("pk", "contacts__level").distinct():
        levels[person_id].append(CONTACT_RISK[contact_level])
    return {pk: RiskLevel.highest(*levels[pk]) for pk in person_ids}


@dataclass
class _RiskFound:
    """The rows that put people at risk, by ``people_risk_levels``'s rule (unread querysets)."""

    declared: QuerySet
    flagged: QuerySet
    cases: QuerySet
    contacts: QuerySet


def _risk_found(person_ids: set[int] | None, *, now: datetime | None) -> _RiskFound:
    """The rule's rows for these people; with ``person_ids`` None, for the person of an outer
    query (``OuterRef("pk")``: ``people_at_risk_for``)."""
    since = (now or timezone.now()) - timedelta(days=RISK_DAYS)
    not_cleared_since = Q(person__risk_cleared_at=None)
    if person_ids is None:
        of_person, of_people = {"person_id": OuterRef("pk")}, {"pk": OuterRef("pk")}
    else:
        of_person, of_people = {"person_id__in": person_ids}, {"pk__in": person_ids}
    return _RiskFound(
        declared=Declaration.objects.filter(**of_person, submitted_at__gte=since)
        .filter(not_cleared_since | Q(submitted_at__gt=F("person__risk_cleared_at")))
        .exclude(risk_level=RiskLevel.NONE),
        flagged=RiskFlag.objects.filter(**of_person, cleared_at=None),
        cases=Person.objects.filter(**of_people, case__isnull=False, case__closed_at=None),
        contacts=Person.objects.filter(  # one filter(): the conditions hold for one contact
            Q(risk_cleared_at=None) | Q(contacts__decided_at__gt=F("risk_cleared_at")),
            **of_people,
            contacts__status="confirmed",
        ),
    )


# The reasons the risk list filters by (``people_at_risk_for``): the families of a
# declaration's reasons, a flag by staff, an open case, a confirmed contact of a case.
DECLARATION_REASONS = ("symptom", "exposure", "zone")
CONTACT_REASONS = tuple(CONTACT_RISK)  # "F1", "F2"


def people_at_risk_for(reason: str, *, now: datetime | None = None) -> Exists:
    """A condition on people (an ``Exists`` on the outer ``pk``, in the same query): their
    current risk comes, by ``people_risk_levels``'s rule, from ``reason``: one of
    ``DECLARATION_REASONS`` (a declaration the rule counts has a reason of that family),
    "manual" (an open flag by staff), "case" (an open case) or an F1/F2 contact level."""
    found = _risk_found(None, now=now)
    if reason in DECLARATION_REASONS:
        # Stored reasons are "family:detail" strings in a JSON list: its text holds "family:
        # exactly when one of them is of that family (on SQLite and PostgreSQL).
        declared = found.declared.alias(reasons_text=Cast("risk_reasons", TextField()))
        return Exists(declared.filter(reasons_text__contains=f'"{reason}:'))
    if reason == "manual":
        return Exists(found.flagged)
    if reason == "case":
        return Exists(found.cases)
    if reason in CONTACT_REASONS:
        return Exists(found.contacts.filter(contacts__level=reason))
    raise ValueError(f"Unknown reason {reason!r}.")


@dataclass(frozen=True)
class RiskSource:
    """One thing that puts a person at risk, as ``people_risk_levels``'s rule finds it: a
    declaration (with its reasons), a flag by staff, an open case, or a confirmed contact of a
    case (``contact_level`` F1 or F2, ``case_name`` the case's person)."""

    kind: str  # "declaration", "flag", "case" or "contact"
    level: str
    at: datetime | None = None  # submitted, flagged, or the contact confirmed
    reasons: tuple[Reason, ...] = ()
    text: str = ""  # a flag's reason
    contact_level: str = ""
    case_name: str = ""
    case_id: int | None = None


def people_risk_sources(
    person_ids: Iterable[int],
    *,
    now: datetime | None = None,
    read=None,
    open_flags=None,
    open_cases=None,
) -> dict[int, list[RiskSource]]:
    """What each person's current risk comes from (``people_risk_levels``): the highest first,
    newest first within a level. Four queries, each run by ``read(make, name, *values)`` if
    given, ``make`` a function that makes its queryset (``risk_sources_of`` runs them compiled
    once, and so makes them once per process). ``open_flags``: these people's flags not
    cleared (``Person.open_risk_flags``), when the caller has read them already: the rule's
    flags are those, and are not read again. ``open_cases``: likewise, these people's open
    cases, as (person key, case key) pairs."""
    person_ids = set(person_ids)
    now = now or timezone.now()
    # The four querysets, made when the first is needed.
    found = functools.cache(functools.partial(_risk_found, person_ids, now=now))

    read = read or (lambda make, name, *values: list(make()))
    sources = defaultdict(list)
    since = Declaration._meta.get_field("submitted_at").get_db_prep_value(
        now - timedelta(days=RISK_DAYS), connections[router.db_for_read(Declaration)]
    )
    one = next(iter(person_ids), None)
    for person_id, level, at, reasons in read(
        lambda: found().declared.values_list(
            "person_id", "risk_level", "submitted_at", "risk_reasons"
        ),
        "risk_sources_declared",
        one,
        since,
        RiskLevel.NONE.value,
    ):
        stored = tuple(Reason.from_stored(text) for text in reasons)
        sources[person_id].append(RiskSource("declaration", level, at, stored))
    flagged = (
        read(
            lambda: found().flagged.values_list("person_id", "level", "flagged_at", "reason"),
            "risk_sources_flagged",
            one,
        )
        if open_flags is None
        else [(f.person_id, f.level, f.flagged_at, f.reason) for f in open_flags]
    )
    for person_id, level, at, text in flagged:
        sources[person_id].append(RiskSource("flag", level, at, text=text))
    if open_cases is None:
        open_cases = read(lambda: found().cases.values_list("pk", "case"), "risk_sources_case", one)
    for person_id, case_id in open_cases:
        sources[person_id].append(RiskSource("case", RiskLevel.HIGH, case_id=case_id))
    for person_id, contact_level, at, case_id, name in read(
        lambda: found().contacts.values_list(
            "pk",
            "contacts__level",
            "contacts__decided_at",
            "contacts__case",
            "contacts__case__person__full_name",
        ),
        "risk_sources_contacts",
        "confirmed",
        one,
    ):
        sources[person_id].append(
            RiskSource(
                "contact",
                CONTACT_RISK[contact_level],
                at,
                contact_level=contact_level,
                case_name=name,
                case_id=case_id,
            )
        )
    order = [RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.NONE]
    for found_for in sources.values():
        found_for.sort(key=lambda source: source.at.timestamp() if source.at else 0, reverse=True)
        found_for.sort(key=lambda source: order.index(source.level))
    return {pk: sources[pk] for pk in person_ids}


def risk_sources_of(person: Person, open_flags=None) -> list[RiskSource]:
    """What the person's current risk comes from, for their pages, by queries compiled once
    per process (``truyvet.compiled``); nothing (and no query) for someone not at risk.
    ``open_flags``: the person's flags not cleared, which their pages have read already; their
    case, when it was read with them (``select_related("case")``), is not read again."""
    if person.risk_level == RiskLevel.NONE:
        return []
    sources = people_risk_sources(
        [person.pk], read=compiled_once, open_flags=open_flags, open_cases=_open_case(person)
    )
    return sources[person.pk]


def _open_case(person: Person) -> list[tuple[int, int]] | None:
    """[(the person's key, their case's key)] if their case was read with them and is open, []
    if it was read and is closed or there is none; None if it was not read."""
    if not Person.case.is_cached(person):
        return None
    case = getattr(person, "case", None)  # None: read with them, and there is none
    return [(person.pk, case.pk)] if case is not None and case.closed_at is None else []


def people_risk_recompute(person_ids: Iterable[int]) -> tuple[list[int], int]:
    """Set each person's current risk again (``people_risk_levels``) after something it depends
    on changed (a zone, a contact, a case); returns who became at risk, and how many changed.

    Each update is conditional on the level read: a person who declares meanwhile keeps the
    risk their new declaration gave them.
    """
    person_ids = set(person_ids)
    levels = people_risk_levels(person_ids)
    moves = defaultdict(list)  # (old level, new level) -> people
    for pk, old in Person.objects.filter(pk__in=person_ids).values_list("pk", "risk_level"):
        if levels[pk] != old:
            moves[old, levels[pk]].append(pk)
    now = timezone.now()
    raised, changed = [], 0
    for (old, new), pks in moves.items():
        updated = Person.objects.filter(pk__in=pks, risk_level=old).update(
            risk_level=new, updated_at=now
        )
        changed += updated
        if old == RiskLevel.NONE:
            raised += pks
    return raised, changed


def person_risk_clear(person: Person, *, at: datetime | None = None) -> None:
    """The health staff have cleared the person (their follow-up) ``at`` that moment (now by
    default): their open risk flags are cleared, and their declarations so far no longer count
    toward their risk."""
    now = at or timezone.now()
    person.risk_flags.filter(cleared_at=None).update(cleared_at=now)
    person.risk_cleared_at = now
    person.save(update_fields=["risk_cleared_at"])
    level = people_risk_levels([person.pk], now=now)[person.pk]
    if level != person.risk_level:
        person.risk_level, person.updated_at = level, now
        person.save(update_fields=["risk_level", "updated_at"])


def person_risk_clear_undo(
    person: Person, *, cleared_at: datetime, cleared_before: datetime | None
) -> None:
    """Undo the clearing ``person_risk_clear`` made at ``cleared_at`` (the health staff cleared
    the person by mistake): the flags it cleared are open again, the person's last clearing is
    the one before it (``cleared_before``; or earlier still, where a zone moved it back), and
    their risk is the rule's again."""
    person.risk_flags.filter(cleared_at=cleared_at).update(cleared_at=None)
    current = person.risk_cleared_at
    if current is not None and cleared_before is not None:
        cleared_before = min(current, cleared_before)
    person.risk_cleared_at = cleared_before
    person.save(update_fields=["risk_cleared_at"])
    people_risk_recompute([person.pk])
    person.refresh_from_db(fields=["risk_level", "updated_at"])


def person_create(values: dict) -> Person:
    """Create a person (without a declaration) with a fresh lookup code."""
    return with_fresh_code(
        lambda: Person.objects.create(lookup_code=codes.generate_code(), **values)
    )


def declaration_risk(data: DeclarationData) -> Risk:
    return assess_risk(
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


def _declaration_new(person, data, token, risk, made_by, made_by_user) -> Declaration:
    """The declaration, not saved yet."""
    return Declaration(
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
        point=data.point,
        visit_role=data.visit_role,
        department=data.department,
        risk_level=risk.level,
        risk_reasons=risk.stored_reasons(),
    )


# How long a flag stands for the same flag sent again: a double click, Enter pressed twice, or
# the form sent again after Back (which draws it anew) is the flag already raised, not a second
# one on the health staff's list.
SAME_FLAG_WINDOW = timedelta(minutes=30)


@transaction.atomic
def risk_flag_add(*, person: Person, level: str, reason: str, place: str, user) -> RiskFlag:
    """Raise a person's risk by hand; they appear on the health staff's risk list. The same
    flag (level, reason, place and user) still open and raised within ``SAME_FLAG_WINDOW`` is
    returned, with ``flagged_again`` true, and nothing is added."""
    # One flag at a time per person: two sent together would each find nothing raised.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    raised = RiskFlag.objects.filter(
        person=person,
        level=level,
        reason=reason,
        place=place,
        flagged_by=user,
        cleared_at=None,
        flagged_at__gt=timezone.now() - SAME_FLAG_WINDOW,
    ).first()
    if raised is not None:
        raised.flagged_again = True
        return raised
    person.risk_level = RiskLevel.highest(person.risk_level, level)
    person.updated_at = timezone.now()
    person.save(update_fields=["risk_level", "updated_at"])
    return RiskFlag.objects.create(
        person=person, level=level, reason=reason, place=place, flagged_by=user
    )


def person_require_update(*, person: Person) -> None:
    """Ask the person to declare again; they see it when they next look up their code."""
    person.must_update = True
    person.save(update_fields=["must_update"])


# What a QR token can be (``codes.generate_point_token``: URL-safe base64); anything else, such
# as a NUL that PostgreSQL refuses in a query, is no token and is not looked up.
POINT_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,32}")


# A declaration point's QR link as a USB scanner types it: ``https://…/q/<token>/``.
POINT_LINK = re.compile(r"/q/([A-Za-z0-9_-]{1,32})/?(?:[?#]|$)")


def plate_of_poster(text: str) -> str | None:
    """The plate of the vehicle whose QR poster holds this link (scanned into a staff search),
    or None. A replaced poster, still stuck in the bus, names its vehicle too."""
    link = POINT_LINK.search((text or "").strip())
    if link is None:
        return None
    token = link.group(1)
    retired = RetiredPointToken.objects.filter(token=token).values("point")
    point = DeclarationPoint.objects.filter(
        Q(token=token) | Q(pk__in=retired), kind=PointKind.VEHICLE
    ).first()
    return point.vehicle_plate if point is not None and point.vehicle_plate else None


def point_for_token(token: str) -> tuple[DeclarationPoint | None, bool]:
    """The active point a QR token opens, or (None, whether its poster is out of use: the
    token was replaced, or the vehicle or checkpoint is out of service)."""
    if not POINT_TOKEN.fullmatch(token):
        return None, False
    point = DeclarationPoint.objects.filter(token=token).first()
    if point is not None:
        return (point, False) if point.is_active else (None, True)
    return None, RetiredPointToken.objects.filter(token=token).exists()


@transaction.atomic
def point_replace_token(*, point: DeclarationPoint) -> DeclarationPoint:
    """Give the point a new QR token; posters with the old one then say they are retired."""
    RetiredPointToken.objects.create(token=point.token, point=point)
    point.token = codes.generate_point_token()
    point.token_changed_at = timezone.now()
    point.save(update_fields=["token", "token_changed_at"])
    return point
