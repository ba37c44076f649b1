from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.audit import audit
from accounts.models import AuditAction
from accounts.roles import Role, has_role
from declarations import codes
from declarations.forms import initial_from_data
from declarations.models import Person
from declarations.posters import poster_page, qr_replaced, qr_response
from declarations.views import HOTLINE_LINK, code_guessing_limited
from transport.access import (
    passengers_for_staff,
    sees_passengers,
    vehicle_for_staff,
    vehicles_for_staff,
)
from transport.forms import (
    ManifestDayForm,
    PassengerForm,
    RemovalForm,
    VehicleFilterForm,
    passenger_initial,
)
from transport.manifest import (
    MANIFEST_HEADERS,
    manifest_declarations,
    manifest_rows,
    passenger_counts,
    person_removals,
    removals,
    vehicles_carrying,
)
from transport.models import PassengerRemoval
from transport.services import passenger_declare, passenger_take_off
from truyvet.exports import xlsx_response

VEHICLES_PER_PAGE = 50
PLACES_SESSION_KEY = "passenger_places"

vehicle_required = permission_required("transport.view_vehicle", raise_exception=True)


@login_required
@vehicle_required
def vehicles(request):
    """The vehicles a user may see, with today's passenger count of each."""
    sees_all = has_role(request.user, Role.ADMINISTRATOR, Role.TRANSPORT)
    form = VehicleFilterForm(request.GET, sees_all=sees_all)
    shown = form.filtered(vehicles_for_staff(request.user))
    page = Paginator(shown, VEHICLES_PER_PAGE).get_page(request.GET.get("page"))
    counts = passenger_counts(page, timezone.localdate())
    context = {
        "form": form,
        "filters": _without_page(request.GET),
        "page": page,
        "rows": [(v, counts.get(v.pk, 0), sees_passengers(request.user, v)) for v in page],
    }
    return render(request, "transport/vehicles.html", context)


@login_required
@vehicle_required
@code_guessing_limited
def passenger_check(request, code):
    """Whether the person with this code is on today's list of one of the user's vehicles."""
    # Refused before the code is looked up: a 403 for a known code and a 404 for an unknown one
    # would tell the transport department who has a code.
    if not has_role(request.user, Role.OPERATOR, Role.ADMINISTRATOR):
        raise PermissionDenied  # the transport department sees vehicles, not passengers
    person = _person_by_code(code)
    if person is None:
        raise Http404
    vehicles = [v for v in vehicles_for_staff(request.user) if sees_passengers(request.user, v)]
    audit(request, AuditAction.VIEW_PERSON, person=person)
    today = timezone.localdate()
    trips = vehicles_carrying(person, vehicles, today)
    carrying = {vehicle.pk for vehicle, _declaration in trips}
    taken_off = [  # by the crew (by mistake, maybe): to be put back, not declared again
        removal
        for removal in person_removals(person, vehicles, today)
        if removal.vehicle_id not in carrying
    ]
    context = {"person": person, "trips": trips, "taken_off": taken_off, "day": today}
    return render(request, "transport/passenger_check.html", context)


@login_required
@vehicle_required
def vehicle(request, pk):
    vehicle = vehicle_for_staff(request, pk)
    counts = passenger_counts([vehicle], timezone.localdate())
    context = {
        "vehicle": vehicle,
        "passengers_today": counts.get(vehicle.pk, 0),
        "sees_passengers": sees_passengers(request.user, vehicle),
    }
    return render(request, "transport/vehicle.html", context)


@login_required
@vehicle_required
def manifest(request, pk):
    vehicle = passengers_for_staff(request, pk)
    form, day = _manifest_day(request, vehicle)
    listed = manifest_declarations(vehicle, day)
    removed = removals(vehicle, day, listed)
    # The list names its passengers, and those taken off it: the entry holds their codes.
    shown = [*_codes(listed), *(removal.person.lookup_code for removal in removed)]
    audit(request, AuditAction.VIEW_LIST, shown=shown, **_manifest_subject(vehicle, day))
    context = {
        "vehicle": vehicle,
        "form": form,
        "day": day,
        "headers": MANIFEST_HEADERS,
        "rows": manifest_rows(listed),
        "removed": removed,
        "removable": True,
    }
    return render(request, "transport/manifest.html", context)


