import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import person_for_staff
from accounts.audit import audit
from accounts.models import AuditAction
from accounts.names import with_staff_names
from accounts.roles import Role, has_role
from checkpoints.access import board_checkpoint, checkpoint_for_staff, own_checkpoint
from checkpoints.forms import DeskSearchForm, PassageForm, RiskFlagForm, SpotPassageForm
from checkpoints.models import Checkpoint, Outcome, Passage
from checkpoints.search import staff_search
from checkpoints.services import declare_on_the_spot, passage_record
from declarations import codes
from declarations.forms import DeclarationForm, initial_from_data
from declarations.models import Declaration, MergedCode, Transport
from declarations.normalize import normalize_plate
from declarations.places import with_places
from declarations.posters import poster_page, qr_replaced, qr_response
from declarations.risk import RiskLevel
from declarations.services import person_require_update, risk_flag_add, risk_sources_of
from declarations.views import (
    code_guessing_limited,
    initial_for_update,
    latest_declaration,
    rate_limited,
)
from transport.access import operators_to_passenger_check
from truyvet.compiled import compiled_once

HISTORY_LENGTH = 20
BOARD_LENGTH = 100
# All the board reads of its rows (checkpoints/templatetags/board_table.py draws them).
BOARD_PERSON_FIELDS = ("lookup_code", "full_name", "risk_level")
BOARD_PASSAGE_FIELDS = ("at", "direction", "vehicle_plate", "outcome", "person")
BOARD_PASSAGE_FIELDS += tuple(f"person__{name}" for name in BOARD_PERSON_FIELDS)
BOARD_DECLARATION_FIELDS = ("submitted_at", "vehicle_plate", "person")
BOARD_DECLARATION_FIELDS += tuple(f"person__{name}" for name in BOARD_PERSON_FIELDS)

desk_required = permission_required("checkpoints.use_desk", raise_exception=True)


@login_required
@desk_required
def desk(request):
    form = DeskSearchForm(request.GET or None)
    context = {"form": form}
    if form.is_valid():
        found = staff_search(request, form.cleaned_data["q"])
        if found.refused:
            return rate_limited(request, None)
        if found.exact is not None:
            return redirect(found.exact_path)
        context |= found.context
    return render(request, "checkpoints/desk.html", context)


@login_required
@operators_to_passenger_check
@permission_required("declarations.view_person", raise_exception=True)
@code_guessing_limited
def person(request, code):
    person = person_for_staff(request, code)
    # Opened after declaring a bus's passenger on the spot: the next one is a key press away.
    next_plate = normalize_plate(request.GET.get("bien-so", "")) or ""
    return _person_page(
        request, person, merged=_merged_code(person, code), next_passenger_plate=next_plate
    )


def _merged_code(person, code: str) -> MergedCode | None:
    """The code of a duplicate merged into this person, when the page was opened with it."""
    code = codes.parse_code(code)
    if code == person.lookup_code:
        return None
    return MergedCode.objects.filter(code=code, person=person).first()


def _person_page(
    request,
    person,
    *,
    passage_form=None,
    flag_form=None,
    merged=None,
    next_passenger_plate="",
    status=200,
):
    """The person's page; with a form sent back with its errors beside its fields; ``merged``:
    the merged-away code the page was opened with, which the page explains;
    ``next_passenger_plate``: the bus whose next undeclared passenger the officer declares."""
    audit(request, AuditAction.VIEW_PERSON, person=person)
    declarations = person.declarations.newest_first()[:HISTORY_LENGTH]
    declarations = compiled_once(declarations, "person_declarations", person.pk)
    declarations = with_staff_names(with_places(declarations, *Declaration.PLACES), "made_by_user")
    passages = person.passages.select_related("checkpoint")[:HISTORY_LENGTH]
    passages = compiled_once(passages, "person_passages", person.pk)
    passage_form = passage_form or _passage_form(request, declarations)
    flags = with_staff_names(person.open_risk_flags(), "flagged_by")
    context = {
        "person": person,
        "merged": merged,
        "latest": declarations[0] if declarations else None,
        "declarations": declarations,
        "passages": with_staff_names(passages, "officer"),
        "flags": flags,
        "risk_sources": risk_sources_of(person, open_flags=flags),
        "passage_form": passage_form,
        # The blank forms are rendered once and kept: the passage form's checkpoint list for a
        # minute (a checkpoint opened meanwhile joins it after that), per checkpoint it starts with.
        "passage_form_key": _passage_form_key(request, passage_form),
        "flag_form": flag_form or RiskFlagForm(),
        "can_use_desk": request.user.has_perm("checkpoints.use_desk"),
        "next_passenger_plate": next_passenger_plate,
    }
    return render(request, "checkpoints/person.html", context, status=status)


