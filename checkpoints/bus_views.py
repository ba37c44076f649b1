"""Checking a bus against its passenger list, and the transport department's findings."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit
from accounts.models import AuditAction
from checkpoints.access import bus_check_for_staff, own_checkpoint
from checkpoints.bus_checks import (
    bus_check_record,
    plate_checks,
    todays_list,
    undeclared_findings,
)
from checkpoints.forms import BusCheckForm, FindingsForm, PlateForm
from checkpoints.models import BusCheck
from checkpoints.services import passed_today
from declarations.normalize import normalize_plate
from transport.models import Vehicle
from truyvet.exports import xlsx_response

bus_check_required = permission_required("checkpoints.add_buscheck", raise_exception=True)
findings_required = permission_required("transport.view_findings", raise_exception=True)
FINDINGS_DAYS = 30


@login_required
@bus_check_required
def bus_check(request):
    """Type or scan a plate, tick who of today's list is on board, record all in one action."""
    checkpoint = own_checkpoint(request.user)
    if checkpoint is None:
        messages.error(
            request, _("Your account has no checkpoint. Ask an administrator to set it.")
        )
        return redirect("checkpoints:desk")
    plate_form = PlateForm(request.GET or None)
    if not plate_form.is_valid():
        return render(request, "checkpoints/bus_check.html", {"plate_form": plate_form})
    plate = plate_form.cleaned_data["plate"]
    vehicle = Vehicle.objects.select_related("company").filter(plate=plate).first()
    passengers = todays_list(vehicle)
    passed = passed_today(checkpoint=checkpoint, people=[d.person_id for d in passengers])
    form = BusCheckForm(request.POST or None, passengers=passengers, passed=passed)
    if request.method == "POST" and form.is_valid():
        check = _record(request, checkpoint, plate, vehicle, passengers, form)
        return redirect("checkpoints:bus_check_done", pk=check.pk)
    shown = [d.person.lookup_code for d in passengers]  # the list names them
    audit(request, AuditAction.VIEW_LIST, subject="bus_list", plate=plate, shown=shown)
    context = {
        "plate_form": plate_form,
        "plate": plate,
        "vehicle": vehicle,
        "passengers": passengers,
        "rows": [(d, passed.get(d.person_id)) for d in passengers],
        "passed": passed,
        "form": form,
    }
    return render(request, "checkpoints/bus_check.html", context)


def _record(request, checkpoint, plate, vehicle, passengers, form) -> BusCheck:
    check = bus_check_record(
        checkpoint=checkpoint,
        officer=request.user,
        plate=plate,
        vehicle=vehicle,
        on_board=form.on_board_people(),
        on_list=len(passengers),
        undeclared=form.cleaned_data["undeclared"],
        direction=form.cleaned_data["direction"],
        note=form.cleaned_data["note"],
        form_token=form.cleaned_data["form_token"],
    )
    if getattr(check, "checked_again", False):
        when = timezone.localtime(check.at)
        messages.info(
            request,
            _(
                "This bus was already checked here at %(time)s in this direction: this check "
                "was added to it, with the new count of undeclared passengers. A return trip "
                "is checked in the other direction."
            )
            % {"time": f"{when:%H:%M}"},
        )
    counts = {"on_board": check.on_board, "undeclared": check.undeclared}
    # Every passage is audited: the entry names those recorded on board by their codes.
    on_board = [person.lookup_code for person in form.on_board_people()]
    audit(
        request,
        AuditAction.RECORD_PASSAGE,
        shown=on_board,
        subject="bus_check",
        plate=plate,
        **counts,
    )
    return check


@login_required
@bus_check_required
def bus_check_done(request, pk):
    check = bus_check_for_staff(request, pk)
    recorded = check.passages.count()
    context = {"check": check, "recorded": recorded, "already": check.on_board - recorded}
    return render(request, "checkpoints/bus_check_done.html", context)


@login_required
@findings_required
def findings(request):
    """Vehicles and companies found with undeclared passengers, by date range."""
    form, start, end = _range(request)
    rows = undeclared_findings(start, end)
    if request.GET.get("format") == "xlsx":
        audit(request, AuditAction.EXPORT, subject="findings", start=start, end=end)
        return _findings_xlsx(rows, start, end)
    context = {"form": form, "rows": rows, "start": start, "end": end, **_totals(rows)}
    return render(request, "checkpoints/findings.html", context)


@login_required
@findings_required
def finding_checks(request, plate):
    """The checks behind one vehicle's finding: when, where, by whom, and what was counted."""
    plate = normalize_plate(plate)
    if plate is None:
        raise Http404
    form, start, end = _range(request)
    checks = list(plate_checks(plate, start, end))
    vehicle = Vehicle.objects.select_related("company").filter(plate=plate).first()
    context = {
        "form": form,
        "plate": plate,
        "vehicle": vehicle,
        "checks": checks,
        "start": start,
        "end": end,
        "total_undeclared": sum(check.undeclared for check in checks),
    }
    return render(request, "checkpoints/finding_checks.html", context)


def _range(request):
    """The findings' date-range form, and the range it gives (the last 30 days if not valid)."""
    form = FindingsForm(request.GET or None, initial=_default_range())
    start, end = _default_range().values()
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    return form, start, end


def _default_range() -> dict:
    today = timezone.localdate()
    return {"start": today - timedelta(days=FINDINGS_DAYS - 1), "end": today}


def _totals(rows) -> dict:
    companies: dict[str, int] = {}
    for row in rows:
        companies[row.company] = companies.get(row.company, 0) + row.undeclared
    return {
        "total_undeclared": sum(row.undeclared for row in rows),
        "companies": sorted(companies.items(), key=lambda item: -item[1]),
    }


def _findings_xlsx(rows, start, end):
    headers = [
        _("Vehicle plate"),
        _("Company"),
        _("Checks with undeclared passengers"),
        _("Undeclared passengers"),
        _("Checkpoints"),
        _("Last found"),
    ]
    unregistered = _("Not registered")
    lines = (
        [r.plate, r.company or unregistered, r.checks, r.undeclared, r.checkpoints, r.last_at]
        for r in rows
    )
    # Two years of two digits keep both dates whole within a sheet title's 31 characters
    # ("Chưa khai báo 07-11-26–06-12-26"): four cut the second date short.
    title = _("Undeclared %(start)s–%(end)s") % {
        "start": f"{start:%d-%m-%y}",
        "end": f"{end:%d-%m-%y}",
    }
    return xlsx_response(f"phat-hien-{start}-{end}.xlsx", headers, lines, title=title)