@login_required
@vehicle_required
def manifest_xlsx(request, pk):
    vehicle = passengers_for_staff(request, pk)
    _form, day = _manifest_day(request, vehicle, warn=False)  # a file has no page to warn on
    listed = manifest_declarations(vehicle, day)
    audit(request, AuditAction.EXPORT, shown=_codes(listed), **_manifest_subject(vehicle, day))
    rows = manifest_rows(listed)
    return xlsx_response(
        f"hanh-khach-{vehicle.plate}-{day:%Y-%m-%d}.xlsx",
        MANIFEST_HEADERS,
        (row.cells() for row in rows),
        title=f"{vehicle.plate} {day:%d-%m-%Y}",
    )


@login_required
@vehicle_required
@code_guessing_limited
def passenger_remove(request, pk, code):
    """Take a passenger off a day's list: a confirmation with the reason, then the list."""
    vehicle = passengers_for_staff(request, pk)
    _form, day = _manifest_day(request, vehicle)
    person = _person_by_code(code)
    listed = _listed_declaration(vehicle, day, person)
    if listed is None and _taken_off(vehicle, day, person):
        # Sent again (a double tap, a retry, Back): already done, and said so on the list.
        messages.info(
            request,
            _("%(name)s (%(code)s) is already off the list.")
            % {"name": person.full_name, "code": person.display_code},
        )
        return redirect(_manifest_url(vehicle, day))
    if listed is None:
        raise Http404
    form = RemovalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        passenger_take_off(
            vehicle=vehicle,
            day=day,
            listed=listed,
            reason=form.cleaned_data["reason"],
            user=request.user,
        )
        audit(
            request,
            AuditAction.PASSENGER_LIST,
            person=person,
            **_manifest_subject(vehicle, day, "passenger_removed"),
        )
        messages.success(
            request,
            _("%(name)s (%(code)s) is off the list. It can be put back below.")
            % {"name": person.full_name, "code": person.display_code},
        )
        return redirect(_manifest_url(vehicle, day))
    audit(request, AuditAction.VIEW_PERSON, person=person)  # the page names them, by a code
    context = {"vehicle": vehicle, "day": day, "person": person, "form": form}
    return render(request, "transport/passenger_remove.html", context)


@login_required
@vehicle_required
@require_POST
def passenger_restore(request, pk, code):
    """Put a passenger taken off a day's list back on it."""
    vehicle = passengers_for_staff(request, pk)
    _form, day = _manifest_day(request, vehicle)
    person = _person_by_code(code)
    if person is not None:
        off = PassengerRemoval.objects.filter(
            vehicle=vehicle, day=day, person=person, restored_at=None
        )
        if off.update(restored_at=timezone.now(), restored_by=request.user):
            audit(
                request,
                AuditAction.PASSENGER_LIST,
                person=person,
                **_manifest_subject(vehicle, day, "passenger_restored"),
            )
            messages.success(
                request, _("%(name)s is back on the list.") % {"name": person.full_name}
            )
    return redirect(_manifest_url(vehicle, day))


def _listed_declaration(vehicle, day, person):
    """The person's declaration on the vehicle's list for ``day``, or None."""
    if person is None:
        return None
    listed = manifest_declarations(vehicle, day)
    return next((d for d in listed if d.person_id == person.pk), None)


def _taken_off(vehicle, day, person) -> bool:
    """Whether the crew took the person off the vehicle's list for ``day`` (not put back)."""
    return (
        person is not None
        and PassengerRemoval.objects.filter(
            vehicle=vehicle, day=day, person=person, restored_at=None
        ).exists()
    )