def _passage_form_key(request, form: PassageForm) -> str:
    """The kept checkpoint list differs by the checkpoint it starts with, and by whether it
    holds every checkpoint (administrators) or the officer's own only."""
    checkpoint = form.initial.get("checkpoint")  # none for a form sent back
    scope = "all" if has_role(request.user, Role.ADMINISTRATOR) else "own"
    return f"{scope} {checkpoint.pk}" if checkpoint else scope


def _passage_checkpoints(request):
    """Where the user may record a passage: an officer at their own checkpoint only (a passage
    recorded elsewhere would show on another checkpoint's board); administrators anywhere."""
    checkpoints = Checkpoint.objects.filter(is_active=True)
    if has_role(request.user, Role.ADMINISTRATOR):
        return checkpoints
    own = own_checkpoint(request.user)
    return checkpoints.filter(pk=own.pk) if own else checkpoints.none()


def _passage_form(request, declarations) -> PassageForm:
    # Only a journey of today tells today's vehicle: an older plate, recorded by a quick Enter,
    # would put the traveller on a coach they left days ago.
    today = timezone.localdate()
    plate = next((d.vehicle_plate for d in declarations if d.travel_date == today), "")
    initial = {"checkpoint": own_checkpoint(request.user), "vehicle_plate": plate}
    return PassageForm(initial=initial, checkpoints=_passage_checkpoints(request))


@login_required
@desk_required
@require_POST
@code_guessing_limited
def record_passage(request, code):
    person = person_for_staff(request, code)
    form = PassageForm(request.POST, checkpoints=_passage_checkpoints(request))
    if not form.is_valid():
        return _person_page(request, person, passage_form=form, status=400)
    passage = passage_record(person=person, officer=request.user, **form.cleaned_data)
    outcome = Outcome(form.cleaned_data["outcome"]).label
    audit(request, AuditAction.RECORD_PASSAGE, person=person, said=outcome)
    # The traveller is done with: back to the search box, ready for the next scan.
    names = {"name": person.full_name, "code": person.display_code}
    if getattr(passage, "recorded_before", False):
        names |= {
            "time": f"{timezone.localtime(passage.at):%H:%M}",
            "outcome": passage.get_outcome_display(),
        }
        said = (
            _(
                "The crossing of %(name)s (%(code)s) was already recorded at %(time)s in this "
                "direction: it was not recorded again. Its outcome is now: %(outcome)s."
            )
            if passage.outcome_changed
            else _(
                "The crossing of %(name)s (%(code)s) was already recorded at %(time)s in this "
                "direction (%(outcome)s): it was not recorded again. A return trip is recorded "
                "in the other direction."
            )
        )
        messages.info(request, said % names)
        return redirect("checkpoints:desk")
    messages.success(request, _("Passage recorded for %(name)s (%(code)s).") % names)
    return redirect("checkpoints:desk")


@login_required
@desk_required
@require_POST
@code_guessing_limited
def require_update(request, code):
    person = person_for_staff(request, code)
    person_require_update(person=person)
    audit(request, AuditAction.REQUIRE_UPDATE, person=person)
    messages.success(request, _("The person will be asked to update their declaration."))
    return redirect("checkpoints:person", code=person.lookup_code)


@login_required
@desk_required
@require_POST
@code_guessing_limited
def flag_risk(request, code):
    person = person_for_staff(request, code)
    form = RiskFlagForm(request.POST)
    if not form.is_valid():
        return _person_page(request, person, flag_form=form, status=400)
    checkpoint = own_checkpoint(request.user)
    flag = risk_flag_add(
        person=person,
        level=form.cleaned_data["level"],
        reason=form.cleaned_data["reason"],
        place=checkpoint.name if checkpoint else "",
        user=request.user,
    )
    if getattr(flag, "flagged_again", False):
        when = timezone.localtime(flag.flagged_at)
        messages.info(
            request,
            _("This risk was already flagged at %(time)s: it was not flagged a second time.")
            % {"time": f"{when:%H:%M}"},
        )
        return redirect("checkpoints:person", code=person.lookup_code)
    audit(request, AuditAction.FLAG_RISK, person=person, detail=form.cleaned_data["reason"])
    messages.success(request, _("Risk flagged: the person is on the health staff's list."))
    return redirect("checkpoints:person", code=person.lookup_code)


@login_required
@desk_required
def declare_new(request):
    """Declare on the spot for a traveller who has no declaration yet (``?bien-so=`` comes from
    a bus check: the passenger's coach is filled in)."""
    plate = normalize_plate(request.GET.get("bien-so", ""))
    initial = {"vehicle_plate": plate, "transport": Transport.COACH} if plate else {}
    return _declare_on_the_spot(request, person=None, initial=initial)


