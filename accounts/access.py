"""Who may see which person. Staff outside a person's scope get 404, never a hint."""

from django.http import Http404
from django.utils.translation import gettext as _

from accounts.backends import cached_profile
from accounts.models import StaffProfile
from accounts.roles import Role, has_role
from declarations import codes
from declarations.models import Person
from declarations.places import with_places


def profile_of(user) -> StaffProfile | None:
    """The user's staff profile, or None: from the shared cache (``accounts.backends``), and kept
    on the user for the request."""
    if not hasattr(user, "_staff_profile"):
        user._staff_profile = cached_profile(user, lambda: _read_profile(user))
    return user._staff_profile


def _read_profile(user) -> StaffProfile | None:
    profiles = StaffProfile.objects.select_related("checkpoint", "facility", "company")
    return next(iter(with_places(profiles.filter(user=user)[:1], "district")), None)


def scope_missing(user) -> list[str]:
    """What the user's roles need of their staff profile and it lacks, in words: an officer
    without a checkpoint, health staff without a district, a facility or the whole province,
    an operator without a company. Such an account sees empty pages; every staff page says so
    (``truyvet.context_processors``), and so does the admin when the account is saved."""
    if not user.is_authenticated or has_role(user, Role.ADMINISTRATOR):
        return []
    profile = profile_of(user)
    missing = []
    if has_role(user, Role.CHECKPOINT_OFFICER) and not (profile and profile.checkpoint_id):
        missing.append(_("a checkpoint (checkpoint officer)"))
    if has_role(user, Role.HEALTH_STAFF) and not (
        profile and (profile.province_wide or profile.district_id or profile.facility_id)
    ):
        missing.append(_("a district, a health facility or the whole province (health staff)"))
    if has_role(user, Role.OPERATOR) and not (profile and profile.company_id):
        missing.append(_("a bus company (bus operator)"))
    return missing


def person_for_staff(request, code: str) -> Person:
    """The person with this lookup code (typed in any form), if the user may see them."""
    parsed = codes.parse_code(code)
    if parsed is None:
        raise Http404
    # With their case, which the page's reasons for their risk would otherwise read.
    people = Person.objects.select_related("case")
    person = people.by_code(parsed, compiled_as="person_by_code_case")
    if person is None or not may_see_person(request.user, person):
        raise Http404
    return with_places([person], *Person.PLACES)[0]


def may_see_person(user, person: Person) -> bool:
    """Checkpoint officers and administrators see anyone who crosses the province; health
    staff the people of their scope (``in_health_scope``)."""
    if has_role(user, Role.ADMINISTRATOR, Role.CHECKPOINT_OFFICER):
        return True
    return in_health_scope(user, person)


def in_health_scope(user, person: Person) -> bool:
    """Whether the health pages show the person to the user: administrators and province-wide
    health staff see everyone; district health staff the people who live in their district or
    declared a journey to it; facility health staff the people who declared through their
    facility's point. ``tracing.access.people_in_scope`` writes the same rule as a query, for
    lists (a test holds the two together)."""
    if has_role(user, Role.ADMINISTRATOR):
        return True
    profile = profile_of(user) if has_role(user, Role.HEALTH_STAFF) else None
    if profile is None:
        return False
    if profile.province_wide:
        return True
    district = profile.district_id
    if district is not None and (
        person.residence_district_id == district or _declared(person, to_district_id=district)
    ):
        return True
    point = profile.facility.point_id if profile.facility_id is not None else None
    return point is not None and _declared(person, point_id=point)


def _declared(person: Person, **where) -> bool:
    """Whether the person made a declaration ``where``."""
    return person.declarations.filter(**where).exists()
