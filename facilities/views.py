"""The staff side of health-facility visits: today's visitors, declaring for a visitor, posters."""

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.audit import audit
from accounts.models import AuditAction
from accounts.names import with_staff_names
from accounts.roles import Role, has_role
from declarations.forms import DeclarationForm, initial_from_data
from declarations.models import Declaration, MadeBy, VisitRole
from declarations.places import served_province_code
from declarations.posters import poster_page, qr_replaced, qr_response
from declarations.risk import RiskLevel
from declarations.services import declaration_submit
from facilities.access import facility_for_staff, facility_staff_required
from facilities.models import HealthFacility

# A provincial hospital sees about a thousand visitors a day; the counts cover them all, the
# table the newest ones, so that a page refreshed every minute stays small.
VISITORS_SHOWN = 200


@login_required
@facility_staff_required
def visitors(request):
    """Today's visitors of the facility: whoever declared with its QR or at its desk."""
    facility = facility_for_staff(request)
    department = request.GET.get("khoa", "")
    if department not in facility.department_list():
        department = ""
    start, end = _today()
    today = Declaration.objects.filter(
        point=facility.point_id, submitted_at__gte=start, submitted_at__lt=end
    )
    if department:
        today = today.filter(department=department)
    newest = today.select_related("person").newest_first()[:VISITORS_SHOWN]
    audit(
        request,
        AuditAction.VIEW_LIST,
        subject="visitors",
        facility=facility.name,
        department=department,
    )
    context = {
        "facility": facility,
        "department": department,
        "counts": _visitor_counts(today),
        "declarations": with_staff_names(newest, "made_by_user"),
        "facilities": _facility_choices(request.user),
        "shown": VISITORS_SHOWN,
    }
    return render(request, "facilities/visitors.html", context)


@login_required
@facility_staff_required
def declare(request):
    """Declare on the spot for a visitor without a smartphone, through the facility's point."""
    facility = facility_for_staff(request)
    point = facility.point
    if request.method == "POST" and "refresh_places" in request.POST:
        form = DeclarationForm(
            initial=initial_from_data(request.POST, point=point), point=point, on_behalf=True
        )
    elif request.method == "POST":
        form = DeclarationForm(request.POST, point=point, on_behalf=True)
        if form.is_valid():
            declaration = declaration_submit(
                data=form.declaration_data(),
                token=form.cleaned_data["form_token"],
                made_by=MadeBy.ON_BEHALF,
                made_by_user=request.user,
            )
            audit(request, AuditAction.DECLARE_ON_BEHALF, person=declaration.person)
            messages.success(
                request,
                _("Declaration recorded. Tell the visitor their lookup code: %(code)s")
                % {"code": declaration.person.display_code},
            )
            return redirect(_visitors_url(facility))
    else:
        initial = {
            "residence_province": served_province_code(),
            "travel_date": timezone.localdate(),
        }
        form = DeclarationForm(initial=initial, point=point, on_behalf=True)
    context = {"form": form, "facility": facility}
    return render(request, "facilities/declare.html", context)


@login_required
@facility_staff_required
def poster(request, pk):
    facility = facility_for_staff(request, pk)
    return poster_page(request, facility.point, back_url=_visitors_url(facility))


@login_required
@facility_staff_required
def qr_image(request, pk, kind):
    facility = facility_for_staff(request, pk)
    return qr_response(request, facility.point, kind)


@login_required
@facility_staff_required
@require_POST
def replace_qr(request, pk):
    facility = facility_for_staff(request, pk)
    qr_replaced(request, facility.point)
    return redirect("facilities:poster", pk=facility.pk)


# -- helpers ------------------------------------------------------------------------------------


def _today() -> tuple[datetime, datetime]:
    """Today in local time, as an aware range (midnight to midnight)."""
    day = timezone.localdate()
    start = timezone.make_aware(datetime.combine(day, time.min))
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    return start, end


def _visitor_counts(declarations) -> dict[str, int]:
    """People, not declarations: a visitor who declares twice in a day counts once."""
    people = {"distinct": True}
    return declarations.aggregate(
        declarations=Count("id"),
        visitors=Count("person", **people),
        # The person's current risk, as their page and the checkpoint board show it: a visit
        # declared without symptoms does not hide a flag, a contact or yesterday's fever.
        at_risk=Count("person", filter=~Q(person__risk_level=RiskLevel.NONE), **people),
        patients=Count("person", filter=Q(visit_role=VisitRole.PATIENT), **people),
        relatives=Count("person", filter=Q(visit_role=VisitRole.RELATIVE), **people),
    )


def _facility_choices(user) -> list[HealthFacility]:
    """Administrators switch between facilities; health staff see only their own."""
    if not has_role(user, Role.ADMINISTRATOR):
        return []
    return list(HealthFacility.objects.only("pk", "name"))


def _visitors_url(facility: HealthFacility) -> str:
    return f"{reverse('facilities:visitors')}?co_so={facility.pk}"
