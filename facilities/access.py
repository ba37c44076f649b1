"""Which health facility a staff user works for. Outside their scope: 404, never a hint."""

from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.access import profile_of
from accounts.roles import Role, has_role
from facilities.models import HealthFacility

# Other roles get 403 from this; health staff with the permission are then scoped below.
facility_staff_required = permission_required(
    "facilities.view_healthfacility", raise_exception=True
)


def facility_for_staff(request, pk: int | None = None) -> HealthFacility:
    """The facility whose visitors and posters the user may see, with its declaration point.

    Health staff of a facility see only theirs: another facility, asked by ``pk`` or by
    ``?co_so=``, is a 404, and so is everything for health staff without a facility.
    Administrators see any facility, the one asked for, else their own, else the first.
    """
    asked = str(pk) if pk is not None else request.GET.get("co_so", "")
    facilities = HealthFacility.objects.select_related("point")
    profile = profile_of(request.user)
    own_id = profile.facility_id if profile else None
    if has_role(request.user, Role.ADMINISTRATOR):
        if asked.isdecimal() and len(asked) < 19:
            return _with_point(get_object_or_404(facilities, pk=int(asked)))
        facility = facilities.filter(pk=own_id).first() if own_id else None
        facility = facility or facilities.first()
        if facility is None:
            raise Http404
        return _with_point(facility)
    if own_id is None or (asked and asked != str(own_id)):
        raise Http404
    return _with_point(get_object_or_404(facilities, pk=own_id))


def _with_point(facility: HealthFacility) -> HealthFacility:
    """The facility with its declaration point, made now if it has none yet: ``save`` makes it,
    and ``loaddata`` skips ``save`` (a poster would fail, a desk form ask nothing of the visit)."""
    if facility.point_id is None:
        facility.save()
    return facility