@login_required
@desk_required
@code_guessing_limited
def declare_update(request, code):
    """Declare on the spot again for a known person (for example one who must update)."""
    person = person_for_staff(request, code)
    if request.method == "GET":  # the form shows the person's identity, filled in
        audit(request, AuditAction.VIEW_PERSON, person=person)
    # Sent from the officer's desk, not through the point of the declaration it starts from:
    # that point would say a crew or a facility sent it (``ManifestRow.declared_by``).
    initial = initial_for_update(person, latest_declaration(person))
    return _declare_on_the_spot(request, person=person, initial=initial)


def _declare_on_the_spot(request, *, person, initial):
    # The traveller is at the checkpoint: their journey is today's.
    initial = {**initial, "travel_date": timezone.localdate()}
    checkpoint = own_checkpoint(request.user)
    if checkpoint is None:
        messages.error(
            request, _("Your account has no checkpoint. Ask an administrator to set it.")
        )
        return redirect("checkpoints:desk")
    passage_form = SpotPassageForm(request.POST or None, checkpoint=checkpoint)
    if request.method == "POST" and "refresh_places" in request.POST:
        form = DeclarationForm(initial=initial_from_data(request.POST), on_behalf=True)
    elif request.method == "POST":
        # The initial values tell a carried plate apart.
        form = DeclarationForm(request.POST, initial=initial, on_behalf=True)
        if passage_form.is_valid() and form.is_valid():
            passage = declare_on_the_spot(
                data=form.declaration_data(),
                token=form.cleaned_data["form_token"],
                officer=request.user,
                checkpoint=checkpoint,
                direction=passage_form.cleaned_data["direction"],
                person=person,
            )
            audit(request, AuditAction.DECLARE_ON_BEHALF, person=passage.person)
            messages.success(request, _("Declaration recorded on the spot, with the passage."))
            path = passage.person.staff_path
            if person is None and initial.get("vehicle_plate"):  # a bus's passenger
                path += "?" + urlencode({"bien-so": initial["vehicle_plate"]})
            return redirect(path)
    else:
        form = DeclarationForm(initial={"form_token": uuid.uuid4(), **initial}, on_behalf=True)
        # The officer types the traveller's answers: the cursor starts at their name.
        form.fields["full_name"].widget.attrs["autofocus"] = True
    context = {
        "form": form,
        "passage_form": passage_form,
        "person": person,
        "checkpoint": checkpoint,
    }
    return render(request, "checkpoints/declare.html", context)


@login_required
@desk_required
def board(request):
    checkpoint = board_checkpoint(request)
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    today = Passage.objects.filter(checkpoint=checkpoint, at__gte=start)
    at_risk = ~Q(person__risk_level=RiskLevel.NONE)
    counts = today.aggregate(
        entering=Count("id", filter=Q(direction="in")),
        leaving=Count("id", filter=Q(direction="out")),
        # People, as the tile says: one at risk who crossed in and out is one.
        at_risk=Count("person", filter=at_risk, distinct=True),
        declared=Count("id", filter=Q(outcome=Outcome.DECLARED_ON_SPOT)),
    )
    passages = list(today.select_related("person").only(*BOARD_PASSAGE_FIELDS)[:BOARD_LENGTH])
    qr_declarations = list(
        Declaration.objects.filter(point=checkpoint.point_id, submitted_at__gte=start)
        .select_related("person")
        .only(*BOARD_DECLARATION_FIELDS)
        .newest_first()[:BOARD_LENGTH]
    )
    # The board names people: the entry holds their codes, so a search by a code finds it.
    shown = [row.person.lookup_code for row in (*passages, *qr_declarations)]
    audit(request, AuditAction.VIEW_LIST, subject="board", checkpoint=checkpoint.name, shown=shown)
    context = {
        "checkpoint": checkpoint,
        "counts": counts,
        "passages": passages,
        "qr_declarations": qr_declarations,
        # Administrators read any checkpoint's board: they choose it from the list.
        "checkpoints": Checkpoint.objects.order_by("name")
        if has_role(request.user, Role.ADMINISTRATOR)
        else None,
    }
    return render(request, "checkpoints/board.html", context)


@login_required
@desk_required
def poster(request, pk):
    checkpoint = checkpoint_for_staff(request, pk)
    back_url = f"{reverse('checkpoints:board')}?chot={checkpoint.pk}"
    return poster_page(request, checkpoint.point, back_url=back_url)


@login_required
@desk_required
def qr_image(request, pk, kind):
    checkpoint = checkpoint_for_staff(request, pk)
    return qr_response(request, checkpoint.point, kind)


@login_required
@desk_required
@require_POST
def replace_qr(request, pk):
    checkpoint = checkpoint_for_staff(request, pk)
    qr_replaced(request, checkpoint.point)
    return redirect("checkpoints:poster", pk=checkpoint.pk)
