"""Whom health staff may see and what they may manage. Outside their scope: 404, never a hint.

The scope is the one ``accounts.access.in_health_scope`` decides for one person, written as a
query for lists: province-wide health staff and administrators see everyone; district health
staff the people who live in their district or declared a journey to it; facility health staff
the people who declared through their facility's point. Other roles see nobody here.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache, reduce, wraps
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.access import in_health_scope, profile_of
from accounts.directory import directory_version
from accounts.models import StaffProfile
from accounts.roles import Role, has_role
from declarations import codes
from declarations.models import Declaration, Person, PointKind
from declarations.places import with_places
from declarations.risk import RiskLevel
from truyvet.compiled import compiled_once


def people_in_scope(user, *, a_page: bool = False) -> QuerySet[Person]:
    """The people a user may see in the health pages, as one query (no rows are read here).

    ``a_page``: the query reads a page of a list in an index's order (the risk list), not the
    whole scope (an export, the duplicates): a district's journeys are then looked up for each
    person read (``_RowByRowExists``)."""
    if sees_the_whole_province(user):
        return Person.objects.all()
    district_and_point = _district_and_point(user)
    if district_and_point is None:
        return Person.objects.none()
    return _people_of(*district_and_point, a_page).all()  # a copy: never read in place


def people_at_risk_in_scope(user, *, a_page: bool = False) -> QuerySet[Person]:
    """The people at risk the user may see (``people_in_scope``): the risk list and its counts."""
    return people_in_scope(user, a_page=a_page).exclude(risk_level=RiskLevel.NONE)


def scope_name(user) -> str | None:
    """A name for the people the user sees (``people_in_scope``), the same for every user who
    sees the same people: ``province``, or ``d<district code>_p<point key>``; None for nobody.
    It keys what is kept per scope: the risk list's compiled query, its counts."""
    if sees_the_whole_province(user):
        return "province"
    district_and_point = _district_and_point(user)
    if district_and_point is None or district_and_point == (None, None):
        return None
    return "d{}_p{}".format(*district_and_point)


def _district_and_point(user) -> tuple[str | None, int | None] | None:
    """The district and the facility's declaration point that scope a health worker (either
    may be None); None for a user who is no health worker or has no staff profile."""
    profile = profile_of(user) if has_role(user, Role.HEALTH_STAFF) else None
    if profile is None:
        return None
    point = profile.facility.point_id if profile.facility_id is not None else None
    return profile.district_id, point


@lru_cache(maxsize=1024)
def _people_of(district: str | None, point: int | None, a_page: bool) -> QuerySet[Person]:
    """The people whom the staff of this district and facility's point see, made once per
    process for each: building the district's condition (its journeys' EXISTS, resolved against
    the people) cost a district worker's list 0.45 ms of its 7. The query holds no rows and
    names no database: the router picks one each time a copy is read."""
    conditions = []
    if district is not None:
        conditions.append(Q(residence_district_id=district))
        exists = _RowByRowExists if a_page else Exists
        conditions.append(_declared(exists, to_district_id=district))
    if point is not None:
        conditions.append(_declared(Exists, point_id=point))
    if not conditions:
        return Person.objects.none()
    return Person.objects.filter(reduce(or_, conditions))


def _declared(exists: type[Exists], **where) -> Exists:
    """Whether the person made a declaration ``where``, as ``exists`` writes it."""
    return exists(Declaration.objects.filter(person=OuterRef("pk"), **where))


class _RowByRowExists(Exists):
    """EXISTS, checked for each person a page reads, with the index of their declarations.

    Left to itself, PostgreSQL reads every declaration of a district's journeys into a hash
    before the list's first row (100,000 of them among a million declarations: 80 ms for the
    risk list's first page, against 2 ms person by person): it plans for checking every person
    at risk, not the few hundred a page reads. ``OFFSET 0`` keeps it from rewriting the EXISTS
    into that hashed IN (PostgreSQL's ``simplify_EXISTS_query``); SQLite ignores it. Over the
    whole scope, the hash is right (the duplicates: 0.7 s, against 2.6 s person by person). A
    facility's declarations are few, so their hash stays cheap and its EXISTS is left alone.
    """

    template = "EXISTS(%(subquery)s OFFSET 0)"


def person_for_health_staff(request, code: str, *related: str) -> Person:
    """The person with this lookup code (typed in any form, or merged away), if in the user's
    scope; 404 otherwise, whether the code is unknown or the person lives elsewhere. ``related``:
    what to read with them, as ``select_related`` takes it."""
    parsed = codes.parse_code(code)
    if parsed is None:
        raise Http404
    people = Person.objects.select_related(*related) if related else Person.objects.all()
    # Found by code whoever asks, the look-up has one shape: compiled once per set of related
    # objects. The scope is then checked for this one person (a district worker's question
    # "did they travel here?" only for someone who lives elsewhere).
    person = people.by_code(parsed, compiled_as="_".join(("person_by_code", *related)))
    if person is None or not in_health_scope(request.user, person):
        raise Http404
    return with_places([person], *Person.PLACES)[0]