def _person_by_code(code: str):
    """The person with this code as typed or scanned (a merged-away code too), or None."""
    parsed = codes.parse_code(code)
    return Person.objects.by_code(parsed) if parsed else None


def _manifest_url(vehicle, day) -> str:
    return f"{reverse('transport:manifest', kwargs={'pk': vehicle.pk})}?ngay={day:%Y-%m-%d}"


def _without_page(query) -> str:
    """The list's filters as a query string, for its pages' links."""
    query = query.copy()
    query.pop("page", None)
    return query.urlencode()


def _manifest_day(request, vehicle, *, warn: bool = True):
    """The day asked for in ``?ngay=``, or today, saying so (``warn``) when the day was not
    understood; and the form to choose another day."""
    asked = ManifestDayForm(request.GET, vehicle=vehicle)
    if warn and not asked.is_valid():
        messages.warning(
            request,
            _("%(error)s Showing today's list.") % {"error": " ".join(asked.errors["ngay"])},
        )
    day = asked.day()
    return ManifestDayForm(initial={"ngay": day}, vehicle=vehicle), day


@login_required
@vehicle_required
def declare(request, pk):
    """Declare for passengers one after another: the form, and today's list below it."""
    vehicle = passengers_for_staff(request, pk)
    if request.method == "POST" and "refresh_places" in request.POST:
        form = PassengerForm(initial=initial_from_data(request.POST))
    elif request.method == "POST":
        form = PassengerForm(request.POST)
        if form.is_valid():
            declaration = passenger_declare(
                vehicle=vehicle,
                operator=request.user,
                data=form.passenger_data(),
                token=form.cleaned_data["form_token"],
            )
            audit(request, AuditAction.DECLARE_ON_BEHALF, person=declaration.person)
            request.session[PLACES_SESSION_KEY] = form.places()
            url = reverse("transport:declare", kwargs={"pk": vehicle.pk})
            return redirect(f"{url}?ma={declaration.person.lookup_code}")
    else:
        form = PassengerForm(initial=passenger_initial(request.session.get(PLACES_SESSION_KEY)))
    today = timezone.localdate()
    passengers = manifest_declarations(vehicle, today)
    shown = _codes(passengers)  # the page lists today's passengers by name
    audit(request, AuditAction.VIEW_LIST, shown=shown, **_manifest_subject(vehicle, today))
    context = {
        "vehicle": vehicle,
        "form": form,
        "declared": _just_declared(request, passengers),
        "hotline": HOTLINE_LINK,
        "headers": MANIFEST_HEADERS,
        "rows": manifest_rows(passengers),
    }
    return render(request, "transport/declare.html", context)


def _just_declared(request, passengers):
    """The passenger named by ``?ma=``, only if they are on this vehicle's list today."""
    code = codes.parse_code(request.GET.get("ma", ""))
    return next((d for d in passengers if d.person.lookup_code == code), None)


@login_required
@vehicle_required
def poster(request, pk):
    vehicle = vehicle_for_staff(request, pk)
    return poster_page(request, vehicle.point, back_url=reverse("transport:vehicle", args=[pk]))


@login_required
@vehicle_required
def qr_image(request, pk, kind):
    vehicle = vehicle_for_staff(request, pk)
    return qr_response(request, vehicle.point, kind)


@login_required
@vehicle_required
@require_POST
def replace_qr(request, pk):
    vehicle = vehicle_for_staff(request, pk)
    qr_replaced(request, vehicle.point)
    return redirect("transport:vehicle", pk=vehicle.pk)


def _codes(declarations) -> list[str]:
    """The lookup codes of the passengers of a list, as its audit entry names them."""
    return [declaration.person.lookup_code for declaration in declarations]


def _manifest_subject(vehicle, day, subject="manifest") -> dict:
    """What the audit log says of a coach's list of passengers for a day, seen, exported or
    changed."""
    return {"subject": subject, "plate": vehicle.plate, "day": day}
