"""The staff side of health-facility visits: a day's visitors, declaring for a visitor, posters."""

from datetime import date, datetime, time, timedelta

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
from facilities.forms import VisitorsDayForm
from facilities.models import HealthFacility
from truyvet.exports import xlsx_response

# A provincial hospital sees about a thousand visitors a day; the counts cover them all, the
# table the newest ones, so that a page refreshed every minute stays small.
VISITORS_SHOWN = 200


@login_required
@facility_staff_required
def visitors(request):
    """A day's visitors of the facility (today's by default): whoever declared with its QR or
    at its desk."""
    facility = facility_for_staff(request)
    form, day = _visitors_day(request)
    department = _department(request, facility)
    listed = _visits(facility, day, department)
    newest = list(listed.select_related("person").newest_first()[:VISITORS_SHOWN])
    # The table names its visitors: the entry holds their codes, so a search by a code finds it.
    audit(
        request,
        AuditAction.VIEW_LIST,
        shown=[d.person.lookup_code for d in newest],
        **_visitors_subject(facility, day, department),
    )
    context = {
        "facility": facility,
        "form": form,
        "day": day,
        "is_today": day == timezone.localdate(),
        "department": department,
        "counts": _visitor_counts(listed),
        "declarations": with_staff_names(newest, "made_by_user"),
        "facilities": _facility_choices(request.user),
        "shown": VISITORS_SHOWN,
    }
    return render(request, "facilities/visitors.html", context)


@login_required
@facility_staff_required
def visitors_xlsx(request):
    """The same day's and department's visitors as an Excel file, all of them."""
    facility = facility_for_staff(request)
    _form, day = _visitors_day(request, warn=False)  # a file has no page to warn on
    department = _department(request, facility)
    listed = with_staff_names(
        _visits(facility, day, department).select_related("person").newest_first(),
        "made_by_user",
    )
    audit(
        request,
        AuditAction.EXPORT,
        shown=[d.person.lookup_code for d in listed],
        **_visitors_subject(facility, day, department),
    )
    headers = [
        _("Time"),
        _("Code"),
        _("Full name"),
        _("Year of birth"),
        _("Visiting as"),
        _("Department"),
        _("Risk"),
        _("Declared by"),
    ]
    rows = (
        [
            timezone.localtime(d.submitted_at),
            d.person.display_code,
            d.person.full_name,
            d.person.birth_year,
            d.get_visit_role_display(),
            d.department,
            d.person.get_risk_level_display(),
            _declared_by(d),
        ]
        for d in listed
    )
    return xlsx_response(
        f"nguoi-den-co-so-y-te-{facility.pk}-{day:%Y-%m-%d}.xlsx",
        headers,
        rows,
        title=f"{day:%d-%m-%Y}",
    )


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


def _visitors_day(request, *, warn: bool = True) -> tuple[VisitorsDayForm, date]:
    """The day asked for in ``?ngay=``, or today, saying so (``warn``) when the day was not
    understood; and the form to choose another day."""
    asked = VisitorsDayForm(request.GET)
    if warn and not asked.is_valid():
        messages.warning(
            request,
            _("%(error)s Showing today's visitors.") % {"error": " ".join(asked.errors["ngay"])},
        )
    day = asked.day()
    return VisitorsDayForm(initial={"ngay": day}), day


def _department(request, facility: HealthFacility) -> str:
    """The department asked for in ``?khoa=``, or none (all) when it is not the facility's."""
    department = request.GET.get("khoa", "")
    return department if department in facility.department_list() else ""


def _visits(facility: HealthFacility, day: date, department: str):
    """The declarations made through the facility's point on a local day (midnight to midnight).
    A facility without a point yet (loaded by ``loaddata``, which skips ``save``) has none:
    ``point=None`` would be every declaration made without a QR, the whole province's."""
    if facility.point_id is None:
        return Declaration.objects.none()
    start = timezone.make_aware(datetime.combine(day, time.min))
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    visits = Declaration.objects.filter(
        point=facility.point_id, submitted_at__gte=start, submitted_at__lt=end
    )
    return visits.filter(department=department) if department else visits


def _visitors_subject(facility: HealthFacility, day: date, department: str) -> dict:
    return {
        "subject": "visitors_day",
        "facility": facility.name,
        "day": f"{day:%d/%m/%Y}",
        "department": department,
    }


def _declared_by(declaration: Declaration) -> str:
    by = str(declaration.get_made_by_display())
    user = declaration.made_by_user
    if user is not None:
        by += f" · {user.get_full_name() or user.username}"
    return by


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
