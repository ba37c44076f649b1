"""Which vehicles a staff user may see. Outside their scope a vehicle is a 404, never a hint."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404, redirect

from accounts.access import profile_of
from accounts.roles import Role, has_role
from transport.models import Vehicle


def vehicles_for_staff(user) -> QuerySet[Vehicle]:
    """Administrators and the transport department see every vehicle; an operator sees the
    vehicles of their own company; anyone else none."""
    vehicles = Vehicle.objects.select_related("company", "point")
    if has_role(user, Role.ADMINISTRATOR, Role.TRANSPORT):
        return vehicles
    profile = profile_of(user)
    if has_role(user, Role.OPERATOR) and profile is not None and profile.company_id is not None:
        return vehicles.filter(company=profile.company_id)
    return vehicles.none()


def vehicle_for_staff(request, pk: int) -> Vehicle:
    """The vehicle with this id, with its company and point, if the user may see it."""
    return get_object_or_404(vehicles_for_staff(request.user), pk=pk)


def sees_passengers(user, vehicle: Vehicle) -> bool:
    """Who travelled is the company's to keep (and the administrator's): the transport
    department sees the vehicles, their counts and the findings, not the passengers."""
    if has_role(user, Role.ADMINISTRATOR):
        return True
    profile = profile_of(user)
    return (
        has_role(user, Role.OPERATOR)
        and profile is not None
        and profile.company_id == vehicle.company_id
    )


def passengers_for_staff(request, pk: int) -> Vehicle:
    """The vehicle with this id, if the user may see and declare its passengers."""
    vehicle = vehicle_for_staff(request, pk)
    if not sees_passengers(request.user, vehicle):
        raise PermissionDenied
    return vehicle


def operators_to_passenger_check(view):
    """A bus crew scanning a passenger's code (``/c/<code>/``, the QR on the success page) is
    sent to the passenger check of their vehicles, not refused: the person page is for
    checkpoint and health staff."""

    @wraps(view)
    def wrapped(request, code, *args, **kwargs):
        user = request.user
        if has_role(user, Role.OPERATOR) and not user.has_perm("declarations.view_person"):
            return redirect("transport:passenger_check", code=code)
        return view(request, code, *args, **kwargs)

    return wrapped