def can_manage_zones(user) -> bool:
    """Epidemic zones concern the whole province: those who see it whole declare and end them."""
    return sees_the_whole_province(user)


def mark_reachable(user, items) -> list:
    """The items (a case's contacts, a contact import's rows), each with ``reachable``: whether
    the user may open the pages of its person (``item.person``, or none). A case's contacts may
    live outside the district of the staff who handle the case: the staff of their own district
    follow them up, and draw their links."""
    items = list(items)
    people = {key for item in items if (key := _person_key(item)) is not None}
    if sees_the_whole_province(user) or not people:
        reachable = people
    else:
        in_scope = people_in_scope(user).filter(pk__in=people)
        reachable = set(in_scope.values_list("pk", flat=True))
    for item in items:
        item.reachable = _person_key(item) in reachable
    return items


def _person_key(item) -> int | None:
    """The key of the item's person, read without loading the person where the item has it."""
    if (key := getattr(item, "person_id", None)) is not None:
        return key
    return item.person.pk if item.person is not None else None


def sees_the_whole_province(user) -> bool:
    """Province-wide health staff and administrators."""
    if has_role(user, Role.ADMINISTRATOR):
        return True
    profile = profile_of(user) if has_role(user, Role.HEALTH_STAFF) else None
    return profile is not None and profile.province_wide


def zone_manager_required(view):
    """403 for anyone who may not manage epidemic zones (after ``login_required``)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not can_manage_zones(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def cases_in_scope(user) -> QuerySet:
    """The cases of the people in the user's scope."""
    from tracing.models import Case

    return Case.objects.filter(person__in=people_in_scope(user))


def case_for_staff(request, pk: int):
    """The case, with its person and their places, if the user may see the person; else 404."""
    cases = cases_in_scope(request.user).select_related(
        "person__residence_province", "person__residence_district", "person__residence_commune"
    )
    return get_object_or_404(cases, pk=pk)


@dataclass(frozen=True)
class PersonScope:
    """Where a person lies for the health staff's scopes (``people_in_scope``): the districts
    of their residence and of their declared journeys, and the health facilities' declaration
    points they declared through (a vehicle's or a checkpoint's has no staff of its own: kept
    out, the people whom the same staff see share a ``staff_key`` far more often)."""

    districts: frozenset
    points: frozenset

    @property
    def staff_key(self) -> str:
        """A short key of the health staff who may be given the person's follow-up: the same
        for people whom the same staff may see, whatever districts without staff of their own
        set them apart. It keys the follow-up's kept list of assignees."""
        text = repr(sorted(self.staff_ids()))
        return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()

    def staff_ids(self) -> frozenset:
        """The keys of the active health staff whom ``staff`` finds, from the staff directory
        kept in memory (no query once read)."""
        staff = _health_staff(directory_version())
        ids = set(staff.everywhere)
        for district in self.districts:
            ids.update(staff.by_district.get(district, ()))
        for point in self.points:
            ids.update(staff.by_point.get(point, ()))
        return frozenset(ids)

    def staff(self) -> Q:
        """A condition on users: whose scope includes such a person (province-wide staff, the
        staff of one of the districts, of a facility they declared through)."""
        return (
            Q(staff_profile__province_wide=True)
            | Q(staff_profile__district_id__in=self.districts)
            | Q(staff_profile__facility__point_id__in=self.points)
        )


def person_scope(person: Person) -> PersonScope:
    """The person's ``PersonScope``: one query, compiled once per process."""
    declared = compiled_once(
        lambda: (
            person.declarations.order_by()
            .values_list("to_district_id", "point_id", "point__kind")
            .distinct()
        ),
        "person_scope_declared_points",
        person.pk,
    )
    districts, points = {person.residence_district_id}, set()
    for district, point, kind in declared:
        districts.add(district)
        if kind == PointKind.FACILITY:
            points.add(point)
    return PersonScope(frozenset(districts - {None}), frozenset(points))


@dataclass(frozen=True)
class _HealthStaff:
    """The active health staff by what scopes them (``PersonScope.staff``), as user keys."""

    everywhere: frozenset
    by_district: dict
    by_point: dict


@lru_cache(maxsize=1)
def _health_staff(version: str) -> _HealthStaff:
    """The active health staff, read once per ``version`` of the staff directory in each
    process (a user, a group's members, a staff profile or a facility changed makes a new one)."""
    profiles = StaffProfile.objects.filter(
        user__is_active=True, user__groups__name=Role.HEALTH_STAFF
    ).values_list("user_id", "province_wide", "district_id", "facility__point_id")
    everywhere, by_district, by_point = set(), defaultdict(set), defaultdict(set)
    for user_id, province_wide, district, point in profiles:
        if province_wide:
            everywhere.add(user_id)
        if district is not None:
            by_district[district].add(user_id)
        if point is not None:
            by_point[point].add(user_id)
    return _HealthStaff(frozenset(everywhere), dict(by_district), dict(by_point))
